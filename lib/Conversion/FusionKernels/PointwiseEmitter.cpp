//===- PointwiseEmitter.cpp - per-element evaluation of fusion bodies -----===//
//
// The core of PointwiseEmitter (see PointwiseEmitter.h): element positions,
// loads and stores of the kernel's memref arguments, constants, and the
// dispatch to the elementwise and index-mapping rules. Loads and stores at a
// position that covers a buffer's whole shape use one linear index into a
// flat view of it, so same-shape elementwise kernels do no index division.
//
//===----------------------------------------------------------------------===//

#include "PointwiseEmitter.h"
#include "IndexingUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::tfc;

//===----------------------------------------------------------------------===//
// Scalar types
//===----------------------------------------------------------------------===//

Type mlir::tfc::getComputeType(Type elementType) {
  if (auto f = dyn_cast<FloatType>(elementType); f && f.getWidth() < 32)
    return Float32Type::get(elementType.getContext());
  return elementType;
}

Value mlir::tfc::toComputeType(OpBuilder &b, Location loc, Value stored) {
  Type compute = getComputeType(stored.getType());
  if (compute == stored.getType())
    return stored;
  return arith::ExtFOp::create(b, loc, compute, stored);
}

Value mlir::tfc::toStorageType(OpBuilder &b, Location loc, Value computed,
                               Type elementType) {
  if (computed.getType() == elementType)
    return computed;
  return arith::TruncFOp::create(b, loc, elementType, computed);
}

Value mlir::tfc::floatConstant(OpBuilder &b, Location loc, Type type,
                               double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

//===----------------------------------------------------------------------===//
// ElementIndex
//===----------------------------------------------------------------------===//

ArrayRef<Value> ElementIndex::getIndices(OpBuilder &b, Location loc) {
  if (indices.empty() && !shape.empty())
    indices = delinearize(b, loc, linear, shape);
  return indices;
}

Value ElementIndex::getLinear(OpBuilder &b, Location loc) {
  if (!linear)
    linear = linearize(b, loc, indices, shape);
  return linear;
}

SmallVector<Value> ElementIndex::projectTo(OpBuilder &b, Location loc,
                                           ArrayRef<int64_t> target) {
  if (target.empty())
    return {};
  return projectBroadcastIndex(b, loc, getIndices(b, loc), shape, target);
}

//===----------------------------------------------------------------------===//
// Loads and stores
//===----------------------------------------------------------------------===//

Value PointwiseEmitter::getFlatView(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 1)
    return buffer;
  Value &view = flatViews[buffer];
  if (view)
    return view;
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  SmallVector<ReassociationIndices> all(1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.front().push_back(d);
  view = memref::CollapseShapeOp::create(b, buffer.getLoc(), buffer, all);
  return view;
}

SmallVector<Value> PointwiseEmitter::accessIndices(OpBuilder &b, Location loc,
                                                   Value buffer,
                                                   ElementIndex &at,
                                                   Value &accessed) {
  auto type = cast<MemRefType>(buffer.getType());
  accessed = buffer;
  if (type.getRank() == 0)
    return {};
  // The position covers the whole buffer: one linear index into its flat
  // view when the linear position is at hand (or the buffer is 1-D).
  if (type.getShape() == ArrayRef<int64_t>(at.shape) &&
      (at.linear || type.getRank() == 1)) {
    accessed = getFlatView(buffer);
    return {at.getLinear(b, loc)};
  }
  return at.projectTo(b, loc, type.getShape());
}

Value PointwiseEmitter::load(OpBuilder &b, Location loc, Value buffer,
                             ElementIndex &at) {
  Value accessed;
  SmallVector<Value> indices = accessIndices(b, loc, buffer, at, accessed);
  return memref::LoadOp::create(b, loc, accessed, indices);
}

void PointwiseEmitter::storeResult(OpBuilder &b, Location loc, Value scalar,
                                   unsigned resultNumber, ElementIndex &at) {
  Value buffer = getResultBuffer(resultNumber);
  Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
  Value stored = toStorageType(b, loc, scalar, elementType);
  Value accessed;
  SmallVector<Value> indices = accessIndices(b, loc, buffer, at, accessed);
  memref::StoreOp::create(b, loc, stored, accessed, indices);
}

void PointwiseEmitter::storeValue(OpBuilder &b, Location loc, Value scalar,
                                  Value value, ElementIndex &at) {
  auto yield = cast<YieldOp>(fusion.getBodyBlock().getTerminator());
  for (auto [i, yielded] : llvm::enumerate(yield.getValues()))
    if (yielded == value)
      storeResult(b, loc, scalar, i, at);
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

bool PointwiseEmitter::isPointwise(Operation *op) {
  return isa<
      // elementwise (ElementwiseKernels.cpp)
      AddOp, SubOp, MulOp, DivOp, PowOp, MaximumOp, MinimumOp, AndOp, OrOp,
      CompareOp, WhereOp, NegOp, AbsOp, ExpOp, LogOp, SqrtOp, RsqrtOp,
      ReciprocalOp, TanhOp, ErfOp, SigmoidOp, ReluOp, SiluOp, NotOp, GeluOp,
      CastOp, ConstantOp,
      // index mapping (StructuralKernels.cpp)
      ExpandOp, ReshapeOp, TransposeOp, SliceOp, ConcatOp, SplitOp, GatherOp,
      RopeOp>(op);
}

/// The splat value of a tfc.constant as a compute-type scalar.
static FailureOr<Value> emitSplatConstant(OpBuilder &b, ConstantOp op) {
  auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
  if (!dense || !dense.isSplat())
    return op.emitOpError("has no GPU kernel yet inside a fusion: only splat "
                          "constants are "
                          "supported, got a constant of type ")
           << op.getType();
  Location loc = op.getLoc();
  Type elementType = op.getType().getElementType();
  if (isa<FloatType>(elementType)) {
    double value = dense.getSplatValue<APFloat>().convertToDouble();
    return floatConstant(b, loc, getComputeType(elementType), value);
  }
  return Value(arith::ConstantOp::create(
      b, loc, elementType,
      b.getIntegerAttr(elementType, dense.getSplatValue<APInt>())));
}

FailureOr<Value> PointwiseEmitter::emit(OpBuilder &b, Value tensor,
                                        ElementIndex &at) {
  if (Value cached = at.cache.lookup(tensor))
    return cached;
  auto type = cast<RankedTensorType>(tensor.getType());
  Location loc = tensor.getLoc();
  if (!broadcastsTo(type.getShape(), at.shape))
    return emitError(loc) << "internal error: value of type " << type
                          << " evaluated at an element of shape ["
                          << llvm::make_range(at.shape.begin(), at.shape.end())
                          << "] it does not broadcast to";

  FailureOr<Value> result = failure();
  if (auto arg = dyn_cast<BlockArgument>(tensor)) {
    result = toComputeType(
        b, loc, load(b, loc, getInputBuffer(arg.getArgNumber()), at));
  } else {
    Operation *op = tensor.getDefiningOp();
    if (auto constant = dyn_cast<ConstantOp>(op))
      result = emitSplatConstant(b, constant);
    else if (isa<ExpandOp, ReshapeOp, TransposeOp, SliceOp, ConcatOp, SplitOp,
                 GatherOp, RopeOp>(op))
      result = emitStructural(b, cast<OpResult>(tensor), at);
    else if (isPointwise(op))
      result = emitElementwise(b, op, at);
    else
      return op->emitOpError("has no GPU kernel yet as the producer of an "
                             "operand inside a fusion (only elementwise and "
                             "index-mapping ops can feed another op)");
  }
  if (failed(result))
    return failure();
  at.cache[tensor] = *result;
  return result;
}

FailureOr<Value> PointwiseEmitter::emitAt(OpBuilder &b, Value tensor,
                                          ValueRange indices) {
  auto type = cast<RankedTensorType>(tensor.getType());
  ElementIndex at = ElementIndex::fromIndices(type.getShape(), indices);
  return emit(b, tensor, at);
}
