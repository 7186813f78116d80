// fp8 ops against hand-computed values: tfc.dynamic_quantize takes the
// scale amax / 448 and rounds x / scale to e4m3 (1, -2, 4, 0.5 with amax 4
// become 112, -224, 448, 56, exact in e4m3); tfc.scaled_matmul sums the
// fp8 products and multiplies by both scales (per channel here); an
// all-zero input gets scale 1.

// RUN: rm -rf %t && mkdir -p %t/out
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.array([[1, -2, 4, 0.5]], np.float32)); np.save('%t/z.npy', np.zeros((2, 2), np.float32))"
// RUN: %python -c "import numpy as np; s = np.float32(4) / np.float32(448); np.save('%t/out/q.expected.npy', np.array([[112, -224, 448, 56]], np.float32)); np.save('%t/out/s.expected.npy', np.array(s, np.float32)); np.save('%t/out/y.expected.npy', np.array([[672 * 0.5, 224 * 2]], np.float32) * s); np.save('%t/out/zs.expected.npy', np.array(1, np.float32))"
// RUN: tfc-reference %s --output-dir %t/out --input x=%t/x.npy --input z=%t/z.npy
// RUN: %python %S/check_npy.py --dir %t/out --rtol 1e-6 --atol 0
func.func @main(%x: tensor<1x4xf32> {tfc.name = "x"}, %z: tensor<2x2xf32> {tfc.name = "z"})
    -> (tensor<1x4xf32> {tfc.name = "q"}, tensor<f32> {tfc.name = "s"},
        tensor<1x2xf32> {tfc.name = "y"}, tensor<f32> {tfc.name = "zs"}) {
  %w = tfc.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]]> : tensor<4x2xf8E4M3FN>
  %ws = tfc.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %q, %s = tfc.dynamic_quantize %x : tensor<1x4xf32> -> tensor<1x4xf8E4M3FN>, tensor<f32>
  %y = tfc.scaled_matmul %q, %w scales(%s, %ws) : (tensor<1x4xf8E4M3FN>, tensor<4x2xf8E4M3FN>, tensor<f32>, tensor<2xf32>) -> tensor<1x2xf32>
  %qf = tfc.cast %q : tensor<1x4xf8E4M3FN> to tensor<1x4xf32>
  %zq, %zs = tfc.dynamic_quantize %z : tensor<2x2xf32> -> tensor<2x2xf8E4M3FN>, tensor<f32>
  return %qf, %s, %y, %zs : tensor<1x4xf32>, tensor<f32>, tensor<1x2xf32>, tensor<f32>
}
