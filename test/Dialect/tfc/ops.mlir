// Round trip of every tfc op through the custom and the generic form.
// RUN: tfc-opt %s | tfc-opt | FileCheck %s
// RUN: tfc-opt %s --mlir-print-op-generic | tfc-opt | FileCheck %s

// CHECK-LABEL: func @constant
func.func @constant() -> (tensor<4xf32>, tensor<2x2xi64>) {
  // CHECK: tfc.constant dense<1.000000e+00> : tensor<4xf32>
  %0 = tfc.constant dense<1.0> : tensor<4xf32>
  // CHECK: tfc.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi64>
  %1 = tfc.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  return %0, %1 : tensor<4xf32>, tensor<2x2xi64>
}

// CHECK-LABEL: func @parameter_inline_blob
func.func @parameter_inline_blob() -> tensor<2xf32> {
  // The value attribute carries its own type, then comes the result type.
  // CHECK: tfc.parameter "h.0.ln.weight" = dense_resource<ln_weight> : tensor<2xf32> : tensor<2xf32>
  %0 = tfc.parameter "h.0.ln.weight" = dense_resource<ln_weight> : tensor<2xf32> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func @parameter_inline_dense
func.func @parameter_inline_dense() -> tensor<2xi32> {
  // CHECK: tfc.parameter "pos" = dense<[3, 4]> : tensor<2xi32> : tensor<2xi32>
  %0 = tfc.parameter "pos" = dense<[3, 4]> : tensor<2xi32> : tensor<2xi32>
  return %0 : tensor<2xi32>
}

// CHECK-LABEL: func @parameter_external
func.func @parameter_external() -> tensor<64x16xf16> {
  // CHECK: tfc.parameter "wte.weight" : tensor<64x16xf16>
  // CHECK-NOT: dense
  %0 = tfc.parameter "wte.weight" : tensor<64x16xf16>
  return %0 : tensor<64x16xf16>
}

// CHECK-LABEL: func @binary
// CHECK-SAME: (%[[A:.*]]: tensor<2x8xf32>, %[[B:.*]]: tensor<2x8xf32>)
func.func @binary(%a: tensor<2x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // CHECK: %[[ADD:.*]] = tfc.add %[[A]], %[[B]] : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: %[[SUB:.*]] = tfc.sub %[[ADD]], %[[B]]
  // CHECK: %[[MUL:.*]] = tfc.mul %[[SUB]], %[[B]]
  // CHECK: %[[DIV:.*]] = tfc.div %[[MUL]], %[[B]]
  // CHECK: %[[POW:.*]] = tfc.pow %[[DIV]], %[[B]]
  // CHECK: %[[MAX:.*]] = tfc.maximum %[[POW]], %[[B]]
  // CHECK: tfc.minimum %[[MAX]], %[[B]]
  %0 = tfc.add %a, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = tfc.sub %0, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = tfc.mul %1, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = tfc.div %2, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = tfc.pow %3, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %5 = tfc.maximum %4, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %6 = tfc.minimum %5, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %6 : tensor<2x8xf32>
}

// Broadcasting: trailing alignment, size-1 stretch, rank-0 operand, both
// operands stretched.
// CHECK-LABEL: func @broadcast
func.func @broadcast(%a: tensor<2x8xf32>, %b: tensor<8xf32>, %s: tensor<f32>,
                     %c: tensor<3x1xi32>, %d: tensor<1x5xi32>)
    -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<3x5xi32>) {
  // CHECK: tfc.add %{{.*}}, %{{.*}} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %0 = tfc.add %a, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  // CHECK: tfc.mul %{{.*}}, %{{.*}} : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %1 = tfc.mul %s, %0 : (tensor<f32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  // CHECK: tfc.sub %{{.*}}, %{{.*}} : (tensor<3x1xi32>, tensor<1x5xi32>) -> tensor<3x5xi32>
  %2 = tfc.sub %c, %d : (tensor<3x1xi32>, tensor<1x5xi32>) -> tensor<3x5xi32>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<3x5xi32>
}

// CHECK-LABEL: func @logic
func.func @logic(%a: tensor<4xi1>, %b: tensor<1xi1>) -> tensor<4xi1> {
  // CHECK: %[[AND:.*]] = tfc.and %{{.*}}, %{{.*}} : (tensor<4xi1>, tensor<1xi1>) -> tensor<4xi1>
  // CHECK: %[[OR:.*]] = tfc.or %[[AND]], %{{.*}} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  // CHECK: tfc.not %[[OR]] : tensor<4xi1>
  %0 = tfc.and %a, %b : (tensor<4xi1>, tensor<1xi1>) -> tensor<4xi1>
  %1 = tfc.or %0, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %2 = tfc.not %1 : tensor<4xi1>
  return %2 : tensor<4xi1>
}

// CHECK-LABEL: func @compare_where
func.func @compare_where(%a: tensor<4x4xf32>, %b: tensor<4xf32>, %s: tensor<f32>)
    -> tensor<4x4xf32> {
  // CHECK: %[[M:.*]] = tfc.compare lt, %{{.*}}, %{{.*}} : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xi1>
  %0 = tfc.compare lt, %a, %b : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x4xi1>
  // CHECK: tfc.compare ge, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<f32>) -> tensor<i1>
  %1 = tfc.compare ge, %s, %s : (tensor<f32>, tensor<f32>) -> tensor<i1>
  // CHECK: tfc.where %[[M]], %{{.*}}, %{{.*}} : (tensor<4x4xi1>, tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  %2 = tfc.where %0, %a, %s : (tensor<4x4xi1>, tensor<4x4xf32>, tensor<f32>) -> tensor<4x4xf32>
  return %2 : tensor<4x4xf32>
}

// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<2x8xf32>, %i: tensor<3xi32>) -> (tensor<2x8xf32>, tensor<3xi32>) {
  // CHECK: %[[NEG:.*]] = tfc.neg %{{.*}} : tensor<2x8xf32>
  // CHECK: %[[ABS:.*]] = tfc.abs %[[NEG]] : tensor<2x8xf32>
  // CHECK: %[[EXP:.*]] = tfc.exp %[[ABS]] : tensor<2x8xf32>
  // CHECK: %[[LOG:.*]] = tfc.log %[[EXP]] : tensor<2x8xf32>
  // CHECK: %[[SQRT:.*]] = tfc.sqrt %[[LOG]] : tensor<2x8xf32>
  // CHECK: %[[RSQRT:.*]] = tfc.rsqrt %[[SQRT]] : tensor<2x8xf32>
  // CHECK: %[[RCP:.*]] = tfc.reciprocal %[[RSQRT]] : tensor<2x8xf32>
  // CHECK: %[[TANH:.*]] = tfc.tanh %[[RCP]] : tensor<2x8xf32>
  // CHECK: %[[ERF:.*]] = tfc.erf %[[TANH]] : tensor<2x8xf32>
  // CHECK: %[[SIG:.*]] = tfc.sigmoid %[[ERF]] : tensor<2x8xf32>
  // CHECK: %[[RELU:.*]] = tfc.relu %[[SIG]] : tensor<2x8xf32>
  // CHECK: %[[SILU:.*]] = tfc.silu %[[RELU]] : tensor<2x8xf32>
  // CHECK: %[[GELU:.*]] = tfc.gelu %[[SILU]] approximate = none : tensor<2x8xf32>
  // CHECK: tfc.gelu %[[GELU]] approximate = tanh : tensor<2x8xf32>
  // CHECK: tfc.neg %{{.*}} : tensor<3xi32>
  // CHECK: tfc.abs %{{.*}} : tensor<3xi32>
  %0 = tfc.neg %x : tensor<2x8xf32>
  %1 = tfc.abs %0 : tensor<2x8xf32>
  %2 = tfc.exp %1 : tensor<2x8xf32>
  %3 = tfc.log %2 : tensor<2x8xf32>
  %4 = tfc.sqrt %3 : tensor<2x8xf32>
  %5 = tfc.rsqrt %4 : tensor<2x8xf32>
  %6 = tfc.reciprocal %5 : tensor<2x8xf32>
  %7 = tfc.tanh %6 : tensor<2x8xf32>
  %8 = tfc.erf %7 : tensor<2x8xf32>
  %9 = tfc.sigmoid %8 : tensor<2x8xf32>
  %10 = tfc.relu %9 : tensor<2x8xf32>
  %11 = tfc.silu %10 : tensor<2x8xf32>
  %12 = tfc.gelu %11 approximate = none : tensor<2x8xf32>
  %13 = tfc.gelu %12 approximate = tanh : tensor<2x8xf32>
  %14 = tfc.neg %i : tensor<3xi32>
  %15 = tfc.abs %14 : tensor<3xi32>
  return %13, %15 : tensor<2x8xf32>, tensor<3xi32>
}

// CHECK-LABEL: func @cast
func.func @cast(%x: tensor<4xf32>, %i: tensor<4xi64>) -> (tensor<4xbf16>, tensor<4xf32>) {
  // CHECK: tfc.cast %{{.*}} : tensor<4xf32> to tensor<4xbf16>
  %0 = tfc.cast %x : tensor<4xf32> to tensor<4xbf16>
  // CHECK: tfc.cast %{{.*}} : tensor<4xi64> to tensor<4xf32>
  %1 = tfc.cast %i : tensor<4xi64> to tensor<4xf32>
  return %0, %1 : tensor<4xbf16>, tensor<4xf32>
}

// CHECK-LABEL: func @reduce
func.func @reduce(%x: tensor<4x8x16xf32>) -> (tensor<4x1x1xf32>, tensor<8xf32>, tensor<4x16xf32>) {
  // CHECK: tfc.reduce mean %{{.*}} {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<4x8x16xf32>) -> tensor<4x1x1xf32>
  %0 = tfc.reduce mean %x {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<4x8x16xf32>) -> tensor<4x1x1xf32>
  // CHECK: tfc.reduce sum %{{.*}} {axes = array<i64: 0, 2>} : (tensor<4x8x16xf32>) -> tensor<8xf32>
  %1 = tfc.reduce sum %x {axes = array<i64: 0, 2>} : (tensor<4x8x16xf32>) -> tensor<8xf32>
  // CHECK: tfc.reduce max %{{.*}} {axes = array<i64: 1>} : (tensor<4x8x16xf32>) -> tensor<4x16xf32>
  %2 = tfc.reduce max %x {axes = array<i64: 1>, keep_dims = false} : (tensor<4x8x16xf32>) -> tensor<4x16xf32>
  // CHECK: tfc.reduce min
  // CHECK: tfc.reduce prod
  %3 = tfc.reduce min %2 {axes = array<i64: 0>} : (tensor<4x16xf32>) -> tensor<16xf32>
  %4 = tfc.reduce prod %2 {axes = array<i64: 0>} : (tensor<4x16xf32>) -> tensor<16xf32>
  return %0, %1, %2 : tensor<4x1x1xf32>, tensor<8xf32>, tensor<4x16xf32>
}

// CHECK-LABEL: func @softmax
func.func @softmax(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  // CHECK: tfc.softmax %{{.*}} {axis = 1 : i64} : tensor<4x8xf16>
  %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// CHECK-LABEL: func @layer_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64xf32>, %[[G:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>, %[[G2:.*]]: tensor<8x64xf32>)
func.func @layer_norm(%x: tensor<2x8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>,
                      %g2: tensor<8x64xf32>)
    -> (tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x8x64xf32>) {
  // CHECK: tfc.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %0 = tfc.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  // CHECK: tfc.layer_norm %[[X]], %[[G]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %1 = tfc.layer_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  // CHECK: tfc.layer_norm %[[X]] {axis = 2 : i64, epsilon = 0.000000e+00 : f32} : (tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %2 = tfc.layer_norm %x {axis = 2 : i64, epsilon = 0.0 : f32}
      : (tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  // Normalised over the two trailing axes.
  // CHECK: tfc.layer_norm %[[X]], %[[G2]] {axis = 1 : i64
  %3 = tfc.layer_norm %x, %g2 {axis = 1 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x8x64xf32>, tensor<8x64xf32>) -> tensor<2x8x64xf32>
  return %0, %1, %2, %3 : tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x8x64xf32>
}

// CHECK-LABEL: func @rms_norm
func.func @rms_norm(%x: tensor<8x64xbf16>, %g: tensor<64xbf16>) -> (tensor<8x64xbf16>, tensor<8x64xbf16>) {
  // CHECK: tfc.rms_norm %{{.*}}, %{{.*}} {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<8x64xbf16>, tensor<64xbf16>) -> tensor<8x64xbf16>
  %0 = tfc.rms_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-06 : f32}
      : (tensor<8x64xbf16>, tensor<64xbf16>) -> tensor<8x64xbf16>
  // CHECK: tfc.rms_norm %{{.*}} {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<8x64xbf16>) -> tensor<8x64xbf16>
  %1 = tfc.rms_norm %x {axis = 1 : i64, epsilon = 1.0e-06 : f32}
      : (tensor<8x64xbf16>) -> tensor<8x64xbf16>
  return %0, %1 : tensor<8x64xbf16>, tensor<8x64xbf16>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<2x32x64xf16>, %w: tensor<128x64xf16>, %b: tensor<64x16xf16>,
                  %c: tensor<3x1x64x32xf16>, %i: tensor<4x8xi8>, %j: tensor<8x2xi8>)
    -> (tensor<2x32x128xf16>, tensor<2x32x16xf16>, tensor<3x2x32x32xf16>, tensor<4x2xi8>) {
  // CHECK: tfc.matmul %{{.*}}, %{{.*}} {transpose_rhs = true} : (tensor<2x32x64xf16>, tensor<128x64xf16>) -> tensor<2x32x128xf16>
  %0 = tfc.matmul %a, %w {transpose_rhs = true}
      : (tensor<2x32x64xf16>, tensor<128x64xf16>) -> tensor<2x32x128xf16>
  // CHECK: tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32} : (tensor<2x32x64xf16>, tensor<64x16xf16>) -> tensor<2x32x16xf16>
  %1 = tfc.matmul %a, %b {accumulator_type = f32}
      : (tensor<2x32x64xf16>, tensor<64x16xf16>) -> tensor<2x32x16xf16>
  // Broadcast batch dimensions, both operands transposed: [3,1,K,M] x [2,N,K].
  // CHECK: tfc.matmul %{{.*}}, %{{.*}} {transpose_lhs = true, transpose_rhs = true} : (tensor<3x1x64x32xf16>, tensor<2x32x64xf16>) -> tensor<3x2x32x32xf16>
  %2 = tfc.matmul %c, %a {transpose_lhs = true, transpose_rhs = true}
      : (tensor<3x1x64x32xf16>, tensor<2x32x64xf16>) -> tensor<3x2x32x32xf16>
  // CHECK: tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = i32} : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi8>
  %3 = tfc.matmul %i, %j {accumulator_type = i32} : (tensor<4x8xi8>, tensor<8x2xi8>) -> tensor<4x2xi8>
  return %0, %1, %2, %3 : tensor<2x32x128xf16>, tensor<2x32x16xf16>, tensor<3x2x32x32xf16>, tensor<4x2xi8>
}

// CHECK-LABEL: func @attention
func.func @attention(%q: tensor<1x8x32x64xf32>, %k: tensor<1x8x32x64xf32>,
                     %v: tensor<1x8x32x64xf32>, %mask: tensor<1x1x32x32xf32>)
    -> (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>) {
  // CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 1.250000e-01 : f32} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>) -> tensor<1x8x32x64xf32>
  %0 = tfc.attention %q, %k, %v {scale = 0.125 : f32, causal = true}
      : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>)
      -> tensor<1x8x32x64xf32>
  // CHECK: tfc.attention %{{.*}}, %{{.*}}, %{{.*}}, mask %{{.*}} {alibi = true, scale = 1.250000e-01 : f32, window = 16 : i64} : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x1x32x32xf32>) -> tensor<1x8x32x64xf32>
  %1 = tfc.attention %q, %k, %v, mask %mask {scale = 0.125 : f32, window = 16 : i64, alibi = true}
      : (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x1x32x32xf32>)
      -> tensor<1x8x32x64xf32>
  return %0, %1 : tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>
}

// Grouped-query (8 query heads over 2 kv heads), multi-query (1 kv head), a
// value head_dim unlike the key's, a shorter query than key (decode), and a
// 2-D mask broadcast over batch and heads.
// CHECK-LABEL: func @attention_gqa
func.func @attention_gqa(%q: tensor<2x8x4x64xf16>, %k: tensor<2x2x32x64xf16>,
                         %v: tensor<2x2x32x48xf16>, %k1: tensor<2x1x32x64xf16>,
                         %v1: tensor<2x1x32x64xf16>, %mask: tensor<4x32xf16>)
    -> (tensor<2x8x4x48xf16>, tensor<2x8x4x64xf16>) {
  // CHECK: tfc.attention {{.*}} : (tensor<2x8x4x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x48xf16>, tensor<4x32xf16>) -> tensor<2x8x4x48xf16>
  %0 = tfc.attention %q, %k, %v, mask %mask {scale = 0.125 : f32}
      : (tensor<2x8x4x64xf16>, tensor<2x2x32x64xf16>, tensor<2x2x32x48xf16>, tensor<4x32xf16>)
      -> tensor<2x8x4x48xf16>
  // CHECK: tfc.attention {{.*}} : (tensor<2x8x4x64xf16>, tensor<2x1x32x64xf16>, tensor<2x1x32x64xf16>) -> tensor<2x8x4x64xf16>
  %1 = tfc.attention %q, %k1, %v1 {scale = 0.125 : f32, causal = true}
      : (tensor<2x8x4x64xf16>, tensor<2x1x32x64xf16>, tensor<2x1x32x64xf16>)
      -> tensor<2x8x4x64xf16>
  return %0, %1 : tensor<2x8x4x48xf16>, tensor<2x8x4x64xf16>
}

// CHECK-LABEL: func @rope
func.func @rope(%x: tensor<1x8x32x64xf32>, %cos: tensor<32x64xf32>, %sin: tensor<32x64xf32>)
    -> (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>) {
  // CHECK: tfc.rope %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x8x32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<1x8x32x64xf32>
  %0 = tfc.rope %x, %cos, %sin
      : (tensor<1x8x32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<1x8x32x64xf32>
  // CHECK: tfc.rope %{{.*}}, %{{.*}}, %{{.*}} {interleaved = true}
  %1 = tfc.rope %x, %cos, %sin {interleaved = true}
      : (tensor<1x8x32x64xf32>, tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<1x8x32x64xf32>
  return %0, %1 : tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>
}

// CHECK-LABEL: func @transpose
func.func @transpose(%x: tensor<1x32x4x16xf32>) -> tensor<1x4x32x16xf32> {
  // CHECK: tfc.transpose %{{.*}} {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x32x4x16xf32>) -> tensor<1x4x32x16xf32>
  %0 = tfc.transpose %x {permutation = array<i64: 0, 2, 1, 3>}
      : (tensor<1x32x4x16xf32>) -> tensor<1x4x32x16xf32>
  return %0 : tensor<1x4x32x16xf32>
}

// CHECK-LABEL: func @reshape_expand
func.func @reshape_expand(%x: tensor<1x32x128xf32>, %y: tensor<1x4xf32>)
    -> (tensor<1x32x4x32xf32>, tensor<3x8x4xf32>) {
  // CHECK: tfc.reshape %{{.*}} : tensor<1x32x128xf32> to tensor<1x32x4x32xf32>
  %0 = tfc.reshape %x : tensor<1x32x128xf32> to tensor<1x32x4x32xf32>
  // CHECK: tfc.expand %{{.*}} : tensor<1x4xf32> to tensor<3x8x4xf32>
  %1 = tfc.expand %y : tensor<1x4xf32> to tensor<3x8x4xf32>
  return %0, %1 : tensor<1x32x4x32xf32>, tensor<3x8x4xf32>
}

// CHECK-LABEL: func @slice
func.func @slice(%x: tensor<32x192xf32>) -> (tensor<32x64xf32>, tensor<16x3xf32>) {
  // CHECK: tfc.slice %{{.*}} {offsets = array<i64: 0, 64>, sizes = array<i64: 32, 64>, strides = array<i64: 1, 1>} : (tensor<32x192xf32>) -> tensor<32x64xf32>
  %0 = tfc.slice %x {offsets = array<i64: 0, 64>, sizes = array<i64: 32, 64>, strides = array<i64: 1, 1>}
      : (tensor<32x192xf32>) -> tensor<32x64xf32>
  // The last element read is exactly the last of the dimension: 2 + 63 * 3 = 191.
  // CHECK: tfc.slice %{{.*}} {offsets = array<i64: 1, 2>, sizes = array<i64: 16, 3>, strides = array<i64: 2, 63>} : (tensor<32x192xf32>) -> tensor<16x3xf32>
  %1 = tfc.slice %x {offsets = array<i64: 1, 2>, sizes = array<i64: 16, 3>, strides = array<i64: 2, 63>}
      : (tensor<32x192xf32>) -> tensor<16x3xf32>
  return %0, %1 : tensor<32x64xf32>, tensor<16x3xf32>
}

// CHECK-LABEL: func @concat_split
func.func @concat_split(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<2x1xf32>,
                        %x: tensor<1x32x384xf32>)
    -> (tensor<2x9xf32>, tensor<2x3xf32>, tensor<1x32x128xf32>, tensor<1x32x256xf32>) {
  // CHECK: tfc.concat %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x9xf32>
  %0 = tfc.concat %a, %b, %c {axis = 1 : i64}
      : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x9xf32>
  // CHECK: tfc.concat %{{.*}} {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = tfc.concat %a {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %{{.*}}:3 = tfc.split %{{.*}} {axis = 2 : i64, sizes = array<i64: 128, 128, 128>} : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>, tensor<1x32x128xf32>)
  %q, %k, %v = tfc.split %x {axis = 2 : i64, sizes = array<i64: 128, 128, 128>}
      : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>, tensor<1x32x128xf32>)
  // CHECK: %{{.*}}:2 = tfc.split %{{.*}} {axis = 2 : i64, sizes = array<i64: 128, 256>} : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x256xf32>)
  %s:2 = tfc.split %x {axis = 2 : i64, sizes = array<i64: 128, 256>}
      : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x256xf32>)
  return %0, %1, %q, %s#1 : tensor<2x9xf32>, tensor<2x3xf32>, tensor<1x32x128xf32>, tensor<1x32x256xf32>
}

// CHECK-LABEL: func @gather
func.func @gather(%emb: tensor<512x128xf32>, %ids: tensor<1x32xi64>, %idx: tensor<2xi32>)
    -> (tensor<1x32x128xf32>, tensor<512x2xf32>) {
  // CHECK: tfc.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<512x128xf32>, tensor<1x32xi64>) -> tensor<1x32x128xf32>
  %0 = tfc.gather %emb, %ids {axis = 0 : i64}
      : (tensor<512x128xf32>, tensor<1x32xi64>) -> tensor<1x32x128xf32>
  // CHECK: tfc.gather %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<512x128xf32>, tensor<2xi32>) -> tensor<512x2xf32>
  %1 = tfc.gather %emb, %idx {axis = 1 : i64}
      : (tensor<512x128xf32>, tensor<2xi32>) -> tensor<512x2xf32>
  return %0, %1 : tensor<1x32x128xf32>, tensor<512x2xf32>
}

// CHECK-LABEL: func @fusion
// CHECK-SAME: (%[[X:.*]]: tensor<32x128xf32>, %[[G:.*]]: tensor<128xf32>, %[[B:.*]]: tensor<128xf32>)
func.func @fusion(%x: tensor<32x128xf32>, %g: tensor<128xf32>, %b: tensor<128xf32>)
    -> tensor<32x128xf32> {
  // CHECK: %[[F:.*]] = tfc.fusion "layer_norm"(%[[X]], %[[G]], %[[B]]) : (tensor<32x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128xf32> {
  // CHECK-NEXT: ^bb0(%[[A0:.*]]: tensor<32x128xf32>, %[[A1:.*]]: tensor<128xf32>, %[[A2:.*]]: tensor<128xf32>):
  // CHECK-NEXT: %[[LN:.*]] = tfc.layer_norm %[[A0]], %[[A1]], %[[A2]]
  // CHECK-NEXT: tfc.yield %[[LN]] : tensor<32x128xf32>
  // CHECK-NEXT: }
  // CHECK: return %[[F]]
  %0 = tfc.fusion "layer_norm" (%x, %g, %b)
      : (tensor<32x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128xf32> {
  ^bb0(%a: tensor<32x128xf32>, %s: tensor<128xf32>, %t: tensor<128xf32>):
    %1 = tfc.layer_norm %a, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<32x128xf32>, tensor<128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
    tfc.yield %1 : tensor<32x128xf32>
  }
  return %0 : tensor<32x128xf32>
}

// CHECK-LABEL: func @fusion_multiple_results
func.func @fusion_multiple_results(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>) {
  // CHECK: %[[F:.*]]:2 = tfc.fusion "softmax_stats"(%{{.*}}) : (tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>) {
  // CHECK: tfc.yield %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4x1xf32>
  // CHECK: return %[[F]]#0, %[[F]]#1
  %0:2 = tfc.fusion "softmax_stats" (%x) : (tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>) {
  ^bb0(%a: tensor<4x8xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64} : tensor<4x8xf32>
    %2 = tfc.reduce max %a {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
    tfc.yield %1, %2 : tensor<4x8xf32>, tensor<4x1xf32>
  }
  return %0#0, %0#1 : tensor<4x8xf32>, tensor<4x1xf32>
}

// A fusion without inputs (it computes from constants only).
// CHECK-LABEL: func @fusion_no_inputs
func.func @fusion_no_inputs() -> tensor<4xf32> {
  // CHECK: tfc.fusion "fill"() : () -> tensor<4xf32> {
  // CHECK: tfc.constant
  // CHECK: tfc.yield
  %0 = tfc.fusion "fill" () : () -> tensor<4xf32> {
    %1 = tfc.constant dense<2.0> : tensor<4xf32>
    tfc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func @all_reduce
func.func @all_reduce(%x: tensor<1x32x64xf32>) -> tensor<1x32x64xf32> {
  // CHECK: tfc.all_reduce %{{.*}} {ranks = 2 : i64} : tensor<1x32x64xf32>
  %0 = tfc.all_reduce %x {ranks = 2 : i64} : tensor<1x32x64xf32>
  return %0 : tensor<1x32x64xf32>
}

// CHECK-LABEL: func @all_reduce_in_place
func.func @all_reduce_in_place(%b: memref<1x32x64xbf16>) {
  // CHECK: tfc.all_reduce_in_place %{{.*}} {ranks = 4 : i64} : memref<1x32x64xbf16>
  tfc.all_reduce_in_place %b {ranks = 4 : i64} : memref<1x32x64xbf16>
  return
}

// CHECK-LABEL: func @swiglu
// CHECK-SAME: (%[[G:.*]]: tensor<2x8xbf16>, %[[U:.*]]: tensor<2x8xbf16>)
// CHECK: tfc.swiglu %[[G]], %[[U]] : tensor<2x8xbf16>
func.func @swiglu(%g: tensor<2x8xbf16>, %u: tensor<2x8xbf16>) -> tensor<2x8xbf16> {
  %0 = tfc.swiglu %g, %u : tensor<2x8xbf16>
  return %0 : tensor<2x8xbf16>
}

// CHECK-LABEL: func @fp8
// CHECK: %[[Q:.*]], %[[S:.*]] = tfc.dynamic_quantize %{{.*}} : tensor<4x8xbf16> -> tensor<4x8xf8E4M3FN>, tensor<f32>
// CHECK: tfc.scaled_matmul %[[Q]], %{{.*}} scales(%[[S]], %{{.*}}) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<2xf32>) -> tensor<4x2xbf16>
func.func @fp8(%x: tensor<4x8xbf16>, %w: tensor<8x2xf8E4M3FN>, %ws: tensor<2xf32>) -> tensor<4x2xbf16> {
  %q, %s = tfc.dynamic_quantize %x : tensor<4x8xbf16> -> tensor<4x8xf8E4M3FN>, tensor<f32>
  %y = tfc.scaled_matmul %q, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<2xf32>) -> tensor<4x2xbf16>
  return %y : tensor<4x2xbf16>
}

// The blob survives the round trip: 4-byte alignment, then 1.0f and 2.0f.
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: ln_weight: "0x040000000000803F00000040"

{-#
  dialect_resources: {
    builtin: {
      ln_weight: "0x040000000000803F00000040"
    }
  }
#-}
