// tfc-lower-precision: weights converted at compile time, activations in
// the low type, f32 kept where Passes.td says (signature, matmul
// accumulation, summing reductions, comparisons, residual stream on
// request).
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision=dtype=bf16 | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision=dtype=f16 | FileCheck %s --check-prefix=F16
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision=dtype=f32 | FileCheck %s --check-prefix=F32
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 keep-residual-f32" | FileCheck %s --check-prefix=RESID

// The signature stays f32 (cast at entry and exit); the weight is converted
// at compile time (0.1 rounds to 0.10009765625 in bf16, 0.0999755859 in
// f16); the matmul accumulates in f32; norm, softmax and gelu take and give
// the low type.
// CHECK-LABEL: func @mlp
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[G:.*]]: tensor<16xf32>) -> tensor<4x16xf32>
// CHECK-DAG: %[[XB:.*]] = tfc.cast %[[X]] : tensor<4x8xf32> to tensor<4x8xbf16>
// CHECK-DAG: %[[GB:.*]] = tfc.cast %[[G]] : tensor<16xf32> to tensor<16xbf16>
// CHECK-DAG: %[[W:.*]] = tfc.parameter "w" = dense<1.000980e-01> : tensor<8x16xbf16> : tensor<8x16xbf16>
// CHECK: %[[M:.*]] = tfc.matmul %[[XB]], %[[W]] {accumulator_type = f32} : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xbf16>
// CHECK: %[[N:.*]] = tfc.layer_norm %[[M]], %[[GB]] {{.*}} : (tensor<4x16xbf16>, tensor<16xbf16>) -> tensor<4x16xbf16>
// CHECK: %[[A:.*]] = tfc.gelu %[[N]] approximate = tanh : tensor<4x16xbf16>
// CHECK: %[[S:.*]] = tfc.softmax %[[A]] {axis = 1 : i64} : tensor<4x16xbf16>
// CHECK: %[[Y:.*]] = tfc.cast %[[S]] : tensor<4x16xbf16> to tensor<4x16xf32>
// CHECK: return %[[Y]] : tensor<4x16xf32>
// F16-LABEL: func @mlp
// F16-DAG: tfc.parameter "w" = dense<9.997550e-02> : tensor<8x16xf16> : tensor<8x16xf16>
// F16-DAG: tfc.matmul %{{.*}} {accumulator_type = f32} : (tensor<4x8xf16>, tensor<8x16xf16>) -> tensor<4x16xf16>
// F16: return %{{.*}} : tensor<4x16xf32>
// dtype=f32 leaves the function alone.
// F32-LABEL: func @mlp
// F32-NOT: tfc.cast
// F32: tfc.matmul %{{.*}} : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
func.func @mlp(%x: tensor<4x8xf32>, %g: tensor<16xf32>) -> tensor<4x16xf32> {
  %w = tfc.parameter "w" = dense<0.1> : tensor<8x16xf32> : tensor<8x16xf32>
  %0 = tfc.matmul %x, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  %1 = tfc.layer_norm %0, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %2 = tfc.gelu %1 approximate = tanh : tensor<4x16xf32>
  %3 = tfc.softmax %2 {axis = 1 : i64} : tensor<4x16xf32>
  return %3 : tensor<4x16xf32>
}

// -----

// Inline dense_resource weights are rewritten into a new bf16 blob (1.0,
// 2.0 -> 0x3F80, 0x4000, little-endian); an external parameter keeps its
// type and is read through one cast shared by its users.
// CHECK-LABEL: func @weights
// CHECK-DAG: %[[R:.*]] = tfc.parameter "r" = dense_resource<r_bf16> : tensor<2xbf16> : tensor<2xbf16>
// CHECK-DAG: %[[E:.*]] = tfc.parameter "e" : tensor<2xf32>
// CHECK-DAG: %[[EB:.*]] = tfc.cast %[[E]] : tensor<2xf32> to tensor<2xbf16>
// CHECK: tfc.add %{{.*}}, %[[R]]
// CHECK: tfc.mul %{{.*}}, %[[EB]]
// CHECK: tfc.sub %{{.*}}, %[[EB]]
// CHECK-NOT: tfc.cast %[[E]]
// CHECK: r_bf16: "0x40000000803F0040"
func.func @weights(%x: tensor<2xf32>) -> tensor<2xf32> {
  %r = tfc.parameter "r" = dense_resource<r> : tensor<2xf32> : tensor<2xf32>
  %e = tfc.parameter "e" : tensor<2xf32>
  %0 = tfc.add %x, %r : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = tfc.mul %0, %e : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = tfc.sub %1, %e : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %2 : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      r: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Summing reductions run in f32 on a widened input and their result is
// cast for the low-type consumer; max stays in the low type; comparisons
// and casts to integers read f32.
// CHECK-LABEL: func @reductions_and_comparisons
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK: %[[XB:.*]] = tfc.cast %[[X]] : tensor<4x8xf32> to tensor<4x8xbf16>
// CHECK: %[[E:.*]] = tfc.exp %[[XB]] : tensor<4x8xbf16>
// CHECK: %[[EF:.*]] = tfc.cast %[[E]] : tensor<4x8xbf16> to tensor<4x8xf32>
// CHECK: %[[S:.*]] = tfc.reduce sum %[[EF]] {{.*}} : (tensor<4x8xf32>) -> tensor<4x1xf32>
// CHECK: %[[SB:.*]] = tfc.cast %[[S]] : tensor<4x1xf32> to tensor<4x1xbf16>
// CHECK: tfc.div %[[E]], %[[SB]] : (tensor<4x8xbf16>, tensor<4x1xbf16>) -> tensor<4x8xbf16>
// CHECK: tfc.reduce max %[[XB]] {{.*}} : (tensor<4x8xbf16>) -> tensor<4x1xbf16>
// CHECK: tfc.compare lt, %[[X]], %{{.*}} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi1>
// CHECK: tfc.cast %[[X]] : tensor<4x8xf32> to tensor<4x8xi64>
func.func @reductions_and_comparisons(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xi1>, tensor<4x8xi64>) {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %e = tfc.exp %x : tensor<4x8xf32>
  %s = tfc.reduce sum %e {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %p = tfc.div %e, %s : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  %m = tfc.reduce max %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %c = tfc.compare lt, %x, %zero : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi1>
  %i = tfc.cast %x : tensor<4x8xf32> to tensor<4x8xi64>
  return %p, %m, %c, %i : tensor<4x8xf32>, tensor<4x1xf32>, tensor<4x8xi1>, tensor<4x8xi64>
}

// -----

// A pre-LN block: h1 = h + proj(ln(h)). With keep-residual-f32 the skip
// value and the residual add stay f32 (the branch is cast up), the norm
// reads the f32 stream and its output is cast for the matmul; without it
// everything but the signature is bf16.
// RESID-LABEL: func @pre_ln_block
// RESID-SAME: (%[[H:.*]]: tensor<4x16xf32>, %[[G:.*]]: tensor<16xf32>)
// RESID: %[[N:.*]] = tfc.layer_norm %[[H]], %[[G]] {{.*}} : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// RESID: %[[NB:.*]] = tfc.cast %[[N]] : tensor<4x16xf32> to tensor<4x16xbf16>
// RESID: %[[P:.*]] = tfc.matmul %[[NB]], %{{.*}} {accumulator_type = f32} : (tensor<4x16xbf16>, tensor<16x16xbf16>) -> tensor<4x16xbf16>
// RESID: %[[PF:.*]] = tfc.cast %[[P]] : tensor<4x16xbf16> to tensor<4x16xf32>
// RESID: %[[H1:.*]] = tfc.add %[[H]], %[[PF]] : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
// RESID: return %[[H1]] : tensor<4x16xf32>
// CHECK-LABEL: func @pre_ln_block
// CHECK: tfc.layer_norm %{{.*}} : (tensor<4x16xbf16>, tensor<16xbf16>) -> tensor<4x16xbf16>
// CHECK: tfc.add %{{.*}} : (tensor<4x16xbf16>, tensor<4x16xbf16>) -> tensor<4x16xbf16>
func.func @pre_ln_block(%h: tensor<4x16xf32>, %g: tensor<16xf32>) -> tensor<4x16xf32> {
  %w = tfc.constant dense<0.5> : tensor<16x16xf32>
  %n = tfc.layer_norm %h, %g {axis = 1 : i64, epsilon = 1.0e-5 : f32} : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %p = tfc.matmul %n, %w : (tensor<4x16xf32>, tensor<16x16xf32>) -> tensor<4x16xf32>
  %h1 = tfc.add %h, %p : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %h1 : tensor<4x16xf32>
}

// -----

// Not a residual add: the addend does not pass through a matmul or
// attention (x + exp(x)), so keep-residual-f32 lowers it.
// RESID-LABEL: func @not_residual
// RESID: tfc.add %{{.*}} : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
func.func @not_residual(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tfc.exp %x : tensor<4xf32>
  %y = tfc.add %x, %e : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
