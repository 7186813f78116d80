// A module without tfc ops has not loaded the tfc dialect; the pass must load
// it (dependentDialects) before it creates #tfc.target.
// XFAIL: *
// Known bug: SetTarget in include/tfc/Passes/Passes.td declares no
// dependentDialects, so TargetAttr::get crashes here. Remove the XFAIL line
// once it lists ::mlir::tfc::TfcDialect.
// RUN: tfc-opt %s --tfc-set-target=preset=sm_80 | FileCheck %s

// CHECK: module attributes {tfc.target = #tfc.target<arch = "sm_80"
// CHECK-NEXT: func.func @no_tfc_ops
func.func @no_tfc_ops() {
  return
}
