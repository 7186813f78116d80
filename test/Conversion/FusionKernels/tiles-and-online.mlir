// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor | FileCheck %s --check-prefix=SIM %}

// The kernels read what tfc-online-softmax and tfc-tile record: a streamed
// softmax marked `tfc.online` makes one pass for its statistics (a running
// max and rescaled sum per thread, merged as pairs across the block)
// instead of two; rows in registers reduce one (max, sum) pair instead of
// a max and then a sum; pinned `tfc.tile`s set the row layout and the flash
// attention tiles, including the A100's default for head dim 128 (blockKV
// 32). The simulator checks each against the reference executor.

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {

// Online, streamed (middle axis), 4 warps: one loop carries (max, sum),
// shuffles merge pairs, a second workgroup buffer holds the warps' sums,
// then the normalising loop.
// CHECK-LABEL: gpu.func @online_middle_axis_0
// CHECK-SAME: workgroup(%[[MAXES:.*]] : memref<4xf32, #gpu.address_space<workgroup>>, %[[SUMS:.*]] : memref<4xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, f32)
// CHECK: math.absf
// CHECK: math.exp
// CHECK-NOT: math.exp
// CHECK: scf.yield
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[SUMS]]
// CHECK: scf.for
// CHECK-NOT: scf.for
// CHECK: gpu.return
// SIM: OK online_middle_axis result 0: max abs error
func.func @online_middle_axis(%x: tensor<3x100x5xf32>) -> tensor<3x100x5xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<3x100x5xf32>) -> tensor<3x100x5xf32> {
  ^bb0(%a: tensor<3x100x5xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.online} : tensor<3x100x5xf32>
    tfc.yield %1 : tensor<3x100x5xf32>
  }
  return %0 : tensor<3x100x5xf32>
}

// The same unmarked: three loops over the row (max, sum, normalise).
// CHECK-LABEL: gpu.func @two_pass_middle_axis_1
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// SIM: OK two_pass_middle_axis result 0: max abs error
func.func @two_pass_middle_axis(%x: tensor<3x100x5xf32>) -> tensor<3x100x5xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<3x100x5xf32>) -> tensor<3x100x5xf32> {
  ^bb0(%a: tensor<3x100x5xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64} : tensor<3x100x5xf32>
    tfc.yield %1 : tensor<3x100x5xf32>
  }
  return %0 : tensor<3x100x5xf32>
}

// Online with a pinned block of 64 threads (2 warps) and a prologue.
// CHECK-LABEL: gpu.func @online_pinned_prologue_2
// CHECK-SAME: tfc.block = array<i64: 64, 1, 1>
// SIM: OK online_pinned_prologue result 0: max abs error
func.func @online_pinned_prologue(%x: tensor<2x300x3xf32>, %y: tensor<2x300x3xf32>) -> tensor<2x300x3xf32> {
  %0 = tfc.fusion "softmax" (%x, %y) : (tensor<2x300x3xf32>, tensor<2x300x3xf32>) -> tensor<2x300x3xf32> {
  ^bb0(%a: tensor<2x300x3xf32>, %b: tensor<2x300x3xf32>):
    %1 = tfc.mul %a, %b : (tensor<2x300x3xf32>, tensor<2x300x3xf32>) -> tensor<2x300x3xf32>
    %2 = tfc.softmax %1 {axis = 1 : i64, tfc.online, tfc.tile = array<i64: 64, 1>} : tensor<2x300x3xf32>
    tfc.yield %2 : tensor<2x300x3xf32>
  }
  return %0 : tensor<2x300x3xf32>
}

// Rows in registers with a pinned layout: 64 threads per row, 4 rows per
// block, a partial last block.
// CHECK-LABEL: gpu.func @rows_pinned_3
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 3, 1, 1>
// SIM: OK rows_pinned result 0: max abs error
func.func @rows_pinned(%x: tensor<10x200xf32>, %g: tensor<200xf32>) -> tensor<10x200xf32> {
  %0 = tfc.fusion "rms_norm" (%x, %g) : (tensor<10x200xf32>, tensor<200xf32>) -> tensor<10x200xf32> {
  ^bb0(%a: tensor<10x200xf32>, %s: tensor<200xf32>):
    %1 = tfc.rms_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-06 : f32, tfc.tile = array<i64: 64, 4>} : (tensor<10x200xf32>, tensor<200xf32>) -> tensor<10x200xf32>
    tfc.yield %1 : tensor<10x200xf32>
  }
  return %0 : tensor<10x200xf32>
}

// Head dim 128 with the A100's tiles (128 query rows, 32 keys), causal
// GQA over 70 keys: partial tiles on both sides.
// CHECK-LABEL: gpu.func @flash_d128_kv32_4
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.dynamic_shared_memory = 69632
// CHECK-SAME: tfc.grid = array<i64: 1, 4, 1>
// PTX-LABEL: .entry flash_d128_kv32_4
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// SIM: OK flash_d128_kv32 result 0: max abs error
func.func @flash_d128_kv32(%q: tensor<1x4x70x128xbf16>, %k: tensor<1x2x70x128xbf16>, %v: tensor<1x2x70x128xbf16>) -> tensor<1x4x70x128xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x4x70x128xbf16>, tensor<1x2x70x128xbf16>, tensor<1x2x70x128xbf16>) -> tensor<1x4x70x128xbf16> {
  ^bb0(%a: tensor<1x4x70x128xbf16>, %b: tensor<1x2x70x128xbf16>, %c: tensor<1x2x70x128xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.0883883461 : f32, causal = true, tfc.flash, tfc.tile = array<i64: 128, 32, 4, 2>} : (tensor<1x4x70x128xbf16>, tensor<1x2x70x128xbf16>, tensor<1x2x70x128xbf16>) -> tensor<1x4x70x128xbf16>
    tfc.yield %1 : tensor<1x4x70x128xbf16>
  }
  return %0 : tensor<1x4x70x128xbf16>
}

// Rows in registers, online: each thread's (max, sum) over its registers,
// one pair reduction (two warps per row: one slot pair per warp, one
// barrier), no second reduction.
// CHECK-LABEL: gpu.func @online_registers_wide_5
// CHECK-SAME: workgroup(%{{.*}} : memref<2x2xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x2xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-COUNT-1: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: gpu.return
// SIM: OK online_registers_wide result 0: max abs error
func.func @online_registers_wide(%x: tensor<7x200xf32>) -> tensor<7x200xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<7x200xf32>) -> tensor<7x200xf32> {
  ^bb0(%a: tensor<7x200xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.online, tfc.tile = array<i64: 64, 2>} : tensor<7x200xf32>
    tfc.yield %1 : tensor<7x200xf32>
  }
  return %0 : tensor<7x200xf32>
}

// The same unmarked: a max reduction, then a sum reduction (two barriers).
// CHECK-LABEL: gpu.func @two_pass_registers_wide_6
// CHECK-COUNT-2: gpu.barrier
// SIM: OK two_pass_registers_wide result 0: max abs error
func.func @two_pass_registers_wide(%x: tensor<7x200xf32>) -> tensor<7x200xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<7x200xf32>) -> tensor<7x200xf32> {
  ^bb0(%a: tensor<7x200xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.tile = array<i64: 64, 2>} : tensor<7x200xf32>
    tfc.yield %1 : tensor<7x200xf32>
  }
  return %0 : tensor<7x200xf32>
}

// Online in one warp per row, bf16 with 16-byte vectors and a bias
// prologue.
// CHECK-LABEL: gpu.func @online_registers_bf16_7
// SIM: OK online_registers_bf16 result 0: max abs error
func.func @online_registers_bf16(%x: tensor<33x136xbf16>, %b: tensor<136xbf16>) -> tensor<33x136xbf16> {
  %0 = tfc.fusion "softmax" (%x, %b) : (tensor<33x136xbf16>, tensor<136xbf16>) -> tensor<33x136xbf16> {
  ^bb0(%a: tensor<33x136xbf16>, %c: tensor<136xbf16>):
    %1 = tfc.add %a, %c : (tensor<33x136xbf16>, tensor<136xbf16>) -> tensor<33x136xbf16>
    %2 = tfc.softmax %1 {axis = 1 : i64, tfc.online} : tensor<33x136xbf16>
    tfc.yield %2 : tensor<33x136xbf16>
  }
  return %0 : tensor<33x136xbf16>
}

// SIM: 8 kernels match the reference
}
