//===- KernelFamilyRules.cpp - which kernel family takes an anchor --------===//
//
// The shared rules of KernelFamilyRules.h: the codegen calls them with
// "is a block argument of the fusion", the fusion passes with "is not
// computed by a member of the candidate group".
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/KernelFamilyRules.h"

using namespace mlir;
using namespace mlir::tfc;

int64_t mlir::tfc::getComputeCapability(TargetAttr target) {
  StringRef arch = target.getArch();
  if (!arch.consume_front("sm_"))
    return 0;
  arch = arch.take_while([](char c) { return c >= '0' && c <= '9'; });
  int64_t cc = 0;
  if (arch.getAsInteger(10, cc))
    return 0;
  return cc;
}

bool mlir::tfc::hasMmaSync(TargetAttr target) {
  return getComputeCapability(target) >= 80;
}

/// The rules of the tensor-core matmul that do not depend on where its
/// operands come from.
static bool fitsTensorCoreMatmul(TargetAttr target, MatmulOp op) {
  if (!hasMmaSync(target))
    return false;
  auto lhsType = op.getLhs().getType();
  auto rhsType = op.getRhs().getType();
  Type element = lhsType.getElementType();
  if (element != rhsType.getElementType() ||
      !(element.isBF16() || element.isF16()))
    return false;
  if (auto acc = op.getAccumulatorType(); acc && !acc->isF32())
    return false;
  return lhsType.getShape().back() % 8 == 0 &&
         rhsType.getShape().back() % 8 == 0;
}

/// The rules of the flash attention that do not depend on where its
/// operands come from.
static bool fitsFlashAttention(TargetAttr target, AttentionOp op) {
  if (!hasMmaSync(target) || op.getAlibi())
    return false;
  auto q = cast<RankedTensorType>(op.getQuery().getType());
  auto k = cast<RankedTensorType>(op.getKey().getType());
  auto v = cast<RankedTensorType>(op.getValue().getType());
  Type element = q.getElementType();
  if (!(element.isBF16() || element.isF16()) || k.getElementType() != element ||
      v.getElementType() != element)
    return false;
  int64_t d = q.getDimSize(3), dv = v.getDimSize(3);
  return d > 0 && dv > 0 && d % 16 == 0 && dv % 16 == 0 && d <= 256 &&
         dv <= 256 &&
         q.getDimSize(2) > 0 && k.getDimSize(2) > 0;
}

bool mlir::tfc::isTensorCoreMatmul(TargetAttr target, MatmulOp op,
                                   OperandSource isKernelArgument) {
  // Operands are read straight from kernel arguments with 16-byte copies.
  return fitsTensorCoreMatmul(target, op) && isKernelArgument(op.getLhs()) &&
         isKernelArgument(op.getRhs());
}

FailureOr<StridedView>
mlir::tfc::getStridedView(Value operand, OperandSource isKernelArgument,
                          SmallVectorImpl<Operation *> *path) {
  auto type = dyn_cast<RankedTensorType>(operand.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() == 0)
    return failure();
  if (isKernelArgument(operand)) {
    StridedView view;
    view.source = operand;
    view.shape.assign(type.getShape().begin(), type.getShape().end());
    view.strides.assign(type.getRank(), 1);
    for (int64_t d = type.getRank() - 2; d >= 0; --d)
      view.strides[d] = view.strides[d + 1] * view.shape[d + 1];
    return view;
  }
  Operation *def = operand.getDefiningOp();
  if (!def)
    return failure();
  auto result = cast<OpResult>(operand);
  auto inputView = [&](Value input) {
    if (path)
      path->push_back(def);
    return getStridedView(input, isKernelArgument, path);
  };
  if (auto transpose = dyn_cast<TransposeOp>(def)) {
    FailureOr<StridedView> in = inputView(transpose.getInput());
    if (failed(in))
      return failure();
    StridedView view = *in;
    for (auto [i, p] : llvm::enumerate(transpose.getPermutation())) {
      view.shape[i] = in->shape[p];
      view.strides[i] = in->strides[p];
    }
    return view;
  }
  if (auto split = dyn_cast<SplitOp>(def)) {
    FailureOr<StridedView> view = inputView(split.getInput());
    if (failed(view))
      return failure();
    int64_t axis = split.getAxis();
    int64_t start = 0;
    for (int64_t size : split.getSizes().take_front(result.getResultNumber()))
      start += size;
    view->offset += start * view->strides[axis];
    view->shape[axis] = split.getSizes()[result.getResultNumber()];
    return view;
  }
  if (auto slice = dyn_cast<SliceOp>(def)) {
    FailureOr<StridedView> view = inputView(slice.getInput());
    if (failed(view))
      return failure();
    for (int64_t d = 0, e = view->shape.size(); d < e; ++d) {
      int64_t step = slice.getStrides()[d];
      if (step <= 0)
        return failure();
      view->offset += slice.getOffsets()[d] * view->strides[d];
      view->strides[d] *= step;
      view->shape[d] = type.getDimSize(d);
    }
    return view;
  }
  if (auto reshape = dyn_cast<ReshapeOp>(def)) {
    FailureOr<StridedView> in = inputView(reshape.getInput());
    if (failed(in))
      return failure();
    // Every input dimension becomes a run of result dimensions whose sizes
    // multiply to its size (dimensions of size 1 may appear anywhere).
    StridedView view;
    view.source = in->source;
    view.offset = in->offset;
    ArrayRef<int64_t> shape = type.getShape();
    view.shape.assign(shape.begin(), shape.end());
    view.strides.assign(shape.size(), 0);
    int64_t r = shape.size();
    for (int64_t d = in->shape.size() - 1; d >= 0; --d) {
      int64_t size = in->shape[d], stride = in->strides[d];
      while (size > 1) {
        if (r == 0 || size % shape[r - 1] != 0)
          return failure();
        --r;
        view.strides[r] = stride;
        stride *= shape[r];
        size /= shape[r];
      }
      if (size == 0)
        return failure();
    }
    // What is left are dimensions of size 1, whose strides never matter:
    // they get the row-major one over the next dimension.
    for (int64_t i = 0; i < r; ++i)
      if (shape[i] != 1)
        return failure();
    for (int64_t i = r - 1; i >= 0; --i)
      view.strides[i] = i + 1 < static_cast<int64_t>(shape.size())
                            ? view.strides[i + 1] * shape[i + 1]
                            : 1;
    return view;
  }
  return failure();
}

bool mlir::tfc::isCopyableView(const StridedView &view, Type elementType) {
  if (!elementType.isIntOrFloat() ||
      elementType.getIntOrFloatBitWidth() % 8 != 0 || view.strides.empty())
    return false;
  int64_t bytes = elementType.getIntOrFloatBitWidth() / 8;
  auto whole = [&](int64_t elements) { return elements * bytes % 16 == 0; };
  if (view.strides.back() != 1 && view.shape.back() != 1)
    return false;
  if (!whole(view.offset) || !whole(view.shape.back()))
    return false;
  for (auto [size, stride] :
       llvm::zip(ArrayRef(view.shape).drop_back(),
                 ArrayRef(view.strides).drop_back()))
    if (size != 1 && !whole(stride))
      return false;
  return true;
}

bool mlir::tfc::isFlashReadable(Value operand, OperandSource isKernelArgument,
                                SmallVectorImpl<Operation *> *path) {
  if (isKernelArgument(operand))
    return true;
  FailureOr<StridedView> view =
      getStridedView(operand, isKernelArgument, path);
  return succeeded(view) &&
         isCopyableView(*view, cast<RankedTensorType>(operand.getType())
                                   .getElementType());
}

RopeOp mlir::tfc::getFlashQueryRope(AttentionOp op,
                                    OperandSource isKernelArgument) {
  Value query = op.getQuery();
  if (isKernelArgument(query))
    return {};
  auto rope = query.getDefiningOp<RopeOp>();
  if (!rope || !isFlashReadable(rope.getInput(), isKernelArgument))
    return {};
  return rope;
}

bool mlir::tfc::isFlashAttention(TargetAttr target, AttentionOp op,
                                 OperandSource isKernelArgument) {
  // Q, K and V tiles are copied from kernel arguments with cp.async, in
  // place through a strided view where the operand renames the elements of
  // one; a rotated Q is computed into its tile once per block.
  if (!fitsFlashAttention(target, op))
    return false;
  return (isFlashReadable(op.getQuery(), isKernelArgument) ||
          getFlashQueryRope(op, isKernelArgument)) &&
         isFlashReadable(op.getKey(), isKernelArgument) &&
         isFlashReadable(op.getValue(), isKernelArgument);
}

bool mlir::tfc::isStoreSideTranspose(Operation *anchor, TransposeOp transpose) {
  ArrayRef<int64_t> perm = transpose.getPermutation();
  return isa<AttentionOp>(anchor) && !perm.empty() &&
         perm.back() == static_cast<int64_t>(perm.size()) - 1;
}

SmallVector<unsigned> mlir::tfc::getArgumentOnlyOperands(TargetAttr target,
                                                         Operation *anchor) {
  if (auto matmul = dyn_cast<MatmulOp>(anchor);
      matmul && fitsTensorCoreMatmul(target, matmul))
    return {matmul.getLhsMutable().getOperandNumber(),
            matmul.getRhsMutable().getOperandNumber()};
  if (auto attention = dyn_cast<AttentionOp>(anchor);
      attention && fitsFlashAttention(target, attention))
    return {attention.getQueryMutable().getOperandNumber(),
            attention.getKeyMutable().getOperandNumber(),
            attention.getValueMutable().getOperandNumber()};
  return {};
}
