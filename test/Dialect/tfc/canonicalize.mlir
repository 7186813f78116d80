// Folders and canonicalization patterns of the tfc ops.
// RUN: tfc-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func @transpose_of_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transpose_of_transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  // [2,3,4] -(1,2,0)-> [3,4,2] -(1,2,0)-> [4,2,3]; composed: (2,0,1).
  // CHECK: %[[T:.*]] = tfc.transpose %[[X]] {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  // CHECK-NEXT: return %[[T]]
  %0 = tfc.transpose %x {permutation = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = tfc.transpose %0 {permutation = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// A transpose of its inverse cancels.
// CHECK-LABEL: func @transpose_of_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transpose_of_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // CHECK-NOT: tfc.transpose
  // CHECK: return %[[X]]
  %0 = tfc.transpose %x {permutation = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = tfc.transpose %0 {permutation = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: tfc.transpose
  // CHECK: return %[[X]]
  %0 = tfc.transpose %x {permutation = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// A permutation that keeps the shape (equal sizes) is not the identity.
// CHECK-LABEL: func @transpose_same_shape_kept
func.func @transpose_same_shape_kept(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // CHECK: tfc.transpose %{{.*}} {permutation = array<i64: 1, 0>}
  %0 = tfc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  // CHECK: %[[R:.*]] = tfc.reshape %[[X]] : tensor<2x3x4xf32> to tensor<4x6xf32>
  // CHECK-NEXT: return %[[R]]
  %0 = tfc.reshape %x : tensor<2x3x4xf32> to tensor<24xf32>
  %1 = tfc.reshape %0 : tensor<24xf32> to tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A reshape back to the original shape cancels.
// CHECK-LABEL: func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: tfc.reshape
  // CHECK: return %[[X]]
  %0 = tfc.reshape %x : tensor<2x3xf32> to tensor<6xf32>
  %1 = tfc.reshape %0 : tensor<6xf32> to tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @reshape_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: tfc.reshape
  // CHECK: return %[[X]]
  %0 = tfc.reshape %x : tensor<2x3xf32> to tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reshape_of_constant
func.func @reshape_of_constant() -> tensor<3x2xi32> {
  // CHECK: %[[C:.*]] = tfc.constant dense<{{\[}}[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi32>
  // CHECK-NOT: tfc.reshape
  // CHECK: return %[[C]]
  %0 = tfc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %1 = tfc.reshape %0 : tensor<2x3xi32> to tensor<3x2xi32>
  return %1 : tensor<3x2xi32>
}

// -----

// A reshape of a weight is not folded: parameters are not constants.
// CHECK-LABEL: func @reshape_of_parameter_kept
func.func @reshape_of_parameter_kept() -> tensor<4xf32> {
  // CHECK: %[[P:.*]] = tfc.parameter "w" : tensor<2x2xf32>
  // CHECK: tfc.reshape %[[P]] : tensor<2x2xf32> to tensor<4xf32>
  %0 = tfc.parameter "w" : tensor<2x2xf32>
  %1 = tfc.reshape %0 : tensor<2x2xf32> to tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @expand_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @expand_same_type(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NOT: tfc.expand
  // CHECK: return %[[X]]
  %0 = tfc.expand %x : tensor<2x3xf32> to tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @expand_splat_constant
func.func @expand_splat_constant() -> tensor<4x3xf16> {
  // CHECK: %[[C:.*]] = tfc.constant dense<5.000000e-01> : tensor<4x3xf16>
  // CHECK-NOT: tfc.expand
  // CHECK: return %[[C]]
  %0 = tfc.constant dense<0.5> : tensor<1x3xf16>
  %1 = tfc.expand %0 : tensor<1x3xf16> to tensor<4x3xf16>
  return %1 : tensor<4x3xf16>
}

// -----

// Only splats fold: a non-uniform constant stays an expand.
// CHECK-LABEL: func @expand_non_splat_constant_kept
func.func @expand_non_splat_constant_kept() -> tensor<4x3xf32> {
  // CHECK: %[[C:.*]] = tfc.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
  // CHECK: tfc.expand %[[C]] : tensor<3xf32> to tensor<4x3xf32>
  %0 = tfc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %1 = tfc.expand %0 : tensor<3xf32> to tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @slice_identity
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
func.func @slice_identity(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK-NOT: tfc.slice
  // CHECK: return %[[X]]
  %0 = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 8>, strides = array<i64: 1, 1>}
      : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @slice_proper_kept
func.func @slice_proper_kept(%x: tensor<4x8xf32>) -> tensor<4x4xf32> {
  // CHECK: tfc.slice %{{.*}} {offsets = array<i64: 0, 4>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>}
  %0 = tfc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>}
      : (tensor<4x8xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func @cast_identity
// CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>)
func.func @cast_identity(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  // CHECK-NOT: tfc.cast
  // CHECK: return %[[X]]
  %0 = tfc.cast %x : tensor<4xbf16> to tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// bf16 -> f32 is exact, so the round trip is the identity.
// CHECK-LABEL: func @cast_widening_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<4xbf16>)
func.func @cast_widening_round_trip(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  // CHECK-NOT: tfc.cast
  // CHECK: return %[[X]]
  %0 = tfc.cast %x : tensor<4xbf16> to tensor<4xf32>
  %1 = tfc.cast %0 : tensor<4xf32> to tensor<4xbf16>
  return %1 : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func @cast_widening_round_trip_fp8
// CHECK-SAME: (%[[X:.*]]: tensor<4xf8E4M3FN>)
func.func @cast_widening_round_trip_fp8(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  // CHECK-NOT: tfc.cast
  // CHECK: return %[[X]]
  %0 = tfc.cast %x : tensor<4xf8E4M3FN> to tensor<4xf16>
  %1 = tfc.cast %0 : tensor<4xf16> to tensor<4xf8E4M3FN>
  return %1 : tensor<4xf8E4M3FN>
}

// -----

// f32 -> bf16 rounds: the round trip loses precision and must stay.
// CHECK-LABEL: func @cast_narrowing_round_trip_kept
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
func.func @cast_narrowing_round_trip_kept(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[N:.*]] = tfc.cast %[[X]] : tensor<4xf32> to tensor<4xbf16>
  // CHECK: %[[W:.*]] = tfc.cast %[[N]] : tensor<4xbf16> to tensor<4xf32>
  // CHECK: return %[[W]]
  %0 = tfc.cast %x : tensor<4xf32> to tensor<4xbf16>
  %1 = tfc.cast %0 : tensor<4xbf16> to tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// f16 and bf16 have the same width but neither holds the other's values.
// CHECK-LABEL: func @cast_same_width_round_trip_kept
func.func @cast_same_width_round_trip_kept(%x: tensor<4xf16>) -> tensor<4xf16> {
  // CHECK: tfc.cast %{{.*}} : tensor<4xf16> to tensor<4xbf16>
  // CHECK: tfc.cast %{{.*}} : tensor<4xbf16> to tensor<4xf16>
  %0 = tfc.cast %x : tensor<4xf16> to tensor<4xbf16>
  %1 = tfc.cast %0 : tensor<4xbf16> to tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// f16 is wider than f8E8M0FNU but has only 5 exponent bits: 2^127 does not
// survive the trip, so it must stay.
// CHECK-LABEL: func @cast_wider_but_smaller_range_kept
func.func @cast_wider_but_smaller_range_kept(%x: tensor<4xf8E8M0FNU>) -> tensor<4xf8E8M0FNU> {
  // CHECK: tfc.cast %{{.*}} : tensor<4xf8E8M0FNU> to tensor<4xf16>
  // CHECK: tfc.cast %{{.*}} : tensor<4xf16> to tensor<4xf8E8M0FNU>
  %0 = tfc.cast %x : tensor<4xf8E8M0FNU> to tensor<4xf16>
  %1 = tfc.cast %0 : tensor<4xf16> to tensor<4xf8E8M0FNU>
  return %1 : tensor<4xf8E8M0FNU>
}

// -----

// float -> int truncates toward zero: f16 -> i64 -> f16 loses the fraction.
// CHECK-LABEL: func @cast_float_int_round_trip_kept
func.func @cast_float_int_round_trip_kept(%x: tensor<4xf16>) -> tensor<4xf16> {
  // CHECK: tfc.cast %{{.*}} : tensor<4xf16> to tensor<4xi64>
  // CHECK: tfc.cast %{{.*}} : tensor<4xi64> to tensor<4xf16>
  %0 = tfc.cast %x : tensor<4xf16> to tensor<4xi64>
  %1 = tfc.cast %0 : tensor<4xi64> to tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// Only a cast back to the original type folds: bf16 -> f32 -> f16 stays.
// CHECK-LABEL: func @cast_widen_then_other_kept
func.func @cast_widen_then_other_kept(%x: tensor<4xbf16>) -> tensor<4xf16> {
  // CHECK: tfc.cast %{{.*}} : tensor<4xbf16> to tensor<4xf32>
  // CHECK: tfc.cast %{{.*}} : tensor<4xf32> to tensor<4xf16>
  %0 = tfc.cast %x : tensor<4xbf16> to tensor<4xf32>
  %1 = tfc.cast %0 : tensor<4xf32> to tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// Constants fold: equal constants are merged, unused ones are removed, and a
// chain of foldable ops over a constant becomes one constant.
// CHECK-LABEL: func @constant_folding
func.func @constant_folding() -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<4xf32>) {
  // CHECK-DAG: %[[A:.*]] = tfc.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
  // CHECK-DAG: %[[B:.*]] = tfc.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
  // CHECK-NOT: tfc.constant
  // CHECK-NOT: tfc.reshape
  // CHECK-NOT: tfc.transpose
  // CHECK: return %[[A]], %[[A]], %[[B]]
  %0 = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %1 = tfc.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %unused = tfc.constant dense<7.0> : tensor<8xf32>
  %2 = tfc.reshape %1 : tensor<2x2xf32> to tensor<4xf32>
  %3 = tfc.reshape %2 : tensor<4xf32> to tensor<1x4xf32>
  %4 = tfc.reshape %3 : tensor<1x4xf32> to tensor<4xf32>
  %5 = tfc.transpose %0 {permutation = array<i64: 0, 1>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0, %5, %4 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<4xf32>
}

// -----

// Unused pure ops are erased.
// CHECK-LABEL: func @dead_ops_removed
func.func @dead_ops_removed(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NOT: tfc.exp
  // CHECK-NOT: tfc.parameter
  // CHECK: return
  %0 = tfc.exp %x : tensor<4xf32>
  %1 = tfc.parameter "unused" : tensor<4xf32>
  return %x : tensor<4xf32>
}
