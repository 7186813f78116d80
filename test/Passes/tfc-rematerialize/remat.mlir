// tfc-rematerialize: cheap pointwise kernels feeding several kernels are
// recomputed in each when the cost model says it pays; `report` prints every
// decision.
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-rematerialize | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-rematerialize=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// An embedding lookup feeding a LayerNorm and a residual add: reading the
// ids and two rows per token in each consumer is cheaper than writing the
// sum and reading it twice. The producer goes away.
// CHECK-LABEL: func @embedding
// CHECK-SAME: (%[[IDS:.*]]: tensor<1x32xi64>, %[[WTE:.*]]: tensor<512x128xf32>, %[[WPE:.*]]: tensor<32x128xf32>, %[[G:.*]]: tensor<128xf32>, %[[Y:.*]]: tensor<1x32x128xf32>)
func.func @embedding(%ids: tensor<1x32xi64>, %wte: tensor<512x128xf32>, %wpe: tensor<32x128xf32>,
                     %g: tensor<128xf32>, %y: tensor<1x32x128xf32>) -> (tensor<1x32x128xf32>, tensor<1x32x128xf32>) {
  // CHECK-NOT: tfc.fusion "pointwise"(%[[WTE]], %[[IDS]], %[[WPE]])
  // CHECK: %[[LN:.*]] = tfc.fusion "layer_norm"(%[[WTE]], %[[IDS]], %[[WPE]], %[[G]])
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.gather
  // CHECK-NEXT: tfc.add
  // CHECK-NEXT: tfc.layer_norm
  // CHECK: %[[R:.*]] = tfc.fusion "pointwise"(%[[WTE]], %[[IDS]], %[[WPE]], %[[Y]])
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.gather
  // CHECK-NEXT: tfc.add
  // CHECK-NEXT: tfc.add
  // CHECK: return %[[LN]], %[[R]]
  // LayerNorm reads its input three times: the gather + add (1 FLOP and the
  // gather's index arithmetic, 24) runs 3 x 4096 times there.
  // REPORT: tfc-rematerialize: "pointwise" (gather, add) recomputed in 2 kernels (layer_norm, add): 131840 -> 115712 bytes, +307200 FLOPs, 0.039 -> 0.035 us
  // REPORT: tfc-rematerialize: @embedding: 3 kernels -> 2, predicted HBM bytes 131840 -> 115712
  %e = tfc.fusion "pointwise" (%wte, %ids, %wpe) : (tensor<512x128xf32>, tensor<1x32xi64>, tensor<32x128xf32>) -> tensor<1x32x128xf32> {
  ^bb0(%t: tensor<512x128xf32>, %i: tensor<1x32xi64>, %p: tensor<32x128xf32>):
    %0 = tfc.gather %t, %i {axis = 0 : i64} : (tensor<512x128xf32>, tensor<1x32xi64>) -> tensor<1x32x128xf32>
    %1 = tfc.add %0, %p : (tensor<1x32x128xf32>, tensor<32x128xf32>) -> tensor<1x32x128xf32>
    tfc.yield %1 : tensor<1x32x128xf32>
  }
  %ln = tfc.layer_norm %e, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x32x128xf32>, tensor<128xf32>) -> tensor<1x32x128xf32>
  %r = tfc.fusion "add" (%e, %y) : (tensor<1x32x128xf32>, tensor<1x32x128xf32>) -> tensor<1x32x128xf32> {
  ^bb0(%a: tensor<1x32x128xf32>, %b: tensor<1x32x128xf32>):
    %2 = tfc.add %a, %b : (tensor<1x32x128xf32>, tensor<1x32x128xf32>) -> tensor<1x32x128xf32>
    tfc.yield %2 : tensor<1x32x128xf32>
  }
  return %ln, %r : tensor<1x32x128xf32>, tensor<1x32x128xf32>
}

// -----

// Recomputing a tanh once per output column of two matmuls costs far more
// than writing it once: kept.
// CHECK-LABEL: func @expensive
func.func @expensive(%x: tensor<64x512xf32>, %w: tensor<512x512xf32>, %v: tensor<512x512xf32>)
    -> (tensor<64x512xf32>, tensor<64x512xf32>) {
  // CHECK: %[[T:.*]] = tfc.tanh
  // CHECK: tfc.matmul %[[T]]
  // CHECK: tfc.matmul %[[T]]
  // REPORT: tfc-rematerialize: "tanh" (tanh) kept: recomputing it would not pay in 2 kernels (matmul, matmul): 2883584 -> 2621440 bytes, +268173312 FLOPs, 1.080 -> 5.008 us
  %0 = tfc.tanh %x : tensor<64x512xf32>
  %1 = tfc.matmul %0, %w : (tensor<64x512xf32>, tensor<512x512xf32>) -> tensor<64x512xf32>
  %2 = tfc.matmul %0, %v : (tensor<64x512xf32>, tensor<512x512xf32>) -> tensor<64x512xf32>
  return %1, %2 : tensor<64x512xf32>, tensor<64x512xf32>
}

// -----

// The broadcast of a small vector is also returned, so it stays; the
// consumer still takes a copy because reading the 512-byte vector beats
// reading the 128 KiB broadcast. (The exp has one consumer: tfc-fuse's
// business.)
// CHECK-LABEL: func @broadcast_partial
// CHECK-SAME: (%[[B:.*]]: tensor<128xf32>, %[[X:.*]]: tensor<256x128xf32>)
func.func @broadcast_partial(%b: tensor<128xf32>, %x: tensor<256x128xf32>) -> (tensor<256x128xf32>, tensor<256x128xf32>) {
  // CHECK: %[[E:.*]] = tfc.exp %[[B]]
  // CHECK: %[[BC:.*]] = tfc.expand %[[E]]
  // CHECK: %[[F:.*]] = tfc.fusion "pointwise"(%[[E]], %[[X]])
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.expand
  // CHECK-NEXT: tfc.mul
  // CHECK: return %[[BC]], %[[F]]
  // REPORT: tfc-rematerialize: "expand" (expand) also recomputed in 1 kernel (mul): 393216 -> 262656 bytes, +524288 FLOPs, 0.117 -> 0.078 us
  %e = tfc.exp %b : tensor<128xf32>
  %0 = tfc.expand %e : tensor<128xf32> to tensor<256x128xf32>
  %1 = tfc.mul %0, %x : (tensor<256x128xf32>, tensor<256x128xf32>) -> tensor<256x128xf32>
  return %0, %1 : tensor<256x128xf32>, tensor<256x128xf32>
}

// -----

// A consumer whose kernel could not take the copy (a transpose after a
// matmul has no kernel family) keeps reading the value, so the producer
// stays; the softmax consumer alone does not gain from a copy.
// CHECK-LABEL: func @not_emittable
func.func @not_emittable(%x: tensor<32x64xf32>, %y: tensor<32x64xf32>, %w: tensor<64x64xf32>)
    -> (tensor<64x32xf32>, tensor<32x64xf32>) {
  // CHECK: %[[A:.*]] = tfc.add
  // CHECK: tfc.softmax %[[A]]
  // REPORT-DAG: tfc-rematerialize: "add" (add) kept for "matmul_transpose": no kernel family emits that kernel with it
  // REPORT-DAG: tfc-rematerialize: "add" (add) kept for 1 kernel (softmax): 16384 -> 24576 bytes, +6144 FLOPs
  %0 = tfc.add %x, %y : (tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  %1 = tfc.fusion "matmul_transpose" (%0, %w) : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<64x32xf32> {
  ^bb0(%a: tensor<32x64xf32>, %b: tensor<64x64xf32>):
    %2 = tfc.matmul %a, %b : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
    %3 = tfc.transpose %2 {permutation = array<i64: 1, 0>} : (tensor<32x64xf32>) -> tensor<64x32xf32>
    tfc.yield %3 : tensor<64x32xf32>
  }
  %4 = tfc.softmax %0 {axis = 1 : i64} : tensor<32x64xf32>
  return %1, %4 : tensor<64x32xf32>, tensor<32x64xf32>
}
