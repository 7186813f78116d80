// tfc-shard-tensor-parallel refuses, at the op, every graph it cannot shard
// exactly.
// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfc-shard-tensor-parallel="ranks=2 rank=0"

// 3 query heads over 2 ranks.
func.func @heads_not_divisible(%x: tensor<1x4x6xf32>) -> tensor<1x4x6xf32> {
  %wq = tfc.parameter "wq" : tensor<6x6xf32>
  %wk = tfc.parameter "wk" : tensor<6x6xf32>
  %wv = tfc.parameter "wv" : tensor<6x6xf32>
  %q = tfc.matmul %x, %wq : (tensor<1x4x6xf32>, tensor<6x6xf32>) -> tensor<1x4x6xf32>
  %q1 = tfc.reshape %q : tensor<1x4x6xf32> to tensor<1x4x3x2xf32>
  %q2 = tfc.transpose %q1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x3x2xf32>) -> tensor<1x3x4x2xf32>
  %k = tfc.matmul %x, %wk : (tensor<1x4x6xf32>, tensor<6x6xf32>) -> tensor<1x4x6xf32>
  %k1 = tfc.reshape %k : tensor<1x4x6xf32> to tensor<1x4x3x2xf32>
  %k2 = tfc.transpose %k1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x3x2xf32>) -> tensor<1x3x4x2xf32>
  %v = tfc.matmul %x, %wv : (tensor<1x4x6xf32>, tensor<6x6xf32>) -> tensor<1x4x6xf32>
  %v1 = tfc.reshape %v : tensor<1x4x6xf32> to tensor<1x4x3x2xf32>
  %v2 = tfc.transpose %v1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x3x2xf32>) -> tensor<1x3x4x2xf32>
  // expected-error @+1 {{query head count 3 is not divisible by 2 ranks; tensor parallelism splits attention by heads}}
  %a = tfc.attention %q2, %k2, %v2 {causal = true, scale = 0.707 : f32} : (tensor<1x3x4x2xf32>, tensor<1x3x4x2xf32>, tensor<1x3x4x2xf32>) -> tensor<1x3x4x2xf32>
  %a1 = tfc.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x3x4x2xf32>) -> tensor<1x4x3x2xf32>
  %a2 = tfc.reshape %a1 : tensor<1x4x3x2xf32> to tensor<1x4x6xf32>
  return %a2 : tensor<1x4x6xf32>
}

// -----

// 6 query heads, 3 key/value heads: 3 is neither a multiple of 2 nor a
// divisor of 2.
func.func @kv_heads_neither(%q: tensor<1x6x4x2xf32>, %k: tensor<1x3x4x2xf32>, %v: tensor<1x3x4x2xf32>) -> tensor<1x6x4x2xf32> {
  // expected-error @+1 {{key/value head count 3 can be neither split over 2 ranks (not divisible) nor replicated (2 is not a multiple of it)}}
  %a = tfc.attention %q, %k, %v {scale = 0.707 : f32} : (tensor<1x6x4x2xf32>, tensor<1x3x4x2xf32>, tensor<1x3x4x2xf32>) -> tensor<1x6x4x2xf32>
  return %a : tensor<1x6x4x2xf32>
}

// -----

func.func @alibi(%q: tensor<1x4x4x2xf32>, %k: tensor<1x4x4x2xf32>, %v: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{ALiBi biases depend on the global head index; tensor parallelism does not split ALiBi attention}}
  %a = tfc.attention %q, %k, %v {scale = 0.707 : f32, alibi = true} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %a : tensor<1x4x4x2xf32>
}

// -----

func.func @mask_per_head(%q: tensor<1x4x4x2xf32>, %k: tensor<1x4x4x2xf32>, %v: tensor<1x4x4x2xf32>, %m: tensor<1x4x4x4xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{the attention mask has 4 heads; tensor parallelism only splits attention whose mask is shared by all heads}}
  %a = tfc.attention %q, %k, %v, mask %m {scale = 0.707 : f32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x2xf32>
  return %a : tensor<1x4x4x2xf32>
}

// -----

// The query is a function argument, not a projection.
func.func @query_not_projected(%q: tensor<1x4x4x2xf32>, %k: tensor<1x4x4x2xf32>, %v: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  // expected-error @+1 {{the query does not come from a projection by a weight (through reshape, transpose, rope or a bias add); tensor parallelism cannot split its heads}}
  %a = tfc.attention %q, %k, %v {scale = 0.707 : f32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %a : tensor<1x4x4x2xf32>
}

// -----

// The attention result is returned instead of projected.
func.func @output_not_projected(%x: tensor<1x4x4xf32>) -> tensor<1x2x4x2xf32> {
  %w = tfc.parameter "w" : tensor<4x4xf32>
  %q = tfc.matmul %x, %w : (tensor<1x4x4xf32>, tensor<4x4xf32>) -> tensor<1x4x4xf32>
  %q1 = tfc.reshape %q : tensor<1x4x4xf32> to tensor<1x4x2x2xf32>
  %q2 = tfc.transpose %q1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x4x2xf32>
  // expected-error @+1 {{the attention output does not reach a projection by a weight through transpose and reshape only; tensor parallelism needs one to split by rows}}
  %a = tfc.attention %q2, %q2, %q2 {scale = 0.707 : f32} : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x2xf32>
  return %a : tensor<1x2x4x2xf32>
}

// -----

func.func @mlp_width_not_divisible(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %wu = tfc.parameter "wu" : tensor<8x5xf32>
  %wd = tfc.parameter "wd" : tensor<5x8xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x5xf32>) -> tensor<1x4x5xf32>
  %r = tfc.relu %u : tensor<1x4x5xf32>
  // expected-error @+1 {{feed-forward width 5 is not divisible by 2 ranks; tensor parallelism splits the MLP by columns}}
  %d = tfc.matmul %r, %wd : (tensor<1x4x5xf32>, tensor<5x8xf32>) -> tensor<1x4x8xf32>
  return %d : tensor<1x4x8xf32>
}

// -----

// A softmax reads the split MLP activation.
func.func @unknown_op_reads_split(%x: tensor<1x4x8xf32>) -> (tensor<1x4x8xf32>, tensor<1x4x16xf32>) {
  %wu = tfc.parameter "wu" : tensor<8x16xf32>
  %wd = tfc.parameter "wd" : tensor<16x8xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %r = tfc.relu %u : tensor<1x4x16xf32>
  %d = tfc.matmul %r, %wd : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  // expected-error @+1 {{'tfc.softmax' reads a value split across 2 ranks (axis 2, 8 of 16 per rank) and tensor parallelism does not know how to split this op}}
  %s = tfc.softmax %r {axis = 2 : i64} : tensor<1x4x16xf32>
  return %d, %s : tensor<1x4x8xf32>, tensor<1x4x16xf32>
}

// -----

// A split activation is returned.
func.func @split_result(%x: tensor<1x4x8xf32>) -> (tensor<1x4x8xf32>, tensor<1x4x16xf32>) {
  %wu = tfc.parameter "wu" : tensor<8x16xf32>
  %wd = tfc.parameter "wd" : tensor<16x8xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %r = tfc.relu %u : tensor<1x4x16xf32>
  %d = tfc.matmul %r, %wd : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  // expected-error @+1 {{function result is split across 2 ranks (axis 2); tensor parallelism only returns replicated values}}
  return %d, %r : tensor<1x4x8xf32>, tensor<1x4x16xf32>
}

// -----

// A split activation meets a replicated one that spans the split axis.
func.func @replicated_spans_split(%x: tensor<1x4x8xf32>, %y: tensor<1x4x16xf32>) -> (tensor<1x4x8xf32>, tensor<1x4x16xf32>) {
  %wu = tfc.parameter "wu" : tensor<8x16xf32>
  %wd = tfc.parameter "wd" : tensor<16x8xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %r = tfc.relu %u : tensor<1x4x16xf32>
  %d = tfc.matmul %r, %wd : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  // expected-error @+1 {{'tfc.add' reads a value split across 2 ranks (axis 2, 8 of 16 per rank) and tensor parallelism does not know how to split this op: operand 1 is replicated and spans the split axis}}
  %s = tfc.add %r, %y : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  return %d, %s : tensor<1x4x8xf32>, tensor<1x4x16xf32>
}
