// Elementwise ops against NumPy: broadcasting arithmetic on floats and
// integers (wrapping, truncating division), comparisons and logic, select,
// unary math and activations (gelu erf/tanh), and casts.

// RUN: rm -rf %t && mkdir -p %t

// RUN: %python %S/Inputs/ref_cases.py binary %t/binary
// RUN: tfc-reference %s --entry binary --output-dir %t/binary \
// RUN:   --input a=%t/binary/a.npy --input b=%t/binary/b.npy --input p=%t/binary/p.npy
// RUN: %python %S/check_npy.py --dir %t/binary --rtol 1e-6 --atol 1e-7
func.func @binary(%a: tensor<2x3x4xf32> {tfc.name = "a"},
                  %b: tensor<3x1xf32> {tfc.name = "b"},
                  %p: tensor<2x3x4xf32> {tfc.name = "p"})
    -> (tensor<2x3x4xf32> {tfc.name = "add"}, tensor<2x3x4xf32> {tfc.name = "sub"},
        tensor<2x3x4xf32> {tfc.name = "mul"}, tensor<2x3x4xf32> {tfc.name = "div"},
        tensor<2x3x4xf32> {tfc.name = "pow"}, tensor<2x3x4xf32> {tfc.name = "maximum"},
        tensor<2x3x4xf32> {tfc.name = "minimum"}) {
  %0 = tfc.add %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = tfc.sub %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %2 = tfc.mul %b, %a : (tensor<3x1xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %3 = tfc.div %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %4 = tfc.pow %p, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %5 = tfc.maximum %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %6 = tfc.minimum %a, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3x4xf32>, tensor<2x3x4xf32>,
      tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>,
      tensor<2x3x4xf32>
}

// RUN: %python %S/Inputs/ref_cases.py int_binary %t/int_binary
// RUN: tfc-reference %s --entry int_binary --output-dir %t/int_binary \
// RUN:   --input a=%t/int_binary/a.npy --input b=%t/int_binary/b.npy \
// RUN:   --input e=%t/int_binary/e.npy --input big=%t/int_binary/big.npy \
// RUN:   --input one=%t/int_binary/one.npy
// RUN: %python %S/check_npy.py --dir %t/int_binary
func.func @int_binary(%a: tensor<2x4xi64> {tfc.name = "a"},
                      %b: tensor<4xi64> {tfc.name = "b"},
                      %e: tensor<4xi64> {tfc.name = "e"},
                      %big: tensor<3xi32> {tfc.name = "big"},
                      %one: tensor<3xi32> {tfc.name = "one"})
    -> (tensor<2x4xi64> {tfc.name = "add"}, tensor<2x4xi64> {tfc.name = "sub"},
        tensor<2x4xi64> {tfc.name = "mul"}, tensor<2x4xi64> {tfc.name = "div"},
        tensor<2x4xi64> {tfc.name = "pow"}, tensor<2x4xi64> {tfc.name = "maximum"},
        tensor<2x4xi64> {tfc.name = "minimum"}, tensor<3xi32> {tfc.name = "wrap"}) {
  %0 = tfc.add %a, %b : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %1 = tfc.sub %a, %b : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %2 = tfc.mul %a, %b : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %3 = tfc.div %a, %b : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %4 = tfc.pow %a, %e : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %5 = tfc.maximum %a, %b : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %6 = tfc.minimum %a, %b : (tensor<2x4xi64>, tensor<4xi64>) -> tensor<2x4xi64>
  %7 = tfc.add %big, %one : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2x4xi64>, tensor<2x4xi64>,
      tensor<2x4xi64>, tensor<2x4xi64>, tensor<2x4xi64>, tensor<2x4xi64>,
      tensor<2x4xi64>, tensor<3xi32>
}

// RUN: %python %S/Inputs/ref_cases.py logic %t/logic
// RUN: tfc-reference %s --entry logic --output-dir %t/logic \
// RUN:   --input x=%t/logic/x.npy --input y=%t/logic/y.npy \
// RUN:   --input m=%t/logic/m.npy --input n=%t/logic/n.npy
// RUN: %python %S/check_npy.py --dir %t/logic
func.func @logic(%x: tensor<2x4xf32> {tfc.name = "x"},
                 %y: tensor<4xf32> {tfc.name = "y"},
                 %m: tensor<2x1xi1> {tfc.name = "m"},
                 %n: tensor<4xi1> {tfc.name = "n"})
    -> (tensor<2x4xi1> {tfc.name = "eq"}, tensor<2x4xi1> {tfc.name = "ne"},
        tensor<2x4xi1> {tfc.name = "lt"}, tensor<2x4xi1> {tfc.name = "le"},
        tensor<2x4xi1> {tfc.name = "gt"}, tensor<2x4xi1> {tfc.name = "ge"},
        tensor<2x4xi1> {tfc.name = "and"}, tensor<2x4xi1> {tfc.name = "or"},
        tensor<4xi1> {tfc.name = "not"}, tensor<2x4xf32> {tfc.name = "where"}) {
  %0 = tfc.compare eq, %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %1 = tfc.compare ne, %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %2 = tfc.compare lt, %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %3 = tfc.compare le, %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %4 = tfc.compare gt, %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %5 = tfc.compare ge, %x, %y : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xi1>
  %6 = tfc.and %m, %n : (tensor<2x1xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  %7 = tfc.or %m, %n : (tensor<2x1xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  %8 = tfc.not %n : tensor<4xi1>
  %c = tfc.constant dense<-5.0> : tensor<f32>
  %9 = tfc.where %m, %x, %c : (tensor<2x1xi1>, tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<2x4xi1>, tensor<2x4xi1>,
      tensor<2x4xi1>, tensor<2x4xi1>, tensor<2x4xi1>, tensor<2x4xi1>, tensor<2x4xi1>,
      tensor<2x4xi1>, tensor<4xi1>, tensor<2x4xf32>
}

// RUN: %python %S/Inputs/ref_cases.py unary %t/unary
// RUN: tfc-reference %s --entry unary --output-dir %t/unary \
// RUN:   --input x=%t/unary/x.npy --input pos=%t/unary/pos.npy
// RUN: %python %S/check_npy.py --dir %t/unary --rtol 1e-6 --atol 1e-7
func.func @unary(%x: tensor<3x5xf32> {tfc.name = "x"},
                 %pos: tensor<3x5xf32> {tfc.name = "pos"})
    -> (tensor<3x5xf32> {tfc.name = "neg"}, tensor<3x5xf32> {tfc.name = "abs"},
        tensor<3x5xf32> {tfc.name = "exp"}, tensor<3x5xf32> {tfc.name = "log"},
        tensor<3x5xf32> {tfc.name = "sqrt"}, tensor<3x5xf32> {tfc.name = "rsqrt"},
        tensor<3x5xf32> {tfc.name = "reciprocal"}, tensor<3x5xf32> {tfc.name = "tanh"},
        tensor<3x5xf32> {tfc.name = "erf"}, tensor<3x5xf32> {tfc.name = "sigmoid"},
        tensor<3x5xf32> {tfc.name = "relu"}, tensor<3x5xf32> {tfc.name = "silu"},
        tensor<3x5xf32> {tfc.name = "gelu"}, tensor<3x5xf32> {tfc.name = "gelu_tanh"}) {
  %0 = tfc.neg %x : tensor<3x5xf32>
  %1 = tfc.abs %x : tensor<3x5xf32>
  %2 = tfc.exp %x : tensor<3x5xf32>
  %3 = tfc.log %pos : tensor<3x5xf32>
  %4 = tfc.sqrt %pos : tensor<3x5xf32>
  %5 = tfc.rsqrt %pos : tensor<3x5xf32>
  %6 = tfc.reciprocal %x : tensor<3x5xf32>
  %7 = tfc.tanh %x : tensor<3x5xf32>
  %8 = tfc.erf %x : tensor<3x5xf32>
  %9 = tfc.sigmoid %x : tensor<3x5xf32>
  %10 = tfc.relu %x : tensor<3x5xf32>
  %11 = tfc.silu %x : tensor<3x5xf32>
  %12 = tfc.gelu %x approximate = none : tensor<3x5xf32>
  %13 = tfc.gelu %x approximate = tanh : tensor<3x5xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13
      : tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>,
        tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>,
        tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>, tensor<3x5xf32>,
        tensor<3x5xf32>, tensor<3x5xf32>
}

// RUN: %python %S/Inputs/ref_cases.py int_unary %t/int_unary
// RUN: tfc-reference %s --entry int_unary --output-dir %t/int_unary \
// RUN:   --input i=%t/int_unary/i.npy
// RUN: %python %S/check_npy.py --dir %t/int_unary
func.func @int_unary(%i: tensor<4xi32> {tfc.name = "i"})
    -> (tensor<4xi32> {tfc.name = "neg"}, tensor<4xi32> {tfc.name = "abs"}) {
  %0 = tfc.neg %i : tensor<4xi32>
  %1 = tfc.abs %i : tensor<4xi32>
  return %0, %1 : tensor<4xi32>, tensor<4xi32>
}

// RUN: %python %S/Inputs/ref_cases.py cast %t/cast
// RUN: tfc-reference %s --entry cast --output-dir %t/cast \
// RUN:   --input x=%t/cast/x.npy --input ids=%t/cast/ids.npy --input b=%t/cast/b.npy \
// RUN:   --input wide=%t/cast/wide.npy --input half=%t/cast/half.npy
// RUN: %python %S/check_npy.py --dir %t/cast --rtol 0 --atol 0
func.func @cast(%x: tensor<8xf32> {tfc.name = "x"}, %ids: tensor<4xi64> {tfc.name = "ids"},
                %b: tensor<4xi1> {tfc.name = "b"}, %wide: tensor<4xi64> {tfc.name = "wide"},
                %half: tensor<3xf16> {tfc.name = "half"})
    -> (tensor<8xf16> {tfc.name = "to_f16"}, tensor<8xbf16> {tfc.name = "to_bf16"},
        tensor<8xi32> {tfc.name = "to_i32"}, tensor<8xi1> {tfc.name = "to_i1"},
        tensor<4xf32> {tfc.name = "ids_f32"}, tensor<4xf32> {tfc.name = "b_f32"},
        tensor<4xi64> {tfc.name = "b_i64"}, tensor<4xi32> {tfc.name = "wide_i32"},
        tensor<4xi1> {tfc.name = "ids_i1"}, tensor<3xf32> {tfc.name = "half_f32"}) {
  %0 = tfc.cast %x : tensor<8xf32> to tensor<8xf16>
  %1 = tfc.cast %x : tensor<8xf32> to tensor<8xbf16>
  %2 = tfc.cast %x : tensor<8xf32> to tensor<8xi32>
  %3 = tfc.cast %x : tensor<8xf32> to tensor<8xi1>
  %4 = tfc.cast %ids : tensor<4xi64> to tensor<4xf32>
  %5 = tfc.cast %b : tensor<4xi1> to tensor<4xf32>
  %6 = tfc.cast %b : tensor<4xi1> to tensor<4xi64>
  %7 = tfc.cast %wide : tensor<4xi64> to tensor<4xi32>
  %8 = tfc.cast %ids : tensor<4xi64> to tensor<4xi1>
  %9 = tfc.cast %half : tensor<3xf16> to tensor<3xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<8xf16>, tensor<8xbf16>,
      tensor<8xi32>, tensor<8xi1>, tensor<4xf32>, tensor<4xf32>, tensor<4xi64>,
      tensor<4xi32>, tensor<4xi1>, tensor<3xf32>
}
