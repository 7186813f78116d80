//===- RaiseRope.cpp - rotary position embedding (rotate-half) -*- C++ -*-===//
//
// HF Llama/Mistral apply RoPE as
//
//   x * cos + rotate_half(x) * sin,  rotate_half(x) = concat(-x2, x1)
//
// with x1, x2 the first and second halves of the last dim (Slice, Neg,
// Concat, Mul, Add in ONNX). This pattern replaces it with `tfc.rope`
// (rotate-half form), which a kernel applies in registers right after the
// q/k projection. The negation may also be a product with -1. The halves
// must be exactly [0, D/2) and [D/2, D) of the last dim with every other
// dim whole, and cos/sin must broadcast to x without enlarging it.
//
//===----------------------------------------------------------------------===//

#include "RaisePatterns.h"

#include "ConstantUtils.h"

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// `value` is the slice [offset, offset + size) of x's last dim, every other
/// dim whole, unit strides; returns x.
Value matchLastDimSlice(Value value, int64_t half, bool second) {
  auto slice = value.getDefiningOp<SliceOp>();
  if (!slice)
    return {};
  ArrayRef<int64_t> shape = slice.getInput().getType().getShape();
  int64_t rank = shape.size();
  if (rank < 1 || shape.back() != 2 * half)
    return {};
  for (int64_t d = 0; d < rank; ++d) {
    bool last = d == rank - 1;
    int64_t offset = last && second ? half : 0;
    int64_t size = last ? half : shape[d];
    if (slice.getOffsets()[d] != offset || slice.getSizes()[d] != size ||
        slice.getStrides()[d] != 1)
      return {};
  }
  return slice.getInput();
}

/// `value` is -v: neg(v) or v * -1; returns v.
Value matchNegation(Value value) {
  if (auto neg = value.getDefiningOp<NegOp>())
    return neg.getInput();
  if (auto mul = value.getDefiningOp<MulOp>()) {
    auto operands = orderOperands(mul, [](Value v) {
      return isUniformFloat(v, -1.0);
    });
    if (operands && operands->second.getType() == mul.getType())
      return operands->second;
  }
  return {};
}

/// `value` is concat(-x2, x1) on the last axis; returns x.
Value matchRotateHalf(Value value) {
  auto concat = value.getDefiningOp<ConcatOp>();
  if (!concat || concat.getInputs().size() != 2)
    return {};
  auto type = cast<RankedTensorType>(concat.getType());
  int64_t rank = type.getRank();
  if (rank < 1 || static_cast<int64_t>(concat.getAxis()) != rank - 1 ||
      type.getShape().back() % 2 != 0)
    return {};
  int64_t half = type.getShape().back() / 2;
  Value negated = matchNegation(concat.getInputs()[0]);
  Value x2Of = negated ? matchLastDimSlice(negated, half, /*second=*/true)
                       : Value();
  Value x1Of = matchLastDimSlice(concat.getInputs()[1], half,
                                 /*second=*/false);
  if (!x2Of || x2Of != x1Of || x1Of.getType() != type)
    return {};
  return x1Of;
}

struct RaiseRotateHalfRope : OpRewritePattern<AddOp> {
  RaiseRotateHalfRope(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    Type type = op.getType();
    for (auto [direct, rotated] : {std::pair(op.getLhs(), op.getRhs()),
                                   std::pair(op.getRhs(), op.getLhs())}) {
      // rotate_half(x) * sin
      auto rotatedMul = rotated.getDefiningOp<MulOp>();
      if (!rotatedMul || rotatedMul.getType() != type)
        continue;
      Value x;
      auto rotOperands = orderOperands(rotatedMul, [&](Value v) {
        x = matchRotateHalf(v);
        return static_cast<bool>(x);
      });
      if (!rotOperands || x.getType() != type)
        continue;
      Value sin = rotOperands->second;
      // x * cos
      auto directMul = direct.getDefiningOp<MulOp>();
      if (!directMul || directMul.getType() != type)
        continue;
      auto directOperands =
          orderOperands(directMul, [&](Value v) { return v == x; });
      if (!directOperands)
        continue;
      Value cos = directOperands->second;
      rewriter.replaceOpWithNewOp<RopeOp>(op, type, x, cos, sin,
                                          /*interleaved=*/false);
      tally.note("rope (rotate-half)");
      return success();
    }
    return rewriter.notifyMatchFailure(op,
                                       "not x * cos + rotate_half(x) * sin");
  }

  RaiseTally &tally;
};

} // namespace

void mlir::tfc::populateRaiseRopePatterns(RewritePatternSet &patterns,
                                          RaiseTally &tally) {
  patterns.add<RaiseRotateHalfRope>(patterns.getContext(), tally);
}
