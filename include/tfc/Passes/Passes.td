//===- Passes.td - tfc passes ------------------------------*- tablegen -*-===//
//
// Every tfc pass, with the documentation `tfc-opt --help` prints.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PASSES_TD
#define TFC_PASSES_TD

include "mlir/Pass/PassBase.td"

def SetTarget : Pass<"tfc-set-target", "::mlir::ModuleOp"> {
  let summary = "Attach the #tfc.target GPU description to the module";
  let description = [{
    Sets the module attribute `tfc.target` from a preset (`sm_80`, `sm_90a`,
    `sm_90a-h200`) and optional field overrides, so that tiling and the cost
    model read the GPU's numbers from one place. An existing `tfc.target` is
    replaced only when `preset` is given explicitly or overrides are given
    (overrides then apply on top of the existing attribute).

    ```
    tfc-opt --tfc-set-target="preset=sm_90a overrides=smem_per_block=101376,l2_bytes=41943040"
    ```
  }];
  let options = [
    Option<"preset", "preset", "std::string", /*default=*/"\"\"",
           "GPU preset: sm_80, sm_90a (H100) or sm_90a-h200 (H200); default "
           "sm_90a when the module has no target">,
    ListOption<"overrides", "overrides", "std::string",
               "field=value pairs that override preset fields, e.g. "
               "smem_per_block=101376">,
  ];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

def WrapInFusions : Pass<"tfc-wrap-in-fusions", "::mlir::func::FuncOp"> {
  let summary = "Put every compute op that is not yet fused in its own tfc.fusion";
  let description = [{
    The baseline grouping: each tfc compute op outside a `tfc.fusion` becomes
    a one-op fusion, so that every op gets a kernel. Ops that need no kernel
    stay outside: `tfc.constant`, `tfc.parameter` and `tfc.reshape` (a
    reshape of a contiguous tensor is a view). Runs after the real fusion
    pass, and alone until that pass exists.

    ```mlir
    %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
    // becomes
    %0 = tfc.fusion "softmax" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
    ^bb0(%a: tensor<4x8xf32>):
      %1 = tfc.softmax %a {axis = 1 : i64} : tensor<4x8xf32>
      tfc.yield %1 : tensor<4x8xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::tfc::TfcDialect"];
}

#endif // TFC_PASSES_TD
