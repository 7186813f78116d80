// tfc-shard-tensor-parallel: invalid options and a module sharded twice.
// RUN: not tfc-opt %s --tfc-shard-tensor-parallel="ranks=2 rank=2" 2>&1 | FileCheck %s --check-prefix=RANK
// RUN: not tfc-opt %s --tfc-shard-tensor-parallel="ranks=0" 2>&1 | FileCheck %s --check-prefix=RANKS
// RUN: not tfc-opt %s --tfc-shard-tensor-parallel="ranks=2 rank=0" --tfc-shard-tensor-parallel="ranks=2 rank=0" 2>&1 | FileCheck %s --check-prefix=TWICE

// RANK: error: tfc-shard-tensor-parallel needs ranks >= 1 and 0 <= rank < ranks, got ranks=2 rank=2
// RANKS: error: tfc-shard-tensor-parallel needs ranks >= 1 and 0 <= rank < ranks, got ranks=0 rank=0
// TWICE: error: the module is already sharded for tensor parallelism (it has tfc.tensor_parallel)
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
