//===- TfcDialect.h - tfc dialect, enums and attributes ---------*- C++ -*-===//
//
// Declares the tfc dialect, its enums and the #tfc.target attribute.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_DIALECT_TFCDIALECT_H
#define TFC_DIALECT_TFCDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "tfc/Dialect/TfcDialect.h.inc"
#include "tfc/Dialect/TfcEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tfc/Dialect/TfcAttrs.h.inc"

#endif // TFC_DIALECT_TFCDIALECT_H
