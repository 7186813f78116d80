// Kernel benchmark case gpt2_mlp_down_bias_residual (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<8192x3072xbf16>, %a1: tensor<3072x768xbf16>, %a2: tensor<768xbf16>, %a3: tensor<8192x768xbf16>) -> tensor<8192x768xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1, %a2, %a3) : (tensor<8192x3072xbf16>, tensor<3072x768xbf16>, tensor<768xbf16>, tensor<8192x768xbf16>) -> tensor<8192x768xbf16> {
  ^bb0(%x0: tensor<8192x3072xbf16>, %x1: tensor<3072x768xbf16>, %x2: tensor<768xbf16>, %x3: tensor<8192x768xbf16>):
    %1 = tfc.matmul %x0, %x1 : (tensor<8192x3072xbf16>, tensor<3072x768xbf16>) -> tensor<8192x768xbf16>
    %2 = tfc.add %1, %x2 : (tensor<8192x768xbf16>, tensor<768xbf16>) -> tensor<8192x768xbf16>
    %3 = tfc.add %2, %x3 : (tensor<8192x768xbf16>, tensor<8192x768xbf16>) -> tensor<8192x768xbf16>
    tfc.yield %3 : tensor<8192x768xbf16>
  }
  return %0 : tensor<8192x768xbf16>
}
