// tfc-shard-tensor-parallel reduce-dtype: the partials of a 16-bit
// row-split projection are summed in f32 (default: the matmul writes its f32
// accumulator, one tfc.cast rounds the sum) or in the projection's own type
// (low). f32 projections are summed in f32 either way.
// RUN: tfc-opt %s -split-input-file --tfc-shard-tensor-parallel="ranks=2 rank=1" | FileCheck %s --check-prefix=F32
// RUN: tfc-opt %s -split-input-file --tfc-shard-tensor-parallel="ranks=2 rank=1 reduce-dtype=f32" | FileCheck %s --check-prefix=F32
// RUN: tfc-opt %s -split-input-file --tfc-shard-tensor-parallel="ranks=2 rank=1 reduce-dtype=low" | FileCheck %s --check-prefix=LOW
// RUN: tfc-opt %s -split-input-file --tfc-set-target --tfc-shard-tensor-parallel="ranks=2 rank=1" --tfc-fuse --tfc-wrap-in-fusions | FileCheck %s --check-prefix=FUSED

// F32-LABEL: func @bf16_mlp
// F32: tfc.matmul %{{.*}}, %{{.*}} : (tensor<1x8x16xbf16>, tensor<16x16xbf16>) -> tensor<1x8x16xbf16>
// F32: tfc.swiglu
// F32-NEXT: %[[P:.*]] = tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32} : (tensor<1x8x16xbf16>, tensor<16x16xbf16>) -> tensor<1x8x16xf32>
// F32-NEXT: %[[S:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<1x8x16xf32>
// F32-NEXT: %[[C:.*]] = tfc.cast %[[S]] : tensor<1x8x16xf32> to tensor<1x8x16xbf16>
// F32: tfc.add %{{.*}}, %[[C]] : (tensor<1x8x16xbf16>, tensor<1x8x16xbf16>) -> tensor<1x8x16xbf16>
// LOW-LABEL: func @bf16_mlp
// LOW: tfc.swiglu
// LOW-NEXT: %[[P:.*]] = tfc.matmul %{{.*}}, %{{.*}} : (tensor<1x8x16xbf16>, tensor<16x16xbf16>) -> tensor<1x8x16xbf16>
// LOW-NEXT: %[[S:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<1x8x16xbf16>
// LOW-NEXT: tfc.add %{{.*}}, %[[S]]
// LOW-NOT: tfc.cast
// The cast is elementwise: tfc-fuse puts it in its reader's kernel (the
// residual add), so the f32 sum costs no kernel of its own.
// FUSED-LABEL: func @bf16_mlp
// FUSED: %[[P:.*]] = tfc.fusion "matmul"{{.*}} -> tensor<1x8x16xf32>
// FUSED: %[[S:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<1x8x16xf32>
// FUSED-NEXT: tfc.fusion "pointwise"(%[[S]], %{{.*}}) : (tensor<1x8x16xf32>, tensor<1x8x16xbf16>) -> tensor<1x8x16xbf16>
// FUSED-NEXT: ^bb0
// FUSED-NEXT: tfc.cast %{{.*}} : tensor<1x8x16xf32> to tensor<1x8x16xbf16>
// FUSED-NEXT: tfc.add
func.func @bf16_mlp(%x: tensor<1x8x16xbf16>) -> tensor<1x8x16xbf16> {
  %wg = tfc.parameter "w_gate" : tensor<16x32xbf16>
  %wu = tfc.parameter "w_up" : tensor<16x32xbf16>
  %wd = tfc.parameter "w_down" : tensor<32x16xbf16>
  %g = tfc.matmul %x, %wg : (tensor<1x8x16xbf16>, tensor<16x32xbf16>) -> tensor<1x8x32xbf16>
  %u = tfc.matmul %x, %wu : (tensor<1x8x16xbf16>, tensor<16x32xbf16>) -> tensor<1x8x32xbf16>
  %s = tfc.swiglu %g, %u : tensor<1x8x32xbf16>
  %d = tfc.matmul %s, %wd : (tensor<1x8x32xbf16>, tensor<32x16xbf16>) -> tensor<1x8x16xbf16>
  %h = tfc.add %x, %d : (tensor<1x8x16xbf16>, tensor<1x8x16xbf16>) -> tensor<1x8x16xbf16>
  return %h : tensor<1x8x16xbf16>
}

// -----

// F32-LABEL: func @f32_mlp
// F32: tfc.gelu
// F32-NEXT: %[[P:.*]] = tfc.matmul %{{.*}}, %{{.*}} : (tensor<1x8x16xf32>, tensor<16x16xf32>) -> tensor<1x8x16xf32>
// F32-NEXT: %[[S:.*]] = tfc.all_reduce %[[P]] {ranks = 2 : i64} : tensor<1x8x16xf32>
// F32-NEXT: tfc.add %{{.*}}, %[[S]]
// F32-NOT: tfc.cast
// LOW-LABEL: func @f32_mlp
// LOW: tfc.all_reduce %{{.*}} {ranks = 2 : i64} : tensor<1x8x16xf32>
// LOW-NOT: tfc.cast
func.func @f32_mlp(%x: tensor<1x8x16xf32>) -> tensor<1x8x16xf32> {
  %wu = tfc.parameter "w_up" : tensor<16x32xf32>
  %wd = tfc.parameter "w_down" : tensor<32x16xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x8x16xf32>, tensor<16x32xf32>) -> tensor<1x8x32xf32>
  %a = tfc.gelu %u approximate = tanh : tensor<1x8x32xf32>
  %d = tfc.matmul %a, %wd : (tensor<1x8x32xf32>, tensor<32x16xf32>) -> tensor<1x8x16xf32>
  %h = tfc.add %x, %d : (tensor<1x8x16xf32>, tensor<1x8x16xf32>) -> tensor<1x8x16xf32>
  return %h : tensor<1x8x16xf32>
}
