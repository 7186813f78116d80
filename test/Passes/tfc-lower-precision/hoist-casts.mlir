// tfc-lower-precision step 4: with keep-residual-f32, a norm on the f32
// residual stream that reaches its bf16 matmul through a reshape (the GPT-2
// exports flatten [B, S, H] to [B*S, H]) gets its cast to bf16 in front of
// the reshape, so the cast joins the norm's kernel (GPT-2 124M B1xS16: 24
// standalone cast kernels before). The widening cast of the matmul result
// back to the f32 stream stays behind its reshape, next to the residual add
// that reads it.
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 keep-residual-f32" | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-lower-precision="dtype=bf16 keep-residual-f32" --tfc-fold-weight-casts --tfc-set-target --tfc-fuse --tfc-wrap-in-fusions | FileCheck %s --check-prefix=FUSED

// CHECK-LABEL: func @pre_ln_block_flattened
// CHECK-SAME: (%[[H:.*]]: tensor<1x16x64xf32>
// CHECK: %[[N:.*]] = tfc.layer_norm %[[H]], {{.*}} -> tensor<1x16x64xf32>
// CHECK-NEXT: %[[NB:.*]] = tfc.cast %[[N]] : tensor<1x16x64xf32> to tensor<1x16x64xbf16>
// CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[NB]] : tensor<1x16x64xbf16> to tensor<16x64xbf16>
// CHECK: %[[P:.*]] = tfc.matmul %[[R]], %{{.*}} {accumulator_type = f32} : (tensor<16x64xbf16>, tensor<64x64xbf16>) -> tensor<16x64xbf16>
// CHECK-NEXT: %[[P3:.*]] = tfc.reshape %[[P]] : tensor<16x64xbf16> to tensor<1x16x64xbf16>
// CHECK-NEXT: %[[PF:.*]] = tfc.cast %[[P3]] : tensor<1x16x64xbf16> to tensor<1x16x64xf32>
// CHECK-NEXT: tfc.add %[[H]], %[[PF]] : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
// No cast kernel: the cast is in the norm's kernel.
// FUSED-LABEL: func @pre_ln_block_flattened
// FUSED-NOT: tfc.fusion "cast"
// FUSED: tfc.fusion "layer_norm"
// FUSED: tfc.layer_norm
// FUSED-NEXT: tfc.cast %{{.*}} : tensor<1x16x64xf32> to tensor<1x16x64xbf16>
// FUSED-NOT: tfc.fusion "cast"
// FUSED: return
func.func @pre_ln_block_flattened(%h: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<1x16x64xf32> {
  %w = tfc.parameter "fc" : tensor<64x64xf32>
  %n = tfc.layer_norm %h, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %r = tfc.reshape %n : tensor<1x16x64xf32> to tensor<16x64xf32>
  %p = tfc.matmul %r, %w : (tensor<16x64xf32>, tensor<64x64xf32>) -> tensor<16x64xf32>
  %p3 = tfc.reshape %p : tensor<16x64xf32> to tensor<1x16x64xf32>
  %o = tfc.add %h, %p3 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %o : tensor<1x16x64xf32>
}

// -----

// Near miss: the flattened norm output is also returned in f32, so the
// reshape has another reader and the cast stays behind it.
// CHECK-LABEL: func @reshape_also_returned
// CHECK: %[[R:.*]] = tfc.reshape %{{.*}} : tensor<1x16x64xf32> to tensor<16x64xf32>
// CHECK-NEXT: tfc.cast %[[R]] : tensor<16x64xf32> to tensor<16x64xbf16>
func.func @reshape_also_returned(%h: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> (tensor<1x16x64xf32>, tensor<16x64xf32>) {
  %w = tfc.parameter "fc" : tensor<64x64xf32>
  %n = tfc.layer_norm %h, %g, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
  %r = tfc.reshape %n : tensor<1x16x64xf32> to tensor<16x64xf32>
  %p = tfc.matmul %r, %w : (tensor<16x64xf32>, tensor<64x64xf32>) -> tensor<16x64xf32>
  %p3 = tfc.reshape %p : tensor<16x64xf32> to tensor<1x16x64xf32>
  %o = tfc.add %h, %p3 : (tensor<1x16x64xf32>, tensor<1x16x64xf32>) -> tensor<1x16x64xf32>
  return %o, %r : tensor<1x16x64xf32>, tensor<16x64xf32>
}
