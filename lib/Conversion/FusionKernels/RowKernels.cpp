//===- RowKernels.cpp - softmax, norms and reductions -----------*- C++ -*-===//
//
// Rows that fit in registers (softmax over the last axis, layer_norm,
// rms_norm) go to RegisterRowKernels.cpp: one read, one write. What is left
// is streamed here, and tfc.reduce: one thread block per row (softmax along any axis, the
// normalised trailing dims of layer_norm and rms_norm, the reduced elements
// of one output of tfc.reduce). Threads stride over the row, keep partial
// results in the compute type (f32 for 16-bit floats), and combine them with
// warp shuffles and one workgroup-memory slot per warp; every thread gets the
// row result and writes its own elements. A softmax marked `tfc.online`
// (tfc-online-softmax) finds its maximum and sum in one pass. Rows of any length work (tails are
// the loop bound). Reductions over few elements use one thread per output
// element instead, which keeps small reductions from idling whole blocks.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelFamilies.h"

#include "tfc/Dialect/KernelForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>
#include <tuple>

using namespace mlir;
using namespace mlir::tfc;

static constexpr int64_t kWarpSize = 32;

/// Threads per block of a reduction over `length` elements.
static int64_t rowBlockSize(int64_t length) {
  return streamedRowThreads(length);
}

using CombineFn = function_ref<Value(OpBuilder &, Location, Value, Value)>;

static Value addValues(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

static Value maxValues(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

namespace {
/// A block of `blockSize` threads cooperating on rows, with the workgroup
/// buffer its reductions use.
struct RowBlock {
  int64_t blockSize;
  Value threadId;
  Value scratch; // memref<(blockSize / 32) x T, workgroup>

  /// Adds the workgroup buffer to the kernel and reads the thread id.
  static RowBlock create(OpBuilder &b, Location loc, gpu::GPUFuncOp func,
                         int64_t blockSize, Type type) {
    RowBlock block;
    block.blockSize = blockSize;
    auto space = gpu::AddressSpaceAttr::get(b.getContext(),
                                            gpu::AddressSpace::Workgroup);
    auto scratchType = MemRefType::get({blockSize / kWarpSize}, type,
                                       MemRefLayoutAttrInterface(), space);
    block.scratch = func.addWorkgroupAttribution(scratchType, loc);
    block.threadId = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    return block;
  }

  /// `for (j = threadId; j < count; j += blockSize) acc = body(j, acc)`,
  /// returning the thread's partial result. `body` returns null on failure.
  FailureOr<Value>
  strideLoop(OpBuilder &b, Location loc, int64_t count, Value init,
             function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
    auto loop =
        scf::ForOp::create(b, loc, threadId, indexConstant(b, loc, count),
                           indexConstant(b, loc, blockSize), ValueRange{init});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value next =
        body(b, loc, loop.getInductionVar(), loop.getRegionIterArgs().front());
    if (!next) {
      scf::YieldOp::create(b, loc, loop.getRegionIterArgs());
      return failure();
    }
    scf::YieldOp::create(b, loc, next);
    return loop.getResult(0);
  }

  /// `for (j = threadId; j < count; j += blockSize) body(j)`.
  LogicalResult
  strideLoop(OpBuilder &b, Location loc, int64_t count,
             function_ref<LogicalResult(OpBuilder &, Location, Value)> body) {
    auto loop =
        scf::ForOp::create(b, loc, threadId, indexConstant(b, loc, count),
                           indexConstant(b, loc, blockSize));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    return body(b, loc, loop.getInductionVar());
  }

  /// Combines every thread's `value` with `combine`; all threads get the
  /// result. Warps reduce with xor shuffles, then each warp's lane 0 writes
  /// its slot and every thread combines the slots in the same order.
  Value reduce(OpBuilder &b, Location loc, Value value, CombineFn combine) {
    for (int32_t offset = kWarpSize / 2; offset > 0; offset /= 2) {
      auto shuffle = gpu::ShuffleOp::create(b, loc, value, offset, kWarpSize,
                                            gpu::ShuffleMode::XOR);
      value = combine(b, loc, value, shuffle.getShuffleResult());
    }
    Value lane = arith::RemUIOp::create(b, loc, threadId,
                                        indexConstant(b, loc, kWarpSize));
    Value warp = arith::DivUIOp::create(b, loc, threadId,
                                        indexConstant(b, loc, kWarpSize));
    // Earlier reads of the slots (a previous reduction) are done.
    gpu::BarrierOp::create(b, loc);
    Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           lane, indexConstant(b, loc, 0));
    auto ifLeader = scf::IfOp::create(b, loc, isLeader, /*withElse=*/false);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifLeader.thenBlock());
      memref::StoreOp::create(b, loc, value, scratch, ValueRange{warp});
    }
    gpu::BarrierOp::create(b, loc);
    Value result = memref::LoadOp::create(b, loc, scratch,
                                          ValueRange{indexConstant(b, loc, 0)});
    for (int64_t w = 1; w < blockSize / kWarpSize; ++w)
      result =
          combine(b, loc, result,
                  memref::LoadOp::create(b, loc, scratch,
                                         ValueRange{indexConstant(b, loc, w)}));
    return result;
  }
};
} // namespace

static LaunchConfig rowLaunch(KernelContext &ctx, int64_t rows,
                              int64_t blockSize) {
  LaunchConfig config;
  config.grid = {std::max<int64_t>(rows, 1), 1, 1};
  config.block = {blockSize, 1, 1};
  return finishLaunch(ctx, config);
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

/// The row's maximum and sum of exp(x - maximum) in one pass over the row
/// (the online form): each thread folds its elements into a running pair,
/// warps merge pairs with xor shuffles, then every thread merges the
/// per-warp pairs from workgroup memory in the same order.
static FailureOr<std::pair<Value, Value>>
onlineRowStatistics(OpBuilder &b, Location loc, KernelContext &ctx,
                    RowBlock &block, int64_t length, Value negInf,
                    function_ref<Value(OpBuilder &, Value)> input) {
  Type t = negInf.getType();
  Value one = floatConstant(b, loc, t, 1.0);
  auto loop = scf::ForOp::create(
      b, loc, block.threadId, indexConstant(b, loc, length),
      indexConstant(b, loc, block.blockSize),
      ValueRange{negInf, floatConstant(b, loc, t, 0.0)});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value x = input(b, loop.getInductionVar());
    if (!x) {
      scf::YieldOp::create(b, loc, loop.getRegionIterArgs());
      return failure();
    }
    // One exponential per element: e = exp(-|x - max|) rescales the sum
    // when x raises the maximum, else is x's own term.
    Value max = loop.getRegionIterArgs()[0], sum = loop.getRegionIterArgs()[1];
    Value newMax = arith::MaximumFOp::create(b, loc, max, x);
    Value e = math::ExpOp::create(
        b, loc,
        arith::NegFOp::create(
            b, loc,
            math::AbsFOp::create(b, loc,
                                 arith::SubFOp::create(b, loc, x, max))));
    Value seenNothing = arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OEQ, newMax, negInf);
    e = arith::SelectOp::create(b, loc, seenNothing,
                                floatConstant(b, loc, t, 0.0), e);
    Value raises =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, max);
    Value newSum = arith::SelectOp::create(
        b, loc, raises, math::FmaOp::create(b, loc, sum, e, one),
        arith::AddFOp::create(b, loc, sum, e));
    scf::YieldOp::create(b, loc, ValueRange{newMax, newSum});
  }
  Value max = loop.getResult(0), sum = loop.getResult(1);
  for (int32_t offset = kWarpSize / 2; offset > 0; offset /= 2) {
    auto otherMax = gpu::ShuffleOp::create(b, loc, max, offset, kWarpSize,
                                           gpu::ShuffleMode::XOR);
    auto otherSum = gpu::ShuffleOp::create(b, loc, sum, offset, kWarpSize,
                                           gpu::ShuffleMode::XOR);
    std::tie(max, sum) =
        mergeOnline(b, loc, max, sum, otherMax.getShuffleResult(),
                    otherSum.getShuffleResult());
  }
  int64_t warps = block.blockSize / kWarpSize;
  if (warps == 1)
    return std::make_pair(max, sum);
  // The block's existing slots hold the maxima; a second buffer the sums.
  auto space = gpu::AddressSpaceAttr::get(b.getContext(),
                                          gpu::AddressSpace::Workgroup);
  Value sums = ctx.func.addWorkgroupAttribution(
      MemRefType::get({warps}, t, MemRefLayoutAttrInterface(), space), loc);
  Value lane = arith::RemUIOp::create(b, loc, block.threadId,
                                      indexConstant(b, loc, kWarpSize));
  Value warp = arith::DivUIOp::create(b, loc, block.threadId,
                                      indexConstant(b, loc, kWarpSize));
  gpu::BarrierOp::create(b, loc);
  Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         lane, indexConstant(b, loc, 0));
  auto ifLeader = scf::IfOp::create(b, loc, isLeader, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifLeader.thenBlock());
    memref::StoreOp::create(b, loc, max, block.scratch, ValueRange{warp});
    memref::StoreOp::create(b, loc, sum, sums, ValueRange{warp});
  }
  gpu::BarrierOp::create(b, loc);
  auto slot = [&](Value buffer, int64_t w) -> Value {
    return memref::LoadOp::create(b, loc, buffer,
                                  ValueRange{indexConstant(b, loc, w)});
  };
  max = slot(block.scratch, 0);
  sum = slot(sums, 0);
  for (int64_t w = 1; w < warps; ++w)
    std::tie(max, sum) =
        mergeOnline(b, loc, max, sum, slot(block.scratch, w), slot(sums, w));
  return std::make_pair(max, sum);
}

FailureOr<LaunchConfig>
mlir::tfc::emitSoftmaxKernel(OpBuilder &b, KernelContext &ctx, SoftmaxOp op) {
  Location loc = op.getLoc();
  auto type = op.getType();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t axis = op.getAxis();
  FailureOr<RowConfig> config = planRows(ctx, op);
  if (failed(config))
    return failure();
  if (config->inRegisters)
    return emitRegisterRowKernel(b, ctx, op, axis, *config);
  int64_t length = shape[axis];
  SmallVector<int64_t> outerShape(shape);
  outerShape.erase(outerShape.begin() + axis);
  int64_t rows = numElements(outerShape);
  Type t = getComputeType(type.getElementType());
  int64_t blockSize = config->threadsPerRow;
  RowBlock block = RowBlock::create(b, loc, ctx.func, blockSize, t);

  // The row's position in the other dimensions; element j of the row sits at
  // outer[:axis] ++ [j] ++ outer[axis:] (strided unless axis is the last).
  Value row = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  SmallVector<Value> outer = delinearize(b, loc, row, outerShape);
  auto elementAt = [&](Value j) {
    SmallVector<Value> indices(outer);
    indices.insert(indices.begin() + axis, j);
    return ElementIndex::fromIndices(shape, indices);
  };
  auto input = [&](OpBuilder &b, Value j) -> Value {
    ElementIndex at = elementAt(j);
    FailureOr<Value> x = ctx.emitter.emit(b, op.getInput(), at);
    return succeeded(x) ? *x : Value();
  };

  Value negInf =
      floatConstant(b, loc, t, -std::numeric_limits<double>::infinity());
  Value rowMax, rowSum;
  if (op->hasAttr(kOnlineSoftmaxAttrName)) {
    // The online form (tfc-online-softmax): one pass keeps each thread's
    // running maximum and its sum of exponentials, then the block merges
    // the (max, sum) pairs.
    FailureOr<std::pair<Value, Value>> stats =
        onlineRowStatistics(b, loc, ctx, block, length, negInf, input);
    if (failed(stats))
      return failure();
    std::tie(rowMax, rowSum) = *stats;
  } else {
    // Pass 1: row maximum.
    FailureOr<Value> partialMax = block.strideLoop(
        b, loc, length, negInf,
        [&](OpBuilder &b, Location loc, Value j, Value acc) -> Value {
          Value x = input(b, j);
          return x ? maxValues(b, loc, acc, x) : Value();
        });
    if (failed(partialMax))
      return failure();
    rowMax = block.reduce(b, loc, *partialMax, maxValues);

    // Pass 2: sum of exp(x - max).
    FailureOr<Value> partialSum = block.strideLoop(
        b, loc, length, floatConstant(b, loc, t, 0.0),
        [&](OpBuilder &b, Location loc, Value j, Value acc) -> Value {
          Value x = input(b, j);
          if (!x)
            return Value();
          Value e = math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, x, rowMax));
          return arith::AddFOp::create(b, loc, acc, e);
        });
    if (failed(partialSum))
      return failure();
    rowSum = block.reduce(b, loc, *partialSum, addValues);
  }
  Value inverse =
      arith::DivFOp::create(b, loc, floatConstant(b, loc, t, 1.0), rowSum);

  // Pass 3: normalise and store.
  if (failed(block.strideLoop(
          b, loc, length, [&](OpBuilder &b, Location loc, Value j) {
            Value x = input(b, j);
            if (!x)
              return failure();
            Value e = math::ExpOp::create(
                b, loc, arith::SubFOp::create(b, loc, x, rowMax));
            ElementIndex at = elementAt(j);
            return ctx.storeAnchor(b, loc, op.getResult(),
                                   arith::MulFOp::create(b, loc, e, inverse),
                                   at);
          })))
    return failure();
  return rowLaunch(ctx, rows, blockSize);
}

//===----------------------------------------------------------------------===//
// Layer norm and RMS norm
//===----------------------------------------------------------------------===//

namespace {
/// The rows of a norm over dims [axis, rank): contiguous, so element j of row
/// r is at linear position r * length + j.
struct NormRows {
  ArrayRef<int64_t> shape;
  ArrayRef<int64_t> normalizedShape;
  int64_t length;
  int64_t rows;
  Value rowBase; // blockIdx.x * length

  NormRows(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, int64_t axis)
      : shape(shape), normalizedShape(shape.drop_front(axis)),
        length(numElements(shape.drop_front(axis))),
        rows(numElements(shape.take_front(axis))) {
    Value row = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    rowBase = arith::MulIOp::create(b, loc, row, indexConstant(b, loc, length));
  }

  ElementIndex element(OpBuilder &b, Location loc, Value j) const {
    return ElementIndex::fromLinear(shape,
                                    arith::AddIOp::create(b, loc, rowBase, j));
  }
  ElementIndex parameter(Value j) const {
    return ElementIndex::fromLinear(normalizedShape, j);
  }
};
} // namespace

/// Sum over the row of `term(x)`, reduced across the block.
static FailureOr<Value>
sumOverRow(OpBuilder &b, Location loc, KernelContext &ctx, RowBlock &block,
           const NormRows &rows, Value input, Type t,
           function_ref<Value(OpBuilder &, Location, Value)> term) {
  FailureOr<Value> partial = block.strideLoop(
      b, loc, rows.length, floatConstant(b, loc, t, 0.0),
      [&](OpBuilder &b, Location loc, Value j, Value acc) -> Value {
        ElementIndex at = rows.element(b, loc, j);
        FailureOr<Value> x = ctx.emitter.emit(b, input, at);
        if (failed(x))
          return Value();
        return arith::AddFOp::create(b, loc, acc, term(b, loc, *x));
      });
  if (failed(partial))
    return failure();
  return block.reduce(b, loc, *partial, addValues);
}

/// `rsqrt(sum / length + epsilon)`.
static Value inverseRms(OpBuilder &b, Location loc, Value sum, int64_t length,
                        APFloat epsilon, Type t) {
  Value mean = arith::DivFOp::create(
      b, loc, sum, floatConstant(b, loc, t, static_cast<double>(length)));
  Value eps = floatConstant(b, loc, t, epsilon.convertToDouble());
  return math::RsqrtOp::create(b, loc,
                               arith::AddFOp::create(b, loc, mean, eps));
}

/// Pass over the row writing `finish(x, j-position)` for every element.
static LogicalResult writeRow(
    OpBuilder &b, Location loc, KernelContext &ctx, RowBlock &block,
    const NormRows &rows, Operation *op,
    function_ref<FailureOr<Value>(OpBuilder &, Location, Value, ElementIndex &)>
        finish) {
  return block.strideLoop(
      b, loc, rows.length, [&](OpBuilder &b, Location loc, Value j) {
        ElementIndex at = rows.element(b, loc, j);
        FailureOr<Value> x = ctx.emitter.emit(b, op->getOperand(0), at);
        if (failed(x))
          return failure();
        ElementIndex param = rows.parameter(j);
        FailureOr<Value> y = finish(b, loc, *x, param);
        if (failed(y))
          return failure();
        return ctx.storeAnchor(b, loc, op->getResult(0), *y, at);
      });
}

FailureOr<LaunchConfig> mlir::tfc::emitLayerNormKernel(OpBuilder &b,
                                                       KernelContext &ctx,
                                                       LayerNormOp op) {
  FailureOr<RowConfig> config = planRows(ctx, op);
  if (failed(config))
    return failure();
  if (config->inRegisters)
    return emitRegisterRowKernel(b, ctx, op, op.getAxis(), *config);
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(op.getType());
  Type t = getComputeType(type.getElementType());
  NormRows rows(b, loc, type.getShape(), op.getAxis());
  int64_t blockSize = config->threadsPerRow;
  RowBlock block = RowBlock::create(b, loc, ctx.func, blockSize, t);
  Value count = floatConstant(b, loc, t, static_cast<double>(rows.length));

  // Two-pass statistics: the mean, then the mean squared deviation.
  FailureOr<Value> sum =
      sumOverRow(b, loc, ctx, block, rows, op.getInput(), t,
                 [](OpBuilder &, Location, Value x) { return x; });
  if (failed(sum))
    return failure();
  Value mean = arith::DivFOp::create(b, loc, *sum, count);
  FailureOr<Value> squares =
      sumOverRow(b, loc, ctx, block, rows, op.getInput(), t,
                 [&](OpBuilder &b, Location loc, Value x) -> Value {
                   Value d = arith::SubFOp::create(b, loc, x, mean);
                   return arith::MulFOp::create(b, loc, d, d);
                 });
  if (failed(squares))
    return failure();
  Value rstd = inverseRms(b, loc, *squares, rows.length, op.getEpsilon(), t);

  if (failed(writeRow(b, loc, ctx, block, rows, op,
                      [&](OpBuilder &b, Location loc, Value x,
                          ElementIndex &param) -> FailureOr<Value> {
                        Value y = arith::MulFOp::create(
                            b, loc, arith::SubFOp::create(b, loc, x, mean),
                            rstd);
                        if (Value scale = op.getScale()) {
                          FailureOr<Value> s =
                              ctx.emitter.emit(b, scale, param);
                          if (failed(s))
                            return failure();
                          y = arith::MulFOp::create(b, loc, y, *s);
                        }
                        if (Value bias = op.getBias()) {
                          FailureOr<Value> c = ctx.emitter.emit(b, bias, param);
                          if (failed(c))
                            return failure();
                          y = arith::AddFOp::create(b, loc, y, *c);
                        }
                        return y;
                      })))
    return failure();
  return rowLaunch(ctx, rows.rows, blockSize);
}

FailureOr<LaunchConfig>
mlir::tfc::emitRmsNormKernel(OpBuilder &b, KernelContext &ctx, RmsNormOp op) {
  FailureOr<RowConfig> config = planRows(ctx, op);
  if (failed(config))
    return failure();
  if (config->inRegisters)
    return emitRegisterRowKernel(b, ctx, op, op.getAxis(), *config);
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(op.getType());
  Type t = getComputeType(type.getElementType());
  NormRows rows(b, loc, type.getShape(), op.getAxis());
  int64_t blockSize = config->threadsPerRow;
  RowBlock block = RowBlock::create(b, loc, ctx.func, blockSize, t);

  FailureOr<Value> squares =
      sumOverRow(b, loc, ctx, block, rows, op.getInput(), t,
                 [](OpBuilder &b, Location loc, Value x) -> Value {
                   return arith::MulFOp::create(b, loc, x, x);
                 });
  if (failed(squares))
    return failure();
  Value rstd = inverseRms(b, loc, *squares, rows.length, op.getEpsilon(), t);

  if (failed(writeRow(b, loc, ctx, block, rows, op,
                      [&](OpBuilder &b, Location loc, Value x,
                          ElementIndex &param) -> FailureOr<Value> {
                        Value y = arith::MulFOp::create(b, loc, x, rstd);
                        if (Value scale = op.getScale()) {
                          FailureOr<Value> s =
                              ctx.emitter.emit(b, scale, param);
                          if (failed(s))
                            return failure();
                          y = arith::MulFOp::create(b, loc, y, *s);
                        }
                        return y;
                      })))
    return failure();
  return rowLaunch(ctx, rows.rows, blockSize);
}

//===----------------------------------------------------------------------===//
// Reduce
//===----------------------------------------------------------------------===//

namespace {
/// The kind-specific parts of tfc.reduce on compute-type scalars.
struct ReduceKindInfo {
  ReduceKind kind;
  Type type;

  Value init(OpBuilder &b, Location loc) const {
    bool isFloat = isa<FloatType>(type);
    double inf = std::numeric_limits<double>::infinity();
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      return isFloat ? floatConstant(b, loc, type, 0.0)
                     : intConstant(b, loc, 0);
    case ReduceKind::prod:
      return isFloat ? floatConstant(b, loc, type, 1.0)
                     : intConstant(b, loc, 1);
    case ReduceKind::max:
      return isFloat ? floatConstant(b, loc, type, -inf)
                     : intConstant(b, loc,
                                   APInt::getSignedMinValue(
                                       type.getIntOrFloatBitWidth()));
    case ReduceKind::min:
      return isFloat ? floatConstant(b, loc, type, inf)
                     : intConstant(b, loc,
                                   APInt::getSignedMaxValue(
                                       type.getIntOrFloatBitWidth()));
    }
    llvm_unreachable("unknown reduce kind");
  }

  Value combine(OpBuilder &b, Location loc, Value x, Value y) const {
    bool isFloat = isa<FloatType>(type);
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
      return addValues(b, loc, x, y);
    case ReduceKind::prod:
      return isFloat ? arith::MulFOp::create(b, loc, x, y).getResult()
                     : arith::MulIOp::create(b, loc, x, y).getResult();
    case ReduceKind::max:
      return maxValues(b, loc, x, y);
    case ReduceKind::min:
      return isFloat ? arith::MinimumFOp::create(b, loc, x, y).getResult()
                     : arith::MinSIOp::create(b, loc, x, y).getResult();
    }
    llvm_unreachable("unknown reduce kind");
  }

  /// Divides by `count` for mean.
  Value finish(OpBuilder &b, Location loc, Value acc, int64_t count) const {
    if (kind != ReduceKind::mean)
      return acc;
    if (isa<FloatType>(type))
      return arith::DivFOp::create(
          b, loc, acc, floatConstant(b, loc, type, static_cast<double>(count)));
    return arith::DivSIOp::create(b, loc, acc, intConstant(b, loc, count));
  }

private:
  Value intConstant(OpBuilder &b, Location loc, int64_t v) const {
    return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
  }
  Value intConstant(OpBuilder &b, Location loc, APInt v) const {
    return arith::ConstantOp::create(b, loc, type, b.getIntegerAttr(type, v));
  }
};
} // namespace

FailureOr<LaunchConfig>
mlir::tfc::emitReduceKernel(OpBuilder &b, KernelContext &ctx, ReduceOp op) {
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  if (inType.getElementType().isInteger(1))
    return op.emitOpError("has no GPU kernel yet for i1 inputs");
  ArrayRef<int64_t> inShape = inType.getShape();
  ArrayRef<int64_t> outShape = outType.getShape();
  ArrayRef<int64_t> axes = op.getAxes();
  SmallVector<int64_t> reducedShape;
  for (int64_t a : axes)
    reducedShape.push_back(inShape[a]);
  int64_t reducedCount = numElements(reducedShape);
  int64_t outCount = numElements(outShape);
  // Integers narrower than 32 bits accumulate in i32 (what warp shuffles
  // move) and are truncated at the end.
  Type elementType = inType.getElementType();
  Type accType = getComputeType(elementType);
  if (accType.isInteger() && accType.getIntOrFloatBitWidth() < 32)
    accType = IntegerType::get(op.getContext(), 32);
  ReduceKindInfo info{op.getKind(), accType};
  auto finish = [&](OpBuilder &b, Location loc, Value acc) {
    return convertScalar(b, loc, info.finish(b, loc, acc, reducedCount),
                         accType, outType.getElementType());
  };

  // The input position of reduced element `reduced` (indices over
  // reducedShape) for the output element at `out`.
  auto inputIndices = [&](ArrayRef<Value> out, ArrayRef<Value> reduced) {
    SmallVector<Value> indices;
    unsigned nextOut = 0, nextReduced = 0;
    for (int64_t d = 0; d < inType.getRank(); ++d) {
      if (llvm::is_contained(axes, d)) {
        indices.push_back(reduced[nextReduced++]);
        if (op.getKeepDims())
          ++nextOut; // the kept size-1 dimension
        continue;
      }
      indices.push_back(out[nextOut++]);
    }
    return indices;
  };
  auto loadReduced = [&](OpBuilder &b, Location loc, ArrayRef<Value> out,
                         Value r) -> Value {
    SmallVector<Value> reduced = delinearize(b, loc, r, reducedShape);
    FailureOr<Value> x =
        ctx.emitter.emitAt(b, op.getInput(), inputIndices(out, reduced));
    if (failed(x))
      return Value();
    return convertScalar(b, loc, *x, elementType, accType);
  };

  // Few elements per output: one thread per output element.
  int64_t blockSize = rowBlockSize(reducedCount);
  if (reducedCount < blockSize) {
    constexpr int64_t kBlock = 256;
    LogicalResult status = success();
    emitGridStrideLoop(
        b, loc, outCount, kBlock, [&](OpBuilder &b, Location loc, Value lin) {
          ElementIndex at = ElementIndex::fromLinear(outShape, lin);
          SmallVector<Value> out(at.getIndices(b, loc));
          auto loop = scf::ForOp::create(b, loc, indexConstant(b, loc, 0),
                                         indexConstant(b, loc, reducedCount),
                                         indexConstant(b, loc, 1),
                                         ValueRange{info.init(b, loc)});
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(loop.getBody());
            Value x = loadReduced(b, loc, out, loop.getInductionVar());
            if (!x) {
              status = failure();
              scf::YieldOp::create(b, loc, loop.getRegionIterArgs());
              return;
            }
            scf::YieldOp::create(
                b, loc,
                info.combine(b, loc, loop.getRegionIterArgs().front(), x));
          }
          if (failed(ctx.storeAnchor(b, loc, op.getResult(),
                                     finish(b, loc, loop.getResult(0)), at)))
            status = failure();
        });
    if (failed(status))
      return failure();
    LaunchConfig config;
    config.grid = {ceilDiv(std::max<int64_t>(outCount, 1), kBlock), 1, 1};
    config.block = {kBlock, 1, 1};
    return finishLaunch(ctx, config);
  }

  // Many elements per output: one block per output element.
  RowBlock block = RowBlock::create(b, loc, ctx.func, blockSize, info.type);
  Value row = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  ElementIndex at = ElementIndex::fromLinear(outShape, row);
  SmallVector<Value> out(at.getIndices(b, loc));
  FailureOr<Value> partial = block.strideLoop(
      b, loc, reducedCount, info.init(b, loc),
      [&](OpBuilder &b, Location loc, Value r, Value acc) -> Value {
        Value x = loadReduced(b, loc, out, r);
        return x ? info.combine(b, loc, acc, x) : Value();
      });
  if (failed(partial))
    return failure();
  Value total = block.reduce(b, loc, *partial,
                             [&](OpBuilder &b, Location loc, Value x, Value y) {
                               return info.combine(b, loc, x, y);
                             });
  Value isFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, block.threadId,
                            indexConstant(b, loc, 0));
  auto ifFirst = scf::IfOp::create(b, loc, isFirst, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifFirst.thenBlock());
    if (failed(ctx.storeAnchor(b, loc, op.getResult(), finish(b, loc, total),
                               at)))
      return failure();
  }
  return rowLaunch(ctx, outCount, blockSize);
}
