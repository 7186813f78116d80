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

func.func @epilogue(%a: tensor<4x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tfc.fusion' op has no GPU kernel yet: a fusion with tfc.matmul can only return that op's results (epilogues are not supported yet)}}
  %0 = tfc.fusion "matmul" (%a, %b, %c) : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x8xf32>, %z: tensor<8xf32>):
    %1 = tfc.matmul %x, %y : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    %2 = tfc.add %1, %z : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    tfc.yield %2 : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
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
