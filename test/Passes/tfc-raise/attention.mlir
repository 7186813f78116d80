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
