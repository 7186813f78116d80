// A wgmma tile pinned by hand is checked by tfc-tile and kept, and the
// codegen honours it (errors: invalid.mlir).
// RUN: tfc-opt %s --tfc-set-target=preset=sm_90a --tfc-tile | FileCheck %s --check-prefix=SM90
// RUN: tfc-opt %s --tfc-set-target=preset=sm_90a --tfc-tile --tfc-test-emit-fusion-kernels=tensor-maps=true | FileCheck %s --check-prefix=KERNEL

// Split 3 at M = 16 (the chooser would take 64 x 64 split 3): 9 tiles of
// 64 x 256, 27 blocks in clusters of 3.
// SM90-LABEL: func.func @pinned_split
// SM90: tfc.tile = array<i64: 64, 256, 2, 0, 3>
// KERNEL-LABEL: gpu.func @pinned_split_0
// KERNEL-SAME: known_cluster_size = array<i32: 3, 1, 1>
// KERNEL-SAME: tfc.grid = array<i64: 27, 1, 1>
func.func @pinned_split(%a: tensor<16x768xbf16>, %b: tensor<768x2304xbf16>) -> tensor<16x2304xbf16> {
  %0 = tfc.fusion "matmul" (%a, %b) : (tensor<16x768xbf16>, tensor<768x2304xbf16>) -> tensor<16x2304xbf16> {
  ^bb0(%x: tensor<16x768xbf16>, %y: tensor<768x2304xbf16>):
    %1 = tfc.matmul %x, %y {tfc.tile = array<i64: 64, 256, 2, 0, 3>} : (tensor<16x768xbf16>, tensor<768x2304xbf16>) -> tensor<16x2304xbf16>
    tfc.yield %1 : tensor<16x2304xbf16>
  }
  return %0 : tensor<16x2304xbf16>
}
