// Kernel benchmark case gpt2_mlp_up_t128x256x32x2x4x4 (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<8192x768xbf16>, %a1: tensor<768x3072xbf16>) -> tensor<8192x3072xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1) : (tensor<8192x768xbf16>, tensor<768x3072xbf16>) -> tensor<8192x3072xbf16> {
  ^bb0(%x0: tensor<8192x768xbf16>, %x1: tensor<768x3072xbf16>):
    %1 = tfc.matmul %x0, %x1 {tfc.tile = array<i64: 128, 256, 32, 2, 4, 4>} : (tensor<8192x768xbf16>, tensor<768x3072xbf16>) -> tensor<8192x3072xbf16>
    tfc.yield %1 : tensor<8192x3072xbf16>
  }
  return %0 : tensor<8192x3072xbf16>
}
