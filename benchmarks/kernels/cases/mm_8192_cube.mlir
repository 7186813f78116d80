// Kernel benchmark case mm_8192_cube (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<8192x8192xbf16>, %a1: tensor<8192x8192xbf16>) -> tensor<8192x8192xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1) : (tensor<8192x8192xbf16>, tensor<8192x8192xbf16>) -> tensor<8192x8192xbf16> {
  ^bb0(%x0: tensor<8192x8192xbf16>, %x1: tensor<8192x8192xbf16>):
    %1 = tfc.matmul %x0, %x1 : (tensor<8192x8192xbf16>, tensor<8192x8192xbf16>) -> tensor<8192x8192xbf16>
    tfc.yield %1 : tensor<8192x8192xbf16>
  }
  return %0 : tensor<8192x8192xbf16>
}
