// tfc-compile has no GPU kernels for the fp8 ops yet: IR from
// tfc-lower-precision{fp8=...} stops with an error at the op, not a crash.
// RUN: tfc-opt %s --tfc-compile="target=sm_90a stop-after=ptx" -verify-diagnostics -o /dev/null

func.func @main(%x: tensor<4x8xbf16>) -> tensor<4x2xbf16> {
  %w = tfc.constant dense<1.0> : tensor<8x2xf8E4M3FN>
  %ws = tfc.constant dense<0.5> : tensor<2xf32>
  // expected-error @+1 {{'tfc.dynamic_quantize' op has no GPU kernel yet: no kernel family handles it inside a tfc.fusion}}
  %q, %s = tfc.dynamic_quantize %x : tensor<4x8xbf16> -> tensor<4x8xf8E4M3FN>, tensor<f32>
  %y = tfc.scaled_matmul %q, %w scales(%s, %ws) : (tensor<4x8xf8E4M3FN>, tensor<8x2xf8E4M3FN>, tensor<f32>, tensor<2xf32>) -> tensor<4x2xbf16>
  return %y : tensor<4x2xbf16>
}
