//===- RaiseActivations.cpp - GELU and SiLU from their formulas -*- C++ -*-===//
//
// Exporters write GELU out as arithmetic (no ONNX Gelu op before opset 20),
// SiLU as x * sigmoid(x) and the SwiGLU of Llama/Mistral MLPs as
// silu(gate) * up. These patterns find the formulas and replace them with
// `tfc.gelu` / `tfc.silu` / `tfc.swiglu`, which the fusion pass can put into
// a matmul epilogue or one pointwise kernel as one op.
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

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/APFloat.h"

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

/// `value` is silu(g) of type `type`, in one of the forms exporters write:
/// `tfc.silu`, or SiLU computed in f32 on a widened g and rounded back
/// (`cast(silu(cast(g)))` with the inner cast exact); returns g.
Value matchSiluOf(Value value, Type type) {
  if (auto silu = value.getDefiningOp<SiluOp>())
    return silu->hasOneUse() && silu.getType() == type ? silu.getInput()
                                                       : Value();
  auto narrow = value.getDefiningOp<CastOp>();
  if (!narrow || narrow.getType() != type || !narrow->hasOneUse())
    return {};
  auto silu = narrow.getInput().getDefiningOp<SiluOp>();
  if (!silu || !silu->hasOneUse())
    return {};
  auto widen = silu.getInput().getDefiningOp<CastOp>();
  if (!widen || widen.getInput().getType() != type)
    return {};
  auto from = dyn_cast<FloatType>(getElementTypeOrSelf(type));
  auto to = dyn_cast<FloatType>(getElementTypeOrSelf(widen.getType()));
  if (!from || !to || to.getWidth() <= from.getWidth() ||
      !llvm::APFloat::isRepresentableBy(from.getFloatSemantics(),
                                        to.getFloatSemantics()))
    return {};
  return widen.getInput();
}

/// SwiGLU: silu(gate) * up, with silu(gate) as `tfc.silu`, as
/// `gate * sigmoid(gate)` (the product's factors in any order and
/// association) or computed in a wider type and cast back (matchSiluOf).
/// gate and up must both have the product's type (no broadcast).
struct RaiseSwiglu : OpRewritePattern<MulOp> {
  RaiseSwiglu(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context, /*benefit=*/2), tally(tally) {}

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!isa<FloatType>(getElementTypeOrSelf(type)))
      return rewriter.notifyMatchFailure(op, "not a float product");
    SmallVector<Value> factors = productFactors(op);
    Value gate, up;
    if (factors.size() == 2) {
      // silu(gate) * up
      Value silu = takeFirst(factors, [&](Value v) {
        gate = matchSiluOf(v, type);
        return static_cast<bool>(gate);
      });
      if (silu)
        up = factors.front();
    } else if (factors.size() == 3) {
      // gate * sigmoid(gate) * up
      Value sigmoid = takeFirst(factors, [&](Value v) {
        auto s = v.getDefiningOp<SigmoidOp>();
        if (!s || !s->hasOneUse() || !llvm::is_contained(factors, s.getInput()))
          return false;
        gate = s.getInput();
        return true;
      });
      if (sigmoid && takeFirst(factors, [&](Value v) { return v == gate; }))
        up = factors.front();
    }
    if (!gate || !up || gate.getType() != type || up.getType() != type)
      return rewriter.notifyMatchFailure(
          op, "not silu(gate) * up with gate and up of the product's type");
    rewriter.replaceOpWithNewOp<SwigluOp>(op, gate, up);
    tally.note("swiglu");
    return success();
  }

  RaiseTally &tally;
};

} // namespace

void mlir::tfc::populateRaiseActivationPatterns(RewritePatternSet &patterns,
                                                RaiseTally &tally) {
  patterns.add<RaiseGeluTanh, RaiseGeluErf, RaiseSilu, RaiseSwiglu>(
      patterns.getContext(), tally);
}
