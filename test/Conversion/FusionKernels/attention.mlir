// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 2 | FileCheck %s --check-prefix=SIM %}

// Attention. 16-bit q, k, v with head dims a multiple of 16 on sm_80+: the
// flash form on tensor cores (FlashAttention.cpp; cases 3-5). Otherwise:
// one thread per query row, online softmax over the keys, the query row and
// the output accumulator in private memory (cases 0-2).

// CHECK-LABEL: gpu.func @attention_basic_0
// CHECK-SAME: private(%[[Q:.*]] : memref<16xf32, #gpu.address_space<private>>, %[[ACC:.*]] : memref<16xf32, #gpu.address_space<private>>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %c64 step
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[Q]]
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: %[[KEYS:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[M:.*]] = %cst{{.*}}, %[[L:.*]] = %cst{{.*}}) -> (f32, f32)
// CHECK: %[[DOT:.*]] = scf.for
// CHECK: math.fma
// CHECK: %[[NEWMAX:.*]] = arith.maximumf %[[M]], %[[DOT]]
// CHECK: math.exp
// CHECK: math.exp
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<1x4x8x16xf32>
// CHECK: math.fma
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: scf.yield %[[NEWMAX]]
// CHECK: arith.divf %{{.*}}, %[[KEYS]]#1
func.func @attention_basic(%q: tensor<1x4x16x16xf32>, %k: tensor<1x4x8x16xf32>, %v: tensor<1x4x8x16xf32>) -> tensor<1x4x16x16xf32> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x4x16x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x16x16xf32> {
  ^bb0(%a: tensor<1x4x16x16xf32>, %b: tensor<1x4x8x16xf32>, %c: tensor<1x4x8x16xf32>):
    %1 = tfc.attention %a, %b, %c {scale = 0.25 : f32} : (tensor<1x4x16x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x16x16xf32>
    tfc.yield %1 : tensor<1x4x16x16xf32>
  }
  return %0 : tensor<1x4x16x16xf32>
}

// Causal GQA (4 query heads on 2 key/value heads) with an additive mask
// broadcast over heads, Dv != D, Skv > Sq: the key range ends at the
// diagonal i + (Skv - Sq).
// CHECK-LABEL: gpu.func @attention_causal_gqa_mask_1
// CHECK-SAME: private(%{{.*}} : memref<8xf32, #gpu.address_space<private>>, %{{.*}} : memref<12xf32, #gpu.address_space<private>>)
// CHECK: %[[KVH:.*]] = arith.divui %{{.*}}, %c2
// CHECK: %[[DIAG:.*]] = arith.addi %{{.*}}, %c3
// CHECK: %[[END:.*]] = arith.addi %[[DIAG]], %c1
// CHECK: %[[HI:.*]] = arith.minsi %{{.*}}, %[[END]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[HI]]
// CHECK: memref.load %{{.*}} : memref<2x1x5x8xf32>
// CHECK: arith.addf
func.func @attention_causal_gqa_mask(%q: tensor<2x4x5x8xf32>, %k: tensor<2x2x8x8xf32>, %v: tensor<2x2x8x12xf32>, %m: tensor<2x1x5x8xf32>) -> tensor<2x4x5x12xf32> {
  %0 = tfc.fusion "attention" (%q, %k, %v, %m) : (tensor<2x4x5x8xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x12xf32>, tensor<2x1x5x8xf32>) -> tensor<2x4x5x12xf32> {
  ^bb0(%a: tensor<2x4x5x8xf32>, %b: tensor<2x2x8x8xf32>, %c: tensor<2x2x8x12xf32>, %d: tensor<2x1x5x8xf32>):
    %1 = tfc.attention %a, %b, %c, mask %d {scale = 0.35355 : f32, causal = true} : (tensor<2x4x5x8xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x12xf32>, tensor<2x1x5x8xf32>) -> tensor<2x4x5x12xf32>
    tfc.yield %1 : tensor<2x4x5x12xf32>
  }
  return %0 : tensor<2x4x5x12xf32>
}

// Sliding window (causal, 3 keys) in bf16 with MQA: the range starts at
// max(0, diagonal - (window - 1)).
// CHECK-LABEL: gpu.func @attention_window_mqa_bf16_2
// CHECK: %[[DIAG:.*]] = arith.addi %{{.*}}, %c0
// CHECK: arith.minsi
// CHECK: %[[FIRST:.*]] = arith.subi %[[DIAG]], %c2
// CHECK: %[[LO:.*]] = arith.maxsi %{{.*}}, %[[FIRST]]
// CHECK: scf.for %{{.*}} = %[[LO]] to
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @attention_window_mqa_bf16(%q: tensor<1x3x9x4xbf16>, %k: tensor<1x1x9x4xbf16>, %v: tensor<1x1x9x4xbf16>) -> tensor<1x3x9x4xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x3x9x4xbf16>, tensor<1x1x9x4xbf16>, tensor<1x1x9x4xbf16>) -> tensor<1x3x9x4xbf16> {
  ^bb0(%a: tensor<1x3x9x4xbf16>, %b: tensor<1x1x9x4xbf16>, %c: tensor<1x1x9x4xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.5 : f32, causal = true, window = 3 : i64} : (tensor<1x3x9x4xbf16>, tensor<1x1x9x4xbf16>, tensor<1x1x9x4xbf16>) -> tensor<1x3x9x4xbf16>
    tfc.yield %1 : tensor<1x3x9x4xbf16>
  }
  return %0 : tensor<1x3x9x4xbf16>
}

// Flash form, causal: one block of 64 query rows (4 warps of 16) per
// (batch, head); Q fragments loaded once, K and V double-buffered, scores
// and P in registers, the online softmax's row statistics reduced over the
// 4 lanes of a row (xor 1, 2). Two loops: first the diagonal and
// past-the-end tiles with the causal compare, then the tiles every row
// sees whole (none here, but the loop is emitted) without it.
// CHECK-LABEL: gpu.func @flash_causal_bf16_3
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 1, 2, 1>
// CHECK: gpu.dynamic_shared_memory
// CHECK: nvgpu.device_async_copy {{.*}} : memref<1x2x20x16xbf16> to memref<1x64x24xbf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<1x64x24xbf16
// CHECK: scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK: nvgpu.device_async_copy {{.*}} : memref<1x2x20x16xbf16> to memref<2x64x24xbf16
// CHECK-COUNT-8: nvvm.mma.sync
// CHECK: arith.cmpi sle
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32{{[_0-9]*}}, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32{{[_0-9]*}}, %c32_i32
// CHECK: math.fma
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvvm.mma.sync
// CHECK: scf.yield
// CHECK: scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK-COUNT-8: nvvm.mma.sync
// CHECK-NOT: arith.cmpi sle
// CHECK: gpu.shuffle xor
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: nvvm.mma.sync
// CHECK: scf.yield
// CHECK: arith.divf
// CHECK: vector.store %{{.*}} {alignment = 4 : i64} : memref<1x2x20x16xbf16>, vector<2xbf16>
func.func @flash_causal_bf16(%q: tensor<1x2x20x16xbf16>, %k: tensor<1x2x20x16xbf16>, %v: tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16> {
  ^bb0(%a: tensor<1x2x20x16xbf16>, %b: tensor<1x2x20x16xbf16>, %c: tensor<1x2x20x16xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.25 : f32, causal = true} : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    tfc.yield %1 : tensor<1x2x20x16xbf16>
  }
  return %0 : tensor<1x2x20x16xbf16>
}

// Sliding window + causal with more keys than queries (the diagonal
// shifted by 60), an additive mask, an epilogue, two KV tiles of 64 and a
// pinned tile of two warps owning 32 rows each (two m-tiles: K and V
// fragments shared by both).
// CHECK-LABEL: gpu.func @flash_window_mask_two_tiles_per_warp_4
// CHECK-SAME: tfc.block = array<i64: 64, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 2, 1, 2>
// CHECK: scf.for
// CHECK: nvgpu.ldmatrix {{.*}} : memref<1x64x24xbf16
// CHECK: nvgpu.ldmatrix {{.*}} : memref<1x64x24xbf16
// CHECK: nvgpu.ldmatrix {{.*}} : memref<2x64x24xbf16
// CHECK-COUNT-2: nvvm.mma.sync
// CHECK: memref.load %{{.*}} : memref<1x1x70x130xbf16>
// CHECK: arith.cmpi sge
func.func @flash_window_mask_two_tiles_per_warp(%q: tensor<2x1x70x16xbf16>, %k: tensor<2x1x130x16xbf16>, %v: tensor<2x1x130x32xbf16>, %m: tensor<1x1x70x130xbf16>) -> tensor<2x1x70x32xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v, %m) : (tensor<2x1x70x16xbf16>, tensor<2x1x130x16xbf16>, tensor<2x1x130x32xbf16>, tensor<1x1x70x130xbf16>) -> tensor<2x1x70x32xbf16> {
  ^bb0(%a: tensor<2x1x70x16xbf16>, %b: tensor<2x1x130x16xbf16>, %c: tensor<2x1x130x32xbf16>, %d: tensor<1x1x70x130xbf16>):
    %1 = tfc.attention %a, %b, %c, mask %d {scale = 0.25 : f32, causal = true, window = 50 : i64, tfc.tile = array<i64: 64, 64, 2, 2>} : (tensor<2x1x70x16xbf16>, tensor<2x1x130x16xbf16>, tensor<2x1x130x32xbf16>, tensor<1x1x70x130xbf16>) -> tensor<2x1x70x32xbf16>
    %2 = tfc.add %1, %1 : (tensor<2x1x70x32xbf16>, tensor<2x1x70x32xbf16>) -> tensor<2x1x70x32xbf16>
    tfc.yield %2 : tensor<2x1x70x32xbf16>
  }
  return %0 : tensor<2x1x70x32xbf16>
}

// Head dim 128, f16, GQA (two query heads per key/value head), keys off
// the tile (40 of 32). 32 rows per warp: scores are scaled before the row
// maximum (no fma), which keeps ptxas from spilling at 255 registers.
// CHECK-LABEL: gpu.func @flash_d128_f16_gqa_5
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32)
// CHECK-NOT: math.fma
// CHECK: gpu.return
func.func @flash_d128_f16_gqa(%q: tensor<1x2x24x128xf16>, %k: tensor<1x1x40x128xf16>, %v: tensor<1x1x40x128xf16>) -> tensor<1x2x24x128xf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x2x24x128xf16>, tensor<1x1x40x128xf16>, tensor<1x1x40x128xf16>) -> tensor<1x2x24x128xf16> {
  ^bb0(%a: tensor<1x2x24x128xf16>, %b: tensor<1x1x40x128xf16>, %c: tensor<1x1x40x128xf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.088 : f32, tfc.tile = array<i64: 32, 32, 1, 2>} : (tensor<1x2x24x128xf16>, tensor<1x1x40x128xf16>, tensor<1x1x40x128xf16>) -> tensor<1x2x24x128xf16>
    tfc.yield %1 : tensor<1x2x24x128xf16>
  }
  return %0 : tensor<1x2x24x128xf16>
}

// Many KV tiles of 16 (pinned: two warps of 16 rows), GQA, more keys than
// queries (diagonal shifted by 12), causal + window 40: three loops, in
// this order: the diagonal tiles (causal compare), the tiles left of some
// row's window (window compare), then the tiles every row sees whole, with
// no compare or select per score. With 16 rows per warp the scale folds
// into the exponent (one fma per score); exp2 is PTX's ex2.approx.ftz.
// CHECK-LABEL: gpu.func @flash_window_three_loops_6
// CHECK-SAME: tfc.grid = array<i64: 4, 2, 1>
// CHECK: scf.for
// CHECK: arith.cmpi sle
// CHECK: arith.cmpi sge
// CHECK: math.fma
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: scf.yield
// CHECK: scf.for
// CHECK: arith.cmpi sge
// CHECK: math.fma
// CHECK: scf.yield
// CHECK: scf.for
// CHECK-NOT: arith.cmpi s{{[lg]}}e
// CHECK-NOT: arith.select {{.*}} : f32
// CHECK: math.fma
// CHECK: scf.yield
func.func @flash_window_three_loops(%q: tensor<1x2x100x32xbf16>, %k: tensor<1x1x112x32xbf16>, %v: tensor<1x1x112x32xbf16>) -> tensor<1x2x100x32xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x2x100x32xbf16>, tensor<1x1x112x32xbf16>, tensor<1x1x112x32xbf16>) -> tensor<1x2x100x32xbf16> {
  ^bb0(%a: tensor<1x2x100x32xbf16>, %b: tensor<1x1x112x32xbf16>, %c: tensor<1x1x112x32xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.18 : f32, causal = true, window = 40 : i64, tfc.tile = array<i64: 32, 16, 2, 2>} : (tensor<1x2x100x32xbf16>, tensor<1x1x112x32xbf16>, tensor<1x1x112x32xbf16>) -> tensor<1x2x100x32xbf16>
    tfc.yield %1 : tensor<1x2x100x32xbf16>
  }
  return %0 : tensor<1x2x100x32xbf16>
}

// Causal with keys off the tile (70 of 32) and a negative scale: the
// scale cannot fold into the exponent (the row maximum of raw scores would
// be the minimum of scaled ones), so scores are scaled before the maximum;
// no window, so a masked loop (diagonal, past the end), then an unmasked one.
// CHECK-LABEL: gpu.func @flash_causal_negative_scale_7
// CHECK: scf.for
// CHECK: arith.cmpi ult
// CHECK: arith.cmpi sle
// CHECK: scf.yield
// CHECK: scf.for
// CHECK-NOT: arith.cmpi sle
// CHECK: arith.mulf
// CHECK-NOT: arith.cmpi sle
// CHECK: arith.maximumf
// CHECK-NOT: math.fma
// CHECK: scf.yield
func.func @flash_causal_negative_scale(%q: tensor<1x1x70x16xbf16>, %k: tensor<1x1x70x16xbf16>, %v: tensor<1x1x70x16xbf16>) -> tensor<1x1x70x16xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x1x70x16xbf16>, tensor<1x1x70x16xbf16>, tensor<1x1x70x16xbf16>) -> tensor<1x1x70x16xbf16> {
  ^bb0(%a: tensor<1x1x70x16xbf16>, %b: tensor<1x1x70x16xbf16>, %c: tensor<1x1x70x16xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = -0.3 : f32, causal = true, tfc.tile = array<i64: 32, 32, 2, 2>} : (tensor<1x1x70x16xbf16>, tensor<1x1x70x16xbf16>, tensor<1x1x70x16xbf16>) -> tensor<1x1x70x16xbf16>
    tfc.yield %1 : tensor<1x1x70x16xbf16>
  }
  return %0 : tensor<1x1x70x16xbf16>
}

// GQA packing (tfc.tile's fifth value): a block owns 2 query heads of a
// group of 4, one warp each, 16 rows of each; the K/V tile it copies feeds
// both. The 16 x 16 Q tile of a head is 32 copies of 16 bytes, so only
// threads 0..31 copy (both heads); the grid has Hq / 2 blocks per batch.
// CHECK-LABEL: gpu.func @flash_gqa_two_heads_per_block_8
// CHECK-SAME: tfc.block = array<i64: 64, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 3, 2, 1>
// CHECK: %[[HB:.*]] = arith.muli %block_id_y, %c2{{[_0-9]*}} : index
// CHECK: arith.divui %[[HB]], %c4{{[_0-9]*}} : index
// CHECK: arith.cmpi ult, %thread_id_x, %c32{{[_0-9]*}} : index
// CHECK-NEXT: scf.if
// CHECK: nvgpu.device_async_copy {{.*}} to memref<2x16x24xbf16
// CHECK: nvgpu.device_async_copy {{.*}} to memref<2x16x24xbf16
func.func @flash_gqa_two_heads_per_block(%q: tensor<1x4x40x16xbf16>, %k: tensor<1x1x40x16xbf16>, %v: tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x4x40x16xbf16>, tensor<1x1x40x16xbf16>, tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16> {
  ^bb0(%a: tensor<1x4x40x16xbf16>, %b: tensor<1x1x40x16xbf16>, %c: tensor<1x1x40x16xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.25 : f32, causal = true, tfc.tile = array<i64: 16, 32, 2, 2, 2>} : (tensor<1x4x40x16xbf16>, tensor<1x1x40x16xbf16>, tensor<1x1x40x16xbf16>) -> tensor<1x4x40x16xbf16>
    tfc.yield %1 : tensor<1x4x40x16xbf16>
  }
  return %0 : tensor<1x4x40x16xbf16>
}

// Four heads of a group of 4 per block (one warp each), D = 32, window 20
// on top of causal, two groups: each warp's head and rows in the mask
// and the store.
// CHECK-LABEL: gpu.func @flash_gqa_four_heads_window_9
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 4, 2, 1>
func.func @flash_gqa_four_heads_window(%q: tensor<1x8x50x32xbf16>, %k: tensor<1x2x50x32xbf16>, %v: tensor<1x2x50x32xbf16>) -> tensor<1x8x50x32xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x8x50x32xbf16>, tensor<1x2x50x32xbf16>, tensor<1x2x50x32xbf16>) -> tensor<1x8x50x32xbf16> {
  ^bb0(%a: tensor<1x8x50x32xbf16>, %b: tensor<1x2x50x32xbf16>, %c: tensor<1x2x50x32xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.17 : f32, causal = true, window = 20 : i64, tfc.tile = array<i64: 16, 32, 4, 2, 4>} : (tensor<1x8x50x32xbf16>, tensor<1x2x50x32xbf16>, tensor<1x2x50x32xbf16>) -> tensor<1x8x50x32xbf16>
    tfc.yield %1 : tensor<1x8x50x32xbf16>
  }
  return %0 : tensor<1x8x50x32xbf16>
}

// GPT-2's head split and merge in the flash kernel: q, k and v are strided
// views of one packed projection [B, S, 3 * H * D] (split, reshape,
// transpose), copied in place; the output is stored through a transposed
// view of the [B, S, H, D] result. No other kernel moves these bytes.
// CHECK-LABEL: gpu.func @flash_packed_qkv_heads_merged_10
// CHECK-SAME: (%[[QKV:.*]]: memref<1x20x96xbf16>, %[[OUT:.*]]: memref<1x20x2x16xbf16>)
// CHECK-SAME: tfc.grid = array<i64: 1, 2, 1>
// CHECK-DAG: %[[OV:.*]] = memref.reinterpret_cast %[[OUT]] to offset: [0], sizes: [1, 2, 20, 16], strides: [640, 16, 32, 1]
// CHECK-DAG: %[[QV:.*]] = memref.reinterpret_cast %[[QKV]] to offset: [0], sizes: [1, 2, 20, 16], strides: [1920, 16, 96, 1]
// CHECK-DAG: %[[KV:.*]] = memref.reinterpret_cast %[[QKV]] to offset: [32], sizes: [1, 2, 20, 16], strides: [1920, 16, 96, 1]
// CHECK-DAG: %[[VV:.*]] = memref.reinterpret_cast %[[QKV]] to offset: [64], sizes: [1, 2, 20, 16], strides: [1920, 16, 96, 1]
// CHECK: nvgpu.device_async_copy %[[QV]]
// CHECK: nvgpu.device_async_copy %[[KV]]
// CHECK: nvgpu.device_async_copy %[[VV]]
// CHECK: nvvm.mma.sync
// CHECK: vector.store %{{.*}}, %[[OV]]
func.func @flash_packed_qkv_heads_merged(%qkv: tensor<1x20x96xbf16>) -> tensor<1x20x2x16xbf16> {
  %0 = tfc.fusion "attention" (%qkv) : (tensor<1x20x96xbf16>) -> tensor<1x20x2x16xbf16> {
  ^bb0(%a: tensor<1x20x96xbf16>):
    %s:3 = tfc.split %a {axis = 2 : i64, sizes = array<i64: 32, 32, 32>} : (tensor<1x20x96xbf16>) -> (tensor<1x20x32xbf16>, tensor<1x20x32xbf16>, tensor<1x20x32xbf16>)
    %q0 = tfc.reshape %s#0 : tensor<1x20x32xbf16> to tensor<1x20x2x16xbf16>
    %q = tfc.transpose %q0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x20x2x16xbf16>) -> tensor<1x2x20x16xbf16>
    %k0 = tfc.reshape %s#1 : tensor<1x20x32xbf16> to tensor<1x20x2x16xbf16>
    %k = tfc.transpose %k0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x20x2x16xbf16>) -> tensor<1x2x20x16xbf16>
    %v0 = tfc.reshape %s#2 : tensor<1x20x32xbf16> to tensor<1x20x2x16xbf16>
    %v = tfc.transpose %v0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x20x2x16xbf16>) -> tensor<1x2x20x16xbf16>
    %1 = tfc.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>, tensor<1x2x20x16xbf16>) -> tensor<1x2x20x16xbf16>
    %2 = tfc.transpose %1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x2x20x16xbf16>) -> tensor<1x20x2x16xbf16>
    tfc.yield %2 : tensor<1x20x2x16xbf16>
  }
  return %0 : tensor<1x20x2x16xbf16>
}

// The one thread per query row kernel stores through the same transposed
// view of its result (f32: not the flash kernel).
// CHECK-LABEL: gpu.func @attention_heads_merged_f32_11
// CHECK-SAME: (%{{.*}}: memref<1x2x8x4xf32>, %{{.*}}: memref<1x2x8x4xf32>, %{{.*}}: memref<1x2x8x4xf32>, %[[OUT:.*]]: memref<1x8x2x4xf32>)
// CHECK: %[[OV:.*]] = memref.reinterpret_cast %[[OUT]] to offset: [0], sizes: [1, 2, 8, 4], strides: [64, 4, 8, 1]
// CHECK: memref.store %{{.*}}, %[[OV]]
func.func @attention_heads_merged_f32(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x8x2x4xf32> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x8x2x4xf32> {
  ^bb0(%a: tensor<1x2x8x4xf32>, %b: tensor<1x2x8x4xf32>, %c: tensor<1x2x8x4xf32>):
    %1 = tfc.attention %a, %b, %c {scale = 0.5 : f32, causal = true} : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
    %2 = tfc.transpose %1 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x2x8x4xf32>) -> tensor<1x8x2x4xf32>
    tfc.yield %2 : tensor<1x8x2x4xf32>
  }
  return %0 : tensor<1x8x2x4xf32>
}

// Llama's rotated query in the flash kernel: q is RoPE of a transposed view
// of [B, S, H, D], computed into the Q tile once per block (16-byte groups
// through the pointwise emitter, cos and sin read per element); k and v
// are copied, GQA 4 query heads per key/value head, 20 queries (a tail).
// CHECK-LABEL: gpu.func @flash_rope_query_gqa_12
// CHECK-SAME: (%[[X:.*]]: memref<1x20x4x16xbf16>, %[[COS:.*]]: memref<20x16xbf16>, %[[SIN:.*]]: memref<20x16xbf16>, %[[K:.*]]: memref<1x1x20x16xbf16>, %[[V:.*]]: memref<1x1x20x16xbf16>, %{{.*}}: memref<1x4x20x16xbf16>)
// CHECK-NOT: nvgpu.device_async_copy %[[X]]
// CHECK: vector.load %[[COS]]
// CHECK: vector.store %{{.*}} : memref<1x64x24xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: nvgpu.device_async_copy %[[K]]
// CHECK: nvvm.mma.sync
func.func @flash_rope_query_gqa(%x: tensor<1x20x4x16xbf16>, %cos: tensor<20x16xbf16>, %sin: tensor<20x16xbf16>, %k: tensor<1x1x20x16xbf16>, %v: tensor<1x1x20x16xbf16>) -> tensor<1x4x20x16xbf16> {
  %0 = tfc.fusion "attention" (%x, %cos, %sin, %k, %v) : (tensor<1x20x4x16xbf16>, tensor<20x16xbf16>, tensor<20x16xbf16>, tensor<1x1x20x16xbf16>, tensor<1x1x20x16xbf16>) -> tensor<1x4x20x16xbf16> {
  ^bb0(%a: tensor<1x20x4x16xbf16>, %c: tensor<20x16xbf16>, %s: tensor<20x16xbf16>, %kk: tensor<1x1x20x16xbf16>, %vv: tensor<1x1x20x16xbf16>):
    %t = tfc.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x20x4x16xbf16>) -> tensor<1x4x20x16xbf16>
    %q = tfc.rope %t, %c, %s : (tensor<1x4x20x16xbf16>, tensor<20x16xbf16>, tensor<20x16xbf16>) -> tensor<1x4x20x16xbf16>
    %1 = tfc.attention %q, %kk, %vv {scale = 0.25 : f32, causal = true} : (tensor<1x4x20x16xbf16>, tensor<1x1x20x16xbf16>, tensor<1x1x20x16xbf16>) -> tensor<1x4x20x16xbf16>
    tfc.yield %1 : tensor<1x4x20x16xbf16>
  }
  return %0 : tensor<1x4x20x16xbf16>
}

// PTX-NOT: __nv_
// PTX-NOT: ld.local
// PTX: .extern .shared .align 1024 .b8 __dynamic_shmem__0[];
// PTX-SAME: .visible .entry attention_basic_0(
// PTX-SAME: ld.global.b32
// PTX-SAME: ex2.approx
// PTX-SAME: .visible .entry attention_causal_gqa_mask_1(
// PTX-SAME: .visible .entry attention_window_mqa_bf16_2(
// PTX-SAME: .visible .entry flash_causal_bf16_3(
// PTX-SAME: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-SAME: ex2.approx.ftz.f32
// PTX-SAME: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-SAME: .visible .entry flash_window_mask_two_tiles_per_warp_4(
// PTX-SAME: .visible .entry flash_d128_f16_gqa_5(
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-SAME: .visible .entry flash_packed_qkv_heads_merged_10(
// PTX-SAME: cp.async.cg.shared.global
// PTX-NOT: __nv_
// PTX-NOT: ld.local

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 13 kernels match the reference
