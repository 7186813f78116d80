//===- KernelFamilyRules.h - the kernel family of an anchor -----*- C++ -*-===//
//
// The rules that decide whether a matmul runs on tensor cores and whether an
// attention runs as the flash kernel, in one place for the two sides that
// must agree on them: the codegen (lib/Conversion/FusionKernels), which
// picks the family of a tfc.fusion, and the fusion passes (tfc-fuse,
// tfc-rematerialize through KernelGroup::classify), which must not build a
// group whose anchor would then leave its fast family. The tensor-core and
// flash families copy their operands from kernel arguments into shared
// memory with 16-byte copies (cp.async, TMA), so a prologue computing one of
// those operands inside the kernel sends the anchor to the one thread per
// output element (matmul) or per query row (attention) kernel instead.
//
// Where an operand comes from is the caller's question (OperandSource):
// a block argument of the fusion for the codegen, a value no member of the
// candidate group computes for the fusion passes.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_ANALYSIS_KERNELFAMILYRULES_H
#define TFC_ANALYSIS_KERNELFAMILYRULES_H

#include "tfc/Dialect/TfcOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::tfc {

/// Compute capability of the target's arch as 10 * major + minor (sm_90a ->
/// 90), 0 when the arch string is not of the form sm_<digits>[letter].
int64_t getComputeCapability(TargetAttr target);

/// Whether the target has warp-level tensor-core mma.sync for 16-bit floats
/// (m16n8k16, sm_80 and later).
bool hasMmaSync(TargetAttr target);

/// True when the kernel reads `operand` (an operand of its anchor) straight
/// from a kernel argument, false when the kernel computes it (a prologue).
using OperandSource = llvm::function_ref<bool(Value operand)>;

/// Whether `op` runs on tensor cores (mma.sync, or wgmma + TMA where the
/// codegen also allows it): sm_80+, 16-bit lhs and rhs of one type, an f32
/// accumulator, both operands read from kernel arguments, rows a multiple
/// of 8 elements.
bool isTensorCoreMatmul(TargetAttr target, MatmulOp op,
                        OperandSource isKernelArgument);

/// An operand that a kernel reads in place from a kernel argument: element
/// (i0, ..., in) of the operand is element `offset + sum(ik * strides[k])`
/// of `source`'s row-major buffer.
struct StridedView {
  Value source;
  SmallVector<int64_t> shape, strides;
  int64_t offset = 0;
};

/// Follows `operand` back to a value for which `isKernelArgument` holds
/// through ops that only rename elements: tfc.transpose, tfc.split,
/// tfc.slice with positive steps and tfc.reshape that splits dimensions
/// (never one that merges them). Failure when another op, a dynamic shape
/// or a merging reshape is on the way.
/// With `path`, the ops walked through are appended to it.
FailureOr<StridedView>
getStridedView(Value operand, OperandSource isKernelArgument,
               SmallVectorImpl<Operation *> *path = nullptr);

/// Whether the 16-byte copies of the tensor-core families can read `view`
/// of elements of `elementType` row by row: unit innermost stride, every
/// other stride and the offset whole 16-byte multiples.
bool isCopyableView(const StridedView &view, Type elementType);

/// Whether the flash attention's 16-byte copies can read `operand` (Q, K or
/// V): a kernel argument, or a copyable strided view of one (with `path`,
/// the view's ops are appended to it).
bool isFlashReadable(Value operand, OperandSource isKernelArgument,
                     SmallVectorImpl<Operation *> *path = nullptr);

/// The tfc.rope computing `op`'s query from a flash-readable value, when it
/// does: the flash kernel evaluates it once per block into shared memory
/// (RoPE in the attention prologue), reading its cos and sin element by
/// element. Null otherwise.
RopeOp getFlashQueryRope(AttentionOp op, OperandSource isKernelArgument);

/// Whether `op` runs as the flash kernel on tensor cores: sm_80+, no ALiBi,
/// 16-bit q, k and v of one type read from kernel arguments, head dims
/// multiples of 16 up to 256, non-empty sequences. Q, K and V may be
/// copyable strided views of kernel arguments (getStridedView), so the
/// exporter's head split (split, reshape, transpose) costs no kernel of its
/// own, and Q may be rotated by a tfc.rope of such a view
/// (getFlashQueryRope). The mask is read element by element, so a prologue
/// may compute it.
bool isFlashAttention(TargetAttr target, AttentionOp op,
                      OperandSource isKernelArgument);

/// Whether `transpose`, applied to `anchor`'s result (or to its elementwise
/// epilogue) as the last op before the kernel's store, can be done by
/// storing through a permuted view of the output: the anchor is an
/// attention (its stores go through the pointwise epilogue at the anchor's
/// element positions) and the permutation keeps the last dimension last,
/// so rows stay contiguous.
bool isStoreSideTranspose(Operation *anchor, TransposeOp transpose);

/// When the family `anchor` gets on `target` with every operand read from
/// a kernel argument (the tensor-core matmul, the flash attention) loads
/// some operands only from kernel arguments, returns their indices; empty
/// when its family computes every operand in place (pointwise prologues
/// cost only their recomputation).
SmallVector<unsigned> getArgumentOnlyOperands(TargetAttr target,
                                              Operation *anchor);

} // namespace mlir::tfc

#endif // TFC_ANALYSIS_KERNELFAMILYRULES_H
