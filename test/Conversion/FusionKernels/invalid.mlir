// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfc-test-emit-fusion-kernels

// Forms no kernel family supports yet are errors naming the op.

func.func @alibi(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  ^bb0(%a: tensor<1x2x4x8xf32>, %b: tensor<1x2x4x8xf32>, %c: tensor<1x2x4x8xf32>):
    // expected-error @+1 {{'tfc.attention' op has no GPU kernel yet for alibi = true}}
    %1 = tfc.attention %a, %b, %c {scale = 0.35 : f32, alibi = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
    tfc.yield %1 : tensor<1x2x4x8xf32>
  }
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @two_anchors(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tfc.fusion' op has no GPU kernel yet for a fusion of several reductions or contractions: tfc.matmul, tfc.softmax}}
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>):
    %1 = tfc.matmul %x, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    %2 = tfc.softmax %1 {axis = 1 : i64} : tensor<4x8xf32>
    tfc.yield %2 : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
}

// -----

func.func @epilogue_index_mapping(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> tensor<8x4xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<8x4xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>):
    %1 = tfc.matmul %x, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    // expected-error @+1 {{'tfc.transpose' op has no GPU kernel yet in the epilogue of tfc.matmul: only elementwise ops can follow it in a fusion}}
    %2 = tfc.transpose %1 {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
    tfc.yield %2 : tensor<8x4xf32>
  }
  return %0 : tensor<8x4xf32>
}

// -----

func.func @epilogue_broadcasts_anchor(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>, %c: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %0 = tfc.fusion "matmul" (%a, %b, %c) : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>, %z: tensor<2x4x8xf32>):
    %1 = tfc.matmul %x, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    // expected-error @+1 {{'tfc.add' op has no GPU kernel yet in the epilogue of tfc.matmul: its result type 'tensor<2x4x8xf32>' is not the shape of the anchor's result 'tensor<4x8xf32>'}}
    %2 = tfc.add %1, %z : (tensor<4x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
    tfc.yield %2 : tensor<2x4x8xf32>
  }
  return %0 : tensor<2x4x8xf32>
}

// -----

func.func @returns_prologue_value(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  // expected-error @+1 {{'tfc.fusion' op has no GPU kernel yet: a fusion with tfc.matmul can only return that op's result or elementwise ops applied to it}}
  %0:2 = tfc.fusion "matmul" (%a, %b) : (tensor<4x8xf32>, tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>):
    %n = tfc.neg %x : tensor<4x8xf32>
    %1 = tfc.matmul %n, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    tfc.yield %1, %n : tensor<4x8xf32>, tensor<4x8xf32>
  }
  return %0#0, %0#1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Pinned tensor-core tiles are checked against the kernel's constraints and
// the target's shared memory.
func.func @tile_arity(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  ^bb0(%x: tensor<64x64xbf16>, %y: tensor<64x64xbf16>):
    // expected-error @+1 {{'tfc.matmul' op 'tfc.tile' needs 6 values (blockM, blockN, blockK, warpsM, warpsN, stages), got 5}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 64, 32, 2, 2>} : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16>
    tfc.yield %1 : tensor<64x64xbf16>
  }
  return %0 : tensor<64x64xbf16>
}

// -----

func.func @tile_warps(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  ^bb0(%x: tensor<64x64xbf16>, %y: tensor<64x64xbf16>):
    // expected-error @+1 {{'tfc.matmul' op 'tfc.tile' is invalid: blockM must be a multiple of 16 * warpsM}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 48, 64, 32, 2, 2, 2>} : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16>
    tfc.yield %1 : tensor<64x64xbf16>
  }
  return %0 : tensor<64x64xbf16>
}

// -----

func.func @tile_shared_memory(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  ^bb0(%x: tensor<64x64xbf16>, %y: tensor<64x64xbf16>):
    // expected-error @+1 {{'tfc.matmul' op 'tfc.tile' is invalid: tile needs 1114112 bytes of shared memory; the target allows 232448 per block}}
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 128, 128, 256, 2, 4, 8>} : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16>
    tfc.yield %1 : tensor<64x64xbf16>
  }
  return %0 : tensor<64x64xbf16>
}

// -----

func.func @attention_tile(%q: tensor<1x1x64x64xbf16>, %k: tensor<1x1x64x64xbf16>, %v: tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16> {
  ^bb0(%a: tensor<1x1x64x64xbf16>, %b: tensor<1x1x64x64xbf16>, %c: tensor<1x1x64x64xbf16>):
    // expected-error @+1 {{'tfc.attention' op 'tfc.tile' is invalid: blockQ times heads must be 16 or 32 times warps, blockKV a positive multiple of 16 and stages 2}}
    %1 = tfc.attention %a, %b, %c {scale = 0.125 : f32, tfc.tile = array<i64: 64, 64, 3, 2>} : (tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>, tensor<1x1x64x64xbf16>) -> tensor<1x1x64x64xbf16>
    tfc.yield %1 : tensor<1x1x64x64xbf16>
  }
  return %0 : tensor<1x1x64x64xbf16>
}

// -----

// GQA packing: the block's heads must be heads of one key/value group (4
// query heads per key/value head here, so 3 cannot pack).
func.func @attention_tile_heads(%q: tensor<1x8x64x64xbf16>, %k: tensor<1x2x64x64xbf16>) -> tensor<1x8x64x64xbf16> {
  %0 = tfc.fusion "attention" (%q, %k) : (tensor<1x8x64x64xbf16>, tensor<1x2x64x64xbf16>) -> tensor<1x8x64x64xbf16> {
  ^bb0(%a: tensor<1x8x64x64xbf16>, %b: tensor<1x2x64x64xbf16>):
    // expected-error @+1 {{'tfc.attention' op 'tfc.tile' is invalid: heads 3 must divide the 4 query heads of a key/value group and the 6 warps}}
    %1 = tfc.attention %a, %b, %b {scale = 0.125 : f32, tfc.tile = array<i64: 32, 64, 6, 2, 3>} : (tensor<1x8x64x64xbf16>, tensor<1x2x64x64xbf16>, tensor<1x2x64x64xbf16>) -> tensor<1x8x64x64xbf16>
    tfc.yield %1 : tensor<1x8x64x64xbf16>
  }
  return %0 : tensor<1x8x64x64xbf16>
}

// -----

// A key tile of 16 x 16 is 32 copies of 16 bytes: 64 threads cannot each
// take whole ones (the kernel would leave half the tile uncopied).
func.func @attention_tile_copy_split(%q: tensor<1x1x64x16xbf16>) -> tensor<1x1x64x16xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x1x64x16xbf16>) -> tensor<1x1x64x16xbf16> {
  ^bb0(%a: tensor<1x1x64x16xbf16>):
    // expected-error @+1 {{'tfc.attention' op flash attention tile 16 x 16 does not split into whole 16-byte copies over 64 threads}}
    %1 = tfc.attention %a, %a, %a {scale = 0.25 : f32, tfc.tile = array<i64: 32, 16, 2, 2>} : (tensor<1x1x64x16xbf16>, tensor<1x1x64x16xbf16>, tensor<1x1x64x16xbf16>) -> tensor<1x1x64x16xbf16>
    tfc.yield %1 : tensor<1x1x64x16xbf16>
  }
  return %0 : tensor<1x1x64x16xbf16>
}

// -----

// Head dim 48: six 16-byte chunks per row do not divide 128 threads.
func.func @attention_head_dim_48(%q: tensor<1x1x64x48xbf16>) -> tensor<1x1x64x48xbf16> {
  %0 = tfc.fusion "attention" (%q) : (tensor<1x1x64x48xbf16>) -> tensor<1x1x64x48xbf16> {
  ^bb0(%a: tensor<1x1x64x48xbf16>):
    // expected-error @+1 {{'tfc.attention' op flash attention tile 64 x 48 does not split into whole 16-byte copies over 128 threads}}
    %1 = tfc.attention %a, %a, %a {scale = 0.14 : f32} : (tensor<1x1x64x48xbf16>, tensor<1x1x64x48xbf16>, tensor<1x1x64x48xbf16>) -> tensor<1x1x64x48xbf16>
    tfc.yield %1 : tensor<1x1x64x48xbf16>
  }
  return %0 : tensor<1x1x64x48xbf16>
}

// -----

func.func @non_splat_constant(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = tfc.fusion "add" (%a) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%x: tensor<2xf32>):
    // expected-error @+1 {{'tfc.constant' op has no GPU kernel yet inside a fusion: only splat constants are supported, got a constant of type 'tensor<2xf32>'}}
    %c = tfc.constant dense<[1.0, 2.0]> : tensor<2xf32>
    %1 = tfc.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    tfc.yield %1 : tensor<2xf32>
  }
  return %0 : tensor<2xf32>
}

// -----

func.func @integer_pow(%a: tensor<4xi32>) -> tensor<4xi32> {
  %0 = tfc.fusion "pow" (%a) : (tensor<4xi32>) -> tensor<4xi32> {
  ^bb0(%x: tensor<4xi32>):
    // expected-error @+1 {{'tfc.pow' op has no GPU kernel yet for integer operands}}
    %1 = tfc.pow %x, %x : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
    tfc.yield %1 : tensor<4xi32>
  }
  return %0 : tensor<4xi32>
}

// -----

func.func @bool_reduce(%a: tensor<4x3xi1>) -> tensor<4xi1> {
  %0 = tfc.fusion "reduce" (%a) : (tensor<4x3xi1>) -> tensor<4xi1> {
  ^bb0(%x: tensor<4x3xi1>):
    // expected-error @+1 {{'tfc.reduce' op has no GPU kernel yet for i1 inputs}}
    %1 = tfc.reduce max %x {axes = array<i64: 1>} : (tensor<4x3xi1>) -> tensor<4xi1>
    tfc.yield %1 : tensor<4xi1>
  }
  return %0 : tensor<4xi1>
}
