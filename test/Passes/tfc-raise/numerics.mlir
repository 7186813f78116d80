// tfc-raise preserves numerics: the decomposed forms below (LayerNorm,
// RMSNorm with weight, GELU tanh and erf, SiLU, RoPE, GQA attention with a
// causal finfo.min mask, attention with a non-causal where mask) run through
// the reference executor before and after the pass, on seeded random
// inputs, and must agree at f32 tolerance.
//
// RUN: rm -rf %t && mkdir -p %t/before %t/after
// RUN: %python %S/Inputs/random_inputs.py %t x:2x8x64 g:64 b:64 xr:1x2x4x8 cos:4x8 sin:4x8 q:1x4x4x8 k:1x2x4x8 v:1x2x4x8
// RUN: tfc-opt %s --tfc-raise -o %t/raised.mlir
// RUN: FileCheck %s < %t/raised.mlir
// RUN: tfc-reference %s --output-dir %t/before --input x=%t/x.npy --input g=%t/g.npy --input b=%t/b.npy --input xr=%t/xr.npy --input cos=%t/cos.npy --input sin=%t/sin.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy
// RUN: tfc-reference %t/raised.mlir --output-dir %t/after --input x=%t/x.npy --input g=%t/g.npy --input b=%t/b.npy --input xr=%t/xr.npy --input cos=%t/cos.npy --input sin=%t/sin.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy
// RUN: %python %S/../../Reference/check_npy.py %t/after/ln.npy %t/before/ln.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/rms.npy %t/before/rms.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/gelu_tanh.npy %t/before/gelu_tanh.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/gelu_erf.npy %t/before/gelu_erf.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/silu.npy %t/before/silu.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/rope.npy %t/before/rope.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/gqa.npy %t/before/gqa.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/masked.npy %t/before/masked.npy --rtol 1e-5 --atol 1e-6

// CHECK: tfc.layer_norm
// CHECK: tfc.rms_norm
// CHECK: tfc.gelu %{{.*}} approximate = tanh
// CHECK: tfc.gelu %{{.*}} approximate = none
// CHECK: tfc.silu
// CHECK: tfc.rope
// CHECK: tfc.attention {{.*}}causal = true
// CHECK: tfc.attention {{.*}}, mask
// CHECK-NOT: tfc.softmax
// CHECK-NOT: tfc.reduce
func.func @main(%x: tensor<2x8x64xf32> {tfc.name = "x"}, %g: tensor<64xf32> {tfc.name = "g"},
                %b: tensor<64xf32> {tfc.name = "b"}, %xr: tensor<1x2x4x8xf32> {tfc.name = "xr"},
                %cos: tensor<4x8xf32> {tfc.name = "cos"}, %sin: tensor<4x8xf32> {tfc.name = "sin"},
                %q: tensor<1x4x4x8xf32> {tfc.name = "q"}, %k: tensor<1x2x4x8xf32> {tfc.name = "k"},
                %v: tensor<1x2x4x8xf32> {tfc.name = "v"})
    -> (tensor<2x8x64xf32> {tfc.name = "ln"}, tensor<2x8x64xf32> {tfc.name = "rms"},
        tensor<2x8x64xf32> {tfc.name = "gelu_tanh"}, tensor<2x8x64xf32> {tfc.name = "gelu_erf"},
        tensor<2x8x64xf32> {tfc.name = "silu"}, tensor<1x2x4x8xf32> {tfc.name = "rope"},
        tensor<1x4x4x8xf32> {tfc.name = "gqa"}, tensor<1x4x4x8xf32> {tfc.name = "masked"}) {
  %one = tfc.constant dense<1.0> : tensor<f32>
  %two = tfc.constant dense<2.0> : tensor<f32>
  %three = tfc.constant dense<3.0> : tensor<f32>
  %half = tfc.constant dense<0.5> : tensor<f32>
  %eps = tfc.constant dense<1.0e-5> : tensor<f32>

  // LayerNorm with gamma and beta.
  %mean = tfc.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %d = tfc.sub %x, %mean : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %d2 = tfc.pow %d, %two : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %var = tfc.reduce mean %d2 {axes = array<i64: 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %ve = tfc.add %var, %eps : (tensor<2x8x1xf32>, tensor<f32>) -> tensor<2x8x1xf32>
  %std = tfc.sqrt %ve : tensor<2x8x1xf32>
  %n = tfc.div %d, %std : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %ng = tfc.mul %n, %g : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %ln = tfc.add %ng, %b : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>

  // RMSNorm with weight.
  %x2 = tfc.pow %x, %two : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %ms = tfc.reduce mean %x2 {axes = array<i64: 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %me = tfc.add %ms, %eps : (tensor<2x8x1xf32>, tensor<f32>) -> tensor<2x8x1xf32>
  %rt = tfc.sqrt %me : tensor<2x8x1xf32>
  %inv = tfc.reciprocal %rt : tensor<2x8x1xf32>
  %rn = tfc.mul %x, %inv : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %rms = tfc.mul %g, %rn : (tensor<64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>

  // GELU, tanh form.
  %c = tfc.constant dense<4.471500e-02> : tensor<f32>
  %kk = tfc.constant dense<0.797884583> : tensor<f32>
  %t0 = tfc.mul %x, %half : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %t1 = tfc.pow %x, %three : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %t2 = tfc.mul %t1, %c : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %t3 = tfc.add %x, %t2 : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %t4 = tfc.mul %t3, %kk : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %t5 = tfc.tanh %t4 : tensor<2x8x64xf32>
  %t6 = tfc.add %t5, %one : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %gelu_tanh = tfc.mul %t0, %t6 : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>

  // GELU, erf form.
  %sqrt2 = tfc.constant dense<1.41421354> : tensor<f32>
  %e0 = tfc.div %x, %sqrt2 : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %e1 = tfc.erf %e0 : tensor<2x8x64xf32>
  %e2 = tfc.add %e1, %one : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %e3 = tfc.mul %x, %e2 : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %gelu_erf = tfc.mul %e3, %half : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>

  // SiLU.
  %sg = tfc.sigmoid %x : tensor<2x8x64xf32>
  %silu = tfc.mul %sg, %x : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>

  // RoPE, rotate-half.
  %r1 = tfc.slice %xr {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %r2 = tfc.slice %xr {offsets = array<i64: 0, 0, 0, 4>, sizes = array<i64: 1, 2, 4, 4>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x4x4xf32>
  %rneg = tfc.neg %r2 : tensor<1x2x4x4xf32>
  %rot = tfc.concat %rneg, %r1 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %ra = tfc.mul %xr, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %rb = tfc.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %rope = tfc.add %ra, %rb : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>

  // GQA attention, repeat_kv, causal finfo.min mask, scale 1/sqrt(8).
  %scale = tfc.constant dense<0.353553385> : tensor<f32>
  %causal = tfc.constant dense<[[0.000000e+00, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.000000e+00, 0.000000e+00, -3.40282347E+38, -3.40282347E+38], [0.000000e+00, 0.000000e+00, 0.000000e+00, -3.40282347E+38], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>
  %k1 = tfc.reshape %k : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %k2 = tfc.expand %k1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %k3 = tfc.reshape %k2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %v1 = tfc.reshape %v : tensor<1x2x4x8xf32> to tensor<1x2x1x4x8xf32>
  %v2 = tfc.expand %v1 : tensor<1x2x1x4x8xf32> to tensor<1x2x2x4x8xf32>
  %v3 = tfc.reshape %v2 : tensor<1x2x2x4x8xf32> to tensor<1x4x4x8xf32>
  %kt = tfc.transpose %k3 {permutation = array<i64: 0, 1, 3, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x4x8x4xf32>
  %s = tfc.matmul %q, %kt : (tensor<1x4x4x8xf32>, tensor<1x4x8x4xf32>) -> tensor<1x4x4x4xf32>
  %ss = tfc.mul %s, %scale : (tensor<1x4x4x4xf32>, tensor<f32>) -> tensor<1x4x4x4xf32>
  %sm = tfc.add %ss, %causal : (tensor<1x4x4x4xf32>, tensor<4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tfc.softmax %sm {axis = 3 : i64} : tensor<1x4x4x4xf32>
  %gqa = tfc.matmul %p, %v3 : (tensor<1x4x4x4xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>

  // Attention with a non-causal where mask (-inf fill): kept additive.
  %ninf = tfc.constant dense<0xFF800000> : tensor<f32>
  %cond = tfc.constant dense<[[false, true, false, true], [true, false, false, false], [false, false, true, false], [true, true, true, false]]> : tensor<4x4xi1>
  %s2 = tfc.matmul %q, %q {transpose_rhs = true} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x4xf32>
  %w2 = tfc.where %cond, %ninf, %s2 : (tensor<4x4xi1>, tensor<f32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %p2 = tfc.softmax %w2 {axis = 3 : i64} : tensor<1x4x4x4xf32>
  %masked = tfc.matmul %p2, %q : (tensor<1x4x4x4xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>

  return %ln, %rms, %gelu_tanh, %gelu_erf, %silu, %rope, %gqa, %masked
      : tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x8x64xf32>, tensor<2x8x64xf32>,
        tensor<2x8x64xf32>, tensor<1x2x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}
