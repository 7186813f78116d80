// Kernel benchmark case check_softmax_4097 (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<64x4097xf32>) -> tensor<64x4097xf32> {
  %0 = tfc.fusion "softmax" (%a0) : (tensor<64x4097xf32>) -> tensor<64x4097xf32> {
  ^bb0(%x0: tensor<64x4097xf32>):
    %1 = tfc.softmax %x0 {axis = 1 : i64} : tensor<64x4097xf32>
    tfc.yield %1 : tensor<64x4097xf32>
  }
  return %0 : tensor<64x4097xf32>
}
