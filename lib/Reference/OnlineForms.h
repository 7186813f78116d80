//===- OnlineForms.h - reference kernels of the online forms ----*- C++ -*-===//
//
// Internal to the reference executor: tfc.softmax marked `tfc.online` and
// tfc.attention marked `tfc.flash` (tfc-online-softmax) run in that form,
// tile by tile, so that the numerical tests check the rewritten algorithm
// rather than the textbook one (OnlineForms.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_REFERENCE_ONLINEFORMS_H
#define TFC_LIB_REFERENCE_ONLINEFORMS_H

#include "Kernels.h"

namespace mlir::tfc::reference {

/// Softmax in the online form: per row, tiles of kOnlineSoftmaxTile
/// elements update a running maximum m and a sum s rescaled by exp(m_old -
/// m_new); the output is exp(x - m) / s.
FailureOr<Tensor> evaluateOnlineSoftmax(SoftmaxOp op, const Tensor &input);

/// Attention in the flash form with the op's `tfc.tile` blockQ x blockKV
/// (kDefaultFlashBlockQ x kDefaultFlashBlockKV without one): per key/value
/// head, query tile and key tile (tiles no query row of the block sees under
/// causal / window masks are skipped; the query heads of a GQA group share
/// each tile), the running max, sum and output accumulator of every query
/// row are updated; the output is acc / sum.
FailureOr<Tensor> evaluateFlashAttention(AttentionOp op, const Tensor &query,
                                         const Tensor &key,
                                         const Tensor &value,
                                         const Tensor *mask);

} // namespace mlir::tfc::reference

#endif // TFC_LIB_REFERENCE_ONLINEFORMS_H
