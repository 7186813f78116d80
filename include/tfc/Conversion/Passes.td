//===- Passes.td - tfc conversion passes -------------------*- tablegen -*-===//
//
// Passes that take fused tensor-level tfc IR to GPU kernels and a host-side
// launch program on buffers.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CONVERSION_PASSES_TD
#define TFC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerFusionsToKernels : Pass<"tfc-lower-fusions-to-kernels",
                                 "::mlir::ModuleOp"> {
  let summary = "Outline every tfc.fusion into a GPU kernel and launch it "
                "from a buffer-level host function";
  let description = [{
    Takes a module whose public function computes on tensors with
    `tfc.fusion` groups (plus constants, parameters and reshapes) and
    produces:

    - a `gpu.module @tfc_kernels` with one `gpu.func` kernel per fusion,
      whose body the kernel families emit (see `FusionKernels.h`);
    - the same function on memrefs in destination-passing style: one memref
      argument per input, then one per result (marked `tfc.output`),
      weights as `memref.global`s (`tfc.name` gives the parameter name,
      `tfc.external` marks weights bound at load time), intermediates as
      `memref.alloc`, reshapes as `memref.reinterpret_cast` views, and one
      `gpu.launch_func` per fusion. A result that is not written by a
      kernel (e.g. a reshape of an input) is copied with `memref.copy`.

    ```mlir
    func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
      %0 = tfc.fusion "softmax" (%x) ... -> tensor<4x8xf32> {...}
      return %0 : tensor<4x8xf32>
    }
    // becomes
    gpu.module @tfc_kernels { gpu.func @k0_softmax(%a: memref<4x8xf32>,
                                                   %b: memref<4x8xf32>) kernel {...} }
    func.func @main(%x: memref<4x8xf32>, %out: memref<4x8xf32> {tfc.output}) {
      gpu.launch_func @tfc_kernels::@k0_softmax blocks in (...) threads in (...)
          args(%x : memref<4x8xf32>, %out : memref<4x8xf32>)
      return
    }
    ```

    Any op left outside a fusion other than constants, parameters and
    reshapes is an error naming the op: run `tfc-wrap-in-fusions` first.

    On targets with wgmma (sm_90a) every kernel may take TMA descriptors
    (`tfc.tensor_map_args`): 16-bit matmuls then get the wgmma + TMA family,
    whose kernels take a pointer to one descriptor per operand after their
    memrefs. The launch passes each as a `tfc.tensor_map` of the operand's
    buffer (the artifact writer makes it a tensor-map argument, encoded by
    the runtime); the kernel records them in `tfc.tensor_maps`. With
    `wgmma=off` no kernel takes descriptors (mma.sync everywhere, for
    ablation).

    ```mlir
    %ma = tfc.tensor_map %a {box = array<i64: 1, 128, 64>,
        shape = array<i64: 1, 200, 72>} : memref<200x72xbf16> -> !llvm.ptr
    gpu.launch_func @tfc_kernels::@k0_matmul ... args(%a : memref<200x72xbf16>,
        %b : ..., %out : ..., %ma : !llvm.ptr, %mb : !llvm.ptr)
    ```
  }];
  let options = [
    Option<"wgmma", "wgmma", "std::string", /*default=*/"\"auto\"",
           "auto: on targets with wgmma (sm_90a), kernels may take TMA "
           "descriptors, so 16-bit matmuls use the wgmma + TMA family; off: "
           "never (mma.sync), for ablation">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def PlanMemory : Pass<"tfc-plan-memory", "::mlir::func::FuncOp"> {
  let summary = "Place every intermediate buffer in one arena, reusing "
                "memory of dead buffers";
  let description = [{
    Replaces the `memref.alloc`s of a host function by `memref.view`s into
    one arena (`memref.alloc() {tfc.arena}` of `i8`). Buffers whose live
    ranges (from the defining alloc to the last use, views included) do not
    overlap share memory; offsets are aligned to `alignment` bytes. The
    arena size and the bytes a naive allocation would use are recorded as
    `tfc.arena_bytes` and `tfc.unplanned_bytes` on the function. With
    `report`, stderr gets one line per function: the number of buffers,
    the sum of all intermediates (each aligned) and the arena that holds
    them, e.g. `tfc-plan-memory: @main: 19 buffers, intermediates 540672
    bytes -> arena 114688 bytes (21.2%)`.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"256",
           "Byte alignment of every buffer in the arena">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the arena size against the sum of all intermediates">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def ExternDynamicSharedMemory : Pass<"tfc-extern-dynamic-shared-memory",
                                     "::mlir::gpu::GPUModuleOp"> {
  let summary = "Give the dynamic shared memory global external linkage and "
                "1024-byte alignment";
  let description = [{
    `gpu.dynamic_shared_memory` lowers (convert-gpu-to-nvvm) to a zero-length
    `llvm.mlir.global internal` in address space 3. LLVM's NVPTX backend
    demotes such a global to a one-byte static `.shared` variable, so the
    kernel's dynamic region overlaps its static shared variables (and TMA
    with 128-byte swizzle needs 1024-byte alignment). Run after
    convert-gpu-to-nvvm, this pass makes every zero-length address-space-3
    global `external` with `alignment = 1024`, which NVPTX emits as
    `.extern .shared .align 1024 .b8 name[]`: the dynamic region.

    ```mlir
    llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
    // becomes
    llvm.mlir.global external @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 1024 : i64} : !llvm.array<0 x i8>
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // TFC_CONVERSION_PASSES_TD
