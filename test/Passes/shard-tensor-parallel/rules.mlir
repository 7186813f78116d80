// tfc-shard-tensor-parallel: the Megatron layout, one rule per function.
// R2 is rank 1 of 2 ranks (heads and key/value heads split), R4 rank 3 of 4
// (4 query heads split, the 2 key/value heads replicated: ranks 2 and 3 both
// keep key/value head 1).
// RUN: tfc-opt %s -split-input-file --tfc-shard-tensor-parallel="ranks=2 rank=1" | FileCheck %s --check-prefixes=CHECK,R2
// RUN: tfc-opt %s -split-input-file --tfc-shard-tensor-parallel="ranks=4 rank=3" | FileCheck %s --check-prefixes=CHECK,R4
// RUN: tfc-opt %s -split-input-file --tfc-shard-tensor-parallel="ranks=1" | FileCheck %s --check-prefix=ONE

// Attention block with GQA (4 query heads, 2 key/value heads, head dim 2):
// Q/K/V split by columns (heads), RoPE and attention on the local heads,
// the output projection split by rows and all-reduced before the residual.
// R2: module attributes {tfc.tensor_parallel = {rank = 1 : i64, ranks = 2 : i64}}
// R4: module attributes {tfc.tensor_parallel = {rank = 3 : i64, ranks = 4 : i64}}
// CHECK-LABEL: func @attention_block
// ONE-LABEL: func @attention_block
// ONE-NOT: tfc.all_reduce
// ONE-NOT: tfc.shard
// R2-DAG: %[[WQ:.*]] = tfc.parameter "wq" {tfc.shard = array<i64: 1, 4, 4>} : tensor<8x4xf32>
// R2-DAG: %[[WK:.*]] = tfc.parameter "wk" {tfc.shard = array<i64: 1, 2, 2>} : tensor<8x2xf32>
// R2-DAG: %[[WV:.*]] = tfc.parameter "wv" {tfc.shard = array<i64: 1, 2, 2>} : tensor<8x2xf32>
// R2-DAG: %[[WO:.*]] = tfc.parameter "wo" {tfc.shard = array<i64: 0, 4, 4>} : tensor<4x8xf32>
// R4-DAG: %[[WQ:.*]] = tfc.parameter "wq" {tfc.shard = array<i64: 1, 6, 2>} : tensor<8x2xf32>
// R4-DAG: %[[WK:.*]] = tfc.parameter "wk" {tfc.shard = array<i64: 1, 2, 2>} : tensor<8x2xf32>
// R4-DAG: %[[WV:.*]] = tfc.parameter "wv" {tfc.shard = array<i64: 1, 2, 2>} : tensor<8x2xf32>
// R4-DAG: %[[WO:.*]] = tfc.parameter "wo" {tfc.shard = array<i64: 0, 6, 2>} : tensor<2x8xf32>
// R2: %[[Q:.*]] = tfc.matmul %{{.*}}, %[[WQ]] : (tensor<1x4x8xf32>, tensor<8x4xf32>) -> tensor<1x4x4xf32>
// R2: tfc.reshape %[[Q]] : tensor<1x4x4xf32> to tensor<1x4x2x2xf32>
// R2: tfc.rope {{.*}} -> tensor<1x2x4x2xf32>
// R2: tfc.matmul %{{.*}}, %[[WK]] : (tensor<1x4x8xf32>, tensor<8x2xf32>) -> tensor<1x4x2xf32>
// R2: tfc.rope {{.*}} -> tensor<1x1x4x2xf32>
// R2: %[[ATT:.*]] = tfc.attention {{.*}} : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<1x2x4x2xf32>
// R2: tfc.reshape %{{.*}} : tensor<1x4x2x2xf32> to tensor<1x4x4xf32>
// R2: %[[P:.*]] = tfc.matmul %{{.*}}, %[[WO]] : (tensor<1x4x4xf32>, tensor<4x8xf32>) -> tensor<1x4x8xf32>
// R4: tfc.attention {{.*}} : (tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<1x1x4x2xf32>
// R4: %[[P:.*]] = tfc.matmul %{{.*}}, %[[WO]] : (tensor<1x4x2xf32>, tensor<2x8xf32>) -> tensor<1x4x8xf32>
// R2: %[[SUM:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<1x4x8xf32>
// R4: %[[SUM:.*]] = tfc.all_reduce %[[P]] {ranks = 4 : i64} : tensor<1x4x8xf32>
// CHECK: %[[RES:.*]] = tfc.add %{{.*}}, %[[SUM]]
// CHECK: return %[[RES]]
func.func @attention_block(%x: tensor<1x4x8xf32>, %cos: tensor<1x1x4x2xf32>, %sin: tensor<1x1x4x2xf32>) -> tensor<1x4x8xf32> {
  %wq = tfc.parameter "wq" : tensor<8x8xf32>
  %wk = tfc.parameter "wk" : tensor<8x4xf32>
  %wv = tfc.parameter "wv" : tensor<8x4xf32>
  %wo = tfc.parameter "wo" : tensor<8x8xf32>
  %q = tfc.matmul %x, %wq : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
  %q1 = tfc.reshape %q : tensor<1x4x8xf32> to tensor<1x4x4x2xf32>
  %q2 = tfc.transpose %q1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %q3 = tfc.rope %q2, %cos, %sin : (tensor<1x4x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<1x4x4x2xf32>
  %k = tfc.matmul %x, %wk : (tensor<1x4x8xf32>, tensor<8x4xf32>) -> tensor<1x4x4xf32>
  %k1 = tfc.reshape %k : tensor<1x4x4xf32> to tensor<1x4x2x2xf32>
  %k2 = tfc.transpose %k1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x4x2xf32>
  %k3 = tfc.rope %k2, %cos, %sin : (tensor<1x2x4x2xf32>, tensor<1x1x4x2xf32>, tensor<1x1x4x2xf32>) -> tensor<1x2x4x2xf32>
  %v = tfc.matmul %x, %wv : (tensor<1x4x8xf32>, tensor<8x4xf32>) -> tensor<1x4x4xf32>
  %v1 = tfc.reshape %v : tensor<1x4x4xf32> to tensor<1x4x2x2xf32>
  %v2 = tfc.transpose %v1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x4x2xf32>
  %a = tfc.attention %q3, %k3, %v2 {causal = true, scale = 0.707 : f32} : (tensor<1x4x4x2xf32>, tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x4x4x2xf32>
  %a1 = tfc.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %a2 = tfc.reshape %a1 : tensor<1x4x4x2xf32> to tensor<1x4x8xf32>
  %o = tfc.matmul %a2, %wo : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
  %r = tfc.add %x, %o : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %r : tensor<1x4x8xf32>
}

// -----

// SwiGLU MLP: gate and up split by columns, down by rows + all-reduce.
// CHECK-LABEL: func @swiglu_mlp
// R2-DAG: %[[WG:.*]] = tfc.parameter "wg" {tfc.shard = array<i64: 1, 8, 8>} : tensor<8x8xf32>
// R2-DAG: %[[WU:.*]] = tfc.parameter "wu" {tfc.shard = array<i64: 1, 8, 8>} : tensor<8x8xf32>
// R2-DAG: %[[WD:.*]] = tfc.parameter "wd" {tfc.shard = array<i64: 0, 8, 8>} : tensor<8x8xf32>
// R4-DAG: %[[WD:.*]] = tfc.parameter "wd" {tfc.shard = array<i64: 0, 12, 4>} : tensor<4x8xf32>
// R2: %[[G:.*]] = tfc.matmul %{{.*}}, %[[WG]] : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
// R2: %[[S:.*]] = tfc.silu %[[G]] : tensor<1x4x8xf32>
// R2: %[[U:.*]] = tfc.matmul %{{.*}}, %[[WU]]
// R2: %[[M:.*]] = tfc.mul %[[S]], %[[U]] : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
// R2: %[[D:.*]] = tfc.matmul %[[M]], %[[WD]] : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
// R4: %[[D:.*]] = tfc.matmul %{{.*}}, %[[WD]] : (tensor<1x4x4xf32>, tensor<4x8xf32>) -> tensor<1x4x8xf32>
// CHECK: %[[SUM:.*]] = tfc.all_reduce %[[D]]
// CHECK: return %[[SUM]]
func.func @swiglu_mlp(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %wg = tfc.parameter "wg" : tensor<8x16xf32>
  %wu = tfc.parameter "wu" : tensor<8x16xf32>
  %wd = tfc.parameter "wd" : tensor<16x8xf32>
  %g = tfc.matmul %x, %wg : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %s = tfc.silu %g : tensor<1x4x16xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %m = tfc.mul %s, %u : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %d = tfc.matmul %m, %wd : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  return %d : tensor<1x4x8xf32>
}

// -----

// GELU MLP with biases and a transposed weight ([N, K], transpose_rhs):
// the up bias is sliced with the columns, the down bias is added once,
// after the all-reduce.
// CHECK-LABEL: func @gelu_mlp_bias
// R2-DAG: %[[W1:.*]] = tfc.parameter "w1" {tfc.shard = array<i64: 0, 8, 8>} : tensor<8x8xf32>
// R2-DAG: %[[B1:.*]] = tfc.parameter "b1" {tfc.shard = array<i64: 0, 8, 8>} : tensor<8xf32>
// R2-DAG: %[[W2:.*]] = tfc.parameter "w2" {tfc.shard = array<i64: 0, 8, 8>} : tensor<8x8xf32>
// R2-DAG: %[[B2:.*]] = tfc.parameter "b2" : tensor<8xf32>
// R2: %[[H:.*]] = tfc.matmul %{{.*}}, %[[W1]] {transpose_rhs = true} : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
// R2: tfc.add %[[H]], %[[B1]] : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
// R2: %[[D:.*]] = tfc.matmul %{{.*}}, %[[W2]]
// R2: %[[SUM:.*]] = tfc.all_reduce %[[D]]
// R2: tfc.add %[[SUM]], %[[B2]] : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
func.func @gelu_mlp_bias(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %w1 = tfc.parameter "w1" : tensor<16x8xf32>
  %b1 = tfc.parameter "b1" : tensor<16xf32>
  %w2 = tfc.parameter "w2" : tensor<16x8xf32>
  %b2 = tfc.parameter "b2" : tensor<8xf32>
  %h = tfc.matmul %x, %w1 {transpose_rhs = true} : (tensor<1x4x8xf32>, tensor<16x8xf32>) -> tensor<1x4x16xf32>
  %hb = tfc.add %h, %b1 : (tensor<1x4x16xf32>, tensor<16xf32>) -> tensor<1x4x16xf32>
  %g = tfc.gelu %hb approximate = tanh : tensor<1x4x16xf32>
  %d = tfc.matmul %g, %w2 : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  %db = tfc.add %d, %b2 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return %db : tensor<1x4x8xf32>
}

// -----

// Embedding, norms and the LM head stay replicated: nothing changes.
// CHECK-LABEL: func @replicated_embedding_norm_lm_head
// CHECK-NOT: tfc.shard
// CHECK-NOT: tfc.all_reduce
// CHECK: tfc.gather {{.*}} -> tensor<1x4x8xf32>
// CHECK: tfc.rms_norm
// CHECK: tfc.matmul {{.*}} -> tensor<1x4x32xf32>
func.func @replicated_embedding_norm_lm_head(%ids: tensor<1x4xi64>) -> tensor<1x4x32xf32> {
  %emb = tfc.parameter "emb" : tensor<32x8xf32>
  %g = tfc.parameter "norm" : tensor<8xf32>
  %lm = tfc.parameter "lm_head" : tensor<8x32xf32>
  %e = tfc.gather %emb, %ids {axis = 0 : i64} : (tensor<32x8xf32>, tensor<1x4xi64>) -> tensor<1x4x8xf32>
  %n = tfc.rms_norm %e, %g {axis = 2 : i64, epsilon = 1.0e-06 : f32} : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %l = tfc.matmul %n, %lm : (tensor<1x4x8xf32>, tensor<8x32xf32>) -> tensor<1x4x32xf32>
  return %l : tensor<1x4x32xf32>
}

// -----

// Inline weights are sliced now: columns 8..15 of rows 0 and 1 (rank 1 of
// 2), 12..15 (rank 3 of 4); the down projection's rows likewise.
// CHECK-LABEL: func @inline_weight_data
// R2-DAG: tfc.parameter "up" = dense<{{\[}}[8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01], [2.400000e+01, 2.500000e+01, 2.600000e+01, 2.700000e+01, 2.800000e+01, 2.900000e+01, 3.000000e+01, 3.100000e+01]]> : tensor<2x8xf32> {tfc.shard = array<i64: 1, 8, 8>} : tensor<2x8xf32>
// R4-DAG: tfc.parameter "up" = dense<{{\[}}[1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01], [2.800000e+01, 2.900000e+01, 3.000000e+01, 3.100000e+01]]> : tensor<2x4xf32> {tfc.shard = array<i64: 1, 12, 4>} : tensor<2x4xf32>
// R4-DAG: tfc.parameter "down" = dense<{{\[}}[2.400000e+01, 2.500000e+01], [2.600000e+01, 2.700000e+01], [2.800000e+01, 2.900000e+01], [3.000000e+01, 3.100000e+01]]> : tensor<4x2xf32> {tfc.shard = array<i64: 0, 12, 4>} : tensor<4x2xf32>
func.func @inline_weight_data(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %up = tfc.parameter "up" = dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
                                    [16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0]]> : tensor<2x16xf32> : tensor<2x16xf32>
  %down = tfc.parameter "down" = dense<[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0],
                                        [16.0, 17.0], [18.0, 19.0], [20.0, 21.0], [22.0, 23.0], [24.0, 25.0], [26.0, 27.0], [28.0, 29.0], [30.0, 31.0]]> : tensor<16x2xf32> : tensor<16x2xf32>
  %h = tfc.matmul %x, %up : (tensor<3x2xf32>, tensor<2x16xf32>) -> tensor<3x16xf32>
  %r = tfc.relu %h : tensor<3x16xf32>
  %d = tfc.matmul %r, %down : (tensor<3x16xf32>, tensor<16x2xf32>) -> tensor<3x2xf32>
  return %d : tensor<3x2xf32>
}

// -----

// The raised SwiGLU (tfc.swiglu) is split with its gate and up projections.
// CHECK-LABEL: func @raised_swiglu
// R2: %[[G:.*]] = tfc.matmul {{.*}} -> tensor<1x4x8xf32>
// R2: %[[U:.*]] = tfc.matmul {{.*}} -> tensor<1x4x8xf32>
// R2: %[[S:.*]] = tfc.swiglu %[[G]], %[[U]] : tensor<1x4x8xf32>
// R2: %[[D:.*]] = tfc.matmul %[[S]], %{{.*}} : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
// R2: tfc.all_reduce %[[D]]
// R4: tfc.swiglu %{{.*}}, %{{.*}} : tensor<1x4x4xf32>
func.func @raised_swiglu(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %wg = tfc.parameter "wg" : tensor<8x16xf32>
  %wu = tfc.parameter "wu" : tensor<8x16xf32>
  %wd = tfc.parameter "wd" : tensor<16x8xf32>
  %g = tfc.matmul %x, %wg : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %s = tfc.swiglu %g, %u : tensor<1x4x16xf32>
  %d = tfc.matmul %s, %wd : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  return %d : tensor<1x4x8xf32>
}
