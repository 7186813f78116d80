//===- KernelTiles.cpp - record the tiles of each fusion's kernel --------===//
//
// recordKernelTiles (tfc/Conversion/KernelTiles.h): finds the anchor of a
// tfc.fusion as emitFusionKernel does, decides whether its family takes
// tiles (the same tests the families make), calls that family's chooser in
// KernelConfig.cpp and writes the result as `tfc.tile`, which the chooser
// then honors when the kernel is emitted.
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/KernelTiles.h"

#include "IndexingUtils.h"
#include "KernelFamilies.h"

using namespace mlir;
using namespace mlir::tfc;

/// Whether the matmul runs on tensor cores (tfc/Analysis/KernelFamilyRules.h,
/// the rules isTensorCoreMatmul of TensorCoreMatmul.cpp applies).
static bool runsOnTensorCores(TargetAttr target, MatmulOp op) {
  return isTensorCoreMatmul(target, op,
                            isFusionArgument);
}

/// Whether the wgmma + TMA family takes the matmul (isWgmmaMatmul's rules:
/// sm_90a, lhs not transposed, and kernels that take tensor maps, which
/// `wgmma` says: tfc-lower-fusions-to-kernels gives them under the same
/// option).
static bool usesWgmma(TargetAttr target, MatmulOp op, bool wgmma) {
  return wgmma && hasWgmma(target) && !op.getTransposeLhs();
}

static void record(Operation *op, ArrayRef<int64_t> tile) {
  op->setAttr(kTileAttrName, DenseI64ArrayAttr::get(op->getContext(), tile));
}

FailureOr<Operation *> mlir::tfc::recordKernelTiles(FusionOp fusion,
                                                    TargetAttr target,
                                                    bool wgmma) {
  Operation *anchor = nullptr;
  for (Operation &op : fusion.getBodyBlock().without_terminator()) {
    if (PointwiseEmitter::isPointwise(&op))
      continue;
    if (anchor) // several anchors: no kernel family, codegen will say so
      return static_cast<Operation *>(nullptr);
    anchor = &op;
  }
  if (!anchor)
    return static_cast<Operation *>(nullptr);

  if (auto matmul = dyn_cast<MatmulOp>(anchor)) {
    if (!runsOnTensorCores(target, matmul)) {
      if (matmul->hasAttr(kTileAttrName))
        return matmul.emitOpError("'")
               << kTileAttrName
               << "' pins the tiles of a tensor-core matmul kernel, which "
                  "needs 16-bit operands read from kernel arguments with rows "
                  "a multiple of 8 elements, an f32 accumulator and sm_80+; "
                  "this matmul runs one thread per output element and takes "
                  "no tiles";
      return static_cast<Operation *>(nullptr);
    }
    auto lhsType = matmul.getLhs().getType();
    ArrayRef<int64_t> outShape = matmul.getType().getShape();
    int64_t rank = outShape.size();
    int64_t k = matmul.getTransposeLhs() ? lhsType.getShape()[lhsType.getRank() - 2]
                                         : lhsType.getShape().back();
    // On sm_90a: [blockM, blockN, stages, persistent, splitK]; a pinned
    // 6-value tile pins the mma.sync family instead (checked below).
    auto pinned = matmul->getAttrOfType<DenseI64ArrayAttr>(kTileAttrName);
    if (usesWgmma(target, matmul, wgmma) && (!pinned || pinned.size() != 6)) {
      FailureOr<WgmmaMatmulConfig> c = chooseWgmmaMatmulConfig(
          matmul, target, numElements(outShape.drop_back(2)),
          outShape[rank - 2], outShape[rank - 1], k);
      if (failed(c))
        return failure();
      record(matmul, {c->blockM, c->blockN, c->stages, c->persistent ? 1 : 0,
                      c->splitK});
      return anchor;
    }
    FailureOr<MmaMatmulConfig> c = chooseMmaMatmulConfig(
        matmul, target, numElements(outShape.drop_back(2)),
        outShape[rank - 2], outShape[rank - 1], k);
    if (failed(c))
      return failure();
    record(matmul, {c->blockM, c->blockN, c->blockK, c->warpsM, c->warpsN,
                    c->stages});
    return anchor;
  }
  if (auto attention = dyn_cast<AttentionOp>(anchor)) {
    if (!isFlashAttention(target, attention)) {
      if (attention->hasAttr(kTileAttrName))
        return attention.emitOpError("'")
               << kTileAttrName
               << "' pins the tiles of the tensor-core flash attention "
                  "kernel, which needs 16-bit q, k and v read from kernel "
                  "arguments, head dims multiples of 16 up to 256, no alibi "
                  "and sm_80+; this attention runs one query row per thread "
                  "and takes no tiles";
      return static_cast<Operation *>(nullptr);
    }
    auto q = cast<RankedTensorType>(attention.getQuery().getType());
    auto v = cast<RankedTensorType>(attention.getValue().getType());
    FailureOr<FlashAttentionConfig> c = chooseFlashAttentionConfig(
        attention, target, q.getDimSize(3), v.getDimSize(3));
    if (failed(c))
      return failure();
    if (c->heads > 1)
      record(attention,
             {c->blockQ, c->blockKV, c->warps, c->stages, c->heads});
    else
      record(attention, {c->blockQ, c->blockKV, c->warps, c->stages});
    return anchor;
  }
  if (isa<SoftmaxOp, LayerNormOp, RmsNormOp>(anchor)) {
    FailureOr<RowConfig> c = chooseRowKernelConfig(anchor, target);
    if (failed(c))
      return failure();
    record(anchor, {c->threadsPerRow, c->rowsPerBlock});
    return anchor;
  }
  return static_cast<Operation *>(nullptr);
}
