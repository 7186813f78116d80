// tfc-fold-weight-casts: a float cast of a weight becomes a weight of the
// cast's type; external ones record the type their file stores.
// RUN: tfc-opt %s -split-input-file --tfc-fold-weight-casts | FileCheck %s

// An external f32 weight read as bf16: a bf16 external parameter stored as
// f32, its other attributes kept; the f32 one goes.
// CHECK-LABEL: func @external
// CHECK-NOT: tfc.cast
// CHECK-NOT: tensor<8x16xf32>
// CHECK: %[[W:.*]] = tfc.parameter "fc.weight" {tfc.external_data = {location = "m.onnx.data", offset = 64 : i64}, tfc.stored_element_type = f32} : tensor<8x16xbf16>
// CHECK: tfc.matmul %{{.*}}, %[[W]]
func.func @external(%x: tensor<4x8xbf16>) -> tensor<4x16xbf16> {
  %w = tfc.parameter "fc.weight" {tfc.external_data = {location = "m.onnx.data", offset = 64 : i64}} : tensor<8x16xf32>
  %wb = tfc.cast %w : tensor<8x16xf32> to tensor<8x16xbf16>
  %y = tfc.matmul %x, %wb {accumulator_type = f32} : (tensor<4x8xbf16>, tensor<8x16xbf16>) -> tensor<4x16xbf16>
  return %y : tensor<4x16xbf16>
}

// -----

// Two casts to one type share one weight; a cast to another type gets its
// own; the f32 weight stays for its f32 reader.
// CHECK-LABEL: func @shared
// CHECK-DAG: %[[F32:.*]] = tfc.parameter "b" : tensor<16xf32>
// CHECK-DAG: %[[BF:.*]] = tfc.parameter "b" {tfc.stored_element_type = f32} : tensor<16xbf16>
// CHECK-DAG: %[[F16:.*]] = tfc.parameter "b" {tfc.stored_element_type = f32} : tensor<16xf16>
// CHECK-NOT: tfc.cast
// CHECK: tfc.add %{{.*}}, %[[BF]]
// CHECK: tfc.mul %{{.*}}, %[[BF]]
// CHECK: tfc.exp %[[F16]]
// CHECK: tfc.neg %[[F32]]
func.func @shared(%x: tensor<16xbf16>) -> (tensor<16xbf16>, tensor<16xbf16>, tensor<16xf16>, tensor<16xf32>) {
  %b = tfc.parameter "b" : tensor<16xf32>
  %c0 = tfc.cast %b : tensor<16xf32> to tensor<16xbf16>
  %0 = tfc.add %x, %c0 : (tensor<16xbf16>, tensor<16xbf16>) -> tensor<16xbf16>
  %c1 = tfc.cast %b : tensor<16xf32> to tensor<16xbf16>
  %1 = tfc.mul %x, %c1 : (tensor<16xbf16>, tensor<16xbf16>) -> tensor<16xbf16>
  %c2 = tfc.cast %b : tensor<16xf32> to tensor<16xf16>
  %2 = tfc.exp %c2 : tensor<16xf16>
  %3 = tfc.neg %b : tensor<16xf32>
  return %0, %1, %2, %3 : tensor<16xbf16>, tensor<16xbf16>, tensor<16xf16>, tensor<16xf32>
}

// -----

// A weight already converted keeps the type its file stores; converted back
// to that type it is a plain parameter again.
// CHECK-LABEL: func @chain
// CHECK-DAG: %[[H:.*]] = tfc.parameter "w" {tfc.stored_element_type = f32} : tensor<4xf16>
// CHECK-DAG: %[[F:.*]] = tfc.parameter "w" : tensor<4xf32>
// CHECK: return %[[H]], %[[F]]
func.func @chain() -> (tensor<4xf16>, tensor<4xf32>) {
  %w = tfc.parameter "w" {tfc.stored_element_type = f32} : tensor<4xbf16>
  %h = tfc.cast %w : tensor<4xbf16> to tensor<4xf16>
  %f = tfc.cast %w : tensor<4xbf16> to tensor<4xf32>
  return %h, %f : tensor<4xf16>, tensor<4xf32>
}

// -----

// Inline weights and constants are converted now (round to nearest even:
// 0.1 is 0.10009765625 in bf16).
// CHECK-LABEL: func @inline
// CHECK-DAG: tfc.parameter "p" = dense<1.000980e-01> : tensor<2x2xbf16> : tensor<2x2xbf16>
// CHECK-DAG: tfc.constant dense<1.000980e-01> : tensor<2xbf16>
// CHECK-NOT: tfc.cast
// CHECK-NOT: f32
func.func @inline() -> (tensor<2x2xbf16>, tensor<2xbf16>) {
  %p = tfc.parameter "p" = dense<0.1> : tensor<2x2xf32> : tensor<2x2xf32>
  %pb = tfc.cast %p : tensor<2x2xf32> to tensor<2x2xbf16>
  %c = tfc.constant dense<0.1> : tensor<2xf32>
  %cb = tfc.cast %c : tensor<2xf32> to tensor<2xbf16>
  return %pb, %cb : tensor<2x2xbf16>, tensor<2xbf16>
}

// -----

// Left alone: casts to or from integers, casts of computed values, and
// weights of types the runtime does not convert.
// CHECK-LABEL: func @untouched
// CHECK: %[[I:.*]] = tfc.parameter "ids" : tensor<4xi64>
// CHECK: tfc.cast %[[I]] : tensor<4xi64> to tensor<4xf32>
// CHECK: %[[W:.*]] = tfc.parameter "w" : tensor<4xf32>
// CHECK: tfc.cast %[[W]] : tensor<4xf32> to tensor<4xi32>
// CHECK: %[[E:.*]] = tfc.exp
// CHECK: tfc.cast %[[E]] : tensor<4xf32> to tensor<4xbf16>
// CHECK: %[[D:.*]] = tfc.parameter "d" : tensor<4xf64>
// CHECK: tfc.cast %[[D]] : tensor<4xf64> to tensor<4xf32>
func.func @untouched(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xbf16>, tensor<4xf32>) {
  %i = tfc.parameter "ids" : tensor<4xi64>
  %0 = tfc.cast %i : tensor<4xi64> to tensor<4xf32>
  %w = tfc.parameter "w" : tensor<4xf32>
  %1 = tfc.cast %w : tensor<4xf32> to tensor<4xi32>
  %e = tfc.exp %x : tensor<4xf32>
  %2 = tfc.cast %e : tensor<4xf32> to tensor<4xbf16>
  %d = tfc.parameter "d" : tensor<4xf64>
  %3 = tfc.cast %d : tensor<4xf64> to tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xi32>, tensor<4xbf16>, tensor<4xf32>
}
