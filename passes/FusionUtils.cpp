//===- FusionUtils.cpp - build and dissolve tfc.fusion groups -------------===//
//
// Implements FusionUtils.h: group -> tfc.fusion (tfc-fuse,
// tfc-rematerialize), tfc.fusion -> ops (tfc-rematerialize regroups across
// fusions), and the clean-up both need afterwards.
//
//===----------------------------------------------------------------------===//

#include "tfc/Passes/FusionUtils.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::tfc;

namespace {
/// Clones a group into a fusion body, pulling in what the body needs.
struct BodyBuilder {
  const KernelGroup &group;
  llvm::DenseSet<Operation *> members;
  OpBuilder &builder;
  IRMapping mapping;

  /// The body value standing for `value` (an operand of a member); null
  /// when it must come in as an input.
  Value lookup(Value value) {
    if (Value mapped = mapping.lookupOrNull(value))
      return mapped;
    Operation *def = value.getDefiningOp();
    if (!def)
      return Value();
    if (auto reshape = dyn_cast<ReshapeOp>(def)) {
      // A view of a member's value: rebuild it inside.
      Value root = lookThroughReshapes(value, members);
      if (Operation *rootDef = root.getDefiningOp();
          !rootDef || !members.contains(rootDef))
        return Value();
      Value input = lookup(reshape.getInput());
      if (!input)
        return Value();
      mapping.map(reshape.getInput(), input);
      return builder.clone(*reshape, mapping)->getResult(0);
    }
    if (isSplatConstant(value))
      return builder.clone(*def, mapping)->getResult(0);
    return Value();
  }
};
} // namespace

/// Erases the reshapes that view `value` and have no users left.
static void dropDeadViews(Value value) {
  for (Operation *user : llvm::make_early_inc_range(value.getUsers())) {
    auto reshape = dyn_cast<ReshapeOp>(user);
    if (!reshape)
      continue;
    dropDeadViews(reshape.getResult());
    if (reshape->use_empty())
      reshape->erase();
  }
}

FusionOp mlir::tfc::buildFusion(const KernelGroup &group, StringRef kind) {
  ArrayRef<Operation *> members = group.getMembers();
  llvm::DenseSet<Operation *> memberSet(members.begin(), members.end());
  SmallVector<Value> outputs = group.getOutputs();

  // Inputs: operands that neither a member, a view of one, nor a splat
  // constant provide.
  llvm::SetVector<Value> inputs;
  for (Operation *op : members)
    for (Value operand : op->getOperands()) {
      Value root = lookThroughReshapes(operand, memberSet);
      Operation *def = root.getDefiningOp();
      if ((def && memberSet.contains(def)) || isSplatConstant(operand))
        continue;
      inputs.insert(operand);
    }

  SmallVector<Location> locs;
  for (Operation *op : members)
    locs.push_back(op->getLoc());
  Location loc = FusedLoc::get(members.front()->getContext(), locs);
  SmallVector<Type> resultTypes;
  for (Value v : outputs)
    resultTypes.push_back(v.getType());

  OpBuilder builder(members.back()->getContext());
  builder.setInsertionPointAfter(members.back());
  auto fusion =
      FusionOp::create(builder, loc, resultTypes, inputs.getArrayRef(), kind);
  Block &body = fusion.getBodyBlock();
  builder.setInsertionPointToStart(&body);
  BodyBuilder bodyBuilder{group, memberSet, builder, {}};
  bodyBuilder.mapping.map(inputs.getArrayRef(), body.getArguments());
  for (Operation *op : members) {
    for (Value operand : op->getOperands()) {
      if (bodyBuilder.mapping.contains(operand))
        continue;
      Value inside = bodyBuilder.lookup(operand);
      assert(inside && "operand is neither an input nor built in the body");
      bodyBuilder.mapping.map(operand, inside);
    }
    builder.clone(*op, bodyBuilder.mapping);
  }
  SmallVector<Value> yielded;
  for (Value v : outputs)
    yielded.push_back(bodyBuilder.mapping.lookup(v));
  YieldOp::create(builder, loc, yielded);

  for (auto [output, result] : llvm::zip(outputs, fusion.getResults()))
    output.replaceUsesWithIf(result, [&](OpOperand &use) {
      return !memberSet.contains(use.getOwner());
    });
  for (Operation *op : llvm::reverse(members)) {
    for (Value result : op->getResults())
      dropDeadViews(result);
    op->erase();
  }
  return fusion;
}

SmallVector<Operation *> mlir::tfc::inlineFusion(FusionOp fusion) {
  Block &body = fusion.getBodyBlock();
  auto yield = cast<YieldOp>(body.getTerminator());
  SmallVector<Value> yielded(yield.getValues());
  for (auto [arg, input] : llvm::zip(body.getArguments(), fusion.getInputs()))
    arg.replaceAllUsesWith(input);
  SmallVector<Operation *> moved;
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    op.moveBefore(fusion);
    moved.push_back(&op);
  }
  fusion->replaceAllUsesWith(yielded);
  fusion->erase();
  return moved;
}

void mlir::tfc::sortBlockAndDropDeadViews(Block &block) {
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (isa<ReshapeOp, ConstantOp>(op) && op.use_empty())
      op.erase();
  sortTopologically(&block);
}
