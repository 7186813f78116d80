//===- KernelConfig.h - tile and thread choices per kernel family -*- C++ -*-===//
//
// Every tile size, thread count and pipeline depth of the kernel families is
// chosen here, from the problem shape and the #tfc.target (shared memory per
// block, SM count, compute capability), never from a hard-coded GPU. A
// matmul's choice can be pinned with the `tfc.tile` attribute on the op
// (IREE-style): the families only read what these functions return, so a
// test can fix a configuration and a benchmark can compare several.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELCONFIG_H
#define TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELCONFIG_H

#include "tfc/Analysis/KernelFamilyRules.h"
#include "tfc/Dialect/TfcDialect.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

namespace mlir::tfc {

// getComputeCapability and hasMmaSync: tfc/Analysis/KernelFamilyRules.h.

/// Bytes each row of a shared-memory tile is padded by, so that the eight
/// 16-byte rows one ldmatrix phase reads fall in distinct bank groups.
inline constexpr int64_t kSharedRowPadBytes = 16;

//===----------------------------------------------------------------------===//
// Matmul on tensor cores
//===----------------------------------------------------------------------===//

/// A block computes blockM x blockN of the output with warpsM x warpsN warps
/// (each a (blockM / warpsM) x (blockN / warpsN) tile of m16n8k16 mma.sync),
/// stepping K by blockK through `stages` cp.async shared-memory buffers.
struct MmaMatmulConfig {
  int64_t blockM, blockN, blockK, warpsM, warpsN, stages;

  int64_t threads() const { return warpsM * warpsN * 32; }
  /// Shared memory of the A and B stages (16-bit elements, padded rows).
  int64_t sharedMemoryBytes() const;
};

/// The attribute that pins a matmul's configuration: 6 values
/// `tfc.tile = array<i64: blockM, blockN, blockK, warpsM, warpsN, stages>`
/// pin the mma.sync family (also on sm_90a); 3 to 5 values `array<i64:
/// blockM, blockN, stages[, persistent[, splitK]]>` pin the wgmma + TMA
/// family (WgmmaMatmulConfig; tfc-tile records all 5).
inline constexpr llvm::StringLiteral kTileAttrName = "tfc.tile";

/// Chooses the configuration of a batch x [m, k] x [k, n] matmul of 16-bit
/// operands: the largest block tile that still gives every SM a block, at
/// most three stages, within the target's shared memory per block. Honors
/// `tfc.tile` on `op` (checked; errors name the violated constraint).
FailureOr<MmaMatmulConfig> chooseMmaMatmulConfig(Operation *op,
                                                 TargetAttr target,
                                                 int64_t batch, int64_t m,
                                                 int64_t n, int64_t k);

//===----------------------------------------------------------------------===//
// Matmul on Hopper: wgmma + TMA (sm_90a)
//===----------------------------------------------------------------------===//

/// Whether the target has wgmma and TMA (the arch-specific sm_90a features;
/// plain sm_90 has neither).
bool hasWgmma(TargetAttr target);

/// A block of blockM / 64 consumer warpgroups computes blockM x blockN of
/// the output (each warpgroup 64 rows with one m64n<blockN>k16 wgmma per
/// 16-wide K step), stepping K by kBlockK through `stages` shared-memory
/// buffers that TMA fills (128-byte swizzle: kBlockK 16-bit elements are
/// one 128-byte row).
struct WgmmaMatmulConfig {
  static constexpr int64_t kBlockK = 64;
  int64_t blockM, blockN, stages;
  /// One block per SM looping over tiles (the next tile's loads overlap
  /// this tile's epilogue) instead of one block per tile.
  bool persistent = false;
  /// Blocks that share one output tile, each over a 1 / splitK slice of K
  /// (a thread-block cluster of splitK blocks; the partial sums meet in the
  /// first block's registers through distributed shared memory before the
  /// epilogue). 1: no split.
  int64_t splitK = 1;
  /// The most blocks of a portable cluster, and so of a split.
  static constexpr int64_t kMaxSplitK = 8;

  int64_t warpgroups() const { return blockM / 64; }
  int64_t threads() const { return warpgroups() * 128; }
  /// Bytes of one stage: the A tile and the B tile (16-bit elements).
  int64_t stageBytes() const { return (blockM + blockN) * kBlockK * 2; }
  /// Bytes of the epilogue's output tile (16-bit elements, rows padded by
  /// 16 bytes), and where it starts: over the stages, which are free by
  /// then, or after them in the persistent schedule.
  int64_t epilogueBytes() const { return blockM * (blockN + 8) * 2; }
  int64_t epilogueOffset() const {
    return persistent ? stages * stageBytes() : 0;
  }
  /// Bytes of the f32 partial sums the other blocks of a split store into
  /// the first block's shared memory (over its stages, free by then).
  int64_t partialBytes() const { return (splitK - 1) * blockM * blockN * 4; }
  int64_t sharedMemoryBytes() const {
    return std::max({stages * stageBytes(), epilogueOffset() + epilogueBytes(),
                     partialBytes()});
  }
};

/// Chooses the wgmma configuration of a batch x [m, k] x [k, n] matmul of
/// 16-bit operands: blockM 128 (64 for m <= 64), blockN from 256, 192, 128
/// to fill the last wave of blocks best, as many stages as the target's
/// shared memory per block holds (at most 5; 2 for K <= 1024 and blockN <=
/// 192, so that two blocks share an SM). When the output tiles would keep
/// fewer than half the SMs busy (small m: decoding, short prompts), K is
/// split over up to kMaxSplitK blocks per 64-wide tile (at most one block
/// per SM, at least 4 K tiles per block).
/// `tfc.tile = array<i64: blockM, blockN, stages[, persistent[, splitK]]>`
/// pins it; errors name the violated constraint.
FailureOr<WgmmaMatmulConfig> chooseWgmmaMatmulConfig(Operation *op,
                                                     TargetAttr target,
                                                     int64_t batch, int64_t m,
                                                     int64_t n, int64_t k);

//===----------------------------------------------------------------------===//
// Row kernels (softmax, layer_norm, rms_norm)
//===----------------------------------------------------------------------===//

/// How threads cover rows: `threadsPerRow` threads (at least a warp) each
/// hold `chunksPerThread` vectors of `vectorWidth` elements of one row in
/// registers; a block of `threads()` threads holds `rowsPerBlock` rows.
/// `inRegisters` is false when a row is too long to keep: then it is
/// streamed (read twice).
struct RowConfig {
  int64_t vectorWidth, threadsPerRow, rowsPerBlock, chunksPerThread;
  bool inRegisters;

  int64_t threads() const { return threadsPerRow * rowsPerBlock; }
};

/// Chooses the row layout for `rows` rows of `length` elements, read with
/// vectors of `vectorWidth` elements (1 when the rows are not aligned).
RowConfig chooseRowConfig(TargetAttr target, int64_t rows, int64_t length,
                          int64_t vectorWidth);

/// Threads of the block that streams one row of `length` elements.
int64_t streamedRowThreads(int64_t length);

/// The row layout of the kernel `op` (tfc.softmax, tfc.layer_norm or
/// tfc.rms_norm) anchors: in registers where the op allows it (softmax over
/// the last axis, the norms) and the row fits, else streamed, one row per
/// block. `tfc.tile = array<i64: threadsPerRow, rowsPerBlock>` on `op` pins
/// it (checked; errors name the violated rule).
FailureOr<RowConfig> chooseRowKernelConfig(Operation *op, TargetAttr target);

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// Flash attention on tensor cores: a block handles blockQ query rows of
/// `heads` query heads of one key/value group (GQA: the heads share each
/// K/V tile; warps / heads warps per head, 16 or 32 rows per warp) and
/// streams keys and values blockKV at a time through `stages` shared-memory
/// buffers.
struct FlashAttentionConfig {
  int64_t blockQ, blockKV, warps, stages;
  int64_t heads = 1;

  int64_t threads() const { return warps * 32; }
  /// Query rows each warp owns (16 or 32: one or two mma m-tiles).
  int64_t rowsPerWarp() const { return blockQ * heads / warps; }
  /// Shared memory of the Q tile and the K and V stages (16-bit elements).
  int64_t sharedMemoryBytes(int64_t headDim, int64_t valueDim) const;
};

/// Chooses the flash attention tiles for head dims `headDim` (q, k) and
/// `valueDim` (v): blockQ 64 with 16 rows per warp, or 128 with 32 rows
/// per warp above head dim 64; blockKV the largest of 64, 32, 16 whose
/// tiles let two blocks share an SM's shared memory (else the largest that
/// fits a block). Honors `tfc.tile = array<i64: blockQ, blockKV, warps,
/// stages[, heads]>` on `op` (checked against the rules and the shared
/// memory).
FailureOr<FlashAttentionConfig>
chooseFlashAttentionConfig(Operation *op, TargetAttr target, int64_t headDim,
                           int64_t valueDim);

} // namespace mlir::tfc

#endif // TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELCONFIG_H
