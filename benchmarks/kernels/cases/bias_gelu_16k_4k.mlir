// Kernel benchmark case bias_gelu_16k_4k (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<16384x4096xbf16>, %a1: tensor<4096xbf16>) -> tensor<16384x4096xbf16> {
  %0 = tfc.fusion "gelu" (%a0, %a1) : (tensor<16384x4096xbf16>, tensor<4096xbf16>) -> tensor<16384x4096xbf16> {
  ^bb0(%x0: tensor<16384x4096xbf16>, %x1: tensor<4096xbf16>):
    %b = tfc.add %x0, %x1 : (tensor<16384x4096xbf16>, tensor<4096xbf16>) -> tensor<16384x4096xbf16>
    %1 = tfc.gelu %b approximate = tanh : tensor<16384x4096xbf16>
    tfc.yield %1 : tensor<16384x4096xbf16>
  }
  return %0 : tensor<16384x4096xbf16>
}
