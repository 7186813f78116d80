// tfc-shard-tensor-parallel refuses an unknown reduce-dtype, at the module.
// RUN: tfc-opt %s --tfc-shard-tensor-parallel="ranks=2 rank=0 reduce-dtype=f16" -verify-diagnostics

// expected-error @+1 {{tfc-shard-tensor-parallel reduce-dtype 'f16' is not supported; expected f32 or low}}
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
