// Kernel benchmark case softmax_16k_4k (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<16384x4096xbf16>) -> tensor<16384x4096xbf16> {
  %0 = tfc.fusion "softmax" (%a0) : (tensor<16384x4096xbf16>) -> tensor<16384x4096xbf16> {
  ^bb0(%x0: tensor<16384x4096xbf16>):
    %1 = tfc.softmax %x0 {axis = 1 : i64} : tensor<16384x4096xbf16>
    tfc.yield %1 : tensor<16384x4096xbf16>
  }
  return %0 : tensor<16384x4096xbf16>
}
