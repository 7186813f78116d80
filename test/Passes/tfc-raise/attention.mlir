// tfc-raise on attention: matmul(q, kT) -> scale -> mask -> softmax ->
// matmul(., v) becomes tfc.attention; the mask becomes causal = true only
// when it is exactly the causal pattern, else it stays an additive mask;
// near misses are left alone.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// gpt2_style_min: masked_fill(~tril, -inf) as where(C, -inf, s), scale as
// a product, k^T as a transpose of k.
// CHECK-LABEL: func @causal_where
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x4x8xf32>, %[[K:.*]]: tensor<1x2x4x8xf32>, %[[V:.*]]: tensor<1x2x4x8xf32>)
// CHECK-NEXT: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {causal = true, scale = 0.353553385 : f32}
// CHECK-NEXT: return %[[A]]
func.func @causal_where(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %scale = tfc.constant dense<0.353553385> : tensor<f32>
  %mask = tfc.constant dense<[[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]> : tensor<4x4xi1>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kt = tfc.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x4xf32>
  %s = tfc.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %t = tfc.mul %s, %scale : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %u = tfc.where %mask, %ninf, %t : (tensor<4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// gpt2_tiny.dynamo18: the mask folded to an additive f32[1,1,S,S] of 0 and
// finfo.min (here an inline parameter), scale as a division, k^T as the
// GPT-2 transpose [0, 2, 3, 1] of [B, S, H, D] (composed into one
// [0, 2, 1, 3] transpose for k).
// CHECK-LABEL: func @causal_additive_finfo_min
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x4x8xf32>, %[[K:.*]]: tensor<1x4x2x8xf32>, %[[V:.*]]: tensor<1x2x4x8xf32>)
// CHECK: %[[KT:.*]] = tfc.transpose %[[K]] {permutation = array<i64: 0, 2, 1, 3>}
// CHECK-NEXT: %[[A:.*]] = tfc.attention %[[Q]], %[[KT]], %[[V]] {causal = true, scale = 0.353553385 : f32}
// CHECK-NEXT: return %[[A]]
func.func @causal_additive_finfo_min(%q: tensor<1x2x4x8xf32>, %k: tensor<1x4x2x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %div = tfc.constant dense<2.82842708> : tensor<f32>
  %mask = tfc.parameter "where" = dense<[[[[0.000000e+00, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.000000e+00, 0.000000e+00, -3.40282347E+38, -3.40282347E+38], [0.000000e+00, 0.000000e+00, 0.000000e+00, -3.40282347E+38], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]]]> : tensor<1x1x4x4xf32> : tensor<1x1x4x4xf32>
  %kt = tfc.transpose %k {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x4x2x8xf32>) -> tensor<1x2x8x4xf32>
  %s = tfc.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %t = tfc.div %s, %div : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %u = tfc.add %t, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Decode-style shapes (Sq = 2 < Skv = 4): causal means key j > i + 2; the
// mask is where(C, s, -inf) with C true where keys are kept.
// CHECK-LABEL: func @causal_shifted_keep_mask
// CHECK-NEXT: tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.250000e-01 : f32} : (tensor<1x2x2x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x2x8xf32>
// CHECK-NEXT: return
func.func @causal_shifted_keep_mask(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x2x8xf32> {
  %scale = tfc.constant dense<0.125> : tensor<f32>
  %keep = tfc.constant dense<[[true, true, true, false], [true, true, true, true]]> : tensor<2x4xi1>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x2x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x2x4xf32>
  %t = tfc.mul %scale, %s : (tensor<f32>, tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %u = tfc.where %keep, %t, %ninf : (tensor<2x4xi1>, tensor<1x2x2x4xf32>, tensor<f32>) -> tensor<1x2x2x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x2x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x2x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x2x8xf32>
  return %o : tensor<1x2x2x8xf32>
}

// -----

// Not causal: the diagonal is masked too (off by one). The constant stays
// as an additive mask.
// CHECK-LABEL: func @off_by_one_mask_stays_additive
// CHECK-SAME: (%[[Q:.*]]: tensor<1x2x4x8xf32>, %[[K:.*]]: tensor<1x2x4x8xf32>, %[[V:.*]]: tensor<1x2x4x8xf32>)
// CHECK: %[[M:.*]] = tfc.constant
// CHECK: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]], mask %[[M]] {scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
// CHECK-NEXT: return %[[A]]
func.func @off_by_one_mask_stays_additive(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %mask = tfc.constant dense<[[0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000]]> : tensor<4x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u = tfc.add %mask, %s : (tensor<4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Not causal: causal positions right, but an unmasked entry is 1.0 (a bias,
// not a mask). Stays additive.
// CHECK-LABEL: func @causal_shape_with_bias_stays_additive
// CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
func.func @causal_shape_with_bias_stays_additive(%q: tensor<1x2x2x8xf32>, %k: tensor<1x2x2x8xf32>, %v: tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32> {
  %mask = tfc.constant dense<[[1.0, 0xFF800000], [0.0, 0.0]]> : tensor<2x2xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x2x8xf32>, tensor<1x2x2x8xf32>) -> tensor<1x2x2x2xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2x2xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x2x2xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x2x2xf32>, tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  return %o : tensor<1x2x2x8xf32>
}

// -----

// A padding mask from the inputs (additive, [B, 1, 1, Skv]) stays the mask
// operand; no scale gives scale 1.
// CHECK-LABEL: func @input_padding_mask
// CHECK-SAME: %[[M:[^:]*]]: tensor<1x1x1x4xf32>
// CHECK-NEXT: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %[[M]] {scale = 1.000000e+00 : f32}
func.func @input_padding_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<1x1x1x4xf32>) -> tensor<1x2x4x8xf32> {
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u = tfc.add %s, %m : (tensor<1x2x4x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// where with a computed condition and -inf: the mask becomes where(C,
// -inf, 0), added.
// CHECK-LABEL: func @where_computed_condition
// CHECK-SAME: %[[C:[^:]*]]: tensor<1x1x4x4xi1>
// CHECK-DAG: %[[NINF:.*]] = tfc.constant dense<0xFF800000> : tensor<f32>
// CHECK-DAG: %[[ZERO:.*]] = tfc.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[M:.*]] = tfc.where %[[C]], %[[NINF]], %[[ZERO]]
// CHECK-NEXT: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %[[M]] {scale = 5.000000e-01 : f32}
func.func @where_computed_condition(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %c: tensor<1x1x4x4xi1>) -> tensor<1x2x4x8xf32> {
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %half = tfc.constant dense<0.5> : tensor<f32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %t = tfc.mul %s, %half : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %u = tfc.where %c, %ninf, %t : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Near misses, not raised: a where fill of -1e4 (not a mask: it replaces
// the score with a value softmax still weighs); softmax over axis 2; the
// probabilities also returned (a second use).
// CHECK-LABEL: func @attention_near_misses
// CHECK-NOT: tfc.attention
// CHECK: return
func.func @attention_near_misses(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>) {
  %mask = tfc.constant dense<[[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]> : tensor<4x4xi1>
  %small = tfc.constant dense<-1.0e4> : tensor<f32>
  %s1 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u1 = tfc.where %mask, %small, %s1 : (tensor<4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p1 = tfc.softmax %u1 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o1 = tfc.matmul %p1, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %s2 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %p2 = tfc.softmax %s2 {axis = 2 : i64} : tensor<1x2x4x4xf32>
  %o2 = tfc.matmul %p2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %s3 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %p3 = tfc.softmax %s3 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o3 = tfc.matmul %p3, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o1, %o2, %o3, %p3 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x4xf32>
}

// -----

// GQA as HF repeat_kv exports it: k, v [1, 2, 4, 8] unsqueezed, expanded
// to 2 query heads each, merged to [1, 4, 4, 8]; then k.transpose(2, 3).
// The attention reads the 2 k/v heads directly. Scale on q (q * 0.25) and
// on the scores (/ 1.4142135) multiply.
// CHECK-LABEL: func @gqa_repeat_kv
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x4x8xf32>, %[[K:.*]]: tensor<1x2x4x8xf32>, %[[V:.*]]: tensor<1x2x4x8xf32>)
// CHECK-NEXT: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {causal = true, scale = 0.176776692 : f32} : (tensor<1x4x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK-NEXT: return %[[A]]
func.func @gqa_repeat_kv(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %quarter = tfc.constant dense<0.25> : tensor<f32>
  %sqrt2 = tfc.constant dense<0.707106769> : tensor<f32>
  %mask = tfc.constant dense<[[0.000000e+00, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.000000e+00, 0.000000e+00, -3.40282347E+38, -3.40282347E+38], [0.000000e+00, 0.000000e+00, 0.000000e+00, -3.40282347E+38], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>
  %k1 = tfc.reshape %k : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %k2 = tfc.expand %k1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %k3 = tfc.reshape %k2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %v1 = tfc.reshape %v : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %v2 = tfc.expand %v1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %v3 = tfc.reshape %v2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %kt = tfc.transpose %k3 {permutation = array<i64: 0, 1, 3, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x4x8x4xf32>
  %qs = tfc.mul %q, %quarter : (tensor<1x4x4x8xf32>, tensor<f32>) -> tensor<1x4x4x8xf32>
  %s = tfc.matmul %qs, %kt : (tensor<1x4x4x8xf32>, tensor<1x4x8x4xf32>) -> tensor<1x4x4x4xf32>
  %t = tfc.mul %s, %sqrt2 : (tensor<1x4x4x4xf32>, tensor<f32>) -> tensor<1x4x4x4xf32>
  %u = tfc.add %t, %mask : (tensor<1x4x4x4xf32>, tensor<4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x4x4x4xf32>
  %o = tfc.matmul %p, %v3 : (tensor<1x4x4x4xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %o : tensor<1x4x4x8xf32>
}

// -----

// MQA by broadcast: one k/v head for 4 query heads; an all-zero additive
// mask is dropped.
// CHECK-LABEL: func @mqa_broadcast
// CHECK-NEXT: tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+00 : f32} : (tensor<2x4x4x8xf32>, tensor<2x1x4x8xf32>, tensor<2x1x4x8xf32>) -> tensor<2x4x4x8xf32>
func.func @mqa_broadcast(%q: tensor<2x4x4x8xf32>, %k: tensor<2x1x4x8xf32>, %v: tensor<2x1x4x8xf32>) -> tensor<2x4x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<1x1x4x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x4x4x8xf32>, tensor<2x1x4x8xf32>) -> tensor<2x4x4x4xf32>
  %u = tfc.add %s, %zero : (tensor<2x4x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<2x4x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x4x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x4x4x4xf32>, tensor<2x1x4x8xf32>) -> tensor<2x4x4x8xf32>
  return %o : tensor<2x4x4x8xf32>
}

// -----

// Near miss: k broadcast over the batch (batch 1 for q's 2) has no
// tfc.attention form.
// CHECK-LABEL: func @batch_broadcast_key
// CHECK-NOT: tfc.attention
// CHECK: tfc.softmax
func.func @batch_broadcast_key(%q: tensor<2x4x4x8xf32>, %k: tensor<1x4x4x8xf32>, %v: tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32> {
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<2x4x4x4xf32>
  %p = tfc.softmax %s {axis = 3 : i64} : tensor<2x4x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x4x4x4xf32>, tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  return %o : tensor<2x4x4x8xf32>
}

// -----

// PyTorch's SDPA decomposition (dynamo exports of Llama): sqrt(scale) on q
// and on k^T, k^T built in the flattened [B*H, S, D] form after repeat_kv,
// and the NaN guard where(p != p, 0, p) behind the softmax (fully masked
// rows give zeros, as tfc.attention does). k and v are read unexpanded.
// CHECK-LABEL: func @sdpa_decomposition
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x4x8xf32>, %[[K:.*]]: tensor<1x2x4x8xf32>, %[[V:.*]]: tensor<1x2x4x8xf32>)
// The scale is the product of the two factors, 0.594603539^2.
// CHECK-NEXT: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {causal = true, scale = 0.353553355 : f32}
// CHECK-NEXT: return %[[A]]
func.func @sdpa_decomposition(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %root = tfc.constant dense<0.594603539> : tensor<f32>
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %mask = tfc.parameter "mask" = dense<[[0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32> : tensor<4x4xf32>
  %k1 = tfc.reshape %k : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %k2 = tfc.expand %k1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %k3 = tfc.reshape %k2 : tensor<1x2x2x4x8xf32> to tensor<4x4x8xf32>
  %k4 = tfc.transpose %k3 {permutation = array<i64: 0, 2, 1>} : (tensor<4x4x8xf32>) -> tensor<4x8x4xf32>
  %kt = tfc.reshape %k4 : tensor<4x8x4xf32> to tensor<1x4x8x4xf32>
  %v1 = tfc.reshape %v : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %v2 = tfc.expand %v1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %v3 = tfc.reshape %v2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %qs = tfc.mul %q, %root : (tensor<1x4x4x8xf32>, tensor<f32>) -> tensor<1x4x4x8xf32>
  %ks = tfc.mul %kt, %root : (tensor<1x4x8x4xf32>, tensor<f32>) -> tensor<1x4x8x4xf32>
  %s = tfc.matmul %qs, %ks : (tensor<1x4x4x8xf32>, tensor<1x4x8x4xf32>) -> tensor<1x4x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x4x4x4xf32>, tensor<4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x4x4x4xf32>
  %nan = tfc.compare ne, %p, %p : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xi1>
  %g = tfc.where %nan, %zero, %p : (tensor<1x4x4x4xi1>, tensor<f32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %o = tfc.matmul %g, %v3 : (tensor<1x4x4x4xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %o : tensor<1x4x4x8xf32>
}

// -----

// Near miss: the guard replaces NaN by 1, not 0.
// CHECK-LABEL: func @nan_guard_not_zero
// CHECK-NOT: tfc.attention
// CHECK: tfc.softmax
func.func @nan_guard_not_zero(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %one = tfc.constant dense<1.0> : tensor<f32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %s {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %nan = tfc.compare ne, %p, %p : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xi1>
  %g = tfc.where %nan, %one, %p : (tensor<1x2x4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = tfc.matmul %g, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Mistral's sliding window (here 3 keys): causal plus keys more than 2
// behind the query masked -> causal = true, window = 3. One entry off
// (row 7 keeps key 0) is not a window: the mask stays additive.
// CHECK-LABEL: func @sliding_window
// CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32, window = 3 : i64}
// CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
func.func @sliding_window(%q: tensor<1x1x8x8xf32>, %k: tensor<1x1x8x8xf32>, %v: tensor<1x1x8x8xf32>) -> (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) {
  %win = tfc.constant dense<[[0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<8x8xf32>
  %bad = tfc.constant dense<[[0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000], [0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<8x8xf32>
  %s1 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %u1 = tfc.add %s1, %win : (tensor<1x1x8x8xf32>, tensor<8x8xf32>) -> tensor<1x1x8x8xf32>
  %p1 = tfc.softmax %u1 {axis = 3 : i64} : tensor<1x1x8x8xf32>
  %o1 = tfc.matmul %p1, %v : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %s2 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %u2 = tfc.add %s2, %bad : (tensor<1x1x8x8xf32>, tensor<8x8xf32>) -> tensor<1x1x8x8xf32>
  %p2 = tfc.softmax %u2 {axis = 3 : i64} : tensor<1x1x8x8xf32>
  %o2 = tfc.matmul %p2, %v : (tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  return %o1, %o2 : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>
}

// -----

// An imported tfc.attention (ONNX Attention, opset 23) whose bool mask
// became where(C, 0, -inf) with C the lower triangle: causal = true; its
// repeat_kv-expanded k/v are read unexpanded. An all-zero additive mask
// is dropped; a non-causal condition stays.
// CHECK-LABEL: func @imported_attention_masks
// CHECK-SAME: (%[[Q:.*]]: tensor<1x4x4x8xf32>, %[[K:.*]]: tensor<1x2x4x8xf32>, %[[V:.*]]: tensor<1x2x4x8xf32>, %[[C:.*]]: tensor<4x4xi1>)
// CHECK-DAG: %[[A:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {causal = true, scale = 0.353553385 : f32} : (tensor<1x4x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>)
// CHECK-DAG: %[[B:.*]] = tfc.attention %[[Q]], %[[K]], %[[V]] {scale = 0.353553385 : f32} : (tensor<1x4x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>)
// CHECK-DAG: %[[M:.*]] = tfc.where %[[C]]
// CHECK-DAG: %[[D:.*]] = tfc.attention %[[Q]], %{{.*}}, %{{.*}}, mask %[[M]] {scale = 0.353553385 : f32}
// CHECK: return %[[A]], %[[B]], %[[D]]
func.func @imported_attention_masks(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %c: tensor<4x4xi1>) -> (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %zeros = tfc.constant dense<0.0> : tensor<1x1x4x4xf32>
  %tril = tfc.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %k1 = tfc.reshape %k : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %k2 = tfc.expand %k1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %k3 = tfc.reshape %k2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %v1 = tfc.reshape %v : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %v2 = tfc.expand %v1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %v3 = tfc.reshape %v2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %m = tfc.where %tril, %zero, %ninf : (tensor<4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<4x4xf32>
  %a = tfc.attention %q, %k3, %v3, mask %m {scale = 0.353553385 : f32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<4x4xf32>) -> tensor<1x4x4x8xf32>
  %b = tfc.attention %q, %k3, %v3, mask %zeros {scale = 0.353553385 : f32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x4x4x8xf32>
  %mc = tfc.where %c, %zero, %ninf : (tensor<4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<4x4xf32>
  %d = tfc.attention %q, %k3, %v3, mask %mc {scale = 0.353553385 : f32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<4x4xf32>) -> tensor<1x4x4x8xf32>
  return %a, %b, %d : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}
