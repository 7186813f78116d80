// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 10 | FileCheck %s --check-prefix=SIM %}

// Index-mapping ops: one thread per 16 bytes of output (vector stores), the
// input read element by element at the mapped positions.

// CHECK-LABEL: gpu.func @transpose_0
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
// CHECK-COUNT-4: memref.load %{{.*}} : memref<2x16x4x8xf32>
// CHECK: vector.store %{{.*}} : memref<1024xf32>, vector<4xf32>
func.func @transpose(%x: tensor<2x16x4x8xf32>) -> tensor<2x4x16x8xf32> {
  %0 = tfc.fusion "transpose" (%x) : (tensor<2x16x4x8xf32>) -> tensor<2x4x16x8xf32> {
  ^bb0(%a: tensor<2x16x4x8xf32>):
    %1 = tfc.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x16x4x8xf32>) -> tensor<2x4x16x8xf32>
    tfc.yield %1 : tensor<2x4x16x8xf32>
  }
  return %0 : tensor<2x4x16x8xf32>
}

// CHECK-LABEL: gpu.func @slice_1
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<6x20xf16>
// CHECK: vector.store %{{.*}} {alignment = 4 : i64} : memref<30xf16>, vector<2xf16>
func.func @slice(%x: tensor<6x20xf16>) -> tensor<3x10xf16> {
  %0 = tfc.fusion "slice" (%x) : (tensor<6x20xf16>) -> tensor<3x10xf16> {
  ^bb0(%a: tensor<6x20xf16>):
    %1 = tfc.slice %a {offsets = array<i64: 1, 1>, sizes = array<i64: 3, 10>, strides = array<i64: 2, 2>} : (tensor<6x20xf16>) -> tensor<3x10xf16>
    tfc.yield %1 : tensor<3x10xf16>
  }
  return %0 : tensor<3x10xf16>
}

// Concat reads only the input that holds the element.
// CHECK-LABEL: gpu.func @concat_2
// CHECK: scf.if %{{.*}} -> (f32)
// CHECK: memref.load %{{.*}} : memref<2x3x4xf32>
// CHECK: scf.if %{{.*}} -> (f32)
// CHECK: memref.load %{{.*}} : memref<2x1x4xf32>
// CHECK: memref.load %{{.*}} : memref<2x5x4xf32>
func.func @concat(%a: tensor<2x3x4xf32>, %b: tensor<2x1x4xf32>, %c: tensor<2x5x4xf32>) -> tensor<2x9x4xf32> {
  %0 = tfc.fusion "concat" (%a, %b, %c) : (tensor<2x3x4xf32>, tensor<2x1x4xf32>, tensor<2x5x4xf32>) -> tensor<2x9x4xf32> {
  ^bb0(%x: tensor<2x3x4xf32>, %y: tensor<2x1x4xf32>, %z: tensor<2x5x4xf32>):
    %1 = tfc.concat %x, %y, %z {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1x4xf32>, tensor<2x5x4xf32>) -> tensor<2x9x4xf32>
    tfc.yield %1 : tensor<2x9x4xf32>
  }
  return %0 : tensor<2x9x4xf32>
}

// A split with several results of different shapes: one loop per shape.
// CHECK-LABEL: gpu.func @split_3
// CHECK-SAME: (%{{.*}}: memref<4x12xf32>, %[[Q:.*]]: memref<4x4xf32>, %[[K:.*]]: memref<4x4xf32>, %[[V:.*]]: memref<4x4xf32>)
// CHECK: scf.for
// CHECK-COUNT-3: vector.store
// CHECK-NOT: scf.for
// CHECK: gpu.return
func.func @split(%x: tensor<4x12xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %0:3 = tfc.fusion "split" (%x) : (tensor<4x12xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  ^bb0(%a: tensor<4x12xf32>):
    %q, %k, %v = tfc.split %a {axis = 1 : i64, sizes = array<i64: 4, 4, 4>} : (tensor<4x12xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>)
    tfc.yield %q, %k, %v : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
  }
  return %0#0, %0#1, %0#2 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// CHECK-LABEL: gpu.func @split_uneven_4
// CHECK: scf.for
// CHECK: scf.for
func.func @split_uneven(%x: tensor<3x7xi32>) -> (tensor<3x2xi32>, tensor<3x5xi32>) {
  %0:2 = tfc.fusion "split" (%x) : (tensor<3x7xi32>) -> (tensor<3x2xi32>, tensor<3x5xi32>) {
  ^bb0(%a: tensor<3x7xi32>):
    %p, %q = tfc.split %a {axis = 1 : i64, sizes = array<i64: 2, 5>} : (tensor<3x7xi32>) -> (tensor<3x2xi32>, tensor<3x5xi32>)
    tfc.yield %p, %q : tensor<3x2xi32>, tensor<3x5xi32>
  }
  return %0#0, %0#1 : tensor<3x2xi32>, tensor<3x5xi32>
}

// Gather wraps negative indices and clamps out-of-range ones.
// CHECK-LABEL: gpu.func @gather_5
// CHECK: %[[RAW:.*]] = memref.load %{{.*}} : memref<1x5xi64>
// CHECK: arith.index_cast %[[RAW]] : i64 to index
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: memref.load %{{.*}} : memref<16x8xbf16>
func.func @gather(%emb: tensor<16x8xbf16>, %ids: tensor<1x5xi64>) -> tensor<1x5x8xbf16> {
  %0 = tfc.fusion "gather" (%emb, %ids) : (tensor<16x8xbf16>, tensor<1x5xi64>) -> tensor<1x5x8xbf16> {
  ^bb0(%e: tensor<16x8xbf16>, %i: tensor<1x5xi64>):
    %1 = tfc.gather %e, %i {axis = 0 : i64} : (tensor<16x8xbf16>, tensor<1x5xi64>) -> tensor<1x5x8xbf16>
    tfc.yield %1 : tensor<1x5x8xbf16>
  }
  return %0 : tensor<1x5x8xbf16>
}

// CHECK-LABEL: gpu.func @gather_inner_6
// CHECK: arith.index_cast %{{.*}} : i32 to index
func.func @gather_inner(%x: tensor<2x10x3xf32>, %ids: tensor<4xi32>) -> tensor<2x4x3xf32> {
  %0 = tfc.fusion "gather" (%x, %ids) : (tensor<2x10x3xf32>, tensor<4xi32>) -> tensor<2x4x3xf32> {
  ^bb0(%a: tensor<2x10x3xf32>, %i: tensor<4xi32>):
    %1 = tfc.gather %a, %i {axis = 1 : i64} : (tensor<2x10x3xf32>, tensor<4xi32>) -> tensor<2x4x3xf32>
    tfc.yield %1 : tensor<2x4x3xf32>
  }
  return %0 : tensor<2x4x3xf32>
}

// Rope reads x at the element and at its partner (d +- D/2).
// CHECK-LABEL: gpu.func @rope_7
// CHECK: vector.load %{{.*}}[%{{.*}}] {alignment = 16 : i64} : memref<64xf32>, vector<4xf32>
// CHECK: memref.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x2x4x8xf32>
// CHECK: arith.negf
// CHECK: arith.select
func.func @rope(%x: tensor<1x2x4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<1x2x4x8xf32> {
  %0 = tfc.fusion "rope" (%x, %cos, %sin) : (tensor<1x2x4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32> {
  ^bb0(%a: tensor<1x2x4x8xf32>, %c: tensor<4x8xf32>, %s: tensor<4x8xf32>):
    %1 = tfc.rope %a, %c, %s : (tensor<1x2x4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
    tfc.yield %1 : tensor<1x2x4x8xf32>
  }
  return %0 : tensor<1x2x4x8xf32>
}

// CHECK-LABEL: gpu.func @rope_interleaved_8
// CHECK: arith.xori
func.func @rope_interleaved(%x: tensor<2x6x16xbf16>, %cos: tensor<6x16xbf16>, %sin: tensor<6x16xbf16>) -> tensor<2x6x16xbf16> {
  %0 = tfc.fusion "rope" (%x, %cos, %sin) : (tensor<2x6x16xbf16>, tensor<6x16xbf16>, tensor<6x16xbf16>) -> tensor<2x6x16xbf16> {
  ^bb0(%a: tensor<2x6x16xbf16>, %c: tensor<6x16xbf16>, %s: tensor<6x16xbf16>):
    %1 = tfc.rope %a, %c, %s {interleaved = true} : (tensor<2x6x16xbf16>, tensor<6x16xbf16>, tensor<6x16xbf16>) -> tensor<2x6x16xbf16>
    tfc.yield %1 : tensor<2x6x16xbf16>
  }
  return %0 : tensor<2x6x16xbf16>
}

// Reshape keeps the linear position; expand projects it.
// CHECK-LABEL: gpu.func @reshape_expand_9
// CHECK: scf.for %[[I:.*]] = 
// CHECK: %[[BASE:.*]] = arith.muli %[[I]], %c4
// CHECK: memref.load %{{.*}}[%[[BASE]]] : memref<24xf32>
func.func @reshape_expand(%x: tensor<2x12xf32>, %b: tensor<1x3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = tfc.fusion "add" (%x, %b) : (tensor<2x12xf32>, tensor<1x3x1xf32>) -> tensor<2x3x4xf32> {
  ^bb0(%a: tensor<2x12xf32>, %c: tensor<1x3x1xf32>):
    %1 = tfc.reshape %a : tensor<2x12xf32> to tensor<2x3x4xf32>
    %2 = tfc.expand %c : tensor<1x3x1xf32> to tensor<2x3x4xf32>
    %3 = tfc.add %1, %2 : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
    tfc.yield %3 : tensor<2x3x4xf32>
  }
  return %0 : tensor<2x3x4xf32>
}

// PTX-NOT: {{\.extern|__nv_}}
// PTX: .visible .entry transpose_0(
// PTX-SAME: .maxntid 256, 1, 1
// PTX-SAME: ld.global
// PTX-SAME: .visible .entry slice_1(
// PTX-SAME: .visible .entry concat_2(
// PTX-SAME: .visible .entry split_3(
// PTX-SAME: .visible .entry split_uneven_4(
// PTX-SAME: .visible .entry gather_5(
// PTX-SAME: .visible .entry gather_inner_6(
// PTX-SAME: .visible .entry rope_7(
// PTX-SAME: .visible .entry rope_interleaved_8(
// PTX-SAME: .visible .entry reshape_expand_9(
// PTX-NOT: {{\.extern|__nv_}}

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 10 kernels match the reference
