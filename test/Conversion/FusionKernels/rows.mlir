// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 100 | FileCheck %s --check-prefix=SIM %}

// Softmax over the last axis, layer_norm and rms_norm keep their rows in
// registers (RegisterRowKernels.cpp): each thread loads 16-byte vectors of
// its row once, the statistics are reduced with warp shuffles (and one
// workgroup slot per warp for rows wider than a warp), and each element is
// finished and stored with vector stores. Softmax over another axis and
// tfc.reduce run in RowKernels.cpp: one block per row, threads striding
// over it.

// A warp per row of 1000 f32: 8 vectors of 4 per thread, no shared memory.
// CHECK-LABEL: gpu.func @softmax_last_0
// CHECK-SAME: tfc.block = array<i64: 32, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 6, 1, 1>
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[ROW:.*]] = gpu.block_id x
// CHECK: %[[BASE:.*]] = arith.muli %[[ROW]], %c1000
// CHECK-COUNT-8: vector.load %{{.*}} {alignment = 16 : i64} : memref<6000xf32>, vector<4xf32>
// CHECK: arith.maximumf
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32{{.*}} : f32
// CHECK-NOT: gpu.barrier
// CHECK: math.exp
// CHECK: gpu.shuffle xor
// CHECK-COUNT-8: vector.store %{{.*}} {alignment = 16 : i64} : memref<6000xf32>, vector<4xf32>
func.func @softmax_last(%x: tensor<2x3x1000xf32>) -> tensor<2x3x1000xf32> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<2x3x1000xf32>) -> tensor<2x3x1000xf32> {
  ^bb0(%a: tensor<2x3x1000xf32>):
    %1 = tfc.softmax %a {axis = 2 : i64} : tensor<2x3x1000xf32>
    tfc.yield %1 : tensor<2x3x1000xf32>
  }
  return %0 : tensor<2x3x1000xf32>
}

// Softmax along a middle axis of an f16 tensor: strided rows, f32 math,
// one block per row.
// CHECK-LABEL: gpu.func @softmax_middle_f16_1
// CHECK-SAME: tfc.grid = array<i64: 10, 1, 1>
// CHECK: memref.load %{{.*}} : memref<2x37x5xf16>
// CHECK: arith.extf
// CHECK: gpu.barrier
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @softmax_middle_f16(%x: tensor<2x37x5xf16>) -> tensor<2x37x5xf16> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<2x37x5xf16>) -> tensor<2x37x5xf16> {
  ^bb0(%a: tensor<2x37x5xf16>):
    %1 = tfc.softmax %a {axis = 1 : i64} : tensor<2x37x5xf16>
    tfc.yield %1 : tensor<2x37x5xf16>
  }
  return %0 : tensor<2x37x5xf16>
}

// Layer norm over the last two dims (a row of 3 * 100), with scale and bias:
// three chunks of 4 per thread, the last one only for the first 11 lanes;
// mean, then the mean squared deviation from the registers.
// CHECK-LABEL: gpu.func @layer_norm_two_dims_2
// CHECK-SAME: tfc.block = array<i64: 32, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 4, 1, 1>
// CHECK: arith.muli %{{.*}}, %c300
// CHECK-COUNT-2: vector.load %{{.*}} : memref<1200xf32>, vector<4xf32>
// CHECK: %[[LAST:.*]] = arith.cmpi ult, %{{.*}}, %c300
// CHECK: scf.if %[[LAST]] -> (f32, f32, f32, f32)
// CHECK: vector.load %{{.*}} : memref<1200xf32>, vector<4xf32>
// CHECK: arith.select %[[LAST]]
// CHECK: gpu.shuffle xor
// CHECK: arith.subf
// CHECK: gpu.shuffle xor
// CHECK: math.rsqrt
// CHECK: vector.load %{{.*}} : memref<300xf32>, vector<4xf32>
// CHECK: vector.load %{{.*}} : memref<300xf32>, vector<4xf32>
// CHECK: vector.store %{{.*}} : memref<1200xf32>, vector<4xf32>
// CHECK: scf.if %[[LAST]]
// CHECK: vector.store %{{.*}} : memref<1200xf32>, vector<4xf32>
func.func @layer_norm_two_dims(%x: tensor<4x3x100xf32>, %g: tensor<3x100xf32>, %b: tensor<3x100xf32>) -> tensor<4x3x100xf32> {
  %0 = tfc.fusion "layer_norm" (%x, %g, %b) : (tensor<4x3x100xf32>, tensor<3x100xf32>, tensor<3x100xf32>) -> tensor<4x3x100xf32> {
  ^bb0(%a: tensor<4x3x100xf32>, %s: tensor<3x100xf32>, %t: tensor<3x100xf32>):
    %1 = tfc.layer_norm %a, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<4x3x100xf32>, tensor<3x100xf32>, tensor<3x100xf32>) -> tensor<4x3x100xf32>
    tfc.yield %1 : tensor<4x3x100xf32>
  }
  return %0 : tensor<4x3x100xf32>
}

// Layer norm without parameters, bf16, a long row: 128 threads (4 warps)
// per row, one workgroup slot per warp for each of the two reductions.
// CHECK-LABEL: gpu.func @layer_norm_bf16_3
// CHECK-SAME: workgroup(%[[S1:.*]] : memref<1x4xf32, #gpu.address_space<workgroup>>, %[[S2:.*]] : memref<1x4xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 3, 1, 1>
// CHECK: vector.load %{{.*}} {alignment = 8 : i64} : memref<7500xbf16>, vector<4xbf16>
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[S1]]
// CHECK: gpu.barrier
// CHECK-COUNT-4: memref.load %[[S1]]
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[S2]]
// CHECK: gpu.barrier
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: vector.store %{{.*}} : memref<7500xbf16>, vector<4xbf16>
func.func @layer_norm_bf16(%x: tensor<3x2500xbf16>) -> tensor<3x2500xbf16> {
  %0 = tfc.fusion "layer_norm" (%x) : (tensor<3x2500xbf16>) -> tensor<3x2500xbf16> {
  ^bb0(%a: tensor<3x2500xbf16>):
    %1 = tfc.layer_norm %a {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x2500xbf16>) -> tensor<3x2500xbf16>
    tfc.yield %1 : tensor<3x2500xbf16>
  }
  return %0 : tensor<3x2500xbf16>
}

// CHECK-LABEL: gpu.func @rms_norm_4
// CHECK-SAME: tfc.grid = array<i64: 10, 1, 1>
// CHECK: vector.load %{{.*}} : memref<700xf32>, vector<2xf32>
// CHECK: arith.mulf
// CHECK: gpu.shuffle xor
// CHECK: math.rsqrt
// CHECK: vector.load %{{.*}} : memref<70xf32>, vector<2xf32>
func.func @rms_norm(%x: tensor<10x70xf32>, %g: tensor<70xf32>) -> tensor<10x70xf32> {
  %0 = tfc.fusion "rms_norm" (%x, %g) : (tensor<10x70xf32>, tensor<70xf32>) -> tensor<10x70xf32> {
  ^bb0(%a: tensor<10x70xf32>, %s: tensor<70xf32>):
    %1 = tfc.rms_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<10x70xf32>, tensor<70xf32>) -> tensor<10x70xf32>
    tfc.yield %1 : tensor<10x70xf32>
  }
  return %0 : tensor<10x70xf32>
}

// Few reduced elements: one thread per output element.
// CHECK-LABEL: gpu.func @reduce_sum_small_5
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
// CHECK-NOT: gpu.shuffle
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c12 step %c1{{.*}} iter_args
// CHECK: arith.addf
func.func @reduce_sum_small(%x: tensor<5x3x6x4xf32>) -> tensor<5x1x6x1xf32> {
  %0 = tfc.fusion "reduce" (%x) : (tensor<5x3x6x4xf32>) -> tensor<5x1x6x1xf32> {
  ^bb0(%a: tensor<5x3x6x4xf32>):
    %1 = tfc.reduce sum %a {axes = array<i64: 1, 3>, keep_dims = true} : (tensor<5x3x6x4xf32>) -> tensor<5x1x6x1xf32>
    tfc.yield %1 : tensor<5x1x6x1xf32>
  }
  return %0 : tensor<5x1x6x1xf32>
}

// Many reduced elements (non-contiguous axes 0 and 2): one block per output.
// CHECK-LABEL: gpu.func @reduce_mean_large_6
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 3, 1, 1>
// CHECK: gpu.shuffle xor
// CHECK: scf.if
// CHECK: arith.divf
// CHECK: memref.store
func.func @reduce_mean_large(%x: tensor<20x3x17xf32>) -> tensor<1x3x1xf32> {
  %0 = tfc.fusion "reduce" (%x) : (tensor<20x3x17xf32>) -> tensor<1x3x1xf32> {
  ^bb0(%a: tensor<20x3x17xf32>):
    %1 = tfc.reduce mean %a {axes = array<i64: 0, 2>, keep_dims = true} : (tensor<20x3x17xf32>) -> tensor<1x3x1xf32>
    tfc.yield %1 : tensor<1x3x1xf32>
  }
  return %0 : tensor<1x3x1xf32>
}

// CHECK-LABEL: gpu.func @reduce_min_prod_7
// CHECK: arith.minimumf
func.func @reduce_min_prod(%x: tensor<4x9xf32>) -> tensor<4xf32> {
  %0 = tfc.fusion "reduce" (%x) : (tensor<4x9xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4x9xf32>):
    %1 = tfc.reduce min %a {axes = array<i64: 1>} : (tensor<4x9xf32>) -> tensor<4xf32>
    tfc.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: gpu.func @reduce_prod_8
// CHECK: arith.mulf
func.func @reduce_prod(%x: tensor<4x9xf32>) -> tensor<9xf32> {
  %0 = tfc.fusion "reduce" (%x) : (tensor<4x9xf32>) -> tensor<9xf32> {
  ^bb0(%a: tensor<4x9xf32>):
    %1 = tfc.reduce prod %a {axes = array<i64: 0>} : (tensor<4x9xf32>) -> tensor<9xf32>
    tfc.yield %1 : tensor<9xf32>
  }
  return %0 : tensor<9xf32>
}

// Integer reduction over all of a long vector: block-wide, on i64.
// CHECK-LABEL: gpu.func @reduce_sum_i64_9
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : i64
func.func @reduce_sum_i64(%x: tensor<1000xi64>) -> tensor<i64> {
  %0 = tfc.fusion "reduce" (%x) : (tensor<1000xi64>) -> tensor<i64> {
  ^bb0(%a: tensor<1000xi64>):
    %1 = tfc.reduce sum %a {axes = array<i64: 0>} : (tensor<1000xi64>) -> tensor<i64>
    tfc.yield %1 : tensor<i64>
  }
  return %0 : tensor<i64>
}

// PTX-NOT: {{\.extern|__nv_}}
// PTX-NOT: ld.local
// PTX: .visible .entry softmax_last_0(
// PTX-SAME: .maxntid 32, 1, 1
// PTX-SAME: ld.global.v4.b32
// PTX-SAME: shfl.sync.bfly.b32
// PTX-SAME: ex2.approx
// PTX-SAME: st.global.v4.b32
// PTX-SAME: .visible .entry softmax_middle_f16_1(
// PTX-SAME: .visible .entry layer_norm_two_dims_2(
// PTX-SAME: rsqrt.approx
// PTX-SAME: .visible .entry layer_norm_bf16_3(
// PTX-SAME: .shared .align 4 .b8
// PTX-SAME: ld.global.v4.b16
// PTX-SAME: bar.sync
// PTX-SAME: st.global.v2.b32
// PTX-SAME: .visible .entry rms_norm_4(
// PTX-SAME: .visible .entry reduce_sum_small_5(
// PTX-SAME: .visible .entry reduce_mean_large_6(
// PTX-SAME: .visible .entry reduce_min_prod_7(
// PTX-SAME: .visible .entry reduce_prod_8(
// PTX-SAME: .visible .entry reduce_sum_i64_9(
// PTX-NOT: {{\.extern|__nv_}}
// PTX-NOT: ld.local

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 10 kernels match the reference
