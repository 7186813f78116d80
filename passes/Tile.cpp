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
//   3. With `report`, print one line per kernel given tiles.
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/KernelTiles.h"
#include "tfc/Passes/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_TILE
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {
struct TilePass : tfc::impl::TileBase<TilePass> {
  using TileBase::TileBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
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
    for (FusionOp fusion : func.getOps<FusionOp>()) {
      FailureOr<Operation *> anchor = recordKernelTiles(fusion, target);
      if (failed(anchor)) {
        failedAny = true;
        continue;
      }
      if (!*anchor)
        continue;
      ++numTiled;
      // 3. Report.
      if (report) {
        llvm::errs() << "tfc-tile: " << fusion.getKind() << " kernel ("
                     << (*anchor)->getName().stripDialect();
        if (auto name = dyn_cast<NameLoc>((*anchor)->getLoc()))
          llvm::errs() << " \"" << name.getName().getValue() << "\"";
        llvm::errs() << ") on " << target.getArch() << ": tile [";
        llvm::interleaveComma(
            (*anchor)->getAttrOfType<DenseI64ArrayAttr>("tfc.tile")
                .asArrayRef(),
            llvm::errs());
        llvm::errs() << "]\n";
      }
    }
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
