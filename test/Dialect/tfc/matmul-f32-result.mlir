// tfc.matmul of 16-bit operands may return its f32 accumulator unrounded
// (tensor-parallel partial sums); any other result type is refused.
// RUN: tfc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func @partial
// CHECK: tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32} : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xf32>
// CHECK: tfc.matmul %{{.*}}, %{{.*}} : (tensor<4x8xf16>, tensor<8x16xf16>) -> tensor<4x16xf32>
func.func @partial(%a: tensor<4x8xbf16>, %b: tensor<8x16xbf16>, %c: tensor<4x8xf16>, %d: tensor<8x16xf16>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %0 = tfc.matmul %a, %b {accumulator_type = f32} : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xf32>
  %1 = tfc.matmul %c, %d : (tensor<4x8xf16>, tensor<8x16xf16>) -> tensor<4x16xf32>
  return %0, %1 : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

func.func @f32_result_f16_accumulator(%a: tensor<4x8xbf16>, %b: tensor<8x16xbf16>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'tfc.matmul' op result element type 'f32' differs from the operands' 'bf16' and from the accumulator type 'f16'}}
  %0 = tfc.matmul %a, %b {accumulator_type = f16} : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

func.func @f64_result(%a: tensor<4x8xbf16>, %b: tensor<8x16xbf16>) -> tensor<4x16xf64> {
  // expected-error @+1 {{'tfc.matmul' op result element type 'f64' differs from the operands' 'bf16' and from the accumulator type 'f32'}}
  %0 = tfc.matmul %a, %b : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xf64>
  return %0 : tensor<4x16xf64>
}

// -----

func.func @f32_operands_f16_result(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf16> {
  // expected-error @+1 {{'tfc.matmul' op result element type 'f16' differs from the operands' 'f32' and from the accumulator type 'f32'}}
  %0 = tfc.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf16>
  return %0 : tensor<4x16xf16>
}
