//===- Pipelines.h - the tfc compile pipeline -------------------*- C++ -*-===//
//
// The one registered pipeline that takes imported tfc IR to an artifact.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PIPELINE_PIPELINES_H
#define TFC_PIPELINE_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::tfc {

struct CompileOptions : public PassPipelineOptions<CompileOptions> {
  Option<std::string> target{*this, "target",
                             llvm::cl::desc("Target preset: sm_80, sm_90a "
                                            "(H100) or sm_90a-h200 (H200)"),
                             llvm::cl::init("sm_90a")};
  ListOption<std::string> targetOverrides{
      *this, "target-overrides",
      llvm::cl::desc("field=value overrides of the target preset")};
  Option<std::string> artifact{
      *this, "artifact",
      llvm::cl::desc("Write the .tfcm artifact here; without it the pipeline "
                     "stops after PTX generation and only prints IR")};
  Option<std::string> ptxas{
      *this, "ptxas",
      llvm::cl::desc("ptxas for the cubin: auto, none, or a path"),
      llvm::cl::init("auto")};
  Option<std::string> externalWeightsFile{
      *this, "external-weights-file",
      llvm::cl::desc("File the external weights are read from at load time")};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit whose libdevice the kernels link (math "
                     "functions); default: $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, "
                     "else /usr/local/cuda")};
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("Group ops into kernels with tfc-fuse "
                                   "and tfc-rematerialize (false: one "
                                   "kernel per op)"),
                    llvm::cl::init(true)};
  Option<bool> layout{
      *this, "layout",
      llvm::cl::desc("Run tfc-canonicalize-layout (transposes folded into "
                     "matmul flags, Q/K/V packed); false: skip it, for "
                     "lever ablation"),
      llvm::cl::init(true)};
  Option<bool> onlineSoftmax{
      *this, "online-softmax",
      llvm::cl::desc("Run tfc-online-softmax (single-pass softmax, flash "
                     "attention); false: skip it, for lever ablation "
                     "(softmax and attention keep their multi-pass forms)"),
      llvm::cl::init(true)};
  Option<bool> rematerialize{
      *this, "rematerialize",
      llvm::cl::desc("Run tfc-rematerialize after tfc-fuse; false: skip it, "
                     "for lever ablation (fuse=false skips both)"),
      llvm::cl::init(true)};
  Option<bool> report{*this, "report",
                      llvm::cl::desc("Passes that can report what they did "
                                     "(tfc-canonicalize-layout, "
                                     "tfc-online-softmax, tfc-fuse, "
                                     "tfc-rematerialize, tfc-tile, "
                                     "tfc-plan-memory) print it to stderr"),
                      llvm::cl::init(false)};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("Type the model computes in: f32, bf16 or f16 "
                     "(tfc-lower-precision: weights converted at compile "
                     "time; norm and softmax statistics and matmul "
                     "accumulation stay f32)"),
      llvm::cl::init("f32")};
  Option<bool> keepResidualF32{
      *this, "keep-residual-f32",
      llvm::cl::desc("With precision=bf16|f16: keep the residual stream (skip "
                     "connections and their adds) in f32 "
                     "(tfc-lower-precision keep-residual-f32); more accurate, "
                     "more bytes and a few cast kernels"),
      llvm::cl::init(false)};
  Option<std::string> wgmma{
      *this, "wgmma",
      llvm::cl::desc("auto: on sm_90a, 16-bit matmuls use the wgmma + TMA "
                     "kernels (TMA descriptors encoded by the runtime, "
                     "artifact format v5); off: mma.sync everywhere, for "
                     "ablation (tfc-lower-fusions-to-kernels wgmma)"),
      llvm::cl::init("auto")};
  Option<int64_t> tensorParallel{
      *this, "tensor-parallel",
      llvm::cl::desc("Shard the model over this many GPUs (Megatron layout, "
                     "tfc-shard-tensor-parallel) and compile the program of "
                     "rank `rank`; 1: no sharding"),
      llvm::cl::init(1)};
  Option<int64_t> rank{
      *this, "rank",
      llvm::cl::desc("With tensor-parallel=N: the rank, in [0, N), whose "
                     "artifact this compilation writes"),
      llvm::cl::init(0)};
  Option<std::string> tpReduceDtype{
      *this, "tp-reduce-dtype",
      llvm::cl::desc("With tensor-parallel=N and 16-bit precision: the type "
                     "the row-split projections' partials are all-reduced "
                     "in: f32 (default; each rank's matmul writes its f32 "
                     "accumulator, the sum is rounded once, as on one GPU) "
                     "or low (the 16-bit type: half the bytes on the link, "
                     "two more roundings per sublayer)"),
      llvm::cl::init("f32")};
  Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Stop after a stage: graph (fusions formed), kernels "
                     "(kernels outlined, memory planned), nvvm (kernels in "
                     "the NVVM dialect), ptx (gpu.binary); default: all"),
      llvm::cl::init("")};
};

/// Adds the whole compile: target, graph passes, fusion, kernel outlining,
/// memory plan, NVVM lowering, PTX/cubin, artifact.
void buildCompilePipeline(OpPassManager &pm, const CompileOptions &options);

/// Registers `tfc-compile` with the pass registry.
void registerTfcPipelines();

} // namespace mlir::tfc

#endif // TFC_PIPELINE_PIPELINES_H
