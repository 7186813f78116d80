// tfc-fuse keeps ops apart when no kernel family can emit the merged body,
// when a shared value would have to be recomputed, when recomputation in a
// prologue costs more than the bytes saved, and when the merged kernel would
// both feed and consume another kernel. `report` says why for every edge.
// Epilogues are off here, so that each case is refused for one reason
// (epilogues.mlir has them on).
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-fuse=epilogues=false | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-fuse="report epilogues=false" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// With epilogues off, the bias add after a matmul is not fused.
// CHECK-LABEL: func @matmul_epilogue
func.func @matmul_epilogue(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>, %b: tensor<64xf32>) -> tensor<32x64xf32> {
  // CHECK-NOT: tfc.fusion
  // CHECK: %[[MM:.*]] = tfc.matmul
  // CHECK-NEXT: tfc.add %[[MM]]
  // REPORT: kept apart: tfc.matmul -> tfc.add: the tfc.matmul family has no epilogue: its result cannot feed another op of the kernel
  %0 = tfc.matmul %x, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %1 = tfc.add %0, %b : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  return %1 : tensor<32x64xf32>
}

// -----

// Two anchors never share a kernel.
// CHECK-LABEL: func @two_anchors
func.func @two_anchors(%x: tensor<32x64xf32>, %g: tensor<64xf32>, %w: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // CHECK-NOT: tfc.fusion
  // REPORT: kept apart: tfc.layer_norm -> tfc.matmul: no kernel family fuses two reductions or contractions (tfc.layer_norm, tfc.matmul)
  %0 = tfc.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<32x64xf32>, tensor<64xf32>) -> tensor<32x64xf32>
  %1 = tfc.matmul %0, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %1 : tensor<32x64xf32>
}

// -----

// The add also leaves the function: a softmax kernel returns only the
// softmax, so the add is not its prologue (that would mean computing it
// twice, tfc-rematerialize's decision).
// CHECK-LABEL: func @multi_consumer
func.func @multi_consumer(%x: tensor<32x64xf32>, %y: tensor<32x64xf32>) -> (tensor<32x64xf32>, tensor<32x64xf32>) {
  // CHECK-NOT: tfc.fusion
  // REPORT: kept apart: tfc.add -> tfc.softmax: a kernel with tfc.softmax returns only that op's result, but tfc.add is also needed outside it
  %0 = tfc.add %x, %y : (tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  %1 = tfc.softmax %0 {axis = 1 : i64} : tensor<32x64xf32>
  return %0, %1 : tensor<32x64xf32>, tensor<32x64xf32>
}

// -----

// In front of a matmul a prologue is evaluated once per output column (N =
// 512 times per element): the tanh would cost more than the 256 KiB saved.
// CHECK-LABEL: func @expensive_prologue
func.func @expensive_prologue(%x: tensor<64x512xf32>, %w: tensor<512x512xf32>) -> tensor<64x512xf32> {
  // CHECK-NOT: tfc.fusion
  // REPORT: kept apart: tfc.tanh -> tfc.matmul: the fused kernel would be slower (262144 bytes saved, but recomputation makes it {{[0-9.]+}} us instead of {{[0-9.]+}} us)
  %0 = tfc.tanh %x : tensor<64x512xf32>
  %1 = tfc.matmul %0, %w : (tensor<64x512xf32>, tensor<512x512xf32>) -> tensor<64x512xf32>
  return %1 : tensor<64x512xf32>
}

// -----

// exp -> add would pay, but the add also needs the matmul of the exp: the
// merged kernel would have to run both before and after the matmul.
// CHECK-LABEL: func @cycle
func.func @cycle(%x: tensor<32x64xf32>, %w: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // CHECK-NOT: tfc.fusion
  // REPORT-DAG: kept apart: tfc.exp -> tfc.add: the merged kernel would both feed and consume another kernel
  // REPORT-DAG: kept apart: tfc.exp -> tfc.matmul: a kernel with tfc.matmul returns only that op's result, but tfc.exp is also needed outside it
  // REPORT-DAG: kept apart: tfc.matmul -> tfc.add: the tfc.matmul family has no epilogue
  %0 = tfc.exp %x : tensor<32x64xf32>
  %1 = tfc.matmul %0, %w : (tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %2 = tfc.add %0, %1 : (tensor<32x64xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  return %2 : tensor<32x64xf32>
}
