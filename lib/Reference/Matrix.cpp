//===- Matrix.cpp - reference kernels of matmul, attention, rope -*- C++ -*-===//
//
// tfc.matmul (broadcast batch dims, transpose flags), tfc.attention (scale,
// additive mask, causal, sliding window, ALiBi, GQA/MQA) computed the naive
// way with the full score matrix, and tfc.rope in its rotate-half and
// interleaved forms. Products accumulate in double (int64 for integers).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

FailureOr<Tensor> reference::evaluateMatmul(MatmulOp op, const Tensor &lhs,
                                            const Tensor &rhs) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  int64_t rank = type.getRank();
  int64_t m = type.getDimSize(rank - 2), n = type.getDimSize(rank - 1);
  ArrayRef<int64_t> lShape = lhs.getShape(), rShape = rhs.getShape();
  int64_t lRank = lhs.getRank(), rRank = rhs.getRank();
  int64_t k = lShape[lRank - (op.getTransposeLhs() ? 2 : 1)];

  // Element strides of the logical [M, K] and [K, N] matrices.
  int64_t lRowStride = lShape[lRank - 1], rRowStride = rShape[rRank - 1];
  int64_t lsM = op.getTransposeLhs() ? 1 : lRowStride;
  int64_t lsK = op.getTransposeLhs() ? lRowStride : 1;
  int64_t rsK = op.getTransposeRhs() ? 1 : rRowStride;
  int64_t rsN = op.getTransposeRhs() ? rRowStride : 1;

  // Matrix offsets of each batch, with the batch dims broadcast.
  ArrayRef<int64_t> batch = type.getShape().drop_back(2);
  int64_t lMatrix = lShape[lRank - 2] * lShape[lRank - 1];
  int64_t rMatrix = rShape[rRank - 2] * rShape[rRank - 1];
  SmallVector<int64_t> lStrides =
      broadcastStrides(lShape.drop_back(2), batch);
  SmallVector<int64_t> rStrides =
      broadcastStrides(rShape.drop_back(2), batch);
  StridedWalk walk(batch, {lStrides, rStrides});
  int64_t batches = 1;
  for (int64_t b : batch)
    batches *= b;

  for (int64_t b = 0; b < batches; ++b, walk.next()) {
    int64_t lBase = walk.offset(0) * lMatrix;
    int64_t rBase = walk.offset(1) * rMatrix;
    int64_t oBase = b * m * n;
    for (int64_t i = 0; i < m; ++i) {
      if (result.isFloat() && rsN == 1) {
        // Row-major rhs: stream its rows (same summation order per output
        // element as below: p = 0, 1, ..., K-1).
        double *out = result.floats.data() + oBase + i * n;
        for (int64_t p = 0; p < k; ++p) {
          double a = lhs.floats[lBase + i * lsM + p * lsK];
          const double *row = rhs.floats.data() + rBase + p * rsK;
          for (int64_t j = 0; j < n; ++j)
            out[j] += a * row[j];
        }
        continue;
      }
      for (int64_t j = 0; j < n; ++j) {
        int64_t l = lBase + i * lsM, r = rBase + j * rsN;
        if (result.isFloat()) {
          double acc = 0;
          for (int64_t p = 0; p < k; ++p)
            acc += lhs.floats[l + p * lsK] * rhs.floats[r + p * rsK];
          result.floats[oBase + i * n + j] = acc;
        } else {
          uint64_t acc = 0;
          for (int64_t p = 0; p < k; ++p)
            acc += static_cast<uint64_t>(lhs.ints[l + p * lsK]) *
                   static_cast<uint64_t>(rhs.ints[r + p * rsK]);
          result.ints[oBase + i * n + j] = static_cast<int64_t>(acc);
        }
      }
    }
  }
  roundToElementType(result);
  return result;
}

SmallVector<double> reference::alibiSlopes(int64_t numHeads) {
  // Press et al., "Train Short, Test Long", get_slopes(): for a power of two
  // n, slope_h = 2^(-8 (h + 1) / n); otherwise the slopes of the closest
  // smaller power of two, then every other slope of twice that power.
  auto powerOfTwoSlopes = [](int64_t n) {
    SmallVector<double> slopes;
    for (int64_t h = 0; h < n; ++h)
      slopes.push_back(std::exp2(-8.0 * static_cast<double>(h + 1) /
                                 static_cast<double>(n)));
    return slopes;
  };
  if (numHeads <= 0)
    return {};
  int64_t closest = 1;
  while (closest * 2 <= numHeads)
    closest *= 2;
  SmallVector<double> slopes = powerOfTwoSlopes(closest);
  if (closest == numHeads)
    return slopes;
  SmallVector<double> extra = powerOfTwoSlopes(2 * closest);
  for (int64_t i = 0; static_cast<int64_t>(slopes.size()) < numHeads; i += 2)
    slopes.push_back(extra[i]);
  return slopes;
}

reference::AttentionScores::AttentionScores(AttentionOp op, const Tensor &query,
                                 const Tensor &key, const Tensor &value,
                                 const Tensor *mask)
    : query(query), key(key), value(value), mask(mask) {
  ArrayRef<int64_t> q = query.getShape(), kv = key.getShape();
  batch = q[0];
  heads = q[1];
  sq = q[2];
  d = q[3];
  kvHeads = kv[1];
  skv = kv[2];
  dv = value.getShape()[3];
  group = heads / kvHeads;
  scale = op.getScale().convertToDouble();
  causal = op.getCausal();
  window = op.getWindow();
  shift = skv - sq;
  if (op.getAlibi())
    slopes = alibiSlopes(heads);
  if (mask)
    maskStrides = broadcastStrides(mask->getShape(), {batch, heads, sq, skv});
}

double reference::AttentionScores::score(int64_t b, int64_t h, int64_t i,
                              int64_t j) const {
  int64_t pos = i + shift;
  if ((causal && j > pos) || (window > 0 && j < pos - (window - 1)))
    return -INFINITY;
  const double *qRow = query.floats.data() + ((b * heads + h) * sq + i) * d;
  const double *kRow =
      key.floats.data() + ((b * kvHeads + h / group) * skv + j) * d;
  double s = 0;
  for (int64_t p = 0; p < d; ++p)
    s += qRow[p] * kRow[p];
  s *= scale;
  if (mask)
    s += mask->floats[b * maskStrides[0] + h * maskStrides[1] +
                      i * maskStrides[2] + j * maskStrides[3]];
  // Relative to the query's position; the row constant -slope * pos does
  // not change the softmax.
  if (!slopes.empty())
    s += slopes[h] * static_cast<double>(j - pos);
  return s;
}

const double *reference::AttentionScores::valueRow(int64_t b, int64_t h,
                                        int64_t j) const {
  return value.floats.data() + ((b * kvHeads + h / group) * skv + j) * dv;
}

FailureOr<Tensor> reference::evaluateAttention(AttentionOp op,
                                               const Tensor &query,
                                               const Tensor &key,
                                               const Tensor &value,
                                               const Tensor *mask) {
  Tensor result(resultType(op));
  AttentionScores a(op, query, key, value, mask);
  std::vector<double> scores(a.skv);
  // Keys with a score of -inf (masked) take no part, as in the flash form.
  std::vector<char> live(a.skv);
  for (int64_t b = 0; b < a.batch; ++b) {
    for (int64_t h = 0; h < a.heads; ++h) {
      for (int64_t i = 0; i < a.sq; ++i) {
        double max = -INFINITY;
        for (int64_t j = 0; j < a.skv; ++j) {
          scores[j] = a.score(b, h, i, j);
          live[j] = scores[j] != -INFINITY;
          max = std::max(max, scores[j]);
        }
        double *out =
            result.floats.data() + ((b * a.heads + h) * a.sq + i) * a.dv;
        // A row with every key masked (or all scores -inf) gives zeros, as
        // flash attention kernels do.
        if (max == -INFINITY)
          continue;
        double sum = 0;
        for (int64_t j = 0; j < a.skv; ++j) {
          if (!live[j])
            continue;
          scores[j] = std::exp(scores[j] - max);
          sum += scores[j];
        }
        for (int64_t j = 0; j < a.skv; ++j) {
          if (!live[j])
            continue;
          double p = scores[j] / sum;
          const double *vRow = a.valueRow(b, h, j);
          for (int64_t e = 0; e < a.dv; ++e)
            out[e] += p * vRow[e];
        }
      }
    }
  }
  roundToElementType(result);
  return result;
}

FailureOr<Tensor> reference::evaluateRope(RopeOp op, const Tensor &input,
                                          const Tensor &cos,
                                          const Tensor &sin) {
  RankedTensorType type = resultType(op);
  Tensor result(type);
  int64_t dim = type.getShape().back(), half = dim / 2;
  bool interleaved = op.getInterleaved();
  StridedWalk walk(type.getShape(),
                   {broadcastStrides(cos.getShape(), type.getShape()),
                    broadcastStrides(sin.getShape(), type.getShape())});
  for (int64_t i = 0, n = result.getNumElements(); i < n; ++i, walk.next()) {
    int64_t c = i % dim;
    double rotated;
    if (interleaved)
      // Pairs (2p, 2p+1): rotated = (-x[2p+1], x[2p]).
      rotated = (c % 2 == 0) ? -input.floats[i + 1] : input.floats[i - 1];
    else
      // Pairs (p, p + D/2): rotated = (-x[p + D/2], x[p]).
      rotated = c < half ? -input.floats[i + half] : input.floats[i - half];
    result.floats[i] = input.floats[i] * cos.floats[walk.offset(0)] +
                       rotated * sin.floats[walk.offset(1)];
  }
  roundToElementType(result);
  return result;
}
