// Kernel benchmark case check_mm_batched_lhs_t (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<3x24x40xbf16>, %a1: tensor<24x48xbf16>) -> tensor<3x40x48xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1) : (tensor<3x24x40xbf16>, tensor<24x48xbf16>) -> tensor<3x40x48xbf16> {
  ^bb0(%x0: tensor<3x24x40xbf16>, %x1: tensor<24x48xbf16>):
    %1 = tfc.matmul %x0, %x1 {transpose_lhs = true} : (tensor<3x24x40xbf16>, tensor<24x48xbf16>) -> tensor<3x40x48xbf16>
    tfc.yield %1 : tensor<3x40x48xbf16>
  }
  return %0 : tensor<3x40x48xbf16>
}
