//===- Passes.td - tfc target passes -----------------------*- tablegen -*-===//
//
// Passes that produce what leaves the compiler: the .tfcm artifact.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_TARGET_PASSES_TD
#define TFC_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def SerializeArtifact : Pass<"tfc-serialize-artifact", "::mlir::ModuleOp"> {
  let summary = "Write the compiled module as a .tfcm artifact";
  let description = [{
    Reads the final module, a `gpu.binary @tfc_kernels` holding PTX (from
    `gpu-module-to-binary{format=isa}`) and the planned host function
    (`tfc-plan-memory`), and writes the artifact the runtime loads: the PTX
    and, when `ptxas` is found, a cubin for the target arch; the kernel
    list; the launch list with every argument as an arena / input / output /
    weight reference; the arena size; input and output signatures (from the
    `tfc.name` argument attributes); and the weights: inline, or, for
    weights imported with `--weights=external`, external. An external weight
    is a tensor of the safetensors file `external-weights-file`, by its name,
    when that option is given; otherwise the bytes at the offset of its ONNX
    external-data file (the `tfc.external_data` the importer recorded; the
    file is looked up beside the artifact). The runtime binds either at load
    time, or binds every external weight by name from safetensors files
    given then (`tfc-run --weights`).

    Any op of the host function the runtime cannot execute is an error
    naming it. The module itself is left unchanged.
  }];
  let options = [
    Option<"path", "path", "std::string", /*default=*/"\"\"",
           "Where to write the artifact (required)">,
    Option<"ptxas", "ptxas", "std::string", /*default=*/"\"auto\"",
           "ptxas to build the cubin with: 'auto' (from $CUDA_HOME, "
           "/usr/local/cuda/bin or PATH; PTX only when none is found), "
           "'none' (PTX only), or a path (an error if it fails)">,
    Option<"externalWeightsFile", "external-weights-file", "std::string",
           /*default=*/"\"\"",
           "A .safetensors file (relative to the artifact) that every "
           "external weight is bound from, by tensor name, at load time; "
           "without it, weights imported from ONNX external data are read "
           "from their file and offset">,
  ];
}

#endif // TFC_TARGET_PASSES_TD
