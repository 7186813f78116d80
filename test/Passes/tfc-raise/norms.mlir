// tfc-raise on norms: the LayerNorm and RMSNorm formulas in their exported
// spellings become tfc.layer_norm / tfc.rms_norm, gamma and beta of the
// normalised shape fold in; near misses stay decomposed.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// LayerNorm as the TorchScript opset<17 export writes it: ReduceMean, Sub,
// Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul gamma, Add beta.
// CHECK-LABEL: func @layer_norm_div
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64xf32>, %[[G:.*]]: tensor<64xf32>, %[[B:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[LN:.*]] = tfc.layer_norm %[[X]], %[[G]], %[[B]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[LN]]
func.func @layer_norm_div(%x: tensor<2x8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<2x8x64xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %eps = tfc.constant dense<9.99999974E-6> : tensor<f32>
  %mean = tfc.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %d = tfc.sub %x, %mean : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %sq = tfc.pow %d, %two : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %ve = tfc.add %var, %eps : (tensor<2x8x1xf32>, tensor<f32>) -> tensor<2x8x1xf32>
  %std = tfc.sqrt %ve : tensor<2x8x1xf32>
  %n = tfc.div %d, %std : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %s = tfc.mul %n, %g : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %y = tfc.add %s, %b : (tensor<2x8x64xf32>, tensor<64xf32>) -> tensor<2x8x64xf32>
  return %y : tensor<2x8x64xf32>
}

// -----

// d * rsqrt(eps + var), square as d * d, normalised over the last two axes,
// gamma given as [1, 8, 64] (reshaped to the normalised shape), no beta.
// CHECK-LABEL: func @layer_norm_rsqrt_two_axes
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x64xf32>, %[[G:.*]]: tensor<1x8x64xf32>)
// CHECK: %[[G2:.*]] = tfc.reshape %[[G]] : tensor<1x8x64xf32> to tensor<8x64xf32>
// CHECK-NEXT: %[[LN:.*]] = tfc.layer_norm %[[X]], %[[G2]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: return %[[LN]]
func.func @layer_norm_rsqrt_two_axes(%x: tensor<2x8x64xf32>, %g: tensor<1x8x64xf32>) -> tensor<2x8x64xf32> {
  %eps = tfc.constant dense<1.0e-6> : tensor<1xf32>
  %mean = tfc.reduce mean %x {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x1x1xf32>
  %d = tfc.sub %x, %mean : (tensor<2x8x64xf32>, tensor<2x1x1xf32>) -> tensor<2x8x64xf32>
  %sq = tfc.mul %d, %d : (tensor<2x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x1x1xf32>
  %ve = tfc.add %eps, %var : (tensor<1xf32>, tensor<2x1x1xf32>) -> tensor<2x1x1xf32>
  %inv = tfc.rsqrt %ve : tensor<2x1x1xf32>
  %n = tfc.mul %inv, %d : (tensor<2x1x1xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  %y = tfc.mul %g, %n : (tensor<1x8x64xf32>, tensor<2x8x64xf32>) -> tensor<2x8x64xf32>
  return %y : tensor<2x8x64xf32>
}

// -----

// Without an eps add: epsilon 0.
// CHECK-LABEL: func @layer_norm_no_eps
// CHECK-NEXT: %[[LN:.*]] = tfc.layer_norm %{{.*}} {axis = 1 : i64, epsilon = 0.000000e+00 : f32} : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: return %[[LN]]
func.func @layer_norm_no_eps(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %mean = tfc.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %d = tfc.sub %x, %mean : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %sq = tfc.pow %d, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 1>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %std = tfc.sqrt %var : tensor<4x1xf32>
  %n = tfc.div %d, %std : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near miss: eps added after the sqrt, (x - mean) / (sqrt(var) + eps).
// CHECK-LABEL: func @layer_norm_eps_outside_sqrt
// CHECK-NOT: tfc.layer_norm
// CHECK-NOT: tfc.rms_norm
// CHECK: tfc.div
func.func @layer_norm_eps_outside_sqrt(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %eps = tfc.constant dense<1.0e-5> : tensor<f32>
  %mean = tfc.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %d = tfc.sub %x, %mean : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %sq = tfc.pow %d, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 1>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %std = tfc.sqrt %var : tensor<4x1xf32>
  %se = tfc.add %std, %eps : (tensor<4x1xf32>, tensor<f32>) -> tensor<4x1xf32>
  %n = tfc.div %d, %se : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near miss: the means run over a leading axis (axis 0 of [4, 16]), not the
// trailing ones.
// CHECK-LABEL: func @layer_norm_wrong_axis
// CHECK-NOT: tfc.layer_norm
// CHECK-NOT: tfc.rms_norm
// CHECK: tfc.div
func.func @layer_norm_wrong_axis(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %eps = tfc.constant dense<1.0e-5> : tensor<f32>
  %mean = tfc.reduce mean %x {axes = array<i64: 0>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<1x16xf32>
  %d = tfc.sub %x, %mean : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  %sq = tfc.pow %d, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 0>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<1x16xf32>
  %ve = tfc.add %var, %eps : (tensor<1x16xf32>, tensor<f32>) -> tensor<1x16xf32>
  %std = tfc.sqrt %ve : tensor<1x16xf32>
  %n = tfc.div %d, %std : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// Near miss for LayerNorm: mean and variance over different axes. What is
// left is exactly an RMSNorm of d = x - mean(x) over the variance's axes.
// CHECK-LABEL: func @layer_norm_mismatched_axes
// CHECK-NOT: tfc.layer_norm
// CHECK: %[[D:.*]] = tfc.sub
// CHECK-NEXT: tfc.rms_norm %[[D]] {axis = 1 : i64, epsilon = 0.000000e+00 : f32}
func.func @layer_norm_mismatched_axes(%x: tensor<2x8x64xf32>) -> tensor<2x8x64xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %mean = tfc.reduce mean %x {axes = array<i64: 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x8x1xf32>
  %d = tfc.sub %x, %mean : (tensor<2x8x64xf32>, tensor<2x8x1xf32>) -> tensor<2x8x64xf32>
  %sq = tfc.pow %d, %two : (tensor<2x8x64xf32>, tensor<f32>) -> tensor<2x8x64xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<2x8x64xf32>) -> tensor<2x1x1xf32>
  %std = tfc.sqrt %var : tensor<2x1x1xf32>
  %n = tfc.div %d, %std : (tensor<2x8x64xf32>, tensor<2x1x1xf32>) -> tensor<2x8x64xf32>
  return %n : tensor<2x8x64xf32>
}

// -----

// Near miss: variance of x, not of x - mean(x).
// CHECK-LABEL: func @layer_norm_variance_of_input
// CHECK-NOT: tfc.layer_norm
// CHECK: tfc.div
func.func @layer_norm_variance_of_input(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %mean = tfc.reduce mean %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %d = tfc.sub %x, %mean : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  %sq = tfc.pow %x, %two : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  %var = tfc.reduce mean %sq {axes = array<i64: 1>, keep_dims = true} : (tensor<4x16xf32>) -> tensor<4x1xf32>
  %std = tfc.sqrt %var : tensor<4x1xf32>
  %n = tfc.div %d, %std : (tensor<4x16xf32>, tensor<4x1xf32>) -> tensor<4x16xf32>
  return %n : tensor<4x16xf32>
}

// -----

// RMSNorm as HF Llama exports it (TorchScript): cast to f32, Pow 2,
// ReduceMean, Add eps, Sqrt, Reciprocal, Mul, cast back, Mul weight. The
// f32 core is raised; the casts and the bf16 weight product stay.
// CHECK-LABEL: func @rms_norm_llama
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x64xbf16>, %[[W:.*]]: tensor<64xbf16>)
// CHECK-NEXT: %[[XF:.*]] = tfc.cast %[[X]] : tensor<1x8x64xbf16> to tensor<1x8x64xf32>
// CHECK-NEXT: %[[N:.*]] = tfc.rms_norm %[[XF]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: %[[NB:.*]] = tfc.cast %[[N]] : tensor<1x8x64xf32> to tensor<1x8x64xbf16>
// CHECK-NEXT: %[[Y:.*]] = tfc.mul %[[W]], %[[NB]]
// CHECK-NEXT: return %[[Y]]
func.func @rms_norm_llama(%x: tensor<1x8x64xbf16>, %w: tensor<64xbf16>) -> tensor<1x8x64xbf16> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %eps = tfc.constant dense<1.0e-6> : tensor<f32>
  %xf = tfc.cast %x : tensor<1x8x64xbf16> to tensor<1x8x64xf32>
  %sq = tfc.pow %xf, %two : (tensor<1x8x64xf32>, tensor<f32>) -> tensor<1x8x64xf32>
  %ms = tfc.reduce mean %sq {axes = array<i64: 2>, keep_dims = true} : (tensor<1x8x64xf32>) -> tensor<1x8x1xf32>
  %me = tfc.add %ms, %eps : (tensor<1x8x1xf32>, tensor<f32>) -> tensor<1x8x1xf32>
  %rt = tfc.sqrt %me : tensor<1x8x1xf32>
  %inv = tfc.reciprocal %rt : tensor<1x8x1xf32>
  %n = tfc.mul %xf, %inv : (tensor<1x8x64xf32>, tensor<1x8x1xf32>) -> tensor<1x8x64xf32>
  %nb = tfc.cast %n : tensor<1x8x64xf32> to tensor<1x8x64xbf16>
  %y = tfc.mul %w, %nb : (tensor<64xbf16>, tensor<1x8x64xbf16>) -> tensor<1x8x64xbf16>
  return %y : tensor<1x8x64xbf16>
}

// -----

// RMSNorm in f32 with x / sqrt(.) and the weight folded in.
// CHECK-LABEL: func @rms_norm_div_scale
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[W:.*]]: tensor<64xf32>)
// CHECK-NEXT: %[[N:.*]] = tfc.rms_norm %[[X]], %[[W]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[N]]
func.func @rms_norm_div_scale(%x: tensor<8x64xf32>, %w: tensor<64xf32>) -> tensor<8x64xf32> {
  %eps = tfc.constant dense<1.0e-5> : tensor<f32>
  %sq = tfc.mul %x, %x : (tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<8x64xf32>
  %ms = tfc.reduce mean %sq {axes = array<i64: 1>, keep_dims = true} : (tensor<8x64xf32>) -> tensor<8x1xf32>
  %me = tfc.add %eps, %ms : (tensor<f32>, tensor<8x1xf32>) -> tensor<8x1xf32>
  %rt = tfc.sqrt %me : tensor<8x1xf32>
  %n = tfc.div %x, %rt : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
  %y = tfc.mul %n, %w : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

// -----

// x * (1 / sqrt(.)) and x * rsqrt(.) spellings.
// CHECK-LABEL: func @rms_norm_one_over
// CHECK: tfc.rms_norm %{{.*}} {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK: tfc.rms_norm %{{.*}} {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NOT: tfc.sqrt
// CHECK-NOT: tfc.rsqrt
func.func @rms_norm_one_over(%x: tensor<8x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %one = tfc.constant dense<1.0> : tensor<f32>
  %two = tfc.constant dense<2.0> : tensor<f32>
  %eps = tfc.constant dense<1.0e-5> : tensor<f32>
  %sq = tfc.pow %x, %two : (tensor<8x64xf32>, tensor<f32>) -> tensor<8x64xf32>
  %ms = tfc.reduce mean %sq {axes = array<i64: 1>, keep_dims = true} : (tensor<8x64xf32>) -> tensor<8x1xf32>
  %me = tfc.add %ms, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %rt = tfc.sqrt %me : tensor<8x1xf32>
  %inv = tfc.div %one, %rt : (tensor<f32>, tensor<8x1xf32>) -> tensor<8x1xf32>
  %n = tfc.mul %x, %inv : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
  %sq2 = tfc.pow %x, %two : (tensor<8x64xf32>, tensor<f32>) -> tensor<8x64xf32>
  %ms2 = tfc.reduce mean %sq2 {axes = array<i64: 1>, keep_dims = true} : (tensor<8x64xf32>) -> tensor<8x1xf32>
  %me2 = tfc.add %ms2, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %r2 = tfc.rsqrt %me2 : tensor<8x1xf32>
  %n2 = tfc.mul %r2, %x : (tensor<8x1xf32>, tensor<8x64xf32>) -> tensor<8x64xf32>
  return %n, %n2 : tensor<8x64xf32>, tensor<8x64xf32>
}

// -----

// Near misses: the square is pow(x, 3); the mean is of another tensor's
// square; the weight does not have the normalised shape (not folded).
// CHECK-LABEL: func @rms_norm_near_misses
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[Z:.*]]: tensor<8x64xf32>, %[[W:.*]]: tensor<8x1xf32>)
// CHECK: tfc.pow
// CHECK: tfc.div
// CHECK: tfc.div
// CHECK: %[[N:.*]] = tfc.rms_norm %[[X]] {axis = 1 : i64
// CHECK-NEXT: tfc.mul %[[N]], %[[W]]
func.func @rms_norm_near_misses(%x: tensor<8x64xf32>, %z: tensor<8x64xf32>, %w: tensor<8x1xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>) {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %three = tfc.constant dense<3.0> : tensor<f32>
  %eps = tfc.constant dense<1.0e-5> : tensor<f32>
  %c = tfc.pow %x, %three : (tensor<8x64xf32>, tensor<f32>) -> tensor<8x64xf32>
  %mc = tfc.reduce mean %c {axes = array<i64: 1>, keep_dims = true} : (tensor<8x64xf32>) -> tensor<8x1xf32>
  %rc = tfc.sqrt %mc : tensor<8x1xf32>
  %n1 = tfc.div %x, %rc : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
  %sz = tfc.pow %z, %two : (tensor<8x64xf32>, tensor<f32>) -> tensor<8x64xf32>
  %mz = tfc.reduce mean %sz {axes = array<i64: 1>, keep_dims = true} : (tensor<8x64xf32>) -> tensor<8x1xf32>
  %rz = tfc.sqrt %mz : tensor<8x1xf32>
  %n2 = tfc.div %x, %rz : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
  %sx = tfc.pow %x, %two : (tensor<8x64xf32>, tensor<f32>) -> tensor<8x64xf32>
  %mx = tfc.reduce mean %sx {axes = array<i64: 1>, keep_dims = true} : (tensor<8x64xf32>) -> tensor<8x1xf32>
  %ex = tfc.add %mx, %eps : (tensor<8x1xf32>, tensor<f32>) -> tensor<8x1xf32>
  %rx = tfc.sqrt %ex : tensor<8x1xf32>
  %n3 = tfc.div %x, %rx : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
  %y3 = tfc.mul %n3, %w : (tensor<8x64xf32>, tensor<8x1xf32>) -> tensor<8x64xf32>
  return %n1, %n2, %y3 : tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>
}
