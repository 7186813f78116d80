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
// The mask becomes `causal = true` only when it is a constant (seen through
// tfc.expand and reshapes of its leading dims: HF GPT-2 exports
// where(expand(C), 0, -inf)) whose masked positions (fill or
// -inf/finfo.min-like entries; the other entries exactly 0 for an additive
// mask) are exactly {(i, j) : j > i + Skv - Sq} for every broadcast index,
// with Skv >= Sq so that no row is fully masked. A finfo.min entry and the
// causal skip give the same probabilities (exactly 0 after exp) for any
// scores of magnitude below ~1e37. Any other mask is kept as the additive
// `mask` operand (`where` forms become `where(C, fill, 0)`); an all-zero
// additive mask is dropped.
//
// A constant mask that is the causal set plus the keys more than w - 1
// behind the query becomes `causal = true, window = w`.
//
// A where's condition may also be a `tfc.compare` of constants (each
// expand*(reshape*(constant))): the Llama/Mistral dynamo exports compute
// the causal mask as le(key positions [1,1,1,S], query positions
// [1,1,S,1]) from two aranges, which the importer does not fold past 2^20
// elements. It is evaluated element by element at compile time with the
// reference executor's compare semantics (nothing is materialised, at most
// 2^26 elements) and goes through the same exact check.
//
// GQA: k and v expanded over a group of query heads the way HF's
// `repeat_kv` exports (reshape [B,Hkv,S,D] -> [B,Hkv,1,S,D], expand to
// [B,Hkv,n,S,D], reshape to [B,Hkv*n,S,D], possibly through more reshapes)
// are read before the expansion, with Hkv heads, which is
// `tfc.attention`'s grouping (query head h reads k/v head h / n).
//
// PyTorch's SDPA decomposition (dynamo exports) adds: sqrt(scale) factors
// on q and k^T, k^T as reshape(transpose([B*H, S, D] -> [B*H, D, S])), and
// `where(p != p, 0, p)` after the softmax, which gives fully masked rows
// zeros exactly as `tfc.attention` does.
//
// Two more patterns tidy an existing `tfc.attention` (imported from ONNX
// Attention, or raised above with a mask that is not a constant itself):
// CausalizeAttentionMask turns a constant causal mask (additive, or
// where(C, 0, fill), either possibly expanded) into `causal = true` and
// drops an all-zero one;
// ReadGroupedKeyValueHeads reads repeat_kv-expanded k/v unexpanded.
//
//===----------------------------------------------------------------------===//

#include "RaisePatterns.h"

#include "ConstantUtils.h"
#include "tfc/Reference/ScalarOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <functional>

using namespace mlir;
using namespace mlir::tfc;

namespace {

enum class MaskKind { none, causal, additive, select };

/// How k (or v) as [B, H, S, D] is read from what the IR holds.
struct HeadsOperand {
  enum Form {
    /// `source` is the operand.
    direct,
    /// `source` is the operand with its last two dims swapped.
    swapLastTwo,
    /// `source` holds the operand's elements in row-major order (the
    /// flattened [B*H, S, D] form of PyTorch's SDPA decomposition).
    reshape
  } form = direct;
  Value source;
  /// The operand's shape, [B, H, S, D].
  SmallVector<int64_t> shape;
};

/// What the matcher found between the two matmuls.
struct AttentionMatch {
  MatmulOp scores;
  SoftmaxOp softmax;
  Value query;
  HeadsOperand key, value;
  double scale = 1.0;
  MaskKind mask = MaskKind::none;
  /// With a causal mask: a sliding window (0: none) found in the mask.
  int64_t window = 0;
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

/// `value` before any chain of reshapes (same elements, row-major).
Value lookThroughReshapes(Value value) {
  while (auto reshape = value.getDefiningOp<ReshapeOp>())
    value = reshape.getInput();
  return value;
}

/// The repeat_kv expansion under `operand` (direct or reshape form):
/// its elements are expand(reshape(k0 : [b, h, s, d]) : [b, h, 1, s, d])
/// : [b, h, n, s, d], read as [b, h*n, s, d]. Returns k0 and sets `group`
/// to n.
Value peelHeadRepeat(const HeadsOperand &operand, int64_t &group) {
  if (operand.form == HeadsOperand::swapLastTwo || operand.shape.size() != 4)
    return {};
  auto expand = lookThroughReshapes(operand.source).getDefiningOp<ExpandOp>();
  auto unsqueeze =
      expand ? expand.getInput().getDefiningOp<ReshapeOp>() : ReshapeOp();
  if (!unsqueeze)
    return {};
  ArrayRef<int64_t> out = operand.shape;
  ArrayRef<int64_t> expanded = expand.getType().getShape();
  ArrayRef<int64_t> single = unsqueeze.getType().getShape();
  ArrayRef<int64_t> in = unsqueeze.getInput().getType().getShape();
  if (in.size() != 4 || single.size() != 5 || expanded.size() != 5)
    return {};
  int64_t b = in[0], h = in[1], s = in[2], d = in[3], n = expanded[2];
  if (single != ArrayRef<int64_t>({b, h, 1, s, d}) ||
      expanded != ArrayRef<int64_t>({b, h, n, s, d}) ||
      out != ArrayRef<int64_t>({b, h * n, s, d}))
    return {};
  group = n;
  return unsqueeze.getInput();
}

HeadsOperand directOperand(Value value) {
  return {HeadsOperand::direct, value,
          llvm::to_vector(rankedTypeOf(value).getShape())};
}

/// The [B, H, S, D] operand whose last two dims `swapped` holds swapped:
/// the input of a transpose doing exactly that swap; a flattened
/// reshape([B, H, D, S], transpose([B*H, S, D] -> [B*H, D, S])); or, when
/// nothing exists yet, `swapped` to be transposed back on rewrite.
HeadsOperand unswapOperand(Value swapped) {
  if (Value existing = existingSwapLastTwo(swapped))
    return directOperand(existing);
  SmallVector<int64_t> shape(rankedTypeOf(swapped).getShape());
  if (shape.size() == 4)
    std::swap(shape[2], shape[3]);
  if (auto reshape = swapped.getDefiningOp<ReshapeOp>()) {
    auto transpose = reshape.getInput().getDefiningOp<TransposeOp>();
    if (transpose && shape.size() == 4 &&
        transpose.getPermutation() == ArrayRef<int64_t>({0, 2, 1}) &&
        transpose.getType().getShape() ==
            ArrayRef<int64_t>({shape[0] * shape[1], shape[3], shape[2]}))
      return {HeadsOperand::reshape, transpose.getInput(), shape};
  }
  return {HeadsOperand::swapLastTwo, swapped, shape};
}

/// If `maskedAt(flat index)` over a mask of `shape` (broadcast to
/// [..., sq, skv]) marks exactly the causal set (key j > i + (skv - sq)),
/// returns 0; if exactly the causal set plus the keys more than w - 1
/// behind the query (a sliding window), returns w; else nullopt. Needs
/// skv >= sq so that no row is fully masked.
std::optional<int64_t>
matchCausalWindow(ArrayRef<int64_t> shape, int64_t sq, int64_t skv,
                  llvm::function_ref<bool(int64_t)> maskedAt) {
  if (skv < sq || sq < 1)
    return std::nullopt;
  int64_t rank = shape.size();
  int64_t rows = rank >= 2 ? shape[rank - 2] : 1;
  int64_t cols = rank >= 1 ? shape[rank - 1] : 1;
  int64_t lead = 1;
  for (int64_t d = 0; d + 2 < rank; ++d)
    lead *= shape[d];
  int64_t shift = skv - sq;
  // The window is the number of live keys of the last query row (all of
  // its keys up to its position: no window).
  int64_t last = rows == 1 ? 0 : rows - 1, live = 0;
  for (int64_t j = 0; j < skv; ++j)
    live += !maskedAt(last * cols + (cols == 1 ? 0 : j));
  int64_t window = live == sq - 1 + shift + 1 ? 0 : live;
  if (live < 1)
    return std::nullopt;
  auto expectMasked = [&](int64_t i, int64_t j) {
    int64_t pos = i + shift;
    return j > pos || (window > 0 && j < pos - (window - 1));
  };
  for (int64_t l = 0; l < lead; ++l) {
    for (int64_t mi = 0; mi < rows; ++mi) {
      for (int64_t mj = 0; mj < cols; ++mj) {
        bool masked = maskedAt((l * rows + mi) * cols + mj);
        // A broadcast dim covers every row (column).
        for (int64_t i = rows == 1 ? 0 : mi; i < (rows == 1 ? sq : mi + 1); ++i)
          for (int64_t j = cols == 1 ? 0 : mj; j < (cols == 1 ? skv : mj + 1);
               ++j)
            if (masked != expectMasked(i, j))
              return std::nullopt;
      }
    }
  }
  return window;
}

/// The value a mask broadcasts from: through tfc.expand, and through
/// reshapes that keep the last two dims (they only regroup the leading
/// ones). Each [sq, skv] slice of the mask is then one slice of the result,
/// rows or columns of size 1 broadcast, and every slice of the result
/// appears in the mask, so the mask is the causal pattern exactly when the
/// result is (matchCausalWindow checks every slice and broadcasts dims of
/// size 1).
Value lookThroughBroadcasts(Value mask) {
  while (true) {
    if (auto expand = mask.getDefiningOp<ExpandOp>()) {
      mask = expand.getInput();
      continue;
    }
    if (auto reshape = mask.getDefiningOp<ReshapeOp>()) {
      ArrayRef<int64_t> in = rankedTypeOf(reshape.getInput()).getShape();
      ArrayRef<int64_t> out = rankedTypeOf(reshape.getResult()).getShape();
      if (in.size() >= 2 && out.size() >= 2 &&
          in.take_back(2) == out.take_back(2)) {
        mask = reshape.getInput();
        continue;
      }
    }
    return mask;
  }
}

/// Whether `x` masks a score outright: -inf, or at most half the most
/// negative finite value of `type` (torch.finfo(dtype).min and the like).
bool isMaskingValue(double x, FloatType type) {
  double largest =
      APFloat::getLargest(type.getFloatSemantics()).convertToDouble();
  return x <= -0.5 * largest;
}

/// What a constant mask amounts to, for scores [..., sq, skv] of type
/// `element`.
struct ConstantMaskKind {
  MaskKind kind;
  int64_t window = 0;
};

/// An additive constant, possibly broadcast (lookThroughBroadcasts): all
/// zeros (none), zeros and masking values in the causal (sliding-window)
/// pattern (causal), anything else (additive). Nullopt when `mask` is not a
/// readable constant.
std::optional<ConstantMaskKind> classifyAdditiveMask(Value mask, int64_t sq,
                                                     int64_t skv,
                                                     FloatType element) {
  mask = lookThroughBroadcasts(mask);
  std::optional<SmallVector<double>> values = getConstantFloats(mask);
  if (!values)
    return std::nullopt;
  bool allZero = true, zeroOrMasking = true;
  for (double x : *values) {
    allZero &= x == 0;
    zeroOrMasking &= x == 0 || isMaskingValue(x, element);
  }
  if (allZero)
    return ConstantMaskKind{MaskKind::none};
  if (!zeroOrMasking)
    return ConstantMaskKind{MaskKind::additive};
  if (std::optional<int64_t> window =
          matchCausalWindow(rankedTypeOf(mask).getShape(), sq, skv,
                            [&](int64_t i) { return (*values)[i] != 0; }))
    return ConstantMaskKind{MaskKind::causal, *window};
  return ConstantMaskKind{MaskKind::additive};
}

/// The most elements of a condition evaluated at compile time from a
/// `tfc.compare` of constants (Llama at S = 32768 is 2^30: left alone).
constexpr int64_t kMaxEvaluatedConditionElements = int64_t(1) << 26;

/// The elements of a constant operand of a `tfc.compare`, read as
/// broadcast to the compare's result: `expand*(reshape*(constant))`. An
/// expand's input broadcasts to the result as the expand does (numpy
/// broadcasts compose), and a reshape keeps the constant's row-major
/// elements, read in the shape of the outermost reshape.
struct BroadcastConstant {
  SmallVector<int64_t> ints;
  SmallVector<double> floats;
  /// Per result dim, the step in the elements (0: broadcast).
  SmallVector<int64_t> strides;
};

/// Every element of an integer constant, sign-extended (zero-extended for
/// unsigned and i1), as the reference executor holds them; from dense or
/// i32/i64 dense_resource data.
std::optional<SmallVector<int64_t>> getConstantInts(Value v,
                                                    int64_t maxElements) {
  ElementsAttr attr = getConstantAttr(v);
  auto type = attr ? dyn_cast<RankedTensorType>(attr.getType())
                   : RankedTensorType();
  if (!type || !type.hasStaticShape() || !type.getElementType().isInteger() ||
      type.getNumElements() > maxElements)
    return std::nullopt;
  bool zext = type.getElementType().isUnsignedInteger() ||
              type.getElementType().isInteger(1);
  SmallVector<int64_t> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    values.reserve(type.getNumElements());
    for (const APInt &x : dense.getValues<APInt>())
      values.push_back(zext ? static_cast<int64_t>(x.getZExtValue())
                            : x.getSExtValue());
    return values;
  }
  auto append = [&](auto data) -> std::optional<SmallVector<int64_t>> {
    if (!data || static_cast<int64_t>(data->size()) != type.getNumElements())
      return std::nullopt;
    values.append(data->begin(), data->end());
    return values;
  };
  if (auto i64 = dyn_cast<DenseI64ResourceElementsAttr>(attr))
    return append(i64.tryGetAsArrayRef());
  if (auto i32 = dyn_cast<DenseI32ResourceElementsAttr>(attr))
    return append(i32.tryGetAsArrayRef());
  return std::nullopt;
}

std::optional<BroadcastConstant> readBroadcastConstant(Value operand,
                                                       ArrayRef<int64_t> out) {
  Value v = operand;
  while (auto expand = v.getDefiningOp<ExpandOp>())
    v = expand.getInput();
  // The shape the elements are read in: the outermost reshape's (or the
  // constant's) shape.
  RankedTensorType viewType = rankedTypeOf(v);
  while (auto reshape = v.getDefiningOp<ReshapeOp>())
    v = reshape.getInput();
  if (!viewType || !viewType.hasStaticShape() ||
      viewType.getRank() > static_cast<int64_t>(out.size()))
    return std::nullopt;
  ArrayRef<int64_t> view = viewType.getShape();
  int64_t offset = out.size() - view.size();
  BroadcastConstant result;
  result.strides.assign(out.size(), 0);
  for (int64_t d = view.size() - 1, step = 1; d >= 0; --d) {
    if (view[d] != 1 && view[d] != out[offset + d])
      return std::nullopt;
    if (view[d] != 1)
      result.strides[offset + d] = step;
    step *= view[d];
  }
  int64_t count = viewType.getNumElements();
  const int64_t maxElements = int64_t(1) << 24;
  if (isa<FloatType>(viewType.getElementType())) {
    std::optional<SmallVector<double>> floats =
        getConstantFloats(v, maxElements);
    if (!floats || static_cast<int64_t>(floats->size()) != count)
      return std::nullopt;
    result.floats = std::move(*floats);
    return result;
  }
  std::optional<SmallVector<int64_t>> ints = getConstantInts(v, maxElements);
  if (!ints || static_cast<int64_t>(ints->size()) != count)
    return std::nullopt;
  result.ints = std::move(*ints);
  return result;
}

/// A condition known at compile time: an i1 constant, or a `tfc.compare`
/// of constants (the dynamo export's causal mask, `le(key positions,
/// query positions)` from two aranges, too large for the importer to fold)
/// evaluated element by element without materialising it.
struct ConstantCondition {
  SmallVector<int64_t> shape;
  int64_t count = 0;
  std::function<bool(int64_t)> at;
};

std::optional<ConstantCondition> readConstantCondition(Value condition) {
  auto type = rankedTypeOf(condition);
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  ConstantCondition result{llvm::to_vector(type.getShape()),
                           type.getNumElements(), nullptr};
  if (std::optional<SmallVector<bool>> bools = getConstantBools(condition)) {
    if (static_cast<int64_t>(bools->size()) != result.count)
      return std::nullopt;
    result.at = [bools = std::move(*bools)](int64_t i) { return bools[i]; };
    return result;
  }
  auto compare = condition.getDefiningOp<CompareOp>();
  if (!compare || result.count > kMaxEvaluatedConditionElements)
    return std::nullopt;
  std::optional<BroadcastConstant> lhs =
      readBroadcastConstant(compare.getLhs(), result.shape);
  std::optional<BroadcastConstant> rhs =
      readBroadcastConstant(compare.getRhs(), result.shape);
  if (!lhs || !rhs || lhs->floats.empty() != rhs->floats.empty())
    return std::nullopt;
  result.at = [lhs = std::move(*lhs), rhs = std::move(*rhs),
               shape = result.shape,
               predicate = compare.getPredicate()](int64_t i) {
    int64_t a = 0, b = 0;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      int64_t index = i % shape[d];
      i /= shape[d];
      a += index * lhs.strides[d];
      b += index * rhs.strides[d];
    }
    using reference::scalar::applyCompare;
    return lhs.floats.empty()
               ? applyCompare(predicate, lhs.ints[a], rhs.ints[b])
               : applyCompare(predicate, lhs.floats[a], rhs.floats[b]);
  };
  return result;
}

/// A constant condition, possibly broadcast (lookThroughBroadcasts), that
/// masks where it equals `maskedWhen`: nothing masked (none), the causal
/// (sliding-window) pattern (causal), anything else (select). The condition
/// is an i1 constant or a compare of constants (readConstantCondition).
/// Nullopt when it is neither.
std::optional<ConstantMaskKind> classifyConditionMask(Value condition,
                                                      bool maskedWhen,
                                                      int64_t sq,
                                                      int64_t skv) {
  condition = lookThroughBroadcasts(condition);
  std::optional<ConstantCondition> cond = readConstantCondition(condition);
  if (!cond)
    return std::nullopt;
  auto maskedAt = [&](int64_t i) { return cond->at(i) == maskedWhen; };
  if (llvm::none_of(llvm::seq<int64_t>(0, cond->count), maskedAt))
    return ConstantMaskKind{MaskKind::none};
  if (std::optional<int64_t> window =
          matchCausalWindow(cond->shape, sq, skv, maskedAt))
    return ConstantMaskKind{MaskKind::causal, *window};
  return ConstantMaskKind{MaskKind::select};
}

class AttentionMatcher {
public:
  /// Fills `m` from the second matmul; returns a reason on failure.
  static std::optional<StringRef> match(MatmulOp pv, AttentionMatch &m) {
    if (pv.getTransposeLhs())
      return StringRef("probabilities are read transposed");
    Value probs = pv.getLhs();
    Operation *guard = matchNanGuard(probs);
    if (guard)
      probs = cast<WhereOp>(guard).getOnFalse();
    m.softmax = probs.getDefiningOp<SoftmaxOp>();
    if (!m.softmax ||
        !llvm::all_of(m.softmax->getUsers(), [&](Operation *user) {
          return user == pv || user == guard ||
                 (guard && user == cast<WhereOp>(guard)
                                       .getCondition()
                                       .getDefiningOp());
        }))
      return StringRef("lhs is not a softmax read only by this product");
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
    m.key = m.scores.getTransposeRhs() ? directOperand(k) : unswapOperand(k);
    m.value = pv.getTransposeRhs() ? unswapOperand(pv.getRhs())
                                   : directOperand(pv.getRhs());

    // Shapes: [B, H, S, D] with equal batch, k/v heads equal and either
    // q's or 1.
    ArrayRef<int64_t> q = rankedTypeOf(m.query).getShape();
    ArrayRef<int64_t> kd = m.key.shape, vd = m.value.shape;
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
      m.key = directOperand(key);
      m.value = directOperand(value);
      m.group = keyGroup;
    }
    return std::nullopt;
  }

private:
  /// PyTorch's SDPA decomposition guards the probabilities against rows
  /// that were fully masked: where(p != p, 0, p). tfc.attention gives such
  /// rows zeros, so the guard is part of the match. Returns the where.
  static Operation *matchNanGuard(Value probs) {
    auto where = probs.getDefiningOp<WhereOp>();
    if (!where || !where->hasOneUse() ||
        where.getType() != where.getOnFalse().getType() ||
        !isUniformFloat(where.getOnTrue(), 0.0))
      return nullptr;
    auto isNan = where.getCondition().getDefiningOp<CompareOp>();
    Value p = where.getOnFalse();
    if (!isNan || !isNan->hasOneUse() ||
        isNan.getPredicate() != ComparePredicate::ne || isNan.getLhs() != p ||
        isNan.getRhs() != p)
      return nullptr;
    return where;
  }

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
      if (auto constant =
              classifyAdditiveMask(m.additive, sq, skv, element)) {
        m.mask = constant->kind;
        m.window = constant->window;
        if (m.mask != MaskKind::additive)
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
    if (auto constant =
            classifyConditionMask(m.condition, m.maskedWhen, sq, skv)) {
      m.mask = constant->kind;
      m.window = constant->window;
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
  auto materialize = [&](const HeadsOperand &operand) -> Value {
    switch (operand.form) {
    case HeadsOperand::direct:
      return operand.source;
    case HeadsOperand::swapLastTwo:
      return createSwapLastTwo(rewriter, loc, operand.source);
    case HeadsOperand::reshape:
      return ReshapeOp::create(
          rewriter, loc,
          rankedTypeOf(operand.source).clone(operand.shape), operand.source);
    }
    llvm_unreachable("unknown operand form");
  };
  Value key = materialize(m.key);
  Value value = materialize(m.value);
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
                             /*causal=*/m.mask == MaskKind::causal,
                             /*window=*/m.window);
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
    tally.note(m.window > 0 ? "attention (causal, sliding window)"
                            : "attention (causal)");
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

/// A tfc.attention (e.g. imported from ONNX Attention) whose mask is a
/// constant: the causal (sliding-window) pattern becomes causal = true (and
/// the window), an all-zero mask is dropped. The mask is additive, or
/// where(C, 0, fill) / where(C, fill, 0) with fill -inf or finfo.min-like.
struct CausalizeAttentionMask : OpRewritePattern<AttentionOp> {
  CausalizeAttentionMask(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Value mask = op.getMask();
    if (!mask || op.getCausal() || op.getWindow() != 0 || op.getAlibi())
      return rewriter.notifyMatchFailure(op, "no plain additive mask");
    auto element = cast<FloatType>(op.getType().getElementType());
    int64_t sq = op.getQuery().getType().getDimSize(2);
    int64_t skv = op.getKey().getType().getDimSize(2);
    std::optional<ConstantMaskKind> kind =
        classifyAdditiveMask(mask, sq, skv, element);
    if (auto where = lookThroughBroadcasts(mask).getDefiningOp<WhereOp>();
        !kind && where) {
      auto isFill = [&](Value v) {
        std::optional<double> x = getUniformFloat(v);
        return x && isMaskingValue(*x, element);
      };
      if (isFill(where.getOnTrue()) &&
          isUniformFloat(where.getOnFalse(), 0.0))
        kind = classifyConditionMask(where.getCondition(), true, sq, skv);
      else if (isFill(where.getOnFalse()) &&
               isUniformFloat(where.getOnTrue(), 0.0))
        kind = classifyConditionMask(where.getCondition(), false, sq, skv);
    }
    if (!kind || (kind->kind != MaskKind::none &&
                  kind->kind != MaskKind::causal))
      return rewriter.notifyMatchFailure(op, "mask is not a causal constant");
    bool causal = kind->kind == MaskKind::causal;
    rewriter.replaceOpWithNewOp<AttentionOp>(
        op, op.getType(), op.getQuery(), op.getKey(), op.getValue(),
        /*mask=*/Value(), op.getScaleAttr(), rewriter.getBoolAttr(causal),
        rewriter.getI64IntegerAttr(causal ? kind->window : 0),
        op.getAlibiAttr());
    tally.note(causal ? "attention mask folded to causal"
                      : "attention zero mask dropped");
    return success();
  }

  RaiseTally &tally;
};

/// A tfc.attention whose k and v are both repeat_kv expansions reads the
/// unexpanded k/v heads (GQA).
struct ReadGroupedKeyValueHeads : OpRewritePattern<AttentionOp> {
  ReadGroupedKeyValueHeads(MLIRContext *context, RaiseTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    int64_t keyGroup = 0, valueGroup = 0;
    Value key = peelHeadRepeat(directOperand(op.getKey()), keyGroup);
    Value value = peelHeadRepeat(directOperand(op.getValue()), valueGroup);
    if (!key || !value || keyGroup != valueGroup || keyGroup < 2 ||
        op.getKey().getType().getDimSize(1) !=
            op.getQuery().getType().getDimSize(1))
      return rewriter.notifyMatchFailure(op, "k/v are not repeat_kv");
    rewriter.modifyOpInPlace(op, [&] {
      op.getKeyMutable().assign(key);
      op.getValueMutable().assign(value);
    });
    tally.note("attention with grouped k/v heads");
    return success();
  }

  RaiseTally &tally;
};

} // namespace

void mlir::tfc::populateRaiseAttentionPatterns(RewritePatternSet &patterns,
                                               RaiseTally &tally) {
  patterns.add<RaiseCausalAttention, RaiseAttention, CausalizeAttentionMask,
               ReadGroupedKeyValueHeads>(patterns.getContext(), tally);
}
