// RUN: tfc-opt %s --split-input-file --tfc-lower-fusions-to-kernels | FileCheck %s

// One fusion writes the function result in place; a parameter becomes a
// constant global; a reshape becomes a view; the kernel gets one memref per
// fusion input and result.
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
  func.func @main(%x: tensor<2x8xf32> {tfc.name = "x"}) -> (tensor<16xf32> {tfc.name = "y"}) {
    %w = tfc.parameter "bias" = dense<1.0> : tensor<8xf32> : tensor<8xf32>
    %0 = tfc.fusion "add" (%x, %w) : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32> {
    ^bb0(%a: tensor<2x8xf32>, %b: tensor<8xf32>):
      %1 = tfc.add %a, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
      tfc.yield %1 : tensor<2x8xf32>
    }
    %2 = tfc.reshape %0 : tensor<2x8xf32> to tensor<16xf32>
    %3 = tfc.fusion "exp" (%2) : (tensor<16xf32>) -> tensor<16xf32> {
    ^bb0(%a: tensor<16xf32>):
      %4 = tfc.exp %a : tensor<16xf32>
      tfc.yield %4 : tensor<16xf32>
    }
    return %3 : tensor<16xf32>
  }
}
// CHECK: module attributes {gpu.container_module
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<2x8xf32> {tfc.name = "x"}, %[[Y:.*]]: memref<16xf32> {tfc.name = "y", tfc.output})
// CHECK: %[[W:.*]] = memref.get_global @[[G:.*]] : memref<8xf32>
// CHECK: %[[T:.*]] = memref.alloc() : memref<2x8xf32>
// CHECK: gpu.launch_func @tfc_kernels::@k0_add {{.*}} args(%[[X]] : memref<2x8xf32>, %[[W]] : memref<8xf32>, %[[T]] : memref<2x8xf32>)
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[T]] to offset: [0], sizes: [16], strides: [1]
// CHECK: gpu.launch_func @tfc_kernels::@k1_exp {{.*}} args(%[[V]] : memref<16xf32>, %[[Y]] : memref<16xf32>)
// CHECK-NEXT: return
// CHECK: memref.global "private" constant @[[G]] : memref<8xf32> = dense<1.000000e+00> {tfc.name = "bias"}
// CHECK: gpu.module @tfc_kernels
// CHECK: gpu.func @k0_add(%{{.*}}: memref<2x8xf32>, %{{.*}}: memref<8xf32>, %{{.*}}: memref<2x8xf32>) kernel
// CHECK: gpu.func @k1_exp(%{{.*}}: memref<16xf32>, %{{.*}}: memref<16xf32>) kernel

// -----

// A result that no kernel writes (here the input itself, reshaped) is copied
// into its output buffer; an external parameter is an uninitialised global.
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
  func.func @main(%x: tensor<2x8xf32>) -> (tensor<16xf32>, tensor<4xf32>) {
    %0 = tfc.reshape %x : tensor<2x8xf32> to tensor<16xf32>
    %w = tfc.parameter "emb" : tensor<4xf32>
    return %0, %w : tensor<16xf32>, tensor<4xf32>
  }
}
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<2x8xf32> {tfc.name = "input0"}, %[[O0:.*]]: memref<16xf32> {tfc.name = "output0", tfc.output}, %[[O1:.*]]: memref<4xf32> {tfc.name = "output1", tfc.output})
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[X]]
// CHECK: %[[W:.*]] = memref.get_global
// CHECK: memref.copy %[[V]], %[[O0]]
// CHECK: memref.copy %[[W]], %[[O1]]
// CHECK: memref.global "private" @{{.*}} : memref<4xf32> = uninitialized {tfc.external, tfc.name = "emb"}
