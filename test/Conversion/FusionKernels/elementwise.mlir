// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 5 | FileCheck %s --check-prefix=SIM %}

// Elementwise ops: one thread per 16 bytes of output (256 per block, a
// grid-stride loop): vector loads of operands that do not broadcast along
// the last dim (here a [100] row broadcast over 4 rows), scalar math per
// element, one vector store.

// CHECK-LABEL: gpu.module @kernels
// CHECK-LABEL: gpu.func @add_broadcast_0
// CHECK-SAME: (%[[A:.*]]: memref<4x100xf32>, %[[B:.*]]: memref<100xf32>, %[[OUT:.*]]: memref<4x100xf32>) kernel
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
// CHECK-DAG: %[[OUTFLAT:.*]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1]]
// CHECK-DAG: %[[AFLAT:.*]] = memref.collapse_shape %[[A]] {{\[\[}}0, 1]]
// CHECK: %[[BID:.*]] = gpu.block_id x
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: gpu.grid_dim x
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c100 step
// CHECK: %[[BASE:.*]] = arith.muli %[[I]], %c4
// CHECK: %[[X:.*]] = vector.load %[[AFLAT]][%[[BASE]]] {alignment = 16 : i64} : memref<400xf32>, vector<4xf32>
// CHECK: %[[X0:.*]] = vector.extract %[[X]][0]
// CHECK: %[[COL:.*]] = arith.remui %[[BASE]], %c100
// CHECK: %[[Y:.*]] = vector.load %[[B]][%[[COL]]] {alignment = 16 : i64} : memref<100xf32>, vector<4xf32>
// CHECK: %[[Y0:.*]] = vector.extract %[[Y]][0]
// CHECK: arith.addf %[[X0]], %[[Y0]] : f32
// CHECK-COUNT-3: arith.addf
// CHECK: %[[V:.*]] = vector.from_elements
// CHECK: vector.store %[[V]], %[[OUTFLAT]][%[[BASE]]] {alignment = 16 : i64} : memref<400xf32>, vector<4xf32>
// CHECK: gpu.return
func.func @add_broadcast(%a: tensor<4x100xf32>, %b: tensor<100xf32>) -> tensor<4x100xf32> {
  %0 = tfc.fusion "add" (%a, %b) : (tensor<4x100xf32>, tensor<100xf32>) -> tensor<4x100xf32> {
  ^bb0(%x: tensor<4x100xf32>, %y: tensor<100xf32>):
    %1 = tfc.add %x, %y : (tensor<4x100xf32>, tensor<100xf32>) -> tensor<4x100xf32>
    tfc.yield %1 : tensor<4x100xf32>
  }
  return %0 : tensor<4x100xf32>
}

// Both operands broadcast ([3,1] x [1,5] -> [2,3,5]), and a rank-0 operand.
// CHECK-LABEL: gpu.func @sub_mul_both_broadcast_1
// CHECK: memref.load %{{.*}}[%{{.*}}, %c0{{.*}}] : memref<3x1xf32>
// CHECK: memref.load %{{.*}}[%c0{{.*}}, %{{.*}}] : memref<1x5xf32>
// CHECK: arith.subf
// CHECK: memref.load %{{.*}}[] : memref<f32>
// CHECK: arith.mulf
func.func @sub_mul_both_broadcast(%a: tensor<3x1xf32>, %b: tensor<1x5xf32>, %s: tensor<f32>) -> tensor<2x3x5xf32> {
  %0 = tfc.fusion "mul" (%a, %b, %s) : (tensor<3x1xf32>, tensor<1x5xf32>, tensor<f32>) -> tensor<2x3x5xf32> {
  ^bb0(%x: tensor<3x1xf32>, %y: tensor<1x5xf32>, %z: tensor<f32>):
    %1 = tfc.sub %x, %y : (tensor<3x1xf32>, tensor<1x5xf32>) -> tensor<3x5xf32>
    %2 = tfc.expand %1 : tensor<3x5xf32> to tensor<2x3x5xf32>
    %3 = tfc.mul %2, %z : (tensor<2x3x5xf32>, tensor<f32>) -> tensor<2x3x5xf32>
    tfc.yield %3 : tensor<2x3x5xf32>
  }
  return %0 : tensor<2x3x5xf32>
}

// A chain in bf16: computed in f32 from one load per input to one store
// per result; the i1 result is stored as a byte.
// CHECK-LABEL: gpu.func @bf16_chain_2
// CHECK-SAME: %{{.*}}: memref<2x3x8xbf16>, %{{.*}}: memref<3x1xbf16>, %{{.*}}: memref<2x3x8xbf16>, %{{.*}}: memref<2x3x8xi1>
// CHECK: scf.for
// CHECK: %[[X:.*]] = memref.load %{{.*}} : memref<48xbf16>
// CHECK: arith.extf %[[X]] : bf16 to f32
// CHECK: math.erf %{{.*}} : f32
// CHECK: math.tanh %{{.*}} : f32
// CHECK: math.exp %{{.*}} : f32
// CHECK: %[[CMP:.*]] = arith.cmpf ogt
// CHECK: math.powf
// CHECK: math.rsqrt
// CHECK: %[[R:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: memref.store %[[R]], %{{.*}} : memref<48xbf16>
// CHECK: memref.store %[[CMP]], %{{.*}} : memref<48xi1>
// CHECK-NOT: memref.load
// CHECK: gpu.return
func.func @bf16_chain(%a: tensor<2x3x8xbf16>, %b: tensor<3x1xbf16>) -> (tensor<2x3x8xbf16>, tensor<2x3x8xi1>) {
  %0:2 = tfc.fusion "chain" (%a, %b) : (tensor<2x3x8xbf16>, tensor<3x1xbf16>) -> (tensor<2x3x8xbf16>, tensor<2x3x8xi1>) {
  ^bb0(%x: tensor<2x3x8xbf16>, %y: tensor<3x1xbf16>):
    %1 = tfc.mul %x, %y : (tensor<2x3x8xbf16>, tensor<3x1xbf16>) -> tensor<2x3x8xbf16>
    %2 = tfc.gelu %1 approximate = none : tensor<2x3x8xbf16>
    %3 = tfc.gelu %2 approximate = tanh : tensor<2x3x8xbf16>
    %4 = tfc.silu %3 : tensor<2x3x8xbf16>
    %5 = tfc.compare gt, %4, %x : (tensor<2x3x8xbf16>, tensor<2x3x8xbf16>) -> tensor<2x3x8xi1>
    %6 = tfc.where %5, %4, %x : (tensor<2x3x8xi1>, tensor<2x3x8xbf16>, tensor<2x3x8xbf16>) -> tensor<2x3x8xbf16>
    %7 = tfc.abs %6 : tensor<2x3x8xbf16>
    %8 = tfc.pow %7, %x : (tensor<2x3x8xbf16>, tensor<2x3x8xbf16>) -> tensor<2x3x8xbf16>
    %9 = tfc.add %8, %y : (tensor<2x3x8xbf16>, tensor<3x1xbf16>) -> tensor<2x3x8xbf16>
    %10 = tfc.abs %9 : tensor<2x3x8xbf16>
    %11 = tfc.rsqrt %10 : tensor<2x3x8xbf16>
    tfc.yield %11, %5 : tensor<2x3x8xbf16>, tensor<2x3x8xi1>
  }
  return %0#0, %0#1 : tensor<2x3x8xbf16>, tensor<2x3x8xi1>
}

// The remaining float unary ops.
// CHECK-LABEL: gpu.func @unary_f32_3
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.maximumf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @unary_f32(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64xf32> {
  %0 = tfc.fusion "chain" (%a, %b) : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32> {
  ^bb0(%x: tensor<64xf32>, %y: tensor<64xf32>):
    %1 = tfc.neg %x : tensor<64xf32>
    %2 = tfc.exp %1 : tensor<64xf32>
    %3 = tfc.log %2 : tensor<64xf32>
    %4 = tfc.abs %3 : tensor<64xf32>
    %5 = tfc.sqrt %4 : tensor<64xf32>
    %6 = tfc.reciprocal %5 : tensor<64xf32>
    %7 = tfc.sigmoid %6 : tensor<64xf32>
    %8 = tfc.tanh %7 : tensor<64xf32>
    %9 = tfc.erf %8 : tensor<64xf32>
    %10 = tfc.relu %y : tensor<64xf32>
    %11 = tfc.maximum %9, %10 : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
    %12 = tfc.minimum %11, %y : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
    %13 = tfc.div %12, %x : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
    tfc.yield %13 : tensor<64xf32>
  }
  return %0 : tensor<64xf32>
}

// Integer and boolean ops, and casts between every kind of type.
// CHECK-LABEL: gpu.func @int_bool_cast_4
// CHECK: arith.addi %{{.*}} : i64
// CHECK: arith.constant 1 : i64
// CHECK: arith.maxsi
// CHECK: arith.divsi %{{.*}} : i64
// CHECK: arith.minsi
// CHECK: arith.cmpi slt
// CHECK: arith.sitofp %{{.*}} : i64 to f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.cmpi sge
// CHECK: arith.xori
// CHECK: arith.andi
// CHECK: arith.ori
// CHECK: arith.uitofp %{{.*}} : i1 to f32
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.cmpf une
func.func @int_bool_cast(%a: tensor<5x7xi64>, %b: tensor<7xi64>, %c: tensor<5x7xf32>) -> (tensor<5x7xf16>, tensor<5x7xf32>, tensor<5x7xi32>, tensor<5x7xi1>) {
  %0:4 = tfc.fusion "chain" (%a, %b, %c) : (tensor<5x7xi64>, tensor<7xi64>, tensor<5x7xf32>) -> (tensor<5x7xf16>, tensor<5x7xf32>, tensor<5x7xi32>, tensor<5x7xi1>) {
  ^bb0(%x: tensor<5x7xi64>, %y: tensor<7xi64>, %z: tensor<5x7xf32>):
    %1 = tfc.add %x, %y : (tensor<5x7xi64>, tensor<7xi64>) -> tensor<5x7xi64>
    %one = tfc.constant dense<1> : tensor<7xi64>
    %m = tfc.maximum %y, %one : (tensor<7xi64>, tensor<7xi64>) -> tensor<7xi64>
    %2 = tfc.sub %m, %y : (tensor<7xi64>, tensor<7xi64>) -> tensor<7xi64>
    %d = tfc.minimum %2, %one : (tensor<7xi64>, tensor<7xi64>) -> tensor<7xi64>
    %3 = tfc.div %1, %m : (tensor<5x7xi64>, tensor<7xi64>) -> tensor<5x7xi64>
    %n = tfc.mul %3, %d : (tensor<5x7xi64>, tensor<7xi64>) -> tensor<5x7xi64>
    %4 = tfc.neg %n : tensor<5x7xi64>
    %5 = tfc.abs %4 : tensor<5x7xi64>
    %6 = tfc.cast %5 : tensor<5x7xi64> to tensor<5x7xf16>
    %7 = tfc.compare ge, %x, %y : (tensor<5x7xi64>, tensor<7xi64>) -> tensor<5x7xi1>
    %8 = tfc.not %7 : tensor<5x7xi1>
    %9 = tfc.compare lt, %z, %z : (tensor<5x7xf32>, tensor<5x7xf32>) -> tensor<5x7xi1>
    %10 = tfc.and %8, %9 : (tensor<5x7xi1>, tensor<5x7xi1>) -> tensor<5x7xi1>
    %11 = tfc.or %10, %7 : (tensor<5x7xi1>, tensor<5x7xi1>) -> tensor<5x7xi1>
    %12 = tfc.cast %11 : tensor<5x7xi1> to tensor<5x7xf32>
    %13 = tfc.mul %z, %12 : (tensor<5x7xf32>, tensor<5x7xf32>) -> tensor<5x7xf32>
    %14 = tfc.cast %13 : tensor<5x7xf32> to tensor<5x7xi32>
    %15 = tfc.cast %z : tensor<5x7xf32> to tensor<5x7xi1>
    tfc.yield %6, %13, %14, %15 : tensor<5x7xf16>, tensor<5x7xf32>, tensor<5x7xi32>, tensor<5x7xi1>
  }
  return %0#0, %0#1, %0#2, %0#3 : tensor<5x7xf16>, tensor<5x7xf32>, tensor<5x7xi32>, tensor<5x7xi1>
}

// A cast to bf16 inside an f32 chain rounds (truncf, then extf back).
// CHECK-LABEL: gpu.func @cast_roundtrip_5
// CHECK: %[[T:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.extf %[[T]] : bf16 to f32
// CHECK-COUNT-3: arith.extf %{{.*}} : bf16 to f32
// CHECK-NOT: arith.truncf
// CHECK: vector.store %{{.*}} : memref<300xf32>, vector<4xf32>
// CHECK: gpu.return
func.func @cast_roundtrip(%a: tensor<300xf32>) -> tensor<300xf32> {
  %0 = tfc.fusion "cast" (%a) : (tensor<300xf32>) -> tensor<300xf32> {
  ^bb0(%x: tensor<300xf32>):
    %1 = tfc.cast %x : tensor<300xf32> to tensor<300xbf16>
    %2 = tfc.cast %1 : tensor<300xbf16> to tensor<300xf32>
    %3 = tfc.sub %x, %2 : (tensor<300xf32>, tensor<300xf32>) -> tensor<300xf32>
    tfc.yield %3 : tensor<300xf32>
  }
  return %0 : tensor<300xf32>
}

// A splat constant inside the fusion becomes a scalar.
// CHECK-LABEL: gpu.func @splat_constant_6
// CHECK: %[[C:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: arith.mulf %{{.*}}, %[[C]]
func.func @splat_constant(%a: tensor<8x8xf16>) -> tensor<8x8xf16> {
  %0 = tfc.fusion "mul" (%a) : (tensor<8x8xf16>) -> tensor<8x8xf16> {
  ^bb0(%x: tensor<8x8xf16>):
    %c = tfc.constant dense<3.0> : tensor<8xf16>
    %1 = tfc.mul %x, %c : (tensor<8x8xf16>, tensor<8xf16>) -> tensor<8x8xf16>
    tfc.yield %1 : tensor<8x8xf16>
  }
  return %0 : tensor<8x8xf16>
}

// PTX-NOT: {{\.extern|__nv_}}
// PTX: .visible .entry add_broadcast_0(
// PTX-SAME: .maxntid 256, 1, 1
// PTX-SAME: ld.global.v4.b32
// PTX-SAME: ld.global.v4.b32
// PTX-SAME: add.rn.f32
// PTX-SAME: st.global.v4.b32
// PTX-SAME: .visible .entry sub_mul_both_broadcast_1(
// PTX-SAME: .visible .entry bf16_chain_2(
// PTX-SAME: cvt.f32.bf16
// PTX-SAME: cvt.rn.bf16.f32
// PTX-SAME: st.global.b8
// PTX-SAME: .visible .entry unary_f32_3(
// PTX-SAME: .visible .entry int_bool_cast_4(
// PTX-SAME: .visible .entry cast_roundtrip_5(
// PTX-SAME: .visible .entry splat_constant_6(
// PTX-NOT: {{\.extern|__nv_}}

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 7 kernels match the reference
