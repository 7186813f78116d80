// Kernel benchmark case llama_attn_gqa_t64x64x4x2x2 (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<1x32x2048x64xbf16>, %a1: tensor<1x4x2048x64xbf16>, %a2: tensor<1x4x2048x64xbf16>) -> tensor<1x32x2048x64xbf16> {
  %0 = tfc.fusion "attention" (%a0, %a1, %a2) : (tensor<1x32x2048x64xbf16>, tensor<1x4x2048x64xbf16>, tensor<1x4x2048x64xbf16>) -> tensor<1x32x2048x64xbf16> {
  ^bb0(%x0: tensor<1x32x2048x64xbf16>, %x1: tensor<1x4x2048x64xbf16>, %x2: tensor<1x4x2048x64xbf16>):
    %1 = tfc.attention %x0, %x1, %x2 {scale = 0.125 : f32, tfc.tile = array<i64: 64, 64, 4, 2, 2>, causal = true} : (tensor<1x32x2048x64xbf16>, tensor<1x4x2048x64xbf16>, tensor<1x4x2048x64xbf16>) -> tensor<1x32x2048x64xbf16>
    tfc.yield %1 : tensor<1x32x2048x64xbf16>
  }
  return %0 : tensor<1x32x2048x64xbf16>
}
