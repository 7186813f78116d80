//===- OnlineForms.cpp - softmax and attention in their online forms -----===//
//
// The reference kernels of what tfc-online-softmax writes (OnlineForms.h).
// They compute in double like every reference kernel, but in the order of
// the rewritten algorithm: a running maximum and a rescaled running sum per
// row, tile by tile, and for attention the output accumulator rescaled with
// them, key tiles skipped as the GPU kernel skips them. Inputs of magnitude
// 1e4 overflow exp() in the textbook form exp(x) / sum(exp(x)); here every
// exponent is taken against the running maximum, so nothing overflows.
//
//===----------------------------------------------------------------------===//

#include "OnlineForms.h"

#include "tfc/Dialect/KernelForms.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

namespace {
/// The running statistics of one row.
struct RunningSoftmax {
  double max = -INFINITY;
  double sum = 0;

  /// Takes in a tile whose maximum is `tileMax`; returns the factor by
  /// which everything accumulated so far must be rescaled (1 when the
  /// maximum did not grow, 0 when nothing was accumulated).
  double update(double tileMax) {
    double next = std::max(max, tileMax);
    if (next == -INFINITY)
      return 1;
    double correction = max == -INFINITY ? 0 : std::exp(max - next);
    sum *= correction;
    max = next;
    return correction;
  }
};
} // namespace

FailureOr<Tensor> reference::evaluateOnlineSoftmax(SoftmaxOp op,
                                                   const Tensor &input) {
  Tensor result(resultType(op));
  ArrayRef<int64_t> shape = input.getShape();
  int64_t axis = op.getAxis();
  int64_t outer = 1, inner = 1, size = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1, e = shape.size(); d < e; ++d)
    inner *= shape[d];
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      int64_t base = o * size * inner + in;
      auto x = [&](int64_t k) { return input.floats[base + k * inner]; };
      RunningSoftmax row;
      for (int64_t t0 = 0; t0 < size; t0 += kOnlineSoftmaxTile) {
        int64_t t1 = std::min(size, t0 + kOnlineSoftmaxTile);
        double tileMax = -INFINITY;
        for (int64_t k = t0; k < t1; ++k)
          tileMax = std::max(tileMax, x(k));
        row.update(tileMax);
        if (row.max == -INFINITY)
          continue;
        for (int64_t k = t0; k < t1; ++k)
          row.sum += std::exp(x(k) - row.max);
      }
      // A row of -inf gives NaN, as the two-pass form does.
      for (int64_t k = 0; k < size; ++k)
        result.floats[base + k * inner] = std::exp(x(k) - row.max) / row.sum;
    }
  }
  roundToElementType(result);
  return result;
}

FailureOr<Tensor> reference::evaluateFlashAttention(AttentionOp op,
                                                    const Tensor &query,
                                                    const Tensor &key,
                                                    const Tensor &value,
                                                    const Tensor *mask) {
  int64_t blockQ = kDefaultFlashBlockQ, blockKV = kDefaultFlashBlockKV;
  if (auto tile = op->getAttrOfType<DenseI64ArrayAttr>("tfc.tile")) {
    if ((tile.size() != 4 && tile.size() != 5) || tile[0] <= 0 ||
        tile[1] <= 0)
      return op.emitOpError("'tfc.tile' of the flash form needs 4 or 5 "
                            "values (blockQ, blockKV, warps, stages[, heads]) "
                            "with positive blockQ and blockKV, got ")
             << tile;
    blockQ = tile[0];
    blockKV = tile[1];
  }
  Tensor result(resultType(op));
  AttentionScores a(op, query, key, value, mask);
  int64_t batch = a.batch, heads = a.heads, kvHeads = a.kvHeads;
  int64_t group = a.group, sq = a.sq, skv = a.skv, dv = a.dv;
  int64_t shift = a.shift, window = a.window;
  bool causal = a.causal;
  // Tiles longer than the sequences behave as tiles of their length.
  blockQ = std::min(blockQ, std::max<int64_t>(sq, 1));
  blockKV = std::min(blockKV, std::max<int64_t>(skv, 1));
  int64_t kvTiles = (skv + blockKV - 1) / blockKV;

  // Per query row of the current (group, query tile): running statistics
  // and the output accumulator.
  std::vector<RunningSoftmax> rows(group * blockQ);
  std::vector<double> acc(group * blockQ * dv);
  std::vector<double> scores(blockKV);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t hk = 0; hk < kvHeads; ++hk) {
      for (int64_t i0 = 0; i0 < sq; i0 += blockQ) {
        int64_t i1 = std::min(sq, i0 + blockQ);
        std::fill(rows.begin(), rows.end(), RunningSoftmax());
        std::fill(acc.begin(), acc.end(), 0.0);
        // Key tiles some row of [i0, i1) sees: [tBegin, tEnd).
        int64_t tBegin = 0, tEnd = kvTiles;
        if (causal) {
          int64_t keysSeen = std::max<int64_t>(0, i1 - 1 + shift + 1);
          tEnd = std::min(tEnd, (keysSeen + blockKV - 1) / blockKV);
        }
        if (window > 0) {
          int64_t firstKey = std::max<int64_t>(0, i0 + shift - (window - 1));
          tBegin = std::min(tEnd, firstKey / blockKV);
        }
        for (int64_t t = tBegin; t < tEnd; ++t) {
          int64_t j0 = t * blockKV, j1 = std::min(skv, j0 + blockKV);
          // The K/V tile [j0, j1) serves every query head of the group.
          for (int64_t g = 0; g < group; ++g) {
            int64_t h = hk * group + g;
            for (int64_t i = i0; i < i1; ++i) {
              double tileMax = -INFINITY;
              for (int64_t j = j0; j < j1; ++j) {
                scores[j - j0] = a.score(b, h, i, j);
                tileMax = std::max(tileMax, scores[j - j0]);
              }
              int64_t r = g * blockQ + (i - i0);
              RunningSoftmax &row = rows[r];
              double *out = acc.data() + r * dv;
              double correction = row.update(tileMax);
              if (row.max == -INFINITY)
                continue;
              for (int64_t e = 0; e < dv; ++e)
                out[e] *= correction;
              for (int64_t j = j0; j < j1; ++j) {
                if (scores[j - j0] == -INFINITY)
                  continue;
                double p = std::exp(scores[j - j0] - row.max);
                row.sum += p;
                const double *vRow = a.valueRow(b, h, j);
                for (int64_t e = 0; e < dv; ++e)
                  out[e] += p * vRow[e];
              }
            }
          }
        }
        // out = acc / sum; a row that saw no key (or only -inf scores)
        // gives zeros, as the two-pass form does.
        for (int64_t g = 0; g < group; ++g) {
          int64_t h = hk * group + g;
          for (int64_t i = i0; i < i1; ++i) {
            int64_t r = g * blockQ + (i - i0);
            double *out =
                result.floats.data() + ((b * heads + h) * sq + i) * dv;
            if (rows[r].max == -INFINITY)
              continue;
            for (int64_t e = 0; e < dv; ++e)
              out[e] = acc[r * dv + e] / rows[r].sum;
          }
        }
      }
    }
  }
  roundToElementType(result);
  return result;
}
