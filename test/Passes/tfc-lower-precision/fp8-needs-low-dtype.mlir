// tfc-lower-precision with fp8 needs bf16 or f16 for the rest of the
// function (the scaled matmuls return that type).
// RUN: tfc-opt %s --tfc-lower-precision="dtype=f32 fp8=per-tensor" -verify-diagnostics

// expected-error @+1 {{tfc-lower-precision fp8=per-tensor needs dtype=bf16 or dtype=f16 for the ops around the fp8 matmuls, got dtype=f32}}
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = tfc.constant dense<1.0> : tensor<2x2xf32>
  %y = tfc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
