//===- OnnxNode.cpp - binders for ONNX node inputs and attributes ---------===//
//
// The helpers handlers read a node through. Each one checks what it reads
// (attribute kind, constant-ness of shape inputs, axis ranges) and reports a
// precise error naming the op, the attribute or input, and the value seen.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "OnnxTensors.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;
using ::onnx::AttributeProto;

OnnxNode::OnnxNode(GraphImporter &graph, const ::onnx::NodeProto &proto,
                   StringRef displayName, int64_t opset, Location loc,
                   ArrayRef<OnnxValue *> inputs)
    : proto(proto), graph(graph), displayName(displayName.str()),
      opset(opset), loc(loc), inputs(inputs.begin(), inputs.end()) {}

OpBuilder &OnnxNode::getBuilder() { return graph.getBuilder(); }

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

LogicalResult OnnxNode::checkNumInputs(unsigned min, unsigned max) const {
  unsigned n = getNumInputs();
  if (n < min || n > max) {
    auto diag = emitError() << getOpType() << " expects ";
    if (min == max)
      diag << min;
    else
      diag << min << " to " << max;
    return diag << " inputs, got " << n;
  }
  for (unsigned i = 0; i < min; ++i)
    if (!hasInput(i))
      return emitError() << getOpType() << " input " << i
                         << " is required but its name is empty";
  return success();
}

bool OnnxNode::allInputsConstant() const {
  return llvm::all_of(inputs, [](const OnnxValue *v) {
    return !v || v->constant;
  });
}

bool OnnxNode::canFold() const {
  return llvm::all_of(inputs, [](const OnnxValue *v) {
    return !v || (v->constant && isFoldableSize(v->type.getShape()));
  });
}

FailureOr<Value> OnnxNode::getInput(unsigned i) {
  assert(hasInput(i) && "reading an absent input");
  return graph.materialize(*inputs[i]);
}

FailureOr<SmallVector<int64_t>> OnnxNode::getConstantInts(unsigned i,
                                                          StringRef what) {
  if (!hasInput(i))
    return emitError() << getOpType() << " needs input " << i << " ('"
                       << what << "')";
  DenseElementsAttr constant = inputs[i]->constant;
  if (!constant)
    return emitError() << getOpType() << " input " << i << " ('" << what
                       << "') must be known at import time, but '"
                       << inputs[i]->name
                       << "' is computed at run time from graph inputs or "
                          "weights";
  if (!constant.getElementType().isSignlessInteger() ||
      constant.getElementType().isInteger(1))
    return emitError() << getOpType() << " input " << i << " ('" << what
                       << "') must be an integer tensor, got "
                       << constant.getType();
  SmallVector<int64_t> result;
  for (const APInt &v : constant.getValues<APInt>())
    result.push_back(v.getSExtValue());
  return result;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const AttributeProto *OnnxNode::findAttr(StringRef name) const {
  for (const AttributeProto &attr : proto.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

static StringRef getAttrKindName(const AttributeProto &attr) {
  switch (attr.type()) {
  case AttributeProto::FLOAT: return "FLOAT";
  case AttributeProto::INT: return "INT";
  case AttributeProto::STRING: return "STRING";
  case AttributeProto::TENSOR: return "TENSOR";
  case AttributeProto::GRAPH: return "GRAPH";
  case AttributeProto::FLOATS: return "FLOATS";
  case AttributeProto::INTS: return "INTS";
  case AttributeProto::STRINGS: return "STRINGS";
  case AttributeProto::TENSORS: return "TENSORS";
  case AttributeProto::GRAPHS: return "GRAPHS";
  case AttributeProto::SPARSE_TENSOR: return "SPARSE_TENSOR";
  default: return "UNDEFINED";
  }
}

/// Fails with a message when `attr` is not of `kind`.
static LogicalResult checkKind(const OnnxNode &node,
                               const AttributeProto &attr,
                               AttributeProto::AttributeType kind,
                               StringRef kindName) {
  if (attr.type() == kind)
    return success();
  return node.emitError() << node.getOpType() << " attribute '" << attr.name()
                          << "' must be " << kindName << ", got "
                          << getAttrKindName(attr);
}

/// The attribute `name` checked to be of `kind`; null when it is absent and
/// `hasDefault` (the caller then uses its default), an error when it is
/// absent and required.
static FailureOr<const AttributeProto *>
lookupScalarAttr(const OnnxNode &node, StringRef name, bool hasDefault,
                 AttributeProto::AttributeType kind, StringRef kindName) {
  const AttributeProto *attr = node.findAttr(name);
  if (!attr) {
    if (hasDefault)
      return static_cast<const AttributeProto *>(nullptr);
    return node.emitError() << node.getOpType() << " requires attribute '"
                            << name << "'";
  }
  if (failed(checkKind(node, *attr, kind, kindName)))
    return failure();
  return attr;
}

FailureOr<int64_t>
OnnxNode::getIntAttr(StringRef name,
                     std::optional<int64_t> defaultValue) const {
  auto attr = lookupScalarAttr(*this, name, defaultValue.has_value(),
                               AttributeProto::INT, "an INT");
  if (failed(attr))
    return failure();
  if (!*attr)
    return *defaultValue;
  return (*attr)->i();
}

FailureOr<float>
OnnxNode::getFloatAttr(StringRef name,
                       std::optional<float> defaultValue) const {
  auto attr = lookupScalarAttr(*this, name, defaultValue.has_value(),
                               AttributeProto::FLOAT, "a FLOAT");
  if (failed(attr))
    return failure();
  if (!*attr)
    return *defaultValue;
  return (*attr)->f();
}

FailureOr<std::string>
OnnxNode::getStringAttr(StringRef name,
                        std::optional<StringRef> defaultValue) const {
  auto attr = lookupScalarAttr(*this, name, defaultValue.has_value(),
                               AttributeProto::STRING, "a STRING");
  if (failed(attr))
    return failure();
  if (!*attr)
    return defaultValue->str();
  return (*attr)->s();
}

FailureOr<std::optional<SmallVector<int64_t>>>
OnnxNode::getIntsAttr(StringRef name) const {
  const AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::optional<SmallVector<int64_t>>();
  if (failed(checkKind(*this, *attr, AttributeProto::INTS, "INTS")))
    return failure();
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>(attr->ints().begin(), attr->ints().end()));
}

FailureOr<bool> OnnxNode::getBoolAttr(StringRef name,
                                      bool defaultValue) const {
  auto value = getIntAttr(name, defaultValue ? 1 : 0);
  if (failed(value))
    return failure();
  if (*value != 0 && *value != 1)
    return emitError() << getOpType() << " attribute '" << name
                       << "' must be 0 or 1, got " << *value;
  return *value == 1;
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

LogicalResult OnnxNode::checkNumOutputs(unsigned min, unsigned max) const {
  unsigned n = getNumOutputs();
  if (n >= min && n <= max)
    return success();
  auto diag = emitError() << getOpType() << " expects ";
  if (min == max)
    diag << min;
  else
    diag << min << " to " << max;
  return diag << " outputs, got " << n;
}

void OnnxNode::setOutput(unsigned i, Value value) {
  if (!hasOutput(i))
    return;
  auto defined = graph.define(proto.output(i),
                              cast<RankedTensorType>(value.getType()), loc);
  if (succeeded(defined))
    (*defined)->value = value;
}

LogicalResult OnnxNode::setConstantOutput(unsigned i,
                                          DenseElementsAttr constant) {
  if (!hasOutput(i))
    return success();
  auto defined = graph.define(proto.output(i),
                              cast<RankedTensorType>(constant.getType()), loc);
  if (failed(defined))
    return failure();
  (*defined)->constant = constant;
  return success();
}

LogicalResult OnnxNode::setWeightOutput(unsigned i,
                                        const ::onnx::TensorProto &tensor,
                                        DenseElementsAttr constant) {
  if (!hasOutput(i))
    return success();
  auto type = getTensorType(tensor, loc, "the tensor of " + displayName);
  if (failed(type))
    return failure();
  auto defined = graph.define(proto.output(i), *type, loc);
  if (failed(defined))
    return failure();
  (*defined)->weight = &tensor;
  (*defined)->constant = constant;
  return success();
}

LogicalResult OnnxNode::emitRunTimeInputError(unsigned i, StringRef what) {
  unsigned culprit = i;
  for (unsigned j = 0; j < getNumInputs(); ++j)
    if (hasInput(j) && !inputs[j]->constant) {
      culprit = j;
      break;
    }
  auto diag = emitError() << getOpType() << " of " << getInputType(i)
                          << " computed at run time is not supported (tfc "
                             "folds it only when "
                          << what << " known at import time)";
  std::string source = graph.describeRunTimeSource(inputs[culprit]->name);
  if (!source.empty())
    diag << "; " << source;
  return diag;
}

bool OnnxNode::isOutputNeededAtImportTime(unsigned i) const {
  return hasOutput(i) && graph.isNeededAtImportTime(proto.output(i));
}

void OnnxNode::setAliasOutput(unsigned i, const OnnxValue &source) {
  if (!hasOutput(i))
    return;
  auto defined = graph.define(proto.output(i), source.type, loc);
  if (failed(defined))
    return;
  OnnxValue &alias = **defined;
  // A weight stays one tfc.parameter, named after the initializer, however
  // many names refer to it: the alias materializes through its source.
  alias.value = source.value;
  alias.constant = source.constant;
  alias.unsupported = source.unsupported;
  if (!source.value)
    alias.aliasOf = const_cast<OnnxValue *>(&source);
}

void OnnxNode::setUnsupportedOutput(unsigned i, RankedTensorType type,
                                    std::string message) {
  if (!hasOutput(i))
    return;
  auto defined = graph.define(proto.output(i), type, loc);
  if (succeeded(defined))
    (*defined)->unsupported = std::move(message);
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

FailureOr<int64_t> OnnxNode::normalizeAxis(int64_t axis, int64_t rank,
                                           StringRef what) const {
  if (rank == 0)
    return emitError() << getOpType() << " " << what << " is " << axis
                       << ", but the input is a scalar (rank 0)";
  if (axis < -rank || axis >= rank)
    return emitError() << getOpType() << " " << what << " is " << axis
                       << ", out of range for an input of rank " << rank
                       << " (expected " << -rank << " <= axis < " << rank
                       << ")";
  return axis < 0 ? axis + rank : axis;
}

FailureOr<DenseElementsAttr>
OnnxNode::readConstantTensor(const ::onnx::TensorProto &tensor,
                             StringRef what) {
  auto bytes = readTensorBytes(tensor, graph.getExternalDataDir(), loc, what);
  if (failed(bytes))
    return failure();
  return toDenseElements(*bytes);
}

Value OnnxNode::getConstant(DenseElementsAttr value) {
  return graph.getConstant(value, loc);
}

FailureOr<Value> OnnxNode::flipSignBit(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  unsigned width = type.getElementTypeBitWidth();
  Value signBit = getConstant(DenseElementsAttr::get(
      RankedTensorType::get({}, type.getElementType()),
      APInt::getSignedMinValue(width)));
  auto op = create<AddOp>(value, signBit);
  if (failed(op))
    return failure();
  return op->getResult();
}

FailureOr<Value> OnnxNode::zeroExtendToI64(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  unsigned width = type.getElementTypeBitWidth();
  assert(width < 64 && "nothing wider to extend a 64-bit value to");
  Type i64 = IntegerType::get(getContext(), 64);
  auto extended = createWithType<CastOp>(type.clone(i64), value);
  if (failed(extended))
    return failure();
  Value zero = getScalarConstant(i64, 0);
  Value span = getScalarConstant(i64, static_cast<double>(int64_t(1) << width));
  auto negative = create<CompareOp>(ComparePredicate::lt, *extended, zero);
  if (failed(negative))
    return failure();
  auto wrapped = create<AddOp>(*extended, span);
  if (failed(wrapped))
    return failure();
  auto op = create<WhereOp>(*negative, *wrapped, *extended);
  if (failed(op))
    return failure();
  return op->getResult();
}

FailureOr<std::pair<Value, Value>>
OnnxNode::buildUnsignedDivRem(Value lhs, Value rhs) {
  // Each step checks its operands: after a failure (reported) the rest
  // returns null and the whole fails at the end.
  auto make = [&](auto opTag, auto... args) -> Value {
    using OpTy = decltype(opTag);
    if (((!args) || ...))
      return {};
    auto op = create<OpTy>(args...);
    return succeeded(op) ? op->getResult() : Value();
  };
  auto compare = [&](ComparePredicate predicate, Value a, Value b) -> Value {
    if (!a || !b)
      return {};
    auto op = create<CompareOp>(predicate, a, b);
    return succeeded(op) ? op->getResult() : Value();
  };
  auto convert = [&](Value v, Type elementType) -> Value {
    if (!v)
      return {};
    auto type = cast<RankedTensorType>(v.getType());
    auto op = createWithType<CastOp>(type.clone(elementType), v);
    return succeeded(op) ? op->getResult() : Value();
  };
  auto flip = [&](Value v) -> Value {
    if (!v)
      return {};
    auto op = flipSignBit(v);
    return succeeded(op) ? *op : Value();
  };
  auto type = cast<RankedTensorType>(lhs.getType());
  Type elementType = type.getElementType();
  if (type.getElementTypeBitWidth() < 64) {
    auto wideLhs = zeroExtendToI64(lhs), wideRhs = zeroExtendToI64(rhs);
    if (failed(wideLhs) || failed(wideRhs))
      return failure();
    Value quotient = make(DivOp(), *wideLhs, *wideRhs);
    Value product = make(MulOp(), quotient, *wideRhs);
    Value remainder = make(SubOp(), *wideLhs, product);
    Value q = convert(quotient, elementType);
    Value r = convert(remainder, elementType);
    if (!q || !r)
      return failure();
    return std::make_pair(q, r);
  }
  // UINT64. Signed, a "negative" value is one of 2^63 or more.
  Value zero = getScalarConstant(elementType, 0);
  Value one = getScalarConstant(elementType, 1);
  Value int64Max = getConstant(DenseElementsAttr::get(
      RankedTensorType::get({}, elementType), APInt::getSignedMaxValue(64)));
  Value lhsHigh = compare(ComparePredicate::lt, lhs, zero);
  Value rhsHigh = compare(ComparePredicate::lt, rhs, zero);
  // rhs >= 2^63: the quotient is lhs >= rhs (0 or 1).
  Value lhsFlipped = flip(lhs);
  Value rhsFlipped = flip(rhs);
  Value lhsAtLeastRhs =
      compare(ComparePredicate::ge, lhsFlipped, rhsFlipped);
  Value bigQuotient = make(WhereOp(), lhsAtLeastRhs, one, zero);
  Value bigRemainder =
      make(WhereOp(), lhsAtLeastRhs, make(SubOp(), lhs, rhs), lhs);
  // rhs < 2^63 (made 1 where it is not, unused there). lhs < 2^63: signed
  // division. lhs >= 2^63: lhs = low + 2^63 with low = lhs - 2^63, and
  // 2^63 = Q * rhs + R + 1 with Q, R from INT64_MAX; the carry of the
  // remainders (less than 2 * rhs) is 0 or 1.
  Value divisor = make(WhereOp(), rhsHigh, one, rhs);
  Value low = make(WhereOp(), lhsHigh, lhsFlipped, lhs);
  Value lowQuotient = make(DivOp(), low, divisor);
  Value lowRemainder =
      make(SubOp(), low, make(MulOp(), lowQuotient, divisor));
  Value maxQuotient = make(DivOp(), int64Max, divisor);
  Value maxRemainder =
      make(SubOp(), int64Max, make(MulOp(), maxQuotient, divisor));
  Value carrySum =
      make(AddOp(), make(AddOp(), lowRemainder, maxRemainder), one);
  Value carrySumFlipped = flip(carrySum);
  Value divisorFlipped = flip(divisor);
  Value carries =
      compare(ComparePredicate::ge, carrySumFlipped, divisorFlipped);
  Value carry = make(WhereOp(), carries, one, zero);
  Value highQuotient =
      make(AddOp(), make(AddOp(), maxQuotient, lowQuotient), carry);
  Value highRemainder =
      make(SubOp(), carrySum, make(MulOp(), carry, divisor));
  Value smallQuotient = make(WhereOp(), lhsHigh, highQuotient, lowQuotient);
  Value smallRemainder =
      make(WhereOp(), lhsHigh, highRemainder, lowRemainder);
  Value q = make(WhereOp(), rhsHigh, bigQuotient, smallQuotient);
  Value r = make(WhereOp(), rhsHigh, bigRemainder, smallRemainder);
  if (!q || !r)
    return failure();
  return std::make_pair(q, r);
}

Value OnnxNode::getScalarConstant(Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    APFloat f(value);
    bool losesInfo;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    return getConstant(DenseElementsAttr::get(type, f));
  }
  if (elementType.isInteger(1))
    return getConstant(DenseElementsAttr::get(type, value != 0));
  // Integers: round toward zero, saturating at the int64 range (NaN reads
  // as 0) before truncating to the width, so that no attribute value a model
  // carries makes the double-to-int conversion undefined. Callers that must
  // refuse non-integral values (Gemm's alpha on integers) check first.
  int64_t integral = 0;
  if (value >= 0x1p63)
    integral = std::numeric_limits<int64_t>::max();
  else if (value < -0x1p63)
    integral = std::numeric_limits<int64_t>::min();
  else if (!std::isnan(value))
    integral = static_cast<int64_t>(value);
  return getConstant(DenseElementsAttr::get(
      type, APInt(elementType.getIntOrFloatBitWidth(),
                  static_cast<uint64_t>(integral),
                  /*isSigned=*/false, /*implicitTrunc=*/true)));
}
