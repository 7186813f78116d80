// The cost model prices the online form: a softmax recomputes a fused
// prologue once per pass over the row, three passes in the two-pass form
// and two in the online form, so the same fusion (here compute-bound: twelve
// transcendentals per element in front of the softmax) is predicted faster
// after tfc-online-softmax. Bytes do not change.
// RUN: tfc-opt %s --tfc-set-target --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=TWO-PASS
// RUN: tfc-opt %s --tfc-set-target --tfc-online-softmax --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONLINE
// TWO-PASS: tfc-fuse: fusion "softmax" of 13 ops (tanh, erf, tanh, erf, tanh, erf, tanh, erf, tanh, erf, tanh, erf, softmax): {{.*}} -> 524288 bytes (saves {{.*}}), {{.*}} -> 0.296 us
// ONLINE: tfc-fuse: fusion "softmax" of 13 ops (tanh, erf, tanh, erf, tanh, erf, tanh, erf, tanh, erf, tanh, erf, softmax): {{.*}} -> 524288 bytes (saves {{.*}}), {{.*}} -> 0.202 us
func.func @prologue(%x: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = tfc.tanh %x : tensor<256x256xf32>
  %1 = tfc.erf %0 : tensor<256x256xf32>
  %2 = tfc.tanh %1 : tensor<256x256xf32>
  %3 = tfc.erf %2 : tensor<256x256xf32>
  %4 = tfc.tanh %3 : tensor<256x256xf32>
  %5 = tfc.erf %4 : tensor<256x256xf32>
  %6 = tfc.tanh %5 : tensor<256x256xf32>
  %7 = tfc.erf %6 : tensor<256x256xf32>
  %8 = tfc.tanh %7 : tensor<256x256xf32>
  %9 = tfc.erf %8 : tensor<256x256xf32>
  %10 = tfc.tanh %9 : tensor<256x256xf32>
  %11 = tfc.erf %10 : tensor<256x256xf32>
  %12 = tfc.softmax %11 {axis = 1 : i64} : tensor<256x256xf32>
  return %12 : tensor<256x256xf32>
}
