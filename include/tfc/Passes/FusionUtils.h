//===- FusionUtils.h - build and dissolve tfc.fusion groups -----*- C++ -*-===//
//
// The IR surgery that tfc-fuse and tfc-rematerialize share: turning a
// KernelGroup of ops into one tfc.fusion, moving a fusion's body back into
// its block, and tidying the block afterwards.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PASSES_FUSIONUTILS_H
#define TFC_PASSES_FUSIONUTILS_H

#include "tfc/Analysis/KernelGroup.h"

namespace mlir::tfc {

/// Replaces the members of `group` (ops of one block) by one tfc.fusion of
/// kind `kind`, placed after the last member. Its inputs are the operands
/// defined outside the group (in order of first use), its results the
/// group's outputs, which replace the members' results outside the group.
/// Reshapes between members and splat constants are cloned into the body.
/// Users of the outputs may now precede the fusion: call
/// sortBlockAndDropDeadViews once all groups are built.
FusionOp buildFusion(const KernelGroup &group, StringRef kind);

/// Moves the body of `fusion` into its block, in front of it, and erases it.
/// Returns the moved ops in block order (without the terminator).
SmallVector<Operation *> inlineFusion(FusionOp fusion);

/// Erases constants and reshapes left without users, then orders `block`
/// topologically (stable: ops already in order keep their places).
void sortBlockAndDropDeadViews(Block &block);

} // namespace mlir::tfc

#endif // TFC_PASSES_FUSIONUTILS_H
