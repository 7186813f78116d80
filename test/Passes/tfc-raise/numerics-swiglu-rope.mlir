// tfc-raise preserves numerics on SwiGLU (silu(g) * up and g * sigmoid(g) *
// up) and interleaved RoPE: the decomposed forms and the raised ops run
// through the reference executor on seeded random inputs and must agree at
// f32 tolerance.
//
// RUN: rm -rf %t && mkdir -p %t/before %t/after
// RUN: %python %S/Inputs/random_inputs.py %t g:2x8x64 u:2x8x64 x:1x2x4x8 cos:4x8 sin:4x8
// RUN: tfc-opt %s --tfc-raise -o %t/raised.mlir
// RUN: FileCheck %s < %t/raised.mlir
// RUN: tfc-reference %s --output-dir %t/before --input g=%t/g.npy --input u=%t/u.npy --input x=%t/x.npy --input cos=%t/cos.npy --input sin=%t/sin.npy
// RUN: tfc-reference %t/raised.mlir --output-dir %t/after --input g=%t/g.npy --input u=%t/u.npy --input x=%t/x.npy --input cos=%t/cos.npy --input sin=%t/sin.npy
// RUN: %python %S/../../Reference/check_npy.py %t/after/swiglu.npy %t/before/swiglu.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/swiglu_sigmoid.npy %t/before/swiglu_sigmoid.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/rope.npy %t/before/rope.npy --rtol 1e-5 --atol 1e-6

// CHECK: tfc.swiglu
// CHECK: tfc.swiglu
// CHECK: tfc.rope {{.*}}interleaved = true
// CHECK-NOT: tfc.sigmoid
// CHECK-NOT: tfc.concat
func.func @main(%g: tensor<2x8x64xf32> {tfc.name = "g"}, %u: tensor<2x8x64xf32> {tfc.name = "u"},
                %x: tensor<1x2x4x8xf32> {tfc.name = "x"}, %cos: tensor<4x8xf32> {tfc.name = "cos"},
                %sin: tensor<4x8xf32> {tfc.name = "sin"})
    -> (tensor<2x8x64xf32> {tfc.name = "swiglu"}, tensor<2x8x64xf32> {tfc.name = "swiglu_sigmoid"},
        tensor<1x2x4x8xf32> {tfc.name = "rope"}) {
  %s = tfc.silu %g : tensor<2x8x64xf32>
  %swiglu = tfc.mul %s, %u : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>

  %sg = tfc.sigmoid %u : tensor<2x8x64xf32>
  %p = tfc.mul %u, %g : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %swiglu_sigmoid = tfc.mul %sg, %p : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>

  // GPT-J rotate_every_two.
  %xo = tfc.slice %x {offsets = array<i64: 0, 0, 0, 1>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %xe = tfc.slice %x {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %no = tfc.neg %xo : tensor<1x2x4x4xf32>
  %uo = tfc.reshape %no : tensor<1x2x4x4xf32> to tensor<1x2x4x4x1xf32>
  %ue = tfc.reshape %xe : tensor<1x2x4x4xf32> to tensor<1x2x4x4x1xf32>
  %st = tfc.concat %uo, %ue {axis = 4 : i64} : (tensor<1x2x4x4x1xf32>, tensor<1x2x4x4x1xf32>) -> tensor<1x2x4x4x2xf32>
  %rot = tfc.reshape %st : tensor<1x2x4x4x2xf32> to tensor<1x2x4x8xf32>
  %a = tfc.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %b = tfc.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %rope = tfc.add %a, %b : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %swiglu, %swiglu_sigmoid, %rope : tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<1x2x4x8xf32>
}
