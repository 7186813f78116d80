//===- WgmmaMatmul.cpp - matmul + epilogue on Hopper: TMA + wgmma ---------===//
//
// The matrix family for 16-bit operands on sm_90a. One block computes a
// blockM x blockN tile of one batch of the output with blockM / 64 consumer
// warpgroups (grid x over N tiles, y over M tiles, z over the batch dims;
// blocks are renumbered in groups of 8 M-tiles so that consecutive blocks
// share B tiles in L2). Plan:
//
//   1. TMA loads (cp.async.bulk.tensor, 128-byte swizzle) fill `stages`
//      shared-memory buffers of blockM x 64 of A and 64 x blockN of B
//      (B stored [N, K] is K-major, [K, N] is N-major: 64-column boxes).
//      One thread issues them; each stage has an mbarrier that the TMA
//      completes with the stage's byte count (expect_tx). Elements past
//      M, N or K are zero-filled by TMA, so tails need no other masking.
//   2. The K loop waits on the stage's mbarrier (phase = use count % 2),
//      issues 4 wgmma.mma_async m64n<blockN>k16 per warpgroup on shared
//      memory descriptors, commits, and waits until at most one group is in
//      flight: the previous stage is then free. A block barrier later, the
//      loading thread refills it with the tile `stages` ahead.
//   3. Each thread holds blockN / 2 f32 accumulators in registers (the
//      mma.sync C layout repeated over N). They are rounded to the matmul's
//      element type into shared memory (the stages are free by then); each
//      thread then takes 16-byte row chunks through the fusion's
//      elementwise epilogue (bias, activation, residual, cast) with vector
//      loads and stores; out-of-range rows and columns are skipped. Rows
//      whose length allows no vector (odd n) take pairs from registers.
//
// TMA descriptors (CUtensorMap) can only be encoded on the host
// (cuTensorMapEncodeTiled: the 128-byte format is the driver's), so the
// kernel takes one extra argument per operand, a pointer to its descriptor
// in global memory (`!llvm.ptr`, viewed as `!nvgpu.tensormap.descriptor`),
// after the memrefs of the kernel ABI; LaunchConfig::tensorMaps says what
// each describes (the operand, its 3-D view [batch, rows, cols], the box).
// The family is chosen only when the caller can pass them: the gpu.func
// carries `tfc.tensor_map_args` (FusionKernels.h). Building descriptors on
// the device (tensormap.replace) still needs a host-made template, so it
// would not avoid the host step.
//
// Selected for sm_90a targets when the operands are 16-bit kernel
// arguments with rows a multiple of 8 elements (TMA's 16-byte strides), the
// lhs is not transposed and `tfc.tile` does not pin the mma.sync family;
// everything else goes to TensorCoreMatmul.cpp or MatmulKernels.cpp.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelConfig.h"
#include "KernelFamilies.h"
#include "TensorCoreUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tfc;

/// Bytes of one row of a 128-byte swizzled tile (64 16-bit elements).
static constexpr int64_t kSwizzleBytes = 128;
/// Blocks renumbered together along M (L2 reuse of B tiles).
static constexpr int64_t kRasterGroupM = 8;
/// Elements each row of the staged epilogue tile is padded by (16 bytes).
static constexpr int64_t kEpilogueRowPad = 8;
/// Spin hint of the mbarrier waits (nanoseconds).
static constexpr int64_t kWaitTicks = 10000000;

bool mlir::tfc::isWgmmaMatmul(KernelContext &ctx, MatmulOp op) {
  if (!hasWgmma(ctx.target) || !ctx.func->hasAttr(kTensorMapArgsAttrName))
    return false;
  if (auto tile = op->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName);
      tile && tile.size() != 3)
    return false;
  return !op.getTransposeLhs() && isTensorCoreMatmul(ctx, op);
}

namespace {
/// The descriptor of a 16-bit operand tile in shared memory for wgmma
/// (PTX "matrix descriptor"): start address >> 4 in bits [0, 14), leading
/// byte offset >> 4 in [16, 30), stride byte offset >> 4 in [32, 46), the
/// 128-byte swizzle (1) in [62, 64).
struct SharedTileDescriptor {
  /// K-major (rows of 64 K elements, 8-row groups 1024 bytes apart), or
  /// N-major (rows of 64 N elements per K; 64-column chunks `chunkBytes`
  /// apart).
  static uint64_t constantBits(bool kMajor, int64_t chunkBytes) {
    uint64_t leading = kMajor ? 1 : static_cast<uint64_t>(chunkBytes) >> 4;
    uint64_t stride = (8 * kSwizzleBytes) >> 4;
    return (leading << 16) | (stride << 32) | (uint64_t(1) << 62);
  }
};
} // namespace

/// Elements each thread of the staged epilogue handles: the widest 16-byte
/// access that divides n for the matmul's element type and every fusion
/// result's; below 2 the epilogue stores pairs from registers instead.
static int64_t stagedEpilogueWidth(KernelContext &ctx, MatmulOp op) {
  int64_t n = op.getType().getShape().back();
  int64_t width = vectorWidthFor(op.getType().getElementType(), n);
  for (Type type : ctx.fusion.getResultTypes())
    width = std::min(
        width,
        vectorWidthFor(cast<RankedTensorType>(type).getElementType(), n));
  return width;
}

/// An i64 constant.
static Value i64Constant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, v, 64);
}

FailureOr<LaunchConfig>
mlir::tfc::emitWgmmaMatmulKernel(OpBuilder &b, KernelContext &ctx,
                                 MatmulOp op) {
  Location loc = op.getLoc();
  MLIRContext *context = b.getContext();
  auto lhsType = op.getLhs().getType();
  auto rhsType = op.getRhs().getType();
  auto outType = op.getType();
  Type element = lhsType.getElementType();
  Type f32 = b.getF32Type();
  bool kMajorB = op.getTransposeRhs();
  ArrayRef<int64_t> outShape = outType.getShape();
  int64_t rank = outType.getRank();
  int64_t m = outShape[rank - 2], n = outShape[rank - 1];
  int64_t k = lhsType.getShape().back();
  ArrayRef<int64_t> outBatch = outShape.drop_back(2);
  int64_t batch = numElements(outBatch);

  FailureOr<WgmmaMatmulConfig> chosen =
      chooseWgmmaMatmulConfig(op, ctx.target, batch, m, n, k);
  if (failed(chosen))
    return failure();
  const WgmmaMatmulConfig c = *chosen;
  constexpr int64_t blockK = WgmmaMatmulConfig::kBlockK;
  int64_t mTiles = ceilDiv(m, c.blockM), nTiles = ceilDiv(n, c.blockN);
  int64_t kTiles = ceilDiv(k, blockK);
  int64_t bChunks = c.blockN / 64;
  int64_t aTileBytes = c.blockM * blockK * 2;
  int64_t bChunkBytes = 64 * kSwizzleBytes;
  auto cst = [&](int64_t v) { return indexConstant(b, loc, v); };

  // The kernel's tensor-map arguments: 3-D views [batch, rows, cols] of A
  // and B (batch dims flattened; broadcast dims are projected below).
  auto workgroup =
      gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
  auto boxType = [&](int64_t rows) {
    return MemRefType::get({1, rows, 64}, element, MemRefLayoutAttrInterface(),
                           workgroup);
  };
  auto mapType = [&](int64_t rows) {
    return nvgpu::TensorMapDescriptorType::get(
        context, boxType(rows), nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
        nvgpu::TensorMapL2PromoKind::L2PROMO_256B,
        nvgpu::TensorMapOOBKind::OOB_ZERO,
        nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
  };
  int64_t bBoxRows = kMajorB ? c.blockN : blockK;
  auto lhsArg = cast<BlockArgument>(op.getLhs());
  auto rhsArg = cast<BlockArgument>(op.getRhs());
  ArrayRef<int64_t> lhsShape = lhsType.getShape(), rhsShape = rhsType.getShape();
  int64_t lhsBatchSize = numElements(lhsShape.drop_back(2));
  int64_t rhsBatchSize = numElements(rhsShape.drop_back(2));
  LaunchConfig config;
  config.tensorMaps.push_back(
      {lhsArg.getArgNumber(),
       {lhsBatchSize, lhsShape[lhsShape.size() - 2], lhsShape.back()},
       {1, c.blockM, 64}});
  config.tensorMaps.push_back(
      {rhsArg.getArgNumber(),
       {rhsBatchSize, rhsShape[rhsShape.size() - 2], rhsShape.back()},
       {1, bBoxRows, 64}});
  // The arguments are generic pointers (what the NVVM lowering makes of a
  // tensor-map descriptor; convert-gpu-to-nvvm cannot convert the nvgpu type
  // in a signature), viewed as descriptors inside the kernel.
  unsigned mapArgIndex = ctx.func.getNumArguments();
  auto pointerType = LLVM::LLVMPointerType::get(context);
  if (failed(ctx.func.insertArgument(mapArgIndex, pointerType, {}, loc)) ||
      failed(ctx.func.insertArgument(mapArgIndex + 1, pointerType, {}, loc)))
    return op.emitOpError("cannot add the tensor-map arguments to the kernel");
  auto asDescriptor = [&](unsigned index, Type type) {
    return UnrealizedConversionCastOp::create(
               b, loc, type, ValueRange{ctx.func.getArgument(index)})
        .getResult(0);
  };
  Value mapA = asDescriptor(mapArgIndex, mapType(c.blockM));
  Value mapB = asDescriptor(mapArgIndex + 1, mapType(bBoxRows));

  // Block coordinates: grouped raster over (M tiles, N tiles).
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value by = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, by, cst(nTiles)), bx);
  int64_t groupBlocks = kRasterGroupM * nTiles;
  Value firstM = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, linear, cst(groupBlocks)),
      cst(kRasterGroupM));
  Value groupRows = arith::MinUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, cst(mTiles), firstM),
      cst(kRasterGroupM));
  Value inGroup = arith::RemUIOp::create(b, loc, linear, cst(groupBlocks));
  Value tileM = arith::AddIOp::create(
      b, loc, firstM, arith::RemUIOp::create(b, loc, inGroup, groupRows));
  Value tileN = arith::DivUIOp::create(b, loc, inGroup, groupRows);
  Value mOrigin = arith::MulIOp::create(b, loc, tileM, cst(c.blockM));
  Value nOrigin = arith::MulIOp::create(b, loc, tileN, cst(c.blockN));
  SmallVector<Value> batchIndices;
  if (!outBatch.empty())
    batchIndices = delinearize(
        b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::z), outBatch);
  auto flatBatch = [&](ArrayRef<int64_t> operandShape) -> Value {
    ArrayRef<int64_t> operandBatch = operandShape.drop_back(2);
    if (operandBatch.empty())
      return cst(0);
    SmallVector<Value> indices = projectBroadcastIndex(
        b, loc, batchIndices, outBatch, operandBatch);
    return linearize(b, loc, indices, operandBatch);
  };
  Value batchA = flatBatch(lhsShape), batchB = flatBatch(rhsShape);

  // Shared memory: stage s holds A at s * stageBytes, B after it; every
  // tile starts on a 1024-byte boundary (the swizzle pattern's period).
  auto smemType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                  MemRefLayoutAttrInterface(), workgroup);
  Value smem = gpu::DynamicSharedMemoryOp::create(b, loc, smemType);
  Value smemAddress = arith::IndexCastUIOp::create(
      b, loc, b.getI64Type(),
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
  auto barrierType = nvgpu::MBarrierGroupType::get(context, workgroup,
                                                   static_cast<unsigned>(c.stages));
  Value barriers = nvgpu::MBarrierCreateOp::create(b, loc, barrierType);
  Value isLoader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                         cst(0));
  {
    OpBuilder::InsertionGuard guard(b);
    auto ifLoader = scf::IfOp::create(b, loc, isLoader, /*withElse=*/false);
    b.setInsertionPointToStart(ifLoader.thenBlock());
    for (int64_t s = 0; s < c.stages; ++s)
      nvgpu::MBarrierInitOp::create(b, loc, barriers, cst(1), cst(s),
                                    /*predicate=*/Value());
    NVVM::FenceMbarrierInitOp::create(b, loc);
    nvgpu::TmaPrefetchOp::create(b, loc, mapA, /*predicate=*/Value());
    nvgpu::TmaPrefetchOp::create(b, loc, mapB, /*predicate=*/Value());
  }
  gpu::BarrierOp::create(b, loc);

  // Issues the TMA loads of K tile `kTile` into stage `slot` (loader only).
  auto loadStage = [&](Value kTile, Value slot) {
    Value k0 = arith::MulIOp::create(b, loc, kTile, cst(blockK));
    Value base = arith::MulIOp::create(b, loc, slot, cst(c.stageBytes()));
    nvgpu::MBarrierArriveExpectTxOp::create(b, loc, barriers,
                                            cst(c.stageBytes()), slot,
                                            /*predicate=*/Value());
    Value aTile = memref::ViewOp::create(b, loc, boxType(c.blockM), smem, base,
                                         ValueRange());
    nvgpu::TmaAsyncLoadOp::create(b, loc, aTile, barriers, mapA,
                                  ValueRange{k0, mOrigin, batchA}, slot,
                                  Value(), Value());
    Value bBase = arith::AddIOp::create(b, loc, base, cst(aTileBytes));
    if (kMajorB) {
      Value bTile = memref::ViewOp::create(b, loc, boxType(c.blockN), smem,
                                           bBase, ValueRange());
      nvgpu::TmaAsyncLoadOp::create(b, loc, bTile, barriers, mapB,
                                    ValueRange{k0, nOrigin, batchB}, slot,
                                    Value(), Value());
      return;
    }
    for (int64_t chunk = 0; chunk < bChunks; ++chunk) {
      Value at = arith::AddIOp::create(b, loc, bBase, cst(chunk * bChunkBytes));
      Value bTile = memref::ViewOp::create(b, loc, boxType(blockK), smem, at,
                                           ValueRange());
      Value n0 = arith::AddIOp::create(b, loc, nOrigin, cst(chunk * 64));
      nvgpu::TmaAsyncLoadOp::create(b, loc, bTile, barriers, mapB,
                                    ValueRange{n0, k0, batchB}, slot, Value(),
                                    Value());
    }
  };
  {
    OpBuilder::InsertionGuard guard(b);
    auto ifLoader = scf::IfOp::create(b, loc, isLoader, /*withElse=*/false);
    b.setInsertionPointToStart(ifLoader.thenBlock());
    for (int64_t s = 0; s < std::min(c.stages, kTiles); ++s)
      loadStage(cst(s), cst(s));
  }

  // 2. The K loop. Each warpgroup owns 64 rows of the block.
  Value warpgroup = arith::DivUIOp::create(b, loc, tid, cst(128));
  Value rowsOffsetBytes = arith::IndexCastUIOp::create(
      b, loc, b.getI64Type(),
      arith::MulIOp::create(b, loc, warpgroup, cst(64 * kSwizzleBytes)));
  auto accType = LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(c.blockN / 2, f32));
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  uint64_t bitsA = SharedTileDescriptor::constantBits(/*kMajor=*/true, 0);
  uint64_t bitsB = SharedTileDescriptor::constantBits(kMajorB, bChunkBytes);
  // A shared address as the descriptor's 14-bit start field.
  auto describe = [&](Value address, uint64_t bits) -> Value {
    Value field = arith::ShRUIOp::create(
        b, loc, arith::AndIOp::create(b, loc, address, i64Constant(b, loc, 0x3FFFF)),
        i64Constant(b, loc, 4));
    return arith::OrIOp::create(b, loc, field,
                                i64Constant(b, loc, static_cast<int64_t>(bits)));
  };
  auto wgmmaType = element.isBF16() ? NVVM::WGMMATypes::bf16
                                    : NVVM::WGMMATypes::f16;
  auto loop = scf::ForOp::create(b, loc, cst(0), cst(kTiles), cst(1),
                                 ValueRange{zero});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    Value slot = arith::RemUIOp::create(b, loc, kt, cst(c.stages));
    Value phase = arith::IndexCastUIOp::create(
        b, loc, b.getI1Type(),
        arith::RemUIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, kt, cst(c.stages)),
            cst(2)));
    nvgpu::MBarrierTryWaitParityOp::create(b, loc, barriers, phase,
                                           cst(kWaitTicks), slot);
    Value stageAddress = arith::AddIOp::create(
        b, loc, smemAddress,
        arith::IndexCastUIOp::create(
            b, loc, b.getI64Type(),
            arith::MulIOp::create(b, loc, slot, cst(c.stageBytes()))));
    Value descA = describe(
        arith::AddIOp::create(b, loc, stageAddress, rowsOffsetBytes), bitsA);
    Value descB = describe(
        arith::AddIOp::create(b, loc, stageAddress,
                              i64Constant(b, loc, aTileBytes)),
        bitsB);
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    Value acc = loop.getRegionIterArgs().front();
    for (int64_t kk = 0; kk < blockK / 16; ++kk) {
      // 16 K elements: 32 bytes along a K-major row, 16 rows of an N-major
      // tile.
      int64_t stepA = kk * 32, stepB = kMajorB ? kk * 32 : kk * 16 * kSwizzleBytes;
      Value a = arith::AddIOp::create(b, loc, descA,
                                      i64Constant(b, loc, stepA >> 4));
      Value bDesc = arith::AddIOp::create(b, loc, descB,
                                          i64Constant(b, loc, stepB >> 4));
      acc = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, accType, acc, a, bDesc,
          NVVM::MMAShapeAttr::get(context, 64, c.blockN, 16), wgmmaType,
          wgmmaType, NVVM::WGMMATypes::f32, NVVM::WGMMAScaleOut::one,
          NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
          NVVM::MMALayout::row,
          kMajorB ? NVVM::MMALayout::col : NVVM::MMALayout::row,
          NVVM::MMAIntOverflowAttr());
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    // The previous stage's wgmma are done in this warpgroup; once every
    // warpgroup is, the loader refills that stage.
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
    gpu::BarrierOp::create(b, loc);
    Value previous = arith::SubIOp::create(b, loc, kt, cst(1));
    Value refill = arith::AddIOp::create(b, loc, previous, cst(c.stages));
    Value doRefill = arith::AndIOp::create(
        b, loc, isLoader,
        arith::AndIOp::create(
            b, loc,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, kt,
                                  cst(1)),
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, refill,
                                  cst(kTiles))));
    auto ifRefill = scf::IfOp::create(b, loc, doRefill, /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifRefill.thenBlock());
      loadStage(refill, arith::RemUIOp::create(b, loc, previous, cst(c.stages)));
    }
    scf::YieldOp::create(b, loc, acc);
  }
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);

  // 3. Epilogue. Warp w of a warpgroup holds rows 16w + lane / 4 (+ 8) and,
  // per 8 columns j, columns 8j + 2 (lane % 4) of its 64 rows.
  Value inGroupThread = arith::RemUIOp::create(b, loc, tid, cst(128));
  Value warp = arith::DivUIOp::create(b, loc, inGroupThread, cst(32));
  Value lane = arith::RemUIOp::create(b, loc, tid, cst(32));
  Value rowInTile = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, warpgroup, cst(64)),
      arith::AddIOp::create(b, loc,
                            arith::MulIOp::create(b, loc, warp, cst(16)),
                            arith::DivUIOp::create(b, loc, lane, cst(4))));
  Value colInTile = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, lane, cst(4)), cst(2));
  bool fullM = m % c.blockM == 0, fullN = n % c.blockN == 0;
  Value acc = loop.getResult(0);
  auto accumulator = [&](int64_t i) -> Value {
    return LLVM::ExtractValueOp::create(b, loc, acc, ArrayRef<int64_t>{i});
  };
  int64_t width = stagedEpilogueWidth(ctx, op);
  if (width < 2) {
    // Pairs straight from registers (rows of odd length).
    for (int64_t j = 0; j < c.blockN / 8; ++j)
      for (int64_t half = 0; half < 2; ++half) {
        Value row = arith::AddIOp::create(
            b, loc, mOrigin, arith::AddIOp::create(b, loc, rowInTile, cst(half * 8)));
        Value col = arith::AddIOp::create(
            b, loc, nOrigin, arith::AddIOp::create(b, loc, colInTile, cst(j * 8)));
        int64_t first = j * 4 + half * 2;
        if (failed(storeAccumulatorPair(b, loc, ctx, op, batchIndices, row,
                                        col, accumulator(first),
                                        accumulator(first + 1), fullM, fullN)))
          return failure();
      }
  } else {
    // Through shared memory, so that each thread then reads `width`
    // consecutive elements of a row and the epilogue loads and stores
    // 16-byte vectors (the register layout gives 4-byte pieces of 8 rows).
    // The tile is rounded to the matmul's element type first, as
    // storeAnchor would; rows are padded by 16 bytes against bank conflicts.
    gpu::BarrierOp::create(b, loc); // every warpgroup is done with the stages
    int64_t pitch = c.blockN + kEpilogueRowPad;
    auto tileType = MemRefType::get({c.blockM, pitch}, element,
                                    MemRefLayoutAttrInterface(), workgroup);
    Value tile = memref::ViewOp::create(b, loc, tileType, smem, cst(0),
                                        ValueRange());
    auto pairType = VectorType::get({2}, element);
    for (int64_t j = 0; j < c.blockN / 8; ++j)
      for (int64_t half = 0; half < 2; ++half) {
        int64_t first = j * 4 + half * 2;
        Value pair = vector::FromElementsOp::create(
            b, loc, pairType,
            ValueRange{arith::TruncFOp::create(b, loc, element, accumulator(first)),
                       arith::TruncFOp::create(b, loc, element,
                                               accumulator(first + 1))});
        vector::StoreOp::create(
            b, loc, pair, tile,
            ValueRange{arith::AddIOp::create(b, loc, rowInTile, cst(half * 8)),
                       arith::AddIOp::create(b, loc, colInTile, cst(j * 8))});
      }
    gpu::BarrierOp::create(b, loc);
    int64_t chunksPerRow = c.blockN / width;
    int64_t iterations = c.blockM * chunksPerRow / c.threads();
    auto chunks = scf::ForOp::create(b, loc, cst(0), cst(iterations), cst(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(chunks.getBody());
    Value q = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, chunks.getInductionVar(), cst(c.threads())),
        tid);
    Value rowLocal = arith::DivUIOp::create(b, loc, q, cst(chunksPerRow));
    Value colLocal = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, q, cst(chunksPerRow)),
        cst(width));
    Value row = arith::AddIOp::create(b, loc, mOrigin, rowLocal);
    Value col = arith::AddIOp::create(b, loc, nOrigin, colLocal);
    Value inside;
    auto both = [&](Value cond) {
      inside = inside ? arith::AndIOp::create(b, loc, inside, cond).getResult()
                      : cond;
    };
    if (!fullM)
      both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                 cst(m)));
    if (!fullN) // n is a multiple of width: a chunk is all in or all out
      both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                 cst(n)));
    if (inside) {
      auto ifInside = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
      b.setInsertionPointToStart(ifInside.thenBlock());
    }
    Value chunk = vector::LoadOp::create(
        b, loc, VectorType::get({width}, element), tile,
        ValueRange{rowLocal, colLocal});
    SmallVector<Value> scalars;
    for (int64_t i = 0; i < width; ++i)
      scalars.push_back(toComputeType(
          b, loc,
          vector::ExtractOp::create(b, loc, chunk, ArrayRef<int64_t>{i})));
    SmallVector<Value> indices(batchIndices);
    indices.append({row, col});
    VectorGroup group;
    group.width = width;
    SmallVector<ElementIndex> lanes = makeLanes(
        b, loc, ElementIndex::fromIndices(outShape, indices), group);
    if (failed(ctx.storeAnchor(b, loc, op.getResult(), scalars, lanes)))
      return failure();
  }

  config.grid = {nTiles, mTiles, std::max<int64_t>(batch, 1)};
  config.block = {c.threads(), 1, 1};
  config.dynamicSharedMemoryBytes = c.sharedMemoryBytes();
  return finishLaunch(ctx, config);
}
