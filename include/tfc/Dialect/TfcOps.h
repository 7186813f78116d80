//===- TfcOps.h - tfc dialect operations ------------------------*- C++ -*-===//
//
// Declares the operations of the tfc dialect (generated from TfcOps.td) and
// the shape helpers their type inference shares.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_DIALECT_TFCOPS_H
#define TFC_DIALECT_TFCOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tfc/Dialect/TfcDialect.h"

#define GET_OP_CLASSES
#include "tfc/Dialect/TfcOps.h.inc"

namespace mlir::tfc {

/// Broadcasts shapes with ONNX/numpy rules. Returns failure when two
/// dimensions differ and neither is 1.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> lhs,
                                                ArrayRef<int64_t> rhs);

} // namespace mlir::tfc

#endif // TFC_DIALECT_TFCOPS_H
