//===- FusionKernels.h - kernel bodies for tfc.fusion groups ----*- C++ -*-===//
//
// The interface between the host-side lowering (which outlines every
// tfc.fusion into a gpu.func and launches it) and the kernel families that
// emit each kernel's body from the ops inside the fusion.
//
// Kernel ABI: the gpu.func takes one memref argument per fusion input, in
// order, then one per fusion result; all memrefs have static shapes and the
// identity layout (they become bare device pointers), then the tensor maps
// of LaunchConfig::tensorMaps when the caller allows them. The body is
// written with gpu, scf, arith, math, memref and vector ops, plus nvgpu
// (cp.async, ldmatrix, TMA, mbarriers) and nvvm (mma.sync, wgmma, cp.async
// groups) in the tensor-core families, so that the kernel pipeline
// (convert-nvgpu-to-nvvm, then the upstream NVVM lowering; wgmma also needs
// convert-nvvm-to-llvm) turns it into PTX. A kernel that uses dynamic
// shared memory says how much in its LaunchConfig; the pipeline's
// tfc-extern-dynamic-shared-memory pass makes that region `.extern`.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CONVERSION_FUSIONKERNELS_H
#define TFC_CONVERSION_FUSIONKERNELS_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Dialect/TfcOps.h"

#include <array>

namespace mlir::tfc {

/// A TMA descriptor (CUtensorMap) the host encodes for a kernel: a 3-D
/// view `shape` = [batch, rows, cols] (row-major, cols contiguous) of the
/// kernel's memref argument `argument`, read in boxes of `box` elements with
/// 128-byte swizzle, 256-byte L2 promotion and zero fill out of bounds.
struct TensorMapArg {
  unsigned argument;
  std::array<int64_t, 3> shape;
  std::array<int64_t, 3> box;
};

/// How the host launches a kernel.
struct LaunchConfig {
  std::array<int64_t, 3> grid = {1, 1, 1};
  std::array<int64_t, 3> block = {1, 1, 1};
  int64_t dynamicSharedMemoryBytes = 0;
  /// One per `!nvgpu.tensormap.descriptor` argument the family appended to
  /// the kernel after the ABI's memrefs, in order (a pointer to the encoded
  /// 64-byte-aligned descriptor in device memory).
  SmallVector<TensorMapArg> tensorMaps;
};

/// Unit attribute the caller sets on the gpu.func when it can pass tensor
/// maps (LaunchConfig::tensorMaps): only then may a family append them (the
/// wgmma + TMA matmul on sm_90a). Without it the families use only the
/// memref arguments.
inline constexpr llvm::StringLiteral kTensorMapArgsAttrName =
    "tfc.tensor_map_args";

/// Emits the body of `func` (an empty gpu.func with the ABI above) computing
/// `fusion`, and returns the launch configuration. Emits an error at the op's
/// location and fails for ops or forms no kernel family supports yet.
FailureOr<LaunchConfig> emitFusionKernel(FusionOp fusion, gpu::GPUFuncOp func,
                                         TargetAttr target);

} // namespace mlir::tfc

#endif // TFC_CONVERSION_FUSIONKERNELS_H
