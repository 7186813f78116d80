// tfc-raise on SwiGLU: silu(gate) * up in the forms exporters write becomes
// tfc.swiglu; near misses (a different gate under the sigmoid, an up that
// broadcasts, a silu with another use, a cast that is not a round trip)
// stay as they are.
// RUN: tfc-opt %s -split-input-file --tfc-raise | FileCheck %s

// HF LlamaMLP after RaiseSilu: silu(gate_proj(x)) * up_proj(x).
// CHECK-LABEL: func @swiglu_silu
// CHECK-SAME: (%[[G:.*]]: tensor<1x32x128xf32>, %[[U:.*]]: tensor<1x32x128xf32>)
// CHECK-NEXT: %[[S:.*]] = tfc.swiglu %[[G]], %[[U]] : tensor<1x32x128xf32>
// CHECK-NEXT: return %[[S]]
func.func @swiglu_silu(%g: tensor<1x32x128xf32>, %u: tensor<1x32x128xf32>) -> tensor<1x32x128xf32> {
  %0 = tfc.silu %g : tensor<1x32x128xf32>
  %1 = tfc.mul %0, %u : (tensor<1x32x128xf32>, tensor<1x32x128xf32>) -> tensor<1x32x128xf32>
  return %1 : tensor<1x32x128xf32>
}

// -----

// up on the left.
// CHECK-LABEL: func @swiglu_up_first
// CHECK-SAME: (%[[G:.*]]: tensor<4x8xf32>, %[[U:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[S:.*]] = tfc.swiglu %[[G]], %[[U]] : tensor<4x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @swiglu_up_first(%g: tensor<4x8xf32>, %u: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tfc.silu %g : tensor<4x8xf32>
  %1 = tfc.mul %u, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// Sigmoid * x * up, associated as (x * up) * sigmoid(x): SiLU alone would
// not be found here.
// CHECK-LABEL: func @swiglu_sigmoid_product
// CHECK-SAME: (%[[G:.*]]: tensor<4x8xf32>, %[[U:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[S:.*]] = tfc.swiglu %[[G]], %[[U]] : tensor<4x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @swiglu_sigmoid_product(%g: tensor<4x8xf32>, %u: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tfc.sigmoid %g : tensor<4x8xf32>
  %1 = tfc.mul %g, %u : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = tfc.mul %1, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// sigmoid(x) * x * up as x * sigmoid(x) first.
// CHECK-LABEL: func @swiglu_sigmoid_first
// CHECK-SAME: (%[[G:.*]]: tensor<4x8xf32>, %[[U:.*]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[S:.*]] = tfc.swiglu %[[G]], %[[U]] : tensor<4x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @swiglu_sigmoid_first(%g: tensor<4x8xf32>, %u: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tfc.sigmoid %g : tensor<4x8xf32>
  %1 = tfc.mul %0, %g : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = tfc.mul %1, %u : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// SiLU computed in f32 on a bf16 gate and rounded back.
// CHECK-LABEL: func @swiglu_casts
// CHECK-SAME: (%[[G:.*]]: tensor<4x8xbf16>, %[[U:.*]]: tensor<4x8xbf16>)
// CHECK-NEXT: %[[S:.*]] = tfc.swiglu %[[G]], %[[U]] : tensor<4x8xbf16>
// CHECK-NEXT: return %[[S]]
func.func @swiglu_casts(%g: tensor<4x8xbf16>, %u: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = tfc.cast %g : tensor<4x8xbf16> to tensor<4x8xf32>
  %1 = tfc.silu %0 : tensor<4x8xf32>
  %2 = tfc.cast %1 : tensor<4x8xf32> to tensor<4x8xbf16>
  %3 = tfc.mul %2, %u : (tensor<4x8xbf16>, tensor<4x8xbf16>) -> tensor<4x8xbf16>
  return %3 : tensor<4x8xbf16>
}

// -----

// Near misses: x * sigmoid(y) * up (sigmoid of another tensor); an up that
// broadcasts to the product; a silu that something else also reads; a
// SiLU computed in a narrower type (bf16) between casts from and to f32.
// CHECK-LABEL: func @swiglu_near_misses
// CHECK-NOT: tfc.swiglu
// CHECK: return
func.func @swiglu_near_misses(%g: tensor<4x8xf32>, %y: tensor<4x8xf32>, %u: tensor<4x8xf32>,
                              %ub: tensor<8xf32>, %h: tensor<4x8xbf16>, %hu: tensor<4x8xbf16>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = tfc.sigmoid %y : tensor<4x8xf32>
  %1 = tfc.mul %g, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = tfc.mul %1, %u : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = tfc.silu %g : tensor<4x8xf32>
  %4 = tfc.mul %3, %ub : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %5 = tfc.silu %y : tensor<4x8xf32>
  %6 = tfc.mul %5, %u : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %7 = tfc.cast %g : tensor<4x8xf32> to tensor<4x8xbf16>
  %8 = tfc.silu %7 : tensor<4x8xbf16>
  %9 = tfc.cast %8 : tensor<4x8xbf16> to tensor<4x8xf32>
  %10 = tfc.mul %9, %u : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2, %4, %5, %6, %10 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
