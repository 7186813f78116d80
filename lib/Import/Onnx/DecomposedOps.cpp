//===- DecomposedOps.cpp - ONNX ops built from several tfc ops ------------===//
//
// Handlers for ONNX ops that tfc has no op of its own for and that are short
// compositions of existing tfc ops, so that every later stage (reference
// executor, fusion, GPU kernels) handles them without new code:
// LogSoftmax, Clip, ArgMax/ArgMin, Mod, IsInf, Sign, Floor/Ceil, Softplus,
// Mish and the activations LeakyRelu, PRelu, Elu, Selu, Celu, HardSigmoid,
// HardSwish, ThresholdedRelu. Those that can appear in shape arithmetic
// (Clip, Mod, Sign, Floor, Ceil, IsInf) fold when their inputs are known.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"
#include "OnnxTensors.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

namespace {
/// Builds the tfc ops of one decomposition. After the first failure (already
/// reported at the node) every method returns a null value, so a handler
/// checks once, at the end.
class Composer {
public:
  explicit Composer(OnnxNode &node) : node(node) {}

  template <typename OpTy, typename... Args> Value op(Args... args) {
    if (llvm::any_of(std::initializer_list<bool>{isNull(args)...},
                     [](bool null) { return null; }))
      return {};
    auto built = node.create<OpTy>(args...);
    return succeeded(built) ? built->getResult() : Value();
  }
  Value add(Value a, Value b) { return op<AddOp>(a, b); }
  Value sub(Value a, Value b) { return op<SubOp>(a, b); }
  Value mul(Value a, Value b) { return op<MulOp>(a, b); }
  Value div(Value a, Value b) { return op<DivOp>(a, b); }
  Value max(Value a, Value b) { return op<MaximumOp>(a, b); }
  Value min(Value a, Value b) { return op<MinimumOp>(a, b); }
  Value cmp(ComparePredicate predicate, Value a, Value b) {
    return op<CompareOp>(predicate, a, b);
  }
  Value where(Value c, Value a, Value b) { return op<WhereOp>(c, a, b); }
  Value reduce(ReduceKind kind, Value x, ArrayRef<int64_t> axes,
               bool keepDims) {
    if (!x)
      return {};
    auto built = node.create<ReduceOp>(kind, x, axes, keepDims);
    return succeeded(built) ? built->getResult() : Value();
  }
  Value convert(Value x, Type elementType) {
    if (!x)
      return {};
    auto type = llvm::cast<RankedTensorType>(x.getType());
    auto built = node.createWithType<CastOp>(type.clone(elementType), x);
    return succeeded(built) ? built->getResult() : Value();
  }
  Value reshape(Value x, ArrayRef<int64_t> shape) {
    if (!x)
      return {};
    auto type = llvm::cast<RankedTensorType>(x.getType());
    if (type.getShape() == shape)
      return x;
    auto built = node.createWithType<ReshapeOp>(type.clone(shape), x);
    return succeeded(built) ? built->getResult() : Value();
  }
  /// A rank-0 constant of `elementType`.
  Value scalar(Type elementType, double value) {
    return node.getScalarConstant(elementType, value);
  }

private:
  template <typename T> static bool isNull(const T &arg) {
    if constexpr (std::is_same_v<T, Value>)
      return !arg;
    return false;
  }
  OnnxNode &node;
};

/// The input, or a null value when it cannot be materialized (reported).
Value getInputOrNull(OnnxNode &node, unsigned i) {
  auto input = node.getInput(i);
  return succeeded(input) ? *input : Value();
}

LogicalResult setResult(OnnxNode &node, Value result) {
  if (!result)
    return failure();
  node.setOutput(0, result);
  return success();
}

/// Defines output 0 from a folded result; false when there is nothing to
/// define (no result, or too large to keep as a constant).
FailureOr<bool> setFolded(OnnxNode &node,
                          const std::optional<HostTensor> &result) {
  if (!result || result->getNumElements() > kMaxFoldedElements)
    return false;
  if (failed(node.setConstantOutput(0, result->toAttr())))
    return failure();
  return true;
}

HostTensor getHost(OnnxNode &node, unsigned i) {
  return node.getInputHost(i);
}

LogicalResult requireFloat(OnnxNode &node) {
  RankedTensorType type = node.getInputType(0);
  if (isa<FloatType>(type.getElementType()))
    return success();
  return node.emitError() << node.getOpType()
                          << " of a non-float tensor " << type
                          << " is not supported";
}
} // namespace

//===----------------------------------------------------------------------===//
// LogSoftmax
//===----------------------------------------------------------------------===//

/// log(softmax(x)) = (x - max) - log(sum(exp(x - max))) along `axis`; opsets
/// 1-12 coerce the input to 2-D at `axis` first (as Softmax).
static LogicalResult importLogSoftmax(OnnxNode &node, bool coerced) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)) ||
      failed(requireFloat(node)))
    return failure();
  auto attr = node.getIntAttr("axis", coerced ? 1 : -1);
  if (failed(attr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto axis = node.normalizeAxis(*attr, type.getRank(), "attribute 'axis'");
  if (failed(axis))
    return failure();
  Composer c(node);
  Value x = getInputOrNull(node, 0);
  int64_t along = *axis;
  if (coerced) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < type.getRank(); ++d)
      (d < *axis ? outer : inner) *= type.getDimSize(d);
    x = c.reshape(x, {outer, inner});
    along = 1;
  }
  Value max = c.reduce(ReduceKind::max, x, {along}, true);
  Value shifted = c.sub(x, max);
  Value exp = c.op<ExpOp>(shifted);
  Value sum = c.reduce(ReduceKind::sum, exp, {along}, true);
  Value log = c.op<LogOp>(sum);
  Value result = c.sub(shifted, log);
  if (coerced)
    result = c.reshape(result, type.getShape());
  return setResult(node, result);
}

//===----------------------------------------------------------------------===//
// Clip
//===----------------------------------------------------------------------===//

/// Clip(x, min, max) = min(max(x, min), max); bounds are attributes before
/// opset 11 and optional scalar inputs from it.
static LogicalResult importClip(OnnxNode &node, bool boundsAsInputs) {
  if (failed(node.checkNumInputs(1, boundsAsInputs ? 3 : 1)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  Type elementType = type.getElementType();
  std::optional<HostTensor> lo, hi;
  if (boundsAsInputs) {
    for (unsigned i : {1u, 2u}) {
      if (!node.hasInput(i))
        continue;
      RankedTensorType boundType = node.getInputType(i);
      if (boundType.getRank() != 0 ||
          boundType.getElementType() != elementType)
        return node.emitError()
               << "Clip input " << i << " ('" << (i == 1 ? "min" : "max")
               << "') must be a scalar of the input's element type "
               << elementType << ", got " << boundType;
    }
  } else {
    if (!isa<FloatType>(elementType))
      return node.emitError() << "Clip of a non-float tensor " << type
                              << " is not supported before opset 11";
    auto minAttr = node.getFloatAttr("min", std::numeric_limits<float>::lowest());
    auto maxAttr = node.getFloatAttr("max", std::numeric_limits<float>::max());
    if (failed(minAttr) || failed(maxAttr))
      return failure();
    lo = HostTensor::fromFloats({}, elementType, {*minAttr});
    hi = HostTensor::fromFloats({}, elementType, {*maxAttr});
  }
  if (node.canFold()) {
    std::optional<HostTensor> result = getHost(node, 0);
    if (boundsAsInputs) {
      if (node.hasInput(1))
        lo = getHost(node, 1);
      if (node.hasInput(2))
        hi = getHost(node, 2);
    }
    if (lo)
      result = evaluateBinary(BinaryKind::Max, *result, *lo);
    if (result && hi)
      result = evaluateBinary(BinaryKind::Min, *result, *hi);
    auto folded = setFolded(node, result);
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  Composer c(node);
  Value result = getInputOrNull(node, 0);
  // Unsigned integers are compared with their sign bits flipped.
  bool flip = node.needsUnsignedSemantics(0);
  auto flipped = [&](Value v) -> Value {
    if (!v || !flip)
      return v;
    auto op = node.flipSignBit(v);
    return succeeded(op) ? *op : Value();
  };
  if (boundsAsInputs) {
    result = flipped(result);
    if (node.hasInput(1)) {
      Value bound = flipped(getInputOrNull(node, 1));
      result = c.max(result, bound);
    }
    if (node.hasInput(2)) {
      Value bound = flipped(getInputOrNull(node, 2));
      result = c.min(result, bound);
    }
    result = flipped(result);
  } else {
    Value loValue = node.getConstant(lo->toAttr());
    Value hiValue = node.getConstant(hi->toAttr());
    result = c.min(c.max(result, loValue), hiValue);
  }
  return setResult(node, result);
}

//===----------------------------------------------------------------------===//
// ArgMax, ArgMin
//===----------------------------------------------------------------------===//

/// The index of the first (or with `select_last_index`, last) extreme value
/// along `axis`, as int64: where(x == reduce(x), iota, sentinel), reduced by
/// min (first) or max (last) along `axis`.
static LogicalResult importArgExtreme(OnnxNode &node, bool isMax) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", 0);
  auto keepDims = node.getBoolAttr("keepdims", true);
  auto last = node.getBoolAttr("select_last_index", false);
  if (failed(attr) || failed(keepDims) || failed(last))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (type.getRank() == 0)
    return node.emitError() << node.getOpType()
                            << " needs an input of rank 1 or more, got "
                            << type;
  auto axis = node.normalizeAxis(*attr, type.getRank(), "attribute 'axis'");
  if (failed(axis))
    return failure();
  int64_t size = type.getDimSize(*axis);
  if (size == 0)
    return node.emitError() << node.getOpType() << " along axis " << *axis
                            << " of size 0 (" << type << ") has no result";
  auto i64 = IntegerType::get(node.getContext(), 64);
  SmallVector<int64_t> iotaShape(type.getRank(), 1);
  iotaShape[*axis] = size;
  std::vector<int64_t> iotaValues(size);
  for (int64_t i = 0; i < size; ++i)
    iotaValues[i] = i;
  Value iota = node.getConstant(
      HostTensor::fromInts(iotaShape, i64, std::move(iotaValues)).toAttr());

  Composer c(node);
  Value x = getInputOrNull(node, 0);
  // Unsigned integers are compared with their sign bits flipped.
  if (x && node.needsUnsignedSemantics(0)) {
    auto flipped = node.flipSignBit(x);
    x = succeeded(flipped) ? *flipped : Value();
  }
  Value extreme =
      c.reduce(isMax ? ReduceKind::max : ReduceKind::min, x, {*axis}, true);
  Value isExtreme = c.cmp(ComparePredicate::eq, x, extreme);
  Value sentinel = c.scalar(i64, *last ? -1.0 : double(size));
  Value candidates = c.where(isExtreme, iota, sentinel);
  Value result = c.reduce(*last ? ReduceKind::max : ReduceKind::min,
                          candidates, {*axis}, *keepDims);
  return setResult(node, result);
}

//===----------------------------------------------------------------------===//
// Mod
//===----------------------------------------------------------------------===//

/// trunc(x) toward zero: through int64 where |x| < 2^(mantissa bits) (larger
/// floats are integers already; NaN and infinities stay as they are).
static Value buildTrunc(Composer &c, Value x, FloatType floatType) {
  double integral = std::ldexp(1.0, floatType.getFPMantissaWidth() - 1);
  Value asInt = c.convert(x, IntegerType::get(floatType.getContext(), 64));
  Value back = c.convert(asInt, floatType);
  Value abs = c.op<AbsOp>(x);
  Value bound = c.scalar(floatType, integral);
  Value small = c.cmp(ComparePredicate::lt, abs, bound);
  return c.where(small, back, x);
}

/// Mod with `fmod` = 0 (integers only: the sign of the divisor, Python's %)
/// or 1 (C's fmod: the sign of the dividend). Both from the truncating
/// quotient: r = a - trunc(a / b) * b, then for fmod = 0, r + b where r is
/// non-zero and its sign differs from b's.
static LogicalResult importMod(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto fmod = node.getBoolAttr("fmod", false);
  if (failed(fmod))
    return failure();
  RankedTensorType type = node.getInputType(0);
  Type elementType = type.getElementType();
  bool isFloat = isa<FloatType>(elementType);
  if (isFloat && !*fmod)
    return node.emitError() << "Mod of float tensors needs attribute 'fmod' "
                               "= 1 (ONNX defines no floor modulo on floats)";
  if (node.getInputType(1).getElementType() != elementType)
    return node.emitError() << "Mod operands must have one element type, got "
                            << type << " and " << node.getInputType(1);
  if (node.canFold()) {
    auto folded = setFolded(
        node, evaluateBinary(*fmod ? BinaryKind::Fmod : BinaryKind::Mod,
                             getHost(node, 0), getHost(node, 1)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  Composer c(node);
  Value a = getInputOrNull(node, 0), b = getInputOrNull(node, 1);
  if (!a || !b)
    return failure();
  if (node.needsUnsignedSemantics(0) || node.needsUnsignedSemantics(1)) {
    // Unsigned: both remainders are the unsigned one.
    auto divRem = node.buildUnsignedDivRem(a, b);
    if (failed(divRem))
      return failure();
    return setResult(node, divRem->second);
  }
  Value quotient = c.div(a, b);
  if (isFloat) {
    quotient = buildTrunc(c, quotient, cast<FloatType>(elementType));
  }
  Value product = c.mul(quotient, b);
  Value rem = c.sub(a, product);
  if (!*fmod) {
    Value zero = c.scalar(elementType, 0);
    Value remNegative = c.cmp(ComparePredicate::lt, rem, zero);
    Value divisorNegative = c.cmp(ComparePredicate::lt, b, zero);
    Value signsDiffer =
        c.cmp(ComparePredicate::ne, remNegative, divisorNegative);
    Value nonZero = c.cmp(ComparePredicate::ne, rem, zero);
    Value adjust = c.op<AndOp>(nonZero, signsDiffer);
    Value adjusted = c.add(rem, b);
    rem = c.where(adjust, adjusted, rem);
  }
  return setResult(node, rem);
}

//===----------------------------------------------------------------------===//
// IsInf, Sign, Floor, Ceil
//===----------------------------------------------------------------------===//

/// IsInf(x) with `detect_positive` / `detect_negative`: x == +inf, x == -inf.
static LogicalResult importIsInf(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto positive = node.getBoolAttr("detect_positive", true);
  auto negative = node.getBoolAttr("detect_negative", true);
  if (failed(positive) || failed(negative))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (!isa<FloatType>(type.getElementType()))
    return node.emitError() << "IsInf input must be a float tensor, got "
                            << type;
  auto i1 = IntegerType::get(node.getContext(), 1);
  if (node.canFold() || (!*positive && !*negative)) {
    std::vector<int64_t> flags(type.getNumElements(), 0);
    if (node.canFold()) {
      HostTensor input = getHost(node, 0);
      for (auto [i, x] : llvm::enumerate(input.floats))
        flags[i] = std::isinf(x) && ((x > 0 && *positive) ||
                                     (x < 0 && *negative));
    }
    auto folded =
        setFolded(node, HostTensor::fromInts(type.getShape(), i1, flags));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  Composer c(node);
  Value x = getInputOrNull(node, 0);
  double inf = std::numeric_limits<double>::infinity();
  Value isPositive = c.cmp(ComparePredicate::eq, x,
                           c.scalar(type.getElementType(), inf));
  Value isNegative = c.cmp(ComparePredicate::eq, x,
                           c.scalar(type.getElementType(), -inf));
  Value result = !*negative  ? isPositive
                 : !*positive ? isNegative
                              : c.op<OrOp>(isPositive, isNegative);
  return setResult(node, result);
}

/// Sign(x): 1 where x > 0, -1 where x < 0, else x * 0 (0, and NaN for NaN).
static LogicalResult importSign(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  if (node.canFold()) {
    auto folded =
        setFolded(node, evaluateUnary(UnaryKind::Sign, getHost(node, 0)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  Type elementType = node.getInputType(0).getElementType();
  Composer c(node);
  Value x = getInputOrNull(node, 0);
  Value zero = c.scalar(elementType, 0);
  Value one = c.scalar(elementType, 1);
  if (node.needsUnsignedSemantics(0)) {
    // Unsigned: 1 where x != 0, else 0.
    Value nonZero = c.cmp(ComparePredicate::ne, x, zero);
    return setResult(node, c.where(nonZero, one, zero));
  }
  Value minusOne = c.scalar(elementType, -1);
  Value positive = c.cmp(ComparePredicate::gt, x, zero);
  Value negative = c.cmp(ComparePredicate::lt, x, zero);
  Value zeroOrNaN = c.mul(x, zero);
  Value result = c.where(positive, one, c.where(negative, minusOne, zeroOrNaN));
  return setResult(node, result);
}

/// Floor / Ceil: t = trunc(x) through int64 (where |x| < 2^mantissa; larger
/// floats, infinities and NaN are integral already), then t - 1 where t > x
/// (Floor) or t + 1 where t < x (Ceil).
static LogicalResult importRounding(OnnxNode &node, bool isFloor) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)) ||
      failed(requireFloat(node)))
    return failure();
  if (node.canFold()) {
    auto folded =
        setFolded(node, evaluateUnary(isFloor ? UnaryKind::Floor
                                              : UnaryKind::Ceil,
                                      getHost(node, 0)));
    if (failed(folded) || *folded)
      return success(succeeded(folded));
  }
  auto floatType = cast<FloatType>(node.getInputType(0).getElementType());
  Composer c(node);
  Value x = getInputOrNull(node, 0);
  Value truncated = buildTrunc(c, x, floatType);
  Value one = c.scalar(floatType, 1);
  Value result;
  if (isFloor) {
    Value above = c.cmp(ComparePredicate::gt, truncated, x);
    Value down = c.sub(truncated, one);
    result = c.where(above, down, truncated);
  } else {
    Value below = c.cmp(ComparePredicate::lt, truncated, x);
    Value up = c.add(truncated, one);
    result = c.where(below, up, truncated);
  }
  return setResult(node, result);
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// softplus(x) = log(1 + exp(x)), as max(x, 0) + log(1 + exp(-|x|)) so that
/// exp never overflows.
static Value buildSoftplus(Composer &c, Value x, Type elementType) {
  Value one = c.scalar(elementType, 1);
  Value relu = c.op<ReluOp>(x);
  Value abs = c.op<AbsOp>(x);
  Value neg = c.op<NegOp>(abs);
  Value exp = c.op<ExpOp>(neg);
  Value log = c.op<LogOp>(c.add(one, exp));
  return c.add(relu, log);
}

namespace {
enum class Activation {
  Softplus, Mish, LeakyRelu, PRelu, Elu, Selu, Celu, HardSigmoid, HardSwish,
  ThresholdedRelu
};
} // namespace

static LogicalResult importActivation(OnnxNode &node, Activation kind) {
  unsigned numInputs = kind == Activation::PRelu ? 2 : 1;
  if (failed(node.checkNumInputs(numInputs, numInputs)) ||
      failed(node.checkNumOutputs(1, 1)) || failed(requireFloat(node)))
    return failure();
  auto floatAttr = [&](StringRef name, float defaultValue) -> double {
    auto value = node.getFloatAttr(name, defaultValue);
    return succeeded(value) ? *value : std::nan("");
  };
  // Defaults from the ONNX specification.
  double alpha = 0, beta = 0, gamma = 0;
  switch (kind) {
  case Activation::LeakyRelu:
    alpha = floatAttr("alpha", 0.01f);
    break;
  case Activation::Elu:
  case Activation::Celu:
  case Activation::ThresholdedRelu:
    alpha = floatAttr("alpha", 1.0f);
    break;
  case Activation::Selu:
    alpha = floatAttr("alpha", 1.67326319217681884765625f);
    gamma = floatAttr("gamma", 1.05070102214813232421875f);
    break;
  case Activation::HardSigmoid:
    alpha = floatAttr("alpha", 0.2f);
    beta = floatAttr("beta", 0.5f);
    break;
  case Activation::HardSwish:
    alpha = 1.0 / 6;
    beta = 0.5;
    break;
  default:
    break;
  }
  if (std::isnan(alpha) || std::isnan(beta) || std::isnan(gamma))
    return failure(); // An attribute of the wrong kind, reported.
  // Operands are built one statement at a time, so that the op order does
  // not depend on the compiler's order of evaluating arguments.
  Type elementType = node.getInputType(0).getElementType();
  Composer c(node);
  Value x = getInputOrNull(node, 0);
  // Scalars are created where used: a constant nothing uses would stay.
  Value zero, one, alphaValue;
  if (kind != Activation::Softplus && kind != Activation::Mish) {
    zero = c.scalar(elementType, 0);
    if (kind != Activation::PRelu)
      alphaValue = c.scalar(elementType, alpha);
  }
  if (kind == Activation::Elu || kind == Activation::Celu ||
      kind == Activation::HardSigmoid || kind == Activation::HardSwish)
    one = c.scalar(elementType, 1);
  auto hardSigmoid = [&](Value v) {
    Value scaled = c.mul(v, alphaValue);
    Value betaValue = c.scalar(elementType, beta);
    Value shifted = c.add(scaled, betaValue);
    Value upper = c.min(one, shifted);
    return c.max(zero, upper);
  };
  Value result;
  switch (kind) {
  case Activation::Softplus:
    result = buildSoftplus(c, x, elementType);
    break;
  case Activation::Mish: {
    Value softplus = buildSoftplus(c, x, elementType);
    result = c.mul(x, c.op<TanhOp>(softplus));
    break;
  }
  case Activation::LeakyRelu:
  case Activation::PRelu: {
    Value negative = c.cmp(ComparePredicate::lt, x, zero);
    Value slope =
        kind == Activation::PRelu ? getInputOrNull(node, 1) : alphaValue;
    Value scaled = c.mul(x, slope);
    result = c.where(negative, scaled, x);
    break;
  }
  case Activation::Elu: {
    Value negative = c.cmp(ComparePredicate::lt, x, zero);
    Value expm1 = c.sub(c.op<ExpOp>(x), one);
    Value scaled = c.mul(alphaValue, expm1);
    result = c.where(negative, scaled, x);
    break;
  }
  case Activation::Selu: {
    Value nonPositive = c.cmp(ComparePredicate::le, x, zero);
    Value scaledExp = c.mul(alphaValue, c.op<ExpOp>(x));
    Value negativePart = c.sub(scaledExp, alphaValue);
    Value selected = c.where(nonPositive, negativePart, x);
    Value gammaValue = c.scalar(elementType, gamma);
    result = c.mul(gammaValue, selected);
    break;
  }
  case Activation::Celu: {
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
    Value positivePart = c.max(zero, x);
    Value expm1 = c.sub(c.op<ExpOp>(c.div(x, alphaValue)), one);
    Value negativePart = c.min(zero, c.mul(alphaValue, expm1));
    result = c.add(positivePart, negativePart);
    break;
  }
  case Activation::HardSigmoid:
    result = hardSigmoid(x);
    break;
  case Activation::HardSwish:
    result = c.mul(x, hardSigmoid(x));
    break;
  case Activation::ThresholdedRelu: {
    Value above = c.cmp(ComparePredicate::gt, x, alphaValue);
    result = c.where(above, x, zero);
    break;
  }
  }
  return setResult(node, result);
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tfc::onnx_import::populateDecomposedHandlers(
    OnnxOpRegistry &registry) {
  // Opset 13 changed LogSoftmax from 2-D coercion to one axis (as Softmax).
  registry.add("LogSoftmax", 1, 12, [](OnnxNode &node) {
    return importLogSoftmax(node, /*coerced=*/true);
  });
  registry.add("LogSoftmax", 13, kOnnxMaxOpset, [](OnnxNode &node) {
    return importLogSoftmax(node, /*coerced=*/false);
  });
  // Opset 11 moved Clip's bounds from attributes to inputs; 12 added
  // integer types.
  registry.add("Clip", 6, 10, [](OnnxNode &node) {
    return importClip(node, /*boundsAsInputs=*/false);
  });
  registry.add("Clip", 11, kOnnxMaxOpset, [](OnnxNode &node) {
    return importClip(node, /*boundsAsInputs=*/true);
  });
  // Opset 12 added select_last_index (absent: 0, so one handler).
  registry.add("ArgMax", 1, kOnnxMaxOpset, [](OnnxNode &node) {
    return importArgExtreme(node, /*isMax=*/true);
  });
  registry.add("ArgMin", 1, kOnnxMaxOpset, [](OnnxNode &node) {
    return importArgExtreme(node, /*isMax=*/false);
  });
  registry.add("Mod", 10, kOnnxMaxOpset, importMod);
  registry.add("IsInf", 10, kOnnxMaxOpset, importIsInf);
  registry.add("Sign", 9, kOnnxMaxOpset, importSign);
  registry.add("Floor", 6, kOnnxMaxOpset, [](OnnxNode &node) {
    return importRounding(node, /*isFloor=*/true);
  });
  registry.add("Ceil", 6, kOnnxMaxOpset, [](OnnxNode &node) {
    return importRounding(node, /*isFloor=*/false);
  });
  auto activation = [&](StringRef name, int64_t since, Activation kind) {
    registry.add(name, since, kOnnxMaxOpset, [kind](OnnxNode &node) {
      return importActivation(node, kind);
    });
  };
  activation("Softplus", 1, Activation::Softplus);
  activation("Mish", 18, Activation::Mish);
  activation("LeakyRelu", 6, Activation::LeakyRelu);
  activation("PRelu", 9, Activation::PRelu);
  activation("Elu", 6, Activation::Elu);
  activation("Selu", 6, Activation::Selu);
  activation("Celu", 12, Activation::Celu);
  activation("HardSigmoid", 6, Activation::HardSigmoid);
  activation("HardSwish", 14, Activation::HardSwish);
  activation("ThresholdedRelu", 10, Activation::ThresholdedRelu);
}
