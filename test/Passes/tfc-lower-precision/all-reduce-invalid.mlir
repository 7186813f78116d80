// tfc-lower-precision refuses an unknown all-reduce-dtype, at the function.
// RUN: tfc-opt %s --tfc-lower-precision="dtype=bf16 all-reduce-dtype=bf16" -verify-diagnostics

// expected-error @+1 {{tfc-lower-precision all-reduce-dtype 'bf16' is not supported; expected f32 or low}}
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
