//===- TensorCoreUtils.cpp - shared memory, cp.async, ldmatrix, mma -------===//
//
// See TensorCoreUtils.h.
//
//===----------------------------------------------------------------------===//

#include "TensorCoreUtils.h"
#include "IndexingUtils.h"
#include "KernelConfig.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tfc;

/// Alignment of every view carved from the dynamic shared memory.
static constexpr int64_t kViewAlignment = 128;

static Attribute workgroupSpace(MLIRContext *context) {
  return gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);
}

SharedMemoryPlan::SharedMemoryPlan(OpBuilder &b, Location loc) {
  auto type = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                              MemRefLayoutAttrInterface(),
                              workgroupSpace(b.getContext()));
  base = gpu::DynamicSharedMemoryOp::create(b, loc, type);
}

Value SharedMemoryPlan::allocate(OpBuilder &b, Location loc,
                                 ArrayRef<int64_t> shape, Type elementType) {
  offset = ceilDiv(offset, kViewAlignment) * kViewAlignment;
  auto type = MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(),
                              workgroupSpace(b.getContext()));
  Value view = memref::ViewOp::create(b, loc, type, base,
                                      indexConstant(b, loc, offset), {});
  offset += numElements(shape) * elementType.getIntOrFloatBitWidth() / 8;
  return view;
}

StagedTile StagedTile::create(OpBuilder &b, Location loc,
                              SharedMemoryPlan &smem, Value global,
                              ValueRange batchIndices, int64_t rows,
                              int64_t cols, int64_t stages, Value threadId,
                              int64_t threads) {
  auto type = cast<MemRefType>(global.getType());
  StagedTile tile;
  tile.global = global;
  tile.batchIndices.assign(batchIndices.begin(), batchIndices.end());
  tile.rows = rows;
  tile.cols = cols;
  tile.globalRows = type.getShape()[type.getRank() - 2];
  tile.globalCols = type.getShape().back();
  int64_t pad = kSharedRowPadBytes * 8 / type.getElementTypeBitWidth();
  tile.shared = smem.allocate(b, loc, {stages, rows, cols + pad},
                              type.getElementType());
  int64_t chunksPerRow = cols / 8;
  tile.threadRow = arith::DivUIOp::create(
      b, loc, threadId, indexConstant(b, loc, chunksPerRow));
  tile.threadCol = arith::MulIOp::create(
      b, loc,
      arith::RemUIOp::create(b, loc, threadId,
                             indexConstant(b, loc, chunksPerRow)),
      indexConstant(b, loc, 8));
  tile.rowStep = threads / chunksPerRow;
  tile.copiesPerThread = rows * chunksPerRow / threads;
  return tile;
}

void StagedTile::copy(OpBuilder &b, Location loc, Value slot, Value rowOrigin,
                      Value colOrigin, bool rowsAlwaysInside,
                      bool colsAlwaysInside) {
  Value col = arith::AddIOp::create(b, loc, colOrigin, threadCol);
  Value inside;
  auto both = [&](Value cond) {
    inside = inside ? arith::AndIOp::create(b, loc, inside, cond).getResult()
                    : cond;
  };
  Value srcCol = col;
  if (!colsAlwaysInside) {
    both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                               indexConstant(b, loc, globalCols)));
    srcCol = arith::MinUIOp::create(b, loc, col,
                                    indexConstant(b, loc, globalCols - 8));
  }
  Value colInside = inside;
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  for (int64_t i = 0; i < copiesPerThread; ++i) {
    inside = colInside;
    Value row = arith::AddIOp::create(b, loc, threadRow,
                                      indexConstant(b, loc, i * rowStep));
    Value globalRow = arith::AddIOp::create(b, loc, rowOrigin, row);
    Value srcRow = globalRow;
    if (!rowsAlwaysInside) {
      both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, globalRow,
                                 indexConstant(b, loc, globalRows)));
      srcRow = arith::MinUIOp::create(b, loc, globalRow,
                                      indexConstant(b, loc, globalRows - 1));
    }
    Value valid;
    if (inside)
      valid = arith::SelectOp::create(b, loc, inside, indexConstant(b, loc, 8),
                                      indexConstant(b, loc, 0));
    SmallVector<Value> src(batchIndices);
    src.append({srcRow, srcCol});
    nvgpu::DeviceAsyncCopyOp::create(
        b, loc, tokenType, shared, ValueRange{slot, row, threadCol}, global,
        src, b.getIndexAttr(8), valid, b.getUnitAttr());
  }
}

void mlir::tfc::commitAsyncCopies(OpBuilder &b, Location loc) {
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
}

void mlir::tfc::waitAsyncCopies(OpBuilder &b, Location loc, int64_t pending) {
  NVVM::CpAsyncWaitGroupOp::create(b, loc, static_cast<uint32_t>(pending));
}

/// Row `i` (two 16-bit floats) of `fragments` as the register type of
/// nvvm.mma.sync: vector<2xf16> for f16, i32 for bf16.
static Value registerOf(OpBuilder &b, Location loc, Value fragments,
                        int64_t i) {
  Value pair = vector::ExtractOp::create(b, loc, fragments, ArrayRef<int64_t>{i});
  if (cast<VectorType>(pair.getType()).getElementType().isF16())
    return pair;
  auto i32x1 = VectorType::get({1}, b.getI32Type());
  Value word = vector::BitCastOp::create(b, loc, i32x1, pair);
  return vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
}

SmallVector<Value> mlir::tfc::loadMatrixFragments(OpBuilder &b, Location loc,
                                                  Value shared,
                                                  ValueRange indices,
                                                  int64_t numTiles,
                                                  bool transpose) {
  Type elementType = cast<MemRefType>(shared.getType()).getElementType();
  auto type = VectorType::get({numTiles, 2}, elementType);
  Value fragments = nvgpu::LdMatrixOp::create(
      b, loc, type, shared, indices, b.getBoolAttr(transpose),
      b.getI32IntegerAttr(numTiles));
  SmallVector<Value> registers;
  for (int64_t i = 0; i < numTiles; ++i)
    registers.push_back(registerOf(b, loc, fragments, i));
  return registers;
}

Value mlir::tfc::packPair(OpBuilder &b, Location loc, Value lo, Value hi,
                          Type elementType) {
  Value pair = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, elementType),
      ValueRange{arith::TruncFOp::create(b, loc, elementType, lo),
                 arith::TruncFOp::create(b, loc, elementType, hi)});
  if (elementType.isF16())
    return pair;
  auto i32x1 = VectorType::get({1}, b.getI32Type());
  Value word = vector::BitCastOp::create(b, loc, i32x1, pair);
  return vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
}

SmallVector<Value> mlir::tfc::emitMma16816(OpBuilder &b, Location loc,
                                           Type elementType,
                                           ArrayRef<Value> a,
                                           ArrayRef<Value> bRegs,
                                           ArrayRef<Value> c) {
  Type f32 = b.getF32Type();
  auto resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  NVVM::MMATypes ptxType =
      elementType.isBF16() ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;
  Value d = NVVM::MmaOp::create(
      b, loc, resultType, a, bRegs, c, ArrayRef<int64_t>{16, 8, 16},
      std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{ptxType, ptxType},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> result;
  for (int64_t i = 0; i < 4; ++i)
    result.push_back(
        LLVM::ExtractValueOp::create(b, loc, d, ArrayRef<int64_t>{i}));
  return result;
}
