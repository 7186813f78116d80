// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfc-test-emit-fusion-kernels

// The attention kernel that takes no tiles refuses a pinned one rather than
// ignoring it (f32: one query row per thread).
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @f32_attention_pinned(%q: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  ^bb0(%a: tensor<1x2x8x16xf32>):
    // expected-error @+1 {{'tfc.attention' op 'tfc.tile' pins the tiles of the tensor-core flash attention kernel, which needs 16-bit q, k and v read from kernel arguments, head dims multiples of 16 up to 256, no alibi and sm_80+; this attention runs one query row per thread and takes no tiles}}
    %1 = tfc.attention %a, %a, %a {scale = 0.25 : f32, tfc.flash, tfc.tile = array<i64: 64, 64, 4, 2>} : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
    tfc.yield %1 : tensor<1x2x8x16xf32>
  }
  return %0 : tensor<1x2x8x16xf32>
}
}
