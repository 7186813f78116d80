// tfc-raise on attention masks that the dynamo exporter computes from
// positions (Llama, Mistral): where(compare(key positions, query
// positions), 0, finfo.min), the positions constant aranges. A compare of
// constants is evaluated at compile time (nothing is materialised) and
// becomes causal = true only when it is exactly the causal set; anything
// else stays a mask.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// The Llama/Mistral dynamo export: key positions [1, 1, 1, S] <= query
// positions [1, 1, S, 1] (two constant aranges), selected into 0 / finfo.min
// and added to the scores. Evaluated at compile time, it is the causal set.
// CHECK-LABEL: func @llama_le_key_query
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @llama_le_key_query(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// The same set written ge(query, key), in the select form where(C, s, -inf).
// CHECK-LABEL: func @ge_query_key_select
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @ge_query_key_select(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare ge, %qpos, %kpos : (tensor<1x1x4x1xi64>, tensor<1x1x1x4xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u = tfc.where %c, %s, %ninf : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// lt(key, query + 1), the query positions shifted by one ahead of time, and
// the masked side selected: where(gt(key, query), -inf, s).
// CHECK-LABEL: func @lt_key_query_plus_one
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32}
// CHECK-NEXT: %[[B:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @lt_key_query_plus_one(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %qpos1 = tfc.constant dense<[[[[1], [2], [3], [4]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare lt, %kpos, %qpos1 : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u = tfc.where %c, %s, %ninf : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %d = tfc.compare gt, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s2 = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u2 = tfc.where %d, %ninf, %s2 : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p2 = tfc.softmax %u2 {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o2 = tfc.matmul %p2, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o, %o2 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}

// -----

// Positions through reshapes and expands: 1-D aranges reshaped to [1, S] and
// [S, 1], the key row expanded, the comparison's result reshaped and expanded
// over the batch; float positions; 2 queries at positions 2, 3 over 4 keys
// (a KV cache: the causal set shifted by Skv - Sq).
// CHECK-LABEL: func @reshaped_expanded_float_shifted
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.000000e+00 : f32} : (tensor<2x2x2x8xf32>, tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>)
// CHECK-NEXT: return %[[A]]
func.func @reshaped_expanded_float_shifted(%q: tensor<2x2x2x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>) -> tensor<2x2x2x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %karange = tfc.constant dense<[0.0, 1.0, 2.0, 3.0]> : tensor<4xf32>
  %qarange = tfc.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %krow = tfc.reshape %karange : tensor<4xf32> to tensor<1x4xf32>
  %kpos = tfc.expand %krow : tensor<1x4xf32> to tensor<2x4xf32>
  %qpos = tfc.reshape %qarange : tensor<2xf32> to tensor<2x1xf32>
  %c = tfc.compare le, %kpos, %qpos : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xi1>
  %c4 = tfc.reshape %c : tensor<2x4xi1> to tensor<1x1x2x4xi1>
  %cb = tfc.expand %c4 : tensor<1x1x2x4xi1> to tensor<2x1x2x4xi1>
  %mask = tfc.where %cb, %zero, %min : (tensor<2x1x2x4xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x2x4xf32>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<2x2x2x8xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x2x4xf32>
  %u = tfc.add %s, %mask : (tensor<2x2x2x4xf32>, tensor<2x1x2x4xf32>) -> tensor<2x2x2x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<2x2x2x4xf32>
  %o = tfc.matmul %p, %v : (tensor<2x2x2x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x2x8xf32>
  return %o : tensor<2x2x2x8xf32>
}

// -----

// An existing tfc.attention (e.g. imported from ONNX Attention) whose mask
// is where(le(key, query), 0, finfo.min): the mask is dropped for causal =
// true. The key positions are a dense_resource blob.
// CHECK-LABEL: func @attention_op_compare_mask
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 5.000000e-01 : f32}
// CHECK-NEXT: return %[[A]]
func.func @attention_op_compare_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %kpos = tfc.constant dense_resource<kpos> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %o = tfc.attention %q, %k, %v, mask %mask {scale = 5.000000e-01 : f32} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

{-#
  dialect_resources: {
    builtin: {
      kpos: "0x080000000000000000000000010000000000000002000000000000000300000000000000"
    }
  }
#-}

// -----

// Near miss: lt(key, query) also masks the diagonal (the first query sees
// no key). Not causal: the select stays a mask.
// CHECK-LABEL: func @strict_lt_stays_masked
// CHECK: %[[C:.*]] = tfc.compare
// CHECK: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @strict_lt_stays_masked(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare lt, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Near miss: le(key, query + 1) lets each query see one key ahead.
// CHECK-LABEL: func @shifted_positions_stay_masked
// CHECK: %[[C:.*]] = tfc.compare
// CHECK: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @shifted_positions_stay_masked(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %qpos1 = tfc.constant dense<[[[[1], [2], [3], [4]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare le, %kpos, %qpos1 : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the key positions are not an arange (keys 2 and 3 swapped).
// CHECK-LABEL: func @non_arange_stays_masked
// CHECK: %[[C:.*]] = tfc.compare
// CHECK: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @non_arange_stays_masked(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 3, 2]]]]> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %u = tfc.where %c, %s, %ninf : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the operands swapped (le(query, key): the upper triangle kept).
// CHECK-LABEL: func @swapped_operands_stay_masked
// CHECK: %[[C:.*]] = tfc.compare
// CHECK: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @swapped_operands_stay_masked(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3]]]]> : tensor<1x1x4x1xi64>
  %c = tfc.compare le, %qpos, %kpos : (tensor<1x1x4x1xi64>, tensor<1x1x1x4xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the query positions are a run-time value.
// CHECK-LABEL: func @runtime_positions_stay_masked
// CHECK: %[[C:.*]] = tfc.compare
// CHECK: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @runtime_positions_stay_masked(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %qpos: tensor<1x1x4x1xi64>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3]]]]> : tensor<1x1x1x4xi64>
  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Size guard: a comparison of more than 2^26 elements is not evaluated. Both
// operands are 0 (le is true everywhere: nothing masked), but the mask stays.
// CHECK-LABEL: func @too_large_stays_masked
// CHECK: tfc.compare
// CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {scale = 1.000000e+00 : f32}
func.func @too_large_stays_masked(%q: tensor<1x2x8208x8xf32>, %k: tensor<1x2x8208x8xf32>, %v: tensor<1x2x8208x8xf32>) -> tensor<1x2x8208x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<0> : tensor<1x1x1x8208xi64>
  %qpos = tfc.constant dense<0> : tensor<1x1x8208x1xi64>
  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x8208xi64>, tensor<1x1x8208x1xi64>) -> tensor<1x1x8208x8208xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x8208x8xf32>, tensor<1x2x8208x8xf32>) -> tensor<1x2x8208x8208xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x8208x8208xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x8208x8208xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x8208x8208xf32>, tensor<1x1x8208x8208xf32>) -> tensor<1x2x8208x8208xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x8208x8208xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x8208x8208xf32>, tensor<1x2x8208x8xf32>) -> tensor<1x2x8208x8xf32>
  return %o : tensor<1x2x8208x8xf32>
}

// -----

// Below the guard, the same all-true comparison drops the mask.
// CHECK-LABEL: func @all_true_drops_mask
// CHECK-NEXT: %[[A:.*]] = tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[A]]
func.func @all_true_drops_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %kpos = tfc.constant dense<0> : tensor<1x1x1x4xi64>
  %qpos = tfc.constant dense<0> : tensor<1x1x4x1xi64>
  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x4xi64>, tensor<1x1x4x1xi64>) -> tensor<1x1x4x4xi1>
  %s = tfc.matmul %q, %k {transpose_rhs = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
  %u = tfc.add %s, %mask : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x2x4x4xf32>
  %o = tfc.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}
