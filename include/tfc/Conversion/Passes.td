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
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::math::MathDialect"];
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
    `tfc.arena_bytes` and `tfc.unplanned_bytes` on the function.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"256",
           "Byte alignment of every buffer in the arena">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // TFC_CONVERSION_PASSES_TD
