// tfc-tile on sm_90a records the wgmma + TMA family's tile of each 16-bit
// matmul, [blockM, blockN, stages, persistent, splitK]: GPT-2 124M at one
// sequence of 16 tokens (decode-like: one 64-row tile, fewer output tiles
// than half the 132 SMs) splits K over a thread-block cluster; at 8192
// tokens (B8 x S1024) nothing is split. With wgmma=off, and on sm_80, the
// same matmuls get mma.sync tiles.
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_90a --tfc-tile | FileCheck %s --check-prefix=SM90
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_90a --tfc-tile=wgmma=off | FileCheck %s --check-prefix=OFF
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_80 --tfc-tile | FileCheck %s --check-prefix=SM80
// RUN: tfc-opt %s -split-input-file --tfc-set-target=preset=sm_90a --tfc-tile --tfc-test-emit-fusion-kernels=tensor-maps=true | FileCheck %s --check-prefix=KERNEL

// 16 x 768 x 2304 (qkv): 36 tiles of 64 x 64, K (12 tiles of 64) split 3
// ways (at least 4 K tiles per block): 108 blocks, clusters of 3.
// SM90-LABEL: func.func @m16_qkv
// SM90: tfc.tile = array<i64: 64, 64, 4, 0, 3>
// OFF-LABEL: func.func @m16_qkv
// OFF: tfc.tile = array<i64: 32, 32, 32, 2, 2, 3>
// SM80-LABEL: func.func @m16_qkv
// SM80: tfc.tile = array<i64: 32, 32, 32, 2, 2, 3>
// KERNEL-LABEL: gpu.func @m16_qkv_0
// KERNEL-SAME: known_cluster_size = array<i32: 3, 1, 1>
// KERNEL-SAME: tfc.grid = array<i64: 108, 1, 1>
func.func @m16_qkv(%a: tensor<16x768xbf16>, %b: tensor<768x2304xbf16>) -> tensor<16x2304xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x2304xbf16>) -> tensor<16x2304xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x2304xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<16x768xbf16>, tensor<768x2304xbf16>) -> tensor<16x2304xbf16>
    tfc.yield %1 : tensor<16x2304xbf16>
  }
  return %0 : tensor<16x2304xbf16>
}

// -----

// 16 x 768 x 768 (attention out): 12 tiles x 3.
// SM90-LABEL: func.func @m16_proj
// SM90: tfc.tile = array<i64: 64, 64, 4, 0, 3>
func.func @m16_proj(%a: tensor<16x768xbf16>, %b: tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x768xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}

// -----

// 16 x 768 x 3072 (mlp up): 48 tiles x 2 = 96 blocks (x 3 would pass the
// 132 SMs).
// SM90-LABEL: func.func @m16_mlp_up
// SM90: tfc.tile = array<i64: 64, 64, 5, 0, 2>
func.func @m16_mlp_up(%a: tensor<16x768xbf16>, %b: tensor<768x3072xbf16>) -> tensor<16x3072xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x3072xbf16>) -> tensor<16x3072xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x3072xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<16x768xbf16>, tensor<768x3072xbf16>) -> tensor<16x3072xbf16>
    tfc.yield %1 : tensor<16x3072xbf16>
  }
  return %0 : tensor<16x3072xbf16>
}

// -----

// 16 x 3072 x 768 (mlp down): 12 tiles x 8 (the largest portable cluster)
// = 96 blocks of 6 K tiles each.
// SM90-LABEL: func.func @m16_mlp_down
// SM90: tfc.tile = array<i64: 64, 64, 5, 0, 8>
func.func @m16_mlp_down(%a: tensor<16x3072xbf16>, %b: tensor<3072x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x3072xbf16>, tensor<3072x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x3072xbf16>, %y: tensor<3072x768xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<16x3072xbf16>, tensor<3072x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}

// -----

// 16 x 768 x 50257 (lm_head, B [N, K], f32 logits): 262 tiles of 192 fill
// the SMs already: no split.
// SM90-LABEL: func.func @m16_lm_head
// SM90: tfc.tile = array<i64: 64, 192, 2, 0, 1>
func.func @m16_lm_head(%a: tensor<16x768xbf16>, %b: tensor<50257x768xbf16>) -> tensor<16x50257xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<50257x768xbf16>) -> tensor<16x50257xf32> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<50257x768xbf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<16x768xbf16>, tensor<50257x768xbf16>) -> tensor<16x50257xbf16>
    %2 = tfc.cast %1 : tensor<16x50257xbf16> to tensor<16x50257xf32>
    tfc.yield %2 : tensor<16x50257xf32>
  }
  return %0 : tensor<16x50257xf32>
}

// -----

// 8192 x 768 x 2304 and the lm_head at 8192 tokens: thousands of tiles, no
// split.
// SM90-LABEL: func.func @m8192_qkv
// SM90: tfc.tile = array<i64: 128, 192, 2, 0, 1>
// KERNEL-LABEL: gpu.func @m8192_qkv_0
// KERNEL-NOT: known_cluster_size
// KERNEL-SAME: tfc.grid = array<i64: 12, 64, 1>
func.func @m8192_qkv(%a: tensor<8192x768xbf16>, %b: tensor<768x2304xbf16>) -> tensor<8192x2304xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<8192x768xbf16>, tensor<768x2304xbf16>) -> tensor<8192x2304xbf16> {
  ^bb0(%x: tensor<8192x768xbf16>, %y: tensor<768x2304xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<8192x768xbf16>, tensor<768x2304xbf16>) -> tensor<8192x2304xbf16>
    tfc.yield %1 : tensor<8192x2304xbf16>
  }
  return %0 : tensor<8192x2304xbf16>
}

// -----

// SM90-LABEL: func.func @m8192_lm_head
// SM90: tfc.tile = array<i64: 128, 256, 4, 0, 1>
func.func @m8192_lm_head(%a: tensor<8192x768xbf16>, %b: tensor<50257x768xbf16>) -> tensor<8192x50257xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<8192x768xbf16>, tensor<50257x768xbf16>) -> tensor<8192x50257xf32> {
  ^bb0(%x: tensor<8192x768xbf16>, %y: tensor<50257x768xbf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<8192x768xbf16>, tensor<50257x768xbf16>) -> tensor<8192x50257xbf16>
    %2 = tfc.cast %1 : tensor<8192x50257xbf16> to tensor<8192x50257xf32>
    tfc.yield %2 : tensor<8192x50257xf32>
  }
  return %0 : tensor<8192x50257xf32>
}

