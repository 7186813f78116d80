//===- RegisterRowKernels.cpp - softmax and norms, rows in registers -----===//
//
// The fast row family: a row of softmax (last axis), layer_norm or rms_norm
// is read once from HBM into registers, reduced there and written once.
// Plan (sizes from KernelConfig's chooseRowConfig):
//
//   1. `threadsPerRow` threads (a warp or more) share a row; each loads
//      `chunksPerThread` vectors of `vectorWidth` consecutive elements
//      (16 bytes when the row allows it), chunk c of thread t at element
//      (c * threadsPerRow + t) * vectorWidth, so a warp reads contiguous
//      512-byte spans. Operands computed by pointwise ops (a residual add in
//      front of the norm) are evaluated there, element by element.
//   2. Statistics in f32 from the registers: softmax max then sum of
//      exponentials (marked `tfc.online`: each thread's max and sum over
//      its registers, then one (max, sum) pair reduction); layer_norm mean
//      then mean squared deviation (two exact passes over registers, one
//      pass over memory); rms_norm the mean square. Warps reduce with xor shuffles; rows wider than a warp
//      combine per-warp partials through one shared slot per warp.
//   3. Each element is finished (scale, bias), passed through the fusion's
//      elementwise epilogue and stored with one vector store per chunk.
//
// Short rows put several rows in a block (rowsPerBlock); a block's last
// rows past the end compute a copy of the last row and store nothing, so
// every thread reaches every barrier.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelConfig.h"
#include "KernelFamilies.h"

#include "tfc/Dialect/KernelForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <functional>
#include <limits>
#include <tuple>

using namespace mlir;
using namespace mlir::tfc;

namespace {
enum class RowKind { softmax, layerNorm, rmsNorm };

/// One thread's view of its row.
struct RowState {
  RowConfig config;
  int64_t length;
  SmallVector<int64_t> shape;
  Value threadInRow, rowInBlock, warpInRow, lane;
  Value rowBase;   // row * length (the row clamped to the last one)
  Value rowInside; // null when every row of every block exists
  // values[c][k]: element k of chunk c (compute type); chunkValid[c] is null
  // when chunk c exists for every thread.
  SmallVector<SmallVector<Value>> values;
  SmallVector<Value> chunkValid;
  SmallVector<Value> chunkStart; // element index of lane 0 in the row
};
} // namespace

using Combine = function_ref<Value(OpBuilder &, Location, Value, Value)>;

/// Combines `value` over the threads of a row. Warps use xor shuffles; rows
/// wider than a warp go through `scratch` (one slot per warp of the block).
static Value reduceOverRow(OpBuilder &b, Location loc, RowState &row,
                           gpu::GPUFuncOp func, Value value, Combine combine) {
  for (int32_t offset = 16; offset > 0; offset /= 2) {
    auto shuffle = gpu::ShuffleOp::create(b, loc, value, offset, 32,
                                          gpu::ShuffleMode::XOR);
    value = combine(b, loc, value, shuffle.getShuffleResult());
  }
  int64_t warpsPerRow = row.config.threadsPerRow / 32;
  if (warpsPerRow == 1)
    return value;
  auto space = gpu::AddressSpaceAttr::get(b.getContext(),
                                          gpu::AddressSpace::Workgroup);
  auto scratchType =
      MemRefType::get({row.config.rowsPerBlock, warpsPerRow}, value.getType(),
                      MemRefLayoutAttrInterface(), space);
  // A buffer per reduction: no barrier is needed before reusing one.
  Value scratch = func.addWorkgroupAttribution(scratchType, loc);
  Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         row.lane, indexConstant(b, loc, 0));
  auto ifLeader = scf::IfOp::create(b, loc, isLeader, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifLeader.thenBlock());
    memref::StoreOp::create(b, loc, value, scratch,
                            ValueRange{row.rowInBlock, row.warpInRow});
  }
  gpu::BarrierOp::create(b, loc);
  Value result = memref::LoadOp::create(
      b, loc, scratch, ValueRange{row.rowInBlock, indexConstant(b, loc, 0)});
  for (int64_t w = 1; w < warpsPerRow; ++w)
    result = combine(b, loc, result,
                     memref::LoadOp::create(
                         b, loc, scratch,
                         ValueRange{row.rowInBlock, indexConstant(b, loc, w)}));
  return result;
}

/// The online softmax's (max, sum) pair merged over the threads of a row:
/// xor shuffles in the warp, then, for rows wider than a warp, one slot
/// pair per warp in workgroup memory (a single barrier).
static std::pair<Value, Value> reducePairOverRow(OpBuilder &b, Location loc,
                                                 RowState &row,
                                                 gpu::GPUFuncOp func,
                                                 Value max, Value sum) {
  for (int32_t offset = 16; offset > 0; offset /= 2) {
    auto otherMax =
        gpu::ShuffleOp::create(b, loc, max, offset, 32, gpu::ShuffleMode::XOR);
    auto otherSum =
        gpu::ShuffleOp::create(b, loc, sum, offset, 32, gpu::ShuffleMode::XOR);
    std::tie(max, sum) =
        mergeOnline(b, loc, max, sum, otherMax.getShuffleResult(),
                    otherSum.getShuffleResult());
  }
  int64_t warpsPerRow = row.config.threadsPerRow / 32;
  if (warpsPerRow == 1)
    return {max, sum};
  auto space = gpu::AddressSpaceAttr::get(b.getContext(),
                                          gpu::AddressSpace::Workgroup);
  auto scratchType =
      MemRefType::get({row.config.rowsPerBlock, warpsPerRow}, max.getType(),
                      MemRefLayoutAttrInterface(), space);
  Value maxes = func.addWorkgroupAttribution(scratchType, loc);
  Value sums = func.addWorkgroupAttribution(scratchType, loc);
  Value isLeader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         row.lane, indexConstant(b, loc, 0));
  auto ifLeader = scf::IfOp::create(b, loc, isLeader, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifLeader.thenBlock());
    memref::StoreOp::create(b, loc, max, maxes,
                            ValueRange{row.rowInBlock, row.warpInRow});
    memref::StoreOp::create(b, loc, sum, sums,
                            ValueRange{row.rowInBlock, row.warpInRow});
  }
  gpu::BarrierOp::create(b, loc);
  auto slot = [&](Value buffer, int64_t w) -> Value {
    return memref::LoadOp::create(
        b, loc, buffer, ValueRange{row.rowInBlock, indexConstant(b, loc, w)});
  };
  max = slot(maxes, 0);
  sum = slot(sums, 0);
  for (int64_t w = 1; w < warpsPerRow; ++w)
    std::tie(max, sum) =
        mergeOnline(b, loc, max, sum, slot(maxes, w), slot(sums, w));
  return {max, sum};
}

/// Sum (or max) over the thread's valid elements of `term(c, k)`, then over
/// the row.
static Value rowTotal(OpBuilder &b, Location loc, RowState &row,
                      gpu::GPUFuncOp func, Value neutral, Combine combine,
                      function_ref<Value(int64_t, int64_t)> term) {
  Value partial = neutral;
  for (auto [c, chunk] : llvm::enumerate(row.values)) {
    Value chunkPartial = neutral;
    for (int64_t k = 0; k < static_cast<int64_t>(chunk.size()); ++k)
      chunkPartial = combine(b, loc, chunkPartial, term(c, k));
    if (Value valid = row.chunkValid[c])
      chunkPartial =
          arith::SelectOp::create(b, loc, valid, chunkPartial, neutral);
    partial = combine(b, loc, partial, chunkPartial);
  }
  return reduceOverRow(b, loc, row, func, partial, combine);
}

static Value addF(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddFOp::create(b, loc, x, y);
}
static Value maxF(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MaximumFOp::create(b, loc, x, y);
}

/// Emits `if (cond) body` (just `body` when `cond` is null).
static LogicalResult emitGuarded(OpBuilder &b, Location loc, Value cond,
                                 function_ref<LogicalResult(OpBuilder &)> body) {
  if (!cond)
    return body(b);
  auto ifOp = scf::IfOp::create(b, loc, cond, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  return body(b);
}

static Value andValues(OpBuilder &b, Location loc, Value x, Value y) {
  if (!x)
    return y;
  if (!y)
    return x;
  return arith::AndIOp::create(b, loc, x, y);
}

FailureOr<RowConfig> mlir::tfc::planRows(KernelContext &ctx, Operation *op) {
  return chooseRowKernelConfig(op, ctx.target);
}

FailureOr<LaunchConfig> mlir::tfc::emitRegisterRowKernel(OpBuilder &b,
                                                         KernelContext &ctx,
                                                         Operation *op,
                                                         int64_t axis,
                                                         RowConfig config) {
  Location loc = op->getLoc();
  RowKind kind = isa<SoftmaxOp>(op)     ? RowKind::softmax
                 : isa<LayerNormOp>(op) ? RowKind::layerNorm
                                        : RowKind::rmsNorm;
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  Type t = getComputeType(outType.getElementType());
  Value input = op->getOperand(0);
  auto cst = [&](int64_t v) { return indexConstant(b, loc, v); };

  RowState row;
  row.config = config;
  row.shape.assign(outType.getShape().begin(), outType.getShape().end());
  row.length = numElements(ArrayRef<int64_t>(row.shape).drop_front(axis));
  int64_t rows = numElements(ArrayRef<int64_t>(row.shape).take_front(axis));
  ArrayRef<int64_t> normalizedShape = ArrayRef<int64_t>(row.shape).drop_front(axis);
  int64_t width = config.vectorWidth, threadsPerRow = config.threadsPerRow;

  // Thread coordinates.
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  row.threadInRow = config.rowsPerBlock == 1
                        ? tid
                        : arith::RemUIOp::create(b, loc, tid, cst(threadsPerRow))
                              .getResult();
  row.rowInBlock = config.rowsPerBlock == 1
                       ? cst(0)
                       : arith::DivUIOp::create(b, loc, tid, cst(threadsPerRow))
                             .getResult();
  row.lane = arith::RemUIOp::create(b, loc, tid, cst(32));
  row.warpInRow = arith::DivUIOp::create(b, loc, row.threadInRow, cst(32));
  Value rowIndex = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  if (config.rowsPerBlock > 1)
    rowIndex = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, rowIndex, cst(config.rowsPerBlock)),
        row.rowInBlock);
  if (rows % config.rowsPerBlock != 0) {
    row.rowInside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          rowIndex, cst(rows));
    rowIndex = arith::MinUIOp::create(b, loc, rowIndex, cst(rows - 1));
  }
  row.rowBase = arith::MulIOp::create(b, loc, rowIndex, cst(row.length));
  Value threadStart = arith::MulIOp::create(b, loc, row.threadInRow, cst(width));

  // 1. Load the row into registers.
  for (int64_t c = 0; c < config.chunksPerThread; ++c) {
    Value start = arith::AddIOp::create(b, loc, threadStart,
                                        cst(c * threadsPerRow * width));
    row.chunkStart.push_back(start);
    bool full = (c + 1) * threadsPerRow * width <= row.length;
    Value valid;
    if (!full)
      valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, start,
                                    cst(row.length));
    row.chunkValid.push_back(valid);
    auto load = [&](OpBuilder &b) -> FailureOr<SmallVector<Value>> {
      VectorGroup group;
      group.width = width;
      SmallVector<ElementIndex> lanes = makeLanes(
          b, loc,
          ElementIndex::fromLinear(
              row.shape, arith::AddIOp::create(b, loc, row.rowBase, start)),
          group);
      SmallVector<Value> xs;
      for (ElementIndex &at : lanes) {
        FailureOr<Value> x = ctx.emitter.emit(b, input, at);
        if (failed(x))
          return failure();
        xs.push_back(*x);
      }
      return xs;
    };
    if (full) {
      FailureOr<SmallVector<Value>> xs = load(b);
      if (failed(xs))
        return failure();
      row.values.push_back(*xs);
      continue;
    }
    auto ifOp = scf::IfOp::create(b, loc, SmallVector<Type>(width, t), valid,
                                  /*addThenBlock=*/true, /*addElseBlock=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      FailureOr<SmallVector<Value>> xs = load(b);
      if (failed(xs))
        return failure();
      scf::YieldOp::create(b, loc, *xs);
      b.setInsertionPointToStart(ifOp.elseBlock());
      scf::YieldOp::create(
          b, loc, SmallVector<Value>(width, floatConstant(b, loc, t, 0.0)));
    }
    row.values.push_back(SmallVector<Value>(ifOp.getResults()));
  }

  // 2. Statistics.
  Value zero = floatConstant(b, loc, t, 0.0);
  Value count = floatConstant(b, loc, t, static_cast<double>(row.length));
  auto x = [&](int64_t c, int64_t k) { return row.values[c][k]; };
  // finish(c, k, param lane) -> the anchor's value at that element.
  std::function<FailureOr<Value>(OpBuilder &, int64_t, int64_t, ElementIndex &)>
      finish;
  SmallVector<SmallVector<Value>> exps;
  Value mean, rstd, inverseSum;
  auto inverseRms = [&](Value sum, APFloat epsilon) -> Value {
    Value meanSquare = arith::DivFOp::create(b, loc, sum, count);
    return math::RsqrtOp::create(
        b, loc,
        arith::AddFOp::create(
            b, loc, meanSquare,
            floatConstant(b, loc, t, epsilon.convertToDouble())));
  };
  auto scaled = [&](OpBuilder &b, Value y, Value scale, Value bias,
                    ElementIndex &param) -> FailureOr<Value> {
    if (scale) {
      FailureOr<Value> s = ctx.emitter.emit(b, scale, param);
      if (failed(s))
        return failure();
      y = arith::MulFOp::create(b, loc, y, *s);
    }
    if (bias) {
      FailureOr<Value> c = ctx.emitter.emit(b, bias, param);
      if (failed(c))
        return failure();
      y = arith::AddFOp::create(b, loc, y, *c);
    }
    return y;
  };
  switch (kind) {
  case RowKind::softmax: {
    if (op->hasAttr(kOnlineSoftmaxAttrName)) {
      // The online form (tfc-online-softmax): each thread's maximum and
      // sum of exponentials over its registers need no other thread, then
      // one pair reduction over the row gives the row's; each exponential
      // is rescaled by the thread's exp(m_thread - m_row) / sum.
      Value negInf =
          floatConstant(b, loc, t, -std::numeric_limits<double>::infinity());
      Value localMax = negInf, localSum = zero;
      for (auto [c, chunk] : llvm::enumerate(row.values)) {
        Value chunkMax = negInf;
        for (Value v : chunk)
          chunkMax = maxF(b, loc, chunkMax, v);
        if (Value valid = row.chunkValid[c])
          chunkMax = arith::SelectOp::create(b, loc, valid, chunkMax, negInf);
        localMax = maxF(b, loc, localMax, chunkMax);
      }
      Value localIsNegInf = arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OEQ, localMax, negInf);
      Value localPivot = arith::SelectOp::create(b, loc, localIsNegInf, zero,
                                                 localMax);
      for (auto [c, chunk] : llvm::enumerate(row.values)) {
        SmallVector<Value> e;
        Value chunkSum = zero;
        for (Value v : chunk) {
          e.push_back(math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, v, localPivot)));
          chunkSum = addF(b, loc, chunkSum, e.back());
        }
        if (Value valid = row.chunkValid[c])
          chunkSum = arith::SelectOp::create(b, loc, valid, chunkSum, zero);
        localSum = addF(b, loc, localSum, chunkSum);
        exps.push_back(e);
      }
      auto [rowMax, rowSum] =
          reducePairOverRow(b, loc, row, ctx.func, localMax, localSum);
      Value rowIsNegInf = arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OEQ, rowMax, negInf);
      Value rowPivot =
          arith::SelectOp::create(b, loc, rowIsNegInf, zero, rowMax);
      // exp(x - m_row) / sum = exp(x - m_thread) * exp(m_thread - m_row) / sum
      inverseSum = arith::DivFOp::create(
          b, loc,
          math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, localPivot, rowPivot)),
          rowSum);
    } else {
      Value max = rowTotal(
          b, loc, row, ctx.func,
          floatConstant(b, loc, t, -std::numeric_limits<double>::infinity()),
          maxF, x);
      for (auto &chunk : row.values) {
        SmallVector<Value> e;
        for (Value v : chunk)
          e.push_back(math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, v, max)));
        exps.push_back(e);
      }
      Value sum = rowTotal(b, loc, row, ctx.func, zero, addF,
                           [&](int64_t c, int64_t k) { return exps[c][k]; });
      inverseSum =
          arith::DivFOp::create(b, loc, floatConstant(b, loc, t, 1.0), sum);
    }
    finish = [&](OpBuilder &b, int64_t c, int64_t k,
                 ElementIndex &) -> FailureOr<Value> {
      return Value(arith::MulFOp::create(b, loc, exps[c][k], inverseSum));
    };
    break;
  }
  case RowKind::layerNorm: {
    auto ln = cast<LayerNormOp>(op);
    mean = arith::DivFOp::create(
        b, loc, rowTotal(b, loc, row, ctx.func, zero, addF, x), count);
    Value squares = rowTotal(b, loc, row, ctx.func, zero, addF,
                             [&](int64_t c, int64_t k) -> Value {
                               Value d =
                                   arith::SubFOp::create(b, loc, x(c, k), mean);
                               return arith::MulFOp::create(b, loc, d, d);
                             });
    rstd = inverseRms(squares, ln.getEpsilon());
    Value scale = ln.getScale(), bias = ln.getBias();
    finish = [&, scale, bias](OpBuilder &b, int64_t c, int64_t k,
                              ElementIndex &param) -> FailureOr<Value> {
      Value y = arith::MulFOp::create(
          b, loc, arith::SubFOp::create(b, loc, x(c, k), mean), rstd);
      return scaled(b, y, scale, bias, param);
    };
    break;
  }
  case RowKind::rmsNorm: {
    auto rms = cast<RmsNormOp>(op);
    Value squares =
        rowTotal(b, loc, row, ctx.func, zero, addF,
                 [&](int64_t c, int64_t k) -> Value {
                   return arith::MulFOp::create(b, loc, x(c, k), x(c, k));
                 });
    rstd = inverseRms(squares, rms.getEpsilon());
    Value scale = rms.getScale();
    finish = [&, scale](OpBuilder &b, int64_t c, int64_t k,
                        ElementIndex &param) -> FailureOr<Value> {
      Value y = arith::MulFOp::create(b, loc, x(c, k), rstd);
      return scaled(b, y, scale, Value(), param);
    };
    break;
  }
  }

  // 3. Finish, epilogue, store.
  for (int64_t c = 0; c < config.chunksPerThread; ++c) {
    Value cond = andValues(b, loc, row.rowInside, row.chunkValid[c]);
    LogicalResult status = emitGuarded(b, loc, cond, [&](OpBuilder &b) {
      VectorGroup outGroup, paramGroup;
      outGroup.width = paramGroup.width = width;
      SmallVector<ElementIndex> out = makeLanes(
          b, loc,
          ElementIndex::fromLinear(
              row.shape,
              arith::AddIOp::create(b, loc, row.rowBase, row.chunkStart[c])),
          outGroup);
      SmallVector<ElementIndex> params = makeLanes(
          b, loc, ElementIndex::fromLinear(normalizedShape, row.chunkStart[c]),
          paramGroup);
      SmallVector<Value> ys;
      for (int64_t k = 0; k < width; ++k) {
        FailureOr<Value> y = finish(b, c, k, params[k]);
        if (failed(y))
          return failure();
        ys.push_back(*y);
      }
      return ctx.storeAnchor(b, loc, op->getResult(0), ys, out);
    });
    if (failed(status))
      return failure();
  }

  LaunchConfig launch;
  launch.grid = {ceilDiv(rows, config.rowsPerBlock), 1, 1};
  launch.block = {config.threads(), 1, 1};
  return finishLaunch(ctx, launch);
}
