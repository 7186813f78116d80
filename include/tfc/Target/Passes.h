//===- Passes.h - tfc target passes -----------------------------*- C++ -*-===//
//
// Declarations and registration of the target passes (Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_TARGET_PASSES_H
#define TFC_TARGET_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tfc {

#define GEN_PASS_DECL
#include "tfc/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Target/Passes.h.inc"

} // namespace mlir::tfc

#endif // TFC_TARGET_PASSES_H
