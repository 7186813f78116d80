//===- AttentionKernels.cpp - attention, one thread per query row ---------===//
//
// 16-bit attention on tensor cores goes to FlashAttention.cpp. The rest
// (f32, ALiBi, computed operands, head dims not a multiple of 16) runs
// here: one thread per query row (b, h, i) runs
// the online softmax over the keys it may see — a running maximum, the sum
// of exponentials rescaled when the maximum grows, and an output accumulator
// of Dv values in per-thread private memory rescaled alike — so the score
// matrix is never stored. The scaled query row is copied to private memory
// once. Causal and sliding-window masks shrink the key range instead of
// masking; an additive mask broadcasts to [B, Hq, Sq, Skv]; query head h
// reads key/value head h / (Hq / Hkv) (GQA, MQA). Operands may be computed
// by pointwise ops of the same fusion. No tiling or shared memory yet.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelFamilies.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::tfc;

/// Threads (query rows) per block.
static constexpr int64_t kAttentionBlockSize = 128;

/// `for (i = lb; i < ub; ++i)` with iteration arguments; `body` returns the
/// values to yield (empty on failure).
static FailureOr<scf::ForOp> emitLoop(
    OpBuilder &b, Location loc, Value lb, Value ub, ValueRange init,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  auto loop =
      scf::ForOp::create(b, loc, lb, ub, indexConstant(b, loc, 1), init);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  if (init.empty())
    b.setInsertionPoint(loop.getBody()->getTerminator());
  SmallVector<Value> next =
      body(b, loc, loop.getInductionVar(), loop.getRegionIterArgs());
  if (next.size() != init.size() || (init.empty() && !next.empty()))
    return failure();
  if (!init.empty())
    scf::YieldOp::create(b, loc, next);
  return loop;
}

FailureOr<LaunchConfig> mlir::tfc::emitAttentionKernel(OpBuilder &b,
                                                       KernelContext &ctx,
                                                       AttentionOp op) {
  if (isFlashAttention(ctx, op))
    return emitFlashAttentionKernel(b, ctx, op);
  if (op->hasAttr(kTileAttrName))
    return op.emitOpError("'")
           << kTileAttrName
           << "' pins the tiles of the tensor-core flash attention kernel, "
              "which needs 16-bit q, k and v read from kernel arguments, head "
              "dims multiples of 16 up to 256, no alibi and sm_80+; this "
              "attention runs one query row per thread and takes no tiles";
  Location loc = op.getLoc();
  if (op.getAlibi())
    return op.emitOpError("has no GPU kernel yet for alibi = true");
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto kType = cast<RankedTensorType>(op.getKey().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  int64_t batch = qType.getDimSize(0), qHeads = qType.getDimSize(1);
  int64_t qLen = qType.getDimSize(2), headDim = qType.getDimSize(3);
  int64_t kvHeads = kType.getDimSize(1), kvLen = kType.getDimSize(2);
  int64_t valueDim = vType.getDimSize(3);
  int64_t group = qHeads / kvHeads;
  SmallVector<int64_t> scoresShape = {batch, qHeads, qLen, kvLen};
  Type t = getComputeType(qType.getElementType());

  auto space =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Private);
  Value qRow = ctx.func.addPrivateAttribution(
      MemRefType::get({headDim}, t, MemRefLayoutAttrInterface(), space), loc);
  Value acc = ctx.func.addPrivateAttribution(
      MemRefType::get({valueDim}, t, MemRefLayoutAttrInterface(), space), loc);

  int64_t rows = batch * qHeads * qLen;
  LogicalResult status = success();
  auto fail = [&]() {
    status = failure();
    return SmallVector<Value>();
  };
  Value zero = indexConstant(b, loc, 0);
  emitGridStrideLoop(
      b, loc, rows, kAttentionBlockSize,
      [&](OpBuilder &b, Location loc, Value row) {
        SmallVector<Value> bhi =
            delinearize(b, loc, row, {batch, qHeads, qLen});
        Value bi = bhi[0], h = bhi[1], i = bhi[2];
        Value kvh = group == 1 ? h
                               : arith::DivUIOp::create(
                                     b, loc, h, indexConstant(b, loc, group))
                                     .getResult();

        // The scaled query row and a zero accumulator.
        Value scale = floatConstant(b, loc, t, op.getScale().convertToDouble());
        (void)emitLoop(b, loc, zero, indexConstant(b, loc, headDim), {},
                       [&](OpBuilder &b, Location loc, Value d, ValueRange) {
                         FailureOr<Value> q = ctx.emitter.emitAt(
                             b, op.getQuery(), ValueRange{bi, h, i, d});
                         if (failed(q))
                           return fail();
                         memref::StoreOp::create(
                             b, loc, arith::MulFOp::create(b, loc, *q, scale),
                             qRow, ValueRange{d});
                         return SmallVector<Value>();
                       });
        Value fzero = floatConstant(b, loc, t, 0.0);
        (void)emitLoop(b, loc, zero, indexConstant(b, loc, valueDim), {},
                       [&](OpBuilder &b, Location loc, Value d, ValueRange) {
                         memref::StoreOp::create(b, loc, fzero, acc,
                                                 ValueRange{d});
                         return SmallVector<Value>();
                       });

        // Keys this query sees: [lo, hi). The diagonal is i + (Skv - Sq).
        Value diagonal = arith::AddIOp::create(
            b, loc, i, indexConstant(b, loc, kvLen - qLen));
        Value lo = zero;
        Value hi = indexConstant(b, loc, kvLen);
        if (op.getCausal())
          hi = arith::MinSIOp::create(
              b, loc, hi,
              arith::AddIOp::create(b, loc, diagonal,
                                    indexConstant(b, loc, 1)));
        if (op.getWindow() > 0)
          lo = arith::MaxSIOp::create(
              b, loc, zero,
              arith::SubIOp::create(b, loc, diagonal,
                                    indexConstant(b, loc, op.getWindow() - 1)));

        // Online softmax over the keys.
        Value negInf =
            floatConstant(b, loc, t, -std::numeric_limits<double>::infinity());
        FailureOr<scf::ForOp> keys = emitLoop(
            b, loc, lo, hi, ValueRange{negInf, fzero},
            [&](OpBuilder &b, Location loc, Value j,
                ValueRange state) -> SmallVector<Value> {
              Value runningMax = state[0], runningSum = state[1];
              FailureOr<scf::ForOp> dot = emitLoop(
                  b, loc, zero, indexConstant(b, loc, headDim),
                  ValueRange{fzero},
                  [&](OpBuilder &b, Location loc, Value d,
                      ValueRange sum) -> SmallVector<Value> {
                    FailureOr<Value> k = ctx.emitter.emitAt(
                        b, op.getKey(), ValueRange{bi, kvh, j, d});
                    if (failed(k))
                      return fail();
                    Value q =
                        memref::LoadOp::create(b, loc, qRow, ValueRange{d});
                    return {math::FmaOp::create(b, loc, q, *k, sum[0])};
                  });
              if (failed(dot))
                return fail();
              Value score = dot->getResult(0);
              if (Value mask = op.getMask()) {
                auto maskShape =
                    cast<RankedTensorType>(mask.getType()).getShape();
                SmallVector<Value> maskIndices = projectBroadcastIndex(
                    b, loc, ValueRange{bi, h, i, j}, scoresShape, maskShape);
                FailureOr<Value> m = ctx.emitter.emitAt(b, mask, maskIndices);
                if (failed(m))
                  return fail();
                score = arith::AddFOp::create(b, loc, score, *m);
              }
              // Exponents are taken against a finite maximum so that rows
              // whose scores so far are all -inf stay at zero weight.
              Value newMax =
                  arith::MaximumFOp::create(b, loc, runningMax, score);
              Value isNegInf = arith::CmpFOp::create(
                  b, loc, arith::CmpFPredicate::OEQ, newMax, negInf);
              Value pivot =
                  arith::SelectOp::create(b, loc, isNegInf, fzero, newMax);
              Value correction = math::ExpOp::create(
                  b, loc, arith::SubFOp::create(b, loc, runningMax, pivot));
              Value weight = math::ExpOp::create(
                  b, loc, arith::SubFOp::create(b, loc, score, pivot));
              Value newSum = arith::AddFOp::create(
                  b, loc, arith::MulFOp::create(b, loc, runningSum, correction),
                  weight);
              (void)emitLoop(
                  b, loc, zero, indexConstant(b, loc, valueDim), {},
                  [&](OpBuilder &b, Location loc, Value d, ValueRange) {
                    FailureOr<Value> v = ctx.emitter.emitAt(
                        b, op.getValue(), ValueRange{bi, kvh, j, d});
                    if (failed(v))
                      return fail();
                    Value old =
                        memref::LoadOp::create(b, loc, acc, ValueRange{d});
                    Value updated = math::FmaOp::create(
                        b, loc, weight, *v,
                        arith::MulFOp::create(b, loc, old, correction));
                    memref::StoreOp::create(b, loc, updated, acc,
                                            ValueRange{d});
                    return SmallVector<Value>();
                  });
              return {newMax, newSum};
            });
        if (failed(keys)) {
          status = failure();
          return;
        }

        // out = acc / sum (NaN for a query that sees no key, as softmax of
        // an all -inf row).
        Value inverse = arith::DivFOp::create(
            b, loc, floatConstant(b, loc, t, 1.0), keys->getResult(1));
        (void)emitLoop(b, loc, zero, indexConstant(b, loc, valueDim), {},
                       [&](OpBuilder &b, Location loc, Value d, ValueRange) {
                         Value a =
                             memref::LoadOp::create(b, loc, acc, ValueRange{d});
                         ElementIndex at = ElementIndex::fromIndices(
                             outType.getShape(), ValueRange{bi, h, i, d});
                         if (failed(ctx.storeAnchor(
                                 b, loc, op.getResult(),
                                 arith::MulFOp::create(b, loc, a, inverse),
                                 at)))
                           return fail();
                         return SmallVector<Value>();
                       });
      });
  if (failed(status))
    return failure();
  LaunchConfig config;
  config.grid = {ceilDiv(std::max<int64_t>(rows, 1), kAttentionBlockSize), 1,
                 1};
  config.block = {kAttentionBlockSize, 1, 1};
  return finishLaunch(ctx, config);
}
