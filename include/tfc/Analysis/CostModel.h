//===- CostModel.h - bytes, FLOPs and roofline time of kernels --*- C++ -*-===//
//
// The one place in tfc that knows what a kernel costs. For one op (as its
// own kernel), a tfc.fusion, or a candidate group of ops (KernelGroup), it
// gives the minimum HBM traffic (each input read once, each output written
// once; weights count like any input), the FLOPs, and the predicted time on
// the module's #tfc.target:
//
//   time = max(bytes / hbm_bytes_per_second,
//              vector FLOPs / peak_flops_f32 + matrix FLOPs / peak(dtype))
//
// Vector FLOPs (elementwise ops, reductions, norms) run on CUDA cores in the
// compute type (f32, also for 16-bit storage types); matrix FLOPs (matmul,
// attention) run at the peak of their operand type. No GPU number lives
// here: every rate comes from the target attribute.
//
// FLOPs count what the kernels evaluate, not what the ops need: an op inside
// a fusion is evaluated once per element of the loop it sits in, and an
// operand computed by a prologue in front of an anchor is recomputed as
// often as the anchor's kernel reads it (getOperandReads). So fusing an
// expensive chain in front of a matmul shows up as added FLOPs.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_ANALYSIS_COSTMODEL_H
#define TFC_ANALYSIS_COSTMODEL_H

#include "tfc/Analysis/KernelGroup.h"
#include "tfc/Dialect/TfcDialect.h"

namespace mlir::tfc {

/// The roofline inputs of one kernel.
struct KernelCost {
  /// Minimum HBM traffic: every input read once, every output written once.
  int64_t hbmBytes = 0;
  /// FLOPs on CUDA cores (elementwise, reductions), in f32.
  double vectorFlops = 0;
  /// FLOPs on tensor cores (matmul, attention), at `matrixType`'s rate.
  double matrixFlops = 0;
  /// Element type of the matrix work (null when there is none).
  Type matrixType;
  /// Bytes each rank sends (and as many it receives) over the interconnect
  /// in collectives (tfc.all_reduce): a ring all-reduce of B bytes over N
  /// ranks moves 2 (N - 1) / N * B per rank. Not part of the predicted time
  /// (the target describes one GPU, not its links).
  int64_t collectiveBytes = 0;

  double getFlops() const { return vectorFlops + matrixFlops; }
  KernelCost &operator+=(const KernelCost &other);
};

/// Bytes of a ranked tensor in HBM (i1 takes a byte per element).
int64_t getTensorBytes(Type type);

/// FLOPs to compute one element of a pointwise op's result.
/// Transcendentals count 8, divisions and square roots 4; index-mapping ops
/// (transpose, split, gather, ...) count the integer work of remapping the
/// position, 8 per result dimension.
double getFlopsPerElement(Operation *op);

/// How many element evaluations of operand `operandIndex` the kernel family
/// of anchor `op` performs (matmul: every output element reads K elements of
/// each operand; softmax: three passes over the row, two in the online
/// form; ...). This is how often
/// a prologue computing that operand is recomputed.
double getOperandReads(Operation *op, unsigned operandIndex);

class CostModel {
public:
  explicit CostModel(TargetAttr target) : target(target) {}

  /// The model of the #tfc.target of the module enclosing `op`, or a
  /// diagnostic at `op` and failure when there is none.
  static FailureOr<CostModel> forOperation(Operation *op);

  TargetAttr getTarget() const { return target; }

  /// `op` as its own kernel (the one-op fusion tfc-wrap-in-fusions would
  /// make), or, for a tfc.fusion, its body. Kernel-free ops (constants,
  /// parameters, reshapes) cost nothing.
  KernelCost getCost(Operation *op) const;
  /// A candidate group as one kernel.
  KernelCost getCost(const KernelGroup &group) const;

  /// Predicted seconds of a kernel under the roofline.
  double getPredictedSeconds(const KernelCost &cost) const;

private:
  TargetAttr target;
};

} // namespace mlir::tfc

#endif // TFC_ANALYSIS_COSTMODEL_H
