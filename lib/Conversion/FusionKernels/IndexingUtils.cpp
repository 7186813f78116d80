//===- IndexingUtils.cpp - index math shared by the kernel families -------===//
//
// Linear <-> multi-index conversion, broadcast projection and the grid-stride
// loop (see IndexingUtils.h). Static sizes fold into the emitted constants;
// dimensions of size 1 never cost a division.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tfc;

int64_t mlir::tfc::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Value mlir::tfc::indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

SmallVector<Value> mlir::tfc::delinearize(OpBuilder &b, Location loc,
                                          Value linear,
                                          ArrayRef<int64_t> shape) {
  SmallVector<Value> indices(shape.size());
  Value rest = linear;
  // Innermost first: index = rest % size, rest = rest / size. The outermost
  // non-trivial dimension takes what is left without a remainder.
  int64_t outermost = -1;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    if (shape[d] != 1) {
      outermost = d;
      break;
    }
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (shape[d] == 1) {
      indices[d] = indexConstant(b, loc, 0);
      continue;
    }
    if (d == outermost) {
      indices[d] = rest;
      continue;
    }
    Value size = indexConstant(b, loc, shape[d]);
    indices[d] = arith::RemUIOp::create(b, loc, rest, size);
    rest = arith::DivUIOp::create(b, loc, rest, size);
  }
  return indices;
}

Value mlir::tfc::linearize(OpBuilder &b, Location loc, ValueRange indices,
                           ArrayRef<int64_t> shape) {
  Value linear;
  for (auto [index, size] : llvm::zip_equal(indices, shape)) {
    if (!linear) {
      linear = index;
      continue;
    }
    if (size == 1)
      continue; // the index of a size-1 dimension is 0
    linear = arith::MulIOp::create(b, loc, linear, indexConstant(b, loc, size));
    linear = arith::AddIOp::create(b, loc, linear, index);
  }
  return linear ? linear : indexConstant(b, loc, 0);
}

SmallVector<Value> mlir::tfc::projectBroadcastIndex(OpBuilder &b, Location loc,
                                                    ValueRange indices,
                                                    ArrayRef<int64_t> fromShape,
                                                    ArrayRef<int64_t> toShape) {
  assert(indices.size() == fromShape.size() && "index rank mismatch");
  assert(toShape.size() <= fromShape.size() && "cannot project to more dims");
  size_t lead = fromShape.size() - toShape.size();
  SmallVector<Value> projected;
  for (auto [d, size] : llvm::enumerate(toShape)) {
    if (size == 1 && fromShape[lead + d] != 1)
      projected.push_back(indexConstant(b, loc, 0));
    else
      projected.push_back(indices[lead + d]);
  }
  return projected;
}

bool mlir::tfc::broadcastsTo(ArrayRef<int64_t> shape,
                             ArrayRef<int64_t> target) {
  if (shape.size() > target.size())
    return false;
  size_t lead = target.size() - shape.size();
  for (auto [d, size] : llvm::enumerate(shape))
    if (size != 1 && size != target[lead + d])
      return false;
  return true;
}

Value mlir::tfc::globalThreadIndex(OpBuilder &b, Location loc,
                                   int64_t blockSize) {
  Value block = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value thread = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value base =
      arith::MulIOp::create(b, loc, block, indexConstant(b, loc, blockSize));
  return arith::AddIOp::create(b, loc, base, thread);
}

void mlir::tfc::emitGridStrideLoop(
    OpBuilder &b, Location loc, int64_t count, int64_t blockSize,
    function_ref<void(OpBuilder &, Location, Value)> body) {
  Value start = globalThreadIndex(b, loc, blockSize);
  Value grid = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  Value step =
      arith::MulIOp::create(b, loc, grid, indexConstant(b, loc, blockSize));
  auto loop =
      scf::ForOp::create(b, loc, start, indexConstant(b, loc, count), step);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  body(b, loc, loop.getInductionVar());
}
