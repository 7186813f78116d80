// The #tfc.target attribute: round trip (custom and generic form) and every
// verifier error. Chunks that fail print nothing; the others are checked.
// RUN: tfc-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: tfc-opt %s -split-input-file -verify-diagnostics --mlir-print-op-generic \
// RUN:   | tfc-opt -split-input-file | FileCheck %s

// CHECK: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// Fields parse in any order and print in declaration order; a zero peak rate
// (no fp8 on sm_80) and smem_per_block == smem_per_sm are accepted.
// CHECK-LABEL: func @any_field_order
// CHECK-SAME: tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>
func.func @any_field_order() attributes {tfc.target = #tfc.target<peak_flops_fp8 = 0, arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000>} {
  return
}

// -----

// CHECK-LABEL: func @arch_with_suffix_letter
// CHECK-SAME: tfc.target = #tfc.target<arch = "sm_100f", sm_count = 132, smem_per_block = 233472, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>
func.func @arch_with_suffix_letter() attributes {tfc.target = #tfc.target<arch = "sm_100f", sm_count = 132, smem_per_block = 233472, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
  return
}

// -----

// arch_not_sm
// expected-error @+1 {{target arch must look like sm_<NN>[a], got 'gfx90a'}}
module attributes {tfc.target = #tfc.target<arch = "gfx90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// arch_without_number
// expected-error @+1 {{target arch must look like sm_<NN>[a], got 'sm_'}}
module attributes {tfc.target = #tfc.target<arch = "sm_", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// arch_two_letters
// expected-error @+1 {{target arch must look like sm_<NN>[a], got 'sm_90ab'}}
module attributes {tfc.target = #tfc.target<arch = "sm_90ab", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// arch_upper_suffix
// expected-error @+1 {{target arch must look like sm_<NN>[a], got 'sm_90A'}}
module attributes {tfc.target = #tfc.target<arch = "sm_90A", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// sm_count_zero
// expected-error @+1 {{target sm_count must be positive, got 0}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 0, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// smem_per_block_zero
// expected-error @+1 {{target smem_per_block must be positive, got 0}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 0, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// smem_per_sm_negative
// expected-error @+1 {{target smem_per_sm must be positive, got -1}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = -1, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// regs_per_sm_zero
// expected-error @+1 {{target regs_per_sm must be positive, got 0}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 0, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// l2_bytes_zero
// expected-error @+1 {{target l2_bytes must be positive, got 0}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 0, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// smem_per_block_exceeds_sm
// expected-error @+1 {{target smem_per_block (233473) exceeds smem_per_sm (233472)}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 233473, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// hbm_zero
// expected-error @+1 {{target hbm_bytes_per_second must be positive, got 0}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 0, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// peak_f32_negative
// expected-error @+1 {{target peak_flops_f32 must be non-negative, got -1}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = -1, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// peak_f16_negative
// expected-error @+1 {{target peak_flops_f16 must be non-negative, got -1}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = -1, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// peak_bf16_negative
// expected-error @+1 {{target peak_flops_bf16 must be non-negative, got -5}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = -5, peak_flops_fp8 = 1979000000000000>} {
}

// -----

// peak_fp8_negative
// expected-error @+1 {{target peak_flops_fp8 must be non-negative, got -1}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = -1>} {
}

// -----

// expected-error @+1 {{duplicate or unknown struct parameter name: peak_flops_fp4}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 1, peak_flops_f16 = 1, peak_flops_bf16 = 1, peak_flops_fp4 = 1>} {
}

// -----

// A missing field is a parse error (every field is required).
// expected-error @+1 {{expected ','}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000>} {
}
