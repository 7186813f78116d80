// Kernel benchmark case check_mm_rhs_t_odd_n (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<130x64xbf16>, %a1: tensor<75x64xbf16>, %a2: tensor<75xbf16>) -> tensor<130x75xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1, %a2) : (tensor<130x64xbf16>, tensor<75x64xbf16>, tensor<75xbf16>) -> tensor<130x75xbf16> {
  ^bb0(%x0: tensor<130x64xbf16>, %x1: tensor<75x64xbf16>, %x2: tensor<75xbf16>):
    %1 = tfc.matmul %x0, %x1 {transpose_rhs = true} : (tensor<130x64xbf16>, tensor<75x64xbf16>) -> tensor<130x75xbf16>
    %2 = tfc.add %1, %x2 : (tensor<130x75xbf16>, tensor<75xbf16>) -> tensor<130x75xbf16>
    tfc.yield %2 : tensor<130x75xbf16>
  }
  return %0 : tensor<130x75xbf16>
}
