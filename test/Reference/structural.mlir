// Structural ops against NumPy: transpose, reshape, expand, strided slice,
// concat of three inputs, split into two, gather (embedding lookup with
// negative indices; i32 indices on an inner axis), on floats and integers.

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/ref_cases.py structural %t
// RUN: tfc-reference %s --output-dir %t --input x=%t/x.npy --input r=%t/r.npy \
// RUN:   --input a=%t/a.npy --input b=%t/b.npy --input emb=%t/emb.npy \
// RUN:   --input ids=%t/ids.npy --input idx32=%t/idx32.npy --input m=%t/m.npy
// RUN: %python %S/check_npy.py --dir %t --rtol 0 --atol 0
func.func @structural(%x: tensor<2x3x4xf32> {tfc.name = "x"},
                      %r: tensor<1x4xf32> {tfc.name = "r"},
                      %a: tensor<2x1x4xf32> {tfc.name = "a"},
                      %b: tensor<2x2x4xf32> {tfc.name = "b"},
                      %emb: tensor<6x3xf32> {tfc.name = "emb"},
                      %ids: tensor<2x3xi64> {tfc.name = "ids"},
                      %idx32: tensor<4xi32> {tfc.name = "idx32"},
                      %m: tensor<3x5xi64> {tfc.name = "m"})
    -> (tensor<4x2x3xf32> {tfc.name = "transpose"}, tensor<6x4xf32> {tfc.name = "reshape"},
        tensor<3x2x4xf32> {tfc.name = "expand"}, tensor<1x2x2xf32> {tfc.name = "slice"},
        tensor<2x6x4xf32> {tfc.name = "concat"}, tensor<2x3x1xf32> {tfc.name = "split0"},
        tensor<2x3x3xf32> {tfc.name = "split1"}, tensor<2x3x3xf32> {tfc.name = "gather"},
        tensor<2x3x4xf32> {tfc.name = "gather1"}, tensor<2x2xi64> {tfc.name = "islice"},
        tensor<5x3xi64> {tfc.name = "itranspose"}) {
  %0 = tfc.transpose %x {permutation = array<i64: 2, 0, 1>}
      : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = tfc.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  %2 = tfc.expand %r : tensor<1x4xf32> to tensor<3x2x4xf32>
  %3 = tfc.slice %x {offsets = array<i64: 1, 0, 1>, sizes = array<i64: 1, 2, 2>,
                     strides = array<i64: 1, 2, 2>} : (tensor<2x3x4xf32>) -> tensor<1x2x2xf32>
  %4 = tfc.concat %a, %x, %b {axis = 1 : i64}
      : (tensor<2x1x4xf32>, tensor<2x3x4xf32>, tensor<2x2x4xf32>) -> tensor<2x6x4xf32>
  %5:2 = tfc.split %x {axis = 2 : i64, sizes = array<i64: 1, 3>}
      : (tensor<2x3x4xf32>) -> (tensor<2x3x1xf32>, tensor<2x3x3xf32>)
  %6 = tfc.gather %emb, %ids {axis = 0 : i64}
      : (tensor<6x3xf32>, tensor<2x3xi64>) -> tensor<2x3x3xf32>
  %7 = tfc.gather %x, %idx32 {axis = 2 : i64}
      : (tensor<2x3x4xf32>, tensor<4xi32>) -> tensor<2x3x4xf32>
  %8 = tfc.slice %m {offsets = array<i64: 0, 1>, sizes = array<i64: 2, 2>,
                     strides = array<i64: 2, 3>} : (tensor<3x5xi64>) -> tensor<2x2xi64>
  %9 = tfc.transpose %m {permutation = array<i64: 1, 0>} : (tensor<3x5xi64>) -> tensor<5x3xi64>
  return %0, %1, %2, %3, %4, %5#0, %5#1, %6, %7, %8, %9
      : tensor<4x2x3xf32>, tensor<6x4xf32>, tensor<3x2x4xf32>, tensor<1x2x2xf32>,
        tensor<2x6x4xf32>, tensor<2x3x1xf32>, tensor<2x3x3xf32>, tensor<2x3x3xf32>,
        tensor<2x3x4xf32>, tensor<2x2xi64>, tensor<5x3xi64>
}
