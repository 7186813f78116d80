// Reductions (every kind, several axes, keep_dims, integers), softmax on the
// last and a middle axis, layer_norm (scale+bias, none, scale only, over two
// dims) and rms_norm, against NumPy.

// RUN: rm -rf %t && mkdir -p %t

// RUN: %python %S/Inputs/ref_cases.py reductions %t/reductions
// RUN: tfc-reference %s --entry reductions --output-dir %t/reductions \
// RUN:   --input x=%t/reductions/x.npy --input i=%t/reductions/i.npy
// RUN: %python %S/check_npy.py --dir %t/reductions --rtol 1e-6 --atol 1e-7
func.func @reductions(%x: tensor<2x3x4xf32> {tfc.name = "x"},
                      %i: tensor<3x4xi64> {tfc.name = "i"})
    -> (tensor<3xf32> {tfc.name = "sum"}, tensor<2x3x1xf32> {tfc.name = "mean"},
        tensor<2x4xf32> {tfc.name = "max"}, tensor<1x1x1xf32> {tfc.name = "min"},
        tensor<3x4xf32> {tfc.name = "prod"}, tensor<2x3x4xf32> {tfc.name = "softmax_last"},
        tensor<2x3x4xf32> {tfc.name = "softmax_mid"}, tensor<3xi64> {tfc.name = "isum"},
        tensor<1x4xi64> {tfc.name = "imax"}, tensor<3xi64> {tfc.name = "imean"}) {
  %0 = tfc.reduce sum %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %1 = tfc.reduce mean %x {axes = array<i64: 2>, keep_dims = true}
      : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %2 = tfc.reduce max %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %3 = tfc.reduce min %x {axes = array<i64: 0, 1, 2>, keep_dims = true}
      : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
  %4 = tfc.reduce prod %x {axes = array<i64: 0>} : (tensor<2x3x4xf32>) -> tensor<3x4xf32>
  %5 = tfc.softmax %x {axis = 2 : i64} : tensor<2x3x4xf32>
  %6 = tfc.softmax %x {axis = 1 : i64} : tensor<2x3x4xf32>
  %7 = tfc.reduce sum %i {axes = array<i64: 1>} : (tensor<3x4xi64>) -> tensor<3xi64>
  %8 = tfc.reduce max %i {axes = array<i64: 0>, keep_dims = true}
      : (tensor<3x4xi64>) -> tensor<1x4xi64>
  %9 = tfc.reduce mean %i {axes = array<i64: 1>} : (tensor<3x4xi64>) -> tensor<3xi64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<3xf32>, tensor<2x3x1xf32>,
      tensor<2x4xf32>, tensor<1x1x1xf32>, tensor<3x4xf32>, tensor<2x3x4xf32>,
      tensor<2x3x4xf32>, tensor<3xi64>, tensor<1x4xi64>, tensor<3xi64>
}

// RUN: %python %S/Inputs/ref_cases.py norms %t/norms
// RUN: tfc-reference %s --entry norms --output-dir %t/norms \
// RUN:   --input x=%t/norms/x.npy --input g=%t/norms/g.npy \
// RUN:   --input b=%t/norms/b.npy --input g2=%t/norms/g2.npy
// RUN: %python %S/check_npy.py --dir %t/norms --rtol 1e-6 --atol 1e-6
func.func @norms(%x: tensor<2x3x8xf32> {tfc.name = "x"}, %g: tensor<8xf32> {tfc.name = "g"},
                 %b: tensor<8xf32> {tfc.name = "b"}, %g2: tensor<3x8xf32> {tfc.name = "g2"})
    -> (tensor<2x3x8xf32> {tfc.name = "ln"}, tensor<2x3x8xf32> {tfc.name = "ln_plain"},
        tensor<2x3x8xf32> {tfc.name = "ln_scale"}, tensor<2x3x8xf32> {tfc.name = "ln_2d"},
        tensor<2x3x8xf32> {tfc.name = "rms"}, tensor<2x3x8xf32> {tfc.name = "rms_plain"}) {
  %0 = tfc.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %1 = tfc.layer_norm %x {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  %2 = tfc.layer_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %3 = tfc.layer_norm %x, %g2 {axis = 1 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
  %4 = tfc.rms_norm %x, %g {axis = 2 : i64, epsilon = 1.0e-06 : f32}
      : (tensor<2x3x8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  %5 = tfc.rms_norm %x {axis = 1 : i64, epsilon = 1.0e-06 : f32}
      : (tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3x8xf32>, tensor<2x3x8xf32>,
      tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>, tensor<2x3x8xf32>
}
