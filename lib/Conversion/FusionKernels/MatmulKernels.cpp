//===- MatmulKernels.cpp - batched matmul, one thread per output ---------===//
//
// 16-bit matmuls that tensor cores can take go to WgmmaMatmul.cpp (sm_90a,
// TMA-aligned) or TensorCoreMatmul.cpp (mma.sync).
// Everything else (f32, integers, operands computed by prologue ops,
// unaligned rows, pre-sm_80 targets) runs here: one thread per output
// element of
// `[..., M, N]` loops over K and accumulates in the accumulator type (f32
// for floats unless the op says otherwise). Batch dimensions broadcast, the
// transpose flags swap the index order of an operand, and operands may be
// computed by pointwise ops of the same fusion (a cast or a transpose in
// front of the matmul costs no extra kernel).
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelFamilies.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tfc;

/// Threads per block of the matmul kernel.
static constexpr int64_t kMatmulBlockSize = 256;

/// The accumulator type: the op's, else f32 for floats of at most 32 bits,
/// else the element type.
static Type getAccumulatorType(MatmulOp op) {
  if (auto acc = op.getAccumulatorType())
    return *acc;
  Type element = op.getLhs().getType().getElementType();
  if (auto f = dyn_cast<FloatType>(element); f && f.getWidth() <= 32)
    return Float32Type::get(op.getContext());
  return element;
}

FailureOr<LaunchConfig>
mlir::tfc::emitMatmulKernel(OpBuilder &b, KernelContext &ctx, MatmulOp op) {
  if (isWgmmaMatmul(ctx, op))
    return emitWgmmaMatmulKernel(b, ctx, op);
  if (auto tile = op->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName);
      tile && (tile.size() == 3 || tile.size() == 4))
    return op.emitOpError("'")
           << kTileAttrName
           << "' with 3 or 4 values pins the wgmma + TMA family, which needs an "
              "sm_90a target, a kernel that can take tensor maps, 16-bit "
              "operands read from kernel arguments with rows a multiple of "
              "8 elements and an untransposed lhs";
  if (isTensorCoreMatmul(ctx, op))
    return emitTensorCoreMatmulKernel(b, ctx, op);
  Location loc = op.getLoc();
  auto lhsType = op.getLhs().getType();
  auto rhsType = op.getRhs().getType();
  auto outType = op.getType();
  Type accType = getAccumulatorType(op);
  if (getComputeType(accType) != accType)
    return op.emitOpError("has no GPU kernel yet for accumulator type ")
           << accType << " (narrower than its compute type)";
  if (accType.isInteger(1) || lhsType.getElementType().isInteger(1))
    return op.emitOpError("has no GPU kernel yet for i1 operands");

  int64_t rank = outType.getRank();
  ArrayRef<int64_t> outShape = outType.getShape();
  ArrayRef<int64_t> outBatch = outShape.drop_back(2);
  ArrayRef<int64_t> lhsBatch = lhsType.getShape().drop_back(2);
  ArrayRef<int64_t> rhsBatch = rhsType.getShape().drop_back(2);
  int64_t k = op.getTransposeLhs() ? lhsType.getShape()[lhsType.getRank() - 2]
                                   : lhsType.getShape().back();
  Type lhsElement = lhsType.getElementType();
  Type rhsElement = rhsType.getElementType();
  bool isFloat = isa<FloatType>(accType);

  LogicalResult status = success();
  emitGridStrideLoop(
      b, loc, numElements(outShape), kMatmulBlockSize,
      [&](OpBuilder &b, Location loc, Value linear) {
        ElementIndex at = ElementIndex::fromLinear(outShape, linear);
        ArrayRef<Value> indices = at.getIndices(b, loc);
        Value m = indices[rank - 2];
        Value n = indices[rank - 1];
        SmallVector<Value> lhsPrefix = projectBroadcastIndex(
            b, loc, indices.drop_back(2), outBatch, lhsBatch);
        SmallVector<Value> rhsPrefix = projectBroadcastIndex(
            b, loc, indices.drop_back(2), outBatch, rhsBatch);
        Value zero =
            isFloat ? floatConstant(b, loc, accType, 0.0)
                    : arith::ConstantOp::create(b, loc, accType,
                                                b.getIntegerAttr(accType, 0))
                          .getResult();
        auto loop = scf::ForOp::create(
            b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, k),
            indexConstant(b, loc, 1), ValueRange{zero});
        {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(loop.getBody());
          Value kk = loop.getInductionVar();
          SmallVector<Value> lhsIndices(lhsPrefix);
          lhsIndices.append(op.getTransposeLhs() ? SmallVector<Value>{kk, m}
                                                 : SmallVector<Value>{m, kk});
          SmallVector<Value> rhsIndices(rhsPrefix);
          rhsIndices.append(op.getTransposeRhs() ? SmallVector<Value>{n, kk}
                                                 : SmallVector<Value>{kk, n});
          FailureOr<Value> a = ctx.emitter.emitAt(b, op.getLhs(), lhsIndices);
          FailureOr<Value> c = ctx.emitter.emitAt(b, op.getRhs(), rhsIndices);
          if (failed(a) || failed(c)) {
            status = failure();
            scf::YieldOp::create(b, loc, loop.getRegionIterArgs());
            return;
          }
          Value x = convertScalar(b, loc, *a, lhsElement, accType);
          Value y = convertScalar(b, loc, *c, rhsElement, accType);
          Value acc = loop.getRegionIterArgs().front();
          Value next =
              isFloat ? math::FmaOp::create(b, loc, x, y, acc).getResult()
                      : arith::AddIOp::create(
                            b, loc, acc, arith::MulIOp::create(b, loc, x, y))
                            .getResult();
          scf::YieldOp::create(b, loc, next);
        }
        Value result = convertScalar(b, loc, loop.getResult(0), accType,
                                     outType.getElementType());
        if (failed(ctx.storeAnchor(b, loc, op.getResult(), result, at)))
          status = failure();
      });
  if (failed(status))
    return failure();
  LaunchConfig config;
  config.block = {kMatmulBlockSize, 1, 1};
  config.grid = {ceilDiv(numElements(outShape), kMatmulBlockSize), 1, 1};
  return finishLaunch(ctx, config);
}
