// A GELU MLP with biases, for test/Reference/tensor-parallel.test.
func.func @main(%x: tensor<3x4xf32> {tfc.name = "x"}) -> (tensor<3x4xf32> {tfc.name = "y"}) {
  %w1 = tfc.parameter "w1" = dense<[[0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0],
                                    [1.0, 0.5, -0.25, -1.5, 2.0, 0.125, -0.75, 0.5],
                                    [-1.0, 0.25, 1.25, 0.5, -0.125, -1.0, 0.5, 1.0],
                                    [0.25, 2.0, -1.0, 0.75, 0.5, -0.25, 1.0, -0.5]]> : tensor<4x8xf32> : tensor<4x8xf32>
  %b1 = tfc.parameter "b1" = dense<[0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]> : tensor<8xf32> : tensor<8xf32>
  %w2 = tfc.parameter "w2" = dense<[[1.0, -0.5, 0.25, 0.5], [0.5, 1.0, -1.0, 0.25], [-0.25, 0.75, 0.5, -1.0], [2.0, -1.0, 0.125, 0.5],
                                    [0.5, 0.5, -0.5, 1.0], [-1.0, 0.25, 1.0, -0.25], [0.75, -0.75, 0.25, 2.0], [0.125, 1.5, -2.0, 0.5]]> : tensor<8x4xf32> : tensor<8x4xf32>
  %b2 = tfc.parameter "b2" = dense<[0.01, 0.02, 0.03, 0.04]> : tensor<4xf32> : tensor<4xf32>
  %h = tfc.matmul %x, %w1 : (tensor<3x4xf32>, tensor<4x8xf32>) -> tensor<3x8xf32>
  %hb = tfc.add %h, %b1 : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3x8xf32>
  %g = tfc.gelu %hb approximate = none : tensor<3x8xf32>
  %d = tfc.matmul %g, %w2 : (tensor<3x8xf32>, tensor<8x4xf32>) -> tensor<3x4xf32>
  %y = tfc.add %d, %b2 : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}
