// tfc-raise on attention whose constant mask reaches the scores through
// tfc.expand (and reshapes of its leading dims), as HF GPT-2 exports it:
// scores + where(expand(C), 0, -inf). The mask is causal = true exactly
// when the constant it broadcasts is the causal pattern in every slice;
// anything else stays an additive mask.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// GPT-2 (HF, SDPA export): the lower triangle C [1, 1, S, S] expanded over
// the batch, selected into 0 / -inf and added to the scores.
// CHECK-LABEL: func @gpt2_where_expand
// CHECK-SAME: (%[[Q:.*]]: tensor<2x2x4x8xf32>, %[[K:.*]]: tensor<2x2x4x8xf32>, %[[V:.*]]: tensor<2x2x4x8xf32>)
// CHECK-NEXT: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {causal = true, scale = 0.353553385 : f32}
// CHECK-NEXT: return %[[A]]
func.func @gpt2_where_expand(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32> {
  %scale = tfc.constant dense<0.353553385> : tensor<f32>
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %tril = tfc.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %c = tfc.expand %tril : tensor<1x1x4x4xi1> to tensor<2x1x4x4xi1>
  %mask = tfc.where %c, %zero, %ninf : (tensor<2x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x4x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x4xf32>
  %t = tfc.mul %s, %scale : (tensor<2x2x4x4xf32>, tensor<f32>) -> tensor<2x2x4x4xf32>
  %u = tfc.add %t, %mask : (tensor<2x2x4x4xf32>, tensor<2x1x4x4xf32>) -> tensor<2x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}

// -----

// The select form: where(expand(C), s, -inf), C [S, S] reshaped to
// [1, 1, S, S] first, expanded over batch and heads.
// CHECK-LABEL: func @select_reshape_expand
// CHECK-NEXT: tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.250000e-01 : f32}
// CHECK-NEXT: return
func.func @select_reshape_expand(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32> {
  %scale = tfc.constant dense<0.125> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %tril = tfc.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %r = tfc.reshape %tril : tensor<4x4xi1> to tensor<1x1x4x4xi1>
  %c = tfc.expand %r : tensor<1x1x4x4xi1> to tensor<2x2x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x4xf32>
  %t = tfc.mul %s, %scale : (tensor<2x2x4x4xf32>, tensor<f32>) -> tensor<2x2x4x4xf32>
  %u = tfc.where %c, %t, %ninf : (tensor<2x2x4x4xi1>, tensor<2x2x4x4xf32>, tensor<f32>) -> tensor<2x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}

// -----

// The additive form broadcast: a constant 0 / finfo.min [S, S] expanded,
// and a where(C, 0, -inf) expanded after the select.
// CHECK-LABEL: func @additive_expanded
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32}
// CHECK-NEXT: %[[B:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @additive_expanded(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) {
  %m = tfc.constant dense<[[0.0, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, 0.0, -3.40282347E+38], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %me = tfc.expand %m : tensor<4x4xf32> to tensor<2x1x4x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x4xf32>
  %u = tfc.add %s, %me : (tensor<2x2x4x4xf32>, tensor<2x1x4x4xf32>) -> tensor<2x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %tril = tfc.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = tfc.where %tril, %zero, %ninf : (tensor<4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<4x4xf32>
  %we = tfc.expand %w : tensor<4x4xf32> to tensor<2x1x4x4xf32>
  %s2 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x4xf32>
  %u2 = tfc.add %s2, %we : (tensor<2x2x4x4xf32>, tensor<2x1x4x4xf32>) -> tensor<2x2x4x4xf32>
  %p2 = tfc.softmax %u2 {axis = 3 : i64} : tensor<2x2x4x4xf32>
  %o2 = tfc.matmul %p2, %v : (tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  return %o, %o2 : tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>
}

// -----

// An imported tfc.attention (ONNX Attention) with the GPT-2 mask.
// CHECK-LABEL: func @imported_where_expand
// CHECK-SAME: (%[[Q:.*]]: tensor<2x2x4x8xf32>, %[[K:.*]]: tensor<2x2x4x8xf32>, %[[V:.*]]: tensor<2x2x4x8xf32>)
// CHECK-NEXT: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {causal = true, scale = 1.250000e-01 : f32}
// CHECK-NEXT: return %[[A]]
func.func @imported_where_expand(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %tril = tfc.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %c = tfc.expand %tril : tensor<1x1x4x4xi1> to tensor<2x1x4x4xi1>
  %mask = tfc.where %c, %zero, %ninf : (tensor<2x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x4x4xf32>
  %a = tfc.attention %q, %k, %v, mask %mask {scale = 0.125 : f32} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>, tensor<2x1x4x4xf32>) -> tensor<2x2x4x8xf32>
  return %a : tensor<2x2x4x8xf32>
}

// -----

// Not causal: the diagonal is masked too (off by one), through the same
// expand. The mask stays additive.
// CHECK-LABEL: func @off_by_one_expanded_stays_additive
// CHECK: %[[M:.*]] = tfc.where
// CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %[[M]] {scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
func.func @off_by_one_expanded_stays_additive(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %tril = tfc.constant dense<[[[[false, false, false, false], [true, false, false, false], [true, true, false, false], [true, true, true, false]]]]> : tensor<1x1x4x4xi1>
  %c = tfc.expand %tril : tensor<1x1x4x4xi1> to tensor<2x1x4x4xi1>
  %mask = tfc.where %c, %zero, %ninf : (tensor<2x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x4x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<2x2x4x4xf32>, tensor<2x1x4x4xf32>) -> tensor<2x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}

// -----

// Not causal: a mask that varies per batch (batch 0 causal, batch 1
// unmasked), expanded over the heads. The mask stays additive.
// CHECK-LABEL: func @per_batch_mask_stays_additive
// CHECK: %[[M:.*]] = tfc.where
// CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %[[M]] {scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
func.func @per_batch_mask_stays_additive(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %keep = tfc.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]], [[[true, true, true, true], [true, true, true, true], [true, true, true, true], [true, true, true, true]]]]> : tensor<2x1x4x4xi1>
  %c = tfc.expand %keep : tensor<2x1x4x4xi1> to tensor<2x2x4x4xi1>
  %mask = tfc.where %c, %zero, %ninf : (tensor<2x2x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<2x2x4x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}
