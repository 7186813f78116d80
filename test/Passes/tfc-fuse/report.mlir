// tfc-fuse=report: one line per fusion with its ops, bytes apart and fused
// (inputs read once, outputs written once; splat constants are free) and
// the predicted time on the target, then the totals of the function.
// RUN: tfc-opt %s --tfc-set-target --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s
// The times come from the target: the A100's lower bandwidth gives longer
// ones for the same bytes.
// RUN: tfc-opt %s --tfc-set-target=preset=sm_80 --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=SM80

// x: 32x128 f32 = 16384 bytes, b: 512 bytes. Apart: add 33280, mul 32768,
// tanh 32768 = 98816; fused: 33280.
// CHECK: tfc-fuse: fusion "pointwise" of 3 ops (add, mul, tanh): 98816 -> 33280 bytes (saves 65536), 0.029 -> 0.010 us
// CHECK: tfc-fuse: @chain: 3 kernels -> 1, predicted HBM bytes 98816 -> 33280, time 0.029 -> 0.010 us
// SM80: tfc-fuse: fusion "pointwise" of 3 ops (add, mul, tanh): 98816 -> 33280 bytes (saves 65536), 0.048 -> 0.016 us
func.func @chain(%x: tensor<32x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
  %half = tfc.constant dense<0.5> : tensor<f32>
  %0 = tfc.add %x, %b : (tensor<32x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
  %1 = tfc.mul %0, %half : (tensor<32x128xf32>, tensor<f32>) -> tensor<32x128xf32>
  %2 = tfc.tanh %1 : tensor<32x128xf32>
  return %2 : tensor<32x128xf32>
}
