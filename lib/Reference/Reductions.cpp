//===- Reductions.cpp - reference kernels of reductions and norms -*- C++ -*-===//
//
// tfc.reduce (sum, mean, max, min, prod over axes), tfc.softmax, and the two
// normalisations, tfc.layer_norm (biased variance over [axis, rank)) and
// tfc.rms_norm. Statistics are computed in double, two-pass.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

FailureOr<Tensor> reference::evaluateReduce(ReduceOp op, const Tensor &input) {
  RankedTensorType type = resultType(op);
  ArrayRef<int64_t> inShape = input.getShape();
  ArrayRef<int64_t> axes = op.getAxes();
  ReduceKind kind = op.getKind();

  // Walk the input; offset 0 is the output element each input element
  // reduces into (the output strides with 0 on the reduced axes).
  SmallVector<int64_t> keptShape;
  for (int64_t d = 0; d < input.getRank(); ++d)
    keptShape.push_back(llvm::is_contained(axes, d) ? 1 : inShape[d]);
  SmallVector<int64_t> outStrides = broadcastStrides(keptShape, inShape);
  StridedWalk walk(inShape, {outStrides});

  int64_t count = 1;
  for (int64_t axis : axes)
    count *= inShape[axis];
  int64_t outCount = type.getNumElements();
  if (count == 0 && (kind == ReduceKind::max || kind == ReduceKind::min) &&
      outCount > 0)
    return op.emitError("reduces an empty dimension with ")
           << stringifyReduceKind(kind) << ", which has no identity";

  Tensor result(type);
  if (input.isFloat()) {
    std::vector<double> &acc = result.floats;
    double init = kind == ReduceKind::prod  ? 1.0
                  : kind == ReduceKind::max ? -INFINITY
                  : kind == ReduceKind::min ? INFINITY
                                            : 0.0;
    acc.assign(outCount, init);
    for (int64_t i = 0, n = input.getNumElements(); i < n; ++i, walk.next()) {
      double x = input.floats[i];
      double &a = acc[walk.offset(0)];
      switch (kind) {
      case ReduceKind::sum:
      case ReduceKind::mean:
        a += x;
        break;
      case ReduceKind::prod:
        a *= x;
        break;
      case ReduceKind::max:
        a = (std::isnan(x) || std::isnan(a)) ? NAN : std::max(a, x);
        break;
      case ReduceKind::min:
        a = (std::isnan(x) || std::isnan(a)) ? NAN : std::min(a, x);
        break;
      }
    }
    if (kind == ReduceKind::mean)
      for (double &a : acc)
        a /= static_cast<double>(count);
    roundToElementType(result);
    return result;
  }

  std::vector<int64_t> &acc = result.ints;
  int64_t init = kind == ReduceKind::prod  ? 1
                 : kind == ReduceKind::max ? std::numeric_limits<int64_t>::min()
                 : kind == ReduceKind::min ? std::numeric_limits<int64_t>::max()
                                           : 0;
  acc.assign(outCount, init);
  for (int64_t i = 0, n = input.getNumElements(); i < n; ++i, walk.next()) {
    int64_t x = input.ints[i];
    int64_t &a = acc[walk.offset(0)];
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      a = static_cast<int64_t>(static_cast<uint64_t>(a) +
                               static_cast<uint64_t>(x));
      break;
    case ReduceKind::prod:
      a = static_cast<int64_t>(static_cast<uint64_t>(a) *
                               static_cast<uint64_t>(x));
      break;
    case ReduceKind::max:
      a = std::max(a, x);
      break;
    case ReduceKind::min:
      a = std::min(a, x);
      break;
    }
  }
  if (kind == ReduceKind::mean) {
    if (count == 0 && outCount > 0)
      return op.emitError("integer mean over an empty dimension");
    // Integer mean truncates toward zero.
    for (int64_t &a : acc)
      a /= count;
  }
  roundToElementType(result);
  return result;
}

namespace {
/// The input seen as [outer, axis, inner] around one axis.
struct AxisView {
  int64_t outer = 1, size = 1, inner = 1;
  AxisView(ArrayRef<int64_t> shape, int64_t axis) {
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
      if (d < axis)
        outer *= shape[d];
      else if (d == axis)
        size = shape[d];
      else
        inner *= shape[d];
    }
  }
};
} // namespace

FailureOr<Tensor> reference::evaluateSoftmax(SoftmaxOp op,
                                             const Tensor &input) {
  Tensor result(resultType(op));
  AxisView view(input.getShape(), op.getAxis());
  for (int64_t o = 0; o < view.outer; ++o) {
    for (int64_t in = 0; in < view.inner; ++in) {
      int64_t base = o * view.size * view.inner + in;
      double max = -INFINITY;
      for (int64_t k = 0; k < view.size; ++k)
        max = std::max(max, input.floats[base + k * view.inner]);
      double sum = 0;
      for (int64_t k = 0; k < view.size; ++k) {
        double e = std::exp(input.floats[base + k * view.inner] - max);
        result.floats[base + k * view.inner] = e;
        sum += e;
      }
      for (int64_t k = 0; k < view.size; ++k)
        result.floats[base + k * view.inner] /= sum;
    }
  }
  roundToElementType(result);
  return result;
}

/// Normalises each row of `input` seen as [rows, size] (the trailing dims
/// from `axis` flattened): `center` subtracts the row mean and uses the
/// biased variance (layer norm); otherwise the mean of squares (RMS norm).
static Tensor normalizeRows(RankedTensorType type, const Tensor &input,
                            int64_t axis, double epsilon, bool center,
                            const Tensor *scale, const Tensor *bias) {
  Tensor result(type);
  int64_t size = 1;
  for (int64_t d = axis; d < input.getRank(); ++d)
    size *= input.getShape()[d];
  int64_t rows = size == 0 ? 0 : input.getNumElements() / size;
  for (int64_t r = 0; r < rows; ++r) {
    const double *x = input.floats.data() + r * size;
    double *y = result.floats.data() + r * size;
    double mean = 0;
    if (center) {
      for (int64_t k = 0; k < size; ++k)
        mean += x[k];
      mean /= static_cast<double>(size);
    }
    double sq = 0;
    for (int64_t k = 0; k < size; ++k)
      sq += (x[k] - mean) * (x[k] - mean);
    double inv = 1.0 / std::sqrt(sq / static_cast<double>(size) + epsilon);
    for (int64_t k = 0; k < size; ++k) {
      double v = (x[k] - mean) * inv;
      if (scale)
        v *= scale->floats[k];
      if (bias)
        v += bias->floats[k];
      y[k] = v;
    }
  }
  roundToElementType(result);
  return result;
}

FailureOr<Tensor> reference::evaluateLayerNorm(LayerNormOp op,
                                               const Tensor &input,
                                               const Tensor *scale,
                                               const Tensor *bias) {
  return normalizeRows(resultType(op), input, op.getAxis(),
                       op.getEpsilon().convertToDouble(), /*center=*/true,
                       scale, bias);
}

FailureOr<Tensor> reference::evaluateRmsNorm(RmsNormOp op, const Tensor &input,
                                             const Tensor *scale) {
  return normalizeRows(resultType(op), input, op.getAxis(),
                       op.getEpsilon().convertToDouble(), /*center=*/false,
                       scale, /*bias=*/nullptr);
}
