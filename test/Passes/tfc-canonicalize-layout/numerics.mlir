// tfc-canonicalize-layout keeps the numbers: folded transposes, a
// cancelled chain, a pre-transposed weight and packed Q/K/V projections
// with biases run through the reference executor before and after the
// pass on seeded random inputs and must agree at f32 tolerance (they are
// the same products and sums).
//
// RUN: rm -rf %t && mkdir -p %t/before %t/after
// RUN: %python %S/../tfc-raise/Inputs/random_inputs.py %t x:2x8x16 q:2x4x8x16 k:2x4x8x16 y:2x8x16
// RUN: tfc-opt %s --tfc-canonicalize-layout=report -o %t/layout.mlir 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: 2 transposes folded into matmuls, 0 transposes became reshapes, 1 reshape/transpose chains cancelled, 1 weights pre-transposed, 3 matmuls packed into 1 (3 bias adds packed with them)
// RUN: FileCheck %s < %t/layout.mlir
// RUN: tfc-reference %s --output-dir %t/before --input x=%t/x.npy --input q=%t/q.npy --input k=%t/k.npy --input y=%t/y.npy
// RUN: tfc-reference %t/layout.mlir --output-dir %t/after --input x=%t/x.npy --input q=%t/q.npy --input k=%t/k.npy --input y=%t/y.npy
// RUN: %python %S/../../Reference/check_npy.py %t/after/scores.npy %t/before/scores.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/chain.npy %t/before/chain.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/proj.npy %t/before/proj.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/qp.npy %t/before/qp.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/kp.npy %t/before/kp.npy --rtol 1e-5 --atol 1e-6
// RUN: %python %S/../../Reference/check_npy.py %t/after/vp.npy %t/before/vp.npy --rtol 1e-5 --atol 1e-6

// CHECK-LABEL: func @main
// CHECK-NOT: tfc.transpose
// CHECK: tfc.split
func.func @main(%x: tensor<2x8x16xf32> {tfc.name = "x"}, %q: tensor<2x4x8x16xf32> {tfc.name = "q"},
                %k: tensor<2x4x8x16xf32> {tfc.name = "k"}, %y: tensor<2x8x16xf32> {tfc.name = "y"})
    -> (tensor<2x4x8x8xf32> {tfc.name = "scores"}, tensor<2x8x16xf32> {tfc.name = "chain"},
        tensor<2x8x4xf32> {tfc.name = "proj"}, tensor<2x8x16xf32> {tfc.name = "qp"},
        tensor<2x8x8xf32> {tfc.name = "kp"}, tensor<2x8x8xf32> {tfc.name = "vp"}) {
  // q k^T with k^T written out.
  %kt = tfc.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : (tensor<2x4x8x16xf32>) -> tensor<2x4x16x8xf32>
  %scores = tfc.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>

  // Heads split, moved and moved back.
  %h = tfc.reshape %x : tensor<2x8x16xf32> to tensor<2x8x4x4xf32>
  %t = tfc.transpose %h {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x8x4x4xf32>) -> tensor<2x4x8x4xf32>
  %f = tfc.reshape %t : tensor<2x4x8x4xf32> to tensor<2x4x32xf32>
  %g = tfc.reshape %f : tensor<2x4x32xf32> to tensor<2x4x8x4xf32>
  %u = tfc.transpose %g {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x4x8x4xf32>) -> tensor<2x8x4x4xf32>
  %chain = tfc.reshape %u : tensor<2x8x4x4xf32> to tensor<2x8x16xf32>

  // A weight read transposed, written as a transpose of a [N, K] weight.
  %w = tfc.parameter "proj.weight" = dense<[[0.5, -1.0, 0.25, 2.0, 1.0, 0.0, -0.5, 1.5, 0.125, -2.0, 3.0, 0.75, -0.25, 1.25, 0.5, -1.5],
                                            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, -1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0],
                                            [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6],
                                            [-0.1, 0.2, -0.3, 0.4, -0.5, 0.6, -0.7, 0.8, -0.9, 1.0, -1.1, 1.2, -1.3, 1.4, -1.5, 1.6]]> : tensor<4x16xf32> : tensor<4x16xf32>
  %wt = tfc.transpose %w {permutation = array<i64: 1, 0>} : (tensor<4x16xf32>) -> tensor<16x4xf32>
  %proj = tfc.matmul %y, %wt : (tensor<2x8x16xf32>, tensor<16x4xf32>) -> tensor<2x8x4xf32>

  // Q/K/V (GQA widths) with biases, all reading x.
  %wq = tfc.parameter "wq" = dense<0.0625> : tensor<16x16xf32> : tensor<16x16xf32>
  %wk = tfc.parameter "wk" = dense<[[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5], [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.0],
                                    [0.0, 0.0, 1.0, 0.0, 0.0, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 0.5, 0.0, 0.0, 0.0],
                                    [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                    [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0],
                                    [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                                    [0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0],
                                    [0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0],
                                    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]]> : tensor<16x8xf32> : tensor<16x8xf32>
  %wv = tfc.parameter "wv" = dense<-0.25> : tensor<16x8xf32> : tensor<16x8xf32>
  %bq = tfc.parameter "bq" = dense<1.0> : tensor<16xf32> : tensor<16xf32>
  %bk = tfc.parameter "bk" = dense<[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]> : tensor<8xf32> : tensor<8xf32>
  %bv = tfc.parameter "bv" = dense<-1.0> : tensor<8xf32> : tensor<8xf32>
  %mq = tfc.matmul %x, %wq : (tensor<2x8x16xf32>, tensor<16x16xf32>) -> tensor<2x8x16xf32>
  %qp = tfc.add %mq, %bq : (tensor<2x8x16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  %mk = tfc.matmul %x, %wk : (tensor<2x8x16xf32>, tensor<16x8xf32>) -> tensor<2x8x8xf32>
  %kp = tfc.add %bk, %mk : (tensor<8xf32>, tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %mv = tfc.matmul %x, %wv : (tensor<2x8x16xf32>, tensor<16x8xf32>) -> tensor<2x8x8xf32>
  %vp = tfc.add %mv, %bv : (tensor<2x8x8xf32>, tensor<8xf32>) -> tensor<2x8x8xf32>
  return %scores, %chain, %proj, %qp, %kp, %vp : tensor<2x4x8x8xf32>, tensor<2x8x16xf32>, tensor<2x8x4xf32>, tensor<2x8x16xf32>, tensor<2x8x8xf32>, tensor<2x8x8xf32>
}
