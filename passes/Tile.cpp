//===- Tile.cpp - choose each kernel's tiles from the #tfc.target --------===//
//
// Records, on the anchor op of every tfc.fusion, the tiles its kernel will
// use on the module's #tfc.target (`tfc.tile`, tfc/Dialect/KernelForms.h),
// so that the choice is visible in the IR, can be pinned by hand, and
// changes with the target. The choosing itself is the kernel families'
// (KernelConfig.cpp through tfc/Conversion/KernelTiles.h), so the codegen
// and this pass cannot disagree. Plan:
//
//   1. Read the target from the enclosing module (tfc-set-target's).
//   2. For each fusion: choose (or check the pinned) tiles of its anchor.
//   3. With `report`, print the kernel table: every kernel's predicted HBM
//      bytes, FLOPs, roofline time and tiles, and the function's totals.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/CostModel.h"
#include "tfc/Analysis/KernelGroup.h"
#include "tfc/Conversion/KernelTiles.h"
#include "tfc/Passes/Passes.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TILE
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

/// Prints one line per kernel (fusion): its anchor, predicted HBM bytes,
/// FLOPs and roofline time on the target, its tiles; then the function's
/// totals and the bytes of the intermediates (kernel results the function
/// does not return), which the memory plan places in one arena.
static void printKernelTable(
    func::FuncOp func, TargetAttr target,
    ArrayRef<std::pair<FusionOp, Operation *>> kernels) {
  CostModel model(target);
  KernelCost total;
  double seconds = 0;
  int64_t intermediates = 0;
  llvm::SmallPtrSet<Value, 8> returned;
  for (Operation &op : func.getBody().front())
    if (isa<func::ReturnOp>(op))
      for (Value v : op.getOperands())
        returned.insert(v);
  for (auto [index, kernel] : llvm::enumerate(kernels)) {
    auto [fusion, tiled] = kernel;
    KernelCost cost = model.getCost(fusion);
    double kernelSeconds = model.getPredictedSeconds(cost);
    total += cost;
    seconds += kernelSeconds;
    for (Value result : fusion.getResults())
      if (!returned.contains(result))
        intermediates += getTensorBytes(result.getType());
    llvm::raw_ostream &os = llvm::errs();
    os << "tfc-tile: kernel " << index << " \"" << fusion.getKind() << "\"";
    // Named after its anchor (tiled or not), else its first op that has a
    // (node) name.
    Operation *named = tiled;
    for (Operation &op : fusion.getBodyBlock().without_terminator())
      if (!named && isAnchorOp(&op))
        named = &op;
    for (Operation &op : fusion.getBodyBlock().without_terminator())
      if (!named && getNodeName(op.getLoc()) && !isa<ReshapeOp>(op))
        named = &op;
    if (named) {
      os << " (" << named->getName().stripDialect();
      if (std::optional<StringRef> name = getNodeName(named->getLoc()))
        os << " \"" << *name << "\"";
      os << ")";
    }
    os << ": " << cost.hbmBytes << " bytes, "
       << llvm::format("%.3f", cost.getFlops() * 1e-6) << " MFLOP, "
       << llvm::format("%.3f", kernelSeconds * 1e6) << " us, tile ";
    if (auto tile = tiled ? tiled->getAttrOfType<DenseI64ArrayAttr>("tfc.tile")
                          : DenseI64ArrayAttr()) {
      os << "[";
      llvm::interleaveComma(tile.asArrayRef(), os);
      os << "]";
    } else {
      os << "none";
    }
    os << "\n";
  }
  llvm::errs() << "tfc-tile: @" << func.getSymName() << " on "
               << target.getArch() << ": " << kernels.size()
               << " kernels, predicted HBM bytes " << total.hbmBytes
               << ", time " << llvm::format("%.3f", seconds * 1e6)
               << " us, intermediates " << intermediates << " bytes\n";
}

namespace {
struct TilePass : tfc::impl::TileBase<TilePass> {
  using TileBase::TileBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (wgmma != "auto" && wgmma != "off") {
      func.emitError("tfc-tile: wgmma must be 'auto' or 'off', got '")
          << wgmma << "'";
      return signalPassFailure();
    }
    // 1. The target.
    auto module = func->getParentOfType<ModuleOp>();
    TargetAttr target =
        module ? module->getAttrOfType<TargetAttr>(
                     TargetAttr::getModuleAttrName())
               : TargetAttr();
    if (!target) {
      bool hasFusion = !func.getOps<FusionOp>().empty();
      if (!hasFusion)
        return;
      func.emitError("tfc-tile needs the module's '")
          << TargetAttr::getModuleAttrName()
          << "' attribute (run tfc-set-target first)";
      return signalPassFailure();
    }

    // 2. Choose or check.
    bool failedAny = false;
    SmallVector<std::pair<FusionOp, Operation *>> kernels;
    for (FusionOp fusion : func.getOps<FusionOp>()) {
      FailureOr<Operation *> anchor =
          recordKernelTiles(fusion, target, wgmma != "off");
      if (failed(anchor)) {
        failedAny = true;
        continue;
      }
      if (*anchor)
        ++numTiled;
      kernels.push_back({fusion, *anchor});
    }
    // 3. Report: every kernel with its roofline inputs and tiles.
    if (report && !failedAny)
      printKernelTable(func, target, kernels);
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
