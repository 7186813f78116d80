//===- KernelForms.h - attributes that fix a kernel's algorithm and tiles -===//
//
// Discardable attributes the graph passes put on tfc ops to record decisions
// the codegen and the reference executor then read, so that each decision
// is visible (and can be pinned) in the IR:
//
//   tfc.online  (unit, on tfc.softmax; tfc-online-softmax): the single-pass
//               online form, a running maximum and a sum of exponentials
//               rescaled whenever the maximum grows, merged over tiles of
//               the row.
//   tfc.flash   (unit, on tfc.attention; tfc-online-softmax): the flash
//               form, keys and values streamed in tiles of blockKV through
//               a running max/sum and an output accumulator per query row,
//               the score matrix never materialised; causal and sliding
//               window masks skip whole tiles and mask inside the edge
//               tiles; the query heads of a GQA group share each K/V tile.
//   tfc.tile    (i64 array; tfc-tile or pinned by hand): the tiles of the
//               kernel the op anchors, see KernelConfig.h for the layouts:
//               matmul [blockM, blockN, blockK, warpsM, warpsN, stages],
//               attention [blockQ, blockKV, warps, stages],
//               softmax / layer_norm / rms_norm [threadsPerRow, rowsPerBlock].
//
//===----------------------------------------------------------------------===//

#ifndef TFC_DIALECT_KERNELFORMS_H
#define TFC_DIALECT_KERNELFORMS_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace mlir::tfc {

inline constexpr llvm::StringLiteral kOnlineSoftmaxAttrName = "tfc.online";
inline constexpr llvm::StringLiteral kFlashAttentionAttrName = "tfc.flash";

/// Query rows and keys per tile of the flash form when no `tfc.tile` is
/// recorded (one m16 mma tile by one k16 step).
inline constexpr int64_t kDefaultFlashBlockQ = 16;
inline constexpr int64_t kDefaultFlashBlockKV = 16;

/// Elements per tile of an online softmax row in the reference executor
/// (one warp-wide step of the row kernels).
inline constexpr int64_t kOnlineSoftmaxTile = 32;

} // namespace mlir::tfc

#endif // TFC_DIALECT_KERNELFORMS_H
