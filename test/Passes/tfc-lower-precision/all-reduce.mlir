// tfc-lower-precision and tensor-parallel partial sums: with
// all-reduce-dtype=f32 (default) a matmul whose result only feeds
// tfc.all_reduce takes bf16 operands but returns its f32 accumulator, the
// all-reduce sums f32 and its reader gets the sum through one tfc.cast;
// with all-reduce-dtype=low everything around it is bf16.
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16" | FileCheck %s --check-prefix=F32
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 all-reduce-dtype=low" | FileCheck %s --check-prefix=LOW
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 keep-residual-f32" | FileCheck %s --check-prefix=RESIDUAL

// F32-LABEL: func @row_split
// F32: %[[P:.*]] = tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32} : (tensor<8x16xbf16>, tensor<16x32xbf16>) -> tensor<8x32xf32>
// F32-NEXT: %[[S:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<8x32xf32>
// F32-NEXT: %[[C:.*]] = tfc.cast %[[S]] : tensor<8x32xf32> to tensor<8x32xbf16>
// F32: tfc.add %{{.*}}, %[[C]] : (tensor<8x32xbf16>, tensor<8x32xbf16>) -> tensor<8x32xbf16>
// LOW-LABEL: func @row_split
// LOW: %[[P:.*]] = tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32} : (tensor<8x16xbf16>, tensor<16x32xbf16>) -> tensor<8x32xbf16>
// LOW-NEXT: %[[S:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<8x32xbf16>
// LOW-NEXT: tfc.add %{{.*}}, %[[S]] : (tensor<8x32xbf16>, tensor<8x32xbf16>) -> tensor<8x32xbf16>
// The residual add is kept f32: it reads the f32 sum as it is.
// RESIDUAL-LABEL: func @row_split
// RESIDUAL: %[[S:.*]] = tfc.all_reduce %{{.*}} {ranks = 2 : i64} : tensor<8x32xf32>
// RESIDUAL-NEXT: tfc.add %{{.*}}, %[[S]] : (tensor<8x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
func.func @row_split(%x: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %wu = tfc.parameter "w_up" : tensor<32x16xf32>
  %wo = tfc.parameter "w_down" : tensor<16x32xf32>
  %u = tfc.matmul %x, %wu : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
  %a = tfc.gelu %u approximate = tanh : tensor<8x16xf32>
  %p = tfc.matmul %a, %wo : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %s = tfc.all_reduce %p {ranks = 2 : i64} : tensor<8x32xf32>
  %h = tfc.add %x, %s : (tensor<8x32xf32>, tensor<8x32xf32>) -> tensor<8x32xf32>
  return %h : tensor<8x32xf32>
}

// -----

// A matmul that also has another reader is not a pure partial: bf16.
// F32-LABEL: func @partial_read_twice
// F32: %[[P:.*]] = tfc.matmul {{.*}} -> tensor<8x32xbf16>
// F32: tfc.all_reduce %{{.*}} {ranks = 2 : i64} : tensor<8x32xbf16>
func.func @partial_read_twice(%a: tensor<8x16xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>) {
  %w = tfc.parameter "wo" : tensor<16x32xf32>
  %p = tfc.matmul %a, %w : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
  %s = tfc.all_reduce %p {ranks = 2 : i64} : tensor<8x32xf32>
  %g = tfc.gelu %p approximate = tanh : tensor<8x32xf32>
  return %s, %g : tensor<8x32xf32>, tensor<8x32xf32>
}
