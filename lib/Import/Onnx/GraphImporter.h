//===- GraphImporter.h - ONNX GraphProto to one func.func -------*- C++ -*-===//
//
// The driver of the import: validates the graph (every input defined,
// topological order, types of inputs and declared value_info), turns graph
// inputs into function arguments, initializers into weights or constants,
// dispatches each node to its handler, and returns the graph outputs.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define TFC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "OnnxImportContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::tfc::onnx_import {

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const ::onnx::ModelProto &model,
                int64_t opset, StringRef sourceName,
                const OnnxImportOptions &options, StringRef externalDataDir);

  /// Imports the model's graph into a new module.
  FailureOr<OwningOpRef<ModuleOp>> run();

  //===--- Used by OnnxNode ------------------------------------------------===//

  /// The builder that appends ops at the end of the function body.
  OpBuilder &getBuilder() { return builder; }
  /// The SSA value of `value`, creating its tfc.constant / tfc.parameter
  /// (grouped at the top of the function) on first use.
  FailureOr<Value> materialize(OnnxValue &value);
  /// A (uniqued) tfc.constant at the top of the function.
  Value getConstant(DenseElementsAttr value, Location loc);
  StringRef getExternalDataDir() const { return externalDataDir; }
  /// Defines the ONNX name `name`; fails on a second definition.
  FailureOr<OnnxValue *> define(StringRef name, RankedTensorType type,
                                Location loc);
  /// True when the value `name` is computed from constants only and an op
  /// needs it (directly or through other such values) at import time.
  bool isNeededAtImportTime(StringRef name) const {
    return importTimeValues.contains(name);
  }
  /// Why the value `name` is not known at import time, for messages: "it
  /// depends on graph input 'x'" or "it depends on weight 'w' (...)", the
  /// first such source found walking back through its producers; empty when
  /// none is found.
  std::string describeRunTimeSource(StringRef name);

private:
  LogicalResult importInitializers();
  FailureOr<SmallVector<Type>> getArgumentTypes();
  FailureOr<SmallVector<const ::onnx::NodeProto *>> sortNodes();
  /// Fails with one message listing every op of the graph that has no
  /// handler at the model's opset (op type, nodes, opsets it is handled at).
  LogicalResult checkAllOpsSupported();
  /// Fills importTimeValues: the values computed from constants only (no
  /// graph input, no weight initializer) that flow into an input a handler
  /// needs at import time (OnnxOpRegistry::getImportTimeInputs).
  void findImportTimeValues(ArrayRef<const ::onnx::NodeProto *> order);
  LogicalResult importNode(const ::onnx::NodeProto &node);
  LogicalResult importOutputs(func::FuncOp func);
  /// Checks `value`'s type against the model's value_info or graph output
  /// declaration for it, when one exists.
  LogicalResult checkDeclaredType(const OnnxValue &value, Location loc);
  Location getNodeLoc(StringRef name);

  MLIRContext *context;
  const ::onnx::ModelProto &model;
  const ::onnx::GraphProto &graph;
  int64_t opset;
  std::string sourceName;
  const OnnxImportOptions &options;
  std::string externalDataDir;
  Location fileLoc;

  OpBuilder builder;
  /// The last constant or parameter placed at the top of the function.
  Operation *lastConstant = nullptr;
  llvm::DenseMap<Attribute, Value> constantCache;
  llvm::StringMap<OnnxValue> values;
  llvm::StringMap<const ::onnx::TypeProto *> declaredTypes;
  llvm::StringSet<> importTimeValues;
};

} // namespace mlir::tfc::onnx_import

#endif // TFC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
