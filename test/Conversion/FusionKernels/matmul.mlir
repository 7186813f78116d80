// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 7 | FileCheck %s --check-prefix=SIM %}

// Matmul. 16-bit operands on sm_80+: tensor cores (mma.sync m16n8k16, f32
// accumulators), A and B tiles staged through shared memory by cp.async,
// fragments loaded with ldmatrix, the epilogue applied per pair of output
// columns. Everything else (f32, integers, prologue ops): one thread per
// output element looping over K, accumulating in f32.

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

// Batched bf16 with a broadcast weight read transposed ([N, K]): tensor
// cores, one block per batch (grid z), 2 stages for a single K tile.
// CHECK-LABEL: gpu.func @matmul_batched_transposed_rhs_1
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.dynamic_shared_memory = 10240
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 6>
// CHECK: %[[SMEM:.*]] = gpu.dynamic_shared_memory
// CHECK: %[[A:.*]] = memref.view %[[SMEM]][%c0{{.*}}][] : {{.*}} to memref<2x32x40xbf16, #gpu.address_space<workgroup>>
// CHECK: %[[B:.*]] = memref.view %[[SMEM]][%c5120][] : {{.*}} to memref<2x32x40xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[A]][{{.*}}], 8, %{{.*}} {bypassL1} : memref<2x3x5x8xbf16> to memref<2x32x40xbf16
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[B]][{{.*}}], 8, %{{.*}} {bypassL1} : memref<6x8xbf16> to memref<2x32x40xbf16
// CHECK: nvvm.cp.async.commit.group
// CHECK: scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix %[[A]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: nvgpu.ldmatrix %[[B]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>{{.*}}shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK: vector.store %{{.*}} {alignment = 4 : i64} : memref<2x3x5x6xbf16>, vector<2xbf16>
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

// Tails in M, N and K (40 x 24 x 40 on 32 x 32 x 32 tiles), bias epilogue.
// CHECK-LABEL: gpu.func @matmul_tails_bias_5
// CHECK-SAME: tfc.grid = array<i64: 1, 2, 1>
// CHECK: arith.cmpi ult
// CHECK: arith.minui
// CHECK: arith.select %{{.*}}, %c8{{.*}}, %c0{{.*}} : index
// CHECK: nvgpu.device_async_copy
// CHECK: scf.for
// CHECK: scf.if
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.mma.sync
// CHECK: scf.if
// CHECK: vector.load %{{.*}} {alignment = 4 : i64} : memref<24xbf16>, vector<2xbf16>
// CHECK: arith.addf
// CHECK: vector.store %{{.*}} : memref<40x24xbf16>, vector<2xbf16>
func.func @matmul_tails_bias(%a: tensor<40x40xbf16>, %b: tensor<40x24xbf16>, %c: tensor<24xbf16>) -> tensor<40x24xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b, %c) : (tensor<40x40xbf16>, tensor<40x24xbf16>, tensor<24xbf16>) -> tensor<40x24xbf16> {
  ^bb0(%x: tensor<40x40xbf16>, %y: tensor<40x24xbf16>, %z: tensor<24xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<40x40xbf16>, tensor<40x24xbf16>) -> tensor<40x24xbf16>
    %2 = tfc.add %1, %z : (tensor<40x24xbf16>, tensor<24xbf16>) -> tensor<40x24xbf16>
    tfc.yield %2 : tensor<40x24xbf16>
  }
  return %0 : tensor<40x24xbf16>
}

// f16 with a transposed lhs ([K, M], ldmatrix.trans) and broadcast batches.
// CHECK-LABEL: gpu.func @matmul_f16_transposed_lhs_6
// CHECK-SAME: tfc.grid = array<i64: 1, 2, 6>
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true} : memref<2x32x40xf16
// CHECK: nvvm.mma.sync {{.*}} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
func.func @matmul_f16_transposed_lhs(%a: tensor<3x1x16x40xf16>, %b: tensor<2x16x8xf16>) -> tensor<3x2x40x8xf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<3x1x16x40xf16>, tensor<2x16x8xf16>) -> tensor<3x2x40x8xf16> {
  ^bb0(%x: tensor<3x1x16x40xf16>, %y: tensor<2x16x8xf16>):
    %1 = tfc.matmul %x, %y {transpose_lhs = true} : (tensor<3x1x16x40xf16>, tensor<2x16x8xf16>) -> tensor<3x2x40x8xf16>
    tfc.yield %1 : tensor<3x2x40x8xf16>
  }
  return %0 : tensor<3x2x40x8xf16>
}

// A pinned 64 x 64 x 32 tile with 3 stages (K = 200: 7 K tiles), bias and
// GELU in the epilogue.
// CHECK-LABEL: gpu.func @matmul_pinned_tile_gelu_7
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.dynamic_shared_memory = 29184
// CHECK-SAME: tfc.grid = array<i64: 2, 1, 1>
// CHECK: scf.for
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true} : memref<3x32x72xbf16
// CHECK-COUNT-8: nvvm.mma.sync
// CHECK: math.tanh
func.func @matmul_pinned_tile_gelu(%a: tensor<40x200xbf16>, %b: tensor<200x72xbf16>, %bias: tensor<72xbf16>) -> tensor<40x72xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b, %bias) : (tensor<40x200xbf16>, tensor<200x72xbf16>, tensor<72xbf16>) -> tensor<40x72xbf16> {
  ^bb0(%x: tensor<40x200xbf16>, %y: tensor<200x72xbf16>, %c: tensor<72xbf16>):
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 64, 32, 2, 2, 3>} : (tensor<40x200xbf16>, tensor<200x72xbf16>) -> tensor<40x72xbf16>
    %2 = tfc.add %1, %c : (tensor<40x72xbf16>, tensor<72xbf16>) -> tensor<40x72xbf16>
    %3 = tfc.gelu %2 approximate = tanh : tensor<40x72xbf16>
    tfc.yield %3 : tensor<40x72xbf16>
  }
  return %0 : tensor<40x72xbf16>
}

// An odd N (transposed rhs): each column guarded on its own; a residual
// epilogue in f32 returned beside the matmul's own result.
// CHECK-LABEL: gpu.func @matmul_odd_n_residual_8
// CHECK: nvvm.mma.sync
// CHECK: scf.if
// CHECK: memref.store %{{.*}} : memref<24x37xf32>
// CHECK: memref.store %{{.*}} : memref<24x37xbf16>
func.func @matmul_odd_n_residual(%a: tensor<24x32xbf16>, %w: tensor<37x32xbf16>, %r: tensor<24x37xf32>) -> (tensor<24x37xf32>, tensor<24x37xbf16>) {
  %0:2 = tfc.fusion "matmul" (%a, %w, %r) : (tensor<24x32xbf16>, tensor<37x32xbf16>, tensor<24x37xf32>) -> (tensor<24x37xf32>, tensor<24x37xbf16>) {
  ^bb0(%x: tensor<24x32xbf16>, %y: tensor<37x32xbf16>, %z: tensor<24x37xf32>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<24x32xbf16>, tensor<37x32xbf16>) -> tensor<24x37xbf16>
    %2 = tfc.cast %1 : tensor<24x37xbf16> to tensor<24x37xf32>
    %3 = tfc.add %2, %z : (tensor<24x37xf32>, tensor<24x37xf32>) -> tensor<24x37xf32>
    tfc.yield %3, %1 : tensor<24x37xf32>, tensor<24x37xbf16>
  }
  return %0#0, %0#1 : tensor<24x37xf32>, tensor<24x37xbf16>
}

// PTX-NOT: __nv_
// PTX-NOT: ld.local
// PTX: .extern .shared .align 1024 .b8 __dynamic_shmem__0[];
// PTX-SAME: .visible .entry matmul_2d_0(
// PTX-SAME: ld.global.b32
// PTX-SAME: fma.rn.f32
// PTX-SAME: .visible .entry matmul_batched_transposed_rhs_1(
// PTX-SAME: cp.async.cg.shared.global [%rd{{[0-9]+}}], [%rd{{[0-9]+}}], 16, %r{{[0-9]+}};
// PTX-SAME: cp.async.commit_group;
// PTX-SAME: cp.async.wait_group{{[^;]*}}0;
// PTX-SAME: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// PTX-SAME: st.global.b32
// PTX-SAME: .visible .entry matmul_broadcast_batch_transposed_lhs_2(
// PTX-SAME: .visible .entry matmul_cast_prologue_3(
// PTX-SAME: .visible .entry matmul_i32_4(
// PTX-SAME: .visible .entry matmul_tails_bias_5(
// PTX-SAME: .visible .entry matmul_f16_transposed_lhs_6(
// PTX-SAME: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-SAME: .visible .entry matmul_pinned_tile_gelu_7(
// PTX-SAME: cp.async.wait_group{{[^;]*}}1;
// PTX-SAME: .visible .entry matmul_odd_n_residual_8(
// PTX-NOT: __nv_
// PTX-NOT: ld.local

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 9 kernels match the reference
