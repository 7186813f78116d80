// tfc-canonicalize-layout: a narrowing cast that is the only reader of a
// reshape or transpose moves in front of it (HoistNarrowingCast), so it
// joins the producer's kernel; the numbers do not change (a cast converts
// each element alone). Widening casts, shared shape ops and casts of other
// ops stay where they are.
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout=report=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// REPORT: 1 narrowing casts hoisted above reshapes/transposes
// REPORT: 1 narrowing casts hoisted above reshapes/transposes
// REPORT: 2 narrowing casts hoisted above reshapes/transposes
// REPORT: 1 narrowing casts hoisted above reshapes/transposes
// REPORT: 0 narrowing casts hoisted above reshapes/transposes
// REPORT: 0 narrowing casts hoisted above reshapes/transposes
// REPORT: 0 narrowing casts hoisted above reshapes/transposes
// REPORT: 0 narrowing casts hoisted above reshapes/transposes

// CHECK-LABEL: func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x768xf32>)
// CHECK-NEXT: %[[N:.*]] = tfc.gelu %[[X]]
// CHECK-NEXT: %[[C:.*]] = tfc.cast %[[N]] : tensor<1x16x768xf32> to tensor<1x16x768xbf16>
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[C]] : tensor<1x16x768xbf16> to tensor<16x768xbf16>
// CHECK-NEXT: return %[[R]]
func.func @reshape(%x: tensor<1x16x768xf32>) -> tensor<16x768xbf16> {
  %n = tfc.gelu %x approximate = tanh : tensor<1x16x768xf32>
  %r = tfc.reshape %n : tensor<1x16x768xf32> to tensor<16x768xf32>
  %c = tfc.cast %r : tensor<16x768xf32> to tensor<16x768xbf16>
  return %c : tensor<16x768xbf16>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[C:.*]] = tfc.cast %[[X]] : tensor<2x3x4xf32> to tensor<2x3x4xf16>
// CHECK-NEXT: %[[T:.*]] = tfc.transpose %[[C]] {permutation = array<i64: 1, 0, 2>} : (tensor<2x3x4xf16>) -> tensor<3x2x4xf16>
// CHECK-NEXT: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf16> {
  %t = tfc.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %c = tfc.cast %t : tensor<3x2x4xf32> to tensor<3x2x4xf16>
  return %c : tensor<3x2x4xf16>
}

// -----

// Through a chain: the cast ends up in front of both shape ops.
// CHECK-LABEL: func @chain
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[C:.*]] = tfc.cast %[[X]] : tensor<2x3x4xf32> to tensor<2x3x4xbf16>
// CHECK-NEXT: %[[T:.*]] = tfc.transpose %[[C]] {permutation = array<i64: 1, 0, 2>} : (tensor<2x3x4xbf16>) -> tensor<3x2x4xbf16>
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[T]] : tensor<3x2x4xbf16> to tensor<6x4xbf16>
// CHECK-NEXT: return %[[R]]
func.func @chain(%x: tensor<2x3x4xf32>) -> tensor<6x4xbf16> {
  %t = tfc.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %r = tfc.reshape %t : tensor<3x2x4xf32> to tensor<6x4xf32>
  %c = tfc.cast %r : tensor<6x4xf32> to tensor<6x4xbf16>
  return %c : tensor<6x4xbf16>
}

// -----

// An integer narrowing cast moves too.
// CHECK-LABEL: func @int_narrowing
// CHECK-NEXT: tfc.cast %{{.*}} : tensor<2x8xi64> to tensor<2x8xi32>
// CHECK-NEXT: tfc.reshape %{{.*}} : tensor<2x8xi32> to tensor<16xi32>
func.func @int_narrowing(%x: tensor<2x8xi64>) -> tensor<16xi32> {
  %r = tfc.reshape %x : tensor<2x8xi64> to tensor<16xi64>
  %c = tfc.cast %r : tensor<16xi64> to tensor<16xi32>
  return %c : tensor<16xi32>
}

// -----

// Near miss: a widening cast stays behind the reshape (it fuses into its
// consumer).
// CHECK-LABEL: func @widening
// CHECK-NEXT: tfc.reshape %{{.*}} : tensor<1x16x768xbf16> to tensor<16x768xbf16>
// CHECK-NEXT: tfc.cast %{{.*}} : tensor<16x768xbf16> to tensor<16x768xf32>
func.func @widening(%x: tensor<1x16x768xbf16>) -> tensor<16x768xf32> {
  %r = tfc.reshape %x : tensor<1x16x768xbf16> to tensor<16x768xbf16>
  %c = tfc.cast %r : tensor<16x768xbf16> to tensor<16x768xf32>
  return %c : tensor<16x768xf32>
}

// -----

// Near miss: the reshape has another reader; moving the cast would reshape
// both the f32 and the bf16 tensor.
// CHECK-LABEL: func @shared_reshape
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %{{.*}} : tensor<1x16x768xf32> to tensor<16x768xf32>
// CHECK-NEXT: %[[C:.*]] = tfc.cast %[[R]] : tensor<16x768xf32> to tensor<16x768xbf16>
// CHECK-NEXT: return %[[C]], %[[R]]
func.func @shared_reshape(%x: tensor<1x16x768xf32>) -> (tensor<16x768xbf16>, tensor<16x768xf32>) {
  %r = tfc.reshape %x : tensor<1x16x768xf32> to tensor<16x768xf32>
  %c = tfc.cast %r : tensor<16x768xf32> to tensor<16x768xbf16>
  return %c, %r : tensor<16x768xbf16>, tensor<16x768xf32>
}

// -----

// Near miss: same width (f16 -> bf16) is not narrowing.
// CHECK-LABEL: func @same_width
// CHECK-NEXT: tfc.reshape %{{.*}} : tensor<2x8xf16> to tensor<16xf16>
// CHECK-NEXT: tfc.cast %{{.*}} : tensor<16xf16> to tensor<16xbf16>
func.func @same_width(%x: tensor<2x8xf16>) -> tensor<16xbf16> {
  %r = tfc.reshape %x : tensor<2x8xf16> to tensor<16xf16>
  %c = tfc.cast %r : tensor<16xf16> to tensor<16xbf16>
  return %c : tensor<16xbf16>
}

// -----

// Near miss: a broadcast (tfc.expand) is not moved across: the cast stays
// behind it.
// CHECK-LABEL: func @expand
// CHECK-NEXT: tfc.expand
// CHECK-NEXT: tfc.cast %{{.*}} : tensor<4x8xf32> to tensor<4x8xbf16>
func.func @expand(%x: tensor<1x8xf32>) -> tensor<4x8xbf16> {
  %e = tfc.expand %x : tensor<1x8xf32> to tensor<4x8xf32>
  %c = tfc.cast %e : tensor<4x8xf32> to tensor<4x8xbf16>
  return %c : tensor<4x8xbf16>
}
