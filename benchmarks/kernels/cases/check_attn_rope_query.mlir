// Kernel benchmark case check_attn_rope_query (benchmarks/kernels/gen_cases.py).
func.func @main(%a0: tensor<2x200x8x64xbf16>, %a1: tensor<200x64xbf16>, %a2: tensor<200x64xbf16>, %a3: tensor<2x2x200x64xbf16>, %a4: tensor<2x2x200x64xbf16>) -> tensor<2x8x200x64xbf16> {
  %0 = tfc.fusion "attention" (%a0, %a1, %a2, %a3, %a4) : (tensor<2x200x8x64xbf16>, tensor<200x64xbf16>, tensor<200x64xbf16>, tensor<2x2x200x64xbf16>, tensor<2x2x200x64xbf16>) -> tensor<2x8x200x64xbf16> {
  ^bb0(%x0: tensor<2x200x8x64xbf16>, %x1: tensor<200x64xbf16>, %x2: tensor<200x64xbf16>, %x3: tensor<2x2x200x64xbf16>, %x4: tensor<2x2x200x64xbf16>):
    %t = tfc.transpose %x0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x200x8x64xbf16>) -> tensor<2x8x200x64xbf16>
    %q = tfc.rope %t, %x1, %x2 : (tensor<2x8x200x64xbf16>, tensor<200x64xbf16>, tensor<200x64xbf16>) -> tensor<2x8x200x64xbf16>
    %1 = tfc.attention %q, %x3, %x4 {scale = 0.125 : f32, causal = true} : (tensor<2x8x200x64xbf16>, tensor<2x2x200x64xbf16>, tensor<2x2x200x64xbf16>) -> tensor<2x8x200x64xbf16>
    tfc.yield %1 : tensor<2x8x200x64xbf16>
  }
  return %0 : tensor<2x8x200x64xbf16>
}
