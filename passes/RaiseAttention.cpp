//===- RaiseAttention.cpp - scaled dot-product attention -------*- C++ -*-===//
//
// Exported attention is MatMul(q, k^T) -> scale -> mask -> Softmax ->
// MatMul(., v). These patterns recognise the chain and replace it with one
// `tfc.attention`, the op the flash-attention kernel implements (the score
// matrix is never written to memory).
//
// What is matched, from the softmax input back:
//   mask   `s + M` (additive), `where(C, fill, s)` or `where(C, s, fill)`
//          with `fill` -inf or a "finfo.min"-like value (at most half the
//          type's most negative finite value), or no mask;
//   scale  `s * c` or `s / c` with c a uniform constant, or none; uniform
//          factors on q or on k before the product multiply into it;
//   scores `matmul(q, kT)`: kT is k transposed (`transpose_rhs`, or any
//          value whose last two dims are swapped back; a producer transpose
//          is composed, not stacked).
// The softmax is over the last axis, q/k/v are rank 4 with equal batch,
// k/v heads equal and either q's or 1 (MQA by broadcast), and each value
// between the two matmuls has the score type and one use.
//
// The mask becomes `causal = true` only when it is a constant whose masked
// positions (fill or -inf/finfo.min-like entries; the other entries exactly
// 0 for an additive mask) are exactly {(i, j) : j > i + Skv - Sq} for every
// broadcast index, with Skv >= Sq so that no row is fully masked. A
// finfo.min entry and the causal skip give the same probabilities (exactly
// 0 after exp) for any scores of magnitude below ~1e37. Any other mask is
// kept as the additive `mask` operand (`where` forms become `where(C, fill,
// 0)`); an all-zero additive mask is dropped.
//
// GQA: k and v expanded over a group of query heads the way HF's
// `repeat_kv` exports (reshape [B,Hkv,S,D] -> [B,Hkv,1,S,D], expand to
// [B,Hkv,n,S,D], reshape to [B,Hkv*n,S,D]) are read before the expansion,
// with Hkv heads, which is `tfc.attention`'s grouping (query head h reads
// k/v head h / n).
//
//===----------------------------------------------------------------------===//

#include "RaisePatterns.h"

#include "ConstantUtils.h"

#include "llvm/ADT/APFloat.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;

namespace {

enum class MaskKind { none, causal, additive, select };

/// What the matcher found between the two matmuls.
struct AttentionMatch {
  MatmulOp scores;
  SoftmaxOp softmax;
  Value query;
  /// k as [B, H, S, D] when it exists in the IR, else null and `keyT`
  /// (k with its last two dims swapped) is transposed back on rewrite.
  Value key, keyT;
  /// v as [B, H, S, Dv], or null and `valueT` as for the key.
  Value value, valueT;
  double scale = 1.0;
  MaskKind mask = MaskKind::none;
  /// The additive mask (additive), or the where's condition and fill
  /// (select; `maskedWhen` says which condition value masks).
  Value additive, condition, fill;
  bool maskedWhen = true;
  /// Query heads per k/v head once a repeat_kv expansion is peeled off.
  int64_t group = 1;
};

/// `value` with its last two dims swapped, if that value already exists:
/// the input of a transpose whose permutation is exactly that swap.
Value existingSwapLastTwo(Value value) {
  auto transpose = value.getDefiningOp<TransposeOp>();
  if (!transpose)
    return {};
  ArrayRef<int64_t> perm = transpose.getPermutation();
  int64_t rank = perm.size();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t expected = d < rank - 2 ? d : (d == rank - 2 ? rank - 1 : rank - 2);
    if (perm[d] != expected)
      return {};
  }
  return transpose.getInput();
}

/// Creates `value` with its last two dims swapped; a producer transpose is
/// composed into the new one rather than stacked under it.
Value createSwapLastTwo(PatternRewriter &rewriter, Location loc, Value value) {
  int64_t rank = rankedTypeOf(value).getRank();
  SmallVector<int64_t> swap = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(swap[rank - 2], swap[rank - 1]);
  SmallVector<int64_t> perm = swap;
  if (auto producer = value.getDefiningOp<TransposeOp>()) {
    for (int64_t d = 0; d < rank; ++d)
      perm[d] = producer.getPermutation()[swap[d]];
    value = producer.getInput();
  }
  if (llvm::equal(perm, llvm::seq<int64_t>(0, rank)))
    return value;
  return TransposeOp::create(rewriter, loc, value, perm);
}

/// Peels a uniform constant factor off `value` (a one-use `tfc.mul` of the
/// same type), multiplying it into `scale`.
Value peelUniformFactor(Value value, double &scale) {
  auto mul = value.getDefiningOp<MulOp>();
  if (!mul || !mul->hasOneUse())
    return value;
  auto operands = orderOperands(mul, [](Value v) {
    return getUniformFloat(v).has_value();
  });
  if (!operands || operands->second.getType() != mul.getType())
    return value;
  scale *= *getUniformFloat(operands->first);
  return operands->second;
}

/// The repeat_kv expansion: returns the unexpanded [B, Hkv, S, D] value
/// and sets `group` to n.
Value peelHeadRepeat(Value value, int64_t &group) {
  auto merge = value ? value.getDefiningOp<ReshapeOp>() : ReshapeOp();
  auto expand = merge ? merge.getInput().getDefiningOp<ExpandOp>() : ExpandOp();
  auto unsqueeze =
      expand ? expand.getInput().getDefiningOp<ReshapeOp>() : ReshapeOp();
  if (!unsqueeze)
    return {};
  ArrayRef<int64_t> out = merge.getType().getShape();
  ArrayRef<int64_t> expanded = expand.getType().getShape();
  ArrayRef<int64_t> single = unsqueeze.getType().getShape();
  ArrayRef<int64_t> in = unsqueeze.getInput().getType().getShape();
  if (in.size() != 4 || single.size() != 5 || expanded.size() != 5 ||
      out.size() != 4)
    return {};
  int64_t b = in[0], h = in[1], s = in[2], d = in[3], n = expanded[2];
  if (ArrayRef<int64_t>(single) != ArrayRef<int64_t>({b, h, 1, s, d}) ||
      expanded != ArrayRef<int64_t>({b, h, n, s, d}) ||
      out != ArrayRef<int64_t>({b, h * n, s, d}))
    return {};
  group = n;
  return unsqueeze.getInput();
}

/// Whether `maskedAt(flat index)` over a mask of `shape` (broadcast to
/// [..., sq, skv]) marks exactly the causal set j > i + (skv - sq).
bool isCausalLayout(ArrayRef<int64_t> shape, int64_t sq, int64_t skv,
                    llvm::function_ref<bool(int64_t)> maskedAt) {
  if (skv < sq)
    return false;
  int64_t rank = shape.size();
  int64_t rows = rank >= 2 ? shape[rank - 2] : 1;
  int64_t cols = rank >= 1 ? shape[rank - 1] : 1;
  int64_t lead = 1;
  for (int64_t d = 0; d + 2 < rank; ++d)
    lead *= shape[d];
  for (int64_t l = 0; l < lead; ++l) {
    for (int64_t mi = 0; mi < rows; ++mi) {
      for (int64_t mj = 0; mj < cols; ++mj) {
        bool masked = maskedAt((l * rows + mi) * cols + mj);
        // A broadcast dim covers every row (column).
        for (int64_t i = rows == 1 ? 0 : mi; i < (rows == 1 ? sq : mi + 1); ++i)
          for (int64_t j = cols == 1 ? 0 : mj; j < (cols == 1 ? skv : mj + 1);
               ++j)
            if (masked != (j > i + (skv - sq)))
              return false;
      }
    }
  }
  return true;
}

/// Whether `x` masks a score outright: -inf, or at most half the most
/// negative finite value of `type` (torch.finfo(dtype).min and the like).
bool isMaskingValue(double x, FloatType type) {
  double largest =
      APFloat::getLargest(type.getFloatSemantics()).convertToDouble();
  return x <= -0.5 * largest;
}

class AttentionMatcher {
public:
  /// Fills `m` from the second matmul; returns a reason on failure.
  static std::optional<StringRef> match(MatmulOp pv, AttentionMatch &m) {
    if (pv.getTransposeLhs())
      return StringRef("probabilities are read transposed");
    m.softmax = pv.getLhs().getDefiningOp<SoftmaxOp>();
    if (!m.softmax || !m.softmax->hasOneUse())
      return StringRef("lhs is not a softmax with one use");
    auto scoresType = cast<RankedTensorType>(m.softmax.getType());
    if (scoresType.getRank() != 4 ||
        static_cast<int64_t>(m.softmax.getAxis()) != 3)
      return StringRef("softmax is not over the last axis of rank-4 scores");

    // Mask, then scale, then the scores product.
    Value s = m.softmax.getInput();
    if (auto reason = matchMask(s, scoresType, m))
      return reason;
    m.scores = matchScale(s, scoresType, m.scale);
    if (!m.scores)
      return StringRef("softmax input is not [mask] [scale] matmul(q, kT)");

    m.query = peelUniformFactor(m.scores.getLhs(), m.scale);
    Value k = peelUniformFactor(m.scores.getRhs(), m.scale);
    if (m.scores.getTransposeRhs())
      m.key = k;
    else if (!(m.key = existingSwapLastTwo(k)))
      m.keyT = k;
    if (pv.getTransposeRhs()) {
      if (!(m.value = existingSwapLastTwo(pv.getRhs())))
        m.valueT = pv.getRhs();
    } else {
      m.value = pv.getRhs();
    }

    // Shapes: [B, H, S, D] with equal batch, k/v heads equal and either
    // q's or 1.
    auto dims = [](Value v, bool swapped) {
      SmallVector<int64_t> shape(rankedTypeOf(v).getShape());
      if (swapped && shape.size() == 4)
        std::swap(shape[2], shape[3]);
      return shape;
    };
    SmallVector<int64_t> q = dims(m.query, false);
    SmallVector<int64_t> kd = m.key ? dims(m.key, false) : dims(m.keyT, true);
    SmallVector<int64_t> vd =
        m.value ? dims(m.value, false) : dims(m.valueT, true);
    if (q.size() != 4 || kd.size() != 4 || vd.size() != 4)
      return StringRef("q, k and v are not rank 4");
    if (kd[0] != q[0] || vd[0] != q[0])
      return StringRef("k or v broadcasts over the batch");
    if (kd[1] != vd[1] || kd[2] != vd[2] || (kd[1] != q[1] && kd[1] != 1))
      return StringRef("k/v heads do not fit the query heads");

    // GQA: read k and v before a repeat_kv expansion (both or neither).
    int64_t keyGroup = 0, valueGroup = 0;
    Value key = peelHeadRepeat(m.key, keyGroup);
    Value value = peelHeadRepeat(m.value, valueGroup);
    if (key && value && keyGroup == valueGroup) {
      m.key = key;
      m.value = value;
      m.group = keyGroup;
    }
    return std::nullopt;
  }

private:
  /// Classifies the mask on `s` and moves `s` to the masked value.
  static std::optional<StringRef> matchMask(Value &s, RankedTensorType type,
                                            AttentionMatch &m) {
    Operation *op = s.getDefiningOp();
    if (!op || !op->hasOneUse() || op->getResult(0).getType() != type)
      return std::nullopt;
    auto element = cast<FloatType>(type.getElementType());
    int64_t sq = type.getDimSize(2), skv = type.getDimSize(3);
    if (auto add = dyn_cast<AddOp>(op)) {
      // The scores side is the one that reaches the matmul.
      auto operands = orderOperands(add, [&](Value v) {
        double unused = 1.0;
        return static_cast<bool>(matchScale(v, type, unused));
      });
      if (!operands)
        return std::nullopt;
      s = operands->first;
      m.additive = operands->second;
      m.mask = MaskKind::additive;
      std::optional<SmallVector<double>> values =
          getConstantFloats(m.additive);
      if (!values)
        return std::nullopt;
      bool allZero = true, zeroOrMasking = true;
      for (double x : *values) {
        allZero &= x == 0;
        zeroOrMasking &= x == 0 || isMaskingValue(x, element);
      }
      if (allZero) {
        m.mask = MaskKind::none;
        m.additive = {};
      } else if (zeroOrMasking &&
                 isCausalLayout(rankedTypeOf(m.additive).getShape(), sq, skv,
                                [&](int64_t i) { return (*values)[i] != 0; })) {
        m.mask = MaskKind::causal;
        m.additive = {};
      }
      return std::nullopt;
    }
    auto where = dyn_cast<WhereOp>(op);
    if (!where)
      return std::nullopt;
    auto isFill = [&](Value v) {
      std::optional<double> x = getUniformFloat(v);
      return x && isMaskingValue(*x, element);
    };
    if (isFill(where.getOnTrue())) {
      m.fill = where.getOnTrue();
      s = where.getOnFalse();
      m.maskedWhen = true;
    } else if (isFill(where.getOnFalse())) {
      m.fill = where.getOnFalse();
      s = where.getOnTrue();
      m.maskedWhen = false;
    } else {
      return StringRef("where does not select -inf or a finfo.min-like "
                       "fill");
    }
    m.condition = where.getCondition();
    m.mask = MaskKind::select;
    std::optional<SmallVector<bool>> cond = getConstantBools(m.condition);
    if (!cond)
      return std::nullopt;
    if (llvm::all_of(*cond, [&](bool c) { return c != m.maskedWhen; })) {
      m.mask = MaskKind::none;
    } else if (isCausalLayout(rankedTypeOf(m.condition).getShape(), sq, skv,
                              [&](int64_t i) {
                                return (*cond)[i] == m.maskedWhen;
                              })) {
      m.mask = MaskKind::causal;
    }
    return std::nullopt;
  }

  /// `s` = [s * c | s / c] matmul(q, kT) with one-use links of the score
  /// type; returns the matmul and multiplies c (or 1/c) into `scale`.
  static MatmulOp matchScale(Value s, RankedTensorType type, double &scale) {
    Operation *op = s.getDefiningOp();
    if (!op || s.getType() != type)
      return {};
    if (isa<MulOp, DivOp>(op) && op->hasOneUse()) {
      Value scaled;
      if (auto mul = dyn_cast<MulOp>(op)) {
        auto operands = orderOperands(mul, [](Value v) {
          return getUniformFloat(v).has_value();
        });
        if (operands) {
          scaled = operands->second;
          scale *= *getUniformFloat(operands->first);
        }
      } else if (auto div = cast<DivOp>(op);
                 getUniformFloat(div.getRhs()).value_or(0) != 0) {
        scaled = div.getLhs();
        scale /= *getUniformFloat(div.getRhs());
      }
      if (!scaled || scaled.getType() != type)
        return {};
      s = scaled;
    }
    auto matmul = s.getDefiningOp<MatmulOp>();
    if (!matmul || !matmul->hasOneUse() || matmul.getTransposeLhs())
      return {};
    return matmul;
  }
};

/// Builds the tfc.attention for a match (mask kind already decided).
Value createAttention(PatternRewriter &rewriter, MatmulOp pv,
                      AttentionMatch &m) {
  Location loc = rewriter.getFusedLoc(
      {m.scores.getLoc(), m.softmax.getLoc(), pv.getLoc()});
  Value key = m.key ? m.key : createSwapLastTwo(rewriter, loc, m.keyT);
  Value value = m.value ? m.value : createSwapLastTwo(rewriter, loc, m.valueT);
  Value mask;
  if (m.mask == MaskKind::additive) {
    mask = m.additive;
  } else if (m.mask == MaskKind::select) {
    auto element = rankedTypeOf(m.fill).getElementType();
    auto scalar = RankedTensorType::get({}, element);
    Value zero = ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(scalar, rewriter.getFloatAttr(element, 0.0)));
    mask = m.maskedWhen
               ? WhereOp::create(rewriter, loc, m.condition, m.fill, zero)
               : WhereOp::create(rewriter, loc, m.condition, zero, m.fill);
  }
  return AttentionOp::create(rewriter, loc, pv.getType(), m.query, key, value,
                             mask, APFloat(static_cast<float>(m.scale)),
                             /*causal=*/m.mask == MaskKind::causal);
}

/// Attention whose mask is exactly the causal pattern.
struct RaiseCausalAttention : OpRewritePattern<MatmulOp> {
  RaiseCausalAttention(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context, /*benefit=*/2), tally(tally) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    AttentionMatch m;
    if (auto reason = AttentionMatcher::match(op, m))
      return rewriter.notifyMatchFailure(op, *reason);
    if (m.mask != MaskKind::causal)
      return rewriter.notifyMatchFailure(op, "mask is not the causal set");
    rewriter.replaceOp(op, createAttention(rewriter, op, m));
    tally.note("attention (causal)");
    if (m.group > 1)
      tally.note("attention with grouped k/v heads");
    return success();
  }

  RaiseTally &tally;
};

/// Attention without a mask or with any other mask (kept additive).
struct RaiseAttention : OpRewritePattern<MatmulOp> {
  RaiseAttention(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context, /*benefit=*/1), tally(tally) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    AttentionMatch m;
    if (auto reason = AttentionMatcher::match(op, m))
      return rewriter.notifyMatchFailure(op, *reason);
    if (m.mask == MaskKind::causal)
      return rewriter.notifyMatchFailure(op, "left to RaiseCausalAttention");
    rewriter.replaceOp(op, createAttention(rewriter, op, m));
    tally.note(m.mask == MaskKind::none ? "attention (no mask)"
                                        : "attention (additive mask)");
    if (m.group > 1)
      tally.note("attention with grouped k/v heads");
    return success();
  }

  RaiseTally &tally;
};

} // namespace

void mlir::tfc::populateRaiseAttentionPatterns(RewritePatternSet &patterns,
                                               RaiseTally &tally) {
  patterns.add<RaiseCausalAttention, RaiseAttention>(patterns.getContext(),
                                                     tally);
}
