// Kernel benchmark case check_bias_gelu (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<1000x1000xbf16>, %a1: tensor<1000xbf16>) -> tensor<1000x1000xbf16> {
  %0 = tfc.fusion "gelu" (%a0, %a1) : (tensor<1000x1000xbf16>, tensor<1000xbf16>) -> tensor<1000x1000xbf16> {
  ^bb0(%x0: tensor<1000x1000xbf16>, %x1: tensor<1000xbf16>):
    %b = tfc.add %x0, %x1 : (tensor<1000x1000xbf16>, tensor<1000xbf16>) -> tensor<1000x1000xbf16>
    %1 = tfc.gelu %b approximate = tanh : tensor<1000x1000xbf16>
    tfc.yield %1 : tensor<1000x1000xbf16>
  }
  return %0 : tensor<1000x1000xbf16>
}
