// tfc-raise on rotary embeddings: x * cos + rotate_half(x) * sin (HF Llama)
// becomes tfc.rope; wrong halves or a wrong sign stay decomposed.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// CHECK-LABEL: func @rope_rotate_half
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x8xf32>, %[[C:.*]]: tensor<1x1x4x8xf32>, %[[S:.*]]: tensor<1x1x4x8xf32>)
// CHECK-NEXT: %[[R:.*]] = tfc.rope %[[X]], %[[C]], %[[S]] : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @rope_rotate_half(%x: tensor<1x2x4x8xf32>, %cos: tensor<1x1x4x8xf32>, %sin: tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %x1 = tfc.slice %x {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %x2 = tfc.slice %x {offsets = array<i64: 0, 0, 0, 4>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %n = tfc.neg %x2 : tensor<1x2x4x4xf32>
  %rot = tfc.concat %n, %x1 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
  %y = tfc.add %a, %b : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %y : tensor<1x2x4x8xf32>
}

// -----

// Negation as a product with -1, sin and cos on the left, terms swapped.
// CHECK-LABEL: func @rope_mul_minus_one
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[C:.*]]: tensor<4x8xf32>, %[[S:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[R:.*]] = tfc.rope %[[X]], %[[C]], %[[S]]
// CHECK-NEXT: return %[[R]]
func.func @rope_mul_minus_one(%x: tensor<4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %m1 = tfc.constant dense<-1.0> : tensor<f32>
  %x1 = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %x2 = tfc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %n = tfc.mul %m1, %x2 : (tensor<f32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %rot = tfc.concat %n, %x1 {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %b = tfc.mul %sin, %rot : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %a = tfc.mul %cos, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tfc.add %b, %a : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near misses: concat(x1, -x2) (the rotation the other way); halves of a
// different tensor; negation missing.
// CHECK-LABEL: func @rope_near_misses
// CHECK-NOT: tfc.rope
// CHECK: return
func.func @rope_near_misses(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %x1 = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %x2 = tfc.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 1>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %n2 = tfc.neg %x2 : tensor<4x4xf32>
  %rot1 = tfc.concat %x1, %n2 {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %a1 = tfc.mul %x, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b1 = tfc.mul %rot1, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y1 = tfc.add %a1, %b1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %rot2 = tfc.concat %n2, %x1 {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %a2 = tfc.mul %z, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b2 = tfc.mul %rot2, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y2 = tfc.add %a2, %b2 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %rot3 = tfc.concat %x2, %x1 {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %a3 = tfc.mul %x, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b3 = tfc.mul %rot3, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y3 = tfc.add %a3, %b3 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y1, %y2, %y3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
