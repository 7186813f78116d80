//===- FoldWeightCasts.cpp - cast weights once, not on every run ----------===//
//
// tfc-lower-precision reads an external f32 parameter through a `tfc.cast`,
// which would become a kernel that re-casts the weight on every run (and,
// fused into a matmul, an operand computed inside the kernel, which keeps
// the matmul off the tensor-core path). This pass moves the conversion to
// the weight itself:
//
//   1. for every parameter or constant, group its float-to-float cast users
//      by result type (f32, f16 and bf16 only);
//   2. per group, build one weight of the cast's type: an inline parameter
//      or a constant is converted now (round to nearest even); an external
//      parameter becomes an external parameter of the new type that records
//      the element type its file stores (`tfc.stored_element_type`), so the
//      runtime converts it once, at upload;
//   3. replace the casts by it and erase the old weight if nothing else
//      reads it.
//
//===----------------------------------------------------------------------===//

#include "ConstantUtils.h"

#include "tfc/Passes/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_FOLDWEIGHTCASTS
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// The float types a weight converts between (the runtime converts the
/// same set at load).
bool isConvertibleFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// Step 1: the float-to-float casts of `weight`, grouped by result type in
/// the order they appear.
llvm::MapVector<Type, SmallVector<CastOp>> foldableCasts(Value weight) {
  llvm::MapVector<Type, SmallVector<CastOp>> groups;
  if (!isConvertibleFloat(elementTypeOf(weight)))
    return groups;
  for (Operation *user : weight.getUsers()) {
    auto castOp = dyn_cast<CastOp>(user);
    if (!castOp || !isConvertibleFloat(elementTypeOf(castOp.getResult())))
      continue;
    groups[castOp.getType()].push_back(castOp);
  }
  return groups;
}

std::string blobNameFor(ElementsAttr data, Type element) {
  std::string blob = "weight";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(data))
    blob = resource.getRawHandle().getKey().str();
  llvm::raw_string_ostream os(blob);
  os << "_" << element;
  return blob;
}

/// Steps 2 and 3 for a `tfc.parameter`.
struct FoldCastsOfParameter : OpRewritePattern<ParameterOp> {
  FoldCastsOfParameter(MLIRContext *context, int64_t &external,
                       int64_t &inlined)
      : OpRewritePattern(context), external(external), inlined(inlined) {}

  LogicalResult matchAndRewrite(ParameterOp param,
                                PatternRewriter &rewriter) const override {
    auto groups = foldableCasts(param.getResult());
    if (groups.empty())
      return rewriter.notifyMatchFailure(param, "no float cast reads it");
    rewriter.setInsertionPoint(param);
    bool changed = false;
    for (auto &[type, casts] : groups) {
      auto newType = cast<RankedTensorType>(type);
      Type element = newType.getElementType();
      ParameterOp folded;
      if (ElementsAttr data = param.getValueAttr()) {
        // Inline: convert the data now.
        ElementsAttr converted = convertFloatElements(
            data, cast<FloatType>(element), blobNameFor(data, element));
        if (!converted)
          continue;
        folded = ParameterOp::create(rewriter, param.getLoc(), newType,
                                     param.getNameAttr(), converted);
        ++inlined;
      } else {
        // External: the file keeps its type; the runtime converts at load.
        folded = ParameterOp::create(rewriter, param.getLoc(), newType,
                                     param.getNameAttr(), ElementsAttr());
        for (NamedAttribute attr : param->getDiscardableAttrs())
          folded->setAttr(attr.getName(), attr.getValue());
        Type stored = elementTypeOf(param.getResult());
        if (auto recorded =
                param->getAttrOfType<TypeAttr>(kStoredElementTypeAttr))
          stored = recorded.getValue();
        if (stored == element)
          folded->removeAttr(kStoredElementTypeAttr);
        else
          folded->setAttr(kStoredElementTypeAttr, TypeAttr::get(stored));
        ++external;
      }
      for (CastOp castOp : casts)
        rewriter.replaceOp(castOp, folded.getResult());
      changed = true;
    }
    if (!changed)
      return rewriter.notifyMatchFailure(param, "its data is not readable");
    if (param->use_empty())
      rewriter.eraseOp(param);
    return success();
  }

  int64_t &external, &inlined;
};

/// Steps 2 and 3 for a `tfc.constant`.
struct FoldCastsOfConstant : OpRewritePattern<ConstantOp> {
  FoldCastsOfConstant(MLIRContext *context, int64_t &inlined)
      : OpRewritePattern(context), inlined(inlined) {}

  LogicalResult matchAndRewrite(ConstantOp constant,
                                PatternRewriter &rewriter) const override {
    auto groups = foldableCasts(constant.getResult());
    if (groups.empty())
      return rewriter.notifyMatchFailure(constant, "no float cast reads it");
    rewriter.setInsertionPoint(constant);
    bool changed = false;
    for (auto &[type, casts] : groups) {
      Type element = cast<RankedTensorType>(type).getElementType();
      ElementsAttr converted =
          convertFloatElements(constant.getValue(), cast<FloatType>(element),
                               blobNameFor(constant.getValue(), element));
      if (!converted)
        continue;
      auto folded = ConstantOp::create(rewriter, constant.getLoc(), converted);
      for (CastOp castOp : casts)
        rewriter.replaceOp(castOp, folded.getResult());
      ++inlined;
      changed = true;
    }
    if (!changed)
      return rewriter.notifyMatchFailure(constant, "its data is not readable");
    if (constant->use_empty())
      rewriter.eraseOp(constant);
    return success();
  }

  int64_t &inlined;
};

struct FoldWeightCastsPass
    : tfc::impl::FoldWeightCastsBase<FoldWeightCastsPass> {
  void runOnOperation() override {
    int64_t external = 0, inlined = 0;
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldCastsOfParameter>(&getContext(), external, inlined);
    patterns.add<FoldCastsOfConstant>(&getContext(), inlined);
    // Only the weights and their casts change: no other folding.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.enableConstantCSE(false);
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
    numExternalFolded += external;
    numInlineFolded += inlined;
  }
};

} // namespace
