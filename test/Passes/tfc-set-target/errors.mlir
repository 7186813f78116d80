// tfc-set-target errors: each names the offending preset, field or value.
// RUN: not tfc-opt %s --tfc-set-target=preset=sm_91 2>&1 | FileCheck %s --check-prefix=PRESET
// RUN: not tfc-opt %s '--tfc-set-target=overrides=smem_per_bloc=1' 2>&1 | FileCheck %s --check-prefix=FIELD
// RUN: not tfc-opt %s '--tfc-set-target=overrides=sm_count' 2>&1 | FileCheck %s --check-prefix=FORM
// RUN: not tfc-opt %s '--tfc-set-target=overrides=sm_count=many' 2>&1 | FileCheck %s --check-prefix=NOT-INT
// RUN: not tfc-opt %s '--tfc-set-target=overrides=sm_count=' 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not tfc-opt %s '--tfc-set-target=overrides=hbm_bytes_per_second=3.35e-1' 2>&1 | FileCheck %s --check-prefix=FRACTION
// RUN: not tfc-opt %s '--tfc-set-target=overrides=l2_bytes=1e30' 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not tfc-opt %s '--tfc-set-target=overrides=l2_bytes=nan' 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: not tfc-opt %s '--tfc-set-target=overrides=smem_per_block=300000' 2>&1 | FileCheck %s --check-prefix=SMEM
// RUN: not tfc-opt %s '--tfc-set-target=preset=sm_80 overrides=sm_count=-4' 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not tfc-opt %s '--tfc-set-target=overrides=peak_flops_fp8=-1' 2>&1 | FileCheck %s --check-prefix=PEAK
// RUN: not tfc-opt %s '--tfc-set-target=overrides=arch=gfx942' 2>&1 | FileCheck %s --check-prefix=ARCH
// An error leaves the module without a target (nothing is printed).
// RUN: not tfc-opt %s --tfc-set-target=preset=sm_91 2>/dev/null | count 0

// PRESET: error: unknown target preset 'sm_91'; expected one of sm_80, sm_90a, sm_90a-h200
// FIELD: error: unknown target field 'smem_per_bloc'; expected one of arch, sm_count, smem_per_block, smem_per_sm, regs_per_sm, l2_bytes, hbm_bytes_per_second, peak_flops_f32, peak_flops_f16, peak_flops_bf16, peak_flops_fp8
// FORM: error: target override 'sm_count' must have the form field=value
// NOT-INT: error: target field 'sm_count' expects an integer, got 'many'
// EMPTY: error: target field 'sm_count' expects an integer, got ''
// FRACTION: error: target field 'hbm_bytes_per_second' expects an integer, got '3.35e-1'
// HUGE: error: target field 'l2_bytes' expects an integer, got '1e30'
// NAN: error: target field 'l2_bytes' expects an integer, got 'nan'
// SMEM: error: target smem_per_block (300000) exceeds smem_per_sm (233472)
// NEGATIVE: error: target sm_count must be positive, got -4
// PEAK: error: target peak_flops_fp8 must be non-negative, got -1
// ARCH: error: target arch must look like sm_<NN>[a], got 'gfx942'

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tfc.exp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
