// tfc-canonicalize-layout: transposes of the last two dims feeding a matmul
// become its transpose flags; inline weights read transposed by their only
// reader are transposed at compile time. Transposes of other dims, and
// weights with other readers, stay.
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout | FileCheck %s

// k^T of attention scores written as a transpose: folded into the rhs flag.
// CHECK-LABEL: func @fold_rhs
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x8x16xf32>, %[[K:.*]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[S:.*]] = tfc.matmul %[[Q]], %[[K]] {transpose_rhs = true} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @fold_rhs(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>) -> tensor<2x4x8x8xf32> {
  %kt = tfc.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : (tensor<2x4x8x16xf32>) -> tensor<2x4x16x8xf32>
  %s = tfc.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  return %s : tensor<2x4x8x8xf32>
}

// -----

// A transposed lhs, and a transpose that undoes an existing flag; the
// transpose is still returned, so it stays.
// CHECK-LABEL: func @fold_lhs_and_toggle
// CHECK-SAME: (%[[A:.*]]: tensor<8x16xf32>, %[[B:.*]]: tensor<8x4xf32>, %[[C:.*]]: tensor<16x4xf32>)
// CHECK-NEXT: %[[T:.*]] = tfc.transpose %[[A]]
// CHECK-NEXT: %[[M:.*]] = tfc.matmul %[[A]], %[[B]] {transpose_lhs = true} : (tensor<8x16xf32>, tensor<8x4xf32>) -> tensor<16x4xf32>
// CHECK-NEXT: %[[N:.*]] = tfc.matmul %[[A]], %[[C]] : (tensor<8x16xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
// CHECK-NEXT: return %[[M]], %[[N]], %[[T]]
func.func @fold_lhs_and_toggle(%a: tensor<8x16xf32>, %b: tensor<8x4xf32>, %c: tensor<16x4xf32>) -> (tensor<16x4xf32>, tensor<8x4xf32>, tensor<16x8xf32>) {
  %t = tfc.transpose %a {permutation = array<i64: 1, 0>} : (tensor<8x16xf32>) -> tensor<16x8xf32>
  %m = tfc.matmul %t, %b : (tensor<16x8xf32>, tensor<8x4xf32>) -> tensor<16x4xf32>
  %n = tfc.matmul %t, %c {transpose_lhs = true} : (tensor<16x8xf32>, tensor<16x4xf32>) -> tensor<8x4xf32>
  return %m, %n, %t : tensor<16x4xf32>, tensor<8x4xf32>, tensor<16x8xf32>
}

// -----

// Near miss: the transpose also moves a batch dim, so it is not a flag.
// CHECK-LABEL: func @no_fold_batch_permutation
// CHECK: tfc.transpose
// CHECK: tfc.matmul %{{.*}}, %{{.*}} :
func.func @no_fold_batch_permutation(%q: tensor<2x4x8x16xf32>, %k: tensor<4x2x8x16xf32>) -> tensor<2x4x8x8xf32> {
  %kt = tfc.transpose %k {permutation = array<i64: 1, 0, 3, 2>} : (tensor<4x2x8x16xf32>) -> tensor<2x4x16x8xf32>
  %s = tfc.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  return %s : tensor<2x4x8x8xf32>
}

// -----

// A transposed inline weight read only by this matmul: transposed now.
// CHECK-LABEL: func @pretranspose_weight
// CHECK: %[[W:.*]] = tfc.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: tfc.matmul %{{.*}}, %[[W]] : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
func.func @pretranspose_weight(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %y = tfc.matmul %x, %w {transpose_rhs = true} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Tied embedding (GPT-2's lm_head reads wte transposed, the gather reads it
// as is): the transpose becomes a flag, the weight is not copied.
// CHECK-LABEL: func @tied_embedding
// CHECK: %[[E:.*]] = tfc.parameter "wte"
// CHECK-NOT: tfc.transpose
// CHECK: tfc.matmul %{{.*}}, %[[E]] {transpose_rhs = true} : (tensor<1x4x2xf32>, tensor<3x2xf32>) -> tensor<1x4x3xf32>
func.func @tied_embedding(%ids: tensor<1x4xi64>) -> tensor<1x4x3xf32> {
  %e = tfc.parameter "wte" = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32> : tensor<3x2xf32>
  %h = tfc.gather %e, %ids {axis = 0 : i64} : (tensor<3x2xf32>, tensor<1x4xi64>) -> tensor<1x4x2xf32>
  %t = tfc.transpose %e {permutation = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %y = tfc.matmul %h, %t : (tensor<1x4x2xf32>, tensor<2x3xf32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}

// -----

// Near miss: an external weight has no data to transpose.
// CHECK-LABEL: func @external_weight_stays
// CHECK: tfc.matmul %{{.*}}, %{{.*}} {transpose_rhs = true}
func.func @external_weight_stays(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = tfc.parameter "w" : tensor<3x2xf32>
  %y = tfc.matmul %x, %w {transpose_rhs = true} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
