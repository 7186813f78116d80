//===- WgmmaMatmul.cpp - matmul + epilogue on Hopper: TMA + wgmma ---------===//
//
// The matrix family for 16-bit operands on sm_90a. A block computes
// blockM x blockN tiles of the output with blockM / 64 consumer warpgroups:
// one tile (grid x over N tiles, y over M tiles, z over the batch), or, in
// the persistent schedule, tiles bid, bid + grid, ... of all of them (one
// block per SM; the loads of the next tile overlap this tile's epilogue).
// Tiles are numbered in groups of 8 M-tiles so that neighbours share B
// tiles in L2. With splitK > 1 (few output tiles: small M), splitK blocks
// share a tile, each over its slice of K (grid x = N tiles * splitK), as
// one thread-block cluster. Plan:
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
//      loading thread refills it with the K tile `stages` ahead (counted
//      over all of the block's tiles, so it may be the next tile's).
//   3. Split K only: once every block of the cluster is past its main
//      loop (a cluster barrier), each block but the first stores its f32
//      accumulators into a slice of the first block's shared memory (over
//      its free stages; mapa + st.shared::cluster, thread for thread the
//      same registers); after a second barrier the first block adds the
//      slices to its own and alone runs the epilogue, on the full sum.
//      (Remote stores: the first block reading its peers' memory instead
//      waited on each load, 2x slower at 64 x 128 tiles.)
//   4. Each thread holds blockN / 2 f32 accumulators in registers (the
//      mma.sync C layout repeated over N). They are rounded to the matmul's
//      element type into shared memory (the stages once they are free; a
//      buffer of its own in the persistent schedule); each
//      thread then takes row chunks of `width` elements (16 bytes, or one
//      element where n is odd: a warp then still writes 32 consecutive
//      elements of a row) through the fusion's elementwise epilogue (bias,
//      activation, residual, cast); out-of-range rows and columns are
//      skipped.
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
      tile && (tile.size() < 3 || tile.size() > 5))
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

namespace {
/// Where one output tile is.
struct TileCoordinates {
  Value mOrigin, nOrigin;
  SmallVector<Value> batchIndices; // of the output's batch dims
  Value batchA, batchB;            // flattened batch index of each operand
};

/// Emits one wgmma matmul kernel; the state its steps share.
class WgmmaKernelBuilder {
public:
  WgmmaKernelBuilder(OpBuilder &b, KernelContext &ctx, MatmulOp op,
                     const WgmmaMatmulConfig &c)
      : b(b), ctx(ctx), op(op), c(c), loc(op.getLoc()) {
    auto outType = op.getType();
    ArrayRef<int64_t> outShape = outType.getShape();
    int64_t rank = outType.getRank();
    m = outShape[rank - 2];
    n = outShape[rank - 1];
    k = op.getLhs().getType().getShape().back();
    element = op.getLhs().getType().getElementType();
    kMajorB = op.getTransposeRhs();
    outBatch = outShape.drop_back(2);
    batch = std::max<int64_t>(numElements(outBatch), 1);
    mTiles = ceilDiv(m, c.blockM);
    nTiles = ceilDiv(n, c.blockN);
    kTiles = ceilDiv(k, WgmmaMatmulConfig::kBlockK);
    numTiles = mTiles * nTiles * batch;
    workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                           gpu::AddressSpace::Workgroup);
  }

  FailureOr<LaunchConfig> emit();

private:
  Value cst(int64_t v) { return indexConstant(b, loc, v); }
  Value i64(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 64); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value ult(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  MemRefType boxType(int64_t rows) {
    return MemRefType::get({1, rows, 64}, element, MemRefLayoutAttrInterface(),
                           workgroup);
  }
  int64_t aTileBytes() const {
    return c.blockM * WgmmaMatmulConfig::kBlockK * 2;
  }
  int64_t bBoxRows() const {
    return kMajorB ? c.blockN : WgmmaMatmulConfig::kBlockK;
  }
  /// A shared-memory byte address as an LLVM pointer of the shared space.
  Value sharedPointer(Value address) {
    return LLVM::IntToPtrOp::create(
        b, loc, LLVM::LLVMPointerType::get(b.getContext(), /*shared=*/3),
        address);
  }

  LogicalResult addTensorMapArguments(LaunchConfig &config);
  /// The coordinates of linear tile `t` (batch outermost, then groups of
  /// kRasterGroupM M-tiles, N-tiles within a group).
  TileCoordinates tileCoordinates(Value t);
  /// Issues the TMA loads of the block's K iteration `g` (tile g / kTiles,
  /// K tile g % kTiles) into stage `slot` (loading thread only).
  void loadIteration(Value g, Value slot);
  /// The block's `index`-th tile.
  Value blockTile(Value index);
  /// The K loop of the block's tile `index`: the accumulators.
  Value emitMainLoop(Value index, Value totalIterations);
  /// Split K: the sum of the cluster's accumulators in its first block
  /// (`acc` elsewhere); every thread of every block of the cluster calls it.
  Value reduceSplitK(Value acc);
  LogicalResult emitEpilogue(const TileCoordinates &at, Value acc);

  OpBuilder &b;
  KernelContext &ctx;
  MatmulOp op;
  const WgmmaMatmulConfig &c;
  Location loc;
  int64_t m, n, k, batch, mTiles, nTiles, kTiles, numTiles;
  Type element;
  bool kMajorB;
  ArrayRef<int64_t> outBatch;
  Attribute workgroup;
  // Kernel-wide values.
  Value tid, warpgroup, mapA, mapB, smem, smemAddress, barriers, isLoader;
  Value blockId, gridSize;
  // K tiles of each of the block's tiles: [kBegin, kBegin + kCount) (all of
  // K unless split), the block's place in its split.
  Value kBegin, kCount, splitIndex;
};
} // namespace

LogicalResult WgmmaKernelBuilder::addTensorMapArguments(LaunchConfig &config) {
  // 3-D views [batch, rows, cols] of A and B (batch dims flattened; a
  // broadcast operand is indexed by its own batch, see tileCoordinates).
  ArrayRef<int64_t> lhsShape = op.getLhs().getType().getShape();
  ArrayRef<int64_t> rhsShape = op.getRhs().getType().getShape();
  config.tensorMaps.push_back(
      {cast<BlockArgument>(op.getLhs()).getArgNumber(),
       {numElements(lhsShape.drop_back(2)), lhsShape[lhsShape.size() - 2],
        lhsShape.back()},
       {1, c.blockM, 64}});
  config.tensorMaps.push_back(
      {cast<BlockArgument>(op.getRhs()).getArgNumber(),
       {numElements(rhsShape.drop_back(2)), rhsShape[rhsShape.size() - 2],
        rhsShape.back()},
       {1, bBoxRows(), 64}});
  // The arguments are generic pointers (what the NVVM lowering makes of a
  // tensor-map descriptor; convert-gpu-to-nvvm cannot convert the nvgpu type
  // in a signature), viewed as descriptors inside the kernel.
  MLIRContext *context = b.getContext();
  unsigned index = ctx.func.getNumArguments();
  auto pointerType = LLVM::LLVMPointerType::get(context);
  if (failed(ctx.func.insertArgument(index, pointerType, {}, loc)) ||
      failed(ctx.func.insertArgument(index + 1, pointerType, {}, loc)))
    return op.emitOpError("cannot add the tensor-map arguments to the kernel");
  auto asDescriptor = [&](unsigned argument, int64_t rows) {
    auto type = nvgpu::TensorMapDescriptorType::get(
        context, boxType(rows), nvgpu::TensorMapSwizzleKind::SWIZZLE_128B,
        nvgpu::TensorMapL2PromoKind::L2PROMO_256B,
        nvgpu::TensorMapOOBKind::OOB_ZERO,
        nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
    return UnrealizedConversionCastOp::create(
               b, loc, type, ValueRange{ctx.func.getArgument(argument)})
        .getResult(0);
  };
  mapA = asDescriptor(index, c.blockM);
  mapB = asDescriptor(index + 1, bBoxRows());
  return success();
}

TileCoordinates WgmmaKernelBuilder::tileCoordinates(Value t) {
  TileCoordinates at;
  int64_t perBatch = mTiles * nTiles;
  Value linear = t;
  if (batch > 1) {
    linear = rem(t, cst(perBatch));
    at.batchIndices = delinearize(b, loc, div(t, cst(perBatch)), outBatch);
  } else if (!outBatch.empty()) {
    at.batchIndices.assign(outBatch.size(), cst(0));
  }
  int64_t groupTiles = kRasterGroupM * nTiles;
  Value firstM = mul(div(linear, cst(groupTiles)), cst(kRasterGroupM));
  Value groupRows = arith::MinUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, cst(mTiles), firstM),
      cst(kRasterGroupM));
  Value inGroup = rem(linear, cst(groupTiles));
  at.mOrigin = mul(add(firstM, rem(inGroup, groupRows)), cst(c.blockM));
  at.nOrigin = mul(div(inGroup, groupRows), cst(c.blockN));
  auto flatBatch = [&](ArrayRef<int64_t> operandShape) -> Value {
    ArrayRef<int64_t> operandBatch = operandShape.drop_back(2);
    if (operandBatch.empty())
      return cst(0);
    SmallVector<Value> indices = projectBroadcastIndex(
        b, loc, at.batchIndices, outBatch, operandBatch);
    return linearize(b, loc, indices, operandBatch);
  };
  at.batchA = flatBatch(op.getLhs().getType().getShape());
  at.batchB = flatBatch(op.getRhs().getType().getShape());
  return at;
}

Value WgmmaKernelBuilder::blockTile(Value index) {
  return c.persistent ? add(blockId, mul(index, gridSize)) : blockId;
}

void WgmmaKernelBuilder::loadIteration(Value g, Value slot) {
  TileCoordinates at = tileCoordinates(blockTile(div(g, kCount)));
  Value k0 = mul(add(kBegin, rem(g, kCount)), cst(WgmmaMatmulConfig::kBlockK));
  Value base = mul(slot, cst(c.stageBytes()));
  nvgpu::MBarrierArriveExpectTxOp::create(b, loc, barriers,
                                          cst(c.stageBytes()), slot,
                                          /*predicate=*/Value());
  Value aTile = memref::ViewOp::create(b, loc, boxType(c.blockM), smem, base,
                                       ValueRange());
  nvgpu::TmaAsyncLoadOp::create(b, loc, aTile, barriers, mapA,
                                ValueRange{k0, at.mOrigin, at.batchA}, slot,
                                Value(), Value());
  Value bBase = add(base, cst(aTileBytes()));
  if (kMajorB) {
    Value bTile = memref::ViewOp::create(b, loc, boxType(c.blockN), smem,
                                         bBase, ValueRange());
    nvgpu::TmaAsyncLoadOp::create(b, loc, bTile, barriers, mapB,
                                  ValueRange{k0, at.nOrigin, at.batchB}, slot,
                                  Value(), Value());
    return;
  }
  // N-major B: boxes of 64 columns, 8 KiB apart (the descriptor's leading
  // byte offset).
  for (int64_t chunk = 0; chunk < c.blockN / 64; ++chunk) {
    Value bTile = memref::ViewOp::create(
        b, loc, boxType(WgmmaMatmulConfig::kBlockK), smem,
        add(bBase, cst(chunk * 64 * kSwizzleBytes)), ValueRange());
    nvgpu::TmaAsyncLoadOp::create(
        b, loc, bTile, barriers, mapB,
        ValueRange{add(at.nOrigin, cst(chunk * 64)), k0, at.batchB}, slot,
        Value(), Value());
  }
}

Value WgmmaKernelBuilder::emitMainLoop(Value index, Value totalIterations) {
  MLIRContext *context = b.getContext();
  auto accType = LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(c.blockN / 2, b.getF32Type()));
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  uint64_t bitsA = SharedTileDescriptor::constantBits(/*kMajor=*/true, 0);
  uint64_t bitsB =
      SharedTileDescriptor::constantBits(kMajorB, 64 * kSwizzleBytes);
  // This warpgroup's 64 rows of the A tile.
  Value rowsOffset = arith::IndexCastUIOp::create(
      b, loc, b.getI64Type(), mul(warpgroup, cst(64 * kSwizzleBytes)));
  // A shared address as the descriptor's 14-bit start field.
  auto describe = [&](Value address, uint64_t bits) -> Value {
    Value field = arith::ShRUIOp::create(
        b, loc, arith::AndIOp::create(b, loc, address, i64(0x3FFFF)), i64(4));
    return arith::OrIOp::create(b, loc, field,
                                i64(static_cast<int64_t>(bits)));
  };
  auto wgmmaType =
      element.isBF16() ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
  auto loop = scf::ForOp::create(b, loc, cst(0), kCount, cst(1),
                                 ValueRange{zero});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value g = add(mul(index, kCount), loop.getInductionVar());
  Value slot = rem(g, cst(c.stages));
  Value phase = arith::IndexCastUIOp::create(
      b, loc, b.getI1Type(), rem(div(g, cst(c.stages)), cst(2)));
  nvgpu::MBarrierTryWaitParityOp::create(b, loc, barriers, phase,
                                         cst(kWaitTicks), slot);
  Value stageAddress = arith::AddIOp::create(
      b, loc, smemAddress,
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(),
                                   mul(slot, cst(c.stageBytes()))));
  Value descA =
      describe(arith::AddIOp::create(b, loc, stageAddress, rowsOffset), bitsA);
  Value descB = describe(
      arith::AddIOp::create(b, loc, stageAddress, i64(aTileBytes())), bitsB);
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  Value acc = loop.getRegionIterArgs().front();
  for (int64_t kk = 0; kk < WgmmaMatmulConfig::kBlockK / 16; ++kk) {
    // 16 K elements: 32 bytes along a K-major row, 16 rows of an N-major
    // tile.
    int64_t stepA = kk * 32,
            stepB = kMajorB ? kk * 32 : kk * 16 * kSwizzleBytes;
    acc = NVVM::WgmmaMmaAsyncOp::create(
        b, loc, accType, acc,
        arith::AddIOp::create(b, loc, descA, i64(stepA >> 4)),
        arith::AddIOp::create(b, loc, descB, i64(stepB >> 4)),
        NVVM::MMAShapeAttr::get(context, 64, c.blockN, 16), wgmmaType,
        wgmmaType, NVVM::WGMMATypes::f32, NVVM::WGMMAScaleOut::one,
        NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one, NVVM::MMALayout::row,
        kMajorB ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        NVVM::MMAIntOverflowAttr());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  // The previous iteration's wgmma are done in this warpgroup; once every
  // warpgroup is, the loader refills that stage.
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
  gpu::BarrierOp::create(b, loc);
  Value previous = arith::SubIOp::create(b, loc, g, cst(1));
  Value refill = add(previous, cst(c.stages));
  Value doRefill = arith::AndIOp::create(
      b, loc, isLoader,
      arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, g, cst(1)),
          ult(refill, totalIterations)));
  auto ifRefill = scf::IfOp::create(b, loc, doRefill, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifRefill.thenBlock());
    loadIteration(refill, rem(previous, cst(c.stages)));
  }
  scf::YieldOp::create(b, loc, acc);
  b.setInsertionPointAfter(loop);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  return loop.getResult(0);
}

Value WgmmaKernelBuilder::reduceSplitK(Value acc) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  Type accType = acc.getType();
  int64_t count = c.blockN / 2;
  int64_t sliceBytes = c.blockM * c.blockN * 4;
  // Accumulator i of thread t at float (i * threads + t) of a slice: a
  // warp's 32 consecutive floats per register, on both sides.
  Value tid32 = arith::IndexCastUIOp::create(b, loc, b.getI32Type(), tid);
  auto element = [&](Value base, int64_t i) -> Value {
    Value slot = arith::AddIOp::create(
        b, loc, tid32,
        arith::ConstantIntOp::create(b, loc, i * c.threads(), 32));
    return LLVM::GEPOp::create(b, loc, base.getType(), f32, base,
                               ArrayRef<LLVM::GEPArg>{slot});
  };
  // Slice `s - 1` of the first block's shared memory holds block s's sums.
  auto slice = [&](Value s) -> Value {
    Value offset = arith::IndexCastUIOp::create(
        b, loc, b.getI64Type(),
        mul(arith::SubIOp::create(b, loc, s, cst(1)), cst(sliceBytes)));
    return sharedPointer(arith::AddIOp::create(b, loc, smemAddress, offset));
  };
  Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        splitIndex, cst(0));
  // Every block of the cluster is past its main loop: the first block's
  // stages, which the slices overlay, are free.
  NVVM::ClusterArriveOp::create(b, loc, /*aligned=*/b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, loc, /*aligned=*/b.getUnitAttr());
  {
    // The peers store their sums into the first block's shared memory
    // (remote stores do not wait for a reply, unlike remote loads).
    OpBuilder::InsertionGuard guard(b);
    auto ifPeer = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, splitIndex,
                              cst(0)),
        /*withElse=*/false);
    b.setInsertionPointToStart(ifPeer.thenBlock());
    Value remote = NVVM::MapaOp::create(
        b, loc, LLVM::LLVMPointerType::get(context, /*shared_cluster=*/7),
        slice(splitIndex), arith::ConstantIntOp::create(b, loc, 0, 32));
    for (int64_t i = 0; i < count; ++i)
      LLVM::StoreOp::create(
          b, loc,
          LLVM::ExtractValueOp::create(b, loc, acc, ArrayRef<int64_t>{i}),
          element(remote, i));
  }
  // Release the stores to the cluster; the first block adds them up.
  NVVM::ClusterArriveOp::create(b, loc, /*aligned=*/b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, loc, /*aligned=*/b.getUnitAttr());
  auto ifFirst = scf::IfOp::create(b, loc, TypeRange{accType}, isFirst,
                                   /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifFirst.thenBlock());
  Value sum = acc;
  for (int64_t s = 1; s < c.splitK; ++s) {
    Value base = slice(cst(s));
    for (int64_t i = 0; i < count; ++i) {
      Value mine =
          LLVM::ExtractValueOp::create(b, loc, sum, ArrayRef<int64_t>{i});
      Value theirs = LLVM::LoadOp::create(b, loc, f32, element(base, i));
      sum = LLVM::InsertValueOp::create(
          b, loc, sum, arith::AddFOp::create(b, loc, mine, theirs),
          ArrayRef<int64_t>{i});
    }
  }
  scf::YieldOp::create(b, loc, sum);
  b.setInsertionPointToStart(ifFirst.elseBlock());
  scf::YieldOp::create(b, loc, acc);
  return ifFirst.getResult(0);
}

LogicalResult WgmmaKernelBuilder::emitEpilogue(const TileCoordinates &at,
                                               Value acc) {
  // Warp w of a warpgroup holds rows 16w + lane / 4 (+ 8) and, per 8
  // columns j, columns 8j + 2 (lane % 4) of its 64 rows.
  Value warp = div(rem(tid, cst(128)), cst(32));
  Value lane = rem(tid, cst(32));
  Value rowInTile = add(mul(warpgroup, cst(64)),
                        add(mul(warp, cst(16)), div(lane, cst(4))));
  Value colInTile = mul(rem(lane, cst(4)), cst(2));
  bool fullM = m % c.blockM == 0, fullN = n % c.blockN == 0;
  auto accumulator = [&](int64_t i) -> Value {
    return LLVM::ExtractValueOp::create(b, loc, acc, ArrayRef<int64_t>{i});
  };
  if (op.getType().getElementType() != element) {
    // An f32 result (the unrounded accumulator, e.g. a tensor-parallel
    // partial): pairs straight from registers, never rounded to `element`
    // (a quad of lanes writes 32 consecutive bytes of a row).
    for (int64_t j = 0; j < c.blockN / 8; ++j)
      for (int64_t half = 0; half < 2; ++half) {
        Value row = add(at.mOrigin, add(rowInTile, cst(half * 8)));
        Value col = add(at.nOrigin, add(colInTile, cst(j * 8)));
        int64_t first = j * 4 + half * 2;
        if (failed(storeAccumulatorPair(b, loc, ctx, op, at.batchIndices, row,
                                        col, accumulator(first),
                                        accumulator(first + 1), fullM, fullN)))
          return failure();
      }
    return success();
  }
  int64_t width = stagedEpilogueWidth(ctx, op);
  // Through shared memory, so that each thread then reads `width`
  // consecutive elements of a row and the epilogue loads and stores 16-byte
  // vectors, or, for rows of odd length (GPT-2's 50257 logits), a warp
  // stores 32 consecutive elements of one row (the register layout gives
  // 4-byte pieces of 8 rows: a quarter of each 32-byte sector per store).
  // The tile is rounded to the matmul's element type first, as storeAnchor
  // would; rows are padded by 16 bytes against bank conflicts.
  gpu::BarrierOp::create(b, loc); // the stages, or the last tile's reads
  int64_t pitch = c.blockN + kEpilogueRowPad;
  auto tileType = MemRefType::get({c.blockM, pitch}, element,
                                  MemRefLayoutAttrInterface(), workgroup);
  Value tile = memref::ViewOp::create(b, loc, tileType, smem,
                                      cst(c.epilogueOffset()), ValueRange());
  auto pairType = VectorType::get({2}, element);
  for (int64_t j = 0; j < c.blockN / 8; ++j)
    for (int64_t half = 0; half < 2; ++half) {
      int64_t first = j * 4 + half * 2;
      Value pair = vector::FromElementsOp::create(
          b, loc, pairType,
          ValueRange{
              arith::TruncFOp::create(b, loc, element, accumulator(first)),
              arith::TruncFOp::create(b, loc, element,
                                      accumulator(first + 1))});
      vector::StoreOp::create(b, loc, pair, tile,
                              ValueRange{add(rowInTile, cst(half * 8)),
                                         add(colInTile, cst(j * 8))});
    }
  gpu::BarrierOp::create(b, loc);
  int64_t chunksPerRow = c.blockN / width;
  int64_t iterations = c.blockM * chunksPerRow / c.threads();
  auto chunks = scf::ForOp::create(b, loc, cst(0), cst(iterations), cst(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(chunks.getBody());
  Value q = add(mul(chunks.getInductionVar(), cst(c.threads())), tid);
  Value rowLocal = div(q, cst(chunksPerRow));
  Value colLocal = mul(rem(q, cst(chunksPerRow)), cst(width));
  Value row = add(at.mOrigin, rowLocal);
  Value col = add(at.nOrigin, colLocal);
  Value inside;
  auto both = [&](Value cond) {
    inside =
        inside ? arith::AndIOp::create(b, loc, inside, cond).getResult() : cond;
  };
  if (!fullM)
    both(ult(row, cst(m)));
  if (!fullN) // n is a multiple of width: a chunk is all in or all out
    both(ult(col, cst(n)));
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
        b, loc, vector::ExtractOp::create(b, loc, chunk, ArrayRef<int64_t>{i})));
  SmallVector<Value> indices(at.batchIndices);
  indices.append({row, col});
  VectorGroup group;
  group.width = width;
  SmallVector<ElementIndex> lanes = makeLanes(
      b, loc, ElementIndex::fromIndices(op.getType().getShape(), indices),
      group);
  return ctx.storeAnchor(b, loc, op.getResult(), scalars, lanes);
}

FailureOr<LaunchConfig> WgmmaKernelBuilder::emit() {
  LaunchConfig config;
  if (failed(addTensorMapArguments(config)))
    return failure();
  int64_t blocks = numTiles;
  if (c.persistent)
    blocks = std::min(numTiles, std::max<int64_t>(ctx.target.getSmCount(), 1));
  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  warpgroup = div(tid, cst(128));
  Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  kBegin = cst(0);
  kCount = cst(kTiles);
  if (c.persistent) {
    blockId = bx;
    gridSize = cst(blocks);
  } else {
    // Grid (N tiles * splitK, M tiles, batch), numbered as tileCoordinates
    // expects; the splitK blocks of a tile (one cluster) take K tiles
    // [s * kTiles / splitK, (s + 1) * kTiles / splitK), at least one each.
    Value by = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
    Value bz = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
    Value nTile = bx;
    if (c.splitK > 1) {
      nTile = div(bx, cst(c.splitK));
      splitIndex = rem(bx, cst(c.splitK));
      kBegin = div(mul(splitIndex, cst(kTiles)), cst(c.splitK));
      Value kEnd = div(mul(add(splitIndex, cst(1)), cst(kTiles)), cst(c.splitK));
      kCount = arith::SubIOp::create(b, loc, kEnd, kBegin);
      ctx.func.setKnownClusterSizeAttr(
          b.getDenseI32ArrayAttr({static_cast<int32_t>(c.splitK), 1, 1}));
    }
    blockId =
        add(mul(bz, cst(mTiles * nTiles)), add(mul(by, cst(nTiles)), nTile));
  }
  // Tiles of this block, and K iterations over all of them.
  Value myTiles =
      c.persistent
          ? div(arith::SubIOp::create(b, loc, cst(numTiles + blocks - 1),
                                      blockId),
                cst(blocks))
          : cst(1);
  Value totalIterations = mul(myTiles, kCount);

  // Shared memory: stage s holds A at s * stageBytes, B after it; every
  // tile starts on a 1024-byte boundary (the swizzle pattern's period).
  auto smemType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                  MemRefLayoutAttrInterface(), workgroup);
  smem = gpu::DynamicSharedMemoryOp::create(b, loc, smemType);
  smemAddress = arith::IndexCastUIOp::create(
      b, loc, b.getI64Type(),
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
  barriers = nvgpu::MBarrierCreateOp::create(
      b, loc,
      nvgpu::MBarrierGroupType::get(b.getContext(), workgroup,
                                    static_cast<unsigned>(c.stages)));
  isLoader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
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
  // The first `stages` K iterations.
  for (int64_t s = 0; s < c.stages; ++s) {
    if (!c.persistent && s >= kTiles)
      break;
    OpBuilder::InsertionGuard guard(b);
    Value cond = isLoader;
    if (c.persistent || c.splitK > 1)
      cond = arith::AndIOp::create(b, loc, cond, ult(cst(s), totalIterations));
    auto ifLoad = scf::IfOp::create(b, loc, cond, /*withElse=*/false);
    b.setInsertionPointToStart(ifLoad.thenBlock());
    loadIteration(cst(s), cst(s));
  }

  auto tiles = scf::ForOp::create(b, loc, cst(0), myTiles, cst(1));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(tiles.getBody());
    Value index = tiles.getInductionVar();
    Value acc = emitMainLoop(index, totalIterations);
    if (c.splitK > 1) {
      acc = reduceSplitK(acc);
      auto ifFirst = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, splitIndex,
                                cst(0)),
          /*withElse=*/false);
      b.setInsertionPointToStart(ifFirst.thenBlock());
    }
    if (failed(emitEpilogue(tileCoordinates(blockTile(index)), acc)))
      return failure();
  }

  if (c.persistent)
    config.grid = {blocks, 1, 1};
  else
    config.grid = {nTiles * c.splitK, mTiles, batch};
  config.block = {c.threads(), 1, 1};
  config.dynamicSharedMemoryBytes = c.sharedMemoryBytes();
  return finishLaunch(ctx, config);
}

FailureOr<LaunchConfig>
mlir::tfc::emitWgmmaMatmulKernel(OpBuilder &b, KernelContext &ctx,
                                 MatmulOp op) {
  auto outShape = op.getType().getShape();
  int64_t rank = outShape.size();
  FailureOr<WgmmaMatmulConfig> chosen = chooseWgmmaMatmulConfig(
      op, ctx.target, numElements(outShape.drop_back(2)), outShape[rank - 2],
      outShape[rank - 1], op.getLhs().getType().getShape().back());
  if (failed(chosen))
    return failure();
  WgmmaKernelBuilder builder(b, ctx, op, *chosen);
  return builder.emit();
}
