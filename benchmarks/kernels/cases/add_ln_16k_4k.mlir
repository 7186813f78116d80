// Kernel benchmark case add_ln_16k_4k (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<16384x4096xbf16>, %a1: tensor<16384x4096xbf16>, %a2: tensor<4096xbf16>, %a3: tensor<4096xbf16>) -> tensor<16384x4096xbf16> {
  %0 = tfc.fusion "layer_norm" (%a0, %a1, %a2, %a3) : (tensor<16384x4096xbf16>, tensor<16384x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>) -> tensor<16384x4096xbf16> {
  ^bb0(%x0: tensor<16384x4096xbf16>, %x1: tensor<16384x4096xbf16>, %x2: tensor<4096xbf16>, %x3: tensor<4096xbf16>):
    %r = tfc.add %x0, %x1 : (tensor<16384x4096xbf16>, tensor<16384x4096xbf16>) -> tensor<16384x4096xbf16>
    %1 = tfc.layer_norm %r, %x2, %x3 {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<16384x4096xbf16>, tensor<4096xbf16>, tensor<4096xbf16>) -> tensor<16384x4096xbf16>
    tfc.yield %1 : tensor<16384x4096xbf16>
  }
  return %0 : tensor<16384x4096xbf16>
}
