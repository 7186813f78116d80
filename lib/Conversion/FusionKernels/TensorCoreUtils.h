//===- TensorCoreUtils.h - shared memory, cp.async, ldmatrix, mma -*- C++ -*-===//
//
// The building blocks of the tensor-core kernel families (matmul and flash
// attention): views of the dynamic shared memory, 16-byte cp.async copies of
// a global tile into a padded shared tile (zero-filled outside the tensor),
// ldmatrix fragments as 32-bit registers, and the m16n8k16 mma.sync with f32
// accumulators. Fragment layouts are PTX's: for lane l, g = l / 4 and
// t = l % 4; A (16x16, row) registers hold (g, 2t..2t+1), (g+8, 2t..),
// (g, 2t+8..), (g+8, 2t+8..); B (16x8, col) holds (k = 2t.., n = g) and
// (k = 2t+8.., n = g); C/D hold (g, 2t..2t+1) and (g+8, 2t..2t+1).
//
// mma.sync is emitted as nvvm.mma.sync on packed i32 registers because
// nvgpu.mma.sync does not lower bf16 operands in MLIR 22.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_CONVERSION_FUSIONKERNELS_TENSORCOREUTILS_H
#define TFC_LIB_CONVERSION_FUSIONKERNELS_TENSORCOREUTILS_H

#include "tfc/Dialect/TfcOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::tfc {

/// Carves views out of the kernel's dynamic shared memory, each aligned to
/// 128 bytes; `bytes()` is what the launch must request.
class SharedMemoryPlan {
public:
  SharedMemoryPlan(OpBuilder &b, Location loc);
  /// A view of `shape` x `elementType` (workgroup address space).
  Value allocate(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                 Type elementType);
  int64_t bytes() const { return offset; }

private:
  Value base;
  int64_t offset = 0;
};

/// A `rows` x `cols` tile of a 16-bit global matrix (the last two dims of
/// `global`, batch indices fixed) whose rows are contiguous, staged through
/// `stages` padded shared buffers `memref<stages x rows x (cols + 8)>`. The
/// copy is split so that each thread moves the same 16-byte column of
/// `rows * cols / (8 * threads)` rows.
struct StagedTile {
  Value global;
  SmallVector<Value> batchIndices;
  int64_t rows, cols;
  int64_t globalRows, globalCols;
  Value shared;
  // Per-thread copy position.
  Value threadRow, threadCol;
  int64_t rowStep, copiesPerThread;

  static StagedTile create(OpBuilder &b, Location loc, SharedMemoryPlan &smem,
                           Value global, ValueRange batchIndices,
                           int64_t rows, int64_t cols, int64_t stages,
                           Value threadId, int64_t threads);

  /// Issues the cp.async copies of the tile whose top-left element is
  /// (rowOrigin, colOrigin) of the global matrix into stage `slot`.
  /// Elements outside the matrix are zero-filled unless `alwaysInside`.
  void copy(OpBuilder &b, Location loc, Value slot, Value rowOrigin,
            Value colOrigin, bool rowsAlwaysInside, bool colsAlwaysInside);
};

/// `cp.async.commit_group` and `cp.async.wait_group n`.
void commitAsyncCopies(OpBuilder &b, Location loc);
void waitAsyncCopies(OpBuilder &b, Location loc, int64_t pending);

/// `ldmatrix.x<numTiles>[.trans]` from `shared[indices]` (this lane's row
/// address): `numTiles` packed 32-bit registers (i32).
SmallVector<Value> loadMatrixFragments(OpBuilder &b, Location loc,
                                       Value shared, ValueRange indices,
                                       int64_t numTiles, bool transpose);

/// Packs two f32 values into one register of two 16-bit floats of
/// `elementType` (round to nearest even).
Value packPair(OpBuilder &b, Location loc, Value lo, Value hi,
               Type elementType);

/// One m16n8k16 mma.sync (row.col) with f32 accumulation: `a` 4 registers,
/// `bRegs` 2, `c` 4 f32; returns the 4 f32 of D.
SmallVector<Value> emitMma16816(OpBuilder &b, Location loc, Type elementType,
                                ArrayRef<Value> a, ArrayRef<Value> bRegs,
                                ArrayRef<Value> c);

struct KernelContext;

/// The epilogue of the matmul families (TensorCoreMatmul.cpp): rounds the
/// f32 accumulators of output elements (row, col) and (row, col + 1) to the
/// matmul's element type, passes them through the fusion's elementwise
/// epilogue and stores them (two elements per store when n is even); rows
/// and columns outside the output are skipped unless `fullM` / `fullN`
/// say none can be.
LogicalResult storeAccumulatorPair(OpBuilder &b, Location loc,
                                   KernelContext &ctx, MatmulOp op,
                                   ArrayRef<Value> batchIndices, Value row,
                                   Value col, Value v0, Value v1, bool fullM,
                                   bool fullN);

} // namespace mlir::tfc

#endif // TFC_LIB_CONVERSION_FUSIONKERNELS_TENSORCOREUTILS_H
