// tfc-lower-precision rejects an unknown fp8 mode.
// RUN: tfc-opt %s --tfc-lower-precision="dtype=bf16 fp8=per-row" -verify-diagnostics

// expected-error @+1 {{tfc-lower-precision fp8 'per-row' is not supported; expected none, per-tensor or per-channel}}
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = tfc.constant dense<1.0> : tensor<2x2xf32>
  %y = tfc.matmul %x, %w : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
