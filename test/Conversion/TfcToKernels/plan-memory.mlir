// RUN: tfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tfc-plan-memory))' | FileCheck %s
// RUN: tfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tfc-plan-memory{alignment=1024}))' | FileCheck %s --check-prefix=ALIGN
// RUN: tfc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tfc-plan-memory{report=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// With report: one line per planned function; nothing for @nothing.
// REPORT: tfc-plan-memory: @chain: 3 buffers, intermediates 12288 bytes -> arena 8192 bytes (66.7%)
// REPORT-NEXT: tfc-plan-memory: @view_keeps_alive: 2 buffers, intermediates 512 bytes -> arena 512 bytes (100.0%)
// REPORT-NOT: tfc-plan-memory

// Three buffers in a chain: %a dies when %c is written, so %c reuses %a's
// bytes; %b overlaps both and gets its own range.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: tfc.arena_bytes = 8192 : i64, tfc.unplanned_bytes = 12288 : i64
// CHECK: %[[ARENA:.*]] = memref.alloc() {tfc.arena} : memref<8192xi8>
// CHECK: %[[O1:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[O1]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: %[[O2:.*]] = arith.constant 4096 : index
// CHECK: memref.view %[[ARENA]][%[[O2]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: %[[O3:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[O3]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK-NOT: memref.alloc()
func.func @chain(%in: memref<1024xf32>, %out: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  memref.copy %in, %a : memref<1024xf32> to memref<1024xf32>
  %b = memref.alloc() : memref<1024xf32>
  memref.copy %a, %b : memref<1024xf32> to memref<1024xf32>
  %c = memref.alloc() : memref<1024xf32>
  memref.copy %b, %c : memref<1024xf32> to memref<1024xf32>
  memref.copy %c, %out : memref<1024xf32> to memref<1024xf32>
  return
}

// -----

// A buffer used through a view stays live until the view's last use.
// CHECK-LABEL: func.func @view_keeps_alive
// CHECK-SAME: tfc.arena_bytes = 512 : i64
// ALIGN-LABEL: func.func @view_keeps_alive
// ALIGN-SAME: tfc.arena_bytes = 2048 : i64
func.func @view_keeps_alive(%in: memref<64xf32>, %out: memref<64xf32>) {
  %a = memref.alloc() : memref<8x8xf32>
  %v = memref.reinterpret_cast %a to offset: [0], sizes: [64], strides: [1] : memref<8x8xf32> to memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  memref.copy %in, %b : memref<64xf32> to memref<64xf32>
  memref.copy %b, %v : memref<64xf32> to memref<64xf32>
  memref.copy %v, %out : memref<64xf32> to memref<64xf32>
  return
}

// -----

// Nothing to plan: the function is unchanged.
// CHECK-LABEL: func.func @nothing
// CHECK-NOT: tfc.arena
func.func @nothing(%in: memref<4xf32>, %out: memref<4xf32>) {
  memref.copy %in, %out : memref<4xf32> to memref<4xf32>
  return
}
