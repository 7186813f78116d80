// tfc-tile on GPT-2-like (d = 768, 12 heads of 64, 1024 tokens) and
// Llama-like (d = 4096, 32 query heads of 128 over 8 key/value heads, 512
// tokens) kernels in bf16, for the A100 and H100 presets: the tiles follow
// the target's shared memory and SM count.
// RUN: tfc-opt %s --tfc-set-target=preset=sm_90a --tfc-tile | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: tfc-opt %s --tfc-set-target=preset=sm_80 --tfc-tile | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: tfc-opt %s --tfc-set-target=preset=sm_90a --tfc-tile=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// 1024 rows of 768: a warp per row (24 values per thread), 4 rows per
// block on 132 SMs, 8 on 108.
// CHECK-LABEL: func.func @gpt2_layer_norm
// SM90: tfc.layer_norm {{.*}}tfc.tile = array<i64: 32, 4>
// SM80: tfc.layer_norm {{.*}}tfc.tile = array<i64: 32, 8>
// REPORT: tfc-tile: kernel 0 "layer_norm" (layer_norm): 3148800 bytes, {{.*}} MFLOP, {{.*}} us, tile [32, 4]
func.func @gpt2_layer_norm(%x: tensor<1024x768xbf16>, %g: tensor<768xbf16>, %b: tensor<768xbf16>) -> tensor<1024x768xbf16> {
  %0 = tfc.fusion "layer_norm" (%x, %g, %b) : (tensor<1024x768xbf16>, tensor<768xbf16>, tensor<768xbf16>) -> tensor<1024x768xbf16> {
  ^bb0(%a: tensor<1024x768xbf16>, %s: tensor<768xbf16>, %t: tensor<768xbf16>):
    %1 = tfc.layer_norm %a, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<1024x768xbf16>, tensor<768xbf16>, tensor<768xbf16>) -> tensor<1024x768xbf16>
    tfc.yield %1 : tensor<1024x768xbf16>
  }
  return %0 : tensor<1024x768xbf16>
}

// CHECK-LABEL: func.func @gpt2_attention
// CHECK: tfc.attention {{.*}}tfc.tile = array<i64: 64, 64, 4, 2>
func.func @gpt2_attention(%q: tensor<1x12x1024x64xbf16>, %k: tensor<1x12x1024x64xbf16>, %v: tensor<1x12x1024x64xbf16>) -> tensor<1x12x1024x64xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x12x1024x64xbf16>, tensor<1x12x1024x64xbf16>, tensor<1x12x1024x64xbf16>) -> tensor<1x12x1024x64xbf16> {
  ^bb0(%a: tensor<1x12x1024x64xbf16>, %b: tensor<1x12x1024x64xbf16>, %c: tensor<1x12x1024x64xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.125 : f32, causal = true, tfc.flash} : (tensor<1x12x1024x64xbf16>, tensor<1x12x1024x64xbf16>, tensor<1x12x1024x64xbf16>) -> tensor<1x12x1024x64xbf16>
    tfc.yield %1 : tensor<1x12x1024x64xbf16>
  }
  return %0 : tensor<1x12x1024x64xbf16>
}

// Softmax rows of 1024 in registers (12288 rows: enough for 8 per block on
// both); along a middle axis a row is streamed by one block.
// CHECK-LABEL: func.func @gpt2_softmax
// CHECK: tfc.softmax {{.*}}tfc.tile = array<i64: 32, 8>
func.func @gpt2_softmax(%x: tensor<12x1024x1024xbf16>) -> tensor<12x1024x1024xbf16> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<12x1024x1024xbf16>) -> tensor<12x1024x1024xbf16> {
  ^bb0(%a: tensor<12x1024x1024xbf16>):
    %1 = tfc.softmax %a {axis = 2 : i64, tfc.online} : tensor<12x1024x1024xbf16>
    tfc.yield %1 : tensor<12x1024x1024xbf16>
  }
  return %0 : tensor<12x1024x1024xbf16>
}

// CHECK-LABEL: func.func @softmax_middle_axis
// CHECK: tfc.softmax {{.*}}tfc.tile = array<i64: 128, 1>
func.func @softmax_middle_axis(%x: tensor<4x1000x8xf32>) -> tensor<4x1000x8xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<4x1000x8xf32>) -> tensor<4x1000x8xf32> {
  ^bb0(%a: tensor<4x1000x8xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64} : tensor<4x1000x8xf32>
    tfc.yield %1 : tensor<4x1000x8xf32>
  }
  return %0 : tensor<4x1000x8xf32>
}

// Head dim 128: 32 query rows per warp; the key tile is the largest with
// which two blocks share an SM: 64 in the H100's 233472 bytes (2 x 104448),
// 32 in the A100's 167936 (2 x 69632).
// CHECK-LABEL: func.func @llama_attention
// SM90: tfc.attention {{.*}}tfc.tile = array<i64: 128, 64, 4, 2>
// SM80: tfc.attention {{.*}}tfc.tile = array<i64: 128, 32, 4, 2>
func.func @llama_attention(%q: tensor<1x32x512x128xbf16>, %k: tensor<1x8x512x128xbf16>, %v: tensor<1x8x512x128xbf16>) -> tensor<1x32x512x128xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x32x512x128xbf16>, tensor<1x8x512x128xbf16>, tensor<1x8x512x128xbf16>) -> tensor<1x32x512x128xbf16> {
  ^bb0(%a: tensor<1x32x512x128xbf16>, %b: tensor<1x8x512x128xbf16>, %c: tensor<1x8x512x128xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.0883883461 : f32, causal = true, tfc.flash} : (tensor<1x32x512x128xbf16>, tensor<1x8x512x128xbf16>, tensor<1x8x512x128xbf16>) -> tensor<1x32x512x128xbf16>
    tfc.yield %1 : tensor<1x32x512x128xbf16>
  }
  return %0 : tensor<1x32x512x128xbf16>
}

// CHECK-LABEL: func.func @llama_rms_norm
// CHECK: tfc.rms_norm {{.*}}tfc.tile = array<i64: 128, 2>
func.func @llama_rms_norm(%x: tensor<512x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<512x4096xbf16> {
  %0 = tfc.fusion "rms_norm" (%x, %g) : (tensor<512x4096xbf16>, tensor<4096xbf16>) -> tensor<512x4096xbf16> {
  ^bb0(%a: tensor<512x4096xbf16>, %s: tensor<4096xbf16>):
    %1 = tfc.rms_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<512x4096xbf16>, tensor<4096xbf16>) -> tensor<512x4096xbf16>
    tfc.yield %1 : tensor<512x4096xbf16>
  }
  return %0 : tensor<512x4096xbf16>
}

// f32 kernels off tensor cores and pointwise kernels take no tiles.
// CHECK-LABEL: func.func @no_tiles
// CHECK-NOT: tfc.tile
// CHECK: return
func.func @no_tiles(%q: tensor<1x2x8x16xf32>, %x: tensor<4x8xf32>) -> (tensor<1x2x8x16xf32>, tensor<4x8xf32>) {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  ^bb0(%a: tensor<1x2x8x16xf32>):
    %1 = tfc.attention %a, %a, %a {scale = 0.25 : f32} : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
    tfc.yield %1 : tensor<1x2x8x16xf32>
  }
  %2 = tfc.fusion "pointwise" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %3 = tfc.tanh %a : tensor<4x8xf32>
    tfc.yield %3 : tensor<4x8xf32>
  }
  return %0, %2 : tensor<1x2x8x16xf32>, tensor<4x8xf32>
}

// Matmuls: GPT-2's QKV projection (1024 x 768 x 2304) and a Llama
// projection (512 x 4096 x 4096), on mma.sync (sm_80) and on the wgmma +
// TMA family (sm_90a: blockM, blockN, stages, persistent, splitK; more in
// wgmma.mlir).
// CHECK-LABEL: func.func @gpt2_qkv
// SM80: tfc.matmul {{.*}}tfc.tile = array<i64: 128, 128, 64, 2, 4, 3>
// SM90: tfc.matmul {{.*}}tfc.tile = array<i64: 128, 192, 2, 0, 1>
func.func @gpt2_qkv(%x: tensor<1024x768xbf16>, %w: tensor<768x2304xbf16>) -> tensor<1024x2304xbf16> {
  %0 = tfc.fusion "matmul" (%x, %w) : (tensor<1024x768xbf16>, tensor<768x2304xbf16>) -> tensor<1024x2304xbf16> {
  ^bb0(%a: tensor<1024x768xbf16>, %b: tensor<768x2304xbf16>):
    %1 = tfc.matmul %a, %b {accumulator_type = f32} : (tensor<1024x768xbf16>, tensor<768x2304xbf16>) -> tensor<1024x2304xbf16>
    tfc.yield %1 : tensor<1024x2304xbf16>
  }
  return %0 : tensor<1024x2304xbf16>
}

// CHECK-LABEL: func.func @llama_proj
// SM80: tfc.matmul {{.*}}tfc.tile = array<i64: 128, 128, 64, 2, 4, 3>
// SM90: tfc.matmul {{.*}}tfc.tile = array<i64: 128, 128, 5, 0, 1>
func.func @llama_proj(%x: tensor<512x4096xbf16>, %w: tensor<4096x4096xbf16>) -> tensor<512x4096xbf16> {
  %0 = tfc.fusion "matmul" (%x, %w) : (tensor<512x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<512x4096xbf16> {
  ^bb0(%a: tensor<512x4096xbf16>, %b: tensor<4096x4096xbf16>):
    %1 = tfc.matmul %a, %b {accumulator_type = f32} : (tensor<512x4096xbf16>, tensor<4096x4096xbf16>) -> tensor<512x4096xbf16>
    tfc.yield %1 : tensor<512x4096xbf16>
  }
  return %0 : tensor<512x4096xbf16>
}
