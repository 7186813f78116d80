// tfc-lower-precision rejects an unknown dtype and runs before fusion.
// RUN: not tfc-opt %s --tfc-lower-precision=dtype=fp8 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not tfc-opt %s -split-input-file --tfc-lower-precision 2>&1 | FileCheck %s --check-prefix=FUSED
// DTYPE: error: tfc-lower-precision dtype 'fp8' is not supported; expected bf16, f16 or f32
// FUSED: error: 'tfc.fusion' op is already formed; tfc-lower-precision runs before fusion
func.func @fused(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tfc.fusion "exp" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %1 = tfc.exp %a : tensor<4xf32>
    tfc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
