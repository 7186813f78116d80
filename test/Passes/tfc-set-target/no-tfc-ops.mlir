// A module without tfc ops has not loaded the tfc dialect; the pass must load
// it (dependentDialects) before it creates #tfc.target.
// RUN: tfc-opt %s --tfc-set-target=preset=sm_80 | FileCheck %s

// CHECK: module attributes {tfc.target = #tfc.target<arch = "sm_80"
// CHECK-NEXT: func.func @no_tfc_ops
func.func @no_tfc_ops() {
  return
}
