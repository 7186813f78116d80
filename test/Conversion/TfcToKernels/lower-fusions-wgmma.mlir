// RUN: tfc-opt %s --split-input-file --tfc-lower-fusions-to-kernels | FileCheck %s
// RUN: tfc-opt %s --split-input-file --tfc-lower-fusions-to-kernels=wgmma=off | FileCheck %s --check-prefix=OFF
// RUN: tfc-opt %s --split-input-file --tfc-lower-fusions-to-kernels=wgmma=maybe -verify-diagnostics -o /dev/null

// On sm_90a a bf16 matmul gets the wgmma + TMA family: the kernel takes a
// descriptor pointer per operand after its memrefs (recorded in
// tfc.tensor_maps), and the launch passes a tfc.tensor_map of each
// operand's buffer. The layer norm kernel takes none.
// expected-error @below {{tfc-lower-fusions-to-kernels wgmma must be 'auto' or 'off', got 'maybe'}}
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
  func.func @main(%x: tensor<2x200x72xbf16> {tfc.name = "x"}) -> (tensor<2x200x136xbf16> {tfc.name = "y"}) {
    %w = tfc.parameter "w" = dense<1.0> : tensor<72x136xbf16> : tensor<72x136xbf16>
    %g = tfc.parameter "g" = dense<1.0> : tensor<72xbf16> : tensor<72xbf16>
    %n = tfc.fusion "layer_norm" (%x, %g) : (tensor<2x200x72xbf16>, tensor<72xbf16>) -> tensor<2x200x72xbf16> {
    ^bb0(%a: tensor<2x200x72xbf16>, %s: tensor<72xbf16>):
      %0 = tfc.layer_norm %a, %s {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x200x72xbf16>, tensor<72xbf16>) -> tensor<2x200x72xbf16>
      tfc.yield %0 : tensor<2x200x72xbf16>
    }
    %y = tfc.fusion "matmul" (%n, %w) : (tensor<2x200x72xbf16>, tensor<72x136xbf16>) -> tensor<2x200x136xbf16> {
    ^bb0(%a: tensor<2x200x72xbf16>, %b: tensor<72x136xbf16>):
      %0 = tfc.matmul %a, %b {accumulator_type = f32} : (tensor<2x200x72xbf16>, tensor<72x136xbf16>) -> tensor<2x200x136xbf16>
      tfc.yield %0 : tensor<2x200x136xbf16>
    }
    return %y : tensor<2x200x136xbf16>
  }
}
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<2x200x72xbf16> {tfc.name = "x"}, %[[Y:.*]]: memref<2x200x136xbf16> {tfc.name = "y", tfc.output})
// CHECK: %[[W:.*]] = memref.get_global @{{.*}} : memref<72x136xbf16>
// CHECK: %[[N:.*]] = memref.alloc() : memref<2x200x72xbf16>
// CHECK: gpu.launch_func @tfc_kernels::@k0_layer_norm {{.*}} args({{[^!]*}})
// CHECK: %[[MA:.*]] = tfc.tensor_map %[[N]] {box = array<i64: 1, 128, 64>, shape = array<i64: 2, 200, 72>} : memref<2x200x72xbf16> -> !llvm.ptr
// CHECK: %[[MB:.*]] = tfc.tensor_map %[[W]] {box = array<i64: 1, 64, 64>, shape = array<i64: 1, 72, 136>} : memref<72x136xbf16> -> !llvm.ptr
// CHECK: gpu.launch_func @tfc_kernels::@k1_matmul {{.*}} args(%[[N]] : memref<2x200x72xbf16>, %[[W]] : memref<72x136xbf16>, %[[Y]] : memref<2x200x136xbf16>, %[[MA]] : !llvm.ptr, %[[MB]] : !llvm.ptr)
// CHECK: gpu.func @k0_layer_norm(%{{.*}}: memref<2x200x72xbf16>, %{{.*}}: memref<72xbf16>, %{{.*}}: memref<2x200x72xbf16>) kernel attributes {known_block_size = array<i32: {{[0-9, ]+}}>} {
// CHECK: gpu.func @k1_matmul(%{{.*}}: memref<2x200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<2x200x136xbf16>, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-SAME: tfc.tensor_map_args
// CHECK-SAME: tfc.tensor_maps = [{argument = 0 : i64, box = array<i64: 1, 128, 64>, shape = array<i64: 2, 200, 72>}, {argument = 1 : i64, box = array<i64: 1, 64, 64>, shape = array<i64: 1, 72, 136>}]
// CHECK: nvvm.wgmma.mma_async

// wgmma=off: mma.sync, no descriptors.
// OFF-LABEL: func.func @main
// OFF-NOT: tfc.tensor_map
// OFF: gpu.launch_func @tfc_kernels::@k1_matmul {{.*}} args(%{{.*}} : memref<2x200x72xbf16>, %{{.*}} : memref<72x136xbf16>, %{{.*}} : memref<2x200x136xbf16>)
// OFF: gpu.func @k1_matmul(%{{.*}}: memref<2x200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<2x200x136xbf16>)
// OFF-NOT: tfc.tensor_map
// OFF: nvvm.mma.sync

// -----

// sm_80 has no wgmma: the same matmul is an mma.sync kernel without
// descriptors whatever the option says.
// expected-error @below {{tfc-lower-fusions-to-kernels wgmma must be 'auto' or 'off', got 'maybe'}}
module attributes {tfc.target = #tfc.target<arch = "sm_80", sm_count = 108, smem_per_block = 166912, smem_per_sm = 167936, regs_per_sm = 65536, l2_bytes = 41943040, hbm_bytes_per_second = 2039000000000, peak_flops_f32 = 19500000000000, peak_flops_f16 = 312000000000000, peak_flops_bf16 = 312000000000000, peak_flops_fp8 = 0>} {
  func.func @main(%x: tensor<200x72xbf16> {tfc.name = "x"}) -> (tensor<200x136xbf16> {tfc.name = "y"}) {
    %w = tfc.parameter "w" = dense<1.0> : tensor<72x136xbf16> : tensor<72x136xbf16>
    %y = tfc.fusion "matmul" (%x, %w) : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16> {
    ^bb0(%a: tensor<200x72xbf16>, %b: tensor<72x136xbf16>):
      %0 = tfc.matmul %a, %b {accumulator_type = f32} : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xbf16>
      tfc.yield %0 : tensor<200x136xbf16>
    }
    return %y : tensor<200x136xbf16>
  }
}
// CHECK-LABEL: func.func @main
// CHECK-NOT: tfc.tensor_map
// CHECK: gpu.launch_func @tfc_kernels::@k0_matmul {{.*}} args(%{{.*}} : memref<200x72xbf16>, %{{.*}} : memref<72x136xbf16>, %{{.*}} : memref<200x136xbf16>)
// CHECK: gpu.func @k0_matmul(%{{.*}}: memref<200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %{{.*}}: memref<200x136xbf16>) kernel attributes {known_block_size = array<i32: {{[0-9, ]+}}>} {
// CHECK: nvvm.mma.sync
