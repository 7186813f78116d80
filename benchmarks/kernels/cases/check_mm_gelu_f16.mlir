// Kernel benchmark case check_mm_gelu_f16 (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<96x200xf16>, %a1: tensor<200x136xf16>, %a2: tensor<136xf16>) -> tensor<96x136xf16> {
  %0 = tfc.fusion "matmul" (%a0, %a1, %a2) : (tensor<96x200xf16>, tensor<200x136xf16>, tensor<136xf16>) -> tensor<96x136xf16> {
  ^bb0(%x0: tensor<96x200xf16>, %x1: tensor<200x136xf16>, %x2: tensor<136xf16>):
    %1 = tfc.matmul %x0, %x1 : (tensor<96x200xf16>, tensor<200x136xf16>) -> tensor<96x136xf16>
    %2 = tfc.add %1, %x2 : (tensor<96x136xf16>, tensor<136xf16>) -> tensor<96x136xf16>
    %3 = tfc.gelu %2 approximate = tanh : tensor<96x136xf16>
    tfc.yield %3 : tensor<96x136xf16>
  }
  return %0 : tensor<96x136xf16>
}
