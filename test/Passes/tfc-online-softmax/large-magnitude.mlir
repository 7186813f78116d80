// The online forms on inputs of magnitude 1e4, where the textbook softmax
// exp(x) / sum(exp(x)) overflows (exp(1e4) is inf even in double): @naive
// computes exactly that and must give non-finite values; @main, rewritten
// by tfc-online-softmax, runs in the reference executor in the online form
// (running max and rescaled sum, 32-element tiles of each softmax row; for
// attention 16 x 16 query x key tiles, or the pinned tfc.tile, with causal
// and window tiles skipped and K/V tiles shared by GQA groups) and must be
// finite and match the two-pass form of the same ops within 1e-5.
//
// RUN: rm -rf %t && mkdir -p %t/naive %t/two-pass %t/online
// RUN: %python %S/Inputs/scaled_inputs.py %t x:4x300:1e4 y:3x70x5:1e4 q:1x4x70x16:30 k:1x2x70x16:30 v:1x2x70x16:1 qx:1x4x50x16:30 m:1x1x50x70:1e4
// RUN: tfc-opt %s --tfc-online-softmax -o %t/online.mlir
// RUN: FileCheck %s < %t/online.mlir
// RUN: tfc-reference %s --entry naive --output-dir %t/naive --input x=%t/x.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy
// RUN: %python %S/Inputs/finite.py --expect overflow %t/naive/softmax.npy %t/naive/attention.npy
// RUN: tfc-reference %s --entry main --output-dir %t/two-pass --input x=%t/x.npy --input y=%t/y.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --input qx=%t/qx.npy --input m=%t/m.npy
// RUN: tfc-reference %t/online.mlir --entry main --output-dir %t/online --input x=%t/x.npy --input y=%t/y.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --input qx=%t/qx.npy --input m=%t/m.npy
// RUN: %python %S/Inputs/finite.py --expect finite %t/online/softmax.npy %t/online/softmax_axis1.npy %t/online/causal_gqa.npy %t/online/window.npy %t/online/cross_masked.npy %t/online/pinned.npy
// RUN: %python %S/../../Reference/check_npy.py %t/online/softmax.npy %t/two-pass/softmax.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/online/softmax_axis1.npy %t/two-pass/softmax_axis1.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/online/causal_gqa.npy %t/two-pass/causal_gqa.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/online/window.npy %t/two-pass/window.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/online/cross_masked.npy %t/two-pass/cross_masked.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/online/pinned.npy %t/two-pass/pinned.npy --rtol 1e-5 --atol 1e-6
//
// The same at magnitudes where every key contributes (scores of order 1), so
// that the rescaling across tiles decides the result.
// RUN: mkdir -p %t/small %t/small/two-pass %t/small/online
// RUN: %python %S/Inputs/scaled_inputs.py %t/small x:4x300:3 y:3x70x5:3 q:1x4x70x16:1 k:1x2x70x16:1 v:1x2x70x16:1 qx:1x4x50x16:1 m:1x1x50x70:2
// RUN: tfc-reference %s --entry main --output-dir %t/small/two-pass --input x=%t/small/x.npy --input y=%t/small/y.npy --input q=%t/small/q.npy --input k=%t/small/k.npy --input v=%t/small/v.npy --input qx=%t/small/qx.npy --input m=%t/small/m.npy
// RUN: tfc-reference %t/online.mlir --entry main --output-dir %t/small/online --input x=%t/small/x.npy --input y=%t/small/y.npy --input q=%t/small/q.npy --input k=%t/small/k.npy --input v=%t/small/v.npy --input qx=%t/small/qx.npy --input m=%t/small/m.npy
// RUN: %python %S/../../Reference/check_npy.py %t/small/online/softmax.npy %t/small/two-pass/softmax.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/small/online/softmax_axis1.npy %t/small/two-pass/softmax_axis1.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/small/online/causal_gqa.npy %t/small/two-pass/causal_gqa.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/small/online/window.npy %t/small/two-pass/window.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/small/online/cross_masked.npy %t/small/two-pass/cross_masked.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/small/online/pinned.npy %t/small/two-pass/pinned.npy --rtol 1e-5 --atol 1e-6
//
// Tiles longer than the sequences (here up to 2^63 - 1) act as one tile.
// RUN: sed -e 's/array<i64: 32, 48, 2, 2>/array<i64: 1000000000000, 9223372036854775807, 2, 2>/' %t/online.mlir > %t/huge-tile.mlir
// RUN: tfc-reference %t/huge-tile.mlir --entry main --output-dir %t/huge --input x=%t/x.npy --input y=%t/y.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --input qx=%t/qx.npy --input m=%t/m.npy
// RUN: %python %S/../../Reference/check_npy.py %t/huge/pinned.npy %t/two-pass/pinned.npy --rtol 1e-5 --atol 1e-6
//
// The reference executor rejects flash tiles it cannot run.
// RUN: sed -e 's/array<i64: 32, 48, 2, 2>/array<i64: 0, 48, 2, 2>/' %t/online.mlir > %t/bad-tile.mlir
// RUN: not tfc-reference %t/bad-tile.mlir --entry main --output-dir %t/bad --input x=%t/x.npy --input y=%t/y.npy --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --input qx=%t/qx.npy --input m=%t/m.npy 2>&1 | FileCheck %s --check-prefix=BAD-TILE
// BAD-TILE: error: 'tfc.attention' op 'tfc.tile' of the flash form needs 4 or 5 values (blockQ, blockKV, warps, stages[, heads]) with positive blockQ and blockKV, got array<i64: 0, 48, 2, 2>

// The textbook forms, no maximum subtracted.
func.func @naive(%x: tensor<4x300xf32> {tfc.name = "x"}, %q: tensor<1x4x70x16xf32> {tfc.name = "q"},
                 %k: tensor<1x2x70x16xf32> {tfc.name = "k"}, %v: tensor<1x2x70x16xf32> {tfc.name = "v"})
    -> (tensor<4x300xf32> {tfc.name = "softmax"}, tensor<1x2x70x16xf32> {tfc.name = "attention"}) {
  %e = tfc.exp %x : tensor<4x300xf32>
  %s = tfc.reduce sum %e {axes = array<i64: 1>, keep_dims = true} : (tensor<4x300xf32>) -> tensor<4x1xf32>
  %p = tfc.div %e, %s : (tensor<4x300xf32>, tensor<4x1xf32>) -> tensor<4x300xf32>
  %q2 = tfc.slice %q {offsets = array<i64: 0, 0, 0, 0>, sizes = array<i64: 1, 2, 70, 16>, strides = array<i64: 1, 1, 1, 1>} : (tensor<1x4x70x16xf32>) -> tensor<1x2x70x16xf32>
  %sc = tfc.matmul %q2, %k {transpose_rhs = true} : (tensor<1x2x70x16xf32>, tensor<1x2x70x16xf32>) -> tensor<1x2x70x70xf32>
  %es = tfc.exp %sc : tensor<1x2x70x70xf32>
  %ss = tfc.reduce sum %es {axes = array<i64: 3>, keep_dims = true} : (tensor<1x2x70x70xf32>) -> tensor<1x2x70x1xf32>
  %ps = tfc.div %es, %ss : (tensor<1x2x70x70xf32>, tensor<1x2x70x1xf32>) -> tensor<1x2x70x70xf32>
  %o = tfc.matmul %ps, %v : (tensor<1x2x70x70xf32>, tensor<1x2x70x16xf32>) -> tensor<1x2x70x16xf32>
  return %p, %o : tensor<4x300xf32>, tensor<1x2x70x16xf32>
}

// CHECK-LABEL: func.func @main
// CHECK: tfc.softmax %{{.*}} {axis = 1 : i64, tfc.online} : tensor<4x300xf32>
// CHECK: tfc.softmax %{{.*}} {axis = 1 : i64, tfc.online} : tensor<3x70x5xf32>
// CHECK: tfc.attention {{.*}}causal = true{{.*}}tfc.flash
// CHECK: tfc.attention {{.*}}causal = true, scale = 5.000000e-01 : f32, tfc.flash, window = 20 : i64
// CHECK: tfc.attention {{.*}}mask {{.*}}tfc.flash
// CHECK: tfc.attention {{.*}}tfc.flash, tfc.tile = array<i64: 32, 48, 2, 2>
func.func @main(%x: tensor<4x300xf32> {tfc.name = "x"}, %y: tensor<3x70x5xf32> {tfc.name = "y"},
                %q: tensor<1x4x70x16xf32> {tfc.name = "q"}, %k: tensor<1x2x70x16xf32> {tfc.name = "k"},
                %v: tensor<1x2x70x16xf32> {tfc.name = "v"}, %qx: tensor<1x4x50x16xf32> {tfc.name = "qx"},
                %m: tensor<1x1x50x70xf32> {tfc.name = "m"})
    -> (tensor<4x300xf32> {tfc.name = "softmax"}, tensor<3x70x5xf32> {tfc.name = "softmax_axis1"},
        tensor<1x4x70x16xf32> {tfc.name = "causal_gqa"}, tensor<1x4x70x16xf32> {tfc.name = "window"},
        tensor<1x4x50x16xf32> {tfc.name = "cross_masked"}, tensor<1x4x70x16xf32> {tfc.name = "pinned"}) {
  %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x300xf32>
  %1 = tfc.softmax %y {axis = 1 : i64} : tensor<3x70x5xf32>
  // Scores up to 30 * 30 * 16 = 14400 in magnitude.
  %2 = tfc.attention %q, %k, %v {scale = 1.0 : f32, causal = true}
      : (tensor<1x4x70x16xf32>, tensor<1x2x70x16xf32>, tensor<1x2x70x16xf32>) -> tensor<1x4x70x16xf32>
  %3 = tfc.attention %q, %k, %v {scale = 0.5 : f32, causal = true, window = 20 : i64}
      : (tensor<1x4x70x16xf32>, tensor<1x2x70x16xf32>, tensor<1x2x70x16xf32>) -> tensor<1x4x70x16xf32>
  // 50 queries at the end of 70 keys (causal shift 20), additive mask of +-1e4.
  %4 = tfc.attention %qx, %k, %v, mask %m {scale = 0.25 : f32, causal = true}
      : (tensor<1x4x50x16xf32>, tensor<1x2x70x16xf32>, tensor<1x2x70x16xf32>, tensor<1x1x50x70xf32>) -> tensor<1x4x50x16xf32>
  // Pinned tiles (not multiples of the lengths): 32 query rows, 48 keys.
  %5 = tfc.attention %q, %k, %v {scale = 1.0 : f32, tfc.tile = array<i64: 32, 48, 2, 2>}
      : (tensor<1x4x70x16xf32>, tensor<1x2x70x16xf32>, tensor<1x2x70x16xf32>) -> tensor<1x4x70x16xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4x300xf32>, tensor<3x70x5xf32>, tensor<1x4x70x16xf32>,
      tensor<1x4x70x16xf32>, tensor<1x4x50x16xf32>, tensor<1x4x70x16xf32>
}
