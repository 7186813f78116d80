//===- RaiseActivations.cpp - GELU and SiLU from their formulas -*- C++ -*-===//
//
// Exporters write GELU out as arithmetic (no ONNX Gelu op before opset 20)
// and SiLU as x * sigmoid(x). These patterns find the formulas and replace
// them with `tfc.gelu` / `tfc.silu`, which the fusion pass can put into a
// matmul epilogue as one op.
//
// Every product is matched as a multiset of factors (see productFactors), so
// `0.5 * x * (1 + t)` is found however the exporter associated and ordered
// it. Constants must be the formula's constants rounded to the element
// type (the two irrational ones within 2 ulps); every intermediate value
// must have the input's type (no broadcast to a larger shape).
//
//===----------------------------------------------------------------------===//

#include "RaisePatterns.h"

#include "ConstantUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// sqrt(2 / pi), the tanh approximation's scale.
constexpr double kSqrtTwoOverPi = 0.79788456080286535588;
/// The tanh approximation's cubic coefficient.
constexpr double kGeluCubic = 0.044715;
constexpr double kSqrtTwo = 1.41421356237309504880;

/// `value` is `1 + f(arg)` for the unary op `UnaryOp` (either order of the
/// add), of type `type`; returns f's operand.
template <typename UnaryOp>
Value matchOnePlus(Value value, Type type) {
  auto add = value.getDefiningOp<AddOp>();
  if (!add || add.getType() != type || !add->hasOneUse())
    return {};
  auto operands = orderOperands(add, [](Value v) {
    return isUniformFloat(v, 1.0);
  });
  if (!operands)
    return {};
  auto unary = operands->second.template getDefiningOp<UnaryOp>();
  if (!unary || unary.getType() != type || !unary->hasOneUse())
    return {};
  return unary.getInput();
}

/// Splits the factors of `0.5 * x * (1 + f(arg))` into x and arg; `root` is
/// the outer product.
template <typename UnaryOp>
std::optional<std::pair<Value, Value>> matchHalfXOnePlus(MulOp root) {
  Type type = root.getType();
  SmallVector<Value> factors = productFactors(root);
  if (factors.size() != 3)
    return std::nullopt;
  Value arg;
  Value onePlus = takeFirst(factors, [&](Value v) {
    arg = matchOnePlus<UnaryOp>(v, type);
    return static_cast<bool>(arg);
  });
  Value half = takeFirst(factors, [](Value v) {
    return isUniformFloat(v, 0.5);
  });
  if (!onePlus || !half || factors.front().getType() != type)
    return std::nullopt;
  return std::make_pair(factors.front(), arg);
}

/// `value` is pow(x, 3) (x * x * x is matched as a product's factors).
bool isCube(Value value, Value x) {
  if (auto pow = value.getDefiningOp<PowOp>())
    return pow.getLhs() == x && pow.getType() == x.getType() &&
           isUniformFloat(pow.getRhs(), 3.0);
  return false;
}

/// GELU, tanh approximation:
///   0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
/// with x^3 as pow(x, 3) or x * x * x.
struct RaiseGeluTanh : OpRewritePattern<MulOp> {
  RaiseGeluTanh(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    auto parts = matchHalfXOnePlus<TanhOp>(op);
    if (!parts)
      return rewriter.notifyMatchFailure(op, "not 0.5 * x * (1 + tanh(.))");
    auto [x, arg] = *parts;
    if (!matchTanhArgument(arg, x))
      return rewriter.notifyMatchFailure(
          op, "tanh argument is not sqrt(2/pi) * (x + 0.044715 x^3)");
    rewriter.replaceOpWithNewOp<GeluOp>(op, op.getType(), x,
                                        GeluApproximation::tanh);
    tally.note("gelu (tanh)");
    return success();
  }

  /// sqrt(2/pi) * (x + 0.044715 * x^3).
  static bool matchTanhArgument(Value arg, Value x) {
    Type type = x.getType();
    auto scaled = arg.getDefiningOp<MulOp>();
    if (!scaled || scaled.getType() != type || !scaled->hasOneUse())
      return false;
    SmallVector<Value> outer = productFactors(scaled);
    if (outer.size() != 2 || !takeFirst(outer, [](Value v) {
          return isUniformFloat(v, kSqrtTwoOverPi, /*ulps=*/2);
        }))
      return false;
    auto sum = outer.front().getDefiningOp<AddOp>();
    if (!sum || sum.getType() != type || !sum->hasOneUse())
      return false;
    auto operands = orderOperands(sum, [&](Value v) { return v == x; });
    if (!operands)
      return false;
    auto cubic = operands->second.getDefiningOp<MulOp>();
    if (!cubic || cubic.getType() != type || !cubic->hasOneUse())
      return false;
    SmallVector<Value> terms = productFactors(cubic);
    if (!takeFirst(terms, [](Value v) {
          return isUniformFloat(v, kGeluCubic, /*ulps=*/2);
        }))
      return false;
    if (terms.size() == 1)
      return isCube(terms.front(), x);
    return terms.size() == 3 &&
           llvm::all_of(terms, [&](Value v) { return v == x; });
  }

  RaiseTally &tally;
};

/// GELU, exact: 0.5 * x * (1 + erf(x / sqrt(2))), the division also written
/// as a product with 1/sqrt(2).
struct RaiseGeluErf : OpRewritePattern<MulOp> {
  RaiseGeluErf(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    auto parts = matchHalfXOnePlus<ErfOp>(op);
    if (!parts)
      return rewriter.notifyMatchFailure(op, "not 0.5 * x * (1 + erf(.))");
    auto [x, arg] = *parts;
    if (!isXOverSqrtTwo(arg, x))
      return rewriter.notifyMatchFailure(op,
                                         "erf argument is not x / sqrt(2)");
    rewriter.replaceOpWithNewOp<GeluOp>(op, op.getType(), x,
                                        GeluApproximation::none);
    tally.note("gelu (erf)");
    return success();
  }

  static bool isXOverSqrtTwo(Value arg, Value x) {
    Operation *op = arg.getDefiningOp();
    if (!op || arg.getType() != x.getType() || !op->hasOneUse())
      return false;
    if (auto div = dyn_cast<DivOp>(op))
      return div.getLhs() == x &&
             isUniformFloat(div.getRhs(), kSqrtTwo, /*ulps=*/2);
    if (auto mul = dyn_cast<MulOp>(op)) {
      auto operands = orderOperands(mul, [&](Value v) { return v == x; });
      return operands &&
             isUniformFloat(operands->second, 1.0 / kSqrtTwo, /*ulps=*/2);
    }
    return false;
  }

  RaiseTally &tally;
};

/// SiLU: x * sigmoid(x), either order.
struct RaiseSilu : OpRewritePattern<MulOp> {
  RaiseSilu(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [a, b] : {std::pair(op.getLhs(), op.getRhs()),
                        std::pair(op.getRhs(), op.getLhs())}) {
      auto sigmoid = a.getDefiningOp<SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != b || b.getType() != op.getType())
        continue;
      rewriter.replaceOpWithNewOp<SiluOp>(op, b);
      tally.note("silu");
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not x * sigmoid(x)");
  }

  RaiseTally &tally;
};

} // namespace

void mlir::tfc::populateRaiseActivationPatterns(RewritePatternSet &patterns,
                                                RaiseTally &tally) {
  patterns.add<RaiseGeluTanh, RaiseGeluErf, RaiseSilu>(patterns.getContext(),
                                                       tally);
}
