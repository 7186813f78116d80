// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels=tensor-maps=true | FileCheck %s
// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s --check-prefix=MMA

// A matmul of 16-bit operands with an f32 result (the unrounded
// accumulator: what tfc-shard-tensor-parallel gives a row-split projection
// whose partials are all-reduced in f32). The wgmma epilogue stores the f32
// accumulators straight from registers; nothing is rounded to bf16 on the
// way (no staging tile in the operands' type). mma.sync does the same.

// CHECK-LABEL: gpu.func @partial_f32_0
// CHECK-SAME: (%{{.*}}: memref<200x72xbf16>, %{{.*}}: memref<72x136xbf16>, %[[OUT:.*]]: memref<200x136xf32>
// CHECK-SAME: tfc.tensor_maps
// CHECK-NOT: arith.truncf
// CHECK: nvvm.wgmma.mma_async {{.*}} D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// CHECK-NOT: arith.truncf
// CHECK-NOT: memref<128x136xbf16, #gpu.address_space<workgroup>>
// CHECK: vector.store %{{.*}}, %[[OUT]][%{{.*}}, %{{.*}}] {{.*}}: memref<200x136xf32>, vector<2xf32>
// CHECK-NOT: arith.truncf
// CHECK: gpu.return

// MMA-LABEL: gpu.func @partial_f32_0
// MMA-SAME: memref<200x136xf32>
// MMA-NOT: arith.truncf
// MMA: nvvm.mma.sync
// MMA-NOT: arith.truncf
// MMA: gpu.return
func.func @partial_f32(%a: tensor<200x72xbf16>, %b: tensor<72x136xbf16>) -> tensor<200x136xf32> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xf32> {
  ^bb0(%x: tensor<200x72xbf16>, %y: tensor<72x136xbf16>):
    %1 = tfc.matmul %x, %y {accumulator_type = f32} : (tensor<200x72xbf16>, tensor<72x136xbf16>) -> tensor<200x136xf32>
    tfc.yield %1 : tensor<200x136xf32>
  }
  return %0 : tensor<200x136xf32>
}
