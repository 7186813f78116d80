//===- FlashAttention.cpp - attention in the flash form on tensor cores --===//
//
// 16-bit attention on sm_80+ (FlashAttention-2's forward pass): a block
// owns blockQ query rows of one (batch, head), 16 or 32 rows per warp (one
// or two m16 tiles), and streams the keys and values it may see blockKV at
// a time. Plan:
//
//   1. The Q tile is copied once to shared memory (cp.async) and kept in
//      registers as mma A fragments (16 rows per warp) or reloaded per KV
//      tile (32 rows per warp: there each K and V fragment read from shared
//      memory feeds two mma instead of one); K and V tiles are double-buffered in
//      shared memory, the next tile's copy in flight while this one is used.
//      Keys past the end are zero-filled and masked.
//   2. Per KV tile, each warp computes its 16 x blockKV scores with
//      mma.sync (K read with ldmatrix as the col-major B operand), masks
//      them (key range, causal diagonal, sliding window, additive mask),
//      and updates the online softmax in f32 registers: the running row
//      maximum (reduced over the 4 threads that share a row), the rescale
//      factor of the running sum and output, and P = exp2(s * c - max * c)
//      with c = scale * log2(e) (one fma per score; with an additive mask
//      or a negative scale, scores are scaled first), exp2 being PTX's
//      ex2.approx.ftz. The KV tiles run in up to three loops: first the
//      masked ones, on the causal diagonal or past the last key, then
//      those left of some row's window, and last the tiles every row of
//      the block sees whole, with no compare or select per score and none
//      of the masked loops' values live (the online softmax does not
//      depend on the order of the tiles).
//   3. P goes from the accumulator layout straight into A fragments (packed
//      to 16 bits) for O += P V (V read with ldmatrix.trans); the score
//      matrix never leaves registers.
//   4. O / sum, through the fusion's epilogue, stored two elements at a
//      time. Causal and window attention loop only over the KV tiles some
//      row of the block sees, and causal blocks run heaviest first.
//
// Q, K and V are read in place: a kernel argument, or a strided view of
// one (getStridedView) when the fusion splits heads out of a packed QKV
// projection; the output may be stored through a transposed view of the
// fusion's result (isStoreSideTranspose), so the usual head merge costs no
// kernel either. A query rotated by RoPE (getFlashQueryRope) is computed
// into its shared tile once per block through the pointwise emitter
// instead of copied.
//
// GQA and MQA: query head h reads key/value head h / (Hq / Hkv). A block
// may own `heads` query heads of one group (tfc.tile's fifth value): its
// warps are split among them and every K/V tile copied to shared memory
// feeds all of them, with the same causal range (same query rows).
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelConfig.h"
#include "KernelFamilies.h"
#include "TensorCoreUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc;

bool mlir::tfc::isFlashAttention(KernelContext &ctx, AttentionOp op) {
  return isFlashAttention(ctx.target, op);
}

bool mlir::tfc::isFlashAttention(TargetAttr target, AttentionOp op) {
  // Q, K and V are read from kernel arguments (cp.async), in place or
  // through a strided view (tfc/Analysis/KernelFamilyRules.h).
  return isFlashAttention(target, op,
                          isFusionArgument);
}

/// PTX's ex2.approx.ftz.f32 (the NVVM intrinsic).
static constexpr llvm::StringLiteral kEx2ApproxFtz = "llvm.nvvm.ex2.approx.ftz.f";

namespace {
/// The lane-dependent parts of fragment addresses (see TensorCoreUtils.h).
struct Lanes {
  Value lane16, lane16Half, lane8, lane8Half, group, pairColumn;
};
} // namespace

FailureOr<LaunchConfig> mlir::tfc::emitFlashAttentionKernel(OpBuilder &b,
                                                            KernelContext &ctx,
                                                            AttentionOp op) {
  Location loc = op.getLoc();
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto kType = cast<RankedTensorType>(op.getKey().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  Type element = qType.getElementType();
  Type f32 = b.getF32Type();
  int64_t batch = qType.getDimSize(0), qHeads = qType.getDimSize(1);
  int64_t qLen = qType.getDimSize(2), headDim = qType.getDimSize(3);
  int64_t kvHeads = kType.getDimSize(1), kvLen = kType.getDimSize(2);
  int64_t valueDim = vType.getDimSize(3);
  int64_t group = qHeads / kvHeads;
  bool causal = op.getCausal();
  int64_t window = op.getWindow();

  FailureOr<FlashAttentionConfig> chosen =
      chooseFlashAttentionConfig(op, ctx.target, headDim, valueDim);
  if (failed(chosen))
    return failure();
  const FlashAttentionConfig c = *chosen;
  int64_t threads = c.threads();
  int64_t qBlocks = ceilDiv(qLen, c.blockQ);
  int64_t kvTiles = ceilDiv(kvLen, c.blockKV);
  int64_t scoreBlocks = c.blockKV / 8, outBlocks = valueDim / 8;
  auto cst = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto fc = [&](double v) { return floatConstant(b, loc, f32, v); };
  auto add = [&](Value x, int64_t k) -> Value {
    return k == 0 ? x : arith::AddIOp::create(b, loc, x, cst(k)).getResult();
  };
  auto addV = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };

  // Coordinates.
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, cst(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, cst(32));
  Lanes l;
  l.lane16 = arith::RemUIOp::create(b, loc, lane, cst(16));
  l.lane16Half = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, lane, cst(16)), cst(8));
  l.lane8 = arith::RemUIOp::create(b, loc, lane, cst(8));
  l.lane8Half = arith::MulIOp::create(
      b, loc,
      arith::RemUIOp::create(b, loc, arith::DivUIOp::create(b, loc, lane, cst(8)),
                             cst(2)),
      cst(8));
  l.group = arith::DivUIOp::create(b, loc, lane, cst(4));
  l.pairColumn = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, lane, cst(4)), cst(2));
  Value qBlock = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  if (causal) // heaviest blocks (most keys) first
    qBlock = arith::SubIOp::create(b, loc, cst(qBlocks - 1), qBlock);
  // The block's query heads: c.heads of one key/value group, headBase
  // first; warp w works on head headBase + w / warpsPerHead.
  int64_t warpsPerHead = c.warps / c.heads;
  Value headBase = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value headInBlock = cst(0), warpInHead = warp;
  if (c.heads > 1) {
    headBase = arith::MulIOp::create(b, loc, headBase, cst(c.heads));
    headInBlock = arith::DivUIOp::create(b, loc, warp, cst(warpsPerHead));
    warpInHead = arith::RemUIOp::create(b, loc, warp, cst(warpsPerHead));
  }
  Value head = c.heads > 1 ? addV(headBase, headInBlock) : headBase;
  Value batchIndex = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  Value kvHead =
      group == 1 ? head
                 : arith::DivUIOp::create(b, loc, headBase, cst(group))
                       .getResult();
  Value q0 = arith::MulIOp::create(b, loc, qBlock, cst(c.blockQ));
  Value warpRow =
      arith::MulIOp::create(b, loc, warpInHead, cst(c.rowsPerWarp()));

  // 1. Shared tiles and the copies in flight.
  SharedMemoryPlan smem(b, loc);
  // Q, K and V: kernel arguments, or strided views of one read in place
  // (the head split an exporter writes as split, reshape and transpose).
  auto arg = [&](Value v) -> Value {
    if (auto argument = dyn_cast<BlockArgument>(v))
      return ctx.emitter.getInputBuffer(argument.getArgNumber());
    FailureOr<StridedView> view =
        getStridedView(v, isFusionArgument);
    assert(succeeded(view) && "isFlashAttention admits only views");
    return ctx.emitter.getInputView(*view);
  };
  // The Q tile of each of the block's heads (stage p: head headBase + p),
  // copied by as many threads as it has 16-byte chunks when that is fewer
  // than the block's.
  // A rotated query (RoPE in the prologue) is computed into the same tile.
  RopeOp queryRope =
      getFlashQueryRope(op, isFusionArgument);
  int64_t qThreads = std::min(threads, c.blockQ * headDim / 8);
  StagedTile tileQ = StagedTile::create(
      b, loc, smem, arg(queryRope ? queryRope.getInput() : op.getQuery()),
      {batchIndex, headBase}, c.blockQ, headDim, c.heads, tid, qThreads);
  StagedTile tileK = StagedTile::create(b, loc, smem, arg(op.getKey()),
                                        {batchIndex, kvHead}, c.blockKV,
                                        headDim, 2, tid, threads);
  StagedTile tileV = StagedTile::create(b, loc, smem, arg(op.getValue()),
                                        {batchIndex, kvHead}, c.blockKV,
                                        valueDim, 2, tid, threads);
  bool fullQ = qLen % c.blockQ == 0, fullKV = kvLen % c.blockKV == 0;
  if (queryRope) {
    // Each thread evaluates 16-byte groups of the rotated Q tile through the
    // pointwise emitter (the same arithmetic as a separate RoPE kernel,
    // rounded to the element type) and stores them to the tile. Rows past
    // the end repeat the last query row: finite, and never stored.
    int64_t width = vectorWidthFor(element, headDim);
    int64_t groupsPerRow = headDim / width;
    int64_t groups = c.blockQ * groupsPerRow;
    auto vectorType = VectorType::get({width}, element);
    for (int64_t p = 0; p < c.heads; ++p)
      for (int64_t first = 0; first < groups; first += threads) {
        OpBuilder::InsertionGuard guard(b);
        Value g = add(tid, first);
        if (first + threads > groups) {
          auto ifInside = scf::IfOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, g,
                                    cst(groups)),
              /*withElse=*/false);
          b.setInsertionPointToStart(ifInside.thenBlock());
        }
        Value row = arith::DivUIOp::create(b, loc, g, cst(groupsPerRow));
        Value col = arith::MulIOp::create(
            b, loc, arith::RemUIOp::create(b, loc, g, cst(groupsPerRow)),
            cst(width));
        Value position = addV(q0, row);
        if (!fullQ)
          position = arith::MinUIOp::create(b, loc, position, cst(qLen - 1));
        VectorGroup group;
        group.width = width;
        SmallVector<ElementIndex> lanes = makeLanes(
            b, loc,
            ElementIndex::fromIndices(
                qType.getShape(),
                {batchIndex, add(headBase, p), position, col}),
            group);
        SmallVector<Value> stored;
        for (ElementIndex &lane : lanes) {
          FailureOr<Value> value = ctx.emitter.emit(b, op.getQuery(), lane);
          if (failed(value))
            return failure();
          stored.push_back(toStorageType(b, loc, *value, element));
        }
        Value vector = vector::FromElementsOp::create(b, loc, vectorType,
                                                      stored);
        vector::StoreOp::create(b, loc, vector, tileQ.shared,
                                ValueRange{cst(p), row, col});
      }
  } else {
    OpBuilder::InsertionGuard guard(b);
    if (qThreads < threads) {
      auto ifCopies = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, tid,
                                cst(qThreads)),
          /*withElse=*/false);
      b.setInsertionPointToStart(ifCopies.thenBlock());
    }
    for (int64_t p = 0; p < c.heads; ++p) {
      tileQ.batchIndices[1] = add(headBase, p);
      tileQ.copy(b, loc, cst(p), q0, cst(0), fullQ, true);
    }
  }
  commitAsyncCopies(b, loc);

  // The KV tiles some row of this block sees: [kvBegin, kvEnd).
  Value kvBegin = cst(0), kvEnd = cst(kvTiles);
  int64_t shift = kvLen - qLen; // key j is on query i's diagonal at j = i + shift
  if (causal) {
    // Last key of the block's last row, + 1, in tiles (floor, >= 0).
    Value lastRow = arith::MinUIOp::create(b, loc, add(q0, c.blockQ - 1),
                                           cst(qLen - 1));
    Value keysSeen = arith::AddIOp::create(
        b, loc,
        arith::IndexCastOp::create(b, loc, b.getI64Type(), lastRow),
        arith::ConstantIntOp::create(b, loc, shift + 1, 64));
    keysSeen = arith::MaxSIOp::create(
        b, loc, keysSeen, arith::ConstantIntOp::create(b, loc, 0, 64));
    Value tilesSeen = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        arith::DivUIOp::create(
            b, loc,
            arith::AddIOp::create(
                b, loc, keysSeen,
                arith::ConstantIntOp::create(b, loc, c.blockKV - 1, 64)),
            arith::ConstantIntOp::create(b, loc, c.blockKV, 64)));
    kvEnd = arith::MinUIOp::create(b, loc, kvEnd, tilesSeen);
  }
  if (window > 0) {
    // First key of the block's first row: q0 + shift - (window - 1).
    Value firstKey = arith::AddIOp::create(
        b, loc, arith::IndexCastOp::create(b, loc, b.getI64Type(), q0),
        arith::ConstantIntOp::create(b, loc, shift - (window - 1), 64));
    firstKey = arith::MaxSIOp::create(
        b, loc, firstKey, arith::ConstantIntOp::create(b, loc, 0, 64));
    kvBegin = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        arith::DivUIOp::create(
            b, loc, firstKey,
            arith::ConstantIntOp::create(b, loc, c.blockKV, 64)));
    kvBegin = arith::MinUIOp::create(b, loc, kvBegin, kvEnd);
  }
  // The tiles every row of the block sees whole, [fullBegin, fullEnd),
  // run unmasked; the masked ones after them (causal diagonal, keys past
  // the end) and before them (window) run masked, and first: the online
  // softmax does not depend on the order, and the values only the masked
  // loops use are then dead in the hot loop (fewer registers there).
  // Bounds are signed: a shifted diagonal may lie left of key 0.
  auto i64 = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, v, 64);
  };
  auto toI64 = [&](Value v) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
  };
  auto toIndex = [&](Value v) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
  };
  bool maskAtStart = window > 0;
  bool maskAtEnd = causal || !fullKV;
  Value fullBegin = kvBegin, fullEnd = kvEnd;
  if (maskAtStart) {
    // The first tile whose first key the block's last row sees:
    // ceil((q0 + blockQ - 1 + shift - (window - 1)) / blockKV), >= 0.
    Value first = arith::AddIOp::create(b, loc, toI64(q0),
                                        i64(c.blockQ + shift - window));
    first = arith::MaxSIOp::create(b, loc, first, i64(0));
    first = arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, i64(c.blockKV - 1)),
        i64(c.blockKV));
    fullBegin = arith::MinUIOp::create(
        b, loc, arith::MaxUIOp::create(b, loc, toIndex(first), kvBegin),
        kvEnd);
  }
  if (maskAtEnd) {
    Value end = cst(fullKV ? kvTiles : kvTiles - 1);
    if (causal) {
      // Tiles whose last key the block's first row sees:
      // floor((q0 + shift + 1) / blockKV), >= 0.
      Value last = arith::AddIOp::create(b, loc, toI64(q0), i64(shift + 1));
      last = arith::MaxSIOp::create(b, loc, last, i64(0));
      last = arith::DivUIOp::create(b, loc, last, i64(c.blockKV));
      end = arith::MinUIOp::create(b, loc, end, toIndex(last));
    }
    fullEnd = arith::MaxUIOp::create(
        b, loc, arith::MinUIOp::create(b, loc, end, kvEnd), fullBegin);
  }
  // The loops in processing order, and the tile each hands over to when
  // its range ends (the first of the next non-empty range; kvTiles: none).
  // Consecutive tiles of the processing order alternate between the two
  // shared-memory stages.
  struct Range {
    Value lo, hi;
    bool masked;
    Value position; // tiles processed before this range
    Value handOver;
  };
  SmallVector<Range> ranges;
  if (maskAtEnd)
    ranges.push_back({fullEnd, kvEnd, true, {}, {}});
  if (maskAtStart)
    ranges.push_back({kvBegin, fullBegin, true, {}, {}});
  ranges.push_back({fullBegin, fullEnd, false, {}, {}});
  Value none = cst(kvTiles);
  auto firstOf = [&](const Range &range, Value otherwise) -> Value {
    Value nonEmpty = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ult, range.lo, range.hi);
    return arith::SelectOp::create(b, loc, nonEmpty, range.lo, otherwise);
  };
  Value handOver = none;
  for (Range &range : llvm::reverse(ranges)) {
    range.handOver = handOver;
    handOver = firstOf(range, handOver);
  }
  Value firstTile = handOver;
  Value position = cst(0);
  for (Range &range : ranges) {
    range.position = position;
    position = addV(position, arith::SubIOp::create(b, loc, range.hi,
                                                    range.lo));
  }
  auto copyKV = [&](OpBuilder &b, Value tile, Value slot) {
    Value k0 = arith::MulIOp::create(b, loc, tile, cst(c.blockKV));
    tileK.copy(b, loc, slot, k0, cst(0), fullKV, true);
    tileV.copy(b, loc, slot, k0, cst(0), fullKV, true);
  };
  {
    Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                      firstTile, none);
    auto ifAny = scf::IfOp::create(b, loc, any, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifAny.thenBlock());
    copyKV(b, firstTile, cst(0));
  }
  commitAsyncCopies(b, loc);

  // Q fragments: kept in registers when a warp owns 16 rows; reloaded from
  // shared memory per KV tile when it owns more (registers go to the
  // accumulators, and each K/V fragment then feeds `tiles` mma).
  waitAsyncCopies(b, loc, 1);
  gpu::BarrierOp::create(b, loc);
  int64_t tiles = c.rowsPerWarp() / 16;
  auto loadQ = [&](int64_t r, int64_t kk) {
    return loadMatrixFragments(
        b, loc, tileQ.shared,
        {headInBlock, add(addV(warpRow, l.lane16), r * 16),
         add(l.lane16Half, kk * 16)},
        4, /*transpose=*/false);
  };
  SmallVector<SmallVector<Value>> fragQ;
  if (tiles == 1)
    for (int64_t kk = 0; kk < headDim / 16; ++kk)
      fragQ.push_back(loadQ(0, kk));

  // This thread's query rows: row h of m-tile r is g + 8h of its 16.
  SmallVector<std::array<Value, 2>> rowOf(tiles);
  for (int64_t r = 0; r < tiles; ++r)
    for (int64_t h = 0; h < 2; ++h)
      rowOf[r][h] = add(addV(q0, addV(warpRow, l.group)), r * 16 + h * 8);
  double log2e = 1.4426950408889634;
  // Without an additive mask and with a positive scale, scores may stay
  // raw (unscaled) through the row maximum with the scale folded into the
  // exponent: p = exp2(s * scale * log2e - m * scale * log2e), one fma.
  // Done with 16 rows per warp only: with 32 (two m-tiles, 255 registers)
  // ptxas spills the folded form's raw scores inside the loop and not the
  // scaled form (measured: benchmarks/RESULTS.md, "Attention, 2026-11-26").
  bool foldScale = !op.getMask() && op.getScale().convertToDouble() > 0 &&
                   c.rowsPerWarp() == 16;
  Value scale = fc(op.getScale().convertToDouble() * log2e);
  Value negInf = fc(-std::numeric_limits<double>::infinity());
  Value zero = fc(0.0);
  // exp2 as PTX's ex2.approx.ftz.f32: one MUFU.EX2 (the non-ftz form adds
  // a compare and two multiplies around it to keep denormals); results
  // below 2^-126 flush to 0, which a softmax weight never notices.
  auto exp2 = [&](Value x) -> Value {
    return LLVM::CallIntrinsicOp::create(b, loc, f32,
                                         b.getStringAttr(kEx2ApproxFtz),
                                         ValueRange{x})
        .getResult(0);
  };

  // 2-3. The KV loops. State per m-tile r: m[2], l[2] at 4r; O[outBlocks][4]
  // at 4 * tiles + r * outBlocks * 4.
  auto mIndex = [&](int64_t r, int64_t h) { return 4 * r + h; };
  auto lIndex = [&](int64_t r, int64_t h) { return 4 * r + 2 + h; };
  auto oIndex = [&](int64_t r, int64_t ob, int64_t e) {
    return 4 * tiles + (r * outBlocks + ob) * 4 + e;
  };
  SmallVector<Value> init;
  for (int64_t r = 0; r < tiles; ++r)
    init.append({negInf, negInf, zero, zero});
  init.append(tiles * outBlocks * 4, zero);
  LogicalResult status = success();
  // One loop over KV tiles [lo, hi). `masked`: the tiles may hold keys some
  // row must not see (past the end, right of the causal diagonal, left of
  // the window), so each score is compared and selected; tiles every row
  // sees whole skip that.
  auto emitLoop = [&](const Range &range, ValueRange loopInit) -> scf::ForOp {
    bool masked = range.masked;
    auto loop =
        scf::ForOp::create(b, loc, range.lo, range.hi, cst(1), loopInit);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value tile = loop.getInductionVar();
    ValueRange state = loop.getRegionIterArgs();
    Value at = addV(range.position,
                    arith::SubIOp::create(b, loc, tile, range.lo));
    Value slot = arith::RemUIOp::create(b, loc, at, cst(2));
    waitAsyncCopies(b, loc, 0);
    gpu::BarrierOp::create(b, loc);
    {
      Value next = add(tile, 1);
      next = arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, next,
                                range.hi),
          next, range.handOver);
      Value have = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                         next, none);
      auto ifNext = scf::IfOp::create(b, loc, have, /*withElse=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifNext.thenBlock());
      copyKV(b, next, arith::RemUIOp::create(b, loc, add(at, 1), cst(2)));
    }
    commitAsyncCopies(b, loc);
    Value k0 = arith::MulIOp::create(b, loc, tile, cst(c.blockKV));

    // S = Q K^T, s[r][nb][e].
    SmallVector<SmallVector<SmallVector<Value>>> s(
        tiles, SmallVector<SmallVector<Value>>(scoreBlocks,
                                               SmallVector<Value>(4, zero)));
    for (int64_t kk = 0; kk < headDim / 16; ++kk) {
      SmallVector<SmallVector<Value>> q;
      for (int64_t r = 0; r < tiles; ++r)
        q.push_back(tiles == 1 ? fragQ[kk] : loadQ(r, kk));
      for (int64_t nj = 0; nj < scoreBlocks / 2; ++nj) {
        SmallVector<Value> regs = loadMatrixFragments(
            b, loc, tileK.shared,
            {slot, add(addV(l.lane16Half, l.lane8), nj * 16),
             add(l.lane8Half, kk * 16)},
            4, /*transpose=*/false);
        for (int64_t r = 0; r < tiles; ++r) {
          s[r][2 * nj] = emitMma16816(b, loc, element, q[r],
                                      {regs[0], regs[1]}, s[r][2 * nj]);
          s[r][2 * nj + 1] = emitMma16816(b, loc, element, q[r],
                                          {regs[2], regs[3]}, s[r][2 * nj + 1]);
        }
      }
    }

    // Scale (unless folded) and mask. Element e of score block nb: row
    // h = e / 2, key k0 + nb * 8 + 2t + e % 2.
    for (int64_t r = 0; r < tiles; ++r)
      for (int64_t nb = 0; nb < scoreBlocks; ++nb)
        for (int64_t e = 0; e < 4; ++e) {
          int64_t h = e / 2;
          Value row = rowOf[r][h];
          Value key = addV(k0, add(l.pairColumn, nb * 8 + e % 2));
          Value score = s[r][nb][e];
          if (!foldScale)
            score = arith::MulFOp::create(b, loc, score, scale);
          if (Value mask = op.getMask()) {
            auto maskShape = cast<RankedTensorType>(mask.getType()).getShape();
            Value qi = arith::MinUIOp::create(b, loc, row, cst(qLen - 1));
            Value kj = arith::MinUIOp::create(b, loc, key, cst(kvLen - 1));
            SmallVector<Value> idx = projectBroadcastIndex(
                b, loc, ValueRange{batchIndex, head, qi, kj},
                {batch, qHeads, qLen, kvLen}, maskShape);
            FailureOr<Value> m = ctx.emitter.emitAt(b, mask, idx);
            if (failed(m)) {
              status = failure();
              continue;
            }
            score = arith::AddFOp::create(
                b, loc, score, arith::MulFOp::create(b, loc, *m, fc(log2e)));
          }
          if (!masked) {
            s[r][nb][e] = score;
            continue;
          }
          Value visible;
          auto both = [&](Value cond) {
            visible = visible
                          ? arith::AndIOp::create(b, loc, visible, cond).getResult()
                          : cond;
          };
          if (!fullKV)
            both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, key,
                                       cst(kvLen)));
          // Signed arithmetic on the diagonal: row + shift may be < 0.
          Value row64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), row);
          Value key64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), key);
          if (causal)
            both(arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::sle, key64,
                arith::AddIOp::create(
                    b, loc, row64,
                    arith::ConstantIntOp::create(b, loc, shift, 64))));
          if (window > 0)
            both(arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::sge, key64,
                arith::AddIOp::create(b, loc, row64,
                                      arith::ConstantIntOp::create(
                                          b, loc, shift - (window - 1), 64))));
          if (visible)
            score = arith::SelectOp::create(b, loc, visible, score, negInf);
          s[r][nb][e] = score;
        }
    if (failed(status)) {
      scf::YieldOp::create(b, loc, state);
      return loop;
    }
    // A row's maximum may be -inf only where keys are masked: by the
    // selects above or by an additive mask.
    bool mayBeNegInf = masked || op.getMask();
    SmallVector<Value> next(state.begin(), state.end());
    SmallVector<SmallVector<SmallVector<Value>>> o(tiles);
    for (int64_t r = 0; r < tiles; ++r) {
      // Online softmax per row half.
      Value alpha[2], negPivot[2];
      for (int64_t h = 0; h < 2; ++h) {
        Value mx = state[mIndex(r, h)];
        for (int64_t nb = 0; nb < scoreBlocks; ++nb)
          for (int64_t e = 0; e < 2; ++e)
            mx = arith::MaximumFOp::create(b, loc, mx, s[r][nb][h * 2 + e]);
        for (int32_t offset : {1, 2})
          mx = arith::MaximumFOp::create(
              b, loc, mx,
              gpu::ShuffleOp::create(b, loc, mx, offset, 32,
                                     gpu::ShuffleMode::XOR)
                  .getShuffleResult());
        next[mIndex(r, h)] = mx;
        // Exponents against a finite pivot: rows that have seen only
        // masked keys keep weight 0 instead of NaN.
        Value pivot = mx;
        if (mayBeNegInf) {
          Value isNegInf = arith::CmpFOp::create(
              b, loc, arith::CmpFPredicate::OEQ, mx, negInf);
          pivot = arith::SelectOp::create(b, loc, isNegInf, zero, mx);
        }
        Value delta =
            arith::SubFOp::create(b, loc, state[mIndex(r, h)], pivot);
        if (foldScale) {
          delta = arith::MulFOp::create(b, loc, delta, scale);
          pivot = arith::MulFOp::create(b, loc, pivot, scale);
        }
        alpha[h] = exp2(delta);
        negPivot[h] = arith::NegFOp::create(b, loc, pivot);
      }
      SmallVector<Value> rowSum = {zero, zero};
      for (int64_t nb = 0; nb < scoreBlocks; ++nb)
        for (int64_t e = 0; e < 4; ++e) {
          int64_t h = e / 2;
          Value exponent =
              foldScale ? math::FmaOp::create(b, loc, s[r][nb][e], scale,
                                              negPivot[h])
                              .getResult()
                        : arith::AddFOp::create(b, loc, s[r][nb][e],
                                                negPivot[h])
                              .getResult();
          s[r][nb][e] = exp2(exponent);
          rowSum[h] = arith::AddFOp::create(b, loc, rowSum[h], s[r][nb][e]);
        }
      for (int64_t h = 0; h < 2; ++h)
        next[lIndex(r, h)] = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, state[lIndex(r, h)], alpha[h]),
            rowSum[h]);
      o[r].resize(outBlocks);
      for (int64_t ob = 0; ob < outBlocks; ++ob)
        for (int64_t e = 0; e < 4; ++e)
          o[r][ob].push_back(arith::MulFOp::create(
              b, loc, state[oIndex(r, ob, e)], alpha[e / 2]));
    }
    // O += P V: P from the score accumulators, V fragments shared by the
    // warp's m-tiles.
    for (int64_t kk = 0; kk < c.blockKV / 16; ++kk) {
      SmallVector<SmallVector<Value>> fragP;
      for (int64_t r = 0; r < tiles; ++r)
        fragP.push_back(
            {packPair(b, loc, s[r][2 * kk][0], s[r][2 * kk][1], element),
             packPair(b, loc, s[r][2 * kk][2], s[r][2 * kk][3], element),
             packPair(b, loc, s[r][2 * kk + 1][0], s[r][2 * kk + 1][1], element),
             packPair(b, loc, s[r][2 * kk + 1][2], s[r][2 * kk + 1][3], element)});
      for (int64_t nj = 0; nj < outBlocks / 2; ++nj) {
        SmallVector<Value> regs = loadMatrixFragments(
            b, loc, tileV.shared,
            {slot, add(addV(l.lane8Half, l.lane8), kk * 16),
             add(l.lane16Half, nj * 16)},
            4, /*transpose=*/true);
        for (int64_t r = 0; r < tiles; ++r) {
          o[r][2 * nj] = emitMma16816(b, loc, element, fragP[r],
                                      {regs[0], regs[1]}, o[r][2 * nj]);
          o[r][2 * nj + 1] = emitMma16816(b, loc, element, fragP[r],
                                          {regs[2], regs[3]}, o[r][2 * nj + 1]);
        }
      }
    }
    for (int64_t r = 0; r < tiles; ++r)
      for (int64_t ob = 0; ob < outBlocks; ++ob)
        for (int64_t e = 0; e < 4; ++e)
          next[oIndex(r, ob, e)] = o[r][ob][e];
    scf::YieldOp::create(b, loc, next);
    return loop;
  };

  SmallVector<Value> results(init);
  for (const Range &range : ranges)
    if (succeeded(status))
      results = llvm::to_vector_of<Value>(
          emitLoop(range, results).getResults());
  if (failed(status))
    return failure();
  waitAsyncCopies(b, loc, 0);

  // 4. O / sum, epilogue, store.
  Type outElement = outType.getElementType();
  for (int64_t r = 0; r < tiles; ++r)
    for (int64_t h = 0; h < 2; ++h) {
      Value sum = results[lIndex(r, h)];
      for (int32_t offset : {1, 2})
        sum = arith::AddFOp::create(
            b, loc, sum,
            gpu::ShuffleOp::create(b, loc, sum, offset, 32,
                                   gpu::ShuffleMode::XOR)
                .getShuffleResult());
      Value inverse = arith::DivFOp::create(b, loc, fc(1.0), sum);
      Value inside;
      if (!fullQ)
        inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       rowOf[r][h], cst(qLen));
      OpBuilder::InsertionGuard guard(b);
      if (inside) {
        auto ifOp = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
      }
      for (int64_t ob = 0; ob < outBlocks; ++ob) {
        SmallVector<Value> values;
        for (int64_t e = 0; e < 2; ++e)
          values.push_back(convertScalar(
              b, loc,
              arith::MulFOp::create(b, loc, results[oIndex(r, ob, h * 2 + e)],
                                    inverse),
              f32, outElement));
        VectorGroup outGroup;
        outGroup.width = 2;
        SmallVector<ElementIndex> at = makeLanes(
            b, loc,
            ElementIndex::fromIndices(
                outType.getShape(),
                {batchIndex, head, rowOf[r][h], add(l.pairColumn, ob * 8)}),
            outGroup);
        if (failed(ctx.storeAnchor(b, loc, op.getResult(), values, at)))
          return failure();
      }
    }

  LaunchConfig config;
  config.grid = {qBlocks, qHeads / c.heads, batch};
  config.block = {threads, 1, 1};
  config.dynamicSharedMemoryBytes = smem.bytes();
  return finishLaunch(ctx, config);
}
