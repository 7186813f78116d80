//===- KernelGroup.h - a set of ops seen as one future kernel ---*- C++ -*-===//
//
// The fusion and rematerialization passes ask the same two questions about
// a candidate group of ops before they build a tfc.fusion: what would it
// read and write (its inputs and outputs), and could a kernel family emit
// it. KernelGroup answers both, for ops still in their block (a candidate)
// and for the body of an existing tfc.fusion, without changing the IR.
//
// Reshapes are views of contiguous buffers: a reshape that is not a member
// is looked through, both when it connects two members (then the value
// never leaves the kernel) and when it carries a member's value to a user
// outside (then the value is an output).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_ANALYSIS_KERNELGROUP_H
#define TFC_ANALYSIS_KERNELGROUP_H

#include "tfc/Dialect/TfcOps.h"

#include "llvm/ADT/DenseSet.h"

#include <functional>
#include <optional>
#include <string>

namespace mlir::tfc {

/// True for ops the pointwise emitter evaluates element by element
/// (elementwise and index-mapping ops); mirrors
/// PointwiseEmitter::isPointwise in lib/Conversion/FusionKernels.
bool isPointwiseOp(Operation *op);

/// True for ops that anchor a kernel family of their own (matmul, softmax,
/// layer_norm, rms_norm, reduce, attention); emitFusionKernel
/// (lib/Conversion/FusionKernels) classifies with it too.
bool isAnchorOp(Operation *op);

/// True for the pointwise ops that read their input at another position
/// (expand, reshape, transpose, slice, concat, split, gather, rope); no
/// kernel family has one in an epilogue (emitFusionKernel checks with it).
bool isIndexMappingOp(Operation *op);

/// True for ops that never need a kernel: constants, parameters, reshapes.
bool isKernelFreeOp(Operation *op);

/// The ONNX node name a location carries: a NameLoc's, or the first one a
/// FusedLoc holds (an op raised from several nodes, such as attention).
/// Kernels are named after it in tfc-tile's report and in the launch costs.
std::optional<StringRef> getNodeName(Location loc);

/// True for a tfc.constant whose value is one repeated element: fusions
/// clone it into their body instead of reading it.
bool isSplatConstant(Value value);

/// Follows `value` up through reshapes that are not in `members` and returns
/// the value they view.
Value lookThroughReshapes(Value value,
                          const llvm::DenseSet<Operation *> &members);

/// Which kernel family could emit a group, or why none can.
struct KernelShape {
  enum class Family { Pointwise, Anchored, None };
  Family family = Family::None;
  /// The anchor of an Anchored group.
  Operation *anchor = nullptr;
  /// Why no family can emit the group (Family::None).
  std::string reason;

  bool isEmittable() const { return family != Family::None; }
  /// The kernel family's name: the anchor op's name, else "pointwise".
  StringRef getKindName() const;
};

class KernelGroup {
public:
  /// Ops of one block considered as one kernel. An output is a member
  /// result with a user that is not a member (or the function return),
  /// unless `isOutput` says otherwise.
  explicit KernelGroup(ArrayRef<Operation *> members,
                       std::function<bool(Value)> isOutput = nullptr);

  /// The body of an existing fusion: its body ops are the members, its block
  /// arguments the inputs, the yielded values the outputs.
  static KernelGroup ofFusion(FusionOp fusion);

  /// Members in block order.
  ArrayRef<Operation *> getMembers() const { return members; }
  bool contains(Operation *op) const { return memberSet.contains(op); }

  /// True when the group writes `value` (a member result) to memory.
  bool isOutput(Value value) const;
  /// Member results the group writes, in block order.
  SmallVector<Value> getOutputs() const;
  /// Distinct values the group reads from memory, in order of first use:
  /// operands of members defined outside the group (seen through reshapes,
  /// so that two views of one buffer count once), except splat constants.
  SmallVector<Value> getInputs() const;

  /// Calls `fn` for every use of `value` by a member, looking through
  /// reshapes that are not members.
  void forEachMemberUse(Value value,
                        llvm::function_ref<void(OpOperand &)> fn) const;
  /// True when `value` has a user outside the group (looking through
  /// reshapes that are not members).
  bool hasUseOutside(Value value) const;
  /// True when the kernel would read `operand` (an operand of a member) from
  /// memory, as a kernel argument: no member computes it (seen through
  /// reshapes that are not members) and it is not a splat constant, which
  /// the fusion clones into its body.
  bool isReadFromMemory(Value operand) const;

  /// Which kernel family could emit the group (see FusionKernels.cpp):
  /// only pointwise ops; or exactly one anchor with pointwise ops computing
  /// its operands (a prologue) and, with `allowEpilogues`, elementwise ops
  /// of the anchor's result shape applied to its result (an epilogue); the
  /// outputs are the anchor's result or epilogue values. With a `target`,
  /// a prologue is also refused where it would move the anchor off its
  /// fast family on that target (KernelFamilyRules.h): an operand the
  /// tensor-core matmul or the flash attention loads only from a kernel
  /// argument must not be computed by a member.
  KernelShape classify(bool allowEpilogues = true,
                       TargetAttr target = {}) const;

private:
  SmallVector<Operation *> members;
  llvm::DenseSet<Operation *> memberSet;
  std::function<bool(Value)> isOutputOverride;
  FusionOp fusion;
};

} // namespace mlir::tfc

#endif // TFC_ANALYSIS_KERNELGROUP_H
