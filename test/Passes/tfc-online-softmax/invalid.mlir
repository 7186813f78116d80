// RUN: tfc-opt %s -split-input-file -verify-diagnostics --tfc-online-softmax

func.func @online_on_matmul(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'tfc.matmul' op carries 'tfc.online', which marks the online form of tfc.softmax only}}
  %0 = tfc.matmul %a, %b {tfc.online} : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @flash_on_softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tfc.softmax' op carries 'tfc.flash', which marks the flash form of tfc.attention only}}
  %0 = tfc.softmax %x {axis = 1 : i64, tfc.flash} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
