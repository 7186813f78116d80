//===- Elementwise.cpp - reference kernels of elementwise ops ---*- C++ -*-===//
//
// Broadcasting binary arithmetic, comparisons, select, unary math and
// activations (gelu in its erf and tanh forms), and casts. Floats are
// computed in double and rounded to the result type; integers in int64 with
// two's-complement wrapping at the result width.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

namespace {
/// Walks the result of a broadcasting op with one stride set per operand.
StridedWalk broadcastWalk(RankedTensorType result,
                          ArrayRef<const Tensor *> operands) {
  SmallVector<SmallVector<int64_t>> strides;
  for (const Tensor *t : operands)
    strides.push_back(broadcastStrides(t->getShape(), result.getShape()));
  return StridedWalk(result.getShape(), strides);
}

enum class BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min, And, Or };

double applyFloat(BinaryKind kind, double a, double b) {
  switch (kind) {
  case BinaryKind::Add:
    return a + b;
  case BinaryKind::Sub:
    return a - b;
  case BinaryKind::Mul:
    return a * b;
  case BinaryKind::Div:
    return a / b;
  case BinaryKind::Pow:
    return std::pow(a, b);
  // numpy maximum/minimum: a NaN in either operand gives NaN.
  case BinaryKind::Max:
    return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b);
  case BinaryKind::Min:
    return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b);
  case BinaryKind::And:
    return (a != 0) && (b != 0);
  case BinaryKind::Or:
    return (a != 0) || (b != 0);
  }
  llvm_unreachable("unknown binary kind");
}

/// Integer power by squaring, wrapping modulo 2^64. A negative exponent
/// truncates 1 / base^|exp| toward zero.
int64_t integerPow(int64_t base, int64_t exp) {
  if (exp < 0) {
    if (base == 1)
      return 1;
    if (base == -1)
      return (exp % 2) ? -1 : 1;
    return 0;
  }
  uint64_t result = 1, b = static_cast<uint64_t>(base);
  for (uint64_t e = static_cast<uint64_t>(exp); e; e >>= 1) {
    if (e & 1)
      result *= b;
    b *= b;
  }
  return static_cast<int64_t>(result);
}
} // namespace

FailureOr<Tensor> reference::evaluateBinary(Operation *op, const Tensor &lhs,
                                            const Tensor &rhs) {
  BinaryKind kind = llvm::TypeSwitch<Operation *, BinaryKind>(op)
                        .Case<AddOp>([](auto) { return BinaryKind::Add; })
                        .Case<SubOp>([](auto) { return BinaryKind::Sub; })
                        .Case<MulOp>([](auto) { return BinaryKind::Mul; })
                        .Case<DivOp>([](auto) { return BinaryKind::Div; })
                        .Case<PowOp>([](auto) { return BinaryKind::Pow; })
                        .Case<MaximumOp>([](auto) { return BinaryKind::Max; })
                        .Case<MinimumOp>([](auto) { return BinaryKind::Min; })
                        .Case<AndOp>([](auto) { return BinaryKind::And; })
                        .Case<OrOp>([](auto) { return BinaryKind::Or; });
  RankedTensorType type = resultType(op);
  Tensor result(type);
  StridedWalk walk = broadcastWalk(type, {&lhs, &rhs});
  int64_t n = result.getNumElements();
  if (result.isFloat()) {
    for (int64_t i = 0; i < n; ++i, walk.next())
      result.floats[i] = applyFloat(kind, lhs.floats[walk.offset(0)],
                                    rhs.floats[walk.offset(1)]);
    roundToElementType(result);
    return result;
  }
  for (int64_t i = 0; i < n; ++i, walk.next()) {
    int64_t a = lhs.ints[walk.offset(0)], b = rhs.ints[walk.offset(1)];
    uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    int64_t r = 0;
    switch (kind) {
    case BinaryKind::Add:
      r = static_cast<int64_t>(ua + ub);
      break;
    case BinaryKind::Sub:
      r = static_cast<int64_t>(ua - ub);
      break;
    case BinaryKind::Mul:
      r = static_cast<int64_t>(ua * ub);
      break;
    case BinaryKind::Div:
      if (b == 0)
        return op->emitError("integer division by zero at result element ")
               << i;
      // Truncates toward zero (C and ONNX semantics); INT64_MIN / -1 wraps.
      r = (b == -1) ? static_cast<int64_t>(0 - ua) : a / b;
      break;
    case BinaryKind::Pow:
      r = integerPow(a, b);
      break;
    case BinaryKind::Max:
      r = std::max(a, b);
      break;
    case BinaryKind::Min:
      r = std::min(a, b);
      break;
    case BinaryKind::And:
      r = (a != 0) && (b != 0);
      break;
    case BinaryKind::Or:
      r = (a != 0) || (b != 0);
      break;
    }
    result.ints[i] = r;
  }
  roundToElementType(result);
  return result;
}

FailureOr<Tensor> reference::evaluateCompare(CompareOp op, const Tensor &lhs,
                                             const Tensor &rhs) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  StridedWalk walk = broadcastWalk(type, {&lhs, &rhs});
  ComparePredicate predicate = op.getPredicate();
  auto compare = [predicate](auto a, auto b) -> bool {
    switch (predicate) {
    case ComparePredicate::eq:
      return a == b;
    case ComparePredicate::ne:
      return a != b;
    case ComparePredicate::lt:
      return a < b;
    case ComparePredicate::le:
      return a <= b;
    case ComparePredicate::gt:
      return a > b;
    case ComparePredicate::ge:
      return a >= b;
    }
    llvm_unreachable("unknown predicate");
  };
  for (int64_t i = 0, n = result.getNumElements(); i < n; ++i, walk.next())
    result.ints[i] =
        lhs.isFloat()
            ? compare(lhs.floats[walk.offset(0)], rhs.floats[walk.offset(1)])
            : compare(lhs.ints[walk.offset(0)], rhs.ints[walk.offset(1)]);
  return result;
}

FailureOr<Tensor> reference::evaluateWhere(WhereOp op, const Tensor &condition,
                                           const Tensor &onTrue,
                                           const Tensor &onFalse) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  StridedWalk walk = broadcastWalk(type, {&condition, &onTrue, &onFalse});
  for (int64_t i = 0, n = result.getNumElements(); i < n; ++i, walk.next()) {
    bool c = condition.ints[walk.offset(0)] != 0;
    if (result.isFloat())
      result.floats[i] = c ? onTrue.floats[walk.offset(1)]
                           : onFalse.floats[walk.offset(2)];
    else
      result.ints[i] =
          c ? onTrue.ints[walk.offset(1)] : onFalse.ints[walk.offset(2)];
  }
  return result;
}

static double gelu(double x, GeluApproximation approximation) {
  if (approximation == GeluApproximation::tanh) {
    const double k = std::sqrt(2.0 / M_PI);
    return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
  }
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

FailureOr<Tensor> reference::evaluateUnary(Operation *op,
                                           const Tensor &input) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  int64_t n = result.getNumElements();
  if (!result.isFloat()) {
    // neg, abs and not are the unary ops defined on integers.
    for (int64_t i = 0; i < n; ++i) {
      int64_t x = input.ints[i];
      uint64_t ux = static_cast<uint64_t>(x);
      if (isa<NegOp>(op))
        result.ints[i] = static_cast<int64_t>(0 - ux);
      else if (isa<AbsOp>(op))
        result.ints[i] = x < 0 ? static_cast<int64_t>(0 - ux) : x;
      else if (isa<NotOp>(op))
        result.ints[i] = x == 0;
      else
        return op->emitError("'")
               << op->getName() << "' has no reference kernel for "
               << type.getElementType() << " elements";
    }
    roundToElementType(result);
    return result;
  }
  using Fn = double (*)(double);
  Fn fn = llvm::TypeSwitch<Operation *, Fn>(op)
              .Case<NegOp>([](auto) { return [](double x) { return -x; }; })
              .Case<AbsOp>(
                  [](auto) { return [](double x) { return std::fabs(x); }; })
              .Case<ExpOp>(
                  [](auto) { return [](double x) { return std::exp(x); }; })
              .Case<LogOp>(
                  [](auto) { return [](double x) { return std::log(x); }; })
              .Case<SqrtOp>(
                  [](auto) { return [](double x) { return std::sqrt(x); }; })
              .Case<RsqrtOp>([](auto) {
                return [](double x) { return 1.0 / std::sqrt(x); };
              })
              .Case<ReciprocalOp>(
                  [](auto) { return [](double x) { return 1.0 / x; }; })
              .Case<TanhOp>(
                  [](auto) { return [](double x) { return std::tanh(x); }; })
              .Case<ErfOp>(
                  [](auto) { return [](double x) { return std::erf(x); }; })
              .Case<SigmoidOp>([](auto) {
                return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
              })
              .Case<ReluOp>([](auto) {
                // max(x, 0) that keeps NaN.
                return [](double x) { return x < 0 ? 0.0 : x; };
              })
              .Case<SiluOp>([](auto) {
                return [](double x) { return x / (1.0 + std::exp(-x)); };
              })
              .Default([](Operation *) { return Fn(nullptr); });
  if (auto geluOp = dyn_cast<GeluOp>(op)) {
    GeluApproximation approximation = geluOp.getApproximate();
    for (int64_t i = 0; i < n; ++i)
      result.floats[i] = gelu(input.floats[i], approximation);
  } else if (fn) {
    for (int64_t i = 0; i < n; ++i)
      result.floats[i] = fn(input.floats[i]);
  } else {
    return op->emitError("'") << op->getName()
                              << "' has no reference kernel for "
                              << type.getElementType() << " elements";
  }
  roundToElementType(result);
  return result;
}

FailureOr<Tensor> reference::evaluateSwiglu(SwigluOp op, const Tensor &gate,
                                            const Tensor &up) {
  Tensor result(resultType(op));
  int64_t n = result.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    double g = gate.floats[i];
    result.floats[i] = g / (1.0 + std::exp(-g)) * up.floats[i];
  }
  roundToElementType(result);
  return result;
}

/// Converts a double to an integer type: truncates toward zero and saturates
/// at the type's range (NaN gives 0); i1 is `x != 0`.
static int64_t floatToInteger(double x, IntegerType type) {
  unsigned width = type.getWidth();
  if (width == 1)
    return x != 0;
  if (std::isnan(x))
    return 0;
  double t = std::trunc(x);
  // The range of a signless integer read as signed.
  double lo = -std::ldexp(1.0, width - 1);
  double hi = std::ldexp(1.0, width - 1); // exclusive
  if (t < lo)
    return width == 64 ? std::numeric_limits<int64_t>::min()
                       : static_cast<int64_t>(lo);
  if (t >= hi)
    return width == 64 ? std::numeric_limits<int64_t>::max()
                       : static_cast<int64_t>(hi) - 1;
  return static_cast<int64_t>(t);
}

/// Converts an int64 to a float type with a single rounding.
static double integerToFloat(int64_t x, FloatType type) {
  if (type.isF64())
    return static_cast<double>(x);
  if (type.isF32())
    return static_cast<double>(static_cast<float>(x));
  APFloat f(type.getFloatSemantics());
  f.convertFromAPInt(APInt(64, static_cast<uint64_t>(x), /*isSigned=*/true),
                     /*IsSigned=*/true, APFloat::rmNearestTiesToEven);
  return f.convertToDouble();
}

FailureOr<Tensor> reference::evaluateCast(CastOp op, const Tensor &input) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  int64_t n = result.getNumElements();
  Type to = type.getElementType();
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    if (input.isFloat()) {
      result.floats = input.floats;
      roundToElementType(result);
    } else {
      for (int64_t i = 0; i < n; ++i)
        result.floats[i] = integerToFloat(input.ints[i], toFloat);
    }
    return result;
  }
  auto toInt = cast<IntegerType>(to);
  if (input.isFloat()) {
    for (int64_t i = 0; i < n; ++i)
      result.ints[i] = floatToInteger(input.floats[i], toInt);
    return result;
  }
  bool fromBool = input.getElementType().isInteger(1);
  for (int64_t i = 0; i < n; ++i) {
    int64_t x = input.ints[i];
    // i1 is a bool (0/1, never -1); x -> i1 is x != 0; other integer casts
    // sign-extend or truncate.
    result.ints[i] = toInt.getWidth() == 1
                         ? (x != 0)
                         : wrapToIntegerType(fromBool ? (x != 0) : x, toInt);
  }
  return result;
}
