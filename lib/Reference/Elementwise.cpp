//===- Elementwise.cpp - reference kernels of elementwise ops ---*- C++ -*-===//
//
// Broadcasting binary arithmetic, comparisons, select, unary math and
// activations (gelu in its erf and tanh forms), and casts. Floats are
// computed in double and rounded to the result type; integers in int64 with
// two's-complement wrapping at the result width. The value of one element
// comes from tfc/Reference/ScalarOps.h, which the ONNX importer's constant
// folder shares.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "tfc/Reference/ScalarOps.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;
using scalar::BinaryKind;
using scalar::UnaryKind;

namespace {
/// Walks the result of a broadcasting op with one stride set per operand.
StridedWalk broadcastWalk(RankedTensorType result,
                          ArrayRef<const Tensor *> operands) {
  SmallVector<SmallVector<int64_t>> strides;
  for (const Tensor *t : operands)
    strides.push_back(broadcastStrides(t->getShape(), result.getShape()));
  return StridedWalk(result.getShape(), strides);
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
      result.floats[i] = scalar::applyFloat(kind, lhs.floats[walk.offset(0)],
                                            rhs.floats[walk.offset(1)]);
    roundToElementType(result);
    return result;
  }
  for (int64_t i = 0; i < n; ++i, walk.next()) {
    std::optional<int64_t> r = scalar::applyInt(
        kind, lhs.ints[walk.offset(0)], rhs.ints[walk.offset(1)]);
    if (!r)
      return op->emitError("integer division by zero at result element ")
             << i;
    result.ints[i] = *r;
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
  auto compare = [predicate](auto a, auto b) {
    return scalar::applyCompare(predicate, a, b);
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
  std::optional<UnaryKind> kind =
      llvm::TypeSwitch<Operation *, std::optional<UnaryKind>>(op)
          .Case<NegOp>([](auto) { return UnaryKind::Neg; })
          .Case<AbsOp>([](auto) { return UnaryKind::Abs; })
          .Case<ExpOp>([](auto) { return UnaryKind::Exp; })
          .Case<LogOp>([](auto) { return UnaryKind::Log; })
          .Case<SqrtOp>([](auto) { return UnaryKind::Sqrt; })
          .Case<RsqrtOp>([](auto) { return UnaryKind::Rsqrt; })
          .Case<ReciprocalOp>([](auto) { return UnaryKind::Reciprocal; })
          .Case<TanhOp>([](auto) { return UnaryKind::Tanh; })
          .Case<ErfOp>([](auto) { return UnaryKind::Erf; })
          .Case<SigmoidOp>([](auto) { return UnaryKind::Sigmoid; })
          .Case<ReluOp>([](auto) { return UnaryKind::Relu; })
          .Case<SiluOp>([](auto) { return UnaryKind::Silu; })
          .Default([](Operation *) { return std::nullopt; });
  auto noKernel = [&] {
    return op->emitError("'") << op->getName()
                              << "' has no reference kernel for "
                              << type.getElementType() << " elements";
  };
  if (!result.isFloat()) {
    // neg, abs and not are the unary ops defined on integers.
    for (int64_t i = 0; i < n; ++i) {
      int64_t x = input.ints[i];
      std::optional<int64_t> r;
      if (isa<NotOp>(op))
        r = x == 0;
      else if (kind)
        r = scalar::applyInt(*kind, x);
      if (!r)
        return noKernel();
      result.ints[i] = *r;
    }
    roundToElementType(result);
    return result;
  }
  if (auto geluOp = dyn_cast<GeluOp>(op)) {
    GeluApproximation approximation = geluOp.getApproximate();
    for (int64_t i = 0; i < n; ++i)
      result.floats[i] = gelu(input.floats[i], approximation);
  } else if (kind) {
    for (int64_t i = 0; i < n; ++i)
      result.floats[i] = scalar::applyFloat(*kind, input.floats[i]);
  } else {
    return noKernel();
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
        result.floats[i] = scalar::integerToFloat(input.ints[i], toFloat);
    }
    return result;
  }
  auto toInt = cast<IntegerType>(to);
  if (input.isFloat()) {
    for (int64_t i = 0; i < n; ++i)
      result.ints[i] = scalar::floatToInteger(input.floats[i], toInt.getWidth());
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
