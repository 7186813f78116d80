//===- ElementwiseOps.cpp - ONNX elementwise ops to tfc -------------------===//
//
// Handlers for broadcasting arithmetic, comparisons, logic, Where, unary
// math and activations (Cos and Sin on constants only), IsNaN, Cast, Identity
// and Dropout. Each folds when its inputs are known at import time (shape
// arithmetic, masks) and otherwise builds the tfc op, whose type inference
// checks broadcasting.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"
#include "OnnxTensors.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

/// Defines output 0 from a folded result; false when there is nothing to
/// define (no result, or too large to keep as a constant).
static FailureOr<bool> setFolded(OnnxNode &node,
                                 const std::optional<HostTensor> &result) {
  if (!result || result->getNumElements() > kMaxFoldedElements)
    return false;
  if (failed(node.setConstantOutput(0, result->toAttr())))
    return failure();
  return true;
}

static HostTensor getHost(OnnxNode &node, unsigned i) {
  return node.getInputHost(i);
}

/// The ordered comparisons, Max and Min: on unsigned integers they run on
/// sign-flipped operands (OnnxNode::flipSignBit).
static bool dependsOnOrder(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::Less:
  case BinaryKind::LessOrEqual:
  case BinaryKind::Greater:
  case BinaryKind::GreaterOrEqual:
  case BinaryKind::Max:
  case BinaryKind::Min:
    return true;
  default:
    return false;
  }
}

/// Unsigned integer division (OnnxNode::buildUnsignedDivRem).
static FailureOr<Value> buildUnsignedDiv(OnnxNode &node, Value lhs,
                                         Value rhs) {
  auto divRem = node.buildUnsignedDivRem(lhs, rhs);
  if (failed(divRem))
    return failure();
  return divRem->first;
}

//===----------------------------------------------------------------------===//
// Binary arithmetic and logic
//===----------------------------------------------------------------------===//

/// Builds `OpTy(lhs, rhs)` for tfc's binary ops (compare gets a predicate).
template <typename OpTy>
static FailureOr<Value> buildBinary(OnnxNode &node, Value lhs, Value rhs) {
  auto op = node.create<OpTy>(lhs, rhs);
  if (failed(op))
    return failure();
  return op->getResult();
}

template <ComparePredicate predicate>
static FailureOr<Value> buildCompare(OnnxNode &node, Value lhs, Value rhs) {
  auto op = node.create<CompareOp>(predicate, lhs, rhs);
  if (failed(op))
    return failure();
  return op->getResult();
}

using BinaryBuilder = FailureOr<Value> (*)(OnnxNode &, Value, Value);

static LogicalResult importBinary(OnnxNode &node, BinaryKind kind,
                                  BinaryBuilder build) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  if (node.canFold()) {
    auto folded = setFolded(node, evaluateBinary(kind, getHost(node, 0),
                                                 getHost(node, 1)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  auto lhs = node.getInput(0), rhs = node.getInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  bool isUnsigned =
      node.needsUnsignedSemantics(0) || node.needsUnsignedSemantics(1);
  if (isUnsigned && kind == BinaryKind::Div) {
    auto result = buildUnsignedDiv(node, *lhs, *rhs);
    if (failed(result))
      return failure();
    node.setOutput(0, *result);
    return success();
  }
  if (isUnsigned && dependsOnOrder(kind)) {
    lhs = node.flipSignBit(*lhs);
    rhs = node.flipSignBit(*rhs);
    if (failed(lhs) || failed(rhs))
      return failure();
  }
  auto result = build(node, *lhs, *rhs);
  if (failed(result))
    return failure();
  node.setOutput(0, *result);
  return success();
}

/// Pow: ONNX lets the exponent have another type (opset 12+); tfc.pow wants
/// one element type, so the exponent is cast to the base's type.
static LogicalResult importPow(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  Type baseType = node.getInputType(0).getElementType();
  if (node.canFold()) {
    HostTensor exponent = evaluateCast(getHost(node, 1), baseType);
    auto folded = setFolded(node, evaluateBinary(BinaryKind::Pow,
                                                 getHost(node, 0), exponent));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  auto base = node.getInput(0);
  if (failed(base))
    return failure();
  Value exponent;
  RankedTensorType exponentType = node.getInputType(1);
  if (exponentType.getElementType() == baseType) {
    auto input = node.getInput(1);
    if (failed(input))
      return failure();
    exponent = *input;
  } else if (DenseElementsAttr constant = node.getInputConstant(1)) {
    exponent = node.getConstant(
        evaluateCast(HostTensor::fromAttr(constant), baseType).toAttr());
  } else {
    auto input = node.getInput(1);
    if (failed(input))
      return failure();
    auto cast = node.createWithType<CastOp>(exponentType.clone(baseType),
                                            *input);
    if (failed(cast))
      return failure();
    exponent = *cast;
  }
  auto op = node.create<PowOp>(*base, exponent);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

/// Max / Min / Sum / Mean: variadic, folded pairwise; Mean divides the sum
/// by the number of inputs.
template <typename OpTy>
static LogicalResult importVariadic(OnnxNode &node, BinaryKind kind,
                                    bool isMean = false) {
  if (failed(node.checkNumInputs(node.getNumInputs(), node.getNumInputs())) ||
      failed(node.checkNumInputs(1, 1u << 20)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  if (node.canFold()) {
    std::optional<HostTensor> acc = getHost(node, 0);
    for (unsigned i = 1; acc && i < node.getNumInputs(); ++i)
      acc = evaluateBinary(kind, *acc, getHost(node, i));
    if (acc && isMean)
      acc = evaluateBinary(
          BinaryKind::Div, *acc,
          evaluateCast(HostTensor::fromInts({}, IntegerType::get(
                                                    node.getContext(), 64),
                                            {node.getNumInputs()}),
                       acc->elementType));
    auto folded = setFolded(node, acc);
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  // Max/Min of unsigned integers: on sign-flipped operands, flipped back.
  bool flip = dependsOnOrder(kind) &&
              llvm::any_of(llvm::seq(0u, node.getNumInputs()), [&](unsigned i) {
                return node.needsUnsignedSemantics(i);
              });
  auto getOperand = [&](unsigned i) -> FailureOr<Value> {
    auto input = node.getInput(i);
    if (failed(input) || !flip)
      return input;
    return node.flipSignBit(*input);
  };
  auto acc = getOperand(0);
  if (failed(acc))
    return failure();
  Value result = *acc;
  for (unsigned i = 1; i < node.getNumInputs(); ++i) {
    auto next = getOperand(i);
    if (failed(next))
      return failure();
    auto op = node.create<OpTy>(result, *next);
    if (failed(op))
      return failure();
    result = *op;
  }
  if (flip) {
    auto flipped = node.flipSignBit(result);
    if (failed(flipped))
      return failure();
    result = *flipped;
  }
  if (isMean) {
    Type elementType = cast<RankedTensorType>(result.getType())
                           .getElementType();
    if (!isa<FloatType>(elementType))
      return node.emitError() << "Mean of integer tensors is not supported";
    auto op = node.create<DivOp>(
        result, node.getScalarConstant(elementType, node.getNumInputs()));
    if (failed(op))
      return failure();
    result = *op;
  }
  node.setOutput(0, result);
  return success();
}

static LogicalResult importWhere(OnnxNode &node) {
  if (failed(node.checkNumInputs(3, 3)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  if (node.canFold()) {
    auto folded = setFolded(node, evaluateWhere(getHost(node, 0),
                                                getHost(node, 1),
                                                getHost(node, 2)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  auto condition = node.getInput(0), onTrue = node.getInput(1),
       onFalse = node.getInput(2);
  if (failed(condition) || failed(onTrue) || failed(onFalse))
    return failure();
  auto op = node.create<WhereOp>(*condition, *onTrue, *onFalse);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult importUnary(OnnxNode &node,
                                 std::optional<UnaryKind> kind) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  // |x| of an unsigned integer is x.
  if (kind == UnaryKind::Abs && node.needsUnsignedSemantics(0)) {
    node.setAliasOutput(0, node.getInputValue(0));
    return success();
  }
  if (kind && node.canFold()) {
    auto folded = setFolded(node, evaluateUnary(*kind, getHost(node, 0)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.create<OpTy>(*input);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

template <typename OpTy>
static void addUnary(OnnxOpRegistry &registry, StringRef name, int64_t since,
                     UnaryKind kind) {
  registry.add(name, since, kOnnxMaxOpset, [kind](OnnxNode &node) {
    return importUnary<OpTy>(node, kind);
  });
}

/// Cos, Sin: tfc has no trigonometric ops. Exporters apply them to RoPE
/// angle tables (inverse frequencies times positions), which are constants
/// and fold here; on a tensor computed at run time they are an error.
static LogicalResult importFoldOnlyUnary(OnnxNode &node, UnaryKind kind) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  if (node.canFold()) {
    auto folded = setFolded(node, evaluateUnary(kind, getHost(node, 0)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  return node.emitRunTimeInputError(0, "its input is");
}

/// IsNaN(x) is `x != x`: the unordered comparison is true exactly for NaN.
static LogicalResult importIsNaN(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return node.emitError() << "IsNaN input must be a float tensor, got "
                            << type;
  if (node.canFold()) {
    HostTensor input = getHost(node, 0);
    std::vector<int64_t> isNaN;
    for (double x : input.floats)
      isNaN.push_back(std::isnan(x));
    auto folded = setFolded(
        node, HostTensor::fromInts(input.shape,
                                   IntegerType::get(type.getContext(), 1),
                                   std::move(isNaN)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.create<CompareOp>(ComparePredicate::ne, *input, *input);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

static LogicalResult importGelu(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto approximate = node.getStringAttr("approximate", StringRef("none"));
  if (failed(approximate))
    return failure();
  GeluApproximation kind;
  if (*approximate == "none")
    kind = GeluApproximation::none;
  else if (*approximate == "tanh")
    kind = GeluApproximation::tanh;
  else
    return node.emitError() << "Gelu attribute 'approximate' must be 'none' "
                               "or 'tanh', got '"
                            << *approximate << "'";
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.create<GeluOp>(*input, kind);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

//===----------------------------------------------------------------------===//
// Cast, Identity, Dropout
//===----------------------------------------------------------------------===//

static LogicalResult importCast(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto to = node.getIntAttr("to", std::nullopt);
  if (failed(to))
    return failure();
  Type elementType = getElementType(node.getContext(), *to);
  if (!elementType)
    return node.emitError() << "Cast attribute 'to' is "
                            << getDataTypeName(*to)
                            << ", which tfc does not support";
  RankedTensorType inputType = node.getInputType(0);
  if (inputType.getElementType() == elementType) {
    node.setAliasOutput(0, node.getInputValue(0));
    return success();
  }
  if (node.canFold())
    return node.setConstantOutput(
        0, evaluateCast(getHost(node, 0), elementType).toAttr());
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  // From an unsigned integer to a float or a wider integer: the value, not
  // the signed reading of its bits.
  unsigned width = inputType.getElementTypeBitWidth();
  bool widens = isa<FloatType>(elementType) ||
                (elementType.isSignlessInteger() &&
                 elementType.getIntOrFloatBitWidth() > width);
  if (node.needsUnsignedSemantics(0) && widens) {
    if (width < 64) {
      auto extended = node.zeroExtendToI64(*input);
      if (failed(extended))
        return failure();
      auto op = node.createWithType<CastOp>(inputType.clone(elementType),
                                            *extended);
      if (failed(op))
        return failure();
      node.setOutput(0, *op);
      return success();
    }
    // UINT64 to float: the signed reading, plus 2^64 where it is negative.
    auto converted =
        node.createWithType<CastOp>(inputType.clone(elementType), *input);
    if (failed(converted))
      return failure();
    Value zero = node.getScalarConstant(inputType.getElementType(), 0);
    Value span = node.getScalarConstant(elementType, 0x1p64);
    auto negative = node.create<CompareOp>(ComparePredicate::lt, *input, zero);
    if (failed(negative))
      return failure();
    auto wrapped = node.create<AddOp>(*converted, span);
    if (failed(wrapped))
      return failure();
    auto op = node.create<WhereOp>(*negative, *wrapped, *converted);
    if (failed(op))
      return failure();
    node.setOutput(0, *op);
    return success();
  }
  auto op = node.createWithType<CastOp>(inputType.clone(elementType), *input);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

static LogicalResult importIdentity(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  node.setAliasOutput(0, node.getInputValue(0));
  return success();
}

/// Dropout at inference is the identity; its mask output is not supported.
static LogicalResult importDropout(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 3)) || failed(node.checkNumOutputs(1, 2)))
    return failure();
  if (node.hasInput(2)) {
    DenseElementsAttr training = node.getInputConstant(2);
    if (!training || !training.isSplat() ||
        training.getSplatValue<APInt>().getBoolValue())
      return node.emitError() << "Dropout in training mode is not supported "
                                 "(input 2 'training_mode' must be a constant "
                                 "false)";
  }
  node.setAliasOutput(0, node.getInputValue(0));
  if (node.hasOutput(1))
    node.setUnsupportedOutput(
        1, node.getInputType(0).clone(IntegerType::get(node.getContext(), 1)),
        "the mask output of Dropout node '" + node.getName().str() +
            "' is not supported");
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tfc::onnx_import::populateElementwiseHandlers(
    OnnxOpRegistry &registry) {
  // Numpy-style broadcasting arrived at opset 7 for arithmetic, logic and
  // comparisons; earlier versions used `broadcast`/`axis` attributes.
  auto binary = [&](StringRef name, int64_t since, BinaryKind kind,
                    BinaryBuilder build) {
    registry.add(name, since, kOnnxMaxOpset, [kind, build](OnnxNode &node) {
      return importBinary(node, kind, build);
    });
  };
  binary("Add", 7, BinaryKind::Add, buildBinary<AddOp>);
  binary("Sub", 7, BinaryKind::Sub, buildBinary<SubOp>);
  binary("Mul", 7, BinaryKind::Mul, buildBinary<MulOp>);
  binary("Div", 7, BinaryKind::Div, buildBinary<DivOp>);
  binary("And", 7, BinaryKind::And, buildBinary<AndOp>);
  binary("Or", 7, BinaryKind::Or, buildBinary<OrOp>);
  binary("Xor", 7, BinaryKind::Xor, buildCompare<ComparePredicate::ne>);
  binary("Equal", 7, BinaryKind::Equal, buildCompare<ComparePredicate::eq>);
  binary("Less", 7, BinaryKind::Less, buildCompare<ComparePredicate::lt>);
  binary("LessOrEqual", 12, BinaryKind::LessOrEqual,
         buildCompare<ComparePredicate::le>);
  binary("Greater", 7, BinaryKind::Greater,
         buildCompare<ComparePredicate::gt>);
  binary("GreaterOrEqual", 12, BinaryKind::GreaterOrEqual,
         buildCompare<ComparePredicate::ge>);
  registry.add("Pow", 7, kOnnxMaxOpset, importPow);
  registry.add("Max", 8, kOnnxMaxOpset, [](OnnxNode &node) {
    return importVariadic<MaximumOp>(node, BinaryKind::Max);
  });
  registry.add("Min", 8, kOnnxMaxOpset, [](OnnxNode &node) {
    return importVariadic<MinimumOp>(node, BinaryKind::Min);
  });
  registry.add("Sum", 8, kOnnxMaxOpset, [](OnnxNode &node) {
    return importVariadic<AddOp>(node, BinaryKind::Add);
  });
  registry.add("Mean", 8, kOnnxMaxOpset, [](OnnxNode &node) {
    return importVariadic<AddOp>(node, BinaryKind::Add, /*isMean=*/true);
  });
  registry.add("Where", 9, kOnnxMaxOpset, importWhere);

  // Opset 6 dropped the `consumed_inputs` attribute of the unary ops.
  addUnary<NegOp>(registry, "Neg", 6, UnaryKind::Neg);
  addUnary<AbsOp>(registry, "Abs", 6, UnaryKind::Abs);
  addUnary<SqrtOp>(registry, "Sqrt", 6, UnaryKind::Sqrt);
  addUnary<ReciprocalOp>(registry, "Reciprocal", 6, UnaryKind::Reciprocal);
  addUnary<ExpOp>(registry, "Exp", 6, UnaryKind::Exp);
  addUnary<LogOp>(registry, "Log", 6, UnaryKind::Log);
  addUnary<TanhOp>(registry, "Tanh", 6, UnaryKind::Tanh);
  addUnary<ErfOp>(registry, "Erf", 9, UnaryKind::Erf);
  addUnary<SigmoidOp>(registry, "Sigmoid", 6, UnaryKind::Sigmoid);
  addUnary<ReluOp>(registry, "Relu", 6, UnaryKind::Relu);
  addUnary<NotOp>(registry, "Not", 1, UnaryKind::Not);
  registry.add(
      "Cos", 7, kOnnxMaxOpset,
      [](OnnxNode &node) { return importFoldOnlyUnary(node, UnaryKind::Cos); },
      {0});
  registry.add(
      "Sin", 7, kOnnxMaxOpset,
      [](OnnxNode &node) { return importFoldOnlyUnary(node, UnaryKind::Sin); },
      {0});
  // Opset 20 added bfloat16 and float16 inputs, nothing else.
  registry.add("IsNaN", 9, kOnnxMaxOpset, importIsNaN);
  registry.add("Gelu", 20, kOnnxMaxOpset, importGelu);

  // Cast before opset 6 named the target type as a string.
  registry.add("Cast", 6, kOnnxMaxOpset, importCast);
  registry.add("Identity", 1, kOnnxMaxOpset, importIdentity);
  registry.add("Dropout", 7, kOnnxMaxOpset, importDropout);
}
