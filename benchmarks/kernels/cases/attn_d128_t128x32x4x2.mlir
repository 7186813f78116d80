// Kernel benchmark case attn_d128_t128x32x4x2 (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<4x16x4096x128xbf16>, %a1: tensor<4x16x4096x128xbf16>, %a2: tensor<4x16x4096x128xbf16>) -> tensor<4x16x4096x128xbf16> {
  %0 = tfc.fusion "attention" (%a0, %a1, %a2) : (tensor<4x16x4096x128xbf16>, tensor<4x16x4096x128xbf16>, tensor<4x16x4096x128xbf16>) -> tensor<4x16x4096x128xbf16> {
  ^bb0(%x0: tensor<4x16x4096x128xbf16>, %x1: tensor<4x16x4096x128xbf16>, %x2: tensor<4x16x4096x128xbf16>):
    %1 = tfc.attention %x0, %x1, %x2 {scale = 0.08838834764831843 : f32, tfc.tile = array<i64: 128, 32, 4, 2>} : (tensor<4x16x4096x128xbf16>, tensor<4x16x4096x128xbf16>, tensor<4x16x4096x128xbf16>) -> tensor<4x16x4096x128xbf16>
    tfc.yield %1 : tensor<4x16x4096x128xbf16>
  }
  return %0 : tensor<4x16x4096x128xbf16>
}
