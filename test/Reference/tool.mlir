// The tfc-reference tool: default names (argN/outN), tfc.name file-name
// sanitising, --random-inputs (seeded and reproducible, saved as
// <name>.input.npy with the tensor's dtype, integers in [0, --int-high), i1
// in {0, 1}, bf16 saved as f32 holding bf16 values), and a rerun from the
// saved inputs giving identical outputs.

// RUN: rm -rf %t && mkdir -p %t
// RUN: tfc-reference %s --random-inputs --seed 7 --int-high 5 --output-dir %t/a | FileCheck %s
// CHECK: out0: tensor<64x3xf32> -> {{.*}}a/out0.npy
// CHECK-NEXT: tok/ens: tensor<16xi64> -> {{.*}}a/tok_ens.npy
// CHECK-NEXT: out2: tensor<8xi1> -> {{.*}}a/out2.npy
// CHECK-NEXT: out3: tensor<4xbf16> -> {{.*}}a/out3.npy

// RUN: tfc-reference %s --random-inputs --seed 7 --int-high 5 --output-dir %t/b
// RUN: %python %S/check_npy.py %t/a/out0.npy %t/b/out0.npy --rtol 0 --atol 0
// RUN: %python %S/check_npy.py %t/a/arg0.input.npy %t/b/arg0.input.npy --rtol 0 --atol 0
// RUN: tfc-reference %s --random-inputs --seed 8 --int-high 5 --output-dir %t/c
// RUN: not %python %S/check_npy.py %t/a/arg0.input.npy %t/c/arg0.input.npy --rtol 0 --atol 0

// RUN: %python -c "import numpy as np; \
// RUN:   x = np.load('%t/a/arg0.input.npy'); ids = np.load('%t/a/ids.input.npy'); \
// RUN:   m = np.load('%t/a/arg2.input.npy'); h = np.load('%t/a/arg3.input.npy'); \
// RUN:   assert x.dtype == np.float32 and x.shape == (64, 3), x; \
// RUN:   assert abs(x.mean()) < 0.5 and 0.6 < x.std() < 1.4, (x.mean(), x.std()); \
// RUN:   assert ids.dtype == np.int64 and ids.min() >= 0 and ids.max() < 5, ids; \
// RUN:   assert m.dtype == np.bool_ and m.shape == (8,), m; \
// RUN:   assert h.dtype == np.float32 and (h.view(np.uint32) & 0xFFFF == 0).all(), h"

// A rerun with the saved inputs reproduces the outputs.
// RUN: tfc-reference %s --output-dir %t/d --input arg0=%t/a/arg0.input.npy \
// RUN:   --input ids=%t/a/ids.input.npy --input arg2=%t/a/arg2.input.npy \
// RUN:   --input arg3=%t/a/arg3.input.npy
// RUN: %python %S/check_npy.py %t/a/out0.npy %t/d/out0.npy --rtol 0 --atol 0
// RUN: %python %S/check_npy.py %t/a/tok_ens.npy %t/d/tok_ens.npy
// RUN: %python %S/check_npy.py %t/a/out2.npy %t/d/out2.npy
// RUN: %python %S/check_npy.py %t/a/out3.npy %t/d/out3.npy --rtol 0 --atol 0

// RUN: tfc-reference --help | FileCheck %s --check-prefix=HELP
// HELP: tfc CPU reference executor
// HELP: --input=<NAME=FILE>
// HELP: --int-high
// HELP: --output-dir=<DIR>
// HELP: --random-inputs
// HELP: --seed
func.func @main(%x: tensor<64x3xf32>, %ids: tensor<16xi64> {tfc.name = "ids"},
                %m: tensor<8xi1>, %h: tensor<4xbf16>)
    -> (tensor<64x3xf32>, tensor<16xi64> {tfc.name = "tok/ens"}, tensor<8xi1>,
        tensor<4xbf16>) {
  %0 = tfc.tanh %x : tensor<64x3xf32>
  %1 = tfc.add %ids, %ids : (tensor<16xi64>, tensor<16xi64>) -> tensor<16xi64>
  %2 = tfc.not %m : tensor<8xi1>
  %3 = tfc.exp %h : tensor<4xbf16>
  return %0, %1, %2, %3 : tensor<64x3xf32>, tensor<16xi64>, tensor<8xi1>, tensor<4xbf16>
}
