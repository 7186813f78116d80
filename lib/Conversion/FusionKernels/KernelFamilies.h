//===- KernelFamilies.h - entry points of the kernel families ---*- C++ -*-===//
//
// One function per kernel family, called by emitFusionKernel
// (FusionKernels.cpp) once it has classified the fusion body. Each fills the
// kernel's entry block (the builder's insertion point) up to, not including,
// the gpu.return, and returns the launch configuration.
//
// Families: pointwise (elementwise chains and index-mapping ops,
// ElementwiseKernels.cpp + StructuralKernels.cpp), matmul (wgmma + TMA in
// WgmmaMatmul.cpp, mma.sync in TensorCoreMatmul.cpp, the rest in
// MatmulKernels.cpp), rows (softmax, layer_norm, rms_norm in registers in
// RegisterRowKernels.cpp; streamed rows and reduce in RowKernels.cpp) and
// attention (flash form on tensor cores in FlashAttention.cpp, the rest in
// AttentionKernels.cpp). Tile and thread choices: KernelConfig.cpp;
// tensor-core building blocks: TensorCoreUtils.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELFAMILIES_H
#define TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELFAMILIES_H

#include "KernelConfig.h"
#include "PointwiseEmitter.h"

namespace mlir::tfc {

/// The codegen's answer to KernelFamilyRules.h's OperandSource: an anchor
/// operand is read from a kernel argument when it is a block argument of
/// the fusion body.
inline bool isFusionArgument(Value v) { return isa<BlockArgument>(v); }

/// What a family needs to fill one kernel.
struct KernelContext {
  FusionOp fusion;
  gpu::GPUFuncOp func;
  TargetAttr target;
  PointwiseEmitter &emitter;

  /// Hands the anchor's result at each lane (compute-type scalars, rounded
  /// to the anchor's element type) to the fusion's epilogue and stores
  /// every fusion result there (see PointwiseEmitter::emitAndStoreResults).
  LogicalResult storeAnchor(OpBuilder &b, Location loc, Value anchorResult,
                            ArrayRef<Value> scalars,
                            MutableArrayRef<ElementIndex> lanes);
  LogicalResult storeAnchor(OpBuilder &b, Location loc, Value anchorResult,
                            Value scalar, ElementIndex &at);
};

/// Every fusion result computed by pointwise ops: one thread per element,
/// results of the same shape share one loop (and their common subexpressions).
FailureOr<LaunchConfig> emitPointwiseKernel(OpBuilder &b, KernelContext &ctx);

/// A fusion around one anchor op: its operands may be computed by pointwise
/// ops in the same fusion, its result may go through an elementwise
/// epilogue (KernelContext::storeAnchor) before the store.
FailureOr<LaunchConfig> emitMatmulKernel(OpBuilder &b, KernelContext &ctx,
                                         MatmulOp op);
/// Whether `op` runs on tensor cores (16-bit operands read straight from
/// kernel arguments, rows a multiple of 8, sm_80+): TensorCoreMatmul.cpp.
bool isTensorCoreMatmul(KernelContext &ctx, MatmulOp op);
FailureOr<LaunchConfig> emitTensorCoreMatmulKernel(OpBuilder &b,
                                                   KernelContext &ctx,
                                                   MatmulOp op);
/// Whether `op` runs on wgmma + TMA (sm_90a, the kernel may take tensor
/// maps, operands as for isTensorCoreMatmul, lhs not transposed, no 6-value
/// `tfc.tile`): WgmmaMatmul.cpp.
bool isWgmmaMatmul(KernelContext &ctx, MatmulOp op);
FailureOr<LaunchConfig> emitWgmmaMatmulKernel(OpBuilder &b, KernelContext &ctx,
                                              MatmulOp op);
/// The row layout of softmax, layer_norm or rms_norm (KernelConfig's
/// chooseRowKernelConfig, which honors `tfc.tile`): rows in registers
/// (RegisterRowKernels.cpp) or streamed (RowKernels.cpp).
FailureOr<RowConfig> planRows(KernelContext &ctx, Operation *op);
FailureOr<LaunchConfig> emitRegisterRowKernel(OpBuilder &b,
                                              KernelContext &ctx,
                                              Operation *op, int64_t axis,
                                              RowConfig config);
FailureOr<LaunchConfig> emitSoftmaxKernel(OpBuilder &b, KernelContext &ctx,
                                          SoftmaxOp op);
FailureOr<LaunchConfig> emitLayerNormKernel(OpBuilder &b, KernelContext &ctx,
                                            LayerNormOp op);
FailureOr<LaunchConfig> emitRmsNormKernel(OpBuilder &b, KernelContext &ctx,
                                          RmsNormOp op);
FailureOr<LaunchConfig> emitReduceKernel(OpBuilder &b, KernelContext &ctx,
                                         ReduceOp op);
/// Whether `op` runs in the flash form on tensor cores (16-bit q, k, v read
/// straight from kernel arguments, head dims multiples of 16, no ALiBi,
/// sm_80+): FlashAttention.cpp.
bool isFlashAttention(KernelContext &ctx, AttentionOp op);
bool isFlashAttention(TargetAttr target, AttentionOp op);
FailureOr<LaunchConfig> emitFlashAttentionKernel(OpBuilder &b,
                                                 KernelContext &ctx,
                                                 AttentionOp op);
FailureOr<LaunchConfig> emitAttentionKernel(OpBuilder &b, KernelContext &ctx,
                                            AttentionOp op);

/// Sets `gpu.known_block_size` on the kernel (it becomes `.reqntid` in PTX)
/// and returns `config`.
LaunchConfig finishLaunch(KernelContext &ctx, LaunchConfig config);

} // namespace mlir::tfc

#endif // TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELFAMILIES_H
