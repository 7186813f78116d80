//===- KernelFamilies.h - entry points of the kernel families ---*- C++ -*-===//
//
// One function per kernel family, called by emitFusionKernel
// (FusionKernels.cpp) once it has classified the fusion body. Each fills the
// kernel's entry block (the builder's insertion point) up to, not including,
// the gpu.return, and returns the launch configuration.
//
// Families: pointwise (elementwise chains and index-mapping ops,
// ElementwiseKernels.cpp + StructuralKernels.cpp), matmul (MatmulKernels.cpp),
// row reductions (softmax, layer_norm, rms_norm, reduce; RowKernels.cpp) and
// attention (AttentionKernels.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELFAMILIES_H
#define TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELFAMILIES_H

#include "PointwiseEmitter.h"

namespace mlir::tfc {

/// What a family needs to fill one kernel.
struct KernelContext {
  FusionOp fusion;
  gpu::GPUFuncOp func;
  TargetAttr target;
  PointwiseEmitter &emitter;
};

/// Every fusion result computed by pointwise ops: one thread per element,
/// results of the same shape share one loop (and their common subexpressions).
FailureOr<LaunchConfig> emitPointwiseKernel(OpBuilder &b, KernelContext &ctx);

/// A fusion whose results are those of one anchor op (its operands may be
/// computed by pointwise ops in the same fusion).
FailureOr<LaunchConfig> emitMatmulKernel(OpBuilder &b, KernelContext &ctx,
                                         MatmulOp op);
FailureOr<LaunchConfig> emitSoftmaxKernel(OpBuilder &b, KernelContext &ctx,
                                          SoftmaxOp op);
FailureOr<LaunchConfig> emitLayerNormKernel(OpBuilder &b, KernelContext &ctx,
                                            LayerNormOp op);
FailureOr<LaunchConfig> emitRmsNormKernel(OpBuilder &b, KernelContext &ctx,
                                          RmsNormOp op);
FailureOr<LaunchConfig> emitReduceKernel(OpBuilder &b, KernelContext &ctx,
                                         ReduceOp op);
FailureOr<LaunchConfig> emitAttentionKernel(OpBuilder &b, KernelContext &ctx,
                                            AttentionOp op);

/// Sets `gpu.known_block_size` on the kernel (it becomes `.reqntid` in PTX)
/// and returns `config`.
LaunchConfig finishLaunch(KernelContext &ctx, LaunchConfig config);

} // namespace mlir::tfc

#endif // TFC_LIB_CONVERSION_FUSIONKERNELS_KERNELFAMILIES_H
