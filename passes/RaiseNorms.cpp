//===- RaiseNorms.cpp - LayerNorm and RMSNorm from their formulas -*- C++ -*-===//
//
// Exports before opset 17 (and custom modules at any opset) spell a norm as
// reductions and arithmetic:
//
//   LayerNorm: d = x - mean(x); d / sqrt(mean(d^2) + eps)
//   RMSNorm:   x / sqrt(mean(x^2) + eps)       (Llama, Mistral, T5)
//
// with `/ sqrt(.)` also written `* rsqrt(.)`, `* reciprocal(sqrt(.))` or
// `* (1 / sqrt(.))`, the square as pow(., 2) or a product with itself, and
// eps optional. The means run over trailing axes with keep_dims. These
// become `tfc.layer_norm` / `tfc.rms_norm` without affine parameters; two
// more patterns then fold a following `* gamma` and `+ beta` of the
// normalised shape into the op. A different formula (eps added after the
// sqrt, a mean over other axes, variance as mean(x^2) - mean(x)^2) is left
// alone.
//
// RMSNorm computed in f32 inside a bf16/f16 model (casts around the
// formula) is raised in f32; the casts and the weight product behind the
// cast back stay as they are, since folding them would change rounding.
//
//===----------------------------------------------------------------------===//

#include "RaisePatterns.h"

#include "ConstantUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// `numerator / sqrt(variance + epsilon)` in one of its spellings.
struct NormQuotient {
  Value numerator;
  Value variance;
  double epsilon = 0;
};

/// `value` is 1 / sqrt(den) (rsqrt, reciprocal of sqrt, or 1 divided by
/// sqrt); returns den.
Value matchInverseSqrt(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op || !op->hasOneUse())
    return {};
  if (auto rsqrt = dyn_cast<RsqrtOp>(op))
    return rsqrt.getInput();
  Value sqrtOf;
  if (auto reciprocal = dyn_cast<ReciprocalOp>(op))
    sqrtOf = reciprocal.getInput();
  else if (auto div = dyn_cast<DivOp>(op);
           div && div.getType() == div.getRhs().getType() &&
           isUniformFloat(div.getLhs(), 1.0))
    sqrtOf = div.getRhs();
  auto sqrt = sqrtOf ? sqrtOf.getDefiningOp<SqrtOp>() : SqrtOp();
  if (!sqrt || !sqrt->hasOneUse())
    return {};
  return sqrt.getInput();
}

std::optional<NormQuotient> matchNormQuotient(Operation *root) {
  Type type = root->getResult(0).getType();
  NormQuotient q;
  Value denominator;
  if (auto div = dyn_cast<DivOp>(root)) {
    auto sqrt = div.getRhs().getDefiningOp<SqrtOp>();
    if (!sqrt || !sqrt->hasOneUse())
      return std::nullopt;
    q.numerator = div.getLhs();
    denominator = sqrt.getInput();
  } else if (auto mul = dyn_cast<MulOp>(root)) {
    auto operands = orderOperands(mul, [](Value v) {
      return static_cast<bool>(matchInverseSqrt(v));
    });
    if (!operands)
      return std::nullopt;
    q.numerator = operands->second;
    denominator = matchInverseSqrt(operands->first);
  } else {
    return std::nullopt;
  }
  if (q.numerator.getType() != type)
    return std::nullopt;
  // variance + eps, or the variance alone.
  q.variance = denominator;
  if (auto add = denominator.getDefiningOp<AddOp>()) {
    auto operands = orderOperands(add, [](Value v) {
      return getUniformFloat(v).has_value();
    });
    if (!operands || !add->hasOneUse() ||
        operands->second.getType() != add.getType())
      return std::nullopt;
    q.epsilon = *getUniformFloat(operands->first);
    q.variance = operands->second;
  }
  if (!(q.epsilon >= 0) || !std::isfinite(q.epsilon))
    return std::nullopt;
  return q;
}

/// `value` is mean(input) over the trailing axes [axis, rank) with
/// keep_dims; returns input and sets axis.
Value matchTrailingMean(Value value, int64_t &axis) {
  auto reduce = value.getDefiningOp<ReduceOp>();
  if (!reduce || reduce.getKind() != ReduceKind::mean ||
      !reduce.getKeepDims())
    return {};
  ArrayRef<int64_t> axes = reduce.getAxes();
  int64_t rank = rankedTypeOf(reduce.getInput()).getRank();
  if (axes.empty() || axes.back() != rank - 1)
    return {};
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return {};
  axis = axes.front();
  return reduce.getInput();
}

/// `value` is x^2: pow(x, 2) or x * x.
bool isSquareOf(Value value, Value x) {
  if (value.getType() != x.getType())
    return false;
  if (auto pow = value.getDefiningOp<PowOp>())
    return pow.getLhs() == x && isUniformFloat(pow.getRhs(), 2.0);
  if (auto mul = value.getDefiningOp<MulOp>())
    return mul.getLhs() == x && mul.getRhs() == x;
  return false;
}

/// (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps), means over the same
/// trailing axes.
struct RaiseLayerNorm : RewritePattern {
  RaiseLayerNorm(MLIRContext *context, RaiseTally &tally)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, context),
        tally(tally) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<DivOp, MulOp>(op))
      return failure();
    std::optional<NormQuotient> q = matchNormQuotient(op);
    if (!q)
      return rewriter.notifyMatchFailure(op, "not d / sqrt(var + eps)");
    auto centered = q->numerator.getDefiningOp<SubOp>();
    int64_t meanAxis = -1, varianceAxis = -1;
    if (!centered)
      return rewriter.notifyMatchFailure(op, "numerator is not x - mean(x)");
    Value x = centered.getLhs();
    if (x.getType() != centered.getType() ||
        matchTrailingMean(centered.getRhs(), meanAxis) != x)
      return rewriter.notifyMatchFailure(op, "numerator is not x - mean(x)");
    Value squared = matchTrailingMean(q->variance, varianceAxis);
    if (!squared || varianceAxis != meanAxis ||
        !isSquareOf(squared, q->numerator))
      return rewriter.notifyMatchFailure(
          op, "variance is not mean((x - mean(x))^2) over the same axes");
    rewriter.replaceOpWithNewOp<LayerNormOp>(
        op, x.getType(), x, /*scale=*/Value(), /*bias=*/Value(), meanAxis,
        APFloat(static_cast<float>(q->epsilon)));
    tally.note("layer_norm");
    return success();
  }

  RaiseTally &tally;
};

/// x / sqrt(mean(x^2) + eps), mean over trailing axes.
struct RaiseRmsNorm : RewritePattern {
  RaiseRmsNorm(MLIRContext *context, RaiseTally &tally)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        tally(tally) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<DivOp, MulOp>(op))
      return failure();
    std::optional<NormQuotient> q = matchNormQuotient(op);
    if (!q)
      return rewriter.notifyMatchFailure(op, "not x / sqrt(ms + eps)");
    Value x = q->numerator;
    int64_t axis = -1;
    Value squared = matchTrailingMean(q->variance, axis);
    if (!squared || !isSquareOf(squared, x))
      return rewriter.notifyMatchFailure(op,
                                         "denominator is not mean(x^2) + eps");
    rewriter.replaceOpWithNewOp<RmsNormOp>(
        op, x.getType(), x, /*scale=*/Value(), axis,
        APFloat(static_cast<float>(q->epsilon)));
    tally.note("rms_norm");
    return success();
  }

  RaiseTally &tally;
};

/// `param` reshaped to the normalised dims `shape` if it has that shape
/// after dropping leading 1s (the form `gamma[None, None, :]` broadcasts
/// in); null otherwise. Creates the reshape only when needed.
Value asNormParam(PatternRewriter &rewriter, Value param, Type elementType,
                  ArrayRef<int64_t> shape) {
  auto type = rankedTypeOf(param);
  if (!type || type.getElementType() != elementType)
    return {};
  ArrayRef<int64_t> own = type.getShape();
  while (own.size() > shape.size() && own.front() == 1)
    own = own.drop_front();
  if (own != shape)
    return {};
  if (type.getShape() == shape)
    return param;
  return ReshapeOp::create(rewriter, param.getLoc(),
                           RankedTensorType::get(shape, elementType), param);
}

/// norm(x) * gamma -> norm(x, gamma) for a layer_norm or rms_norm without
/// scale (and without bias), gamma of the normalised shape.
struct FoldScaleIntoNorm : OpRewritePattern<MulOp> {
  FoldScaleIntoNorm(MLIRContext *context, RaiseTally &)
      : OpRewritePattern(context) {}

  static bool isBareNorm(Value v) {
    Operation *op = v.getDefiningOp();
    if (!op || !op->hasOneUse())
      return false;
    if (auto ln = dyn_cast<LayerNormOp>(op))
      return !ln.getScale() && !ln.getBias();
    if (auto rms = dyn_cast<RmsNormOp>(op))
      return !rms.getScale();
    return false;
  }

  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    auto operands = orderOperands(op, isBareNorm);
    if (!operands || operands->first.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not norm(x) * gamma");
    Operation *norm = operands->first.getDefiningOp();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = isa<LayerNormOp>(norm) ? cast<LayerNormOp>(norm).getAxis()
                                          : cast<RmsNormOp>(norm).getAxis();
    Value gamma = asNormParam(rewriter, operands->second,
                              type.getElementType(),
                              type.getShape().drop_front(axis));
    if (!gamma)
      return rewriter.notifyMatchFailure(
          op, "multiplier does not have the normalised shape");
    if (auto ln = dyn_cast<LayerNormOp>(norm))
      rewriter.replaceOpWithNewOp<LayerNormOp>(op, type, ln.getInput(), gamma,
                                               Value(), ln.getAxisAttr(),
                                               ln.getEpsilonAttr());
    else
      rewriter.replaceOpWithNewOp<RmsNormOp>(
          op, type, cast<RmsNormOp>(norm).getInput(), gamma,
          cast<RmsNormOp>(norm).getAxisAttr(),
          cast<RmsNormOp>(norm).getEpsilonAttr());
    return success();
  }
};

/// layer_norm(x, gamma) + beta -> layer_norm(x, gamma, beta).
struct FoldBiasIntoLayerNorm : OpRewritePattern<AddOp> {
  FoldBiasIntoLayerNorm(MLIRContext *context, RaiseTally &)
      : OpRewritePattern(context) {}

  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    auto operands = orderOperands(op, [](Value v) {
      auto ln = v.getDefiningOp<LayerNormOp>();
      return ln && ln->hasOneUse() && ln.getScale() && !ln.getBias();
    });
    if (!operands || operands->first.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not layer_norm(x, g) + beta");
    auto ln = operands->first.getDefiningOp<LayerNormOp>();
    auto type = cast<RankedTensorType>(op.getType());
    Value beta =
        asNormParam(rewriter, operands->second, type.getElementType(),
                    type.getShape().drop_front(ln.getAxis()));
    if (!beta)
      return rewriter.notifyMatchFailure(
          op, "addend does not have the normalised shape");
    rewriter.replaceOpWithNewOp<LayerNormOp>(op, type, ln.getInput(),
                                             ln.getScale(), beta,
                                             ln.getAxisAttr(),
                                             ln.getEpsilonAttr());
    return success();
  }
};

} // namespace

void mlir::tfc::populateRaiseNormPatterns(RewritePatternSet &patterns,
                                          RaiseTally &tally) {
  patterns.add<RaiseLayerNorm, RaiseRmsNorm, FoldScaleIntoNorm,
               FoldBiasIntoLayerNorm>(patterns.getContext(), tally);
}
