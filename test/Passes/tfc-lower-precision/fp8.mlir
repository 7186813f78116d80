// tfc-lower-precision{fp8=per-tensor|per-channel}: matmuls with inline f32
// weights take f8E4M3FN operands (weight quantized now with amax / 448,
// activation by tfc.dynamic_quantize); external weights, transposed lhs and
// activation x activation matmuls stay bf16.
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 fp8=per-tensor" | FileCheck %s --check-prefixes=CHECK,TENSOR
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 fp8=per-channel" | FileCheck %s --check-prefixes=CHECK,CHANNEL

// W = [[1, -2], [0.5, 4]]. Per tensor: scale 4/448, W / scale = [[112,
// -224], [56, 448]]. Per channel: scales [1/448, 4/448] -> [[448, -224],
// [224, 448]]. All exact in e4m3.
// CHECK-LABEL: func @constant_weight
// CHECK-SAME: (%[[X:.*]]: tensor<3x2xf32>)
// CHECK-DAG: %[[XB:.*]] = tfc.cast %[[X]] : tensor<3x2xf32> to tensor<3x2xbf16>
// TENSOR-DAG: %[[W:.*]] = tfc.constant dense<{{\[\[}}1.120000e+02, -2.240000e+02], [5.600000e+01, 4.480000e+02]]> : tensor<2x2xf8E4M3FN>
// TENSOR-DAG: %[[S:.*]] = tfc.constant dense<0.00892857183> : tensor<f32>
// CHANNEL-DAG: %[[W:.*]] = tfc.constant dense<{{\[\[}}4.480000e+02, -2.240000e+02], [2.240000e+02, 4.480000e+02]]> : tensor<2x2xf8E4M3FN>
// CHANNEL-DAG: %[[S:.*]] = tfc.constant dense<[0.00223214296, 0.00892857183]> : tensor<2xf32>
// CHECK: %[[Q:.*]], %[[XS:.*]] = tfc.dynamic_quantize %[[XB]] : tensor<3x2xbf16> -> tensor<3x2xf8E4M3FN>, tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = tfc.scaled_matmul %[[Q]], %[[W]] scales(%[[XS]], %[[S]]) : (tensor<3x2xf8E4M3FN>, tensor<2x2xf8E4M3FN>, tensor<f32>, tensor<{{(2x)?}}f32>) -> tensor<3x2xbf16>
// CHECK-NEXT: %[[R:.*]] = tfc.cast %[[Y]] : tensor<3x2xbf16> to tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @constant_weight(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = tfc.constant dense<[[1.0, -2.0], [0.5, 4.0]]> : tensor<2x2xf32>
  %y = tfc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A parameter read transposed ([N, K], PyTorch's Linear layout): the fp8
// copy is stored [K, N] under the name "<name>.fp8"; one quantization of
// the activation serves both matmuls; the activation x activation matmul
// and the external weight stay bf16.
// CHECK-LABEL: func @parameters
// CHECK: %[[E:.*]] = tfc.cast %{{.*}} : tensor<3x2xf32> to tensor<3x2xbf16>
// CHECK: %[[W:.*]] = tfc.parameter "fc.weight.fp8" = dense_resource<fc_fp8> : tensor<2x3xf8E4M3FN>
// CHECK: %[[Q:.*]], %[[XS:.*]] = tfc.dynamic_quantize
// CHECK-NEXT: tfc.scaled_matmul %[[Q]], %[[W]] scales(%[[XS]], %{{.*}}) : {{.*}} -> tensor<4x3xbf16>
// CHECK-NOT: tfc.dynamic_quantize
// CHECK: %[[V:.*]] = tfc.parameter "other.fp8" = dense_resource<other_fp8> : tensor<2x2xf8E4M3FN>
// CHECK-NOT: tfc.dynamic_quantize
// CHECK: tfc.scaled_matmul %[[Q]], %[[V]] scales(%[[XS]], %{{.*}}) : {{.*}} -> tensor<4x2xbf16>
// CHECK: tfc.matmul %{{.*}}, %[[E]] {accumulator_type = f32, transpose_rhs = true} : (tensor<4x2xbf16>, tensor<3x2xbf16>) -> tensor<4x3xbf16>
// CHECK: tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32, transpose_lhs = true}
// CHECK: tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32} : (tensor<4x2xbf16>, tensor<2x4xbf16>) -> tensor<4x4xbf16>
// CHECK-NOT: tfc.scaled_matmul
func.func @parameters(%x: tensor<4x2xf32>, %a: tensor<2x4xf32>) -> (tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x4xf32>) {
  %w = tfc.parameter "fc.weight" = dense_resource<fc> : tensor<3x2xf32> : tensor<3x2xf32>
  %v = tfc.parameter "other" = dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32> : tensor<2x2xf32>
  %e = tfc.parameter "ext.weight" : tensor<3x2xf32>
  %y = tfc.matmul %x, %w {transpose_rhs = true} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  %z = tfc.matmul %x, %v : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %u = tfc.matmul %x, %e {transpose_rhs = true} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  %t = tfc.matmul %a, %v {transpose_lhs = true} : (tensor<2x4xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  %s = tfc.matmul %x, %a : (tensor<4x2xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %y, %z, %u, %t, %s : tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x3xf32>, tensor<4x2xf32>, tensor<4x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fc: "0x040000000000803F000000400000404000008040000000C00000A040"
    }
  }
#-}
