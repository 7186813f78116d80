// RUN: tfc-opt %s --split-input-file --tfc-lower-fusions-to-kernels | FileCheck %s

// Every launch carries the cost model's prediction of its kernel (tfc.cost),
// which tfc-serialize-artifact writes into the artifact (format v6) for
// roofline reports: the fusion kind, the node its anchor came from, the
// minimum HBM bytes and the FLOPs on CUDA cores and tensor cores.
module attributes {tfc.target = #tfc.target<arch = "sm_90a", sm_count = 132, smem_per_block = 232448, smem_per_sm = 233472, regs_per_sm = 65536, l2_bytes = 52428800, hbm_bytes_per_second = 3350000000000, peak_flops_f32 = 67000000000000, peak_flops_f16 = 989000000000000, peak_flops_bf16 = 989000000000000, peak_flops_fp8 = 1979000000000000>} {
  func.func @main(%x: tensor<64x64xbf16> {tfc.name = "x"}, %w: tensor<64x64xbf16> {tfc.name = "w"}) -> (tensor<64x64xbf16> {tfc.name = "y"}) {
    %0 = tfc.fusion "matmul" (%x, %w) : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16> {
    ^bb0(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>):
      %1 = tfc.matmul %a, %b : (tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16> loc("/h.0/mlp/c_fc/MatMul")
      tfc.yield %1 : tensor<64x64xbf16>
    }
    %2 = tfc.fusion "exp" (%0) : (tensor<64x64xbf16>) -> tensor<64x64xbf16> {
    ^bb0(%a: tensor<64x64xbf16>):
      %3 = tfc.exp %a : tensor<64x64xbf16>
      tfc.yield %3 : tensor<64x64xbf16>
    }
    return %2 : tensor<64x64xbf16>
  }
}
// CHECK-LABEL: func.func @main
// CHECK: gpu.launch_func @tfc_kernels::@k0_matmul
// CHECK-SAME: tfc.cost = {family = "matmul", hbm_bytes = 24576 : i64, matrix_flops = 5.242880e+05 : f64, matrix_type = bf16, name = "/h.0/mlp/c_fc/MatMul", vector_flops = 0.000000e+00 : f64}
// CHECK: gpu.launch_func @tfc_kernels::@k1_exp
// CHECK-SAME: tfc.cost = {family = "exp", hbm_bytes = 16384 : i64, matrix_flops = 0.000000e+00 : f64, name = "", vector_flops = 3.276800e+04 : f64}
