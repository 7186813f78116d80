// tfc-canonicalize-layout: transposes that only move unit dims become
// reshapes, and reshape/transpose chains that keep the row-major order
// become one reshape (or nothing). A chain that reorders elements stays.
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout | FileCheck %s

// CHECK-LABEL: func @unit_dims_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x32x1x64xf32>)
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[X]] : tensor<1x32x1x64xf32> to tensor<32x1x1x64xf32>
// CHECK-NEXT: return %[[R]]
func.func @unit_dims_transpose(%x: tensor<1x32x1x64xf32>) -> tensor<32x1x1x64xf32> {
  %0 = tfc.transpose %x {permutation = array<i64: 1, 2, 0, 3>} : (tensor<1x32x1x64xf32>) -> tensor<32x1x1x64xf32>
  return %0 : tensor<32x1x1x64xf32>
}

// -----

// transpose, unsqueeze, a transpose that undoes the first around the new
// unit dim, squeeze: the identity.
// CHECK-LABEL: func @round_trip_chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @round_trip_chain(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tfc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %1 = tfc.reshape %0 : tensor<3x2xf32> to tensor<3x1x2xf32>
  %2 = tfc.transpose %1 {permutation = array<i64: 2, 1, 0>} : (tensor<3x1x2xf32>) -> tensor<2x1x3xf32>
  %3 = tfc.reshape %2 : tensor<2x1x3xf32> to tensor<2x3xf32>
  return %3 : tensor<2x3xf32>
}

// -----

// Heads split and merged back: [S, H*D] -> [S, H, D] -> [H, S, D] -> [S, H, D]
// -> [S, H*D] is a reshape of the input, here to another shape.
// CHECK-LABEL: func @heads_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>)
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[X]] : tensor<8x64xf32> to tensor<8x4x16xf32>
// CHECK-NEXT: return %[[R]]
func.func @heads_round_trip(%x: tensor<8x64xf32>) -> tensor<8x4x16xf32> {
  %0 = tfc.reshape %x : tensor<8x64xf32> to tensor<8x4x16xf32>
  %1 = tfc.transpose %0 {permutation = array<i64: 1, 0, 2>} : (tensor<8x4x16xf32>) -> tensor<4x8x16xf32>
  %2 = tfc.reshape %1 : tensor<4x8x16xf32> to tensor<4x128xf32>
  %3 = tfc.reshape %2 : tensor<4x128xf32> to tensor<4x8x16xf32>
  %4 = tfc.transpose %3 {permutation = array<i64: 1, 0, 2>} : (tensor<4x8x16xf32>) -> tensor<8x4x16xf32>
  return %4 : tensor<8x4x16xf32>
}

// -----

// Near miss: merging the heads in the other order ([H, S, D] -> [S, D, H])
// reorders the elements.
// CHECK-LABEL: func @reordering_chain
// CHECK: tfc.reshape
// CHECK-NEXT: tfc.transpose %{{.*}} {permutation = array<i64: 0, 2, 1>}
// CHECK-NEXT: return
func.func @reordering_chain(%x: tensor<8x64xf32>) -> tensor<8x16x4xf32> {
  %0 = tfc.reshape %x : tensor<8x64xf32> to tensor<8x4x16xf32>
  %1 = tfc.transpose %0 {permutation = array<i64: 1, 0, 2>} : (tensor<8x4x16xf32>) -> tensor<4x8x16xf32>
  %2 = tfc.transpose %1 {permutation = array<i64: 1, 2, 0>} : (tensor<4x8x16xf32>) -> tensor<8x16x4xf32>
  return %2 : tensor<8x16x4xf32>
}

// -----

// Near miss: a transpose that swaps two dims larger than 1 is not a reshape.
// CHECK-LABEL: func @real_transpose
// CHECK: tfc.transpose
func.func @real_transpose(%x: tensor<1x4x8xf32>) -> tensor<8x1x4xf32> {
  %0 = tfc.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<1x4x8xf32>) -> tensor<8x1x4xf32>
  return %0 : tensor<8x1x4xf32>
}

// -----

// Dynamic shapes are left alone (the element order cannot be simulated).
// CHECK-LABEL: func @dynamic_shapes
// CHECK: tfc.transpose %{{.*}} {permutation = array<i64: 1, 0>} : (tensor<1x?xf32>) -> tensor<?x1xf32>
func.func @dynamic_shapes(%x: tensor<1x?xf32>) -> tensor<?x1xf32> {
  %0 = tfc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<1x?xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}
