// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 7 | FileCheck %s --check-prefix=SIM %}

// Matmul: one thread per output element looping over K, accumulating in f32.

// CHECK-LABEL: gpu.func @matmul_2d_0
// CHECK-SAME: (%[[A:.*]]: memref<33x17xf32>, %[[B:.*]]: memref<17x20xf32>, %[[C:.*]]: memref<33x20xf32>)
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 3, 1, 1>
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c660 step
// CHECK: %[[N:.*]] = arith.remui %[[I]], %c20
// CHECK: %[[M:.*]] = arith.divui %[[I]], %c20
// CHECK: %[[ACC:.*]] = scf.for %[[K:.*]] = %c0{{.*}} to %c17 step %c1{{.*}} iter_args(%[[SUM:.*]] = %{{.*}}) -> (f32)
// CHECK: %[[X:.*]] = memref.load %[[A]][%[[M]], %[[K]]]
// CHECK: %[[Y:.*]] = memref.load %[[B]][%[[K]], %[[N]]]
// CHECK: %[[S:.*]] = math.fma %[[X]], %[[Y]], %[[SUM]] : f32
// CHECK: scf.yield %[[S]]
// CHECK: memref.store %[[ACC]]
func.func @matmul_2d(%a: tensor<33x17xf32>, %b: tensor<17x20xf32>) -> tensor<33x20xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<33x17xf32>, tensor<17x20xf32>) -> tensor<33x20xf32> {
  ^bb0(%x: tensor<33x17xf32>, %y: tensor<17x20xf32>):
    %1 = tfc.matmul %x, %y : (tensor<33x17xf32>, tensor<17x20xf32>) -> tensor<33x20xf32>
    tfc.yield %1 : tensor<33x20xf32>
  }
  return %0 : tensor<33x20xf32>
}

// Batched bf16 with a broadcast weight read transposed ([N, K]).
// CHECK-LABEL: gpu.func @matmul_batched_transposed_rhs_1
// CHECK: scf.for %{{.*}} iter_args(%{{.*}}) -> (f32)
// CHECK: memref.load %{{.*}} : memref<2x3x5x8xbf16>
// CHECK: arith.extf
// CHECK: memref.load %{{.*}} : memref<6x8xbf16>
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @matmul_batched_transposed_rhs(%a: tensor<2x3x5x8xbf16>, %w: tensor<6x8xbf16>) -> tensor<2x3x5x6xbf16> {
  %0 = tfc.fusion "matmul" (%a, %w) : (tensor<2x3x5x8xbf16>, tensor<6x8xbf16>) -> tensor<2x3x5x6xbf16> {
  ^bb0(%x: tensor<2x3x5x8xbf16>, %y: tensor<6x8xbf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<2x3x5x8xbf16>, tensor<6x8xbf16>) -> tensor<2x3x5x6xbf16>
    tfc.yield %1 : tensor<2x3x5x6xbf16>
  }
  return %0 : tensor<2x3x5x6xbf16>
}

// Broadcast batch dims on both sides, lhs read transposed ([K, M]).
// CHECK-LABEL: gpu.func @matmul_broadcast_batch_transposed_lhs_2
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
func.func @matmul_broadcast_batch_transposed_lhs(%a: tensor<3x1x7x4xf32>, %b: tensor<2x7x5xf32>) -> tensor<3x2x4x5xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<3x1x7x4xf32>, tensor<2x7x5xf32>) -> tensor<3x2x4x5xf32> {
  ^bb0(%x: tensor<3x1x7x4xf32>, %y: tensor<2x7x5xf32>):
    %1 = tfc.matmul %x, %y {transpose_lhs = true} : (tensor<3x1x7x4xf32>, tensor<2x7x5xf32>) -> tensor<3x2x4x5xf32>
    tfc.yield %1 : tensor<3x2x4x5xf32>
  }
  return %0 : tensor<3x2x4x5xf32>
}

// A prologue (cast of the lhs) is evaluated where the matmul reads it.
// CHECK-LABEL: gpu.func @matmul_cast_prologue_3
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[H:.*]] = memref.load %{{.*}} : memref<4x8xf16>
// CHECK: arith.extf %[[H]] : f16 to f32
func.func @matmul_cast_prologue(%a: tensor<4x8xf16>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<4x8xf16>, tensor<8x3xf32>) -> tensor<4x3xf32> {
  ^bb0(%x: tensor<4x8xf16>, %y: tensor<8x3xf32>):
    %c = tfc.cast %x : tensor<4x8xf16> to tensor<4x8xf32>
    %1 = tfc.matmul %c, %y : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
    tfc.yield %1 : tensor<4x3xf32>
  }
  return %0 : tensor<4x3xf32>
}

// Integer matmul accumulates in the element type.
// CHECK-LABEL: gpu.func @matmul_i32_4
// CHECK: iter_args(%{{.*}}) -> (i32)
// CHECK: arith.muli
// CHECK: arith.addi
func.func @matmul_i32(%a: tensor<3x4xi32>, %b: tensor<4x2xi32>) -> tensor<3x2xi32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<3x4xi32>, tensor<4x2xi32>) -> tensor<3x2xi32> {
  ^bb0(%x: tensor<3x4xi32>, %y: tensor<4x2xi32>):
    %1 = tfc.matmul %x, %y : (tensor<3x4xi32>, tensor<4x2xi32>) -> tensor<3x2xi32>
    tfc.yield %1 : tensor<3x2xi32>
  }
  return %0 : tensor<3x2xi32>
}

// PTX-NOT: {{\.extern|__nv_}}
// PTX: .visible .entry matmul_2d_0(
// PTX-SAME: ld.global.b32
// PTX-SAME: fma.rn.f32
// PTX-SAME: .visible .entry matmul_batched_transposed_rhs_1(
// PTX-SAME: .visible .entry matmul_broadcast_batch_transposed_lhs_2(
// PTX-SAME: .visible .entry matmul_cast_prologue_3(
// PTX-SAME: .visible .entry matmul_i32_4(
// PTX-NOT: {{\.extern|__nv_}}

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 5 kernels match the reference
