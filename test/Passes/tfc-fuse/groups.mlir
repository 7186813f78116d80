// tfc-fuse: groups that pay under the cost model and that a kernel family
// can emit become one tfc.fusion each.
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-fuse | FileCheck %s

// A chain of elementwise ops with a broadcast bias and a splat constant is
// one pointwise kernel; the splat is cloned into the body, not read.
// CHECK-LABEL: func @elementwise_chain
// CHECK-SAME: (%[[X:.*]]: tensor<32x128xf32>, %[[B:.*]]: tensor<128xf32>)
func.func @elementwise_chain(%x: tensor<32x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
  // CHECK: %[[F:.*]] = tfc.fusion "pointwise"(%[[X]], %[[B]]) : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32> {
  // CHECK-NEXT: ^bb0(%[[A0:.*]]: tensor<32x128xf32>, %[[A1:.*]]: tensor<128xf32>):
  // CHECK-NEXT: %[[ADD:.*]] = tfc.add %[[A0]], %[[A1]]
  // CHECK-NEXT: %[[HALF:.*]] = tfc.constant dense<5.000000e-01> : tensor<f32>
  // CHECK-NEXT: %[[MUL:.*]] = tfc.mul %[[ADD]], %[[HALF]]
  // CHECK-NEXT: %[[T:.*]] = tfc.tanh %[[MUL]]
  // CHECK-NEXT: tfc.yield %[[T]] : tensor<32x128xf32>
  // CHECK-NEXT: }
  // CHECK-NEXT: return %[[F]]
  %half = tfc.constant dense<0.5> : tensor<f32>
  %0 = tfc.add %x, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
  %1 = tfc.mul %0, %half : (tensor<32x128xf32>, tensor<f32>) -> tensor<32x128xf32>
  %2 = tfc.tanh %1 : tensor<32x128xf32>
  return %2 : tensor<32x128xf32>
}

// -----

// Casts, comparisons and where chain like any elementwise op.
// CHECK-LABEL: func @cast_compare_where
func.func @cast_compare_where(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>) -> tensor<64x64xbf16> {
  // CHECK: tfc.fusion "pointwise"
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.compare gt
  // CHECK-NEXT: tfc.where
  // CHECK-NEXT: tfc.cast
  // CHECK-NEXT: tfc.yield
  // CHECK-NOT: tfc.fusion
  %0 = tfc.compare gt, %x, %y : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xi1>
  %1 = tfc.where %0, %x, %y : (tensor<64x64xi1>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = tfc.cast %1 : tensor<64x64xf32> to tensor<64x64xbf16>
  return %2 : tensor<64x64xbf16>
}

// -----

// Elementwise producers of a softmax and of a layer_norm become their
// prologue (the row kernels read the operand through them).
// CHECK-LABEL: func @prologues
// CHECK-SAME: (%[[S:.*]]: tensor<4x32x32xf32>, %[[M:.*]]: tensor<32x32xi1>, %[[X:.*]]: tensor<32x64xf32>, %[[R:.*]]: tensor<32x64xf32>, %[[G:.*]]: tensor<64xf32>)
func.func @prologues(%s: tensor<4x32x32xf32>, %m: tensor<32x32xi1>, %x: tensor<32x64xf32>,
                     %r: tensor<32x64xf32>, %g: tensor<64xf32>) -> (tensor<4x32x32xf32>, tensor<32x64xf32>) {
  // CHECK: %[[SM:.*]] = tfc.fusion "softmax"(%[[S]], %[[M]])
  // CHECK: tfc.mul
  // CHECK: tfc.where
  // CHECK-NEXT: tfc.softmax
  // CHECK-NEXT: tfc.yield
  %scale = tfc.constant dense<0.125> : tensor<f32>
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %0 = tfc.mul %s, %scale : (tensor<4x32x32xf32>, tensor<f32>) -> tensor<4x32x32xf32>
  %1 = tfc.where %m, %ninf, %0 : (tensor<32x32xi1>, tensor<f32>, tensor<4x32x32xf32>) -> tensor<4x32x32xf32>
  %2 = tfc.softmax %1 {axis = 2 : i64} : tensor<4x32x32xf32>
  // CHECK: %[[LN:.*]] = tfc.fusion "layer_norm"(%[[X]], %[[R]], %[[G]])
  // CHECK: tfc.add
  // CHECK-NEXT: tfc.layer_norm
  // CHECK-NEXT: tfc.yield
  %3 = tfc.add %x, %r : (tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  %4 = tfc.layer_norm %3, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  // CHECK: return %[[SM]], %[[LN]]
  return %2, %4 : tensor<4x32x32xf32>, tensor<32x64xf32>
}

// -----

// A cast in front of an f32 matmul (one thread per output element, which
// computes its operands in place) is cheap enough to recompute for every
// output column (N = 16 here): it becomes the matmul's prologue. (A 16-bit
// matmul on tensor cores takes no prologue: kernel-families.mlir.)
// CHECK-LABEL: func @cast_into_matmul
// CHECK-SAME: (%[[X:.*]]: tensor<32x64xbf16>, %[[W:.*]]: tensor<64x16xf32>)
func.func @cast_into_matmul(%x: tensor<32x64xbf16>, %w: tensor<64x16xf32>) -> tensor<32x16xf32> {
  // CHECK: tfc.fusion "matmul"(%[[X]], %[[W]])
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.cast
  // CHECK-NEXT: tfc.matmul
  // CHECK-NEXT: tfc.yield
  %0 = tfc.cast %x : tensor<32x64xbf16> to tensor<32x64xf32>
  %1 = tfc.matmul %0, %w : (tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<32x16xf32>
  return %1 : tensor<32x16xf32>
}

// -----

// Bias, GELU and residual add after a matmul: its epilogue.
// CHECK-LABEL: func @matmul_epilogue
// CHECK-SAME: (%[[X:.*]]: tensor<32x128xf32>, %[[W:.*]]: tensor<128x128xf32>, %[[B:.*]]: tensor<128xf32>, %[[R:.*]]: tensor<32x128xf32>)
func.func @matmul_epilogue(%x: tensor<32x128xf32>, %w: tensor<128x128xf32>, %b: tensor<128xf32>,
                           %r: tensor<32x128xf32>) -> tensor<32x128xf32> {
  // CHECK: %[[F:.*]] = tfc.fusion "matmul"(%[[X]], %[[W]], %[[B]], %[[R]])
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.matmul
  // CHECK-NEXT: tfc.add
  // CHECK-NEXT: tfc.gelu
  // CHECK-NEXT: tfc.add
  // CHECK-NEXT: tfc.yield
  // CHECK: return %[[F]]
  %0 = tfc.matmul %x, %w : (tensor<32x128xf32>, tensor<128x128xf32>) -> tensor<32x128xf32>
  %1 = tfc.add %0, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
  %2 = tfc.gelu %1 approximate = tanh : tensor<32x128xf32>
  %3 = tfc.add %2, %r : (tensor<32x128xf32>, tensor<32x128xf32>) -> tensor<32x128xf32>
  return %3 : tensor<32x128xf32>
}

// -----

// A value other kernels also need stays an output of the pointwise kernel
// that computes it (the pointwise family writes several results), so the
// consumer in the same kernel does not read it back. Here %0 also feeds the
// matmul, which cannot return it.
// CHECK-LABEL: func @multi_output
func.func @multi_output(%x: tensor<32x64xf32>, %b: tensor<64xf32>, %w: tensor<64x64xf32>)
    -> (tensor<32x64xf32>, tensor<32x64xf32>) {
  // CHECK: %[[P:.*]]:2 = tfc.fusion "pointwise"
  // CHECK: %[[ADD:.*]] = tfc.add
  // CHECK-NEXT: %[[EXP:.*]] = tfc.exp %[[ADD]]
  // CHECK-NEXT: tfc.yield %[[ADD]], %[[EXP]] : tensor<32x64xf32>, tensor<32x64xf32>
  // CHECK: %[[MM:.*]] = tfc.matmul %[[P]]#0
  // CHECK: return %[[P]]#1, %[[MM]]
  %0 = tfc.add %x, %b : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  %1 = tfc.exp %0 : tensor<32x64xf32>
  %2 = tfc.matmul %0, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %1, %2 : tensor<32x64xf32>, tensor<32x64xf32>
}

// -----

// Split, reshapes and transposes after a bias add: one pointwise kernel with
// three results (the q/k/v heads of an attention block).
// CHECK-LABEL: func @split_heads
func.func @split_heads(%qkv: tensor<1x32x384xf32>, %b: tensor<384xf32>)
    -> (tensor<1x4x32x32xf32>, tensor<1x4x32x32xf32>, tensor<1x4x32x32xf32>) {
  // CHECK: %[[H:.*]]:3 = tfc.fusion "pointwise"
  // CHECK: tfc.add
  // CHECK-NEXT: tfc.split
  // CHECK-COUNT-3: tfc.transpose
  // CHECK-NEXT: tfc.yield
  // CHECK-NEXT: }
  // CHECK-NEXT: return %[[H]]#0, %[[H]]#1, %[[H]]#2
  %0 = tfc.add %b, %qkv : (tensor<384xf32>, tensor<1x32x384xf32>) -> tensor<1x32x384xf32>
  %1:3 = tfc.split %0 {axis = 2 : i64, sizes = array<i64: 128, 128, 128>}
      : (tensor<1x32x384xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>, tensor<1x32x128xf32>)
  %q = tfc.reshape %1#0 : tensor<1x32x128xf32> to tensor<1x32x4x32xf32>
  %k = tfc.reshape %1#1 : tensor<1x32x128xf32> to tensor<1x32x4x32xf32>
  %v = tfc.reshape %1#2 : tensor<1x32x128xf32> to tensor<1x32x4x32xf32>
  %qt = tfc.transpose %q {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x32x4x32xf32>) -> tensor<1x4x32x32xf32>
  %kt = tfc.transpose %k {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x32x4x32xf32>) -> tensor<1x4x32x32xf32>
  %vt = tfc.transpose %v {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x32x4x32xf32>) -> tensor<1x4x32x32xf32>
  return %qt, %kt, %vt : tensor<1x4x32x32xf32>, tensor<1x4x32x32xf32>, tensor<1x4x32x32xf32>
}

// -----

// Existing fusions are left alone; a second run changes nothing.
// CHECK-LABEL: func @idempotent
func.func @idempotent(%x: tensor<8xf32>) -> tensor<8xf32> {
  // CHECK: tfc.fusion "pointwise"
  // CHECK-NOT: tfc.fusion
  %0 = tfc.fusion "pointwise" (%x) : (tensor<8xf32>) -> tensor<8xf32> {
  ^bb0(%a: tensor<8xf32>):
    %1 = tfc.exp %a : tensor<8xf32>
    %2 = tfc.neg %1 : tensor<8xf32>
    tfc.yield %2 : tensor<8xf32>
  }
  return %0 : tensor<8xf32>
}
