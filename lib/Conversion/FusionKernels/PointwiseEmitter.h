//===- PointwiseEmitter.h - per-element evaluation of fusion bodies -*- C++
//-*-===//
//
// Every kernel family reads its operands element by element, and a fusion
// body may compute those operands with elementwise and index-mapping ops
// (broadcasting arithmetic, casts, activations, expand, reshape, transpose,
// slice, concat, split, gather, rope). PointwiseEmitter turns "the value of
// tensor %v at this element" into scalar arith/math/memref ops: body
// arguments become loads from the kernel's memref arguments, elementwise ops
// become scalar math at the same element, index-mapping ops evaluate their
// input at a remapped element. Scalars are kept in a compute type (f32 for
// 16-bit floats) and memoised per element position, so a chain of
// elementwise ops is one load per input and one store per result.
//
// The elementwise rules live in ElementwiseKernels.cpp, the index-mapping
// rules in StructuralKernels.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_LIB_CONVERSION_FUSIONKERNELS_POINTWISEEMITTER_H
#define TFC_LIB_CONVERSION_FUSIONKERNELS_POINTWISEEMITTER_H

#include "tfc/Analysis/KernelFamilyRules.h"
#include "tfc/Conversion/FusionKernels.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::tfc {

//===----------------------------------------------------------------------===//
// Scalar types
//===----------------------------------------------------------------------===//

/// The type scalars of `elementType` are computed in: f32 for floats narrower
/// than 32 bits, the element type otherwise.
Type getComputeType(Type elementType);

/// Converts a loaded scalar to its compute type (extf for 16-bit floats).
Value toComputeType(OpBuilder &b, Location loc, Value stored);

/// Converts a compute-type scalar to `elementType` for storing (truncf for
/// 16-bit floats).
Value toStorageType(OpBuilder &b, Location loc, Value computed,
                    Type elementType);

/// Converts compute-type scalar `x` of element type `from` to element type
/// `to` with tfc.cast semantics, returning `to`'s compute type: float ->
/// float rounds to nearest even, float -> int truncates toward zero,
/// int -> float rounds, x -> i1 is x != 0, i1 -> number is 0 or 1.
Value convertScalar(OpBuilder &b, Location loc, Value x, Type from, Type to);

/// A float constant of float type `type`.
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);

/// Merges two running (max, sum) pairs of the online softmax: each sum is
/// rescaled by exp(its max - the new max), against a finite pivot so that a
/// state that has seen only -inf stays (-inf, 0).
std::pair<Value, Value> mergeOnline(OpBuilder &b, Location loc, Value max,
                                    Value sum, Value otherMax, Value otherSum);

//===----------------------------------------------------------------------===//
// Element positions
//===----------------------------------------------------------------------===//

struct ElementIndex;

/// `width` consecutive elements along the last dimension evaluated together
/// (the lanes of one thread's 16-byte access). Lane 0 sits at a last-dim
/// index that is a multiple of `width`, and the last dimension is a multiple
/// of `width`, so an operand that does not broadcast along the last
/// dimension is read with one aligned vector load per group (cached here)
/// and an operand that does broadcast along it with one scalar load.
struct VectorGroup {
  int64_t width = 1;
  /// Per-dimension indices of lane 0.
  SmallVector<Value> baseIndices;
  /// Row-major linear position of lane 0, when known.
  Value baseLinear;
  DenseMap<Value, Value> vectorLoads;  // kernel argument -> vector
  DenseMap<Value, Value> uniformLoads; // kernel argument -> scalar
};

/// One element position over `shape`, at which tensor values whose shapes
/// broadcast to `shape` are evaluated. Holds the row-major linear position,
/// the per-dimension indices, or both; the missing form is computed on first
/// use. Scalars emitted at this position are memoised in `cache`.
///
/// All uses of one ElementIndex must be emitted in the same block (or blocks
/// it dominates): code that branches makes a fresh ElementIndex per branch.
struct ElementIndex {
  SmallVector<int64_t> shape;
  Value linear;
  SmallVector<Value> indices;
  DenseMap<Value, Value> cache;
  /// Set for the lanes of a VectorGroup (see makeLanes).
  VectorGroup *group = nullptr;
  int64_t lane = 0;

  static ElementIndex fromLinear(ArrayRef<int64_t> shape, Value linear) {
    ElementIndex at;
    at.shape.assign(shape.begin(), shape.end());
    at.linear = linear;
    return at;
  }
  static ElementIndex fromIndices(ArrayRef<int64_t> shape, ValueRange indices) {
    ElementIndex at;
    at.shape.assign(shape.begin(), shape.end());
    at.indices.assign(indices.begin(), indices.end());
    return at;
  }

  /// Per-dimension indices (computed from `linear` on first use).
  ArrayRef<Value> getIndices(OpBuilder &b, Location loc);
  /// Row-major linear position (computed from `indices` on first use).
  Value getLinear(OpBuilder &b, Location loc);
  /// The indices of this position projected onto `shape`, which must
  /// broadcast to this position's shape.
  SmallVector<Value> projectTo(OpBuilder &b, Location loc,
                               ArrayRef<int64_t> shape);
};

/// The `group.width` lanes starting at `base` (whose last-dim index must be
/// a multiple of the width; `base.shape.back()` too). `group` must outlive
/// the lanes. With width 1 the single lane is `base` itself.
SmallVector<ElementIndex> makeLanes(OpBuilder &b, Location loc,
                                    ElementIndex base, VectorGroup &group);

/// The largest number of elements of `elementType` (at most 16 bytes, a
/// power of two) that divides `lastDim`; 1 for i1 and odd sizes.
int64_t vectorWidthFor(Type elementType, int64_t lastDim);

//===----------------------------------------------------------------------===//
// PointwiseEmitter
//===----------------------------------------------------------------------===//

class PointwiseEmitter {
public:
  PointwiseEmitter(FusionOp fusion, gpu::GPUFuncOp func)
      : fusion(fusion), func(func) {}

  /// True for ops PointwiseEmitter evaluates element by element.
  static bool isPointwise(Operation *op);

  /// Emits the scalar of `tensor` (a value of the fusion body) at `at`, in
  /// `getComputeType` of its element type. `tensor`'s shape must broadcast to
  /// `at.shape`. Fails with a diagnostic on an op it cannot evaluate.
  FailureOr<Value> emit(OpBuilder &b, Value tensor, ElementIndex &at);

  /// Emits the scalar of `tensor` at `indices` (one per dimension of its
  /// own shape), with a fresh memo.
  FailureOr<Value> emitAt(OpBuilder &b, Value tensor, ValueRange indices);

  /// Stores the compute-type `scalar` into fusion result `resultNumber` at
  /// `at` (whose shape is the result's shape).
  void storeResult(OpBuilder &b, Location loc, Value scalar,
                   unsigned resultNumber, ElementIndex &at);

  /// Stores one compute-type scalar per lane into fusion result
  /// `resultNumber`: one aligned vector store when the lanes form a group of
  /// more than one element, scalar stores otherwise.
  void storeResultLanes(OpBuilder &b, Location loc, ArrayRef<Value> scalars,
                        unsigned resultNumber,
                        MutableArrayRef<ElementIndex> lanes);

  /// Evaluates every fusion result at `lanes` (positions over the results'
  /// shape; see makeLanes) and stores it. Values already in the lanes'
  /// memo (an anchor's result, seeded by its kernel family) are not
  /// recomputed: that is how an elementwise epilogue runs on an anchor's
  /// result before the store.
  /// With `only` non-empty, just those results.
  LogicalResult emitAndStoreResults(OpBuilder &b, Location loc,
                                    MutableArrayRef<ElementIndex> lanes,
                                    ArrayRef<unsigned> only = {});

  /// The kernel argument that holds body argument `i`, and fusion result `i`.
  Value getInputBuffer(unsigned i) { return func.getArgument(i); }
  Value getResultBuffer(unsigned i) {
    return func.getArgument(fusion.getInputs().size() + i);
  }

  /// A memref over kernel buffer `buffer` with `view`'s shape, strides and
  /// offset (`view.source` is not used), created at the kernel entry.
  Value createView(Value buffer, const StridedView &view);
  /// createView over the kernel argument of `view.source` (a block argument
  /// of the fusion body): an operand read in place.
  Value getInputView(const StridedView &view) {
    return createView(
        getInputBuffer(cast<BlockArgument>(view.source).getArgNumber()),
        view);
  }

  /// Fusion result `resultNumber` is written by storing body value `stored`
  /// through `view` (a memref over the result's buffer with `stored`'s
  /// shape): a transpose the kernel does by where it stores.
  void setStoreView(unsigned resultNumber, Value view, Value stored) {
    storeViews[resultNumber] = {view, stored};
  }

private:
  /// Loads kernel argument `buffer` at `at` (projected onto its shape);
  /// through the lane's group when `at` is a lane.
  Value load(OpBuilder &b, Location loc, Value buffer, ElementIndex &at);
  /// The group load of `buffer` for lane `at`, or null when `buffer` cannot
  /// be read through the group.
  Value loadThroughGroup(OpBuilder &b, Location loc, Value buffer,
                         ElementIndex &at);
  /// The indices at which `buffer` is accessed for `at`, or a single linear
  /// index into its flat view when `at` covers exactly its shape.
  SmallVector<Value> accessIndices(OpBuilder &b, Location loc, Value buffer,
                                   ElementIndex &at, Value &accessed);
  /// A 1-D view of `buffer` (memref.collapse_shape at the kernel entry).
  Value getFlatView(Value buffer);

  /// Elementwise rules (ElementwiseKernels.cpp): evaluate `op`'s operands at
  /// `at` and combine them.
  FailureOr<Value> emitElementwise(OpBuilder &b, Operation *op,
                                   ElementIndex &at);
  /// Index-mapping rules (StructuralKernels.cpp): evaluate the inputs of
  /// `result`'s op at the element(s) `result` reads at `at`.
  FailureOr<Value> emitStructural(OpBuilder &b, OpResult result,
                                  ElementIndex &at);

  /// Where result `i` is stored and the body value stored there.
  Value getStoreBuffer(unsigned i);
  Value getStoredValue(unsigned i);

  FusionOp fusion;
  gpu::GPUFuncOp func;
  DenseMap<Value, Value> flatViews;
  DenseMap<unsigned, std::pair<Value, Value>> storeViews;
};

} // namespace mlir::tfc

#endif // TFC_LIB_CONVERSION_FUSIONKERNELS_POINTWISEEMITTER_H
