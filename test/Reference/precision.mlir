// Each op's result is rounded to its declared element type (bf16, f16)
// before the next op reads it: 1 + 2^-8 + 2^-8 in bf16 stays 1.0, where
// rounding once at the end would give 1.0078125. Compared exactly.

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/ref_cases.py precision %t
// RUN: tfc-reference %s --output-dir %t --input a=%t/a.npy --input b=%t/b.npy \
// RUN:   --input ha=%t/ha.npy --input hb=%t/hb.npy
// RUN: %python %S/check_npy.py --dir %t --rtol 0 --atol 0
func.func @precision(%a: tensor<4xbf16> {tfc.name = "a"}, %b: tensor<4xbf16> {tfc.name = "b"},
                     %ha: tensor<4xf16> {tfc.name = "ha"}, %hb: tensor<4xf16> {tfc.name = "hb"})
    -> (tensor<4xbf16> {tfc.name = "bf16_twice"}, tensor<4xf16> {tfc.name = "f16_chain"},
        tensor<4xf16> {tfc.name = "f16_softmax"}) {
  %0 = tfc.add %a, %b : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  %1 = tfc.add %0, %b : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  %2 = tfc.add %ha, %hb : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  %three = tfc.constant dense<3.0> : tensor<f16>
  %3 = tfc.mul %2, %three : (tensor<4xf16>, tensor<f16>) -> tensor<4xf16>
  %4 = tfc.softmax %3 {axis = 0 : i64} : tensor<4xf16>
  return %1, %3, %4 : tensor<4xbf16>, tensor<4xf16>, tensor<4xf16>
}
