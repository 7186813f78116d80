// RUN: tfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tfc-plan-memory{alignment=48}))' -verify-diagnostics

// expected-error @+1 {{tfc-plan-memory alignment must be a positive power of two, got 48}}
func.func @bad_alignment(%out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}
