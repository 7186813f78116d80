// tfc-raise on interleaved rotary embeddings (GPT-J's rotate_every_two, the
// "rotate every two" form of Meta's Llama): x * cos + rotate(x) * sin with
// rotate(x) = flatten(stack(-x[..., 1::2], x[..., ::2], -1)) becomes
// tfc.rope {interleaved = true}; a wrong parity, a swapped stack or a
// flatten to another shape stays decomposed.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// Negation before the unsqueeze, as torch.onnx exports `torch.stack((-x2, x1), -1)`.
// CHECK-LABEL: func @rope_interleaved
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x8xf32>, %[[C:.*]]: tensor<1x1x4x8xf32>, %[[S:.*]]: tensor<1x1x4x8xf32>)
// CHECK-NEXT: %[[R:.*]] = tfc.rope %[[X]], %[[C]], %[[S]] {interleaved = true} : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @rope_interleaved(%x: tensor<1x2x4x8xf32>, %cos: tensor<1x1x4x8xf32>, %sin: tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %xo = tfc.slice %x {offsets = array<i64: 0, 0, 0, 1>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %xe = tfc.slice %x {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %no = tfc.neg %xo : tensor<1x2x4x4xf32>
  %uo = tfc.reshape %no : tensor<1x2x4x4xf32> to tensor<1x2x4x4x1xf32>
  %ue = tfc.reshape %xe : tensor<1x2x4x4xf32> to tensor<1x2x4x4x1xf32>
  %st = tfc.concat %uo, %ue {axis = 4 : i64} : (tensor<1x2x4x4x1xf32>, tensor<1x2x4x4x1xf32>) -> tensor<1x2x4x4x2xf32>
  %rot = tfc.reshape %st : tensor<1x2x4x4x2xf32> to tensor<1x2x4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>) -> tensor<1x2x4x8xf32>
  %y = tfc.add %a, %b : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %y : tensor<1x2x4x8xf32>
}

// -----

// Negation as a product with -1 after the unsqueeze.
// CHECK-LABEL: func @rope_interleaved_neg_after
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[C:.*]]: tensor<4x8xf32>, %[[S:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[R:.*]] = tfc.rope %[[X]], %[[C]], %[[S]] {interleaved = true}
// CHECK-NEXT: return %[[R]]
func.func @rope_interleaved_neg_after(%x: tensor<4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %m1 = tfc.constant dense<-1.0> : tensor<f32>
  %xo = tfc.slice %x {offsets = array<i64: 0, 1>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %xe = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %uo = tfc.reshape %xo : tensor<4x4xf32> to tensor<4x4x1xf32>
  %no = tfc.mul %m1, %uo : (tensor<f32>, tensor<4x4x1xf32>) -> tensor<4x4x1xf32>
  %ue = tfc.reshape %xe : tensor<4x4xf32> to tensor<4x4x1xf32>
  %st = tfc.concat %no, %ue {axis = 2 : i64} : (tensor<4x4x1xf32>, tensor<4x4x1xf32>) -> tensor<4x4x2xf32>
  %rot = tfc.reshape %st : tensor<4x4x2xf32> to tensor<4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tfc.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near miss: -x[..., ::2] first: the rotation of the other sign.
// CHECK-LABEL: func @rope_interleaved_wrong_parity
// CHECK-NOT: tfc.rope
// CHECK: return
func.func @rope_interleaved_wrong_parity(%x: tensor<4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %xo = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %xe = tfc.slice %x {offsets = array<i64: 0, 1>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %no = tfc.neg %xo : tensor<4x4xf32>
  %uo = tfc.reshape %no : tensor<4x4xf32> to tensor<4x4x1xf32>
  %ue = tfc.reshape %xe : tensor<4x4xf32> to tensor<4x4x1xf32>
  %st = tfc.concat %uo, %ue {axis = 2 : i64} : (tensor<4x4x1xf32>, tensor<4x4x1xf32>) -> tensor<4x4x2xf32>
  %rot = tfc.reshape %st : tensor<4x4x2xf32> to tensor<4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tfc.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near miss: stack(x_even, -x_odd): not rotate_every_two.
// CHECK-LABEL: func @rope_interleaved_swapped_stack
// CHECK-NOT: tfc.rope
// CHECK: return
func.func @rope_interleaved_swapped_stack(%x: tensor<4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %xo = tfc.slice %x {offsets = array<i64: 0, 1>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %xe = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %no = tfc.neg %xo : tensor<4x4xf32>
  %uo = tfc.reshape %no : tensor<4x4xf32> to tensor<4x4x1xf32>
  %ue = tfc.reshape %xe : tensor<4x4xf32> to tensor<4x4x1xf32>
  %st = tfc.concat %ue, %uo {axis = 2 : i64} : (tensor<4x4x1xf32>, tensor<4x4x1xf32>) -> tensor<4x4x2xf32>
  %rot = tfc.reshape %st : tensor<4x4x2xf32> to tensor<4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tfc.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near miss: the odd positions come from another tensor.
// CHECK-LABEL: func @rope_interleaved_two_tensors
// CHECK-NOT: tfc.rope
// CHECK: return
func.func @rope_interleaved_two_tensors(%x: tensor<4x8xf32>, %z: tensor<4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %xo = tfc.slice %z {offsets = array<i64: 0, 1>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %xe = tfc.slice %x {offsets = array<i64: 0, 0>, sizes = array<i64: 4, 4>, strides = array<i64: 1, 2>} : (tensor<4x8xf32>) -> tensor<4x4xf32>
  %no = tfc.neg %xo : tensor<4x4xf32>
  %uo = tfc.reshape %no : tensor<4x4xf32> to tensor<4x4x1xf32>
  %ue = tfc.reshape %xe : tensor<4x4xf32> to tensor<4x4x1xf32>
  %st = tfc.concat %uo, %ue {axis = 2 : i64} : (tensor<4x4x1xf32>, tensor<4x4x1xf32>) -> tensor<4x4x2xf32>
  %rot = tfc.reshape %st : tensor<4x4x2xf32> to tensor<4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tfc.add %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
