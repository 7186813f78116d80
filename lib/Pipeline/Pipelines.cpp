//===- Pipelines.cpp - the tfc compile pipeline ---------------------------===//
//
// The whole flow of one model in one readable place: the graph passes that
// exist, fusion (tfc-fuse groups ops by bytes saved; what is left gets a
// kernel of its own), kernel outlining and the memory plan, the NVVM
// lowering of the kernels, PTX and cubin, and the artifact.
// `tfc-opt --tfc-compile="..."` runs it; each stage can also be run alone
// with its own pass.
//
//===----------------------------------------------------------------------===//

#include "tfc/Pipeline/Pipelines.h"

#include "tfc/Conversion/Passes.h"
#include "tfc/Passes/Passes.h"
#include "tfc/Target/Passes.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::tfc;

/// The CUDA toolkit whose libdevice the kernels link: the option, else the
/// environment variables MLIR's NVVM target reads, else /usr/local/cuda.
static std::string cudaToolkitPath(const CompileOptions &options) {
  if (!options.cudaPath.empty())
    return options.cudaPath;
  for (const char *var : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (const char *value = std::getenv(var); value && *value)
      return value;
  return "/usr/local/cuda";
}

/// Lowers the kernels of every gpu.module to the NVVM/LLVM dialects.
static void addKernelToNvvmPasses(OpPassManager &pm) {
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  // Tensor-core, cp.async and ldmatrix ops of the kernel families first.
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  ConvertGpuOpsToNVVMOpsOptions toNvvm;
  toNvvm.useBarePtrCallConv = true;
  kernels.addPass(createConvertGpuOpsToNVVMOps(toNvvm));
  // The inline-PTX NVVM ops of the wgmma + TMA kernels (wgmma fences,
  // mbarrier waits, TMA loads) to llvm.inline_asm; a no-op elsewhere.
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  kernels.addPass(createExternDynamicSharedMemory());
}

void mlir::tfc::buildCompilePipeline(OpPassManager &pm,
                                     const CompileOptions &options) {
  // Graph level.
  SetTargetOptions target;
  target.preset = options.target;
  target.overrides.assign(options.targetOverrides.begin(),
                          options.targetOverrides.end());
  pm.addPass(createSetTarget(target));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createRaise());
  if (options.tensorParallel != 1) {
    ShardTensorParallelOptions shard;
    shard.ranks = options.tensorParallel;
    shard.rank = options.rank;
    shard.reduceDtype = options.tpReduceDtype;
    pm.addPass(createShardTensorParallel(shard));
  }
  // Each lever can be switched off for ablation (layout, online-softmax,
  // fuse, rematerialize, precision=f32).
  if (options.layout) {
    CanonicalizeLayoutOptions layout;
    layout.report = options.report;
    pm.addNestedPass<func::FuncOp>(createCanonicalizeLayout(layout));
  }
  if (options.precision != "f32") {
    LowerPrecisionOptions precision;
    precision.dtype = options.precision;
    precision.keepResidualF32 = options.keepResidualF32;
    precision.allReduceDtype = options.tpReduceDtype;
    pm.addNestedPass<func::FuncOp>(createLowerPrecision(precision));
    // External weights are converted once, at load, not cast on every run.
    pm.addNestedPass<func::FuncOp>(createFoldWeightCasts());
  }
  if (options.onlineSoftmax) {
    OnlineSoftmaxOptions online;
    online.report = options.report;
    pm.addNestedPass<func::FuncOp>(createOnlineSoftmax(online));
  }
  if (options.fuse) {
    FuseOptions fuse;
    fuse.report = options.report;
    pm.addNestedPass<func::FuncOp>(createFuse(fuse));
    if (options.rematerialize) {
      RematerializeOptions rematerialize;
      rematerialize.report = options.report;
      pm.addNestedPass<func::FuncOp>(createRematerialize(rematerialize));
    }
  }
  pm.addNestedPass<func::FuncOp>(createWrapInFusions());
  TileOptions tile;
  tile.report = options.report;
  tile.wgmma = options.wgmma;
  pm.addNestedPass<func::FuncOp>(createTile(tile));
  if (options.stopAfter == "graph")
    return;

  // Kernels and buffers.
  LowerFusionsToKernelsOptions lower;
  lower.wgmma = options.wgmma;
  pm.addPass(createLowerFusionsToKernels(lower));
  PlanMemoryOptions plan;
  plan.report = options.report;
  pm.addNestedPass<func::FuncOp>(createPlanMemory(plan));
  if (options.stopAfter == "kernels")
    return;

  // Device code.
  addKernelToNvvmPasses(pm);
  std::string arch = options.target == "sm_80" ? "sm_80" : "sm_90a";
  GpuNVVMAttachTargetOptions attach;
  attach.chip = arch;
  attach.features = arch == "sm_80" ? "+ptx70" : "+ptx80";
  attach.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(attach));
  if (options.stopAfter == "nvvm")
    return;
  GpuModuleToBinaryPassOptions toBinary;
  toBinary.compilationTarget = "isa";
  // Name the toolkit explicitly so libdevice is found whatever the
  // environment; tfc-serialize-artifact rejects PTX that still calls it.
  toBinary.toolkitPath = cudaToolkitPath(options);
  pm.addPass(createGpuModuleToBinaryPass(toBinary));
  if (options.stopAfter == "ptx" || options.artifact.empty())
    return;

  SerializeArtifactOptions serialize;
  serialize.path = options.artifact;
  serialize.ptxas = options.ptxas;
  serialize.externalWeightsFile = options.externalWeightsFile;
  pm.addPass(createSerializeArtifact(serialize));
}

void mlir::tfc::registerTfcPipelines() {
  PassPipelineRegistration<CompileOptions>(
      "tfc-compile",
      "Compile a tfc module (e.g. an imported ONNX model) to GPU kernels and "
      "a .tfcm artifact: set target, canonicalize, raise, online softmax, "
      "fuse and rematerialize (fuse=false: one kernel per op), tile, "
      "outline kernels, plan memory, lower to NVVM, PTX (+ cubin via "
      "ptxas), write the artifact. Example: --tfc-compile=\"target=sm_90a "
      "artifact=model.tfcm\"",
      buildCompilePipeline);
}
