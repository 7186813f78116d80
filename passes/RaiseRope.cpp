//===- RaiseRope.cpp - rotary position embedding ---------------*- C++ -*-===//
//
// Exporters apply RoPE as `x * cos + rotate(x) * sin` in one of two forms:
//
//   rotate-half (HF Llama/Mistral): rotate(x) = concat(-x2, x1), x1 and x2
//     the first and second halves of the last dim (Slice, Neg, Concat);
//   interleaved ("rotate every two", GPT-J, GPT-NeoX-style ports of Meta's
//     Llama): rotate(x) = flatten(stack(-x[..., 1::2], x[..., ::2], -1)),
//     i.e. the pairs (2i, 2i+1) become (-x[2i+1], x[2i]) (strided Slices,
//     Neg, Unsqueeze, Concat on a new last axis, Reshape).
//
// This pattern replaces either with `tfc.rope` (its `interleaved` flag says
// which), which a kernel applies in registers right after the q/k
// projection. The negation may also be a product with -1. The slices must
// be exactly the two halves (or the even and odd positions) of the last
// dim with every other dim whole, the interleaved stack must put -x_odd
// first and flatten back to x's shape, and cos/sin must broadcast to x
// without enlarging it. cos and sin are used as given, so the match is
// exact whatever their values.
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

/// `value` is the slice of x's last dim at positions `parity`, `parity + 2`,
/// ... (every other dim whole); returns x.
Value matchStrideTwoSlice(Value value, int64_t parity) {
  auto slice = value.getDefiningOp<SliceOp>();
  if (!slice)
    return {};
  ArrayRef<int64_t> shape = slice.getInput().getType().getShape();
  int64_t rank = shape.size();
  if (rank < 1 || shape.back() % 2 != 0)
    return {};
  for (int64_t d = 0; d < rank; ++d) {
    bool last = d == rank - 1;
    if (slice.getOffsets()[d] != (last ? parity : 0) ||
        slice.getSizes()[d] != (last ? shape[d] / 2 : shape[d]) ||
        slice.getStrides()[d] != (last ? 2 : 1))
      return {};
  }
  return slice.getInput();
}

/// `value` is `v` with a unit dim appended (a reshape [..., n] ->
/// [..., n, 1]); returns v.
Value matchUnsqueezeLast(Value value) {
  auto reshape = value.getDefiningOp<ReshapeOp>();
  if (!reshape)
    return {};
  ArrayRef<int64_t> in = reshape.getInput().getType().getShape();
  ArrayRef<int64_t> out = reshape.getType().getShape();
  if (out.size() != in.size() + 1 || out.back() != 1 ||
      out.drop_back() != in)
    return {};
  return reshape.getInput();
}

/// `value` is flatten(stack(-x[..., 1::2], x[..., ::2], -1)), the negation
/// before or after the unsqueeze; returns x.
Value matchRotateEveryTwo(Value value) {
  auto flatten = value.getDefiningOp<ReshapeOp>();
  if (!flatten)
    return {};
  auto concat = flatten.getInput().getDefiningOp<ConcatOp>();
  if (!concat || concat.getInputs().size() != 2)
    return {};
  auto stacked = cast<RankedTensorType>(concat.getType());
  int64_t rank = stacked.getRank();
  if (rank < 2 || static_cast<int64_t>(concat.getAxis()) != rank - 1 ||
      stacked.getShape().back() != 2)
    return {};
  // -x_odd: neg(unsqueeze(slice)) or unsqueeze(neg(slice)).
  Value first = concat.getInputs()[0], odd;
  if (Value negated = matchNegation(first)) {
    odd = matchUnsqueezeLast(negated);
  } else if (Value unsqueezed = matchUnsqueezeLast(first)) {
    odd = matchNegation(unsqueezed);
  }
  Value even = matchUnsqueezeLast(concat.getInputs()[1]);
  if (!odd || !even)
    return {};
  Value xOfOdd = matchStrideTwoSlice(odd, /*parity=*/1);
  Value xOfEven = matchStrideTwoSlice(even, /*parity=*/0);
  if (!xOfOdd || xOfOdd != xOfEven || xOfEven.getType() != flatten.getType())
    return {};
  return xOfEven;
}

struct RaiseRope : OpRewritePattern<AddOp> {
  RaiseRope(MLIRContext *context, RaiseTally &tally)
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
      bool interleaved = false;
      auto rotOperands = orderOperands(rotatedMul, [&](Value v) {
        x = matchRotateHalf(v);
        interleaved = !x;
        if (!x)
          x = matchRotateEveryTwo(v);
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
      // cos and sin broadcast to x without enlarging it (the result has
      // x's type), so tfc.rope's inferred type is the add's.
      rewriter.replaceOpWithNewOp<RopeOp>(op, type, x, cos, sin, interleaved);
      tally.note(interleaved ? "rope (interleaved)" : "rope (rotate-half)");
      return success();
    }
    return rewriter.notifyMatchFailure(
        op, "not x * cos + rotate(x) * sin (rotate-half or interleaved)");
  }

  RaiseTally &tally;
};

} // namespace

void mlir::tfc::populateRaiseRopePatterns(RewritePatternSet &patterns,
                                          RaiseTally &tally) {
  patterns.add<RaiseRope>(patterns.getContext(), tally);
}
