//===- OnnxImportContext.h - state shared by the ONNX op handlers -*- C++ -*-===//
//
// The pieces every ONNX op handler works with: the imported value of an ONNX
// name (an SSA value and/or a constant known at import time), the node being
// imported with its binder helpers for inputs and attributes, and the table
// of handlers keyed by op type and opset range. Handlers live in
// ElementwiseOps.cpp, NnOps.cpp, ShapeOps.cpp, IndexingOps.cpp,
// ConstantOps.cpp and TransformerOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_IMPORT_ONNX_ONNXIMPORTCONTEXT_H
#define TFC_LIB_IMPORT_ONNX_ONNXIMPORTCONTEXT_H

#include "ConstantFolding.h"

#include "tfc/Dialect/TfcOps.h"
#include "tfc/Import/OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <optional>

namespace mlir::tfc::onnx_import {

class GraphImporter;

/// "[1, 32, 128]", for messages.
inline std::string formatDims(ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

/// What an ONNX value name stands for during import.
struct OnnxValue {
  std::string name;
  RankedTensorType type;
  /// The SSA value; null until first use for constants and weights.
  Value value;
  /// The value when known at import time (shape arithmetic, Constant nodes,
  /// small initializers); null otherwise. Weights are never known: folding
  /// through them would bake weights into the IR.
  DenseElementsAttr constant;
  /// An initializer imported as `tfc.parameter` on first use.
  const ::onnx::TensorProto *weight = nullptr;
  /// For Identity outputs and no-op Casts: the value this name aliases.
  OnnxValue *aliasOf = nullptr;
  /// Where a materialized constant or parameter is placed.
  LocationAttr loc;
  /// When set, any use is an error with this message (e.g. LayerNorm's Mean
  /// output, which tfc does not produce).
  std::string unsupported;
  /// The ONNX element type is UINT8/16/32/64; `type` has the signless
  /// integer of the same width (tfc has no unsigned types), and the handlers
  /// whose result depends on signedness (comparisons, Max/Min, Div, Mod,
  /// casts from it, Reduce/Arg max and min, Clip, Sign, Abs) compensate.
  bool isUnsigned = false;
};

/// The node being imported: its inputs, attributes (through binders that
/// report precise errors), outputs, and op creation with checked type
/// inference. Every error emitted while a node is imported gets the suffix
/// "(node 'name', opset N)" from the driver.
class OnnxNode {
public:
  OnnxNode(GraphImporter &graph, const ::onnx::NodeProto &proto,
           StringRef displayName, int64_t opset, Location loc,
           ArrayRef<OnnxValue *> inputs);

  StringRef getOpType() const { return proto.op_type(); }
  StringRef getName() const { return displayName; }
  int64_t getOpset() const { return opset; }
  Location getLoc() const { return loc; }
  MLIRContext *getContext() const { return loc.getContext(); }
  OpBuilder &getBuilder();
  InFlightDiagnostic emitError() const { return mlir::emitError(loc); }

  //===--- Inputs ----------------------------------------------------------===//

  /// Number of inputs listed, absent optional ones (empty names) included.
  unsigned getNumInputs() const { return inputs.size(); }
  bool hasInput(unsigned i) const {
    return i < inputs.size() && inputs[i] != nullptr;
  }
  /// Fails unless `min <= number of inputs <= max` and the first `min`
  /// (the required ones) are present.
  LogicalResult checkNumInputs(unsigned min, unsigned max) const;
  RankedTensorType getInputType(unsigned i) const { return inputs[i]->type; }
  int64_t getInputRank(unsigned i) const { return inputs[i]->type.getRank(); }
  /// The input's value when known at import time, else null.
  DenseElementsAttr getInputConstant(unsigned i) const {
    return hasInput(i) ? inputs[i]->constant : DenseElementsAttr();
  }
  /// The known input unpacked for evaluation (unsigned ones zero-extended).
  HostTensor getInputHost(unsigned i) const {
    return HostTensor::fromAttr(inputs[i]->constant, inputs[i]->isUnsigned);
  }
  /// True when input `i` has an unsigned ONNX element type.
  bool isInputUnsigned(unsigned i) const {
    return hasInput(i) && inputs[i]->isUnsigned;
  }
  /// True when every present input is known at import time.
  bool allInputsConstant() const;
  /// True when every present input is known and small enough to evaluate
  /// (at most kMaxFoldedElements elements).
  bool canFold() const;
  /// The input as an SSA value (materializes constants and weights).
  FailureOr<Value> getInput(unsigned i);
  /// An integer input that must be known at import time (shapes, axes,
  /// sizes); `what` names it in the error.
  FailureOr<SmallVector<int64_t>> getConstantInts(unsigned i, StringRef what);
  OnnxValue &getInputValue(unsigned i) { return *inputs[i]; }

  //===--- Attributes ------------------------------------------------------===//

  bool hasAttr(StringRef name) const { return findAttr(name) != nullptr; }
  /// An INT attribute; required when `defaultValue` is empty.
  FailureOr<int64_t> getIntAttr(StringRef name,
                                std::optional<int64_t> defaultValue) const;
  /// A FLOAT attribute; required when `defaultValue` is empty.
  FailureOr<float> getFloatAttr(StringRef name,
                                std::optional<float> defaultValue) const;
  FailureOr<std::string>
  getStringAttr(StringRef name, std::optional<StringRef> defaultValue) const;
  /// An INTS attribute; empty optional when absent.
  FailureOr<std::optional<SmallVector<int64_t>>>
  getIntsAttr(StringRef name) const;
  /// A 0/1 INT attribute read as a flag.
  FailureOr<bool> getBoolAttr(StringRef name, bool defaultValue) const;
  const ::onnx::AttributeProto *findAttr(StringRef name) const;

  //===--- Outputs ---------------------------------------------------------===//

  unsigned getNumOutputs() const { return proto.output_size(); }
  bool hasOutput(unsigned i) const {
    return static_cast<int>(i) < proto.output_size() &&
           !proto.output(i).empty();
  }
  /// Fails unless `min <= number of outputs <= max`.
  LogicalResult checkNumOutputs(unsigned min, unsigned max) const;
  void setOutput(unsigned i, Value value);
  /// Defines output `i` as a constant known at import time.
  LogicalResult setConstantOutput(unsigned i, DenseElementsAttr constant);
  /// Defines output `i` as a weight (a large Constant node tensor), imported
  /// as tfc.parameter named after the output. When `constant` is given (the
  /// tensor feeds an import-time computation), it is also known at import
  /// time, so folding goes through it.
  LogicalResult setWeightOutput(unsigned i, const ::onnx::TensorProto &tensor,
                                DenseElementsAttr constant = {});
  /// True when output `i` feeds, through values computed from constants
  /// only, an input that some handler needs at import time.
  bool isOutputNeededAtImportTime(unsigned i) const;
  /// Fails with "<op> of <type> computed at run time is not supported (tfc
  /// folds it only when <what> known at import time); it depends on ...",
  /// naming a graph input or weight that input `i` is computed from.
  LogicalResult emitRunTimeInputError(unsigned i, StringRef what);
  /// Makes output `i` another name for `source` (Identity and no-op Casts).
  void setAliasOutput(unsigned i, const OnnxValue &source);
  /// Output `i` exists but any use of it is an error with `message`.
  void setUnsupportedOutput(unsigned i, RankedTensorType type,
                            std::string message);

  //===--- Helpers ---------------------------------------------------------===//

  /// Normalises a possibly negative `axis` for `rank`; `what` names it in the
  /// error (e.g. "attribute 'axis'").
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                   StringRef what) const;
  /// Reads a tensor held by an attribute (Constant's `value`).
  FailureOr<DenseElementsAttr> readConstantTensor(
      const ::onnx::TensorProto &tensor, StringRef what);
  /// A `tfc.constant` (placed with the other constants).
  Value getConstant(DenseElementsAttr value);
  /// A rank-0 float or integer constant of `elementType`.
  Value getScalarConstant(Type elementType, double value);

  //===--- Unsigned integers (ONNX UINT* in signless tfc types) ------------===//

  /// `value` (an integer tensor) with its sign bit flipped, as
  /// `value + INT_MIN` (wrapping): this maps the unsigned order onto the
  /// signed one, so signed compare/max/min/reduce compute the unsigned
  /// result; the same op maps back.
  FailureOr<Value> flipSignBit(Value value);
  /// An unsigned integer tensor of fewer than 64 bits as int64 values of
  /// the same numbers (zero-extended): `cast` sign-extends, so 2^width is
  /// added where the cast is negative.
  FailureOr<Value> zeroExtendToI64(Value value);
  /// Unsigned integer quotient and remainder of `lhs` by `rhs` (same type):
  /// below 64 bits on zero-extended int64 values, truncated back; for
  /// UINT64 by cases on the operands' top bits, with signed divisions of
  /// non-negative values only.
  FailureOr<std::pair<Value, Value>> buildUnsignedDivRem(Value lhs, Value rhs);
  /// True when the input's element type is a signless integer (not i1) of an
  /// unsigned ONNX type, whose order and division differ from tfc's.
  bool needsUnsignedSemantics(unsigned i) const {
    Type type = hasInput(i) ? getInputType(i).getElementType() : Type();
    return isInputUnsigned(i) && type.isSignlessInteger() &&
           !type.isInteger(1);
  }

  /// Creates a tfc op whose result types are inferred, checking inference
  /// and the verifier: failures are diagnostics at the node, never crashes.
  template <typename OpTy, typename... Args>
  FailureOr<OpTy> create(Args &&...args) {
    OpBuilder &b = getBuilder();
    OperationState state(loc, OpTy::getOperationName());
    // The result-type builders assert the count of fixed results; the
    // placeholder is replaced by the inferred type below.
    SmallVector<Type, 1> placeholder;
    if constexpr (OpTy::template hasTrait<OpTrait::OneResult>())
      placeholder.push_back(NoneType::get(getContext()));
    OpTy::build(b, state, TypeRange(placeholder), std::forward<Args>(args)...);
    state.types.clear();
    // Attributes left unset take their defaults, as Operation::create would.
    using Properties = typename OpTy::template InferredProperties<OpTy>;
    if constexpr (!std::is_same_v<Properties, EmptyProperties>)
      OpTy::populateDefaultProperties(
          state.name, state.getOrAddProperties<Properties>());
    SmallVector<Type> types;
    if (failed(OpTy::inferReturnTypes(
            getContext(), loc, ValueRange(state.operands),
            state.attributes.getDictionary(getContext()),
            state.getRawProperties(), state.regions, types)))
      return failure();
    state.types.assign(types.begin(), types.end());
    return finish<OpTy>(state);
  }

  /// Creates a tfc op with an explicit result type (reshape, expand, cast).
  template <typename OpTy, typename... Args>
  FailureOr<OpTy> createWithType(Type resultType, Args &&...args) {
    OpBuilder &b = getBuilder();
    OperationState state(loc, OpTy::getOperationName());
    OpTy::build(b, state, resultType, std::forward<Args>(args)...);
    return finish<OpTy>(state);
  }

  const ::onnx::NodeProto &proto;

private:
  template <typename OpTy> FailureOr<OpTy> finish(OperationState &state) {
    Operation *op = getBuilder().create(state);
    if (failed(mlir::verify(op))) {
      op->erase();
      return failure();
    }
    return cast<OpTy>(op);
  }

  GraphImporter &graph;
  std::string displayName;
  int64_t opset;
  Location loc;
  SmallVector<OnnxValue *> inputs;
};

/// Handlers, keyed by ONNX op type (default domain) and opset range.
class OnnxOpRegistry {
public:
  using Handler = std::function<LogicalResult(OnnxNode &)>;

  /// Registers `handler` for `opType` at opsets [sinceVersion, lastVersion].
  /// `importTimeInputs` lists the inputs the handler can only use when they
  /// are known at import time (the operand of Cos/Sin, GatherElements' data;
  /// shapes and axes): the graph importer folds the constant subgraphs that
  /// feed them even through large float Constant nodes (see
  /// GraphImporter::findImportTimeValues).
  void add(StringRef opType, int64_t sinceVersion, int64_t lastVersion,
           Handler handler, ArrayRef<unsigned> importTimeInputs = {});
  /// The handler covering `opset`, or null.
  const Handler *lookup(StringRef opType, int64_t opset) const;
  /// The inputs of `opType` at `opset` that must be known at import time.
  ArrayRef<unsigned> getImportTimeInputs(StringRef opType,
                                         int64_t opset) const;
  /// The opset ranges registered for `opType`, as text ("13-23"), empty when
  /// the op is unknown.
  std::string describeRanges(StringRef opType) const;

  /// The registry with every handler of the importer.
  static const OnnxOpRegistry &get();

private:
  struct Entry {
    int64_t sinceVersion, lastVersion;
    Handler handler;
    SmallVector<unsigned, 2> importTimeInputs;
  };
  const Entry *lookupEntry(StringRef opType, int64_t opset) const;
  llvm::StringMap<SmallVector<Entry, 2>> entries;
};

void populateElementwiseHandlers(OnnxOpRegistry &registry);
void populateNnHandlers(OnnxOpRegistry &registry);
void populateShapeHandlers(OnnxOpRegistry &registry);
void populateIndexingHandlers(OnnxOpRegistry &registry);
void populateConstantHandlers(OnnxOpRegistry &registry);
void populateTransformerHandlers(OnnxOpRegistry &registry);
void populateScanHandlers(OnnxOpRegistry &registry);
void populateDecomposedHandlers(OnnxOpRegistry &registry);

} // namespace mlir::tfc::onnx_import

#endif // TFC_LIB_IMPORT_ONNX_ONNXIMPORTCONTEXT_H
