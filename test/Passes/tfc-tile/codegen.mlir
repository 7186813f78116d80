// The codegen builds the kernels with the tiles tfc-tile records: the same
// fusions, once with the chosen tiles and once pinned by hand, give
// different launch shapes (and kernels).
// RUN: tfc-opt %s -split-input-file --tfc-tile --tfc-test-emit-fusion-kernels | FileCheck %s

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {

// Chosen: a warp per row of 768, one row per block (64 rows on 132 SMs).
// CHECK-LABEL: gpu.func @softmax_chosen_0
// CHECK-SAME: tfc.block = array<i64: 32, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 64, 1, 1>
func.func @softmax_chosen(%x: tensor<64x768xf32>) -> tensor<64x768xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<64x768xf32>) -> tensor<64x768xf32> {
  ^bb0(%a: tensor<64x768xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.online} : tensor<64x768xf32>
    tfc.yield %1 : tensor<64x768xf32>
  }
  return %0 : tensor<64x768xf32>
}

// Pinned: two warps per row, four rows per block; the rows' partial
// results meet in workgroup memory.
// CHECK-LABEL: gpu.func @softmax_pinned_1
// CHECK-SAME: workgroup(%{{.*}} : memref<4x2xf32, #gpu.address_space<workgroup>>
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 16, 1, 1>
func.func @softmax_pinned(%x: tensor<64x768xf32>) -> tensor<64x768xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<64x768xf32>) -> tensor<64x768xf32> {
  ^bb0(%a: tensor<64x768xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.online, tfc.tile = array<i64: 64, 4>} : tensor<64x768xf32>
    tfc.yield %1 : tensor<64x768xf32>
  }
  return %0 : tensor<64x768xf32>
}

// A streamed row (middle axis) with a pinned block of 256 threads.
// CHECK-LABEL: gpu.func @softmax_streamed_pinned_2
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 32, 1, 1>
func.func @softmax_streamed_pinned(%x: tensor<4x1000x8xf32>) -> tensor<4x1000x8xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<4x1000x8xf32>) -> tensor<4x1000x8xf32> {
  ^bb0(%a: tensor<4x1000x8xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.tile = array<i64: 256, 1>} : tensor<4x1000x8xf32>
    tfc.yield %1 : tensor<4x1000x8xf32>
  }
  return %0 : tensor<4x1000x8xf32>
}

// Flash attention, chosen 64 x 64 tiles (4 warps) vs pinned 32 x 32 (2 warps).
// CHECK-LABEL: gpu.func @attention_chosen_3
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 4, 8, 1>
func.func @attention_chosen(%q: tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  ^bb0(%a: tensor<1x8x256x64xbf16>):
    %1 = tfc.attention %a, %a, %a {scale = 0.125 : f32, causal = true, tfc.flash} : (tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16>
    tfc.yield %1 : tensor<1x8x256x64xbf16>
  }
  return %0 : tensor<1x8x256x64xbf16>
}

// CHECK-LABEL: gpu.func @attention_pinned_4
// CHECK-SAME: tfc.block = array<i64: 64, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 8, 8, 1>
func.func @attention_pinned(%q: tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  ^bb0(%a: tensor<1x8x256x64xbf16>):
    %1 = tfc.attention %a, %a, %a {scale = 0.125 : f32, causal = true, tfc.flash, tfc.tile = array<i64: 32, 32, 2, 2>} : (tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16>
    tfc.yield %1 : tensor<1x8x256x64xbf16>
  }
  return %0 : tensor<1x8x256x64xbf16>
}
}
