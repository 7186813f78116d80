// Flash attention operands read in place through strided views, stored
// through transposed views, and RoPE'd queries computed into the Q tile, on
// the shapes and layouts attention.mlir does not cover. Every kernel is
// the tensor-core flash kernel and matches the reference executor on the
// CPU simulator (Inputs/simulate_kernels.py).
// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 2 | FileCheck %s --check-prefix=SIM %}

// Interleaved RoPE on the query, two query heads of a GQA group per block,
// 40 queries in blocks of 16 (a tail).
// CHECK-LABEL: gpu.func @rope_gqa_heads2_interleaved_0
// CHECK: nvvm.mma.sync
func.func @rope_gqa_heads2_interleaved(%x: tensor<1x40x4x16xbf16>, %cos: tensor<40x16xbf16>, %sin: tensor<40x16xbf16>, %k: tensor<1x1x40x16xbf16>, %v: tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16> {
  %0 = tfc.fusion "attention" (%x, %cos, %sin, %k, %v) : (tensor<1x40x4x16xbf16>, tensor<40x16xbf16>, tensor<40x16xbf16>, tensor<1x1x40x16xbf16>, tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16> {
  ^bb0(%a: tensor<1x40x4x16xbf16>, %c: tensor<40x16xbf16>, %s: tensor<40x16xbf16>, %kk: tensor<1x1x40x16xbf16>, %vv: tensor<1x1x40x16xbf16>):
    %t = tfc.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x40x4x16xbf16>) -> tensor<1x4x40x16xbf16>
    %q = tfc.rope %t, %c, %s {interleaved = true} : (tensor<1x4x40x16xbf16>, tensor<40x16xbf16>, tensor<40x16xbf16>) -> tensor<1x4x40x16xbf16>
    %1 = tfc.attention %q, %kk, %vv {scale = 0.25 : f32, causal = true, tfc.tile = array<i64: 16, 32, 2, 2, 2>} : (tensor<1x4x40x16xbf16>, tensor<1x1x40x16xbf16>, tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16>
    tfc.yield %1 : tensor<1x4x40x16xbf16>
  }
  return %0 : tensor<1x4x40x16xbf16>
}

// RoPE on the query with two 16-row m-tiles per warp (Q reloaded from the
// tile per KV tile).
// CHECK-LABEL: gpu.func @rope_two_tiles_per_warp_1
// CHECK: nvvm.mma.sync
func.func @rope_two_tiles_per_warp(%x: tensor<1x2x40x32xbf16>, %cos: tensor<40x32xbf16>, %sin: tensor<40x32xbf16>, %k: tensor<1x2x40x32xbf16>, %v: tensor<1x2x40x32xbf16>) -> tensor<1x2x40x32xbf16> {
  %0 = tfc.fusion "attention" (%x, %cos, %sin, %k, %v) : (tensor<1x2x40x32xbf16>, tensor<40x32xbf16>, tensor<40x32xbf16>, tensor<1x2x40x32xbf16>, tensor<1x2x40x32xbf16>) -> tensor<1x2x40x32xbf16> {
  ^bb0(%a: tensor<1x2x40x32xbf16>, %c: tensor<40x32xbf16>, %s: tensor<40x32xbf16>, %kk: tensor<1x2x40x32xbf16>, %vv: tensor<1x2x40x32xbf16>):
    %q = tfc.rope %a, %c, %s : (tensor<1x2x40x32xbf16>, tensor<40x32xbf16>, tensor<40x32xbf16>) -> tensor<1x2x40x32xbf16>
    %1 = tfc.attention %q, %kk, %vv {scale = 0.25 : f32, tfc.tile = array<i64: 32, 32, 1, 2>} : (tensor<1x2x40x32xbf16>, tensor<1x2x40x32xbf16>, tensor<1x2x40x32xbf16>) -> tensor<1x2x40x32xbf16>
    tfc.yield %1 : tensor<1x2x40x32xbf16>
  }
  return %0 : tensor<1x2x40x32xbf16>
}

// Q, K and V as a split along the head axis (not the last one).
// CHECK-LABEL: gpu.func @split_axis1_2
// CHECK: nvvm.mma.sync
func.func @split_axis1(%x: tensor<1x6x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  %0 = tfc.fusion "attention" (%x) : (tensor<1x6x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  ^bb0(%a: tensor<1x6x20x16xbf16>):
    %s:3 = tfc.split %a {axis = 1 : i64, sizes = array<i64: 2, 2, 2>} : (tensor<1x6x20x16xbf16>) -> (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>)
    %1 = tfc.attention %s#0, %s#1, %s#2 {scale = 0.25 : f32} : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    tfc.yield %1 : tensor<1x2x20x16xbf16>
  }
  return %0 : tensor<1x2x20x16xbf16>
}

// A splitting reshape after a transpose (a non-contiguous dimension split).
// CHECK-LABEL: gpu.func @reshape_after_transpose_3
// CHECK: nvvm.mma.sync
func.func @reshape_after_transpose(%x: tensor<20x1x32xbf16>, %k: tensor<1x2x20x16xbf16>, %v: tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  %0 = tfc.fusion "attention" (%x, %k, %v) : (tensor<20x1x32xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  ^bb0(%a: tensor<20x1x32xbf16>, %kk: tensor<1x2x20x16xbf16>, %vv: tensor<1x2x20x16xbf16>):
    %t0 = tfc.transpose %a {permutation = array<i64: 1, 0, 2>} : (tensor<20x1x32xbf16>) -> tensor<1x20x32xbf16>
    %r = tfc.reshape %t0 : tensor<1x20x32xbf16> to tensor<1x20x2x16xbf16>
    %q = tfc.transpose %r {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x20x2x16xbf16>) -> tensor<1x2x20x16xbf16>
    %1 = tfc.attention %q, %kk, %vv {scale = 0.25 : f32, causal = true} : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    tfc.yield %1 : tensor<1x2x20x16xbf16>
  }
  return %0 : tensor<1x2x20x16xbf16>
}

// A slice with a row step of 2 and offsets in both dimensions.
// CHECK-LABEL: gpu.func @slice_rows_step2_4
// CHECK: nvvm.mma.sync
func.func @slice_rows_step2(%x: tensor<1x2x44x32xbf16>, %k: tensor<1x2x20x16xbf16>, %v: tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  %0 = tfc.fusion "attention" (%x, %k, %v) : (tensor<1x2x44x32xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  ^bb0(%a: tensor<1x2x44x32xbf16>, %kk: tensor<1x2x20x16xbf16>, %vv: tensor<1x2x20x16xbf16>):
    %q = tfc.slice %a {offsets = array<i64: 0, 0, 4, 16>, sizes = array<i64: 1, 2, 20, 16>, strides = array<i64: 1, 1, 2, 1>} : (tensor<1x2x44x32xbf16>) -> tensor<1x2x20x16xbf16>
    %1 = tfc.attention %q, %kk, %vv {scale = 0.25 : f32} : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    tfc.yield %1 : tensor<1x2x20x16xbf16>
  }
  return %0 : tensor<1x2x20x16xbf16>
}

// Two results: the attention output, and a transpose other than
// [0, 2, 1, 3] (last dimension kept) stored through its own view.
// CHECK-LABEL: gpu.func @two_results_perm_5
// CHECK: nvvm.mma.sync
func.func @two_results_perm(%q: tensor<1x4x40x16xbf16>, %k: tensor<1x1x40x16xbf16>, %v: tensor<1x1x40x16xbf16>) -> (tensor<1x4x40x16xbf16>, tensor<40x4x1x16xbf16>) {
  %0:2 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x4x40x16xbf16>, tensor<1x1x40x16xbf16>, tensor<1x1x40x16xbf16>) -> (tensor<1x4x40x16xbf16>, tensor<40x4x1x16xbf16>) {
  ^bb0(%a: tensor<1x4x40x16xbf16>, %b: tensor<1x1x40x16xbf16>, %c: tensor<1x1x40x16xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.25 : f32, causal = true, tfc.tile = array<i64: 16, 32, 2, 2, 2>} : (tensor<1x4x40x16xbf16>, tensor<1x1x40x16xbf16>, tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16>
    %2 = tfc.add %1, %1 : (tensor<1x4x40x16xbf16>, tensor<1x4x40x16xbf16>) -> tensor<1x4x40x16xbf16>
    %3 = tfc.transpose %2 {permutation = array<i64: 2, 1, 0, 3>} : (tensor<1x4x40x16xbf16>) -> tensor<40x4x1x16xbf16>
    tfc.yield %1, %3 : tensor<1x4x40x16xbf16>, tensor<40x4x1x16xbf16>
  }
  return %0#0, %0#1 : tensor<1x4x40x16xbf16>, tensor<40x4x1x16xbf16>
}

// The query view also read by the epilogue, the sum stored transposed.
// CHECK-LABEL: gpu.func @q_view_in_epilogue_6
// CHECK: nvvm.mma.sync
func.func @q_view_in_epilogue(%x: tensor<1x20x2x16xbf16>, %v: tensor<1x2x20x16xbf16>) -> tensor<1x20x2x16xbf16> {
  %0 = tfc.fusion "attention" (%x, %v) : (tensor<1x20x2x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x20x2x16xbf16> {
  ^bb0(%a: tensor<1x20x2x16xbf16>, %vv: tensor<1x2x20x16xbf16>):
    %q = tfc.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x20x2x16xbf16>) -> tensor<1x2x20x16xbf16>
    %1 = tfc.attention %q, %q, %vv {scale = 0.25 : f32, causal = true} : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    %2 = tfc.add %1, %q : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    %3 = tfc.transpose %2 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x2x20x16xbf16>) -> tensor<1x20x2x16xbf16>
    tfc.yield %3 : tensor<1x20x2x16xbf16>
  }
  return %0 : tensor<1x20x2x16xbf16>
}

// PTX-NOT: ld.local
// PTX-NOT: st.local

// SIM-NOT: FAIL
// SIM: 7 kernels match the reference
