//===- Structural.cpp - reference kernels of data-movement ops --*- C++ -*-===//
//
// transpose, reshape, expand, slice, concat, split and gather. Each computes,
// for every result element, the index of the source element it copies; no
// arithmetic, so no rounding.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

/// The source index of every element of `result` under a strided walk.
static std::vector<int64_t> walkIndices(ArrayRef<int64_t> result,
                                        SmallVector<int64_t> strides,
                                        int64_t base = 0) {
  int64_t n = 1;
  for (int64_t s : result)
    n *= s;
  std::vector<int64_t> indices(n);
  StridedWalk walk(result, {std::move(strides)}, {base});
  for (int64_t i = 0; i < n; ++i, walk.next())
    indices[i] = walk.offset(0);
  return indices;
}

FailureOr<Tensor> reference::evaluateTranspose(TransposeOp op,
                                               const Tensor &input) {
  RankedTensorType type = resultType(op);
  SmallVector<int64_t> inStrides = stridesOf(input.getShape());
  SmallVector<int64_t> strides;
  for (int64_t p : op.getPermutation())
    strides.push_back(inStrides[p]);
  return gatherElements(input, walkIndices(type.getShape(), strides), type);
}

FailureOr<Tensor> reference::evaluateReshape(ReshapeOp op,
                                             const Tensor &input) {
  Tensor result = input;
  result.type = resultType(op);
  return result;
}

FailureOr<Tensor> reference::evaluateExpand(ExpandOp op, const Tensor &input) {
  RankedTensorType type = resultType(op);
  return gatherElements(
      input,
      walkIndices(type.getShape(),
                  broadcastStrides(input.getShape(), type.getShape())),
      type);
}

FailureOr<Tensor> reference::evaluateSlice(SliceOp op, const Tensor &input) {
  RankedTensorType type = resultType(op);
  SmallVector<int64_t> inStrides = stridesOf(input.getShape());
  SmallVector<int64_t> strides;
  int64_t base = 0;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    strides.push_back(inStrides[d] * op.getStrides()[d]);
    base += inStrides[d] * op.getOffsets()[d];
  }
  return gatherElements(input, walkIndices(type.getShape(), strides, base),
                        type);
}

FailureOr<Tensor> reference::evaluateConcat(ConcatOp op, Operands inputs) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  int64_t axis = op.getAxis();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d < axis)
      outer *= type.getDimSize(d);
    else if (d > axis)
      inner *= type.getDimSize(d);
  }
  int64_t outRow = type.getDimSize(axis) * inner;
  int64_t start = 0;
  for (const Tensor *in : inputs) {
    int64_t row = in->getShape()[axis] * inner;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t e = 0; e < row; ++e) {
        int64_t dst = o * outRow + start + e, src = o * row + e;
        if (result.isFloat())
          result.floats[dst] = in->floats[src];
        else
          result.ints[dst] = in->ints[src];
      }
    }
    start += row;
  }
  return result;
}

FailureOr<SmallVector<Tensor>> reference::evaluateSplit(SplitOp op,
                                                        const Tensor &input) {
  SmallVector<Tensor> results;
  int64_t axis = op.getAxis();
  SmallVector<int64_t> offsets(input.getRank(), 0);
  SmallVector<int64_t> inStrides = stridesOf(input.getShape());
  for (unsigned r = 0; r < op.getNumResults(); ++r) {
    RankedTensorType type = resultType(op, r);
    results.push_back(gatherElements(
        input, walkIndices(type.getShape(), inStrides,
                           offsets[axis] * inStrides[axis]),
        type));
    offsets[axis] += type.getDimSize(axis);
  }
  return results;
}

FailureOr<Tensor> reference::evaluateGather(GatherOp op, const Tensor &data,
                                            const Tensor &indices) {
  RankedTensorType type = resultType(op);
  int64_t axis = op.getAxis();
  ArrayRef<int64_t> shape = data.getShape();
  int64_t outer = 1, inner = 1, size = shape[axis];
  for (int64_t d = 0; d < data.getRank(); ++d) {
    if (d < axis)
      outer *= shape[d];
    else if (d > axis)
      inner *= shape[d];
  }
  int64_t count = indices.getNumElements();
  std::vector<int64_t> source(type.getNumElements());
  for (int64_t n = 0; n < count; ++n) {
    int64_t index = indices.ints[n];
    if (index < -size || index >= size)
      return op.emitError("index ")
             << index << " at position " << n << " of the indices is out of "
             << "range for dimension " << axis << " of size " << size
             << " (expected " << -size << " <= index < " << size << ")";
    if (index < 0)
      index += size;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t e = 0; e < inner; ++e)
        source[(o * count + n) * inner + e] = (o * size + index) * inner + e;
  }
  return gatherElements(data, source, type);
}
