//===- Quantized.cpp - reference kernels of the fp8 ops ---------*- C++ -*-===//
//
// tfc.dynamic_quantize (per-tensor amax scale, values rounded to f8E4M3FN)
// and tfc.scaled_matmul (fp8 products summed exactly in double, then scaled
// back). The GPU kernels, when they exist, accumulate in f32: the tolerance
// of tfc-lower-precision{fp8=...} (Passes.td) covers both.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

/// The largest finite f8E4M3FN value.
static constexpr double kE4M3Max = 448.0;

FailureOr<SmallVector<Tensor>>
reference::evaluateDynamicQuantize(DynamicQuantizeOp op, const Tensor &input) {
  double amax = 0;
  for (double x : input.floats)
    amax = std::max(amax, std::fabs(x));
  if (!std::isfinite(amax))
    return op.emitError("cannot quantize a tensor holding inf or NaN");
  Tensor scale(op.getScale().getType());
  // The scale is an f32 value; the quantized values divide by exactly it.
  scale.floats[0] =
      amax > 0 ? roundToFloatType(amax / kE4M3Max, Float32Type::get(
                                                        op.getContext()))
               : 1.0;
  Tensor result(op.getResult().getType());
  for (int64_t i = 0, e = result.getNumElements(); i < e; ++i)
    result.floats[i] = input.floats[i] / scale.floats[0];
  roundToElementType(result);
  SmallVector<Tensor> results;
  results.push_back(std::move(result));
  results.push_back(std::move(scale));
  return results;
}

FailureOr<Tensor> reference::evaluateScaledMatmul(ScaledMatmulOp op,
                                                  const Tensor &lhs,
                                                  const Tensor &rhs,
                                                  const Tensor &lhsScale,
                                                  const Tensor &rhsScale) {
  int64_t k = rhs.getShape()[0], n = rhs.getShape()[1];
  int64_t rows = lhs.getNumElements() / std::max<int64_t>(k, 1);
  bool perChannel = rhsScale.getRank() == 1;
  Tensor result(op.getResult().getType());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t i = 0; i < k; ++i)
        sum += lhs.floats[r * k + i] * rhs.floats[i * n + j];
      result.floats[r * n + j] = sum * lhsScale.floats[0] *
                                 rhsScale.floats[perChannel ? j : 0];
    }
  roundToElementType(result);
  return result;
}
