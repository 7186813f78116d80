// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels=tensor-maps=true | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %wgmma-kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %wgmma-kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s --check-prefix=NOMAPS

// Matmul on Hopper (WgmmaMatmul.cpp): on sm_90a, when the kernel may take
// tensor maps (tensor-maps=true), 16-bit operands with 16-byte aligned rows
// are loaded by TMA into 128-byte swizzled stages (one mbarrier each) and
// multiplied by wgmma from shared-memory descriptors, f32 accumulators in
// registers. Without tensor maps the same fusions use mma.sync.

// NOMAPS-LABEL: gpu.func @nmajor_tails_0
// NOMAPS-SAME: (%{{.*}}: memref<200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<200x136xbf16>)
// NOMAPS-NOT: tfc.tensor_maps
// NOMAPS: nvvm.mma.sync
// NOMAPS-NOT: nvvm.wgmma.mma_async
// NOMAPS-LABEL: gpu.func @kmajor_batched_bias_gelu_1

// A [M, K] and B [K, N] (N-major: 64-column TMA boxes, wgmma with B
// transposed), M, N and K off the 128x128x64 tile; two stages (K = 72 has two
// K tiles); the epilogue goes through shared memory in 8-element rows.
// CHECK-LABEL: gpu.func @nmajor_tails_0
// CHECK-SAME: (%{{.*}}: memref<200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<200x136xbf16>, %[[MAPA:.*]]: !llvm.ptr, %[[MAPB:.*]]: !llvm.ptr)
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.dynamic_shared_memory = 65536
// CHECK-SAME: tfc.grid = array<i64: 2, 2, 1>
// CHECK-SAME: tfc.tensor_maps = [{argument = 0 : i64, box = array<i64: 1, 128, 64>, shape = array<i64: 1, 200, 72>}, {argument = 1 : i64, box = array<i64: 1, 64, 64>, shape = array<i64: 1, 72, 136>}]
// CHECK: %[[DA:.*]] = builtin.unrealized_conversion_cast %[[MAPA]] : !llvm.ptr to !nvgpu.tensormap.descriptor<tensor = memref<1x128x64xbf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b, l2promo = l2promo_256b, oob = zero, interleave = none>
// CHECK: %[[DB:.*]] = builtin.unrealized_conversion_cast %[[MAPB]] : !llvm.ptr to !nvgpu.tensormap.descriptor<tensor = memref<1x64x64xbf16
// CHECK: %[[BARS:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 2>
// CHECK: nvgpu.mbarrier.init %[[BARS]]
// CHECK: nvvm.fence.mbarrier.init
// CHECK: gpu.barrier
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[BARS]][%{{.*}}], %c32768
// CHECK: nvgpu.tma.async.load %[[DA]]
// CHECK: nvgpu.tma.async.load %[[DB]]
// CHECK: nvgpu.tma.async.load %[[DB]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c2{{.*}} iter_args
// CHECK: nvgpu.mbarrier.try_wait.parity %[[BARS]]
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK: nvgpu.tma.async.load %[[DA]]
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: gpu.barrier
// CHECK: vector.store %{{.*}} : memref<128x136xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: %[[ROW:.*]] = vector.load %{{.*}} : memref<128x136xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: vector.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<200x136xbf16>, vector<8xbf16>
func.func @nmajor_tails(%a: tensor<200x72xbf16>, %b: tensor<72x136xbf16>) -> tensor<200x136xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16> {
  ^bb0(%x: tensor<200x72xbf16>, %y: tensor<72x136xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16>
    tfc.yield %1 : tensor<200x136xbf16>
  }
  return %0 : tensor<200x136xbf16>
}

// B stored [N, K] (K-major: one box of 128 rows), batch dims flattened into
// the tensor maps' outer dimension (B broadcast over the first), f16, the
// bias + GELU epilogue reads the bias with 16-byte vectors.
// CHECK-LABEL: gpu.func @kmajor_batched_bias_gelu_1
// CHECK-SAME: tfc.grid = array<i64: 2, 2, 6>
// CHECK-SAME: tfc.tensor_maps = [{argument = 0 : i64, box = array<i64: 1, 128, 64>, shape = array<i64: 6, 200, 72>}, {argument = 1 : i64, box = array<i64: 1, 128, 64>, shape = array<i64: 3, 136, 72>}]
// CHECK: gpu.block_id  z
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK: vector.load %{{.*}} : memref<128x136xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<136xf16>, vector<8xf16>
// CHECK: math.tanh
func.func @kmajor_batched_bias_gelu(%a: tensor<2x3x200x72xf16>, %b: tensor<3x136x72xf16>, %bias: tensor<136xf16>) -> tensor<2x3x200x136xf16> {
  %0 = tfc.fusion "matmul" (%a, %b, %bias) : (tensor<2x3x200x72xf16>, tensor<3x136x72xf16>, tensor<136xf16>) -> tensor<2x3x200x136xf16> {
  ^bb0(%x: tensor<2x3x200x72xf16>, %y: tensor<3x136x72xf16>, %z: tensor<136xf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<2x3x200x72xf16>, tensor<3x136x72xf16>) -> tensor<2x3x200x136xf16>
    %2 = tfc.add %1, %z : (tensor<2x3x200x136xf16>, tensor<136xf16>) -> tensor<2x3x200x136xf16>
    %3 = tfc.gelu %2 approximate = tanh : tensor<2x3x200x136xf16>
    tfc.yield %3 : tensor<2x3x200x136xf16>
  }
  return %0 : tensor<2x3x200x136xf16>
}

// Odd N: no 16-byte row chunks, the epilogue stores from registers
// (guarded single elements).
// CHECK-LABEL: gpu.func @odd_n_pairs_2
// CHECK: nvvm.wgmma.mma_async
// CHECK-NOT: vector.load
// CHECK: llvm.extractvalue
// CHECK: memref.store
// CHECK: gpu.return
func.func @odd_n_pairs(%a: tensor<64x32xbf16>, %b: tensor<75x32xbf16>) -> tensor<64x75xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x32xbf16>, tensor<75x32xbf16>) -> tensor<64x75xbf16> {
  ^bb0(%x: tensor<64x32xbf16>, %y: tensor<75x32xbf16>):
    %1 = tfc.matmul %x, %y {transpose_rhs = true} : (tensor<64x32xbf16>, tensor<75x32xbf16>) -> tensor<64x75xbf16>
    tfc.yield %1 : tensor<64x75xbf16>
  }
  return %0 : tensor<64x75xbf16>
}

// A transposed lhs stays on mma.sync (ldmatrix.trans), without tensor maps.
// CHECK-LABEL: gpu.func @transposed_lhs_mma_sync_3
// CHECK-SAME: (%{{.*}}: memref<72x200xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<200x136xbf16>)
// CHECK-NOT: tfc.tensor_maps
// CHECK: nvgpu.ldmatrix {{.*}} transpose = true
// CHECK: nvvm.mma.sync
func.func @transposed_lhs_mma_sync(%a: tensor<72x200xbf16>, %b: tensor<72x136xbf16>) -> tensor<200x136xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<72x200xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16> {
  ^bb0(%x: tensor<72x200xbf16>, %y: tensor<72x136xbf16>):
    %1 = tfc.matmul %x, %y {transpose_lhs = true} : (tensor<72x200xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16>
    tfc.yield %1 : tensor<200x136xbf16>
  }
  return %0 : tensor<200x136xbf16>
}

// tfc.tile with 6 values pins the mma.sync family, also on sm_90a.
// CHECK-LABEL: gpu.func @pinned_mma_sync_4
// CHECK-SAME: (%{{.*}}: memref<200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<200x136xbf16>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-NOT: tfc.tensor_maps
// CHECK: nvvm.mma.sync
func.func @pinned_mma_sync(%a: tensor<200x72xbf16>, %b: tensor<72x136xbf16>) -> tensor<200x136xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16> {
  ^bb0(%x: tensor<200x72xbf16>, %y: tensor<72x136xbf16>):
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 64, 32, 2, 2, 3>} : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16>
    tfc.yield %1 : tensor<200x136xbf16>
  }
  return %0 : tensor<200x136xbf16>
}

// K = 20 is not a multiple of 8 (TMA needs 16-byte row strides): the scalar
// family.
// CHECK-LABEL: gpu.func @unaligned_k_scalar_5
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-NOT: tfc.tensor_maps
// CHECK: math.fma
func.func @unaligned_k_scalar(%a: tensor<64x20xbf16>, %b: tensor<20x64xbf16>) -> tensor<64x64xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<64x20xbf16>, tensor<20x64xbf16>) -> tensor<64x64xbf16> {
  ^bb0(%x: tensor<64x20xbf16>, %y: tensor<20x64xbf16>):
    %1 = tfc.matmul %x, %y : (tensor<64x20xbf16>, tensor<20x64xbf16>) -> tensor<64x64xbf16>
    tfc.yield %1 : tensor<64x64xbf16>
  }
  return %0 : tensor<64x64xbf16>
}

// PTX-NOT: ld.local
// PTX: .extern .shared .align 1024 .b8 __dynamic_shmem__0[];
// PTX-SAME: .visible .entry nmajor_tails_0(
// PTX-SAME: mbarrier.init.shared.b64
// PTX-SAME: fence.mbarrier_init.release.cluster;
// PTX-SAME: mbarrier.arrive.expect_tx.shared.b64
// PTX-SAME: cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// PTX-SAME: mbarrier.try_wait.parity.shared.b64
// PTX-SAME: wgmma.fence.sync.aligned;
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// PTX-SAME: wgmma.commit_group.sync.aligned;
// PTX-SAME: wgmma.wait_group.sync.aligned{{[^;]*}}1;
// PTX-SAME: wgmma.wait_group.sync.aligned{{[^;]*}}0;
// PTX-SAME: ld.shared.v4.b32
// PTX-SAME: st.global.v4.b32
// PTX-SAME: .visible .entry kmajor_batched_bias_gelu_1(
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// PTX-SAME: .visible .entry transposed_lhs_mma_sync_3(
// PTX-SAME: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32

// CUBIN: gpu.binary @kernels
