// Kernel benchmark case check_mm_tails (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<200x136xbf16>, %a1: tensor<136x72xbf16>, %a2: tensor<72xbf16>) -> tensor<200x72xbf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1, %a2) : (tensor<200x136xbf16>, tensor<136x72xbf16>, tensor<72xbf16>) -> tensor<200x72xbf16> {
  ^bb0(%x0: tensor<200x136xbf16>, %x1: tensor<136x72xbf16>, %x2: tensor<72xbf16>):
    %1 = tfc.matmul %x0, %x1 : (tensor<200x136xbf16>, tensor<136x72xbf16>) -> tensor<200x72xbf16>
    %2 = tfc.add %1, %x2 : (tensor<200x72xbf16>, tensor<72xbf16>) -> tensor<200x72xbf16>
    tfc.yield %2 : tensor<200x72xbf16>
  }
  return %0 : tensor<200x72xbf16>
}
