// tfc-set-target: presets, overrides and an existing target.
// The first module has no target, the second one a hand-written sm_89 target.
//
// Without a preset, a module without a target gets sm_90a and an existing
// target is kept.
// RUN: tfc-opt %s -split-input-file --tfc-set-target | FileCheck %s --check-prefix=DEFAULT
// An explicit preset replaces an existing target.
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_80 | FileCheck %s --check-prefix=SM80
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_90a | FileCheck %s --check-prefix=SM90A
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_90a-h200 | FileCheck %s --check-prefix=H200
// Overrides without a preset apply on top of the existing target (or sm_90a).
// RUN: tfc-opt %s -split-input-file '--tfc-set-target=overrides=smem_per_block=101376,l2_bytes=41943040' \
// RUN:   | FileCheck %s --check-prefix=OVERRIDE
// Overrides on top of an explicit preset, in scientific and hex notation.
// RUN: tfc-opt %s -split-input-file '--tfc-set-target=preset=sm_90a-h200 overrides=hbm_bytes_per_second=3.35e12,sm_count=0x84,peak_flops_fp8=0' \
// RUN:   | FileCheck %s --check-prefix=SCI
// Every field can be overridden, each into its own slot.
// RUN: tfc-opt %s -split-input-file '--tfc-set-target=preset=sm_80 overrides=arch=sm_100a,sm_count=1,smem_per_block=2,smem_per_sm=3,regs_per_sm=4,l2_bytes=5,hbm_bytes_per_second=6,peak_flops_f32=7,peak_flops_f16=8,peak_flops_bf16=9,peak_flops_fp8=10' \
// RUN:   | FileCheck %s --check-prefix=ALL
// Raising both shared-memory limits works in either order: the overrides are
// applied together and verified once.
// RUN: tfc-opt %s -split-input-file '--tfc-set-target=preset=sm_80 overrides=smem_per_sm=233472,smem_per_block=232448' \
// RUN:   | FileCheck %s --check-prefix=SMEM
// RUN: tfc-opt %s -split-input-file '--tfc-set-target=preset=sm_80 overrides=smem_per_block=232448,smem_per_sm=233472' \
// RUN:   | FileCheck %s --check-prefix=SMEM

// DEFAULT: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
// DEFAULT-NEXT: func.func @no_target
// SM80: module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>}
// SM80-NEXT: func.func @no_target
// SM90A: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
// SM90A-NEXT: func.func @no_target
// H200: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 62914560, hbm_bytes_per_second = 4800000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
// H200-NEXT: func.func @no_target
// OVERRIDE: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 101376, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
// OVERRIDE-NEXT: func.func @no_target
// SCI: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 62914560, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 0>}
// SCI-NEXT: func.func @no_target
// ALL: module attributes {tfc.target = #tfc.target<arch = "sm_100a", sm_count = 1, smem_per_block = 2, smem_per_sm = 3, regs_per_sm = 4, l2_bytes = 5, hbm_bytes_per_second = 6, peak_flops_f32 = 7, peak_flops_f16 = 8, peak_flops_bf16 = 9, peak_flops_fp8 = 10>}
// ALL-NEXT: func.func @no_target
// SMEM: module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>}
// SMEM-NEXT: func.func @no_target
func.func @no_target(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tfc.exp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// DEFAULT: module attributes {tfc.target = #tfc.target<arch = "sm_89", sm_count = 84, smem_per_block = 101376, smem_per_sm = 102400, regs_per_sm = 65536, l2_bytes = 33554432, hbm_bytes_per_second = 1000000000000, peak_flops_f32 = 1000000000, peak_flops_f16 = 2000000000, peak_flops_bf16 = 3000000000, peak_flops_fp8 = 0>}
// DEFAULT-NEXT: func.func @existing_target
// SM80: module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>}
// SM80-NEXT: func.func @existing_target
// SM90A: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
// SM90A-NEXT: func.func @existing_target
// H200: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 62914560, hbm_bytes_per_second = 4800000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>}
// H200-NEXT: func.func @existing_target
// OVERRIDE: module attributes {tfc.target = #tfc.target<arch = "sm_89", sm_count = 84, smem_per_block = 101376, smem_per_sm = 102400, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 1000000000000, peak_flops_f32 = 1000000000, peak_flops_f16 = 2000000000, peak_flops_bf16 = 3000000000, peak_flops_fp8 = 0>}
// OVERRIDE-NEXT: func.func @existing_target
// SCI: module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 62914560, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 0>}
// SCI-NEXT: func.func @existing_target
module attributes {tfc.target = #tfc.target<arch = "sm_89", sm_count = 84, smem_per_block = 101376, smem_per_sm = 102400, regs_per_sm = 65536, l2_bytes = 33554432, hbm_bytes_per_second = 1000000000000, peak_flops_f32 = 1000000000, peak_flops_f16 = 2000000000, peak_flops_bf16 = 3000000000, peak_flops_fp8 = 0>} {
  func.func @existing_target(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = tfc.exp %x : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
