// Weights: tfc.parameter with dense_resource blobs (f32, i64, f16) and dense
// values, tfc.constant (dense, splat, f64, i1), against NumPy.

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/ref_cases.py weights %t
// RUN: tfc-reference %s --output-dir %t --input x=%t/x.npy
// RUN: %python %S/check_npy.py --dir %t --rtol 0 --atol 0
func.func @weights(%x: tensor<2x3xf32> {tfc.name = "x"})
    -> (tensor<2x3xf32> {tfc.name = "w"}, tensor<2x3xf32> {tfc.name = "c"},
        tensor<2x3xf32> {tfc.name = "splat"}, tensor<2xi64> {tfc.name = "ids"},
        tensor<3xf16> {tfc.name = "h"}, tensor<3xi1> {tfc.name = "bools"},
        tensor<2xi32> {tfc.name = "pos"}) {
  %w = tfc.parameter "h.0.w" = dense_resource<w_blob> : tensor<2x3xf32> : tensor<2x3xf32>
  %0 = tfc.add %x, %w : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c64 = tfc.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf64>
  %c = tfc.cast %c64 : tensor<3xf64> to tensor<3xf32>
  %1 = tfc.add %x, %c : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %s = tfc.constant dense<0.5> : tensor<2x3xf32>
  %2 = tfc.add %x, %s : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %i = tfc.parameter "ids" = dense_resource<ids_blob> : tensor<2xi64> : tensor<2xi64>
  %one = tfc.constant dense<[1, 2]> : tensor<2xi64>
  %3 = tfc.add %i, %one : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %h = tfc.parameter "half" = dense_resource<h_blob> : tensor<3xf16> : tensor<3xf16>
  %b = tfc.constant dense<[true, false, true]> : tensor<3xi1>
  %p = tfc.parameter "pos" = dense<[3, 4]> : tensor<2xi32> : tensor<2xi32>
  return %0, %1, %2, %3, %h, %b, %p : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
      tensor<2xi64>, tensor<3xf16>, tensor<3xi1>, tensor<2xi32>
}

{-#
  dialect_resources: {
    builtin: {
      w_blob: "0x040000000000003F000080BF000000400000C03F0000803E000040C0",
      ids_blob: "0x080000000700000000000000FDFFFFFFFFFFFFFF",
      h_blob: "0x02000000003E00B40064"
    }
  }
#-}
