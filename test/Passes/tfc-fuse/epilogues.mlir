// tfc-fuse with epilogues (the default): elementwise ops of the anchor's
// result shape join it; index mapping after an anchor and ops of another
// shape do not.
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-fuse | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// A layer_norm's scale-and-shift style epilogue.
// CHECK-LABEL: func @layer_norm_epilogue
func.func @layer_norm_epilogue(%x: tensor<32x64xf32>, %g: tensor<64xf32>) -> tensor<32x64xf32> {
  // CHECK: tfc.fusion "layer_norm"
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.layer_norm
  // CHECK-NEXT: tfc.silu
  // CHECK-NEXT: tfc.yield
  %0 = tfc.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  %1 = tfc.silu %0 : tensor<32x64xf32>
  return %1 : tensor<32x64xf32>
}

// -----

// A transpose after a matmul would remap the anchor's output element.
// CHECK-LABEL: func @transpose_after_matmul
func.func @transpose_after_matmul(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x32xf32> {
  // CHECK-NOT: tfc.fusion
  // REPORT: kept apart: tfc.matmul -> tfc.transpose: the tfc.matmul family has no index mapping in its epilogue (tfc.transpose)
  %0 = tfc.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %1 = tfc.transpose %0 {permutation = array<i64: 1, 0>} : (tensor<32x64xf32>) -> tensor<64x32xf32>
  return %1 : tensor<64x32xf32>
}

// -----

// Even a reshape (a view) between a matmul and its bias add: the kernel
// families evaluate an epilogue at the anchor's own element shape.
// CHECK-LABEL: func @reshape_after_matmul
func.func @reshape_after_matmul(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>) -> tensor<1x32x64xf32> {
  // CHECK-NOT: tfc.fusion
  // REPORT: kept apart: tfc.matmul -> tfc.add: the tfc.matmul family has no index mapping in its epilogue (a reshape of its result)
  %0 = tfc.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %1 = tfc.reshape %0 : tensor<32x64xf32> to tensor<1x32x64xf32>
  %2 = tfc.add %1, %b : (tensor<1x32x64xf32>, tensor<64xf32>) -> tensor<1x32x64xf32>
  return %2 : tensor<1x32x64xf32>
}

// -----

// An add that broadcasts the matmul's result to a larger shape is not an
// epilogue.
// CHECK-LABEL: func @broadcast_after_matmul
func.func @broadcast_after_matmul(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>, %y: tensor<4x32x64xf32>) -> tensor<4x32x64xf32> {
  // CHECK-NOT: tfc.fusion
  // REPORT: kept apart: tfc.matmul -> tfc.add: tfc.add in the epilogue of tfc.matmul does not have the anchor's result shape
  %0 = tfc.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %1 = tfc.add %0, %y : (tensor<32x64xf32>, tensor<4x32x64xf32>) -> tensor<4x32x64xf32>
  return %1 : tensor<4x32x64xf32>
}
