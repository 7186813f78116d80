// RUN: tfc-opt %s -split-input-file --tfc-test-emit-fusion-kernels=tensor-maps=true -verify-diagnostics | FileCheck %s

// `tfc.tile` for the wgmma + TMA matmul (KernelConfig.cpp): 3 values
// (blockM, blockN, stages) pin it; 6 values pin mma.sync (matmul-wgmma.mlir).

// tfc.tile with 3 values pins the wgmma tile: one warpgroup, m64n256k16,
// three stages.
// CHECK-LABEL: gpu.func @pinned_64x256_0
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.dynamic_shared_memory = 122880
// CHECK-SAME: tfc.grid = array<i64: 3, 5, 1>
// CHECK: num_barriers = 3
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>
func.func @pinned_64x256(%a: tensor<300x264xbf16>, %b: tensor<264x520xbf16>) -> tensor<300x520xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<300x264xbf16>, tensor<264x520xbf16>) -> tensor<300x520xbf16> {
  ^bb0(%x: tensor<300x264xbf16>, %y: tensor<264x520xbf16>):
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 256, 3>} : (tensor<300x264xbf16>, tensor<264x520xbf16>) -> tensor<300x520xbf16>
    tfc.yield %1 : tensor<300x520xbf16>
  }
  return %0 : tensor<300x520xbf16>
}


// -----

// blockN must be a multiple of 64 (64-column TMA boxes of an N-major B).
func.func @bad_block_n(%a: tensor<128x64xbf16>, %b: tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  ^bb0(%x: tensor<128x64xbf16>, %y: tensor<64x128xbf16>):
    // expected-error @+1 {{'tfc.tile' is invalid: blockN must be 64, 128, 192 or 256 (wgmma n <= 256, TMA boxes of 64 columns)}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 128, 100, 3>} : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16>
    tfc.yield %1 : tensor<128x128xbf16>
  }
  return %0 : tensor<128x128xbf16>
}

// -----

// The stages must fit the target's shared memory per block.
func.func @too_many_stages(%a: tensor<128x64xbf16>, %b: tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  ^bb0(%x: tensor<128x64xbf16>, %y: tensor<64x128xbf16>):
    // expected-error @+1 {{'tfc.tile' is invalid: tile needs 246784 bytes of shared memory; the target allows 232448 per block}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 128, 256, 5>} : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16>
    tfc.yield %1 : tensor<128x128xbf16>
  }
  return %0 : tensor<128x128xbf16>
}

// -----

// A 3-value tile on an operand TMA cannot read (K = 20: rows of 40 bytes).
func.func @pinned_unaligned(%a: tensor<64x20xbf16>, %b: tensor<20x64xbf16>) -> tensor<64x64xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x20xbf16>, tensor<20x64xbf16>) -> tensor<64x64xbf16> {
  ^bb0(%x: tensor<64x20xbf16>, %y: tensor<20x64xbf16>):
    // expected-error @+1 {{'tfc.tile' with 3 or 4 values pins the wgmma + TMA family, which needs an sm_90a target, a kernel that can take tensor maps, 16-bit operands read from kernel arguments with rows a multiple of 8 elements and an untransposed lhs}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 64, 2>} : (tensor<64x20xbf16>, tensor<20x64xbf16>) -> tensor<64x64xbf16>
    tfc.yield %1 : tensor<64x64xbf16>
  }
  return %0 : tensor<64x64xbf16>
}

// -----

// sm_80 has no wgmma: a 3-value tile there is an error.
module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>} {
func.func @pinned_sm80(%a: tensor<128x64xbf16>, %b: tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  ^bb0(%x: tensor<128x64xbf16>, %y: tensor<64x128xbf16>):
    // expected-error @+1 {{'tfc.tile' with 3 or 4 values pins the wgmma + TMA family, which needs an sm_90a target}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 128, 128, 2>} : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16>
    tfc.yield %1 : tensor<128x128xbf16>
  }
  return %0 : tensor<128x128xbf16>
}
}

// -----

// A 4th value of 1 pins the persistent schedule: min(tiles, SMs) blocks
// (here 33 x 17 tiles over the preset's 132 SMs), each looping over its
// tiles; the epilogue tile follows the stages in shared memory
// (2 x 32768 + 128 x 136 x 2 bytes).
// CHECK-LABEL: gpu.func @persistent_0
// CHECK-SAME: tfc.dynamic_shared_memory = 100352
// CHECK-SAME: tfc.grid = array<i64: 132, 1, 1>
// CHECK: scf.for %[[TILE:.*]] = %c0{{.*}} to %{{.*}} step %c1
// CHECK: scf.for
// CHECK: nvvm.wgmma.mma_async
// CHECK: %[[EPI:.*]] = memref.view %{{.*}}[%c65536][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<128x136xbf16, #gpu.address_space<workgroup>>
func.func @persistent(%a: tensor<4100x136xbf16>, %b: tensor<136x2056xbf16>) -> tensor<4100x2056xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<4100x136xbf16>, tensor<136x2056xbf16>) -> tensor<4100x2056xbf16> {
  ^bb0(%x: tensor<4100x136xbf16>, %y: tensor<136x2056xbf16>):
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 128, 128, 2, 1>} : (tensor<4100x136xbf16>, tensor<136x2056xbf16>) -> tensor<4100x2056xbf16>
    tfc.yield %1 : tensor<4100x2056xbf16>
  }
  return %0 : tensor<4100x2056xbf16>
}

// -----

func.func @bad_persistent(%a: tensor<128x64xbf16>, %b: tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16> {
  ^bb0(%x: tensor<128x64xbf16>, %y: tensor<64x128xbf16>):
    // expected-error @+1 {{'tfc.tile' is invalid: persistent must be 0 or 1, got 7}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 128, 128, 2, 7>} : (tensor<128x64xbf16>, tensor<64x128xbf16>) -> tensor<128x128xbf16>
    tfc.yield %1 : tensor<128x128xbf16>
  }
  return %0 : tensor<128x128xbf16>
}

// -----

// The chooser's defaults on the sm_90a preset (132 SMs), as measured in
// benchmarks/RESULTS.md ("wgmma + TMA matmul"): GPT-2's qkv (K = 768,
// N = 2304) takes 128x192 with two stages (two blocks per SM), mlp-up
// (N = 3072) 128x256 with four, M <= 64 one warpgroup (blockM 64); with
// so few output tiles (12 of 64 x 64) K is split over 3 blocks of a
// cluster (36 blocks, 4 K tiles each).
// CHECK-LABEL: gpu.func @qkv_0
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.dynamic_shared_memory = 81920
// CHECK-SAME: tfc.grid = array<i64: 12, 64, 1>
// CHECK-LABEL: gpu.func @mlp_up_1
// CHECK-SAME: tfc.dynamic_shared_memory = 196608
// CHECK-SAME: tfc.grid = array<i64: 12, 64, 1>
// CHECK-LABEL: gpu.func @decode_2
// CHECK-SAME: known_cluster_size = array<i32: 3, 1, 1>
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 36, 1, 1>
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>
// CHECK: nvvm.mapa
func.func @qkv(%a: tensor<8192x768xbf16>, %b: tensor<768x2304xbf16>) -> tensor<8192x2304xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<8192x768xbf16>, tensor<768x2304xbf16>) -> tensor<8192x2304xbf16> {
  ^bb0(%x: tensor<8192x768xbf16>, %y: tensor<768x2304xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<8192x768xbf16>, tensor<768x2304xbf16>) -> tensor<8192x2304xbf16>
    tfc.yield %1 : tensor<8192x2304xbf16>
  }
  return %0 : tensor<8192x2304xbf16>
}
func.func @mlp_up(%a: tensor<8192x768xbf16>, %b: tensor<768x3072xbf16>) -> tensor<8192x3072xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<8192x768xbf16>, tensor<768x3072xbf16>) -> tensor<8192x3072xbf16> {
  ^bb0(%x: tensor<8192x768xbf16>, %y: tensor<768x3072xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<8192x768xbf16>, tensor<768x3072xbf16>) -> tensor<8192x3072xbf16>
    tfc.yield %1 : tensor<8192x3072xbf16>
  }
  return %0 : tensor<8192x3072xbf16>
}
func.func @decode(%a: tensor<40x768xbf16>, %b: tensor<768x768xbf16>) -> tensor<40x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<40x768xbf16>, tensor<768x768xbf16>) -> tensor<40x768xbf16> {
  ^bb0(%x: tensor<40x768xbf16>, %y: tensor<768x768xbf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<40x768xbf16>, tensor<768x768xbf16>) -> tensor<40x768xbf16>
    tfc.yield %1 : tensor<40x768xbf16>
  }
  return %0 : tensor<40x768xbf16>
}

// -----

// Split K pinned (5th value): 4 blocks of a cluster per 64 x 128 tile, each
// over 3 of the 12 K tiles of 64. After a cluster barrier (every block past
// its main loop) each block but the first stores its 64 f32 accumulators
// per thread into a slice of the first block's shared memory (mapa to rank
// 0, stores to the shared::cluster space); after a second barrier the first
// adds the 3 slices and alone runs the epilogue (bias + GELU on the full
// sum).
// CHECK-LABEL: gpu.func @split_k_bias_gelu
// CHECK-SAME: known_cluster_size = array<i32: 4, 1, 1>
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 24, 1, 1>
// CHECK: scf.for {{.*}} -> (!llvm.struct<(f32,
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK: scf.if
// CHECK: nvvm.mapa {{.*}} : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-COUNT-64: llvm.store {{.*}} : f32, !llvm.ptr<7>
// CHECK: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK: scf.if
// CHECK-COUNT-192: llvm.load {{.*}} : !llvm.ptr<3> -> f32
// CHECK: scf.if
// CHECK: math.tanh
func.func @split_k_bias_gelu(%a: tensor<16x768xbf16>, %b: tensor<768x768xbf16>, %bias: tensor<768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b, %bias) : (tensor<16x768xbf16>, tensor<768x768xbf16>, tensor<768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x768xbf16>, %z: tensor<768xbf16>):
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 128, 3, 0, 4>} : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16>
    %2 = tfc.add %1, %z : (tensor<16x768xbf16>, tensor<768xbf16>) -> tensor<16x768xbf16>
    %3 = tfc.gelu %2 approximate = tanh : tensor<16x768xbf16>
    tfc.yield %3 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}

// -----

// Rows of odd length (GPT-2's lm_head, N = 50257, f32 logits): the tile
// still goes through shared memory, one element per thread and step, so a
// warp stores 32 consecutive elements of a row; no split at M = 8192.
// CHECK-LABEL: gpu.func @odd_n_f32_logits
// CHECK-NOT: known_cluster_size
// CHECK-SAME: tfc.grid = array<i64: 197, 64, 1>
// CHECK: memref.view {{.*}} to memref<128x264xbf16, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: vector.load {{.*}} : memref<128x264xbf16, #gpu.address_space<workgroup>>, vector<1xbf16>
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: memref.store {{.*}} : memref<8192x50257xf32>
func.func @odd_n_f32_logits(%a: tensor<8192x768xbf16>, %b: tensor<50257x768xbf16>) -> tensor<8192x50257xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<8192x768xbf16>, tensor<50257x768xbf16>) -> tensor<8192x50257xf32> {
  ^bb0(%x: tensor<8192x768xbf16>, %y: tensor<50257x768xbf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<8192x768xbf16>, tensor<50257x768xbf16>) -> tensor<8192x50257xbf16>
    %2 = tfc.cast %1 : tensor<8192x50257xbf16> to tensor<8192x50257xf32>
    tfc.yield %2 : tensor<8192x50257xf32>
  }
  return %0 : tensor<8192x50257xf32>
}

// -----

func.func @split_k_too_wide(%a: tensor<16x768xbf16>, %b: tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x768xbf16>):
    // expected-error @+1 {{'tfc.tile' is invalid: splitK must be 1 to 8 (the blocks of a portable thread-block cluster), got 9}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 128, 2, 0, 9>} : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}

// -----

func.func @split_k_past_k(%a: tensor<16x128xbf16>, %b: tensor<128x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x128xbf16>, tensor<128x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x128xbf16>, %y: tensor<128x768xbf16>):
    // expected-error @+1 {{'tfc.tile' is invalid: splitK 4 leaves blocks without K: K has 2 tiles of 64}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 128, 2, 0, 4>} : (tensor<16x128xbf16>, tensor<128x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}

// -----

func.func @split_k_persistent(%a: tensor<16x768xbf16>, %b: tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x768xbf16>):
    // expected-error @+1 {{'tfc.tile' is invalid: splitK needs the one-block-per-tile schedule (persistent 0)}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 128, 2, 1, 2>} : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}
