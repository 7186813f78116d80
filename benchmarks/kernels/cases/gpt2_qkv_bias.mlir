// Kernel benchmark case gpt2_qkv_bias (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<8192x768xbf16>, %a1: tensor<768x2304xbf16>, %a2: tensor<2304xbf16>) -> tensor<8192x2304xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1, %a2) : (tensor<8192x768xbf16>, tensor<768x2304xbf16>, tensor<2304xbf16>) -> tensor<8192x2304xbf16> {
  ^bb0(%x0: tensor<8192x768xbf16>, %x1: tensor<768x2304xbf16>, %x2: tensor<2304xbf16>):
    %1 = tfc.matmul %x0, %x1 : (tensor<8192x768xbf16>, tensor<768x2304xbf16>) -> tensor<8192x2304xbf16>
    %2 = tfc.add %1, %x2 : (tensor<8192x2304xbf16>, tensor<2304xbf16>) -> tensor<8192x2304xbf16>
    tfc.yield %2 : tensor<8192x2304xbf16>
  }
  return %0 : tensor<8192x2304xbf16>
}
