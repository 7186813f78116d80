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
  return d % 16 == 0 && dv % 16 == 0 && d <= 256 && dv <= 256 &&
         q.getDimSize(2) > 0 && k.getDimSize(2) > 0;
}

bool mlir::tfc::isTensorCoreMatmul(TargetAttr target, MatmulOp op,
                                   OperandSource isKernelArgument) {
  // Operands are read straight from kernel arguments with 16-byte copies.
  return fitsTensorCoreMatmul(target, op) && isKernelArgument(op.getLhs()) &&
         isKernelArgument(op.getRhs());
}

bool mlir::tfc::isFlashAttention(TargetAttr target, AttentionOp op,
                                 OperandSource isKernelArgument) {
  // Q, K and V tiles are copied from kernel arguments with cp.async.
  return fitsFlashAttention(target, op) && isKernelArgument(op.getQuery()) &&
         isKernelArgument(op.getKey()) && isKernelArgument(op.getValue());
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
