//===- IndexingUtils.h - index math shared by the kernel families -*- C++
//-*-===//
//
// Linear <-> multi-index conversion over static row-major shapes, broadcast
// projection of an index onto a smaller operand, thread/block ids and the
// grid-stride loop: the small amount of index arithmetic every kernel family
// needs, emitted as arith/scf/gpu ops on `index` values.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_CONVERSION_FUSIONKERNELS_INDEXINGUTILS_H
#define TFC_LIB_CONVERSION_FUSIONKERNELS_INDEXINGUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::tfc {

/// `ceil(a / b)` for positive `b`.
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Product of the dimensions of `shape` (1 for rank 0).
int64_t numElements(ArrayRef<int64_t> shape);

/// An `arith.constant` of index type.
Value indexConstant(OpBuilder &b, Location loc, int64_t value);

/// Splits the row-major linear position `linear` over `shape` into one index
/// per dimension. Dimensions of size 1 get the constant 0.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> shape);

/// The row-major linear position of `indices` in `shape`.
Value linearize(OpBuilder &b, Location loc, ValueRange indices,
                ArrayRef<int64_t> shape);

/// Projects `indices` over `fromShape` onto `toShape`, which broadcasts to
/// `fromShape` under numpy rules (aligned from the right, size-1 dimensions
/// stretch): leading dimensions are dropped and size-1 dimensions read 0.
SmallVector<Value> projectBroadcastIndex(OpBuilder &b, Location loc,
                                         ValueRange indices,
                                         ArrayRef<int64_t> fromShape,
                                         ArrayRef<int64_t> toShape);

/// True when `shape` broadcasts to `target` (numpy rules, `shape` no longer).
bool broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> target);

/// `blockIdx.x * blockSize + threadIdx.x`.
Value globalThreadIndex(OpBuilder &b, Location loc, int64_t blockSize);

/// Emits `for (i = globalThreadIndex; i < count; i += gridDim.x * blockSize)`
/// and calls `body` with the builder inside the loop and `i`. With the launch
/// grid `ceil(count / blockSize)` each thread runs at most one iteration; the
/// loop keeps the kernel correct for any smaller grid.
void emitGridStrideLoop(OpBuilder &b, Location loc, int64_t count,
                        int64_t blockSize,
                        function_ref<void(OpBuilder &, Location, Value)> body);

} // namespace mlir::tfc

#endif // TFC_LIB_CONVERSION_FUSIONKERNELS_INDEXINGUTILS_H
