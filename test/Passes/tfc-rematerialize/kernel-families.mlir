// tfc-rematerialize recomputes a pointwise kernel in its consumers only
// where their kernel families can compute it there: not in front of an
// operand that the tensor-core matmul loads from memory
// (tfc/Analysis/KernelFamilyRules.h), but still in front of an f32 matmul,
// which computes its operands in place.
// RUN: tfc-opt %s -split-input-file --tfc-set-target="preset=sm_90a" --tfc-rematerialize=report 2> %t.txt | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.txt

// An outer sum [256, 64] read by two bf16 matmuls: recomputing it would
// read 640 bytes instead of 32 KiB in each, but would move both matmuls
// off tensor cores. It stays a kernel of its own.
// CHECK-LABEL: func @broadcast_into_tensor_core_matmuls
// CHECK: %[[B:.*]] = tfc.fusion "pointwise"
// CHECK: tfc.matmul %[[B]]
// CHECK: tfc.matmul %[[B]]
// REPORT: tfc-rematerialize: "pointwise" (add) kept for "matmul": no kernel family emits that kernel with it (the tensor-core matmul loads its lhs from memory: computing it here (tfc.add) would move tfc.matmul to the one thread per output element kernel)
// REPORT: @broadcast_into_tensor_core_matmuls: 3 kernels -> 3
func.func @broadcast_into_tensor_core_matmuls(%row: tensor<1x64xbf16>, %col: tensor<256x1xbf16>, %w1: tensor<64x8xbf16>,
                                              %w2: tensor<64x8xbf16>) -> (tensor<256x8xbf16>, tensor<256x8xbf16>) {
  %b = tfc.fusion "pointwise" (%row, %col) : (tensor<1x64xbf16>, tensor<256x1xbf16>) -> tensor<256x64xbf16> {
  ^bb0(%r: tensor<1x64xbf16>, %c: tensor<256x1xbf16>):
    %0 = tfc.add %r, %c : (tensor<1x64xbf16>, tensor<256x1xbf16>) -> tensor<256x64xbf16>
    tfc.yield %0 : tensor<256x64xbf16>
  }
  %m1 = tfc.matmul %b, %w1 : (tensor<256x64xbf16>, tensor<64x8xbf16>) -> tensor<256x8xbf16>
  %m2 = tfc.matmul %b, %w2 : (tensor<256x64xbf16>, tensor<64x8xbf16>) -> tensor<256x8xbf16>
  return %m1, %m2 : tensor<256x8xbf16>, tensor<256x8xbf16>
}

// -----

// The same in f32: both matmuls take the sum as their prologue.
// CHECK-LABEL: func @broadcast_into_f32_matmuls
// CHECK-NOT: tfc.fusion "pointwise"
// CHECK: tfc.fusion "matmul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tfc.add
// CHECK-NEXT: tfc.matmul
// CHECK: tfc.fusion "matmul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tfc.add
// CHECK-NEXT: tfc.matmul
// REPORT: tfc-rematerialize: "pointwise" (add) recomputed in 2 kernels (matmul, matmul)
func.func @broadcast_into_f32_matmuls(%row: tensor<1x64xf32>, %col: tensor<256x1xf32>, %w1: tensor<64x8xf32>,
                                      %w2: tensor<64x8xf32>) -> (tensor<256x8xf32>, tensor<256x8xf32>) {
  %b = tfc.fusion "pointwise" (%row, %col) : (tensor<1x64xf32>, tensor<256x1xf32>) -> tensor<256x64xf32> {
  ^bb0(%r: tensor<1x64xf32>, %c: tensor<256x1xf32>):
    %0 = tfc.add %r, %c : (tensor<1x64xf32>, tensor<256x1xf32>) -> tensor<256x64xf32>
    tfc.yield %0 : tensor<256x64xf32>
  }
  %m1 = tfc.matmul %b, %w1 : (tensor<256x64xf32>, tensor<64x8xf32>) -> tensor<256x8xf32>
  %m2 = tfc.matmul %b, %w2 : (tensor<256x64xf32>, tensor<64x8xf32>) -> tensor<256x8xf32>
  return %m1, %m2 : tensor<256x8xf32>, tensor<256x8xf32>
}
