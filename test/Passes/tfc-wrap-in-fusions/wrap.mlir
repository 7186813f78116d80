// tfc-wrap-in-fusions: every compute op outside a fusion gets a one-op fusion.
// A second run must change nothing (ops inside fusions are not re-wrapped).
// RUN: tfc-opt %s -split-input-file --tfc-wrap-in-fusions | FileCheck %s
// RUN: tfc-opt %s -split-input-file --tfc-wrap-in-fusions --tfc-wrap-in-fusions | FileCheck %s

// CHECK-LABEL: func @single_op
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
func.func @single_op(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: %[[F:.*]] = tfc.fusion "softmax"(%[[X]]) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4x8xf32>):
  // CHECK-NEXT: %[[S:.*]] = tfc.softmax %[[A]] {axis = 1 : i64} : tensor<4x8xf32>
  // CHECK-NEXT: tfc.yield %[[S]] : tensor<4x8xf32>
  // CHECK-NEXT: }
  // CHECK-NEXT: return %[[F]]
  %0 = tfc.softmax %x {axis = 1 : i64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Each op of a chain gets its own fusion, fed by the previous one's result.
// CHECK-LABEL: func @chain
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>)
func.func @chain(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[ADD:.*]] = tfc.fusion "add"(%[[X]], %[[Y]]) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>):
  // CHECK-NEXT: tfc.add %[[A]], %[[B]]
  // CHECK: %[[EXP:.*]] = tfc.fusion "exp"(%[[ADD]]) : (tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: tfc.exp
  // CHECK: return %[[EXP]]
  %0 = tfc.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = tfc.exp %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Constants, parameters and reshapes need no kernel and stay outside; the
// fusion takes them as inputs.
// CHECK-LABEL: func @no_kernel_ops_stay
// CHECK-SAME: (%[[X:.*]]: tensor<2x2xf32>)
func.func @no_kernel_ops_stay(%x: tensor<2x2xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: %[[C:.*]] = tfc.constant dense<1.000000e+00> : tensor<4xf32>
  // CHECK-NEXT: %[[P:.*]] = tfc.parameter "w" : tensor<4xf32>
  // CHECK-NEXT: %[[R:.*]] = tfc.reshape %[[X]] : tensor<2x2xf32> to tensor<4xf32>
  // CHECK-NEXT: %[[M:.*]] = tfc.fusion "mul"(%[[R]], %[[P]])
  // CHECK: %[[A:.*]] = tfc.fusion "add"(%[[M]], %[[C]])
  // CHECK: return %[[A]]
  %c = tfc.constant dense<1.0> : tensor<4xf32>
  %w = tfc.parameter "w" : tensor<4xf32>
  %r = tfc.reshape %x : tensor<2x2xf32> to tensor<4xf32>
  %0 = tfc.mul %r, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = tfc.add %0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// An op inside an existing fusion is left alone; the op after it is wrapped.
// CHECK-LABEL: func @already_fused
func.func @already_fused(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: %[[F:.*]] = tfc.fusion "exp_neg"(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4xf32>):
  // CHECK-NEXT: %[[E:.*]] = tfc.exp %[[A]] : tensor<4xf32>
  // CHECK-NEXT: %[[N:.*]] = tfc.neg %[[E]] : tensor<4xf32>
  // CHECK-NEXT: tfc.yield %[[N]] : tensor<4xf32>
  // CHECK-NEXT: }
  // CHECK-NEXT: %[[G:.*]] = tfc.fusion "tanh"(%[[F]])
  // CHECK-NOT: tfc.fusion
  // CHECK: return %[[G]]
  %0 = tfc.fusion "exp_neg" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %1 = tfc.exp %a : tensor<4xf32>
    %2 = tfc.neg %1 : tensor<4xf32>
    tfc.yield %2 : tensor<4xf32>
  }
  %3 = tfc.tanh %0 : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// A value used twice by one op becomes one fusion input.
// CHECK-LABEL: func @duplicate_operands
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
func.func @duplicate_operands(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: tfc.fusion "mul"(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4xf32>):
  // CHECK-NEXT: tfc.mul %[[A]], %[[A]]
  %0 = tfc.mul %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Duplicates keep the order of first use: (%x, %y, %x) -> inputs (%x, %y).
// CHECK-LABEL: func @duplicate_operands_order
// CHECK-SAME: (%[[C:.*]]: tensor<4xi1>, %[[X:.*]]: tensor<4xf32>)
func.func @duplicate_operands_order(%c: tensor<4xi1>, %x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: tfc.fusion "where"(%[[C]], %[[X]]) : (tensor<4xi1>, tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<4xi1>, %[[B:.*]]: tensor<4xf32>):
  // CHECK-NEXT: tfc.where %[[A]], %[[B]], %[[B]]
  %0 = tfc.where %c, %x, %x : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// An op with several results gives a fusion with several results.
// CHECK-LABEL: func @multiple_results
func.func @multiple_results(%x: tensor<8xf32>) -> (tensor<2xf32>, tensor<6xf32>) {
  // CHECK: %[[F:.*]]:2 = tfc.fusion "split"(%{{.*}}) : (tensor<8xf32>) -> (tensor<2xf32>, tensor<6xf32>) {
  // CHECK: %[[S:.*]]:2 = tfc.split
  // CHECK-NEXT: tfc.yield %[[S]]#0, %[[S]]#1 : tensor<2xf32>, tensor<6xf32>
  // CHECK: return %[[F]]#0, %[[F]]#1
  %0:2 = tfc.split %x {axis = 0 : i64, sizes = array<i64: 2, 6>} : (tensor<8xf32>) -> (tensor<2xf32>, tensor<6xf32>)
  return %0#0, %0#1 : tensor<2xf32>, tensor<6xf32>
}

// -----

// Ops of other dialects are not tfc's to wrap.
// CHECK-LABEL: func @other_dialects
func.func @other_dialects(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NEXT: %[[A:.*]] = arith.addf
  // CHECK-NEXT: return %[[A]]
  %0 = arith.addf %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Attributes of the wrapped op are kept on the clone.
// CHECK-LABEL: func @attributes_kept
func.func @attributes_kept(%a: tensor<2x32x64xf16>, %w: tensor<128x64xf16>) -> tensor<2x32x128xf16> {
  // CHECK: tfc.fusion "matmul"
  // CHECK: tfc.matmul %{{.*}}, %{{.*}} {accumulator_type = f32, transpose_rhs = true}
  %0 = tfc.matmul %a, %w {transpose_rhs = true, accumulator_type = f32}
      : (tensor<2x32x64xf16>, tensor<128x64xf16>) -> tensor<2x32x128xf16>
  return %0 : tensor<2x32x128xf16>
}
