// Kernel benchmark case gpt2_ln (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<8192x768xbf16>, %a1: tensor<768xbf16>, %a2: tensor<768xbf16>) -> tensor<8192x768xbf16> {
  %0 = tfc.fusion "layer_norm" (%a0, %a1, %a2) : (tensor<8192x768xbf16>, tensor<768xbf16>, tensor<768xbf16>) -> tensor<8192x768xbf16> {
  ^bb0(%x0: tensor<8192x768xbf16>, %x1: tensor<768xbf16>, %x2: tensor<768xbf16>):
    %1 = tfc.layer_norm %x0, %x1, %x2 {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<8192x768xbf16>, tensor<768xbf16>, tensor<768xbf16>) -> tensor<8192x768xbf16>
    tfc.yield %1 : tensor<8192x768xbf16>
  }
  return %0 : tensor<8192x768xbf16>
}
