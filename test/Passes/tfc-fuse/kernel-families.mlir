// tfc-fuse keeps every anchor on its fast family for the target: the
// tensor-core matmul loads lhs and rhs, and the flash attention loads
// query, key and value, straight from memory (16-byte copies into shared
// memory), so no prologue computes those operands in their kernel
// (tfc/Analysis/KernelFamilyRules.h). Operands a family does compute in
// place (an attention mask, the operands of an f32 matmul) still take a
// prologue.
// RUN: tfc-opt %s -split-input-file --tfc-set-target="preset=sm_90a" --tfc-fuse="report=true" 2> %t.sm90.txt | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.sm90.txt
// RUN: tfc-opt %s -split-input-file --tfc-set-target="preset=sm_80" --tfc-fuse="report=true" 2> %t.sm80.txt | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.sm80.txt

// BERT-base attention (B32 x S128, 12 heads of 64): the query's head
// transpose only renames elements, so the flash kernel reads q in place
// through a strided view and the transpose joins the attention's kernel.
// CHECK-LABEL: func @bert_transposed_query
// CHECK-SAME: (%[[Q:.*]]: tensor<32x128x12x64xbf16>, %[[K:.*]]: tensor<32x12x128x64xbf16>, %[[V:.*]]: tensor<32x12x128x64xbf16>)
func.func @bert_transposed_query(%q: tensor<32x128x12x64xbf16>, %k: tensor<32x12x128x64xbf16>,
                                 %v: tensor<32x12x128x64xbf16>) -> tensor<32x12x128x64xbf16> {
  // CHECK: tfc.fusion "attention"(%[[Q]], %[[K]], %[[V]])
  // CHECK-NEXT: ^bb0(%[[BQ:.*]]: tensor<32x128x12x64xbf16>, %[[BK:.*]]: tensor<32x12x128x64xbf16>, %[[BV:.*]]: tensor<32x12x128x64xbf16>):
  // CHECK-NEXT: %[[QT:.*]] = tfc.transpose %[[BQ]]
  // CHECK-NEXT: tfc.attention %[[QT]], %[[BK]], %[[BV]]
  %0 = tfc.transpose %q {permutation = array<i64: 0, 2, 1, 3>} : (tensor<32x128x12x64xbf16>) -> tensor<32x12x128x64xbf16>
  %1 = tfc.attention %0, %k, %v {scale = 0.125 : f32} : (tensor<32x12x128x64xbf16>, tensor<32x12x128x64xbf16>, tensor<32x12x128x64xbf16>) -> tensor<32x12x128x64xbf16>
  return %1 : tensor<32x12x128x64xbf16>
}
// REPORT: fusion "attention" of 2 ops (transpose, attention): 37748736 -> 25165824 bytes (saves 12582912)

// -----

// A transpose that moves the head dimension is no strided view the 16-byte
// copies can read (rows would not be contiguous): it stays a kernel.
// CHECK-LABEL: func @key_transposed_last_axis
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x64x64xbf16>, %[[KT:.*]]: tensor<2x4x64x64xbf16>, %[[V:.*]]: tensor<2x4x64x64xbf16>)
func.func @key_transposed_last_axis(%q: tensor<2x4x64x64xbf16>, %kt: tensor<2x4x64x64xbf16>,
                                    %v: tensor<2x4x64x64xbf16>) -> tensor<2x4x64x64xbf16> {
  // CHECK: %[[K:.*]] = tfc.transpose %[[KT]]
  // CHECK-NOT: tfc.fusion
  // CHECK: tfc.attention %[[Q]], %[[K]], %[[V]]
  %0 = tfc.transpose %kt {permutation = array<i64: 0, 1, 3, 2>} : (tensor<2x4x64x64xbf16>) -> tensor<2x4x64x64xbf16>
  %1 = tfc.attention %q, %0, %v {scale = 0.125 : f32} : (tensor<2x4x64x64xbf16>, tensor<2x4x64x64xbf16>, tensor<2x4x64x64xbf16>) -> tensor<2x4x64x64xbf16>
  return %1 : tensor<2x4x64x64xbf16>
}
// REPORT: kept apart: tfc.transpose -> tfc.attention: the flash attention loads its key from memory: computing it here (tfc.transpose) would move tfc.attention to the one thread per query row kernel

// -----

// Llama attention (S2048, 32 heads of 64): RoPE on q joins the flash
// kernel (computed into the Q tile once per block); RoPE on k stays apart
// (each K tile is copied by every block of queries).
// CHECK-LABEL: func @llama_rope
// CHECK-SAME: (%[[Q:.*]]: tensor<1x32x2048x64xbf16>, %[[K:.*]]: tensor<1x32x2048x64xbf16>, %[[V:.*]]: tensor<1x32x2048x64xbf16>, %[[COS:.*]]: tensor<2048x64xbf16>, %[[SIN:.*]]: tensor<2048x64xbf16>)
func.func @llama_rope(%q: tensor<1x32x2048x64xbf16>, %k: tensor<1x32x2048x64xbf16>,
                      %v: tensor<1x32x2048x64xbf16>, %cos: tensor<2048x64xbf16>,
                      %sin: tensor<2048x64xbf16>) -> tensor<1x32x2048x64xbf16> {
  // CHECK: %[[RK:.*]] = tfc.rope %[[K]], %[[COS]], %[[SIN]]
  // CHECK: tfc.fusion "attention"(%[[Q]], %[[COS]], %[[SIN]], %[[RK]], %[[V]])
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: %[[RQ:.*]] = tfc.rope
  // CHECK-NEXT: tfc.attention %[[RQ]], %{{.*}}, %{{.*}} {causal = true
  %0 = tfc.rope %q, %cos, %sin : (tensor<1x32x2048x64xbf16>, tensor<2048x64xbf16>, tensor<2048x64xbf16>) -> tensor<1x32x2048x64xbf16>
  %1 = tfc.rope %k, %cos, %sin : (tensor<1x32x2048x64xbf16>, tensor<2048x64xbf16>, tensor<2048x64xbf16>) -> tensor<1x32x2048x64xbf16>
  %2 = tfc.attention %0, %1, %v {scale = 0.125 : f32, causal = true} : (tensor<1x32x2048x64xbf16>, tensor<1x32x2048x64xbf16>, tensor<1x32x2048x64xbf16>) -> tensor<1x32x2048x64xbf16>
  return %2 : tensor<1x32x2048x64xbf16>
}
// REPORT: kept apart: tfc.rope -> tfc.attention: the flash attention loads its key from memory: computing it here (tfc.rope)
// REPORT: fusion "attention" of 2 ops (rope, attention): 50855936 -> 34078720 bytes (saves 16777216)

// -----

// A rotated query that is also the key: the key cannot be computed in the
// flash kernel, so the rope stays a kernel of its own (it would otherwise
// pass as the query's prologue and send the attention to the slow kernel).
// CHECK-LABEL: func @rope_query_is_key
func.func @rope_query_is_key(%x: tensor<1x4x64x64xbf16>, %v: tensor<1x4x64x64xbf16>,
                             %cos: tensor<64x64xbf16>, %sin: tensor<64x64xbf16>) -> tensor<1x4x64x64xbf16> {
  // CHECK: %[[R:.*]] = tfc.rope
  // CHECK-NOT: tfc.fusion
  // CHECK: tfc.attention %[[R]], %[[R]]
  %0 = tfc.rope %x, %cos, %sin : (tensor<1x4x64x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>) -> tensor<1x4x64x64xbf16>
  %1 = tfc.attention %0, %0, %v {scale = 0.125 : f32} : (tensor<1x4x64x64xbf16>, tensor<1x4x64x64xbf16>, tensor<1x4x64x64xbf16>) -> tensor<1x4x64x64xbf16>
  return %1 : tensor<1x4x64x64xbf16>
}
// REPORT: kept apart: tfc.rope -> tfc.attention: the flash attention loads its key from memory: computing it here (tfc.rope)

// -----

// The heads merge after attention is stored through a transposed view, as
// it is: an add after it cannot join (its elements are in the transposed
// order), it stays a kernel.
// CHECK-LABEL: func @heads_merged_then_add
func.func @heads_merged_then_add(%q: tensor<1x4x64x64xbf16>, %k: tensor<1x4x64x64xbf16>,
                                 %v: tensor<1x4x64x64xbf16>, %b: tensor<64xbf16>) -> tensor<1x64x4x64xbf16> {
  // CHECK: %[[A:.*]] = tfc.fusion "attention"
  // CHECK: tfc.attention
  // CHECK-NEXT: %[[T:.*]] = tfc.transpose
  // CHECK-NEXT: tfc.yield %[[T]]
  // CHECK: tfc.add %[[A]]
  %0 = tfc.attention %q, %k, %v {scale = 0.125 : f32} : (tensor<1x4x64x64xbf16>, tensor<1x4x64x64xbf16>, tensor<1x4x64x64xbf16>) -> tensor<1x4x64x64xbf16>
  %1 = tfc.transpose %0 {permutation = array<i64: 0, 2, 1, 3>} : (tensor<1x4x64x64xbf16>) -> tensor<1x64x4x64xbf16>
  %2 = tfc.add %1, %b : (tensor<1x64x4x64xbf16>, tensor<64xbf16>) -> tensor<1x64x4x64xbf16>
  return %2 : tensor<1x64x4x64xbf16>
}
// REPORT: kept apart: tfc.transpose -> tfc.add: the tfc.attention family stores a transpose of its result as it is: tfc.add cannot read it
// REPORT: fusion "attention" of 2 ops (attention, transpose)

// -----

// keep-residual-f32: the f32 layer norm's output is cast to bf16 for the
// next matmul. The cast joins the layer norm's epilogue, not the matmul's
// prologue.
// CHECK-LABEL: func @layer_norm_cast_matmul
func.func @layer_norm_cast_matmul(%x: tensor<16x768xf32>, %g: tensor<768xf32>,
                                  %w: tensor<768x2304xbf16>) -> tensor<16x2304xbf16> {
  // CHECK: %[[LN:.*]] = tfc.fusion "layer_norm"
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.layer_norm
  // CHECK-NEXT: tfc.cast
  // CHECK-NEXT: tfc.yield
  // CHECK: tfc.matmul %[[LN]]
  %0 = tfc.layer_norm %x, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32} : (tensor<16x768xf32>, tensor<768xf32>) -> tensor<16x768xf32>
  %1 = tfc.cast %0 : tensor<16x768xf32> to tensor<16x768xbf16>
  %2 = tfc.matmul %1, %w : (tensor<16x768xbf16>, tensor<768x2304xbf16>) -> tensor<16x2304xbf16>
  return %2 : tensor<16x2304xbf16>
}

// -----

// A cast of a graph input has no producer to join, and the matmul does not
// take it either.
// CHECK-LABEL: func @cast_matmul
// CHECK-SAME: (%[[X:.*]]: tensor<16x768xf32>, %[[W:.*]]: tensor<768x768xbf16>)
func.func @cast_matmul(%x: tensor<16x768xf32>, %w: tensor<768x768xbf16>) -> tensor<16x768xbf16> {
  // CHECK: %[[C:.*]] = tfc.cast %[[X]]
  // CHECK-NEXT: tfc.matmul %[[C]], %[[W]]
  %0 = tfc.cast %x : tensor<16x768xf32> to tensor<16x768xbf16>
  %1 = tfc.matmul %0, %w : (tensor<16x768xbf16>, tensor<768x768xbf16>) -> tensor<16x768xbf16>
  return %1 : tensor<16x768xbf16>
}
// REPORT: kept apart: tfc.cast -> tfc.matmul: the tensor-core matmul loads its lhs from memory: computing it here (tfc.cast) would move tfc.matmul to the one thread per output element kernel

// -----

// The flash kernel reads the mask element by element: the where of a mask
// built by where(expand(c), 0, -inf) is its prologue (the expand, read for
// every head, would be slower there).
// CHECK-LABEL: func @mask_prologue
// CHECK-SAME: (%[[Q:.*]]: tensor<8x12x1024x64xbf16>, %[[K:.*]]: tensor<8x12x1024x64xbf16>, %[[V:.*]]: tensor<8x12x1024x64xbf16>, %[[C:.*]]: tensor<1x1x1024x1024xi1>)
func.func @mask_prologue(%q: tensor<8x12x1024x64xbf16>, %k: tensor<8x12x1024x64xbf16>,
                         %v: tensor<8x12x1024x64xbf16>, %c: tensor<1x1x1024x1024xi1>) -> tensor<8x12x1024x64xbf16> {
  // CHECK: %[[E:.*]] = tfc.expand %[[C]]
  // CHECK: tfc.fusion "attention"(%[[E]], %[[Q]], %[[K]], %[[V]])
  // CHECK: tfc.where
  // CHECK-NEXT: tfc.attention
  %zero = tfc.constant dense<0.0> : tensor<bf16>
  %ninf = tfc.constant dense<0xFF80> : tensor<bf16>
  %0 = tfc.expand %c : tensor<1x1x1024x1024xi1> to tensor<8x1x1024x1024xi1>
  %1 = tfc.where %0, %zero, %ninf : (tensor<8x1x1024x1024xi1>, tensor<bf16>, tensor<bf16>) -> tensor<8x1x1024x1024xbf16>
  %2 = tfc.attention %q, %k, %v, mask %1 {scale = 0.125 : f32} : (tensor<8x12x1024x64xbf16>, tensor<8x12x1024x64xbf16>, tensor<8x12x1024x64xbf16>, tensor<8x1x1024x1024xbf16>) -> tensor<8x12x1024x64xbf16>
  return %2 : tensor<8x12x1024x64xbf16>
}

// -----

// An f32 matmul runs one thread per output element and computes its
// operands in place: the cast of its lhs is its prologue.
// CHECK-LABEL: func @f32_matmul_prologue
func.func @f32_matmul_prologue(%x: tensor<32x64xbf16>, %w: tensor<64x8xf32>) -> tensor<32x8xf32> {
  // CHECK: tfc.fusion "matmul"
  // CHECK-NEXT: ^bb0
  // CHECK-NEXT: tfc.cast
  // CHECK-NEXT: tfc.matmul
  %0 = tfc.cast %x : tensor<32x64xbf16> to tensor<32x64xf32>
  %1 = tfc.matmul %0, %w : (tensor<32x64xf32>, tensor<64x8xf32>) -> tensor<32x8xf32>
  return %1 : tensor<32x8xf32>
}
