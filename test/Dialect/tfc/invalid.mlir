// Every verifier and type-inference error of the tfc ops. Errors found by type
// inference are followed by "failed to infer returned types".
// RUN: tfc-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

func.func @add_not_broadcastable(%a: tensor<2x4xf32>, %b: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{operands of tfc.add do not broadcast: operand 1 of type tensor<3xf32> against shape [2, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.add %a, %b : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @mul_element_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+2 {{operands of tfc.mul have different element types: f32 and f16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.mul %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @add_wrong_result_type(%a: tensor<2x4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tfc.add' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.add %a, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @and_not_i1(%a: tensor<4xi8>, %b: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+2 {{tfc.and expects i1 operands, got i8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.and %a, %b : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @or_not_i1(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.or expects i1 operands, got f32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.or %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @compare_element_type_mismatch(%a: tensor<4xf32>, %b: tensor<4xi32>) -> tensor<4xi1> {
  // expected-error @+2 {{operands of tfc.compare have different element types: f32 and i32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.compare eq, %a, %b : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @compare_not_broadcastable(%a: tensor<4xf32>, %b: tensor<5xf32>) -> tensor<4xi1> {
  // expected-error @+2 {{operands of tfc.compare do not broadcast: operand 1 of type tensor<5xf32> against shape [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.compare eq, %a, %b : (tensor<4xf32>, tensor<5xf32>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @where_branch_types_differ(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xbf16>) -> tensor<4xf32> {
  // expected-error @+2 {{operands of tfc.where have different element types: f32 and bf16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xbf16>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @where_not_broadcastable(%c: tensor<3x4xi1>, %a: tensor<4xf32>, %b: tensor<2x1xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{operands of tfc.where do not broadcast: operand 2 of type tensor<2x1xf32> against shape [3, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.where %c, %a, %b : (tensor<3x4xi1>, tensor<4xf32>, tensor<2x1xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @cast_shape_change(%x: tensor<4xf32>) -> tensor<8xf16> {
  // expected-error @+1 {{'tfc.cast' op requires the same shape for all operands and results}}
  %0 = tfc.cast %x : tensor<4xf32> to tensor<8xf16>
  return %0 : tensor<8xf16>
}

// -----

func.func @exp_of_integer(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'tfc.exp' op operand #0 must be ranked tensor of floating-point values}}
  %0 = tfc.exp %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

//===----------------------------------------------------------------------===//
// Reductions and normalisations
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_axis_out_of_range(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.reduce axis 2 is out of range for rank 2 (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.reduce sum %x {axes = array<i64: 2>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_negative_axis(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.reduce axis -1 is out of range for rank 2 (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.reduce sum %x {axes = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_axes_not_increasing(%x: tensor<4x8x2xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.reduce axes must be strictly increasing, got 2 then 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.reduce max %x {axes = array<i64: 2, 1>} : (tensor<4x8x2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_axes_repeated(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.reduce axes must be strictly increasing, got 1 then 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.reduce max %x {axes = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_axes_empty(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{tfc.reduce axes is empty; expected at least one axis}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.reduce sum %x {axes = array<i64>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @softmax_axis_out_of_range(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{tfc.softmax axis 2 is out of range for rank 2 (expected 0 <= axis < 2)}}
  %0 = tfc.softmax %x {axis = 2 : i64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @softmax_negative_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{tfc.softmax axis -1 is out of range for rank 2 (expected 0 <= axis < 2)}}
  %0 = tfc.softmax %x {axis = -1 : i64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @layer_norm_axis_out_of_range(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.layer_norm axis 2 is out of range for rank 2 (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.layer_norm %x {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<2x8x64xf32>, %g: tensor<8x64xf32>) -> tensor<2x8x64xf32> {
  // expected-error @+2 {{tfc.layer_norm scale of type tensor<8x64xf32> does not match the normalised dimensions [64] of the input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.layer_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8x64xf32>, tensor<8x64xf32>) -> tensor<2x8x64xf32>
  return %0 : tensor<2x8x64xf32>
}

// -----

func.func @layer_norm_bias_shape(%x: tensor<2x64xf32>, %g: tensor<64xf32>, %b: tensor<32xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.layer_norm bias of type tensor<32xf32> does not match the normalised dimensions [64] of the input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x64xf32>, tensor<64xf32>, tensor<32xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @layer_norm_scale_element_type(%x: tensor<2x64xf32>, %g: tensor<64xf16>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.layer_norm scale element type f16 differs from the input's f32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x64xf32>, tensor<64xf16>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

// The custom form prints a lone bias as a scale, so a bias needs a scale.
func.func @layer_norm_bias_without_scale(%x: tensor<2x64xf32>, %b: tensor<64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.layer_norm has a bias but no scale; expected a scale whenever a bias is given}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tfc.layer_norm"(%x, %b) <{axis = 1 : i64, epsilon = 1.0e-05 : f32, operandSegmentSizes = array<i32: 1, 0, 1>}> : (tensor<2x64xf32>, tensor<64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @layer_norm_negative_epsilon(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.layer_norm epsilon must be non-negative, got -1.000000e+00}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.layer_norm %x {axis = 1 : i64, epsilon = -1.0 : f32} : (tensor<2x64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @rms_norm_negative_epsilon(%x: tensor<2x64xf32>, %g: tensor<64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.rms_norm epsilon must be non-negative, got -1.000000e-06}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rms_norm %x, %g {axis = 1 : i64, epsilon = -1.0e-06 : f32} : (tensor<2x64xf32>, tensor<64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @rms_norm_nan_epsilon(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.rms_norm epsilon must be non-negative, got nan}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rms_norm %x {axis = 1 : i64, epsilon = 0x7FC00000 : f32} : (tensor<2x64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @rms_norm_axis_out_of_range(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.rms_norm axis 3 is out of range for rank 2 (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rms_norm %x {axis = 3 : i64, epsilon = 1.0e-06 : f32} : (tensor<2x64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

// -----

func.func @rms_norm_scale_shape(%x: tensor<2x64xf32>, %g: tensor<2x64xf32>) -> tensor<2x64xf32> {
  // expected-error @+2 {{tfc.rms_norm scale of type tensor<2x64xf32> does not match the normalised dimensions [64] of the input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<2x64xf32>, tensor<2x64xf32>) -> tensor<2x64xf32>
  return %0 : tensor<2x64xf32>
}

//===----------------------------------------------------------------------===//
// Matrix ops
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_k_mismatch(%a: tensor<4x8xf32>, %b: tensor<16x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{tfc.matmul contraction sizes differ: lhs tensor<4x8xf32> has K = 8, rhs tensor<16x2xf32> has K = 16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.matmul %a, %b : (tensor<4x8xf32>, tensor<16x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// With transpose_rhs the rhs is [N, K]: K is its last dimension.
func.func @matmul_k_mismatch_transposed(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{tfc.matmul contraction sizes differ: lhs tensor<4x8xf32> has K = 8, rhs tensor<8x2xf32> has K = 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.matmul %a, %b {transpose_rhs = true} : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @matmul_rank_1(%a: tensor<8xf32>, %b: tensor<8x2xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{tfc.matmul operands need rank 2 or more, got tensor<8xf32> and tensor<8x2xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.matmul %a, %b : (tensor<8xf32>, tensor<8x2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<3x4x8xf32>, %b: tensor<2x8x2xf32>) -> tensor<3x4x2xf32> {
  // expected-error @+2 {{tfc.matmul batch dimensions of tensor<3x4x8xf32> and tensor<2x8x2xf32> do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.matmul %a, %b : (tensor<3x4x8xf32>, tensor<2x8x2xf32>) -> tensor<3x4x2xf32>
  return %0 : tensor<3x4x2xf32>
}

// -----

func.func @matmul_element_type_mismatch(%a: tensor<4x8xf16>, %b: tensor<8x2xbf16>) -> tensor<4x2xf16> {
  // expected-error @+2 {{operands of tfc.matmul have different element types: f16 and bf16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.matmul %a, %b : (tensor<4x8xf16>, tensor<8x2xbf16>) -> tensor<4x2xf16>
  return %0 : tensor<4x2xf16>
}

// -----

func.func @matmul_integer_accumulator_for_floats(%a: tensor<4x8xf16>, %b: tensor<8x2xf16>) -> tensor<4x2xf16> {
  // expected-error @+1 {{'tfc.matmul' op accumulator_type 'i32' does not suit operands of element type 'f16'; expected a float type}}
  %0 = tfc.matmul %a, %b {accumulator_type = i32} : (tensor<4x8xf16>, tensor<8x2xf16>) -> tensor<4x2xf16>
  return %0 : tensor<4x2xf16>
}

// -----

func.func @matmul_float_accumulator_for_integers(%a: tensor<4x8xi8>, %b: tensor<8x2xi8>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'tfc.matmul' op accumulator_type 'f32' does not suit operands of element type 'i8'; expected an integer type}}
  %0 = tfc.matmul %a, %b {accumulator_type = f32} : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// -----

func.func @matmul_index_accumulator(%a: tensor<4x8xi8>, %b: tensor<8x2xi8>) -> tensor<4x2xi8> {
  // expected-error @+1 {{'tfc.matmul' op accumulator_type 'index' does not suit operands of element type 'i8'; expected an integer type}}
  %0 = tfc.matmul %a, %b {accumulator_type = index} : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// -----

func.func @attention_query_rank(%q: tensor<8x32x64xf32>, %k: tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention query must be [batch, heads, seq, head_dim], got tensor<8x32x64xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %k {scale = 1.0 : f32} : (tensor<8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_key_rank(%q: tensor<1x8x32x64xf32>, %k: tensor<1x1x8x32x64xf32>, %v: tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention key must be [batch, heads, seq, head_dim], got tensor<1x1x8x32x64xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %v {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x1x8x32x64xf32>, tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_value_rank(%q: tensor<1x8x32x64xf32>, %v: tensor<32x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention value must be [batch, heads, seq, head_dim], got tensor<32x64xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %q, %v {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_element_types(%q: tensor<1x8x32x64xf32>, %k: tensor<1x8x32x64xf16>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention query, key and value element types differ: f32, f16 and f32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %q {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf16>, tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_batch(%q: tensor<1x8x32x64xf32>, %k: tensor<2x8x32x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention batch sizes differ: query 1, key 2, value 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %k {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<2x8x32x64xf32>, tensor<2x8x32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_head_dim(%q: tensor<1x8x32x64xf32>, %k: tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32> {
  // expected-error @+2 {{tfc.attention key head_dim 32 differs from query head_dim 64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %k {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x32xf32>, tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32>
  return %0 : tensor<1x8x32x32xf32>
}

// -----

func.func @attention_value_seq(%q: tensor<1x8x32x64xf32>, %v: tensor<1x8x16x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention value tensor<1x8x16x64xf32> does not match key tensor<1x8x32x64xf32> in heads and sequence length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %q, %v {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x16x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_gqa_not_divisible(%q: tensor<1x6x32x64xf32>, %k: tensor<1x4x32x64xf32>) -> tensor<1x6x32x64xf32> {
  // expected-error @+2 {{tfc.attention query heads 6 are not a multiple of key/value heads 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %k {scale = 1.0 : f32} : (tensor<1x6x32x64xf32>, tensor<1x4x32x64xf32>, tensor<1x4x32x64xf32>) -> tensor<1x6x32x64xf32>
  return %0 : tensor<1x6x32x64xf32>
}

// -----

// Zero key/value heads used to divide by zero in type inference.
func.func @attention_zero_kv_heads(%q: tensor<1x4x8x16xf32>, %k: tensor<1x0x8x16xf32>) -> tensor<1x4x8x16xf32> {
  // expected-error @+2 {{tfc.attention query heads 4 are not a multiple of key/value heads 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %k {scale = 1.0 : f32} : (tensor<1x4x8x16xf32>, tensor<1x0x8x16xf32>, tensor<1x0x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %0 : tensor<1x4x8x16xf32>
}

// -----

func.func @attention_negative_window(%q: tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention window must be >= 0, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %q, %q {scale = 1.0 : f32, window = -1 : i64} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_mask_not_broadcastable(%q: tensor<1x8x32x64xf32>, %m: tensor<1x1x32x16xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention mask tensor<1x1x32x16xf32> does not broadcast to the scores [1, 8, 32, 32]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %q, %q, mask %m {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x1x32x16xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

// A mask may only stretch to the scores, never stretch them.
func.func @attention_mask_too_large(%q: tensor<1x8x1x64xf32>, %k: tensor<1x8x32x64xf32>, %m: tensor<1x1x4x32xf32>) -> tensor<1x8x1x64xf32> {
  // expected-error @+2 {{tfc.attention mask tensor<1x1x4x32xf32> does not broadcast to the scores [1, 8, 1, 32]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %k, %k, mask %m {scale = 1.0 : f32} : (tensor<1x8x1x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x1x4x32xf32>) -> tensor<1x8x1x64xf32>
  return %0 : tensor<1x8x1x64xf32>
}

// -----

func.func @attention_mask_rank_5(%q: tensor<1x8x32x64xf32>, %m: tensor<1x1x8x32x32xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.attention mask tensor<1x1x8x32x32xf32> does not broadcast to the scores [1, 8, 32, 32]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %q, %q, mask %m {scale = 1.0 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x1x8x32x32xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

func.func @attention_mask_element_type(%q: tensor<1x8x32x64xf16>, %m: tensor<32x32xf32>) -> tensor<1x8x32x64xf16> {
  // expected-error @+2 {{tfc.attention mask element type f32 differs from the query's f16}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.attention %q, %q, %q, mask %m {scale = 1.0 : f32} : (tensor<1x8x32x64xf16>, tensor<1x8x32x64xf16>, tensor<1x8x32x64xf16>, tensor<32x32xf32>) -> tensor<1x8x32x64xf16>
  return %0 : tensor<1x8x32x64xf16>
}

// -----

func.func @rope_odd_last_dim(%x: tensor<8x63xf32>, %c: tensor<8x63xf32>) -> tensor<8x63xf32> {
  // expected-error @+2 {{tfc.rope needs an even last dimension, got tensor<8x63xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rope %x, %c, %c : (tensor<8x63xf32>, tensor<8x63xf32>, tensor<8x63xf32>) -> tensor<8x63xf32>
  return %0 : tensor<8x63xf32>
}

// -----

func.func @rope_rank_0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+2 {{tfc.rope needs an even last dimension, got tensor<f32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rope %x, %x, %x : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @rope_cos_shape(%x: tensor<1x8x32x64xf32>, %c: tensor<16x64xf32>, %s: tensor<32x64xf32>) -> tensor<1x8x32x64xf32> {
  // expected-error @+2 {{tfc.rope cos tensor<16x64xf32> does not broadcast to the input tensor<1x8x32x64xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rope %x, %c, %s : (tensor<1x8x32x64xf32>, tensor<16x64xf32>, tensor<32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0 : tensor<1x8x32x64xf32>
}

// -----

// sin must not stretch the input: [2, 32, 64] would broadcast [1, 32, 64] up.
func.func @rope_sin_larger_than_input(%x: tensor<1x32x64xf32>, %c: tensor<32x64xf32>, %s: tensor<2x32x64xf32>) -> tensor<1x32x64xf32> {
  // expected-error @+2 {{tfc.rope sin tensor<2x32x64xf32> does not broadcast to the input tensor<1x32x64xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rope %x, %c, %s : (tensor<1x32x64xf32>, tensor<32x64xf32>, tensor<2x32x64xf32>) -> tensor<1x32x64xf32>
  return %0 : tensor<1x32x64xf32>
}

// -----

func.func @rope_cos_element_type(%x: tensor<32x64xf32>, %c: tensor<32x64xf16>) -> tensor<32x64xf32> {
  // expected-error @+2 {{tfc.rope cos element type f16 differs from the input's f32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.rope %x, %c, %x : (tensor<32x64xf32>, tensor<32x64xf16>, tensor<32x64xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

// -----

func.func @transpose_wrong_length(%x: tensor<2x3x4xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{tfc.transpose permutation has 2 entries for an input of rank 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_repeated_entry(%x: tensor<2x3x4xf32>) -> tensor<3x3x4xf32> {
  // expected-error @+2 {{tfc.transpose permutation [1, 1, 2] is not a permutation of 0..2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.transpose %x {permutation = array<i64: 1, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<3x3x4xf32>
  return %0 : tensor<3x3x4xf32>
}

// -----

func.func @transpose_entry_out_of_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{tfc.transpose permutation [2, 0] is not a permutation of 0..1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.transpose %x {permutation = array<i64: 2, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_element_count(%x: tensor<3x4xf32>) -> tensor<5x2xf32> {
  // expected-error @+1 {{'tfc.reshape' op input has 12 elements but the result type 'tensor<5x2xf32>' has 10}}
  %0 = tfc.reshape %x : tensor<3x4xf32> to tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

func.func @reshape_element_type(%x: tensor<3x4xf32>) -> tensor<12xf16> {
  // expected-error @+1 {{'tfc.reshape' op changes the element type from 'f32' to 'f16'}}
  %0 = tfc.reshape %x : tensor<3x4xf32> to tensor<12xf16>
  return %0 : tensor<12xf16>
}

// -----

func.func @expand_not_broadcastable(%x: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tfc.expand' op input type 'tensor<3xf32>' does not broadcast to the result type 'tensor<2x4xf32>'}}
  %0 = tfc.expand %x : tensor<3xf32> to tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Expand only grows: the input's 4 must not shrink to the result's 1.
func.func @expand_shrinks(%x: tensor<4xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{'tfc.expand' op input type 'tensor<4xf32>' does not broadcast to the result type 'tensor<2x1xf32>'}}
  %0 = tfc.expand %x : tensor<4xf32> to tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @expand_drops_rank(%x: tensor<1x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.expand' op input type 'tensor<1x4xf32>' does not broadcast to the result type 'tensor<4xf32>'}}
  %0 = tfc.expand %x : tensor<1x4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @expand_element_type(%x: tensor<4xf32>) -> tensor<2x4xi32> {
  // expected-error @+1 {{'tfc.expand' op changes the element type from 'f32' to 'i32'}}
  %0 = tfc.expand %x : tensor<4xf32> to tensor<2x4xi32>
  return %0 : tensor<2x4xi32>
}

// -----

func.func @slice_out_of_bounds(%x: tensor<32x192xf32>) -> tensor<32x64xf32> {
  // expected-error @+2 {{tfc.slice dimension 1 reads past the input: offset 129, size 64, stride 1 on a dimension of size 192}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.slice %x {offsets = array<i64: 0, 129>, sizes = array<i64: 32, 64>, strides = array<i64: 1, 1>} : (tensor<32x192xf32>) -> tensor<32x64xf32>
  return %0 : tensor<32x64xf32>
}

// -----

func.func @slice_out_of_bounds_strided(%x: tensor<32xf32>) -> tensor<9xf32> {
  // expected-error @+2 {{tfc.slice dimension 0 reads past the input: offset 0, size 9, stride 4 on a dimension of size 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.slice %x {offsets = array<i64: 0>, sizes = array<i64: 9>, strides = array<i64: 4>} : (tensor<32xf32>) -> tensor<9xf32>
  return %0 : tensor<9xf32>
}

// -----

// (size - 1) * stride overflows int64; it used to wrap and pass the check.
func.func @slice_overflow(%x: tensor<32xf32>) -> tensor<4611686018427387904xf32> {
  // expected-error @+2 {{tfc.slice dimension 0 reads past the input: offset 0, size 4611686018427387904, stride 4 on a dimension of size 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.slice %x {offsets = array<i64: 0>, sizes = array<i64: 4611686018427387904>, strides = array<i64: 4>} : (tensor<32xf32>) -> tensor<4611686018427387904xf32>
  return %0 : tensor<4611686018427387904xf32>
}

// -----

func.func @slice_negative_offset(%x: tensor<32xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.slice dimension 0 reads past the input: offset -1, size 4, stride 1 on a dimension of size 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.slice %x {offsets = array<i64: -1>, sizes = array<i64: 4>, strides = array<i64: 1>} : (tensor<32xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_zero_stride(%x: tensor<32xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.slice stride of dimension 0 must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.slice %x {offsets = array<i64: 0>, sizes = array<i64: 4>, strides = array<i64: 0>} : (tensor<32xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_wrong_count(%x: tensor<4x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{tfc.slice needs 2 offsets, sizes and strides for tensor<4x4xf32>, got 1, 2 and 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.slice %x {offsets = array<i64: 0>, sizes = array<i64: 2, 4>, strides = array<i64: 1, 1>} : (tensor<4x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @concat_rank_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3x1xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{tfc.concat input 1 of type tensor<2x3x1xf32> differs in rank or element type from input 0 tensor<2x3xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3x1xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_element_type_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) -> tensor<2x6xf32> {
  // expected-error @+2 {{tfc.concat input 1 of type tensor<2x3xf16> differs in rank or element type from input 0 tensor<2x3xf32>}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_dim_mismatch(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>, %c: tensor<4x3xf32>) -> tensor<2x9xf32> {
  // expected-error @+2 {{tfc.concat input 2 of type tensor<4x3xf32> differs from input 0 tensor<2x3xf32> in dimension 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.concat %a, %b, %c {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{tfc.concat axis 2 is out of range for rank 2 (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_no_inputs() -> tensor<2xf32> {
  // expected-error @+2 {{tfc.concat needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @split_sizes_sum(%x: tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>) {
  // expected-error @+2 {{tfc.split sizes sum to 256 but dimension 2 of tensor<1x32x384xf32> is 384}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = tfc.split %x {axis = 2 : i64, sizes = array<i64: 128, 128>} : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>)
  return %0#0, %0#1 : tensor<1x32x128xf32>, tensor<1x32x128xf32>
}

// -----

func.func @split_negative_size(%x: tensor<8xf32>) -> (tensor<10xf32>, tensor<8xf32>) {
  // expected-error @+2 {{tfc.split sizes must be non-negative, got -2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = "tfc.split"(%x) <{axis = 0 : i64, sizes = array<i64: 10, -2>}> : (tensor<8xf32>) -> (tensor<10xf32>, tensor<8xf32>)
  return %0#0, %0#1 : tensor<10xf32>, tensor<8xf32>
}

// -----

func.func @split_axis_out_of_range(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+2 {{tfc.split axis 1 is out of range for rank 1 (expected 0 <= axis < 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.split %x {axis = 1 : i64, sizes = array<i64: 8>} : (tensor<8xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @split_wrong_result_count(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tfc.split' op inferred type(s) 'tensor<4xf32>', 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.split %x {axis = 0 : i64, sizes = array<i64: 4, 4>} : (tensor<8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gather_axis_out_of_range(%d: tensor<512x128xf32>, %i: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+2 {{tfc.gather axis 2 is out of range for rank 2 (expected 0 <= axis < 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tfc.gather %d, %i {axis = 2 : i64} : (tensor<512x128xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @gather_float_indices(%d: tensor<512x128xf32>, %i: tensor<4xf32>) -> tensor<4x128xf32> {
  // expected-error @+1 {{'tfc.gather' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = tfc.gather %d, %i {axis = 0 : i64} : (tensor<512x128xf32>, tensor<4xf32>) -> tensor<4x128xf32>
  return %0 : tensor<4x128xf32>
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

// -----

func.func @fusion_yield_type_mismatch(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tfc.fusion' op yields 'tensor<4x1xf32>' but the fusion returns 'tensor<4x8xf32>'}}
  %0 = tfc.fusion "reduce" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %1 = tfc.reduce max %a {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
    tfc.yield %1 : tensor<4x1xf32>
  }
  return %0 : tensor<4x8xf32>
}

// -----

func.func @fusion_yield_count_mismatch(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'tfc.fusion' op yields 'tensor<4xf32>' but the fusion returns 'tensor<4xf32>', 'tensor<4xf32>'}}
  %0:2 = tfc.fusion "exp" (%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: tensor<4xf32>):
    %1 = tfc.exp %a : tensor<4xf32>
    tfc.yield %1 : tensor<4xf32>
  }
  return %0#0, %0#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

func.func @fusion_body_argument_count(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.fusion' op body has 1 arguments for 2 inputs}}
  %0 = tfc.fusion "add" (%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    tfc.yield %a : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @fusion_body_argument_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'tfc.fusion' op body argument 0 has type 'tensor<4xf16>' but input 0 has type 'tensor<4xf32>'}}
  %0 = tfc.fusion "copy" (%x) : (tensor<4xf32>) -> tensor<4xf16> {
  ^bb0(%a: tensor<4xf16>):
    tfc.yield %a : tensor<4xf16>
  }
  return %0 : tensor<4xf16>
}

// -----

// The terminator is checked before it is used (it used to be cast blindly).
func.func @fusion_wrong_terminator(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.fusion' op body must end with tfc.yield, got func.return}}
  %0 = "tfc.fusion"(%x) <{kind = "x"}> ({
  ^bb0(%a: tensor<4xf32>):
    "func.return"(%a) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @fusion_uses_value_from_above(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = tfc.fusion "exp" () : () -> tensor<4xf32> {
    // expected-error @+1 {{'tfc.exp' op using value defined outside the region}}
    %1 = tfc.exp %x : tensor<4xf32>
    tfc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

func.func @yield_outside_fusion(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tfc.yield' op expects parent op 'tfc.fusion'}}
  tfc.yield %x : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Weights and constants
//===----------------------------------------------------------------------===//

// -----

func.func @parameter_empty_name() -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.parameter' op requires a non-empty name}}
  %0 = tfc.parameter "" : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @parameter_value_type_mismatch() -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.parameter' op value of type 'tensor<2xf32>' does not match the result type 'tensor<4xf32>'}}
  %0 = tfc.parameter "w" = dense<1.0> : tensor<2xf32> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @parameter_blob_type_mismatch() -> tensor<2xf16> {
  // expected-error @+1 {{'tfc.parameter' op value of type 'tensor<2xf32>' does not match the result type 'tensor<2xf16>'}}
  %0 = tfc.parameter "w" = dense_resource<blob> : tensor<2xf32> : tensor<2xf16>
  return %0 : tensor<2xf16>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F00000040"
    }
  }
#-}

// -----

func.func @constant_type_mismatch() -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.constant' op failed to verify that all of {value, result} have same type}}
  %0 = "tfc.constant"() <{value = dense<1.0> : tensor<2xf32>}> : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @all_reduce_one_rank(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tfc.all_reduce' op needs at least 2 ranks, got 1}}
  %0 = tfc.all_reduce %x {ranks = 1 : i64} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @all_reduce_type_mismatch(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'tfc.all_reduce' op requires the same type for all operands and results}}
  %0 = "tfc.all_reduce"(%x) <{ranks = 2 : i64}> : (tensor<4xf32>) -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @swiglu_shapes_differ(%g: tensor<4x8xf32>, %u: tensor<8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tfc.swiglu' op requires the same type for all operands and results}}
  %0 = "tfc.swiglu"(%g, %u) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @swiglu_integer(%g: tensor<4xi32>, %u: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'tfc.swiglu' op operand #0 must be ranked tensor of floating-point values}}
  %0 = tfc.swiglu %g, %u : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @all_reduce_in_place_one_rank(%b: memref<4xf32>) {
  // expected-error @+1 {{'tfc.all_reduce_in_place' op needs at least 2 ranks, got 1}}
  tfc.all_reduce_in_place %b {ranks = 1 : i64} : memref<4xf32>
  return
}

// -----

func.func @dynamic_quantize_not_e4m3(%x: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tfc.dynamic_quantize' op result element type must be f8E4M3FN, got 'bf16'}}
  %q, %s = tfc.dynamic_quantize %x : tensor<4xf32> -> tensor<4xbf16>, tensor<f32>
  return %s : tensor<f32>
}

// -----

func.func @dynamic_quantize_shape(%x: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'tfc.dynamic_quantize' op result type 'tensor<2x2xf8E4M3FN>' does not have the input's shape 'tensor<4xf32>'}}
  %q, %s = tfc.dynamic_quantize %x : tensor<4xf32> -> tensor<2x2xf8E4M3FN>, tensor<f32>
  return %s : tensor<f32>
}

// -----

func.func @dynamic_quantize_scale(%x: tensor<4xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'tfc.dynamic_quantize' op scale must be tensor<f32>, got 'tensor<1xf32>'}}
  %q, %s = tfc.dynamic_quantize %x : tensor<4xf32> -> tensor<4xf8E4M3FN>, tensor<1xf32>
  return %s : tensor<1xf32>
}

// -----

func.func @scaled_matmul_not_fp8(%a: tensor<4x8xbf16>, %w: tensor<8x2xf8E4M3FN>, %s: tensor<f32>, %ws: tensor<f32>) -> tensor<4x2xbf16> {
  // expected-error @+1 {{'tfc.scaled_matmul' op operands must be f8E4M3FN tensors, got 'tensor<4x8xbf16>' and 'tensor<8x2xf8E4M3FN>'}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xbf16>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x2xbf16>
  return %0 : tensor<4x2xbf16>
}

// -----

func.func @scaled_matmul_k(%a: tensor<4x8xf8E4M3FN>, %w: tensor<6x2xf8E4M3FN>, %s: tensor<f32>, %ws: tensor<f32>) -> tensor<4x2xbf16> {
  // expected-error @+1 {{'tfc.scaled_matmul' op contraction sizes differ: lhs 'tensor<4x8xf8E4M3FN>' has K = 8, rhs 'tensor<6x2xf8E4M3FN>' has K = 6}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<6x2xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x2xbf16>
  return %0 : tensor<4x2xbf16>
}

// -----

func.func @scaled_matmul_rank(%a: tensor<4x8xf8E4M3FN>, %w: tensor<1x8x2xf8E4M3FN>, %s: tensor<f32>, %ws: tensor<f32>) -> tensor<4x2xbf16> {
  // expected-error @+1 {{'tfc.scaled_matmul' op needs lhs [..., M, K] and rhs [K, N], got 'tensor<4x8xf8E4M3FN>' and 'tensor<1x8x2xf8E4M3FN>'}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<1x8x2xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x2xbf16>
  return %0 : tensor<4x2xbf16>
}

// -----

func.func @scaled_matmul_lhs_scale(%a: tensor<4x8xf8E4M3FN>, %w: tensor<8x2xf8E4M3FN>, %s: tensor<4xf32>, %ws: tensor<f32>) -> tensor<4x2xbf16> {
  // expected-error @+1 {{'tfc.scaled_matmul' op lhs_scale must be tensor<f32>, got 'tensor<4xf32>'}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<4xf32>, tensor<f32>) -> tensor<4x2xbf16>
  return %0 : tensor<4x2xbf16>
}

// -----

func.func @scaled_matmul_rhs_scale(%a: tensor<4x8xf8E4M3FN>, %w: tensor<8x2xf8E4M3FN>, %s: tensor<f32>, %ws: tensor<3xf32>) -> tensor<4x2xbf16> {
  // expected-error @+1 {{'tfc.scaled_matmul' op rhs_scale must be tensor<f32> or tensor<2xf32>, got 'tensor<3xf32>'}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<3xf32>) -> tensor<4x2xbf16>
  return %0 : tensor<4x2xbf16>
}

// -----

func.func @scaled_matmul_result_shape(%a: tensor<4x8xf8E4M3FN>, %w: tensor<8x2xf8E4M3FN>, %s: tensor<f32>, %ws: tensor<f32>) -> tensor<4x3xbf16> {
  // expected-error @+1 {{'tfc.scaled_matmul' op result type 'tensor<4x3xbf16>' does not have the product's shape [4, 2]}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x3xbf16>
  return %0 : tensor<4x3xbf16>
}

// -----

func.func @scaled_matmul_fp8_result(%a: tensor<4x8xf8E4M3FN>, %w: tensor<8x2xf8E4M3FN>, %s: tensor<f32>, %ws: tensor<f32>) -> tensor<4x2xf8E4M3FN> {
  // expected-error @+1 {{'tfc.scaled_matmul' op result must not be f8E4M3FN: the product is returned in a wider float type}}
  %0 = tfc.scaled_matmul %a, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<f32>) -> tensor<4x2xf8E4M3FN>
  return %0 : tensor<4x2xf8E4M3FN>
}
