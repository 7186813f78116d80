// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfc-tile

// Pinned tiles are checked against the target: a key tile of 128 for head
// dim 128 needs more shared memory than an A100 block has.
module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>} {
func.func @attention_too_big(%q: tensor<1x8x256x128xbf16>) -> tensor<1x8x256x128xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x8x256x128xbf16>) -> tensor<1x8x256x128xbf16> {
  ^bb0(%a: tensor<1x8x256x128xbf16>):
    // expected-error @+1 {{'tfc.attention' op flash attention tile needs 174080 bytes of shared memory; the target allows 166912 per block}}
    %1 = tfc.attention %a, %a, %a {scale = 0.125 : f32, tfc.tile = array<i64: 128, 128, 4, 2>} : (tensor<1x8x256x128xbf16>, tensor<1x8x256x128xbf16>, tensor<1x8x256x128xbf16>) -> tensor<1x8x256x128xbf16>
    tfc.yield %1 : tensor<1x8x256x128xbf16>
  }
  return %0 : tensor<1x8x256x128xbf16>
}
}

// -----

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @attention_bad_rule(%q: tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  ^bb0(%a: tensor<1x8x256x64xbf16>):
    // expected-error @+1 {{'tfc.attention' op 'tfc.tile' is invalid: blockQ times heads must be 16 or 32 times warps, blockKV a positive multiple of 16 and stages 2}}
    %1 = tfc.attention %a, %a, %a {scale = 0.125 : f32, tfc.tile = array<i64: 64, 0, 4, 2>} : (tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16>
    tfc.yield %1 : tensor<1x8x256x64xbf16>
  }
  return %0 : tensor<1x8x256x64xbf16>
}
}

// -----

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @rows_not_power_of_two(%x: tensor<64x768xf32>) -> tensor<64x768xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<64x768xf32>) -> tensor<64x768xf32> {
  ^bb0(%a: tensor<64x768xf32>):
    // expected-error @+1 {{'tfc.softmax' op 'tfc.tile' is invalid: threadsPerRow must be a power of two from 32 to 1024 and rowsPerBlock a power of two up to 1024, got 48 and 1}}
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.tile = array<i64: 48, 1>} : tensor<64x768xf32>
    tfc.yield %1 : tensor<64x768xf32>
  }
  return %0 : tensor<64x768xf32>
}
}

// -----

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @rows_too_many_threads(%x: tensor<64x768xf32>, %g: tensor<768xf32>) -> tensor<64x768xf32> {
  %0 = tfc.fusion "rms_norm" (%x, %g) : (tensor<64x768xf32>, tensor<768xf32>) -> tensor<64x768xf32> {
  ^bb0(%a: tensor<64x768xf32>, %s: tensor<768xf32>):
    // expected-error @+1 {{'tfc.rms_norm' op 'tfc.tile' is invalid: 2048 threads per block; at most 1024}}
    %1 = tfc.rms_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-06 : f32, tfc.tile = array<i64: 1024, 2>} : (tensor<64x768xf32>, tensor<768xf32>) -> tensor<64x768xf32>
    tfc.yield %1 : tensor<64x768xf32>
  }
  return %0 : tensor<64x768xf32>
}
}

// -----

// 32 threads cannot hold a row of 4096 bf16 in registers (128 values each;
// 32 fit): the row is streamed, and a streamed row takes a block alone.
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @rows_streamed_shared(%x: tensor<64x4096xbf16>) -> tensor<64x4096xbf16> {
  %0 = tfc.fusion "layer_norm" (%x) : (tensor<64x4096xbf16>) -> tensor<64x4096xbf16> {
  ^bb0(%a: tensor<64x4096xbf16>):
    // expected-error @+1 {{'tfc.layer_norm' op 'tfc.tile' is invalid: rows of 4096 elements are streamed (more than 32 values per thread at 32 threads per row), one row per block, but rowsPerBlock is 2}}
    %1 = tfc.layer_norm %a {axis = 1 : i64, epsilon = 1.0e-05 : f32, tfc.tile = array<i64: 32, 2>} : (tensor<64x4096xbf16>) -> tensor<64x4096xbf16>
    tfc.yield %1 : tensor<64x4096xbf16>
  }
  return %0 : tensor<64x4096xbf16>
}
}

// -----

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @rows_wrong_count(%x: tensor<64x768xf32>) -> tensor<64x768xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<64x768xf32>) -> tensor<64x768xf32> {
  ^bb0(%a: tensor<64x768xf32>):
    // expected-error @+1 {{'tfc.softmax' op 'tfc.tile' needs 2 values (threadsPerRow, rowsPerBlock), got 3}}
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.tile = array<i64: 32, 1, 1>} : tensor<64x768xf32>
    tfc.yield %1 : tensor<64x768xf32>
  }
  return %0 : tensor<64x768xf32>
}
}

// -----

// expected-error @+1 {{tfc-tile needs the module's 'tfc.target' attribute (run tfc-set-target first)}}
func.func @no_target(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64} : tensor<4x8xf32>
    tfc.yield %1 : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
}

// -----

// A tile pinned on kernels that take none: f32 attention (one query row per
// thread) and f32 matmul (one thread per output element).
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @f32_attention_pinned(%q: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  ^bb0(%a: tensor<1x2x8x16xf32>):
    // expected-error @+1 {{'tfc.attention' op 'tfc.tile' pins the tiles of the tensor-core flash attention kernel, which needs 16-bit q, k and v read from kernel arguments, head dims multiples of 16 up to 256, no alibi and sm_80+; this attention runs one query row per thread and takes no tiles}}
    %1 = tfc.attention %a, %a, %a {scale = 0.25 : f32, tfc.tile = array<i64: 64, 64, 4, 2>} : (tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32>
    tfc.yield %1 : tensor<1x2x8x16xf32>
  }
  return %0 : tensor<1x2x8x16xf32>
}

func.func @f32_matmul_pinned(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> {
  ^bb0(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>):
    // expected-error @+1 {{'tfc.matmul' op 'tfc.tile' pins the tiles of a tensor-core matmul kernel, which needs 16-bit operands read from kernel arguments with rows a multiple of 8 elements, an f32 accumulator and sm_80+; this matmul runs one thread per output element and takes no tiles}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 64, 32, 2, 2, 3>} : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
    tfc.yield %1 : tensor<64x64xf32>
  }
  return %0 : tensor<64x64xf32>
}
}

// -----

// Sizes that would overflow the shared-memory and thread arithmetic.
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @attention_huge_kv(%q: tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16> {
  ^bb0(%a: tensor<1x8x256x64xbf16>):
    // expected-error @+1 {{'tfc.attention' op 'tfc.tile' is invalid: blockKV 9223372036854775792 is more than 1024 keys}}
    %1 = tfc.attention %a, %a, %a {scale = 0.125 : f32, tfc.tile = array<i64: 64, 9223372036854775792, 4, 2>} : (tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>, tensor<1x8x256x64xbf16>) -> tensor<1x8x256x64xbf16>
    tfc.yield %1 : tensor<1x8x256x64xbf16>
  }
  return %0 : tensor<1x8x256x64xbf16>
}

func.func @rows_huge(%x: tensor<64x768xf32>) -> tensor<64x768xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<64x768xf32>) -> tensor<64x768xf32> {
  ^bb0(%a: tensor<64x768xf32>):
    // expected-error @+1 {{'tfc.softmax' op 'tfc.tile' is invalid: threadsPerRow must be a power of two from 32 to 1024 and rowsPerBlock a power of two up to 1024, got 32 and 4611686018427387904}}
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.tile = array<i64: 32, 4611686018427387904>} : tensor<64x768xf32>
    tfc.yield %1 : tensor<64x768xf32>
  }
  return %0 : tensor<64x768xf32>
}
}

// -----

// A wgmma tile whose split leaves blocks without K (K = 128: 2 K tiles of
// 64), checked at the op on sm_90a.
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
func.func @wgmma_split_past_k(%a: tensor<16x128xbf16>, %b: tensor<128x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x128xbf16>, tensor<128x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x128xbf16>, %y: tensor<128x768xbf16>):
    // expected-error @+1 {{'tfc.matmul' op 'tfc.tile' is invalid: splitK 3 leaves blocks without K: K has 2 tiles of 64}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 128, 2, 0, 3>} : (tensor<16x128xbf16>, tensor<128x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}
}

// -----

// A wgmma tile (5 values) on sm_80, which has no wgmma: mma.sync needs 6.
module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>} {
func.func @wgmma_tile_on_sm80(%a: tensor<16x768xbf16>, %b: tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x768xbf16>):
    // expected-error @+1 {{'tfc.matmul' op 'tfc.tile' needs 6 values (blockM, blockN, blockK, warpsM, warpsN, stages), got 5}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 128, 2, 0, 4>} : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16>
    tfc.yield %1 : tensor<16x768xbf16>
  }
  return %0 : tensor<16x768xbf16>
}
}
