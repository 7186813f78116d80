// After sharding, tfc-fuse's report prices every all-reduce (a ring moves
// 2 (N - 1) / N of the buffer per rank) and totals the collectives per rank.
// RUN: tfc-opt %s --tfc-shard-tensor-parallel="ranks=2 rank=0" --tfc-set-target --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=TP2
// RUN: tfc-opt %s --tfc-shard-tensor-parallel="ranks=4 rank=1" --tfc-set-target --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=TP4
// RUN: tfc-opt %s --tfc-set-target --tfc-fuse=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONE

// 1x4x8 f32 = 128 bytes per all-reduce.
// TP2: tfc-fuse: collective all_reduce of 128 bytes: 128 bytes sent and received per rank
// TP2: tfc-fuse: @main: {{.*}}, collectives 128 bytes per rank
// TP4: tfc-fuse: collective all_reduce of 128 bytes: 192 bytes sent and received per rank
// TP4: tfc-fuse: @main: {{.*}}, collectives 192 bytes per rank
// ONE-NOT: collective
func.func @main(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %wg = tfc.parameter "wg" : tensor<8x16xf32>
  %wu = tfc.parameter "wu" : tensor<8x16xf32>
  %wd = tfc.parameter "wd" : tensor<16x8xf32>
  %g = tfc.matmul %x, %wg : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %s = tfc.silu %g : tensor<1x4x16xf32>
  %u = tfc.matmul %x, %wu : (tensor<1x4x8xf32>, tensor<8x16xf32>) -> tensor<1x4x16xf32>
  %m = tfc.mul %s, %u : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %d = tfc.matmul %m, %wd : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
  %r = tfc.add %x, %d : (tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %r : tensor<1x4x8xf32>
}
