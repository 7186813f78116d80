//===- Kernels.h - reference kernels of the tfc ops, by family --*- C++ -*-===//
//
// Internal to the reference executor: the per-family evaluators that
// Executor.cpp dispatches to, and the indexing helpers they share (row-major
// strides, broadcast strides and a strided multi-operand walk). Each
// evaluator computes in double / int64, writes the result with the op's
// declared result type and rounds it to that type; on failure it emits an
// error at the op and returns failure.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_REFERENCE_KERNELS_H
#define TFC_LIB_REFERENCE_KERNELS_H

#include "tfc/Dialect/TfcOps.h"
#include "tfc/Reference/Executor.h"

namespace mlir::tfc::reference {

using Operands = ArrayRef<const Tensor *>;

//===----------------------------------------------------------------------===//
// Indexing helpers (Tensor.cpp)
//===----------------------------------------------------------------------===//

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape);

/// Strides with which an operand of shape `operand` is read while walking
/// `result` (numpy broadcasting: leading and size-1 dimensions get 0).
SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> operand,
                                      ArrayRef<int64_t> result);

/// Walks `shape` in row-major order and keeps, for each operand, the linear
/// offset `base + sum(index[d] * strides[d])`.
class StridedWalk {
public:
  StridedWalk(ArrayRef<int64_t> shape,
              ArrayRef<SmallVector<int64_t>> operandStrides,
              ArrayRef<int64_t> bases = {});
  int64_t offset(unsigned operand) const { return offsets[operand]; }
  /// Moves to the next element.
  void next();

private:
  SmallVector<int64_t> shape;
  SmallVector<SmallVector<int64_t>> strides;
  SmallVector<int64_t> index;
  SmallVector<int64_t> offsets;
};

/// The result type of `op`'s result `i` as a ranked tensor type.
RankedTensorType resultType(Operation *op, unsigned i = 0);

/// A tensor of `type` whose element `i` is `source`'s element
/// `sourceIndex[i]` (the same element type is assumed).
Tensor gatherElements(const Tensor &source, ArrayRef<int64_t> sourceIndex,
                      RankedTensorType type);

//===----------------------------------------------------------------------===//
// Elementwise (Elementwise.cpp)
//===----------------------------------------------------------------------===//

/// add, sub, mul, div, pow, maximum, minimum, and, or.
FailureOr<Tensor> evaluateBinary(Operation *op, const Tensor &lhs,
                                 const Tensor &rhs);
FailureOr<Tensor> evaluateCompare(CompareOp op, const Tensor &lhs,
                                  const Tensor &rhs);
FailureOr<Tensor> evaluateWhere(WhereOp op, const Tensor &condition,
                                const Tensor &onTrue, const Tensor &onFalse);
/// neg, abs, exp, log, sqrt, rsqrt, reciprocal, tanh, erf, sigmoid, relu,
/// silu, not, gelu.
FailureOr<Tensor> evaluateUnary(Operation *op, const Tensor &input);
FailureOr<Tensor> evaluateCast(CastOp op, const Tensor &input);
/// silu(gate) * up.
FailureOr<Tensor> evaluateSwiglu(SwigluOp op, const Tensor &gate,
                                 const Tensor &up);

//===----------------------------------------------------------------------===//
// Reductions and normalisations (Reductions.cpp)
//===----------------------------------------------------------------------===//

FailureOr<Tensor> evaluateReduce(ReduceOp op, const Tensor &input);
FailureOr<Tensor> evaluateSoftmax(SoftmaxOp op, const Tensor &input);
FailureOr<Tensor> evaluateLayerNorm(LayerNormOp op, const Tensor &input,
                                    const Tensor *scale, const Tensor *bias);
FailureOr<Tensor> evaluateRmsNorm(RmsNormOp op, const Tensor &input,
                                  const Tensor *scale);

//===----------------------------------------------------------------------===//
// Matrix ops (Matrix.cpp)
//===----------------------------------------------------------------------===//

FailureOr<Tensor> evaluateMatmul(MatmulOp op, const Tensor &lhs,
                                 const Tensor &rhs);
FailureOr<Tensor> evaluateAttention(AttentionOp op, const Tensor &query,
                                    const Tensor &key, const Tensor &value,
                                    const Tensor *mask);
FailureOr<Tensor> evaluateRope(RopeOp op, const Tensor &input,
                               const Tensor &cos, const Tensor &sin);
/// The ALiBi slope of each of `numHeads` heads (the ALiBi paper's
/// `get_slopes`, including its rule for head counts that are not powers of
/// two).
SmallVector<double> alibiSlopes(int64_t numHeads);

/// The operands of one tfc.attention and the score of each (query, key)
/// pair, shared by the two-pass reference (Matrix.cpp) and the flash-form
/// reference (OnlineForms.cpp) so that both apply the same scale, masks and
/// ALiBi bias.
class AttentionScores {
public:
  AttentionScores(AttentionOp op, const Tensor &query, const Tensor &key,
                  const Tensor &value, const Tensor *mask);

  /// The score of query row `i` of head `h` against key `j`, or -inf when
  /// the causal or sliding-window mask hides the key.
  double score(int64_t b, int64_t h, int64_t i, int64_t j) const;
  /// The value row of key `j` seen by head `h` (GQA: heads of a group share
  /// one key/value head).
  const double *valueRow(int64_t b, int64_t h, int64_t j) const;

  int64_t batch, heads, kvHeads, group, sq, skv, d, dv;
  bool causal;
  int64_t window;
  /// Query row i sits at position i + shift among the keys.
  int64_t shift;

private:
  const Tensor &query, &key, &value;
  const Tensor *mask;
  double scale;
  SmallVector<double> slopes;
  SmallVector<int64_t> maskStrides;
};

//===----------------------------------------------------------------------===//
// fp8 ops (Quantized.cpp)
//===----------------------------------------------------------------------===//

/// The quantized tensor and its scale.
FailureOr<SmallVector<Tensor>> evaluateDynamicQuantize(DynamicQuantizeOp op,
                                                       const Tensor &input);
FailureOr<Tensor> evaluateScaledMatmul(ScaledMatmulOp op, const Tensor &lhs,
                                       const Tensor &rhs,
                                       const Tensor &lhsScale,
                                       const Tensor &rhsScale);

//===----------------------------------------------------------------------===//
// Structural ops (Structural.cpp)
//===----------------------------------------------------------------------===//

FailureOr<Tensor> evaluateTranspose(TransposeOp op, const Tensor &input);
FailureOr<Tensor> evaluateReshape(ReshapeOp op, const Tensor &input);
FailureOr<Tensor> evaluateExpand(ExpandOp op, const Tensor &input);
FailureOr<Tensor> evaluateSlice(SliceOp op, const Tensor &input);
FailureOr<Tensor> evaluateConcat(ConcatOp op, Operands inputs);
FailureOr<SmallVector<Tensor>> evaluateSplit(SplitOp op, const Tensor &input);
FailureOr<Tensor> evaluateGather(GatherOp op, const Tensor &data,
                                 const Tensor &indices);

} // namespace mlir::tfc::reference

#endif // TFC_LIB_REFERENCE_KERNELS_H
