//===- OnlineSoftmax.cpp - softmax online, attention in the flash form ---===//
//
// Marks tfc.softmax with `tfc.online` and tfc.attention with `tfc.flash`
// (KernelForms.h): the algorithm each runs becomes part of the IR, which
// the row kernels and the reference executor read. Plan:
//
//   1. Check that no op carries a marker meant for another kind of op.
//   2. Mark every softmax and attention of the function (ops inside
//      tfc.fusion bodies too, so the pass can also run after tfc-fuse).
//   3. Count, and with `report` say what the flash form of each attention
//      saves: key tiles skipped (causal, window), K/V tiles shared by the
//      query heads of a GQA group.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/KernelForms.h"
#include "tfc/Passes/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_ONLINESOFTMAX
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {
struct OnlineSoftmaxPass
    : tfc::impl::OnlineSoftmaxBase<OnlineSoftmaxPass> {
  using OnlineSoftmaxBase::OnlineSoftmaxBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // 1. Markers on the wrong ops.
    WalkResult misplaced = func.walk([](Operation *op) {
      if (op->hasAttr(kOnlineSoftmaxAttrName) && !isa<SoftmaxOp>(op)) {
        op->emitOpError("carries '")
            << kOnlineSoftmaxAttrName
            << "', which marks the online form of tfc.softmax only";
        return WalkResult::interrupt();
      }
      if (op->hasAttr(kFlashAttentionAttrName) && !isa<AttentionOp>(op)) {
        op->emitOpError("carries '")
            << kFlashAttentionAttrName
            << "', which marks the flash form of tfc.attention only";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (misplaced.wasInterrupted())
      return signalPassFailure();

    // 2. Mark.
    UnitAttr unit = UnitAttr::get(&getContext());
    int64_t softmaxes = 0, attentions = 0, skipping = 0, grouped = 0;
    func.walk([&](Operation *op) {
      if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
        softmax->setAttr(kOnlineSoftmaxAttrName, unit);
        ++softmaxes;
      } else if (auto attention = dyn_cast<AttentionOp>(op)) {
        attention->setAttr(kFlashAttentionAttrName, unit);
        ++attentions;
        if (attention.getCausal() || attention.getWindow() > 0)
          ++skipping;
        auto q = cast<RankedTensorType>(attention.getQuery().getType());
        auto k = cast<RankedTensorType>(attention.getKey().getType());
        if (q.getDimSize(1) != k.getDimSize(1))
          ++grouped;
      }
    });
    numOnlineSoftmax += softmaxes;
    numFlashAttention += attentions;

    // 3. Report.
    if (report)
      llvm::errs() << "tfc-online-softmax: @" << func.getSymName() << ": "
                   << softmaxes << " softmax -> online, " << attentions
                   << " attention -> flash (" << skipping
                   << " skip key tiles by causal/window masks, " << grouped
                   << " share K/V tiles across GQA groups)\n";
  }
};
} // namespace
