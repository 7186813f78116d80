//===- Executor.h - CPU reference executor for tfc IR -----------*- C++ -*-===//
//
// The reference executor runs a `func.func` of tfc ops on the CPU, one op at a
// time, and is the numerical ground truth of the compiler: the importer is
// checked against onnxruntime through it, every graph pass is checked to
// preserve its results, and GPU kernels are compared against it.
//
// Numerics: every floating type is computed in double; at the end of each op
// the result is rounded (to nearest even) to the op's declared element type,
// so an f16/bf16 graph gives the values a precise implementation of that
// precision would give. Integers are computed as int64 and wrapped to their
// declared width; i1 is a bool held as 0/1.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_REFERENCE_EXECUTOR_H
#define TFC_REFERENCE_EXECUTOR_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::tfc::reference {

/// A host tensor: a ranked, statically shaped tensor type and its elements in
/// row-major (C) order. Float element types keep their values in `floats`
/// (already rounded to the element type), integer element types in `ints`
/// (sign-extended from their width; i1 as 0 or 1). The other vector is empty.
struct Tensor {
  RankedTensorType type;
  std::vector<double> floats;
  std::vector<int64_t> ints;

  Tensor() = default;
  /// A zero-filled tensor of `type` (which must have a static shape).
  explicit Tensor(RankedTensorType type);

  ArrayRef<int64_t> getShape() const { return type.getShape(); }
  Type getElementType() const { return type.getElementType(); }
  int64_t getRank() const { return type.getRank(); }
  int64_t getNumElements() const { return type.getNumElements(); }
  /// Whether the elements are held in `floats`.
  bool isFloat() const { return isa<FloatType>(getElementType()); }
  /// Element `i` (row-major) as a double, whatever the element type.
  double getAsDouble(int64_t i) const {
    return isFloat() ? floats[i] : static_cast<double>(ints[i]);
  }
};

/// Whether the executor can hold elements of `type`: float types no wider
/// than f64 and signless integers up to 64 bits (i1 included).
bool isSupportedElementType(Type type);

/// Rounds `value` to the nearest value of the float type `type` (ties to
/// even); f64 returns `value` unchanged.
double roundToFloatType(double value, FloatType type);

/// Wraps `value` to the width of the integer type `type` (two's complement,
/// sign-extended back to int64); i1 keeps the low bit as 0 or 1.
int64_t wrapToIntegerType(int64_t value, IntegerType type);

/// Rounds or wraps every element of `tensor` to its element type.
void roundToElementType(Tensor &tensor);

/// Reads the elements of an attribute (`DenseElementsAttr`, including
/// splats, or `DenseResourceElementsAttr` with its blob loaded). On failure
/// returns a message saying why (e.g. a `dense_resource` whose blob is
/// missing from the file).
FailureOr<Tensor> tensorFromAttr(ElementsAttr attr, std::string &error);

/// Runs `func` on `inputs` (one per argument, of exactly the argument types)
/// and returns one tensor per result. Ops inside `tfc.fusion` regions are
/// evaluated from their bodies. Every failure (an unsupported op, an external
/// parameter, an out-of-range gather index, an input of the wrong type) is
/// emitted as an error diagnostic at the location of the op or function it
/// concerns; the executor never aborts on bad IR or data.
FailureOr<SmallVector<Tensor>> execute(func::FuncOp func,
                                       ArrayRef<Tensor> inputs);

/// Evaluates one op (a tfc op, possibly a `tfc.fusion`) on operand values;
/// emits an error at the op's location and fails if it cannot.
FailureOr<SmallVector<Tensor>> evaluateOp(Operation *op,
                                          ArrayRef<Tensor> operands);

/// Runs the programs of the ranks of a tensor-parallel group, `funcs[r]`
/// being rank r's (tfc-shard-tensor-parallel's output), on the same
/// `inputs`: each rank runs until its next `tfc.all_reduce`; when all wait
/// at one, the partials are summed in rank order and each continues with
/// the sum. Returns every rank's results. Programs that do not meet at the
/// same collectives are an error at the op where they part.
FailureOr<SmallVector<SmallVector<Tensor>>>
executeRanks(ArrayRef<func::FuncOp> funcs, ArrayRef<Tensor> inputs);

} // namespace mlir::tfc::reference

#endif // TFC_REFERENCE_EXECUTOR_H
