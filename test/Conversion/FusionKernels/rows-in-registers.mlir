// RUN: tfc-opt %s --tfc-test-emit-fusion-kernels | FileCheck %s
// RUN: %if ptxas %{ tfc-opt %s %kernels-to-ptx | FileCheck %s --check-prefix=PTX %}
// RUN: %if kernel-simulator %{ %python %S/Inputs/simulate_kernels.py %s --opt tfc-opt --reference %reference-executor | FileCheck %s --check-prefix=SIM %}

// Rows kept in registers on awkward lengths (1, 31, 4095, 4097), several
// rows per block with a partial last block (a target of 2 SMs makes short
// rows share blocks even at this size), and a norm with a pointwise
// prologue (residual add) and epilogue (SiLU).

module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 2, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {

// 37 rows of 31 in blocks of 8 rows (a warp each): lanes past the row's end
// load nothing, rows past the last one compute a copy of it and store
// nothing.
// CHECK-LABEL: gpu.func @softmax_rows_of_31_0
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 5, 1, 1>
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// CHECK: %[[WARP:.*]] = arith.divui %[[TID]], %c32
// CHECK: %[[INSIDE:.*]] = arith.cmpi ult, %{{.*}}, %c37
// CHECK: %[[ROW:.*]] = arith.minui %{{.*}}, %c36
// CHECK: %[[VALID:.*]] = arith.cmpi ult, %{{.*}}, %c31
// CHECK: scf.if %[[VALID]] -> (f32)
// CHECK: %[[STORE:.*]] = arith.andi %[[INSIDE]], %[[VALID]]
// CHECK: scf.if %[[STORE]]
func.func @softmax_rows_of_31(%x: tensor<37x31xbf16>) -> tensor<37x31xbf16> {
  %0 = tfc.fusion "softmax" (%x) : (tensor<37x31xbf16>) -> tensor<37x31xbf16> {
  ^bb0(%a: tensor<37x31xbf16>):
    %1 = tfc.softmax %a {axis = 1 : i64} : tensor<37x31xbf16>
    tfc.yield %1 : tensor<37x31xbf16>
  }
  return %0 : tensor<37x31xbf16>
}

// CHECK-LABEL: gpu.func @layer_norm_rows_of_1_1
// CHECK-SAME: tfc.grid = array<i64: 8, 1, 1>
func.func @layer_norm_rows_of_1(%x: tensor<64x1xf32>, %g: tensor<1xf32>, %b: tensor<1xf32>) -> tensor<64x1xf32> {
  %0 = tfc.fusion "layer_norm" (%x, %g, %b) : (tensor<64x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<64x1xf32> {
  ^bb0(%a: tensor<64x1xf32>, %s: tensor<1xf32>, %t: tensor<1xf32>):
    %1 = tfc.layer_norm %a, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<64x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<64x1xf32>
    tfc.yield %1 : tensor<64x1xf32>
  }
  return %0 : tensor<64x1xf32>
}

// 4095 f32 (odd: scalar accesses): 4 warps, 32 values per thread.
// CHECK-LABEL: gpu.func @layer_norm_4095_2
// CHECK-SAME: workgroup(%{{.*}} : memref<1x4xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<1x4xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: tfc.block = array<i64: 128, 1, 1>
// CHECK-SAME: tfc.grid = array<i64: 3, 1, 1>
// CHECK-COUNT-31: memref.load %{{.*}} : memref<12285xf32>
// CHECK: scf.if
func.func @layer_norm_4095(%x: tensor<3x4095xf32>) -> tensor<3x4095xf32> {
  %0 = tfc.fusion "layer_norm" (%x) : (tensor<3x4095xf32>) -> tensor<3x4095xf32> {
  ^bb0(%a: tensor<3x4095xf32>):
    %1 = tfc.layer_norm %a {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<3x4095xf32>) -> tensor<3x4095xf32>
    tfc.yield %1 : tensor<3x4095xf32>
  }
  return %0 : tensor<3x4095xf32>
}

// 4097 bf16: 8 warps per row, 17 values per thread.
// CHECK-LABEL: gpu.func @rms_norm_4097_3
// CHECK-SAME: workgroup(%{{.*}} : memref<1x8xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: tfc.block = array<i64: 256, 1, 1>
func.func @rms_norm_4097(%x: tensor<2x4097xbf16>, %g: tensor<4097xbf16>) -> tensor<2x4097xbf16> {
  %0 = tfc.fusion "rms_norm" (%x, %g) : (tensor<2x4097xbf16>, tensor<4097xbf16>) -> tensor<2x4097xbf16> {
  ^bb0(%a: tensor<2x4097xbf16>, %s: tensor<4097xbf16>):
    %1 = tfc.rms_norm %a, %s {axis = 1 : i64, epsilon = 1.0e-06 : f32} : (tensor<2x4097xbf16>, tensor<4097xbf16>) -> tensor<2x4097xbf16>
    tfc.yield %1 : tensor<2x4097xbf16>
  }
  return %0 : tensor<2x4097xbf16>
}

// Residual add in front (evaluated where the row is loaded: two 16-byte
// loads per chunk), SiLU behind (on the rounded bf16 norm, before the
// store).
// CHECK-LABEL: gpu.func @add_layer_norm_silu_4
// CHECK-SAME: tfc.grid = array<i64: 3, 1, 1>
// CHECK: %[[X:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<1280xbf16>, vector<8xbf16>
// CHECK: %[[R:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<1280xbf16>, vector<8xbf16>
// CHECK: arith.addf
// CHECK: math.rsqrt
// CHECK: vector.load %{{.*}} : memref<64xbf16>, vector<8xbf16>
// CHECK: vector.load %{{.*}} : memref<64xbf16>, vector<8xbf16>
// CHECK: %[[Y:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[YF:.*]] = arith.extf %[[Y]] : bf16 to f32
// CHECK: arith.negf %[[YF]]
// CHECK: math.exp
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<1280xbf16>, vector<8xbf16>
func.func @add_layer_norm_silu(%x: tensor<20x64xbf16>, %r: tensor<20x64xbf16>, %g: tensor<64xbf16>, %b: tensor<64xbf16>) -> tensor<20x64xbf16> {
  %0 = tfc.fusion "layer_norm" (%x, %r, %g, %b) : (tensor<20x64xbf16>, tensor<20x64xbf16>, tensor<64xbf16>, tensor<64xbf16>) -> tensor<20x64xbf16> {
  ^bb0(%a: tensor<20x64xbf16>, %c: tensor<20x64xbf16>, %s: tensor<64xbf16>, %t: tensor<64xbf16>):
    %h = tfc.add %a, %c : (tensor<20x64xbf16>, tensor<20x64xbf16>) -> tensor<20x64xbf16>
    %1 = tfc.layer_norm %h, %s, %t {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<20x64xbf16>, tensor<64xbf16>, tensor<64xbf16>) -> tensor<20x64xbf16>
    %2 = tfc.silu %1 : tensor<20x64xbf16>
    tfc.yield %2 : tensor<20x64xbf16>
  }
  return %0 : tensor<20x64xbf16>
}

}

// PTX-NOT: ld.local
// PTX: .visible .entry softmax_rows_of_31_0(
// PTX-SAME: .visible .entry add_layer_norm_silu_4(
// PTX-SAME: ld.global.v4.b32
// PTX-SAME: st.global.v4.b32
// PTX-NOT: ld.local

// SIM-NOT: FAIL
// SIM: 5 kernels match the reference
