//===- KernelTiles.h - the tiles each fusion's kernel will use --*- C++ -*-===//
//
// The graph-level entry to the kernel families' tile choosers
// (lib/Conversion/FusionKernels/KernelConfig.h), for tfc-tile: which op of
// a tfc.fusion anchors its kernel, whether that kernel takes tiles, and the
// tiles it will use on a target, written as `tfc.tile` on the anchor
// (layouts in tfc/Dialect/KernelForms.h) so the codegen reads them back.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CONVERSION_KERNELTILES_H
#define TFC_CONVERSION_KERNELTILES_H

#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Dialect/TfcOps.h"

namespace mlir::tfc {

/// Chooses the tiles of the kernel `fusion` becomes on `target`, exactly as
/// its kernel family will, and records them as `tfc.tile` on the anchor op.
/// A `tfc.tile` already there (pinned) is checked instead and kept. Returns
/// the anchor, or null when the kernel takes no tiles (pointwise kernels,
/// reductions, matmul and attention off tensor cores); fails with an error
/// at the op when a pinned tile breaks a rule or does not fit the target.
/// `wgmma`: 16-bit matmuls on sm_90a get the wgmma + TMA family's tiles
/// (their kernels will take tensor maps), else the mma.sync family's.
FailureOr<Operation *> recordKernelTiles(FusionOp fusion, TargetAttr target,
                                         bool wgmma = true);

} // namespace mlir::tfc

#endif // TFC_CONVERSION_KERNELTILES_H
