// The error is reported at the module, so -verify-diagnostics can pin it.
// RUN: tfc-opt %s --tfc-set-target='overrides=smem_per_block=300000' -verify-diagnostics

// expected-error @+1 {{target smem_per_block (300000) exceeds smem_per_sm (233472)}}
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = tfc.exp %x : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
