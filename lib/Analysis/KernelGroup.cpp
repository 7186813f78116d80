//===- KernelGroup.cpp - a set of ops seen as one future kernel -----------===//
//
// Inputs, outputs and kernel-family classification of a candidate fusion
// group (KernelGroup.h). The classification mirrors emitFusionKernel in
// lib/Conversion/FusionKernels/FusionKernels.cpp: a group is emittable when
// every op is pointwise, or when exactly one anchor op produces every output
// and pointwise ops compute its operands (a prologue) or are applied to its
// result (an epilogue). Given the target, it also refuses a prologue that
// the anchor's fast family cannot load (KernelFamilyRules.h).
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/KernelGroup.h"
#include "tfc/Analysis/KernelFamilyRules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::tfc;

bool mlir::tfc::isPointwiseOp(Operation *op) {
  return isa<
      // elementwise
      AddOp, SubOp, MulOp, DivOp, PowOp, MaximumOp, MinimumOp, AndOp, OrOp,
      CompareOp, WhereOp, NegOp, AbsOp, ExpOp, LogOp, SqrtOp, RsqrtOp,
      ReciprocalOp, TanhOp, ErfOp, SigmoidOp, ReluOp, SiluOp, NotOp, GeluOp,
      CastOp, SwigluOp,
      // index mapping
      ExpandOp, ReshapeOp, TransposeOp, SliceOp, ConcatOp, SplitOp, GatherOp,
      RopeOp>(op);
}

bool mlir::tfc::isAnchorOp(Operation *op) {
  return isa<MatmulOp, SoftmaxOp, LayerNormOp, RmsNormOp, ReduceOp,
             AttentionOp>(op);
}

bool mlir::tfc::isKernelFreeOp(Operation *op) {
  return isa<ConstantOp, ParameterOp, ReshapeOp>(op);
}

std::optional<StringRef> mlir::tfc::getNodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::optional<StringRef> name = getNodeName(inner))
        return name;
  return std::nullopt;
}

bool mlir::tfc::isSplatConstant(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return false;
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  return dense && dense.isSplat();
}

Value mlir::tfc::lookThroughReshapes(
    Value value, const llvm::DenseSet<Operation *> &members) {
  while (auto reshape = value.getDefiningOp<ReshapeOp>()) {
    if (members.contains(reshape))
      break;
    value = reshape.getInput();
  }
  return value;
}

StringRef KernelShape::getKindName() const {
  if (family == Family::Anchored)
    return anchor->getName().stripDialect();
  return "pointwise";
}

//===----------------------------------------------------------------------===//
// KernelGroup
//===----------------------------------------------------------------------===//

KernelGroup::KernelGroup(ArrayRef<Operation *> ops,
                         std::function<bool(Value)> isOutput)
    : members(ops.begin(), ops.end()), memberSet(ops.begin(), ops.end()),
      isOutputOverride(std::move(isOutput)) {
  // Block order (all members share one block).
  llvm::sort(members,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
}

KernelGroup KernelGroup::ofFusion(FusionOp fusion) {
  SmallVector<Operation *> body;
  for (Operation &op : fusion.getBodyBlock().without_terminator())
    body.push_back(&op);
  KernelGroup group(body);
  group.fusion = fusion;
  return group;
}

void KernelGroup::forEachMemberUse(
    Value value, llvm::function_ref<void(OpOperand &)> fn) const {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (memberSet.contains(user))
      fn(use);
    else if (auto reshape = dyn_cast<ReshapeOp>(user))
      forEachMemberUse(reshape.getResult(), fn);
  }
}

bool KernelGroup::hasUseOutside(Value value) const {
  for (Operation *user : value.getUsers()) {
    if (memberSet.contains(user))
      continue;
    auto reshape = dyn_cast<ReshapeOp>(user);
    if (!reshape || hasUseOutside(reshape.getResult()))
      return true;
  }
  return false;
}

bool KernelGroup::isReadFromMemory(Value operand) const {
  Value root = lookThroughReshapes(operand, memberSet);
  if (Operation *def = root.getDefiningOp(); def && memberSet.contains(def))
    return false;
  return !isSplatConstant(operand);
}

/// The name of `anchor`'s operand `index` as the op declares it.
static std::string getOperandName(Operation *anchor, unsigned index) {
  OpOperand *operand = &anchor->getOpOperand(index);
  if (auto matmul = dyn_cast<MatmulOp>(anchor))
    return operand == &matmul.getLhsMutable() ? "lhs" : "rhs";
  if (auto attention = dyn_cast<AttentionOp>(anchor)) {
    if (operand == &attention.getQueryMutable())
      return "query";
    if (operand == &attention.getKeyMutable())
      return "key";
    if (operand == &attention.getValueMutable())
      return "value";
  }
  return "operand " + std::to_string(index);
}

bool KernelGroup::isOutput(Value value) const {
  if (isOutputOverride)
    return isOutputOverride(value);
  return hasUseOutside(value);
}

SmallVector<Value> KernelGroup::getOutputs() const {
  SmallVector<Value> outputs;
  for (Operation *op : members)
    for (Value result : op->getResults())
      if (isOutput(result))
        outputs.push_back(result);
  return outputs;
}

SmallVector<Value> KernelGroup::getInputs() const {
  llvm::SetVector<Value> roots;
  for (Operation *op : members) {
    for (Value operand : op->getOperands()) {
      Value root = lookThroughReshapes(operand, memberSet);
      if (Operation *def = root.getDefiningOp(); def && memberSet.contains(def))
        continue;
      if (isSplatConstant(root))
        continue;
      // A fusion's block argument standing for a splat constant is free too.
      FusionOp owner = fusion;
      if (auto arg = dyn_cast<BlockArgument>(root);
          arg && owner && arg.getOwner() == &owner.getBodyBlock() &&
          isSplatConstant(owner.getInputs()[arg.getArgNumber()]))
        continue;
      roots.insert(root);
    }
  }
  return roots.takeVector();
}

bool mlir::tfc::isIndexMappingOp(Operation *op) {
  return isa<ExpandOp, ReshapeOp, TransposeOp, SliceOp, ConcatOp, SplitOp,
             GatherOp, RopeOp>(op);
}

KernelShape KernelGroup::classify(bool allowEpilogues,
                                  TargetAttr target) const {
  KernelShape shape;
  SmallVector<Operation *> anchors;
  for (Operation *op : members) {
    if (isPointwiseOp(op))
      continue;
    if (!isAnchorOp(op)) {
      shape.reason = ("no kernel family handles " +
                      op->getName().getStringRef() + " inside a fusion")
                         .str();
      return shape;
    }
    anchors.push_back(op);
  }
  if (anchors.empty()) {
    shape.family = KernelShape::Family::Pointwise;
    return shape;
  }
  if (anchors.size() > 1) {
    shape.reason = "no kernel family fuses two reductions or contractions (" +
                   anchors[0]->getName().getStringRef().str() + ", " +
                   anchors[1]->getName().getStringRef().str() + ")";
    return shape;
  }
  Operation *anchor = anchors.front();
  StringRef anchorName = anchor->getName().getStringRef();
  auto refuse = [&](const Twine &reason) {
    shape.reason = reason.str();
    return shape;
  };

  // The prologue: operands the anchor's fast family loads only from kernel
  // arguments are not computed here.
  if (target) {
    for (unsigned index : getArgumentOnlyOperands(target, anchor)) {
      Value operand = anchor->getOperand(index);
      if (isReadFromMemory(operand))
        continue;
      // The flash attention reads Q, K and V in place through a strided
      // view when members only rename elements of a kernel input.
      // A rotated query (RoPE of such a view) is computed once per block.
      if (auto attention = dyn_cast<AttentionOp>(anchor)) {
        auto fromMemory = [&](Value v) { return isReadFromMemory(v); };
        if (isFlashReadable(operand, fromMemory))
          continue;
        if (index == attention.getQueryMutable().getOperandNumber() &&
            getFlashQueryRope(attention, fromMemory))
          continue;
      }
      Operation *def = lookThroughReshapes(operand, memberSet).getDefiningOp();
      bool isMatmul = isa<MatmulOp>(anchor);
      return refuse(
          Twine("the ") +
          (isMatmul ? "tensor-core matmul" : "flash attention") +
          " loads its " + getOperandName(anchor, index) +
          " from memory: computing it here (" +
          (def ? def->getName().getStringRef() : StringRef("a constant")) +
          ") would move " + anchorName + " to the one thread per " +
          (isMatmul ? "output element" : "query row") + " kernel");
    }
  }

  // The epilogue: every member that reads the anchor's result, directly or
  // not, is elementwise with the anchor's result shape.
  // A store-side transpose (isStoreSideTranspose) may come last: nothing
  // in the kernel reads its result.
  llvm::DenseSet<Value> derived(anchor->result_begin(), anchor->result_end());
  llvm::DenseSet<Value> stored;
  auto anchorType = cast<RankedTensorType>(anchor->getResult(0).getType());
  for (Operation *op : members) {
    if (op == anchor)
      continue;
    bool readsDerived = false;
    for (Value operand : op->getOperands()) {
      Value root = lookThroughReshapes(operand, memberSet);
      if (stored.contains(root))
        return refuse("the " + anchorName +
                      " family stores a transpose of its result as it is: " +
                      op->getName().getStringRef() + " cannot read it");
      if (!derived.contains(root))
        continue;
      if (root != operand)
        return refuse("the " + anchorName +
                      " family has no index mapping in its epilogue (a "
                      "reshape of its result)");
      readsDerived = true;
    }
    if (!readsDerived)
      continue;
    if (!allowEpilogues)
      return refuse("the " + anchorName +
                    " family has no epilogue: its result cannot feed "
                    "another op of the kernel");
    if (auto transpose = dyn_cast<TransposeOp>(op);
        transpose && isStoreSideTranspose(anchor, transpose)) {
      stored.insert(transpose.getResult());
      continue;
    }
    if (isIndexMappingOp(op))
      return refuse("the " + anchorName +
                    " family has no index mapping in its epilogue (" +
                    op->getName().getStringRef() + ")");
    if (cast<RankedTensorType>(op->getResult(0).getType()).getShape() !=
        anchorType.getShape())
      return refuse(op->getName().getStringRef() + " in the epilogue of " +
                    anchorName + " does not have the anchor's result shape");
    derived.insert(op->result_begin(), op->result_end());
  }
  // Only the anchor's result and its epilogue leave the kernel.
  for (Operation *op : members)
    for (Value result : op->getResults())
      if (isOutput(result) && !derived.contains(result) &&
          !stored.contains(result))
        return refuse(
            "a kernel with " + anchorName + " returns only that op's result" +
            (allowEpilogues ? " and its epilogue" : "") + ", but " +
            op->getName().getStringRef() + " is also needed outside it");
  shape.family = KernelShape::Family::Anchored;
  shape.anchor = anchor;
  return shape;
}
