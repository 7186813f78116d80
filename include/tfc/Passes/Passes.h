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

#define GEN_PASS_DECL
#include "tfc/Passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Passes/Passes.h.inc"

} // namespace mlir::tfc

#endif // TFC_PASSES_PASSES_H
