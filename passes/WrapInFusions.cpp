//===- WrapInFusions.cpp - one tfc.fusion per unfused op --------*- C++ -*-===//
//
// The baseline grouping: every compute op left outside a tfc.fusion is
// wrapped in a one-op fusion, so that each op becomes one kernel. Constants,
// parameters and reshapes (views of contiguous memory) need no kernel and
// stay outside.
//
//===----------------------------------------------------------------------===//

#include "tfc/Passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_WRAPINFUSIONS
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

/// Ops that never need a kernel of their own (an all-reduce is an NCCL
/// call of the launch program, not a kernel).
static bool needsNoKernel(Operation *op) {
  return isa<ConstantOp, ParameterOp, ReshapeOp, FusionOp, YieldOp,
             AllReduceOp>(op);
}

/// The kernel family name of a one-op fusion: the op name without "tfc.".
static StringRef kindOf(Operation *op) {
  return op->getName().stripDialect();
}

namespace {
struct WrapInFusionsPass : tfc::impl::WrapInFusionsBase<WrapInFusionsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> toWrap;
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() == op->getContext()->getLoadedDialect<TfcDialect>() &&
          !needsNoKernel(op) && !op->getParentOfType<FusionOp>())
        toWrap.push_back(op);
    });
    for (Operation *op : toWrap)
      wrap(op);
  }

  void wrap(Operation *op) {
    OpBuilder builder(op);
    // Each distinct operand becomes one fusion input.
    SmallVector<Value> inputs;
    for (Value v : op->getOperands())
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    auto fusion = FusionOp::create(builder, op->getLoc(), op->getResultTypes(),
                                   inputs, kindOf(op));
    Block &body = fusion.getBodyBlock();
    IRMapping mapping;
    mapping.map(inputs, body.getArguments());
    builder.setInsertionPointToStart(&body);
    Operation *clone = builder.clone(*op, mapping);
    YieldOp::create(builder, op->getLoc(), clone->getResults());
    op->replaceAllUsesWith(fusion.getResults());
    op->erase();
  }
};
} // namespace
