//===- SetTarget.cpp - attach #tfc.target to the module ---------*- C++ -*-===//
//
// Puts the GPU description (a preset plus command-line overrides) on the
// module, where the tiling pass and the cost model read it.
//
//===----------------------------------------------------------------------===//

#include "tfc/Passes/Passes.h"

#include "llvm/ADT/StringExtras.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_SETTARGET
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {
struct SetTargetPass : tfc::impl::SetTargetBase<SetTargetPass> {
  using SetTargetBase::SetTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto existing =
        module->getAttrOfType<TargetAttr>(TargetAttr::getModuleAttrName());
    TargetAttr target = existing;
    if (!preset.empty() || !target) {
      StringRef name = preset.empty() ? StringRef("sm_90a") : StringRef(preset);
      target = TargetAttr::getPreset(context, name);
      if (!target) {
        module.emitError() << "unknown target preset '" << name
                           << "'; expected one of "
                           << llvm::join(TargetAttr::getPresetNames(), ", ");
        return signalPassFailure();
      }
    }
    SmallVector<std::pair<StringRef, StringRef>> fields;
    for (const std::string &entry : overrides) {
      if (!StringRef(entry).contains('=')) {
        module.emitError() << "target override '" << entry
                           << "' must have the form field=value";
        return signalPassFailure();
      }
      auto [field, value] = StringRef(entry).split('=');
      fields.push_back({field.trim(), value.trim()});
    }
    if (!fields.empty()) {
      std::string error;
      FailureOr<TargetAttr> updated = target.withOverrides(fields, error);
      if (failed(updated)) {
        module.emitError() << error;
        return signalPassFailure();
      }
      target = *updated;
    }
    module->setAttr(TargetAttr::getModuleAttrName(), target);
  }
};
} // namespace
