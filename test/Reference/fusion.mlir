// tfc.fusion regions are evaluated through their bodies: two results, one
// computed from the other inside the group, each op rounded to f32.

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/ref_cases.py fusion %t
// RUN: tfc-reference %s --output-dir %t --input x=%t/x.npy --input g=%t/g.npy \
// RUN:   --input b=%t/b.npy
// RUN: %python %S/check_npy.py --dir %t --rtol 1e-6 --atol 1e-6
func.func @fusion(%x: tensor<4x8xf32> {tfc.name = "x"}, %g: tensor<8xf32> {tfc.name = "g"},
                  %b: tensor<8xf32> {tfc.name = "b"})
    -> (tensor<4x8xf32> {tfc.name = "y"}, tensor<4x8xf32> {tfc.name = "ln"}) {
  %0:2 = tfc.fusion "layer_norm_gelu" (%x, %g, %b)
      : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  ^bb0(%a: tensor<4x8xf32>, %s: tensor<8xf32>, %t: tensor<8xf32>):
    %1 = tfc.layer_norm %a, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %2 = tfc.gelu %1 approximate = none : tensor<4x8xf32>
    %3 = tfc.add %2, %a : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    tfc.yield %3, %1 : tensor<4x8xf32>, tensor<4x8xf32>
  }
  return %0#0, %0#1 : tensor<4x8xf32>, tensor<4x8xf32>
}
