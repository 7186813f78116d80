// tfc-raise on activations: GELU (tanh and erf forms) and SiLU written out
// as arithmetic become tfc.gelu / tfc.silu; a formula with a wrong constant
// or a different operand stays decomposed.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// HF NewGELU as the GPT-2 exports write it: Mul 0.5 first, Pow 3.
// CHECK-LABEL: func @gelu_tanh_pow
// CHECK-SAME: (%[[X:.*]]: tensor<32x512xf32>)
// CHECK-NEXT: %[[G:.*]] = tfc.gelu %[[X]] approximate = tanh : tensor<32x512xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu_tanh_pow(%x: tensor<32x512xf32>) -> tensor<32x512xf32> {
  %half = tfc.constant dense<5.000000e-01> : tensor<f32>
  %three = tfc.constant dense<3.000000e+00> : tensor<f32>
  %c = tfc.constant dense<4.471500e-02> : tensor<f32>
  %k = tfc.constant dense<0.797884583> : tensor<f32>
  %one = tfc.constant dense<1.000000e+00> : tensor<f32>
  %0 = tfc.mul %x, %half : (tensor<32x512xf32>, tensor<f32>) -> tensor<32x512xf32>
  %1 = tfc.pow %x, %three : (tensor<32x512xf32>, tensor<f32>) -> tensor<32x512xf32>
  %2 = tfc.mul %1, %c : (tensor<32x512xf32>, tensor<f32>) -> tensor<32x512xf32>
  %3 = tfc.add %x, %2 : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
  %4 = tfc.mul %3, %k : (tensor<32x512xf32>, tensor<f32>) -> tensor<32x512xf32>
  %5 = tfc.tanh %4 : tensor<32x512xf32>
  %6 = tfc.add %5, %one : (tensor<32x512xf32>, tensor<f32>) -> tensor<32x512xf32>
  %7 = tfc.mul %0, %6 : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
  return %7 : tensor<32x512xf32>
}

// -----

// F.gelu(approximate="tanh") through TorchScript: x * x * x, constants on
// the left, 0.5 applied last.
// CHECK-LABEL: func @gelu_tanh_cube_products
// CHECK-SAME: (%[[X:.*]]: tensor<1x32x512xf32>)
// CHECK-NEXT: %[[G:.*]] = tfc.gelu %[[X]] approximate = tanh : tensor<1x32x512xf32>
// CHECK-NEXT: return %[[G]]
func.func @gelu_tanh_cube_products(%x: tensor<1x32x512xf32>) -> tensor<1x32x512xf32> {
  %c = tfc.constant dense<4.471500e-02> : tensor<f32>
  %k = tfc.constant dense<0.797884583> : tensor<f32>
  %one = tfc.constant dense<1.000000e+00> : tensor<f32>
  %half = tfc.constant dense<5.000000e-01> : tensor<f32>
  %0 = tfc.mul %x, %x : (tensor<1x32x512xf32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %1 = tfc.mul %x, %0 : (tensor<1x32x512xf32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %2 = tfc.mul %c, %1 : (tensor<f32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %3 = tfc.add %x, %2 : (tensor<1x32x512xf32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %4 = tfc.mul %k, %3 : (tensor<f32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %5 = tfc.tanh %4 : tensor<1x32x512xf32>
  %6 = tfc.add %one, %5 : (tensor<f32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %7 = tfc.mul %x, %6 : (tensor<1x32x512xf32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  %8 = tfc.mul %half, %7 : (tensor<f32>, tensor<1x32x512xf32>) -> tensor<1x32x512xf32>
  return %8 : tensor<1x32x512xf32>
}

// -----

// Near misses, each one change from the formula: 0.0447 instead of
// 0.044715; 0.6 instead of 0.5; tanh of a different tensor's cubic; x^2
// instead of x^3; a constant of shape [4, 8] that broadcasts the [8]
// input to a larger result.
// CHECK-LABEL: func @gelu_tanh_near_misses
// CHECK-NOT: tfc.gelu
// CHECK: return
func.func @gelu_tanh_near_misses(%x: tensor<8xf32>, %y: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>) {
  %c = tfc.constant dense<4.471500e-02> : tensor<f32>
  %cbad = tfc.constant dense<4.470000e-02> : tensor<f32>
  %k = tfc.constant dense<0.797884583> : tensor<f32>
  %one = tfc.constant dense<1.000000e+00> : tensor<f32>
  %half = tfc.constant dense<5.000000e-01> : tensor<f32>
  %halfbad = tfc.constant dense<6.000000e-01> : tensor<f32>
  %halfwide = tfc.constant dense<5.000000e-01> : tensor<4x8xf32>
  %two = tfc.constant dense<2.000000e+00> : tensor<f32>
  %three = tfc.constant dense<3.000000e+00> : tensor<f32>

  %a1 = tfc.pow %x, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a2 = tfc.mul %a1, %cbad : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a3 = tfc.add %x, %a2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %a4 = tfc.mul %a3, %k : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a5 = tfc.tanh %a4 : tensor<8xf32>
  %a6 = tfc.add %a5, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a7 = tfc.mul %x, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %a8 = tfc.mul %a7, %a6 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>

  %b1 = tfc.pow %x, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b2 = tfc.mul %b1, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b3 = tfc.add %x, %b2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %b4 = tfc.mul %b3, %k : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b5 = tfc.tanh %b4 : tensor<8xf32>
  %b6 = tfc.add %b5, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b7 = tfc.mul %x, %halfbad : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %b8 = tfc.mul %b7, %b6 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>

  %c1 = tfc.pow %y, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c2 = tfc.mul %c1, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c3 = tfc.add %x, %c2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %c4 = tfc.mul %c3, %k : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c5 = tfc.tanh %c4 : tensor<8xf32>
  %c6 = tfc.add %c5, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c7 = tfc.mul %x, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %c8 = tfc.mul %c7, %c6 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>

  %d1 = tfc.pow %x, %two : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %d2 = tfc.mul %d1, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %d3 = tfc.add %x, %d2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %d4 = tfc.mul %d3, %k : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %d5 = tfc.tanh %d4 : tensor<8xf32>
  %d6 = tfc.add %d5, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %d7 = tfc.mul %x, %half : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %d8 = tfc.mul %d7, %d6 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>

  %e1 = tfc.pow %x, %three : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e2 = tfc.mul %e1, %c : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e3 = tfc.add %x, %e2 : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %e4 = tfc.mul %e3, %k : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e5 = tfc.tanh %e4 : tensor<8xf32>
  %e6 = tfc.add %e5, %one : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %e7 = tfc.mul %x, %halfwide : (tensor<8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %e8 = tfc.mul %e7, %e6 : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return %a8, %b8, %c8, %d8, %e8 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>
}

// -----

// Exact GELU: x / sqrt(2) (Div by 1.4142135), and x * (1 / sqrt(2)); bf16
// constants are compared after rounding to bf16.
// CHECK-LABEL: func @gelu_erf
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>, %[[H:.*]]: tensor<4x64xbf16>)
// CHECK-DAG: %[[G:.*]] = tfc.gelu %[[X]] approximate = none : tensor<4x64xf32>
// CHECK-DAG: %[[GH:.*]] = tfc.gelu %[[H]] approximate = none : tensor<4x64xbf16>
// CHECK: return %[[G]], %[[GH]]
func.func @gelu_erf(%x: tensor<4x64xf32>, %h: tensor<4x64xbf16>) -> (tensor<4x64xf32>, tensor<4x64xbf16>) {
  %sqrt2 = tfc.constant dense<1.41421354> : tensor<f32>
  %one = tfc.constant dense<1.0> : tensor<f32>
  %half = tfc.constant dense<0.5> : tensor<f32>
  %0 = tfc.div %x, %sqrt2 : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %1 = tfc.erf %0 : tensor<4x64xf32>
  %2 = tfc.add %1, %one : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %3 = tfc.mul %x, %2 : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  %4 = tfc.mul %3, %half : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %rs = tfc.constant dense<7.070310e-01> : tensor<bf16>
  %oneh = tfc.constant dense<1.0> : tensor<bf16>
  %halfh = tfc.constant dense<0.5> : tensor<bf16>
  %5 = tfc.mul %rs, %h : (tensor<bf16>, tensor<4x64xbf16>) -> tensor<4x64xbf16>
  %6 = tfc.erf %5 : tensor<4x64xbf16>
  %7 = tfc.add %oneh, %6 : (tensor<bf16>, tensor<4x64xbf16>) -> tensor<4x64xbf16>
  %8 = tfc.mul %halfh, %h : (tensor<bf16>, tensor<4x64xbf16>) -> tensor<4x64xbf16>
  %9 = tfc.mul %8, %7 : (tensor<4x64xbf16>, tensor<4x64xbf16>) -> tensor<4x64xbf16>
  return %4, %9 : tensor<4x64xf32>, tensor<4x64xbf16>
}

// -----

// Near miss: erf(x / 2) is not GELU.
// CHECK-LABEL: func @gelu_erf_wrong_divisor
// CHECK-NOT: tfc.gelu
// CHECK: tfc.erf
func.func @gelu_erf_wrong_divisor(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %two = tfc.constant dense<2.0> : tensor<f32>
  %one = tfc.constant dense<1.0> : tensor<f32>
  %half = tfc.constant dense<0.5> : tensor<f32>
  %0 = tfc.div %x, %two : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %1 = tfc.erf %0 : tensor<4x64xf32>
  %2 = tfc.add %1, %one : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  %3 = tfc.mul %x, %2 : (tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<4x64xf32>
  %4 = tfc.mul %3, %half : (tensor<4x64xf32>, tensor<f32>) -> tensor<4x64xf32>
  return %4 : tensor<4x64xf32>
}

// -----

// SiLU in both operand orders; x * sigmoid(y) is not SiLU.
// CHECK-LABEL: func @silu
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[Y:.*]]: tensor<2x8xf32>)
// CHECK-DAG: %[[A:.*]] = tfc.silu %[[X]] : tensor<2x8xf32>
// CHECK-DAG: %[[B:.*]] = tfc.silu %[[Y]] : tensor<2x8xf32>
// CHECK-DAG: %[[S:.*]] = tfc.sigmoid %[[Y]]
// CHECK-DAG: %[[C:.*]] = tfc.mul %[[X]], %[[S]]
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @silu(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) {
  %0 = tfc.sigmoid %x : tensor<2x8xf32>
  %1 = tfc.mul %x, %0 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %2 = tfc.sigmoid %y : tensor<2x8xf32>
  %3 = tfc.mul %2, %y : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = tfc.sigmoid %y : tensor<2x8xf32>
  %5 = tfc.mul %x, %4 : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %1, %3, %5 : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
}
