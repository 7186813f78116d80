//===- TensorCoreMatmul.cpp - matmul + epilogue on tensor cores ----------===//
//
// The matrix family for 16-bit operands on sm_80+: one block computes a
// blockM x blockN tile of one batch of the output (grid x over N, y over M,
// z over the batch dims); its warps (warpsM x warpsN) each own a sub-tile
// of m16n8k16 mma.sync accumulators in f32 registers. Plan:
//
//   1. A and B tiles of blockK stream through `stages` padded shared-memory
//      buffers with 16-byte cp.async copies, stages - 1 tiles ahead of the
//      math (one commit group per K tile; wait_group(stages - 2) and a
//      barrier make tile kt visible and free the buffer it replaces).
//      Rows and K beyond the tensor are zero-filled, so tails of M, N and K
//      need no other masking.
//   2. Each 16-wide K step loads A and B fragments with ldmatrix (.trans
//      for operands stored K-major: a [K, N] rhs or a transposed lhs) and
//      issues the warp's mma.sync grid.
//   3. Each accumulator pair (two adjacent columns of one row) is rounded
//      to the matmul's element type, passed through the fusion's elementwise
//      epilogue (bias, activation, residual, cast) and stored, two elements
//      per store; out-of-range rows and columns are skipped.
//
// Tiles come from KernelConfig (the target's shared memory and SM count).
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelConfig.h"
#include "KernelFamilies.h"
#include "TensorCoreUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tfc;

namespace {
/// Per-thread positions used by the fragment loads and the epilogue.
struct LaneLayout {
  Value lane16;      // lane % 16
  Value lane16Half;  // (lane / 16) * 8
  Value lane8;       // lane % 8
  Value lane8Half;   // ((lane / 8) % 2) * 8
  Value group;       // lane / 4
  Value pairColumn;  // (lane % 4) * 2

  static LaneLayout create(OpBuilder &b, Location loc, Value lane) {
    auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
    LaneLayout l;
    l.lane16 = arith::RemUIOp::create(b, loc, lane, c(16));
    l.lane16Half = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, lane, c(16)), c(8));
    l.lane8 = arith::RemUIOp::create(b, loc, lane, c(8));
    l.lane8Half = arith::MulIOp::create(
        b, loc,
        arith::RemUIOp::create(b, loc,
                               arith::DivUIOp::create(b, loc, lane, c(8)),
                               c(2)),
        c(8));
    l.group = arith::DivUIOp::create(b, loc, lane, c(4));
    l.pairColumn = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, lane, c(4)), c(2));
    return l;
  }
};
} // namespace

static Value addConst(OpBuilder &b, Location loc, Value v, int64_t c) {
  if (c == 0)
    return v;
  return arith::AddIOp::create(b, loc, v, indexConstant(b, loc, c));
}

LogicalResult mlir::tfc::storeAccumulatorPair(
    OpBuilder &b, Location loc, KernelContext &ctx, MatmulOp op,
    ArrayRef<Value> batchIndices, Value row, Value col, Value v0, Value v1,
    bool fullM, bool fullN) {
  auto outType = op.getType();
  ArrayRef<int64_t> outShape = outType.getShape();
  int64_t rank = outType.getRank();
  int64_t m = outShape[rank - 2], n = outShape[rank - 1];
  Type f32 = b.getF32Type();
  Type outElement = outType.getElementType();
  auto cst = [&](int64_t v) { return indexConstant(b, loc, v); };
  SmallVector<Value> values = {convertScalar(b, loc, v0, f32, outElement),
                               convertScalar(b, loc, v1, f32, outElement)};
  // Stores the elements [first, first + count) of the pair under `cond`
  // (null: always).
  auto store = [&](Value cond, int64_t first, int64_t count) {
    OpBuilder::InsertionGuard guard(b);
    if (cond) {
      auto ifOp = scf::IfOp::create(b, loc, cond, /*withElse=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
    }
    SmallVector<Value> indices(batchIndices);
    indices.append({row, addConst(b, loc, col, first)});
    VectorGroup group;
    group.width = count;
    SmallVector<ElementIndex> at = makeLanes(
        b, loc, ElementIndex::fromIndices(outShape, indices), group);
    return ctx.storeAnchor(b, loc, op.getResult(),
                           ArrayRef<Value>(values).slice(first, count), at);
  };
  Value rowInside;
  if (!fullM)
    rowInside =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, cst(m));
  auto withRow = [&](Value cond) -> Value {
    if (!rowInside)
      return cond;
    return cond ? arith::AndIOp::create(b, loc, rowInside, cond).getResult()
                : rowInside;
  };
  if (n % 2 == 0) {
    Value cond =
        fullN ? Value()
              : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                      cst(n))
                    .getResult();
    return store(withRow(cond), 0, 2);
  }
  for (int64_t i = 0; i < 2; ++i) {
    Value cond = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       addConst(b, loc, col, i), cst(n));
    if (failed(store(withRow(cond), i, 1)))
      return failure();
  }
  return success();
}

bool mlir::tfc::isTensorCoreMatmul(KernelContext &ctx, MatmulOp op) {
  // Operands are read straight from kernel arguments with 16-byte copies:
  // no prologue ops (tfc/Analysis/KernelFamilyRules.h).
  return isTensorCoreMatmul(ctx.target, op,
                            isFusionArgument);
}

FailureOr<LaunchConfig>
mlir::tfc::emitTensorCoreMatmulKernel(OpBuilder &b, KernelContext &ctx,
                                      MatmulOp op) {
  Location loc = op.getLoc();
  auto lhsType = op.getLhs().getType();
  auto rhsType = op.getRhs().getType();
  auto outType = op.getType();
  Type element = lhsType.getElementType();
  Type f32 = b.getF32Type();
  bool transposeLhs = op.getTransposeLhs(), transposeRhs = op.getTransposeRhs();
  ArrayRef<int64_t> outShape = outType.getShape();
  int64_t rank = outType.getRank();
  int64_t m = outShape[rank - 2], n = outShape[rank - 1];
  int64_t k = transposeLhs ? lhsType.getShape()[lhsType.getRank() - 2]
                           : lhsType.getShape().back();
  ArrayRef<int64_t> outBatch = outShape.drop_back(2);
  int64_t batch = numElements(outBatch);

  FailureOr<MmaMatmulConfig> chosen =
      chooseMmaMatmulConfig(op, ctx.target, batch, m, n, k);
  if (failed(chosen))
    return failure();
  const MmaMatmulConfig c = *chosen;
  int64_t threads = c.threads();
  int64_t warpTileM = c.blockM / c.warpsM, warpTileN = c.blockN / c.warpsN;
  int64_t fragsM = warpTileM / 16, fragsN = warpTileN / 8;
  int64_t kTiles = ceilDiv(k, c.blockK);
  auto cst = [&](int64_t v) { return indexConstant(b, loc, v); };

  // Block and thread coordinates.
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane = arith::RemUIOp::create(b, loc, tid, cst(32));
  Value warp = arith::DivUIOp::create(b, loc, tid, cst(32));
  Value warpM = arith::DivUIOp::create(b, loc, warp, cst(c.warpsN));
  Value warpN = arith::RemUIOp::create(b, loc, warp, cst(c.warpsN));
  Value warpOffsetM = arith::MulIOp::create(b, loc, warpM, cst(warpTileM));
  Value warpOffsetN = arith::MulIOp::create(b, loc, warpN, cst(warpTileN));
  Value blockM = arith::MulIOp::create(
      b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::y),
      cst(c.blockM));
  Value blockN = arith::MulIOp::create(
      b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
      cst(c.blockN));
  SmallVector<Value> batchIndices;
  if (!outBatch.empty())
    batchIndices = delinearize(
        b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::z), outBatch);
  LaneLayout lanes = LaneLayout::create(b, loc, lane);

  // 1. Staged tiles.
  SharedMemoryPlan smem(b, loc);
  Value lhs = ctx.emitter.getInputBuffer(
      cast<BlockArgument>(op.getLhs()).getArgNumber());
  Value rhs = ctx.emitter.getInputBuffer(
      cast<BlockArgument>(op.getRhs()).getArgNumber());
  SmallVector<Value> lhsBatch = projectBroadcastIndex(
      b, loc, batchIndices, outBatch, lhsType.getShape().drop_back(2));
  SmallVector<Value> rhsBatch = projectBroadcastIndex(
      b, loc, batchIndices, outBatch, rhsType.getShape().drop_back(2));
  StagedTile tileA =
      transposeLhs
          ? StagedTile::create(b, loc, smem, lhs, lhsBatch, c.blockK, c.blockM,
                               c.stages, tid, threads)
          : StagedTile::create(b, loc, smem, lhs, lhsBatch, c.blockM, c.blockK,
                               c.stages, tid, threads);
  StagedTile tileB =
      transposeRhs
          ? StagedTile::create(b, loc, smem, rhs, rhsBatch, c.blockN, c.blockK,
                               c.stages, tid, threads)
          : StagedTile::create(b, loc, smem, rhs, rhsBatch, c.blockK, c.blockN,
                               c.stages, tid, threads);
  bool fullM = m % c.blockM == 0, fullN = n % c.blockN == 0,
       fullK = k % c.blockK == 0;
  auto copyStage = [&](OpBuilder &b, Value kTile, Value slot) {
    Value k0 = arith::MulIOp::create(b, loc, kTile, cst(c.blockK));
    if (transposeLhs)
      tileA.copy(b, loc, slot, k0, blockM, fullK, fullM);
    else
      tileA.copy(b, loc, slot, blockM, k0, fullM, fullK);
    if (transposeRhs)
      tileB.copy(b, loc, slot, blockN, k0, fullN, fullK);
    else
      tileB.copy(b, loc, slot, k0, blockN, fullK, fullN);
  };
  for (int64_t s = 0; s + 1 < c.stages; ++s) {
    if (s < kTiles)
      copyStage(b, cst(s), cst(s));
    commitAsyncCopies(b, loc);
  }

  // 2. The K loop.
  SmallVector<Value> zeros(fragsM * fragsN * 4, floatConstant(b, loc, f32, 0));
  auto loop = scf::ForOp::create(b, loc, cst(0), cst(kTiles), cst(1), zeros);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    waitAsyncCopies(b, loc, c.stages - 2);
    gpu::BarrierOp::create(b, loc);
    Value next = addConst(b, loc, kt, c.stages - 1);
    Value haveNext = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           next, cst(kTiles));
    auto ifNext = scf::IfOp::create(b, loc, haveNext, /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifNext.thenBlock());
      copyStage(b, next, arith::RemUIOp::create(b, loc, next, cst(c.stages)));
    }
    commitAsyncCopies(b, loc);
    Value slot = arith::RemUIOp::create(b, loc, kt, cst(c.stages));

    SmallVector<Value> acc(loop.getRegionIterArgs());
    for (int64_t kk = 0; kk < c.blockK / 16; ++kk) {
      SmallVector<SmallVector<Value>> fragA, fragB;
      for (int64_t mi = 0; mi < fragsM; ++mi) {
        int64_t m0 = mi * 16;
        SmallVector<Value> idx =
            transposeLhs
                ? SmallVector<Value>{slot,
                                     addConst(b, loc,
                                              arith::AddIOp::create(
                                                  b, loc, lanes.lane16Half,
                                                  lanes.lane8),
                                              kk * 16),
                                     addConst(b, loc,
                                              arith::AddIOp::create(
                                                  b, loc, warpOffsetM,
                                                  lanes.lane8Half),
                                              m0)}
                : SmallVector<Value>{
                      slot,
                      addConst(b, loc,
                               arith::AddIOp::create(b, loc, warpOffsetM,
                                                     lanes.lane16),
                               m0),
                      addConst(b, loc, lanes.lane16Half, kk * 16)};
        fragA.push_back(loadMatrixFragments(b, loc, tileA.shared, idx, 4,
                                            /*transpose=*/transposeLhs));
      }
      for (int64_t nj = 0; nj < fragsN / 2; ++nj) {
        int64_t n0 = nj * 16;
        SmallVector<Value> idx =
            transposeRhs
                ? SmallVector<Value>{slot,
                                     addConst(b, loc,
                                              arith::AddIOp::create(
                                                  b, loc, warpOffsetN,
                                                  arith::AddIOp::create(
                                                      b, loc, lanes.lane16Half,
                                                      lanes.lane8)),
                                              n0),
                                     addConst(b, loc, lanes.lane8Half, kk * 16)}
                : SmallVector<Value>{
                      slot,
                      addConst(b, loc,
                               arith::AddIOp::create(b, loc, lanes.lane8Half,
                                                     lanes.lane8),
                               kk * 16),
                      addConst(b, loc,
                               arith::AddIOp::create(b, loc, warpOffsetN,
                                                     lanes.lane16Half),
                               n0)};
        SmallVector<Value> regs = loadMatrixFragments(
            b, loc, tileB.shared, idx, 4, /*transpose=*/!transposeRhs);
        fragB.push_back({regs[0], regs[1]});
        fragB.push_back({regs[2], regs[3]});
      }
      for (int64_t mi = 0; mi < fragsM; ++mi)
        for (int64_t ni = 0; ni < fragsN; ++ni) {
          MutableArrayRef<Value> cFrag(&acc[(mi * fragsN + ni) * 4], 4);
          SmallVector<Value> d =
              emitMma16816(b, loc, element, fragA[mi], fragB[ni], cFrag);
          llvm::copy(d, cFrag.begin());
        }
    }
    scf::YieldOp::create(b, loc, acc);
  }
  waitAsyncCopies(b, loc, 0);

  // 3. Epilogue: pairs of adjacent columns.
  for (int64_t mi = 0; mi < fragsM; ++mi)
    for (int64_t ni = 0; ni < fragsN; ++ni)
      for (int64_t half = 0; half < 2; ++half) {
        Value row = arith::AddIOp::create(
            b, loc, blockM,
            addConst(b, loc,
                     arith::AddIOp::create(b, loc, warpOffsetM, lanes.group),
                     mi * 16 + half * 8));
        Value col = arith::AddIOp::create(
            b, loc, blockN,
            addConst(b, loc,
                     arith::AddIOp::create(b, loc, warpOffsetN,
                                           lanes.pairColumn),
                     ni * 8));
        Value v0 = loop.getResult((mi * fragsN + ni) * 4 + half * 2);
        Value v1 = loop.getResult((mi * fragsN + ni) * 4 + half * 2 + 1);
        if (failed(storeAccumulatorPair(b, loc, ctx, op, batchIndices, row,
                                        col, v0, v1, fullM, fullN)))
          return failure();
      }

  LaunchConfig config;
  config.grid = {ceilDiv(n, c.blockN), ceilDiv(m, c.blockM),
                 std::max<int64_t>(batch, 1)};
  config.block = {threads, 1, 1};
  config.dynamicSharedMemoryBytes = smem.bytes();
  return finishLaunch(ctx, config);
}
