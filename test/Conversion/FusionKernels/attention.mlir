// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-cubin | FileCheck %s --check-prefix=CUBIN %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor --int-high 2 | FileCheck %s --check-prefix=SIM %}

// Attention: one thread per query row, online softmax over the keys, the
// query row and the output accumulator in private memory.

// CHECK-LABEL: gpu.func @attention_basic_0
// CHECK-SAME: private(%[[Q:.*]] : memref<16xf32, #gpu.address_space<private>>, %[[ACC:.*]] : memref<16xf32, #gpu.address_space<private>>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 1, 1, 1>
// CHECK: scf.for %[[ROW:.*]] = %{{.*}} to %c64 step
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[Q]]
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: %[[KEYS:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[M:.*]] = %cst{{.*}}, %[[L:.*]] = %cst{{.*}}) -> (f32, f32)
// CHECK: %[[DOT:.*]] = scf.for
// CHECK: math.fma
// CHECK: %[[NEWMAX:.*]] = arith.maximumf %[[M]], %[[DOT]]
// CHECK: math.exp
// CHECK: math.exp
// CHECK: scf.for
// CHECK: memref.load %{{.*}} : memref<1x4x8x16xf32>
// CHECK: math.fma
// CHECK: memref.store %{{.*}}, %[[ACC]]
// CHECK: scf.yield %[[NEWMAX]]
// CHECK: arith.divf %{{.*}}, %[[KEYS]]#1
func.func @attention_basic(%q: tensor<1x4x16x16xf32>, %k: tensor<1x4x8x16xf32>, %v: tensor<1x4x8x16xf32>) -> tensor<1x4x16x16xf32> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x4x16x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x16x16xf32> {
  ^bb0(%a: tensor<1x4x16x16xf32>, %b: tensor<1x4x8x16xf32>, %c: tensor<1x4x8x16xf32>):
    %1 = tfc.attention %a, %b, %c {scale = 0.25 : f32} : (tensor<1x4x16x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x16x16xf32>
    tfc.yield %1 : tensor<1x4x16x16xf32>
  }
  return %0 : tensor<1x4x16x16xf32>
}

// Causal GQA (4 query heads on 2 key/value heads) with an additive mask
// broadcast over heads, Dv != D, Skv > Sq: the key range ends at the
// diagonal i + (Skv - Sq).
// CHECK-LABEL: gpu.func @attention_causal_gqa_mask_1
// CHECK-SAME: private(%{{.*}} : memref<8xf32, #gpu.address_space<private>>, %{{.*}} : memref<12xf32, #gpu.address_space<private>>)
// CHECK: %[[KVH:.*]] = arith.divui %{{.*}}, %c2
// CHECK: %[[DIAG:.*]] = arith.addi %{{.*}}, %c3
// CHECK: %[[END:.*]] = arith.addi %[[DIAG]], %c1
// CHECK: %[[HI:.*]] = arith.minsi %{{.*}}, %[[END]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[HI]]
// CHECK: memref.load %{{.*}} : memref<2x1x5x8xf32>
// CHECK: arith.addf
func.func @attention_causal_gqa_mask(%q: tensor<2x4x5x8xf32>, %k: tensor<2x2x8x8xf32>, %v: tensor<2x2x8x12xf32>, %m: tensor<2x1x5x8xf32>) -> tensor<2x4x5x12xf32> {
  %0 = tfc.fusion "attention" (%q, %k, %v, %m) : (tensor<2x4x5x8xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x12xf32>, tensor<2x1x5x8xf32>) -> tensor<2x4x5x12xf32> {
  ^bb0(%a: tensor<2x4x5x8xf32>, %b: tensor<2x2x8x8xf32>, %c: tensor<2x2x8x12xf32>, %d: tensor<2x1x5x8xf32>):
    %1 = tfc.attention %a, %b, %c, mask %d {scale = 0.35355 : f32, causal = true} : (tensor<2x4x5x8xf32>, tensor<2x2x8x8xf32>, tensor<2x2x8x12xf32>, tensor<2x1x5x8xf32>) -> tensor<2x4x5x12xf32>
    tfc.yield %1 : tensor<2x4x5x12xf32>
  }
  return %0 : tensor<2x4x5x12xf32>
}

// Sliding window (causal, 3 keys) in bf16 with MQA: the range starts at
// max(0, diagonal - (window - 1)).
// CHECK-LABEL: gpu.func @attention_window_mqa_bf16_2
// CHECK: %[[DIAG:.*]] = arith.addi %{{.*}}, %c0
// CHECK: arith.minsi
// CHECK: %[[FIRST:.*]] = arith.subi %[[DIAG]], %c2
// CHECK: %[[LO:.*]] = arith.maxsi %{{.*}}, %[[FIRST]]
// CHECK: scf.for %{{.*}} = %[[LO]] to
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @attention_window_mqa_bf16(%q: tensor<1x3x9x4xbf16>, %k: tensor<1x1x9x4xbf16>, %v: tensor<1x1x9x4xbf16>) -> tensor<1x3x9x4xbf16> {
  %0 = tfc.fusion "attention" (%q, %k, %v) : (tensor<1x3x9x4xbf16>, tensor<1x1x9x4xbf16>, tensor<1x1x9x4xbf16>) -> tensor<1x3x9x4xbf16> {
  ^bb0(%a: tensor<1x3x9x4xbf16>, %b: tensor<1x1x9x4xbf16>, %c: tensor<1x1x9x4xbf16>):
    %1 = tfc.attention %a, %b, %c {scale = 0.5 : f32, causal = true, window = 3 : i64} : (tensor<1x3x9x4xbf16>, tensor<1x1x9x4xbf16>, tensor<1x1x9x4xbf16>) -> tensor<1x3x9x4xbf16>
    tfc.yield %1 : tensor<1x3x9x4xbf16>
  }
  return %0 : tensor<1x3x9x4xbf16>
}

// PTX-NOT: {{\.extern|__nv_}}
// PTX: .visible .entry attention_basic_0(
// PTX-SAME: ld.global.b32
// PTX-SAME: ex2.approx
// PTX-SAME: .visible .entry attention_causal_gqa_mask_1(
// PTX-SAME: .visible .entry attention_window_mqa_bf16_2(
// PTX-NOT: {{\.extern|__nv_}}

// CUBIN: gpu.binary @kernels

// SIM-NOT: FAIL
// SIM: 3 kernels match the reference
