//===- ConstantFolding.h - import-time evaluation of ONNX ops ---*- C++ -*-===//
//
// Evaluates ONNX ops on constants while importing, so that shape-computing
// subgraphs (Shape -> Gather -> Concat -> Reshape, ConstantOfShape, Range,
// Where on int64 shapes, causal masks built from comparisons) become
// constants and every tfc op gets static shapes. Tensors are unpacked into
// int64 (integers and i1) or double (floats) vectors; results are rounded to
// their element type when packed back into a DenseElementsAttr.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_IMPORT_ONNX_CONSTANTFOLDING_H
#define TFC_LIB_IMPORT_ONNX_CONSTANTFOLDING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace mlir::tfc::onnx_import {

/// Constants are evaluated at import time up to this many elements; larger
/// results stay ops (and the evaluators refuse them).
constexpr int64_t kMaxFoldedElements = 1 << 20;

/// True when a tensor of `shape` has at most kMaxFoldedElements elements.
bool isFoldableSize(ArrayRef<int64_t> shape);

/// A constant tensor unpacked for evaluation.
struct HostTensor {
  SmallVector<int64_t> shape;
  Type elementType;
  /// Elements when the element type is an integer or i1.
  std::vector<int64_t> ints;
  /// Elements when the element type is a float.
  std::vector<double> floats;

  /// Unpacks `attr`; integers are sign-extended to int64, or zero-extended
  /// when `isUnsigned` (ONNX UINT* values in tfc's signless types).
  static HostTensor fromAttr(DenseElementsAttr attr, bool isUnsigned = false);
  static HostTensor fromInts(ArrayRef<int64_t> shape, Type elementType,
                             std::vector<int64_t> values);
  static HostTensor fromFloats(ArrayRef<int64_t> shape, Type elementType,
                               std::vector<double> values);
  DenseElementsAttr toAttr() const;

  bool isFloat() const { return isa<FloatType>(elementType); }
  int64_t getNumElements() const;
  /// Element `i` as a double (integers converted).
  double getDouble(int64_t i) const {
    return isFloat() ? floats[i] : static_cast<double>(ints[i]);
  }
};

enum class BinaryKind {
  Add, Sub, Mul, Div, Pow, Max, Min,
  Equal, Less, LessOrEqual, Greater, GreaterOrEqual,
  And, Or, Xor,
  /// Integer remainder with the divisor's sign (ONNX Mod, fmod = 0).
  Mod,
  /// Remainder with the dividend's sign (ONNX Mod, fmod = 1; C's fmod).
  Fmod
};

enum class UnaryKind {
  Neg, Abs, Not, Sqrt, Reciprocal, Exp, Log, Tanh, Erf, Sigmoid, Relu, Cos, Sin,
  Floor, Ceil, Sign
};

/// Elementwise binary op with ONNX broadcasting. Empty when the shapes do
/// not broadcast, the result would be too large, or it cannot be computed
/// exactly (integer division by zero, negative integer powers).
std::optional<HostTensor> evaluateBinary(BinaryKind kind, const HostTensor &lhs,
                                         const HostTensor &rhs);
/// Elementwise unary op; empty for kinds that do not apply to the type.
std::optional<HostTensor> evaluateUnary(UnaryKind kind,
                                        const HostTensor &input);
/// `condition ? onTrue : onFalse` with broadcasting; empty as for
/// evaluateBinary.
std::optional<HostTensor> evaluateWhere(const HostTensor &condition,
                                        const HostTensor &onTrue,
                                        const HostTensor &onFalse);
/// Converts to `elementType` (float -> int truncates, x -> i1 is x != 0).
HostTensor evaluateCast(const HostTensor &input, Type elementType);
/// Broadcasts `input` to `shape` (already validated).
HostTensor evaluateBroadcast(const HostTensor &input, ArrayRef<int64_t> shape);
/// Gathers along `axis` with normalised, in-range indices.
HostTensor evaluateGather(const HostTensor &data, const HostTensor &indices,
                          int64_t axis);
/// ONNX GatherElements along `axis`: `indices` has the rank of `data`, its
/// dims fit in data's off `axis`, and its (possibly negative) values are in
/// range (all validated).
HostTensor evaluateGatherElements(const HostTensor &data,
                                  const HostTensor &indices, int64_t axis);
/// Matrix product of operands of rank 2 or more with broadcast batch dims
/// (numpy's matmul), accumulated in double (int64 for integers). Empty when
/// the shapes do not fit or the result or the work is too large.
std::optional<HostTensor> evaluateMatMul(const HostTensor &lhs,
                                         const HostTensor &rhs);
HostTensor evaluateConcat(ArrayRef<HostTensor> inputs, int64_t axis);
/// Strided slice; `steps` may be negative (reversal).
HostTensor evaluateSlice(const HostTensor &input, ArrayRef<int64_t> starts,
                         ArrayRef<int64_t> sizes, ArrayRef<int64_t> steps);
HostTensor evaluateTranspose(const HostTensor &input,
                             ArrayRef<int64_t> permutation);
/// Reduction over sorted, normalised `axes` (kinds: sum, mean, max, min,
/// prod, as in tfc::ReduceKind).
HostTensor evaluateReduce(const HostTensor &input, ArrayRef<int64_t> axes,
                          bool keepDims, StringRef kind);

/// Row-major strides of `shape`.
SmallVector<int64_t> getStrides(ArrayRef<int64_t> shape);

} // namespace mlir::tfc::onnx_import

#endif // TFC_LIB_IMPORT_ONNX_CONSTANTFOLDING_H
