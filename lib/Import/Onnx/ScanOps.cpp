//===- ScanOps.cpp - Trilu, CumSum and GatherND ---------------------------===//
//
// ONNX ops that exporters emit around masks and positions. Trilu becomes a
// `tfc.where` with a constant triangular mask, so it works on tensors computed
// at run time (a causal mask built from a run-time tensor, say). CumSum and
// GatherND have no tfc op: exporters apply them to constants (position ids,
// packed-sequence bookkeeping), which fold here; on run-time tensors they are
// a clear error.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

/// Trilu(x, k): keeps elements with col - row >= k (upper) or <= k (lower)
/// of the two innermost dimensions and zeroes the rest.
static LogicalResult importTrilu(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto upper = node.getBoolAttr("upper", true);
  if (failed(upper))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (type.getRank() < 2)
    return node.emitError() << "Trilu input must have rank 2 or more, got "
                            << type;
  int64_t k = 0;
  if (node.hasInput(1)) {
    auto values = node.getConstantInts(1, "input 'k'");
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return node.emitError() << "Trilu input 'k' must hold one value, got "
                              << values->size();
    k = values->front();
  }
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  auto keep = [&](int64_t i, int64_t j) {
    return *upper ? j - i >= k : j - i <= k;
  };

  if (DenseElementsAttr constant = node.getInputConstant(0);
      constant && node.canFold()) {
    HostTensor host = HostTensor::fromAttr(constant);
    int64_t n = host.getNumElements();
    for (int64_t e = 0; e < n; ++e) {
      int64_t j = e % cols, i = (e / cols) % rows;
      if (keep(i, j))
        continue;
      if (host.isFloat())
        host.floats[e] = 0.0;
      else
        host.ints[e] = 0;
    }
    return node.setConstantOutput(0, host.toAttr());
  }

  SmallVector<bool> mask;
  mask.reserve(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.push_back(keep(i, j));
  auto maskType =
      RankedTensorType::get({rows, cols}, IntegerType::get(node.getContext(), 1));
  Value condition =
      node.getConstant(DenseElementsAttr::get(maskType, ArrayRef<bool>(mask)));
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  Value zero = node.getScalarConstant(type.getElementType(), 0.0);
  auto op = node.create<WhereOp>(condition, *input, zero);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

/// CumSum(x, axis) with `exclusive` and `reverse`, on constants only.
static LogicalResult importCumSum(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto exclusive = node.getBoolAttr("exclusive", false);
  auto reverse = node.getBoolAttr("reverse", false);
  if (failed(exclusive) || failed(reverse))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto axisValues = node.getConstantInts(1, "input 'axis'");
  if (failed(axisValues))
    return failure();
  if (axisValues->size() != 1)
    return node.emitError() << "CumSum input 'axis' must hold one value, got "
                            << axisValues->size();
  auto axis = node.normalizeAxis(axisValues->front(), type.getRank(),
                                 "input 'axis'");
  if (failed(axis))
    return failure();
  if (!node.canFold())
    return node.emitRunTimeInputError(0, "its input is");
  HostTensor host = HostTensor::fromAttr(node.getInputConstant(0));
  int64_t size = type.getDimSize(*axis);
  int64_t inner = 1;
  for (int64_t d = *axis + 1; d < type.getRank(); ++d)
    inner *= type.getDimSize(d);
  int64_t outer = size == 0 ? 0 : host.getNumElements() / (size * inner);
  HostTensor result = host;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      double floatSum = 0;
      int64_t intSum = 0;
      for (int64_t step = 0; step < size; ++step) {
        int64_t a = *reverse ? size - 1 - step : step;
        int64_t e = (o * size + a) * inner + in;
        if (host.isFloat()) {
          if (!*exclusive)
            floatSum += host.floats[e];
          result.floats[e] = floatSum;
          if (*exclusive)
            floatSum += host.floats[e];
        } else {
          if (!*exclusive)
            intSum += host.ints[e];
          result.ints[e] = intSum;
          if (*exclusive)
            intSum += host.ints[e];
        }
      }
    }
  }
  return node.setConstantOutput(0, result.toAttr());
}

/// GatherND(data, indices) with `batch_dims`, on constants only.
static LogicalResult importGatherND(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto batchDims = node.getIntAttr("batch_dims", 0);
  if (failed(batchDims))
    return failure();
  RankedTensorType type = node.getInputType(0),
                   indicesType = node.getInputType(1);
  int64_t b = *batchDims, r = type.getRank(), q = indicesType.getRank();
  if (q < 1 || b < 0 || b >= std::min(r, q))
    return node.emitError() << "GatherND batch_dims " << b
                            << " is out of range for data " << type
                            << " and indices " << indicesType;
  int64_t k = indicesType.getDimSize(q - 1);
  if (k < 1 || b + k > r)
    return node.emitError() << "GatherND index tuples of length " << k
                            << " do not fit data " << type << " with "
                            << b << " batch dims";
  for (int64_t d = 0; d < b; ++d)
    if (type.getDimSize(d) != indicesType.getDimSize(d))
      return node.emitError() << "GatherND batch dimension " << d
                              << " differs: data " << type << ", indices "
                              << indicesType;
  if (!node.canFold())
    return node.emitRunTimeInputError(0, "data and indices are");
  HostTensor data = HostTensor::fromAttr(node.getInputConstant(0));
  HostTensor indices = HostTensor::fromAttr(node.getInputConstant(1));

  // Output: indices.shape[:-1] + data.shape[b + k:].
  SmallVector<int64_t> shape(indicesType.getShape().drop_back());
  llvm::append_range(shape, type.getShape().drop_front(b + k));
  int64_t sliceSize = 1;
  for (int64_t d = b + k; d < r; ++d)
    sliceSize *= type.getDimSize(d);
  SmallVector<int64_t> dataStrides(r, 1);
  for (int64_t d = r - 2; d >= 0; --d)
    dataStrides[d] = dataStrides[d + 1] * type.getDimSize(d + 1);
  int64_t batchCount = 1;
  for (int64_t d = 0; d < b; ++d)
    batchCount *= type.getDimSize(d);
  int64_t tuples = indices.getNumElements() / k;
  int64_t tuplesPerBatch = batchCount ? tuples / batchCount : 0;

  std::vector<double> floats;
  std::vector<int64_t> ints;
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t batch = tuplesPerBatch ? t / tuplesPerBatch : 0;
    // The batch coordinates address data's leading dims row-major.
    int64_t offset = 0, rest = batch;
    for (int64_t d = b - 1; d >= 0; --d) {
      offset += (rest % type.getDimSize(d)) * dataStrides[d];
      rest /= type.getDimSize(d);
    }
    for (int64_t j = 0; j < k; ++j) {
      int64_t dim = type.getDimSize(b + j);
      int64_t index = indices.ints[t * k + j];
      if (index < -dim || index >= dim)
        return node.emitError() << "GatherND index " << index
                                << " is out of range for dimension " << b + j
                                << " of size " << dim;
      offset += (index < 0 ? index + dim : index) * dataStrides[b + j];
    }
    for (int64_t s = 0; s < sliceSize; ++s) {
      if (data.isFloat())
        floats.push_back(data.floats[offset + s]);
      else
        ints.push_back(data.ints[offset + s]);
    }
  }
  HostTensor result =
      data.isFloat()
          ? HostTensor::fromFloats(shape, type.getElementType(), floats)
          : HostTensor::fromInts(shape, type.getElementType(), ints);
  return node.setConstantOutput(0, result.toAttr());
}

void mlir::tfc::onnx_import::populateScanHandlers(OnnxOpRegistry &registry) {
  registry.add("Trilu", 14, kOnnxMaxOpset, importTrilu, {1});
  registry.add("CumSum", 11, kOnnxMaxOpset, importCumSum, {0, 1});
  registry.add("GatherND", 11, kOnnxMaxOpset, importGatherND, {0, 1});
}
