//===- Passes.h - tfc passes ------------------------------------*- C++ -*-===//
//
// Declarations and registration of every tfc pass (from Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PASSES_PASSES_H
#define TFC_PASSES_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "tfc/Dialect/TfcOps.h"

namespace mlir::tfc {

/// Attribute of an external `tfc.parameter` whose weights file stores
/// another element type than the parameter's (a TypeAttr: f32, f16 or
/// bf16), set by tfc-fold-weight-casts. Kernel lowering carries it to the
/// weight's global, the artifact records it, and the runtime converts the
/// weight once, at upload.
inline constexpr llvm::StringLiteral kStoredElementTypeAttr =
    "tfc.stored_element_type";

/// Adds HoistNarrowingCast (tfc-canonicalize-layout): cast(reshape(x)) ->
/// reshape(cast(x)) and cast(transpose(x)) -> transpose(cast(x)) when the
/// cast narrows and is the shape op's only reader. `hoisted`, if given,
/// counts the rewrites.
void populateHoistNarrowingCastPatterns(RewritePatternSet &patterns,
                                        int64_t *hoisted = nullptr);

#define GEN_PASS_DECL
#include "tfc/Passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Passes/Passes.h.inc"

} // namespace mlir::tfc

#endif // TFC_PASSES_PASSES_H
