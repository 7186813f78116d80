//===- KernelConfig.cpp - tile and thread choices per kernel family ------===//
//
// See KernelConfig.h. The numbers here are the rules, not a GPU: the
// target supplies shared memory per block, the SM count and the arch.
//
//===----------------------------------------------------------------------===//

#include "KernelConfig.h"
#include "IndexingUtils.h"
#include "PointwiseEmitter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/bit.h"

using namespace mlir;
using namespace mlir::tfc;

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

/// Bytes of one stage of a rows x cols tile of 16-bit elements whose rows
/// (cols long) are padded.
static int64_t tileBytes(int64_t rows, int64_t cols) {
  return rows * (cols * 2 + kSharedRowPadBytes);
}

int64_t MmaMatmulConfig::sharedMemoryBytes() const {
  // A is blockM x blockK and B blockK x blockN, in whichever orientation
  // they are stored; the larger of the two paddings is counted.
  int64_t a = std::max(tileBytes(blockM, blockK), tileBytes(blockK, blockM));
  int64_t b = std::max(tileBytes(blockN, blockK), tileBytes(blockK, blockN));
  return stages * (a + b);
}

/// Checks that the copy of a rows x cols tile (16-byte chunks along cols)
/// splits evenly over `threads`, each thread always at the same column.
static bool tileCopySplits(int64_t rows, int64_t cols, int64_t threads) {
  int64_t chunksPerRow = cols / 8;
  return cols % 8 == 0 && threads % chunksPerRow == 0 &&
         (rows * chunksPerRow) % threads == 0;
}

/// Why `c` cannot run, or an empty string.
static std::string whyInvalid(const MmaMatmulConfig &c, TargetAttr target) {
  if (c.blockM <= 0 || c.blockN <= 0 || c.blockK <= 0 || c.warpsM <= 0 ||
      c.warpsN <= 0 || c.stages < 2)
    return "sizes must be positive and stages at least 2";
  if (c.blockM % (16 * c.warpsM) != 0)
    return "blockM must be a multiple of 16 * warpsM";
  if (c.blockN % (16 * c.warpsN) != 0)
    return "blockN must be a multiple of 16 * warpsN";
  if (c.blockK % 16 != 0)
    return "blockK must be a multiple of 16";
  if (c.threads() > 1024)
    return "more than 1024 threads per block";
  for (auto [rows, cols] :
       {std::pair{c.blockM, c.blockK}, std::pair{c.blockK, c.blockM},
        std::pair{c.blockN, c.blockK}, std::pair{c.blockK, c.blockN}})
    if (!tileCopySplits(rows, cols, c.threads()))
      return "the 16-byte copies of a " + std::to_string(rows) + "x" +
             std::to_string(cols) + " tile do not split evenly over " +
             std::to_string(c.threads()) + " threads";
  if (c.blockM * c.blockN / c.threads() > 128)
    return "more than 128 accumulators per thread";
  if (c.sharedMemoryBytes() > target.getSmemPerBlock())
    return "tile needs " + std::to_string(c.sharedMemoryBytes()) +
           " bytes of shared memory; the target allows " +
           std::to_string(target.getSmemPerBlock()) + " per block";
  return "";
}

FailureOr<MmaMatmulConfig>
mlir::tfc::chooseMmaMatmulConfig(Operation *op, TargetAttr target,
                                 int64_t batch, int64_t m, int64_t n,
                                 int64_t k) {
  if (auto pinned = op->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName)) {
    if (pinned.size() != 6)
      return op->emitOpError("'")
             << kTileAttrName
             << "' needs 6 values (blockM, blockN, blockK, warpsM, warpsN, "
                "stages), got "
             << pinned.size();
    ArrayRef<int64_t> v = pinned.asArrayRef();
    MmaMatmulConfig config{v[0], v[1], v[2], v[3], v[4], v[5]};
    std::string why = whyInvalid(config, target);
    if (!why.empty())
      return op->emitOpError("'") << kTileAttrName << "' is invalid: " << why;
    return config;
  }

  // Largest block tile first; take the first that gives every SM at least
  // one block (or the smallest when none does). Measured on an H100
  // (benchmarks/RESULTS.md, "Kernel families"): 128x256 warps of 64x64
  // win on long K (8192^3: 310 vs 283 TFLOP/s) but lose on GPT-2's K = 768,
  // where one block per SM and the longer prologue and epilogue do not pay
  // off; there 128x128 with blockK 64 is best (260 vs 241 TFLOP/s for
  // blockK 32).
  static const MmaMatmulConfig longK[] = {
      {128, 256, 32, 2, 4, 4},
  };
  static const MmaMatmulConfig candidates[] = {
      {128, 128, 64, 2, 4, 3},
      {128, 64, 32, 2, 2, 3},
      {64, 64, 32, 2, 2, 3},
      {32, 32, 32, 2, 2, 3},
  };
  // Long K and many waves of blocks for the 128x256 tile (one block per SM).
  constexpr int64_t kLongK = 2048, kMinWaves = 4;
  SmallVector<MmaMatmulConfig> order;
  if (k >= kLongK && batch * ceilDiv(m, 128) * ceilDiv(n, 256) >=
                         kMinWaves * target.getSmCount())
    order.append(std::begin(longK), std::end(longK));
  order.append(std::begin(candidates), std::end(candidates));
  for (auto [index, candidate] : llvm::enumerate(order)) {
    MmaMatmulConfig config = candidate;
    config.stages =
        std::clamp<int64_t>(ceilDiv(k, config.blockK), 2, candidate.stages);
    while (config.stages > 2 && !whyInvalid(config, target).empty())
      --config.stages;
    if (!whyInvalid(config, target).empty())
      continue;
    int64_t blocks =
        batch * ceilDiv(m, config.blockM) * ceilDiv(n, config.blockN);
    if (blocks >= target.getSmCount() || index + 1 == order.size())
      return config;
  }
  return op->emitOpError("has no tensor-core tile that fits the target's ")
         << target.getSmemPerBlock() << " bytes of shared memory per block";
}

//===----------------------------------------------------------------------===//
// Matmul on Hopper (wgmma + TMA)
//===----------------------------------------------------------------------===//

bool mlir::tfc::hasWgmma(TargetAttr target) {
  StringRef arch = target.getArch();
  return getComputeCapability(target) == 90 && arch.ends_with("a");
}

/// Shared memory kept free beside the stages (the mbarriers are static
/// shared variables placed before the 1024-aligned dynamic region).
static constexpr int64_t kWgmmaReservedSharedBytes = 1024;
/// Most stages the chooser uses (more only lengthen the prologue).
static constexpr int64_t kWgmmaMaxStages = 5;
/// K up to which a block's main loop is short enough that overlapping two
/// blocks per SM beats deeper pipelining.
static constexpr int64_t kWgmmaShortK = 1024;

/// Output tiles below which (times the SM count) K is split: fewer would
/// leave more than half the SMs idle.
static constexpr int64_t kWgmmaSplitBelowSmFraction = 2;
/// Fewest K tiles each block of a split gets. Measured on an H200 at M = 16
/// (benchmarks/RESULTS.md, "wgmma split-K and odd N"): K = 768 (12 tiles)
/// is best split 2-3 ways, K = 3072 8 ways; 6 ways at K = 768 lose to no
/// split.
static constexpr int64_t kWgmmaMinSplitKTiles = 4;

/// Why `c` cannot run on a matmul with `kTiles` K tiles, or an empty string.
static std::string whyInvalid(const WgmmaMatmulConfig &c, TargetAttr target,
                              int64_t kTiles) {
  if (c.blockM <= 0 || c.blockM % 64 != 0 || c.blockM > 256)
    return "blockM must be 64, 128, 192 or 256 (one warpgroup per 64 rows)";
  if (c.blockN < 64 || c.blockN > 256 || c.blockN % 64 != 0)
    return "blockN must be 64, 128, 192 or 256 (wgmma n <= 256, TMA boxes "
           "of 64 columns)";
  if (c.stages < 2)
    return "stages must be at least 2";
  if (c.splitK < 1 || c.splitK > WgmmaMatmulConfig::kMaxSplitK)
    return "splitK must be 1 to " +
           std::to_string(WgmmaMatmulConfig::kMaxSplitK) +
           " (the blocks of a portable thread-block cluster), got " +
           std::to_string(c.splitK);
  if (c.splitK > 1 && c.persistent)
    return "splitK needs the one-block-per-tile schedule (persistent 0)";
  if (c.splitK > kTiles)
    return "splitK " + std::to_string(c.splitK) + " leaves blocks without K: K has " +
           std::to_string(kTiles) + " tiles of " +
           std::to_string(WgmmaMatmulConfig::kBlockK);
  int64_t bytes = c.sharedMemoryBytes() + kWgmmaReservedSharedBytes;
  if (bytes > target.getSmemPerBlock())
    return "tile needs " + std::to_string(bytes) +
           " bytes of shared memory; the target allows " +
           std::to_string(target.getSmemPerBlock()) + " per block";
  return "";
}

FailureOr<WgmmaMatmulConfig>
mlir::tfc::chooseWgmmaMatmulConfig(Operation *op, TargetAttr target,
                                   int64_t batch, int64_t m, int64_t n,
                                   int64_t k) {
  int64_t kTiles = ceilDiv(k, WgmmaMatmulConfig::kBlockK);
  if (auto pinned = op->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName)) {
    if (pinned.size() < 3 || pinned.size() > 5)
      return op->emitOpError("'")
             << kTileAttrName
             << "' of the wgmma family needs 3 to 5 values (blockM, blockN, "
                "stages[, persistent[, splitK]]), got "
             << pinned.size();
    ArrayRef<int64_t> v = pinned.asArrayRef();
    if (v.size() >= 4 && v[3] != 0 && v[3] != 1)
      return op->emitOpError("'")
             << kTileAttrName << "' is invalid: persistent must be 0 or 1, got "
             << v[3];
    WgmmaMatmulConfig config{v[0], v[1], v[2], v.size() >= 4 && v[3] == 1,
                             v.size() == 5 ? v[4] : 1};
    std::string why = whyInvalid(config, target, kTiles);
    if (!why.empty())
      return op->emitOpError("'") << kTileAttrName << "' is invalid: " << why;
    return config;
  }

  int64_t smCount = std::max<int64_t>(target.getSmCount(), 1);
  int64_t batchCount = std::max<int64_t>(batch, 1);
  int64_t blockM = m <= 64 ? 64 : 128;
  // Few output tiles (small m): split K so that more SMs stream the
  // weights, over 64 x 64 tiles (the f32 sums the first block of a split
  // adds grow with the tile; 64 x 64 splits measured fastest), at most one
  // block per SM and at least kWgmmaMinSplitKTiles K tiles per block.
  if (batchCount * ceilDiv(m, blockM) * ceilDiv(n, 128) *
          kWgmmaSplitBelowSmFraction <=
      smCount) {
    int64_t tiles = batchCount * ceilDiv(m, blockM) * ceilDiv(n, 64);
    int64_t splitK = std::clamp<int64_t>(
        std::min({smCount / tiles, kTiles / kWgmmaMinSplitKTiles,
                  WgmmaMatmulConfig::kMaxSplitK}),
        1, WgmmaMatmulConfig::kMaxSplitK);
    WgmmaMatmulConfig config{blockM, 64, 2, false, splitK};
    int64_t stages = (target.getSmemPerBlock() - kWgmmaReservedSharedBytes) /
                     config.stageBytes();
    config.stages = std::clamp<int64_t>(
        std::min(stages, ceilDiv(kTiles, splitK)), 2, kWgmmaMaxStages);
    if (splitK > 1 && whyInvalid(config, target, kTiles).empty())
      return config;
  }

  // The block tile whose last wave of blocks is fullest, weighted by the
  // columns it wastes past n and by the wgmma width (wider reuses each A
  // tile more; benchmarks/RESULTS.md, "wgmma + TMA matmul").
  std::optional<WgmmaMatmulConfig> best;
  double bestScore = -1;
  for (auto [blockN, widthWeight] :
       {std::pair<int64_t, double>{256, 1.0}, {192, 0.97}, {128, 0.92}}) {
    int64_t blocks = batchCount * ceilDiv(m, blockM) * ceilDiv(n, blockN);
    int64_t waves = ceilDiv(blocks, smCount);
    double lastWave = double(blocks) / double(waves * smCount);
    double columns = double(n) / double(ceilDiv(n, blockN) * blockN);
    double score = lastWave * columns * widthWeight;
    WgmmaMatmulConfig config{blockM, blockN, 2};
    if (!whyInvalid(config, target, kTiles).empty() || score <= bestScore)
      continue;
    int64_t stages = (target.getSmemPerBlock() - kWgmmaReservedSharedBytes) /
                     config.stageBytes();
    // Short K (a few K tiles per block): two stages, so that two blocks
    // share an SM and one's prologue and epilogue overlap the other's main
    // loop, where the accumulators leave registers for two (blockN <= 192:
    // 96 of them, 122 registers per thread). Measured on GPT-2's qkv
    // (8192 x 768 x 2304): 0.0568 ms with 128x192x2 vs 0.0609 ms with
    // 128x192x5; 128x256 (154 registers) stays at one block per SM.
    int64_t twoBlocksBytes =
        2 * (2 * config.stageBytes() + kWgmmaReservedSharedBytes);
    if (k <= kWgmmaShortK && blockN <= 192 &&
        twoBlocksBytes <= target.getSmemPerSm())
      stages = 2;
    config.stages = std::clamp<int64_t>(
        std::min(stages, kTiles), 2, kWgmmaMaxStages);
    if (!whyInvalid(config, target, kTiles).empty())
      continue;
    best = config;
    bestScore = score;
  }
  if (!best)
    return op->emitOpError("has no wgmma tile that fits the target's ")
           << target.getSmemPerBlock() << " bytes of shared memory per block";
  return *best;
}

//===----------------------------------------------------------------------===//
// Rows
//===----------------------------------------------------------------------===//

/// Values of a row one thread keeps in registers at most.
static constexpr int64_t kMaxRowValuesPerThread = 32;
/// Threads of a block that holds several short rows.
static constexpr int64_t kRowBlockThreads = 256;

RowConfig mlir::tfc::chooseRowConfig(TargetAttr target, int64_t rows,
                                     int64_t length, int64_t vectorWidth) {
  RowConfig config;
  config.vectorWidth = vectorWidth;
  int64_t chunks = ceilDiv(length, vectorWidth);
  int64_t maxChunks = std::max<int64_t>(1, kMaxRowValuesPerThread / vectorWidth);
  int64_t threadsPerRow = 32;
  while (threadsPerRow < 1024 && ceilDiv(chunks, threadsPerRow) > maxChunks)
    threadsPerRow *= 2;
  config.threadsPerRow = threadsPerRow;
  config.chunksPerThread = ceilDiv(chunks, threadsPerRow);
  config.inRegisters = config.chunksPerThread <= maxChunks;
  if (!config.inRegisters) {
    // Streamed rows: one block loops over the row.
    config.threadsPerRow = streamedRowThreads(length);
    config.chunksPerThread = ceilDiv(chunks, config.threadsPerRow);
  }
  // Short rows: several per block, fewer when that would leave SMs idle.
  int64_t perSm = std::max<int64_t>(1, rows / target.getSmCount());
  int64_t rowsPerBlock = std::max<int64_t>(1, kRowBlockThreads / config.threadsPerRow);
  rowsPerBlock = std::min<int64_t>(rowsPerBlock, static_cast<int64_t>(llvm::bit_floor(static_cast<uint64_t>(perSm))));
  config.rowsPerBlock = std::max<int64_t>(rowsPerBlock, 1);
  return config;
}

int64_t mlir::tfc::streamedRowThreads(int64_t length) {
  return length >= 2048 ? 256 : 128;
}

FailureOr<RowConfig> mlir::tfc::chooseRowKernelConfig(Operation *op,
                                                      TargetAttr target) {
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  ArrayRef<int64_t> shape = outType.getShape();
  int64_t rank = outType.getRank();
  // The rows: softmax along its axis (in registers only for the last axis),
  // the norms over [axis, rank).
  int64_t axis, rows, length;
  bool registersAllowed = true;
  if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
    axis = softmax.getAxis();
    registersAllowed = axis == rank - 1;
  } else if (auto norm = dyn_cast<LayerNormOp>(op)) {
    axis = norm.getAxis();
  } else if (auto norm = dyn_cast<RmsNormOp>(op)) {
    axis = norm.getAxis();
  } else {
    return op->emitOpError("has no row kernel");
  }
  if (axis < 0 || axis >= rank)
    return op->emitOpError("has axis ")
           << axis << " outside the rank " << rank << " of its result";
  if (registersAllowed) {
    length = numElements(shape.drop_front(axis));
    rows = numElements(shape.take_front(axis));
  } else {
    length = shape[axis];
    rows = length == 0 ? 0 : numElements(shape) / length;
  }
  int64_t width =
      !registersAllowed
          ? 1
          : std::min(vectorWidthFor(outType.getElementType(), shape.back()),
                     vectorWidthFor(inType.getElementType(), shape.back()));
  int64_t maxChunks =
      std::max<int64_t>(1, kMaxRowValuesPerThread / width);
  int64_t chunks = ceilDiv(std::max<int64_t>(length, 1), width);

  auto pinned = op->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName);
  if (!pinned) {
    if (!registersAllowed || length == 0 || rows == 0) {
      RowConfig config{1, streamedRowThreads(length), 1, 1, false};
      config.chunksPerThread = ceilDiv(length, config.threadsPerRow);
      return config;
    }
    return chooseRowConfig(target, rows, length, width);
  }
  if (pinned.size() != 2)
    return op->emitOpError("'")
           << kTileAttrName
           << "' needs 2 values (threadsPerRow, rowsPerBlock), got "
           << pinned.size();
  int64_t threadsPerRow = pinned[0], rowsPerBlock = pinned[1];
  auto invalid = [&]() {
    return op->emitOpError("'") << kTileAttrName << "' is invalid: ";
  };
  if (threadsPerRow < 32 || threadsPerRow > 1024 ||
      !llvm::has_single_bit(static_cast<uint64_t>(threadsPerRow)) ||
      rowsPerBlock < 1 || rowsPerBlock > 1024 ||
      !llvm::has_single_bit(static_cast<uint64_t>(rowsPerBlock)))
    return invalid() << "threadsPerRow must be a power of two from 32 to "
                        "1024 and rowsPerBlock a power of two up to 1024, got "
                     << threadsPerRow << " and " << rowsPerBlock;
  if (threadsPerRow * rowsPerBlock > 1024)
    return invalid() << threadsPerRow * rowsPerBlock
                     << " threads per block; at most 1024";
  RowConfig config{width, threadsPerRow, rowsPerBlock,
                   ceilDiv(chunks, threadsPerRow), true};
  config.inRegisters = registersAllowed && length > 0 && rows > 0 &&
                       config.chunksPerThread <= maxChunks;
  if (!config.inRegisters) {
    if (rowsPerBlock != 1)
      return invalid() << "rows of " << length << " elements are streamed ("
                       << (registersAllowed
                               ? "more than " +
                                     std::to_string(maxChunks * width) +
                                     " values per thread at " +
                                     std::to_string(threadsPerRow) +
                                     " threads per row"
                               : std::string("softmax not over the last axis"))
                       << "), one row per block, but rowsPerBlock is "
                       << rowsPerBlock;
    config.vectorWidth = 1;
    config.chunksPerThread = ceilDiv(length, threadsPerRow);
  }
  return config;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

int64_t FlashAttentionConfig::sharedMemoryBytes(int64_t headDim,
                                                int64_t valueDim) const {
  return heads * tileBytes(blockQ, headDim) +
         stages * (tileBytes(blockKV, headDim) + tileBytes(blockKV, valueDim));
}

FailureOr<FlashAttentionConfig>
mlir::tfc::chooseFlashAttentionConfig(Operation *op, TargetAttr target,
                                      int64_t headDim, int64_t valueDim) {
  // Head dims above 64: two m-tiles per warp, so that each K and V
  // fragment read from shared memory feeds two mma (the accumulators of 64
  // rows would not fit in registers with one tile per warp at blockQ 128).
  FlashAttentionConfig config =
      std::max(headDim, valueDim) > 64 ? FlashAttentionConfig{128, 64, 4, 2}
                                       : FlashAttentionConfig{64, 64, 4, 2};
  // The largest key tile with which two blocks share an SM (one block's
  // copies in flight while the other computes); 64 is the largest measured
  // (benchmarks/RESULTS.md, "Kernel families"). When even 16 does not
  // allow two, 16 is checked against one block's shared memory below.
  for (int64_t blockKV : {64, 32, 16}) {
    config.blockKV = blockKV;
    if (2 * config.sharedMemoryBytes(headDim, valueDim) <=
        target.getSmemPerSm())
      break;
  }
  if (auto pinned = op->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName)) {
    if (pinned.size() != 4 && pinned.size() != 5)
      return op->emitOpError("'")
             << kTileAttrName
             << "' needs 4 or 5 values (blockQ, blockKV, warps, stages[, "
                "heads]), got "
             << pinned.size();
    ArrayRef<int64_t> v = pinned.asArrayRef();
    config = {v[0], v[1], v[2], v[3], pinned.size() == 5 ? v[4] : 1};
    int64_t group = 1;
    if (auto attention = dyn_cast<AttentionOp>(op))
      group = cast<RankedTensorType>(attention.getQuery().getType())
                  .getDimSize(1) /
              cast<RankedTensorType>(attention.getKey().getType())
                  .getDimSize(1);
    if (config.heads < 1 || group % config.heads != 0 ||
        config.warps % config.heads != 0)
      return op->emitOpError("'")
             << kTileAttrName << "' is invalid: heads " << config.heads
             << " must divide the " << group
             << " query heads of a key/value group and the " << config.warps
             << " warps";
    config.blockQ *= config.heads; // checked as the block's rows below
    if (config.warps < 1 || config.warps > 32 || config.stages != 2 ||
        (config.blockQ != 16 * config.warps &&
         config.blockQ != 32 * config.warps) ||
        config.blockKV < 16 || config.blockKV % 16 != 0)
      return op->emitOpError("'")
             << kTileAttrName
             << "' is invalid: blockQ times heads must be 16 or 32 times "
                "warps, blockKV a positive multiple of 16 and stages 2";
    if (config.blockKV > 1024)
      return op->emitOpError("'")
             << kTileAttrName << "' is invalid: blockKV " << config.blockKV
             << " is more than 1024 keys";
    config.blockQ /= config.heads;
  }
  // Tiles are copied 16 bytes per thread per row step, each thread the
  // same number of whole copies (the Q tile by at most as many threads as
  // it has 16-byte chunks; the K and V tiles, copied every step, by all).
  int64_t threads = config.threads();
  for (auto [rows, cols, copiers] :
       {std::tuple{config.blockKV, headDim, threads},
        std::tuple{config.blockKV, valueDim, threads},
        std::tuple{config.blockQ, headDim,
                   std::min(threads, config.blockQ * headDim / 8)}}) {
    int64_t chunks = cols / 8;
    if (copiers % chunks != 0 || (rows * chunks) % copiers != 0)
      return op->emitOpError("flash attention tile ")
             << rows << " x " << cols
             << " does not split into whole 16-byte copies over " << threads
             << " threads";
  }
  int64_t bytes = config.sharedMemoryBytes(headDim, valueDim);
  if (bytes > target.getSmemPerBlock())
    return op->emitOpError("flash attention tile needs ")
           << bytes << " bytes of shared memory; the target allows "
           << target.getSmemPerBlock() << " per block";
  return config;
}
