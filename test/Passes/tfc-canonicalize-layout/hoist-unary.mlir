// tfc-canonicalize-layout: a unary elementwise op that is the only reader
// of a reshape or transpose moves in front of it (HoistUnaryElementwise),
// so it joins its producer's epilogue; with the reshape back to 2-D that
// follows (GPT-2's addmm -> reshape -> gelu -> reshape -> addmm), both
// reshapes cancel. Shared shape ops and binary ops stay where they are.
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-canonicalize-layout=report=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// REPORT: 1 unary elementwise ops hoisted above reshapes/transposes
// REPORT: 1 unary elementwise ops hoisted above reshapes/transposes
// REPORT: 2 unary elementwise ops hoisted above reshapes/transposes
// REPORT: 0 unary elementwise ops hoisted above reshapes/transposes
// REPORT: 0 unary elementwise ops hoisted above reshapes/transposes

// GPT-2's MLP: the GELU ends up on the 2-D bias add, and no reshape is left.
// CHECK-LABEL: func @gpt2_mlp
// CHECK-SAME: (%[[X:.*]]: tensor<16x768xf32>, %[[W1:.*]]: tensor<768x3072xf32>, %[[B:.*]]: tensor<3072xf32>, %[[W2:.*]]: tensor<3072x768xf32>)
// CHECK-NEXT: %[[M:.*]] = tfc.matmul %[[X]], %[[W1]]
// CHECK-NEXT: %[[A:.*]] = tfc.add %[[M]], %[[B]]
// CHECK-NEXT: %[[G:.*]] = tfc.gelu %[[A]] approximate = tanh : tensor<16x3072xf32>
// CHECK-NEXT: %[[D:.*]] = tfc.matmul %[[G]], %[[W2]]
// CHECK-NEXT: return %[[D]]
func.func @gpt2_mlp(%x: tensor<16x768xf32>, %w1: tensor<768x3072xf32>, %b: tensor<3072xf32>, %w2: tensor<3072x768xf32>) -> tensor<16x768xf32> {
  %m = tfc.matmul %x, %w1 : (tensor<16x768xf32>, tensor<768x3072xf32>) -> tensor<16x3072xf32>
  %a = tfc.add %m, %b : (tensor<16x3072xf32>, tensor<3072xf32>) -> tensor<16x3072xf32>
  %r = tfc.reshape %a : tensor<16x3072xf32> to tensor<1x16x3072xf32>
  %g = tfc.gelu %r approximate = tanh : tensor<1x16x3072xf32>
  %r2 = tfc.reshape %g : tensor<1x16x3072xf32> to tensor<16x3072xf32>
  %d = tfc.matmul %r2, %w2 : (tensor<16x3072xf32>, tensor<3072x768xf32>) -> tensor<16x768xf32>
  return %d : tensor<16x768xf32>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[S:.*]] = tfc.silu %[[X]] : tensor<2x3x4xf32>
// CHECK-NEXT: %[[T:.*]] = tfc.transpose %[[S]] {permutation = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  %t = tfc.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3x2x4xf32>
  %s = tfc.silu %t : tensor<3x2x4xf32>
  return %s : tensor<3x2x4xf32>
}

// -----

// Through a chain of two unary ops: both move in front of the reshape.
// CHECK-LABEL: func @chain
// CHECK-SAME: (%[[X:.*]]: tensor<6x4xf32>)
// CHECK-NEXT: %[[E:.*]] = tfc.exp %[[X]] : tensor<6x4xf32>
// CHECK-NEXT: %[[T:.*]] = tfc.tanh %[[E]] : tensor<6x4xf32>
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[T]] : tensor<6x4xf32> to tensor<2x3x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @chain(%x: tensor<6x4xf32>) -> tensor<2x3x4xf32> {
  %r = tfc.reshape %x : tensor<6x4xf32> to tensor<2x3x4xf32>
  %e = tfc.exp %r : tensor<2x3x4xf32>
  %t = tfc.tanh %e : tensor<2x3x4xf32>
  return %t : tensor<2x3x4xf32>
}

// -----

// Near miss: the reshape has another reader; nothing moves.
// CHECK-LABEL: func @shared_reshape
// CHECK-NEXT: %[[R:.*]] = tfc.reshape
// CHECK-NEXT: %[[G:.*]] = tfc.gelu %[[R]]
// CHECK-NEXT: return %[[G]], %[[R]]
func.func @shared_reshape(%x: tensor<6x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %r = tfc.reshape %x : tensor<6x4xf32> to tensor<2x3x4xf32>
  %g = tfc.gelu %r approximate = none : tensor<2x3x4xf32>
  return %g, %r : tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// -----

// Near miss: a binary op (its other operand has the reshaped layout) stays.
// CHECK-LABEL: func @binary
// CHECK-NEXT: %[[R:.*]] = tfc.reshape
// CHECK-NEXT: %[[A:.*]] = tfc.add %[[R]]
// CHECK-NEXT: return %[[A]]
func.func @binary(%x: tensor<6x4xf32>, %y: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %r = tfc.reshape %x : tensor<6x4xf32> to tensor<2x3x4xf32>
  %a = tfc.add %r, %y : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %a : tensor<2x3x4xf32>
}
