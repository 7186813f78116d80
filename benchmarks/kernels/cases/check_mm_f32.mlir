// Kernel benchmark case check_mm_f32 (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<33x17xf32>, %a1: tensor<17x20xf32>) -> tensor<33x20xf32> {
  %0 = tfc.fusion "matmul" (%a0, %a1) : (tensor<33x17xf32>, tensor<17x20xf32>) -> tensor<33x20xf32> {
  ^bb0(%x0: tensor<33x17xf32>, %x1: tensor<17x20xf32>):
    %1 = tfc.matmul %x0, %x1 : (tensor<33x17xf32>, tensor<17x20xf32>) -> tensor<33x20xf32>
    tfc.yield %1 : tensor<33x20xf32>
  }
  return %0 : tensor<33x20xf32>
}
