// tfc-raise preserves numerics when it evaluates a mask computed from
// positions (the Llama/Mistral dynamo form, scores + where(le(key
// positions, query positions), 0, finfo.min), with GQA): the reference
// executor runs the decomposed graph (the compare evaluated at run time)
// and the raised causal tfc.attention on seeded random inputs, and they
// agree at f32 tolerance. A near miss (lt: the diagonal masked too, the
// first query row fully masked) stays a mask and agrees as well.
//
// RUN: rm -rf %t && mkdir -p %t/before %t/after
// RUN: %python %S/Inputs/random_inputs.py %t q:1x4x8x16 k:1x2x8x16 v:1x2x8x16
// RUN: tfc-opt %s --tfc-raise -o %t/raised.mlir
// RUN: FileCheck %s < %t/raised.mlir
// RUN: tfc-reference %s --output-dir %t/before --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy
// RUN: tfc-reference %t/raised.mlir --output-dir %t/after --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy
// RUN: %python %S/../../Reference/check_npy.py %t/after/causal.npy %t/before/causal.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/strict.npy %t/before/strict.npy --rtol 1e-5 --atol 1e-6

// CHECK-LABEL: func.func @main
// CHECK: tfc.attention %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}} {causal = true, scale = 2.500000e-01 : f32} : (tensor<1x4x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
// CHECK: tfc.compare lt
// CHECK: tfc.attention {{.*}}, mask
// CHECK-NOT: tfc.softmax
func.func @main(%q: tensor<1x4x8x16xf32> {tfc.name = "q"}, %k: tensor<1x2x8x16xf32> {tfc.name = "k"},
                %v: tensor<1x2x8x16xf32> {tfc.name = "v"})
    -> (tensor<1x4x8x16xf32> {tfc.name = "causal"}, tensor<1x4x8x16xf32> {tfc.name = "strict"}) {
  %zero = tfc.constant dense<0.0> : tensor<f32>
  %min = tfc.constant dense<-3.40282347E+38> : tensor<f32>
  %scale = tfc.constant dense<0.25> : tensor<f32>
  %kpos = tfc.constant dense<[[[[0, 1, 2, 3, 4, 5, 6, 7]]]]> : tensor<1x1x1x8xi64>
  %qpos = tfc.constant dense<[[[[0], [1], [2], [3], [4], [5], [6], [7]]]]> : tensor<1x1x8x1xi64>
  // repeat_kv: [1, 2, 8, 16] -> [1, 2, 1, 8, 16] -> [1, 2, 2, 8, 16] -> [1, 4, 8, 16].
  %k1 = tfc.reshape %k : tensor<1x2x8x16xf32> to tensor<1x2x1x8x16xf32>
  %k2 = tfc.expand %k1 : tensor<1x2x1x8x16xf32> to tensor<1x2x2x8x16xf32>
  %kr = tfc.reshape %k2 : tensor<1x2x2x8x16xf32> to tensor<1x4x8x16xf32>
  %v1 = tfc.reshape %v : tensor<1x2x8x16xf32> to tensor<1x2x1x8x16xf32>
  %v2 = tfc.expand %v1 : tensor<1x2x1x8x16xf32> to tensor<1x2x2x8x16xf32>
  %vr = tfc.reshape %v2 : tensor<1x2x2x8x16xf32> to tensor<1x4x8x16xf32>

  %c = tfc.compare le, %kpos, %qpos : (tensor<1x1x1x8xi64>, tensor<1x1x8x1xi64>) -> tensor<1x1x8x8xi1>
  %mask = tfc.where %c, %zero, %min : (tensor<1x1x8x8xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x8x8xf32>
  %s = tfc.matmul %q, %kr {transpose_rhs = true} : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x8xf32>
  %t = tfc.mul %s, %scale : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %u = tfc.add %t, %mask : (tensor<1x4x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x4x8x8xf32>
  %p = tfc.softmax %u {axis = 3 : i64} : tensor<1x4x8x8xf32>
  %o = tfc.matmul %p, %vr : (tensor<1x4x8x8xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>

  %c2 = tfc.compare lt, %kpos, %qpos : (tensor<1x1x1x8xi64>, tensor<1x1x8x1xi64>) -> tensor<1x1x8x8xi1>
  %mask2 = tfc.where %c2, %zero, %min : (tensor<1x1x8x8xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x8x8xf32>
  %s2 = tfc.matmul %q, %kr {transpose_rhs = true} : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x8xf32>
  %t2 = tfc.mul %s2, %scale : (tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %u2 = tfc.add %t2, %mask2 : (tensor<1x4x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<1x4x8x8xf32>
  %p2 = tfc.softmax %u2 {axis = 3 : i64} : tensor<1x4x8x8xf32>
  %o2 = tfc.matmul %p2, %vr : (tensor<1x4x8x8xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %o, %o2 : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>
}
