// RUN: tfc-opt %s -split-input-file --tfc-online-softmax | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-online-softmax=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// Every softmax gets the online form, whatever its axis.
// CHECK-LABEL: func.func @softmax
// CHECK: tfc.softmax %arg0 {axis = 1 : i64, tfc.online} : tensor<4x8xf32>
// CHECK: tfc.softmax %arg0 {axis = 0 : i64, tfc.online} : tensor<4x8xf32>
// REPORT: tfc-online-softmax: @softmax: 2 softmax -> online, 0 attention -> flash (0 skip key tiles by causal/window masks, 0 share K/V tiles across GQA groups)
func.func @softmax(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
  %1 = tfc.softmax %x {axis = 0 : i64} : tensor<4x8xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Attention gets the flash form; causal and window attention skip key
// tiles, GQA shares them. The op's semantics do not change.
// CHECK-LABEL: func.func @attention
// CHECK: tfc.attention %arg0, %arg1, %arg2 {causal = true, scale = 1.250000e-01 : f32, tfc.flash}
// CHECK: tfc.attention %arg0, %arg1, %arg2 {causal = true, scale = 1.250000e-01 : f32, tfc.flash, window = 16 : i64}
// CHECK: tfc.attention %arg3, %arg1, %arg2 {scale = 1.250000e-01 : f32, tfc.flash}
// REPORT: tfc-online-softmax: @attention: 0 softmax -> online, 3 attention -> flash (2 skip key tiles by causal/window masks, 2 share K/V tiles across GQA groups)
func.func @attention(%q: tensor<1x8x32x64xf32>, %k: tensor<1x2x32x64xf32>, %v: tensor<1x2x32x64xf32>,
                     %q1: tensor<1x2x32x64xf32>)
    -> (tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x2x32x64xf32>) {
  %0 = tfc.attention %q, %k, %v {scale = 0.125 : f32, causal = true}
      : (tensor<1x8x32x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x64xf32>) -> tensor<1x8x32x64xf32>
  %1 = tfc.attention %q, %k, %v {scale = 0.125 : f32, causal = true, window = 16 : i64}
      : (tensor<1x8x32x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x64xf32>) -> tensor<1x8x32x64xf32>
  %2 = tfc.attention %q1, %k, %v {scale = 0.125 : f32}
      : (tensor<1x2x32x64xf32>, tensor<1x2x32x64xf32>, tensor<1x2x32x64xf32>) -> tensor<1x2x32x64xf32>
  return %0, %1, %2 : tensor<1x8x32x64xf32>, tensor<1x8x32x64xf32>, tensor<1x2x32x64xf32>
}

// -----

// Inside fusions too (the pass may run after tfc-fuse); running it twice
// changes nothing.
// CHECK-LABEL: func.func @in_fusion
// CHECK: tfc.fusion "softmax"
// CHECK: tfc.softmax %{{.*}} {axis = 1 : i64, tfc.online}
func.func @in_fusion(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: tensor<4x8xf32>):
    %1 = tfc.softmax %a {axis = 1 : i64, tfc.online} : tensor<4x8xf32>
    tfc.yield %1 : tensor<4x8xf32>
  }
  return %0 : tensor<4x8xf32>
}
