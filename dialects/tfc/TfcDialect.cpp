//===- TfcDialect.cpp - tfc dialect registration ----------------*- C++ -*-===//
//
// Registers the tfc ops and attributes and materialises folded constants.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Dialect/TfcOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tfc;

#include "tfc/Dialect/TfcDialect.cpp.inc"
#include "tfc/Dialect/TfcEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "tfc/Dialect/TfcAttrs.cpp.inc"

void TfcDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tfc/Dialect/TfcOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tfc/Dialect/TfcAttrs.cpp.inc"
      >();
}

Operation *TfcDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
