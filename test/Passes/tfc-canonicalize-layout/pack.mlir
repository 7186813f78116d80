// tfc-canonicalize-layout: matmuls that read the same activation with
// inline weights are packed into one matmul on the concatenated weights
// and a split (with their bias adds when every member has one). External
// weights, other activations, other flags and shared weights are not.
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout=pack=false | FileCheck %s --check-prefix=NOPACK
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout=pack-gated | FileCheck %s --check-prefix=GATED

// Q/K/V of one layer ([K, N_i] weights, GQA widths): rows concatenated.
// CHECK-LABEL: func @pack_qkv
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x2xf32>)
// CHECK: %[[W:.*]] = tfc.parameter "wq+wk+wv" = dense_resource<wq_wk_wv> : tensor<2x4xf32>
// CHECK-NEXT: %[[M:.*]] = tfc.matmul %[[X]], %[[W]] : (tensor<1x3x2xf32>, tensor<2x4xf32>) -> tensor<1x3x4xf32>
// CHECK-NEXT: %[[S:.*]]:3 = tfc.split %[[M]] {axis = 2 : i64, sizes = array<i64: 2, 1, 1>} : (tensor<1x3x4xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>)
// CHECK-NEXT: return %[[S]]#0, %[[S]]#1, %[[S]]#2
// The packed rows: [1, 2 | 5 | 7], [3, 4 | 6 | 8].
// CHECK: wq_wk_wv: "0x40000000
// CHECK-SAME: 0000803F000000400000A0400000E04000004040000080400000C04000000041"
// NOPACK-LABEL: func @pack_qkv
// NOPACK-COUNT-3: tfc.matmul
// NOPACK-NOT: tfc.split
func.func @pack_qkv(%x: tensor<1x3x2xf32>) -> (tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>) {
  %wq = tfc.parameter "wq" = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %wk = tfc.parameter "wk" = dense<[[5.0], [6.0]]> : tensor<2x1xf32> : tensor<2x1xf32>
  %wv = tfc.parameter "wv" = dense<[[7.0], [8.0]]> : tensor<2x1xf32> : tensor<2x1xf32>
  %q = tfc.matmul %x, %wq : (tensor<1x3x2xf32>, tensor<2x2xf32>) -> tensor<1x3x2xf32>
  %k = tfc.matmul %x, %wk : (tensor<1x3x2xf32>, tensor<2x1xf32>) -> tensor<1x3x1xf32>
  %v = tfc.matmul %x, %wv : (tensor<1x3x2xf32>, tensor<2x1xf32>) -> tensor<1x3x1xf32>
  return %q, %k, %v : tensor<1x3x2xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>
}

// -----

// Linear layers as stored by PyTorch ([N_i, K], transpose_rhs) with biases
// (one a splat): the weights are transposed first, then concatenated; the
// biases are concatenated and added once, before the split.
// CHECK-LABEL: func @pack_with_bias
// CHECK-SAME: (%[[X:.*]]: tensor<3x2xf32>)
// CHECK: %[[W:.*]] = tfc.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-NEXT: %[[M:.*]] = tfc.matmul %[[X]], %[[W]] : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
// CHECK-NEXT: %[[B:.*]] = tfc.constant dense<[1.000000e-01, 2.000000e-01, 3.000000e-01]> : tensor<3xf32>
// CHECK-NEXT: %[[A:.*]] = tfc.add %[[M]], %[[B]]
// CHECK-NEXT: %[[S:.*]]:2 = tfc.split %[[A]] {axis = 1 : i64, sizes = array<i64: 2, 1>}
// CHECK-NEXT: %[[G:.*]] = tfc.swiglu %[[S]]#1, %[[S]]#1
// CHECK-NEXT: return %[[S]]#0, %[[G]]
func.func @pack_with_bias(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x1xf32>) {
  %w1 = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = tfc.constant dense<[[5.0, 6.0]]> : tensor<1x2xf32>
  %b1 = tfc.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %b2 = tfc.constant dense<[0.3]> : tensor<1xf32>
  %m1 = tfc.matmul %x, %w1 {transpose_rhs = true} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y1 = tfc.add %m1, %b1 : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %m2 = tfc.matmul %x, %w2 {transpose_rhs = true} : (tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<3x1xf32>
  %y2 = tfc.add %b2, %m2 : (tensor<1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %g = tfc.swiglu %y2, %y2 : tensor<3x1xf32>
  return %y1, %g : tensor<3x2xf32>, tensor<3x1xf32>
}

// -----

// Only one member adds a bias: the matmuls are packed, the add stays.
// CHECK-LABEL: func @pack_partial_bias
// CHECK: %[[M:.*]] = tfc.matmul {{.*}} -> tensor<3x3xf32>
// CHECK-NEXT: %[[S:.*]]:2 = tfc.split %[[M]]
// CHECK: tfc.add %[[S]]#0
func.func @pack_partial_bias(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x1xf32>) {
  %w1 = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = tfc.constant dense<[[5.0], [6.0]]> : tensor<2x1xf32>
  %b1 = tfc.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %m1 = tfc.matmul %x, %w1 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %y1 = tfc.add %m1, %b1 : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %m2 = tfc.matmul %x, %w2 : (tensor<3x2xf32>, tensor<2x1xf32>) -> tensor<3x1xf32>
  return %y1, %m2 : tensor<3x2xf32>, tensor<3x1xf32>
}

// -----

// Near misses, none packed: an external weight; a second activation; a
// weight another op also reads; the other transpose flag.
// CHECK-LABEL: func @no_pack
// CHECK-NOT: tfc.split
// CHECK-COUNT-2: tfc.matmul
// CHECK-NOT: tfc.split
// CHECK-COUNT-2: tfc.matmul
// CHECK-NOT: tfc.split
func.func @no_pack(%x: tensor<3x2xf32>, %y: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<2x2xf32>) {
  %ext = tfc.parameter "ext" : tensor<2x2xf32>
  %w1 = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = tfc.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %shared = tfc.constant dense<[[9.0, 1.0], [2.0, 3.0]]> : tensor<2x2xf32>
  %a = tfc.matmul %x, %ext : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %b = tfc.matmul %x, %w1 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %c = tfc.matmul %y, %w2 {transpose_rhs = true} : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %d = tfc.matmul %x, %shared : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %a, %b, %c, %d, %shared : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>, tensor<2x2xf32>
}

// -----

// Gate and up meeting in tfc.swiglu stay apart (no kernel applies the gate
// to a packed result); with pack-gated they are packed. q reads the same
// activation: alone, it is not packed.
// CHECK-LABEL: func @gated
// CHECK-COUNT-3: tfc.matmul
// CHECK-NOT: tfc.split
// GATED-LABEL: func @gated
// GATED: %[[P:.*]] = tfc.matmul {{.*}} -> tensor<3x6xf32>
// GATED-NEXT: %[[S:.*]]:3 = tfc.split %[[P]] {axis = 1 : i64, sizes = array<i64: 2, 2, 2>}
// GATED-NEXT: tfc.swiglu %[[S]]#1, %[[S]]#2
func.func @gated(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %wq = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wg = tfc.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %wu = tfc.constant dense<[[9.0, 1.0], [2.0, 3.0]]> : tensor<2x2xf32>
  %q = tfc.matmul %x, %wq : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %g = tfc.matmul %x, %wg : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %u = tfc.matmul %x, %wu : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %h = tfc.swiglu %g, %u : tensor<3x2xf32>
  return %q, %h : tensor<3x2xf32>, tensor<3x2xf32>
}
