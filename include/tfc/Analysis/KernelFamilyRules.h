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

/// Whether `op` runs as the flash kernel on tensor cores: sm_80+, no ALiBi,
/// 16-bit q, k and v of one type read from kernel arguments, head dims
/// multiples of 16 up to 256, non-empty sequences. The mask is read
/// element by element, so a prologue may compute it.
bool isFlashAttention(TargetAttr target, AttentionOp op,
                      OperandSource isKernelArgument);

/// When the family `anchor` gets on `target` with every operand read from
/// a kernel argument (the tensor-core matmul, the flash attention) loads
/// some operands only from kernel arguments, returns their indices; empty
/// when its family computes every operand in place (pointwise prologues
/// cost only their recomputation).
SmallVector<unsigned> getArgumentOnlyOperands(TargetAttr target,
                                              Operation *anchor);

} // namespace mlir::tfc

#endif // TFC_ANALYSIS_KERNELFAMILYRULES_H
