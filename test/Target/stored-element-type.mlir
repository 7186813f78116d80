// tfc-serialize-artifact and tfc.stored_element_type (set by
// tfc-fold-weight-casts): only external weights are converted at load, and
// only between f32, f16 and bf16.
// REQUIRES: tfc-runtime
// RUN: rm -rf %t && mkdir -p %t
// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfc-compile="artifact=%t/a.tfcm ptxas=none external-weights-file=w.safetensors" -o /dev/null

func.func @main(%x: tensor<8xbf16> {tfc.name = "x"}) -> (tensor<8xbf16> {tfc.name = "y"}) {
  // expected-error @+1 {{'memref.global' op is stored as 'i64' but has element type 'bf16'; the runtime converts weights at load only between f32, f16 and bf16}}
  %w = tfc.parameter "w" {tfc.stored_element_type = i64} : tensor<8xbf16>
  %y = tfc.add %x, %w : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16>
  return %y : tensor<8xbf16>
}

// -----

func.func @main(%x: tensor<8xbf16> {tfc.name = "x"}) -> (tensor<8xbf16> {tfc.name = "y"}) {
  // expected-error @+1 {{'memref.global' op has tfc.stored_element_type = f32 but is not an external weight; only weights bound at load time are converted there}}
  %w = tfc.parameter "w" = dense<1.0> : tensor<8xbf16> {tfc.stored_element_type = f32} : tensor<8xbf16>
  %y = tfc.add %x, %w : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16>
  return %y : tensor<8xbf16>
}

// -----

func.func @main(%x: tensor<8xbf16> {tfc.name = "x"}) -> (tensor<8xbf16> {tfc.name = "y"}) {
  // expected-error @+1 {{'memref.global' op has tfc.stored_element_type = "f32"; expected an element type (f32, f16 or bf16)}}
  %w = tfc.parameter "w" {tfc.stored_element_type = "f32"} : tensor<8xbf16>
  %y = tfc.add %x, %w : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16>
  return %y : tensor<8xbf16>
}

// -----

func.func @main(%x: tensor<8xi32> {tfc.name = "x"}) -> (tensor<8xi32> {tfc.name = "y"}) {
  // expected-error @+1 {{'memref.global' op is stored as 'f32' but has element type 'i32'; the runtime converts weights at load only between f32, f16 and bf16}}
  %w = tfc.parameter "w" {tfc.stored_element_type = f32} : tensor<8xi32>
  %y = tfc.add %x, %w : (tensor<8xi32>, tensor<8xi32>) -> tensor<8xi32>
  return %y : tensor<8xi32>
}
