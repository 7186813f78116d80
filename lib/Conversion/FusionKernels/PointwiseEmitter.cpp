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
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

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

std::pair<Value, Value> mlir::tfc::mergeOnline(OpBuilder &b, Location loc,
                                           Value max, Value sum,
                                           Value otherMax, Value otherSum) {
  Type t = max.getType();
  Value newMax = arith::MaximumFOp::create(b, loc, max, otherMax);
  Value isNegInf = arith::CmpFOp::create(
      b, loc, arith::CmpFPredicate::OEQ, newMax,
      floatConstant(b, loc, t, -std::numeric_limits<double>::infinity()));
  Value pivot = arith::SelectOp::create(b, loc, isNegInf,
                                        floatConstant(b, loc, t, 0.0), newMax);
  auto rescaled = [&](Value m, Value s) -> Value {
    return arith::MulFOp::create(
        b, loc, s,
        math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, m, pivot)));
  };
  Value newSum = arith::AddFOp::create(b, loc, rescaled(max, sum),
                                       rescaled(otherMax, otherSum));
  return {newMax, newSum};
}

//===----------------------------------------------------------------------===//
// ElementIndex
//===----------------------------------------------------------------------===//

ArrayRef<Value> ElementIndex::getIndices(OpBuilder &b, Location loc) {
  if (indices.empty() && !shape.empty() && group) {
    if (group->baseIndices.empty())
      group->baseIndices = delinearize(b, loc, group->baseLinear, shape);
    indices = group->baseIndices;
    if (lane != 0)
      indices.back() = arith::AddIOp::create(b, loc, indices.back(),
                                             indexConstant(b, loc, lane));
  }
  if (indices.empty() && !shape.empty())
    indices = delinearize(b, loc, linear, shape);
  return indices;
}

Value ElementIndex::getLinear(OpBuilder &b, Location loc) {
  if (!linear && group) {
    if (!group->baseLinear)
      group->baseLinear = linearize(b, loc, group->baseIndices, shape);
    linear = lane == 0 ? group->baseLinear
                       : arith::AddIOp::create(b, loc, group->baseLinear,
                                               indexConstant(b, loc, lane))
                             .getResult();
  }
  if (!linear)
    linear = linearize(b, loc, indices, shape);
  return linear;
}

SmallVector<ElementIndex> mlir::tfc::makeLanes(OpBuilder &b, Location loc,
                                               ElementIndex base,
                                               VectorGroup &group) {
  SmallVector<ElementIndex> lanes;
  if (group.width == 1) {
    lanes.push_back(std::move(base));
    return lanes;
  }
  group.baseIndices = base.indices;
  group.baseLinear = base.linear;
  for (int64_t k = 0; k < group.width; ++k) {
    ElementIndex lane;
    lane.shape = base.shape;
    lane.group = &group;
    lane.lane = k;
    if (base.linear)
      lane.getLinear(b, loc);
    if (k == 0)
      lane.indices = base.indices;
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

int64_t mlir::tfc::vectorWidthFor(Type elementType, int64_t lastDim) {
  if (!elementType.isIntOrFloat() || elementType.getIntOrFloatBitWidth() < 8 ||
      elementType.getIntOrFloatBitWidth() % 8 != 0)
    return 1;
  int64_t width = 16 / (elementType.getIntOrFloatBitWidth() / 8);
  while (width > 1 && lastDim % width != 0)
    width /= 2;
  return std::max<int64_t>(width, 1);
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

Value PointwiseEmitter::createView(Value buffer, const StridedView &view) {
  auto type = cast<MemRefType>(buffer.getType());
  auto layout = StridedLayoutAttr::get(func.getContext(), view.offset,
                                       view.strides);
  auto viewType =
      MemRefType::get(view.shape, type.getElementType(), layout);
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  return memref::ReinterpretCastOp::create(b, buffer.getLoc(), viewType,
                                           buffer, view.offset, view.shape,
                                           view.strides);
}

Value PointwiseEmitter::getStoreBuffer(unsigned i) {
  auto it = storeViews.find(i);
  return it == storeViews.end() ? getResultBuffer(i) : it->second.first;
}

Value PointwiseEmitter::getStoredValue(unsigned i) {
  auto it = storeViews.find(i);
  if (it != storeViews.end())
    return it->second.second;
  return cast<YieldOp>(fusion.getBodyBlock().getTerminator()).getValues()[i];
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
      type.getLayout().isIdentity() && (at.linear || type.getRank() == 1)) {
    accessed = getFlatView(buffer);
    return {at.getLinear(b, loc)};
  }
  return at.projectTo(b, loc, type.getShape());
}

/// Byte alignment of a vector access of `width` elements of `elementType`
/// at an element offset that is a multiple of `width` (kernel arguments are
/// at least 16-byte aligned: arena offsets and device allocations are).
static int64_t vectorAlignment(Type elementType, int64_t width) {
  return std::min<int64_t>(16, width * elementType.getIntOrFloatBitWidth() / 8);
}

/// Whether vector accesses of `type` are plain memory accesses (i1 memrefs
/// are one byte per element but vector<Nxi1> is bit-packed).
static bool isVectorizableElement(Type type) {
  return type.isIntOrFloat() && type.getIntOrFloatBitWidth() % 8 == 0;
}

/// Lane 0 of `lane`'s group, sharing the group's index values.
static ElementIndex groupBase(const ElementIndex &lane) {
  ElementIndex base;
  base.shape = lane.shape;
  base.group = lane.group;
  base.lane = 0;
  base.indices = lane.group->baseIndices;
  base.linear = lane.group->baseLinear;
  return base;
}

Value PointwiseEmitter::loadThroughGroup(OpBuilder &b, Location loc,
                                         Value buffer, ElementIndex &at) {
  VectorGroup *group = at.group;
  auto type = cast<MemRefType>(buffer.getType());
  if (!group || group->width == 1 || !isVectorizableElement(type.getElementType()))
    return Value();
  // Loads are emitted where the first lane needs them; every lane of a
  // group is emitted in the same block (makeLanes' contract).
  bool broadcastsLastDim = type.getRank() == 0 || type.getShape().back() == 1;
  if (broadcastsLastDim && at.shape.back() != 1) {
    Value &scalar = group->uniformLoads[buffer];
    if (!scalar) {
      Value accessed;
      ElementIndex base = groupBase(at);
      SmallVector<Value> indices = accessIndices(b, loc, buffer, base, accessed);
      scalar = memref::LoadOp::create(b, loc, accessed, indices);
    }
    return scalar;
  }
  if (type.getShape().back() != at.shape.back())
    return Value();
  Value &vector = group->vectorLoads[buffer];
  if (!vector) {
    Value accessed;
    ElementIndex base = groupBase(at);
    SmallVector<Value> indices = accessIndices(b, loc, buffer, base, accessed);
    auto vectorType = VectorType::get({group->width}, type.getElementType());
    vector = vector::LoadOp::create(
        b, loc, vectorType, accessed, indices, /*nontemporal=*/false,
        llvm::MaybeAlign(vectorAlignment(type.getElementType(), group->width)));
  }
  return vector::ExtractOp::create(b, loc, vector, ArrayRef<int64_t>{at.lane});
}

Value PointwiseEmitter::load(OpBuilder &b, Location loc, Value buffer,
                             ElementIndex &at) {
  if (Value v = loadThroughGroup(b, loc, buffer, at))
    return v;
  Value accessed;
  SmallVector<Value> indices = accessIndices(b, loc, buffer, at, accessed);
  return memref::LoadOp::create(b, loc, accessed, indices);
}

void PointwiseEmitter::storeResult(OpBuilder &b, Location loc, Value scalar,
                                   unsigned resultNumber, ElementIndex &at) {
  Value buffer = getStoreBuffer(resultNumber);
  Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
  Value stored = toStorageType(b, loc, scalar, elementType);
  Value accessed;
  SmallVector<Value> indices = accessIndices(b, loc, buffer, at, accessed);
  memref::StoreOp::create(b, loc, stored, accessed, indices);
}

void PointwiseEmitter::storeResultLanes(OpBuilder &b, Location loc,
                                        ArrayRef<Value> scalars,
                                        unsigned resultNumber,
                                        MutableArrayRef<ElementIndex> lanes) {
  Value buffer = getStoreBuffer(resultNumber);
  Type elementType = cast<MemRefType>(buffer.getType()).getElementType();
  VectorGroup *group = lanes.front().group;
  if (lanes.size() == 1 || !group || !isVectorizableElement(elementType)) {
    for (auto [scalar, at] : llvm::zip_equal(scalars, lanes))
      storeResult(b, loc, scalar, resultNumber, at);
    return;
  }
  SmallVector<Value> stored;
  for (Value scalar : scalars)
    stored.push_back(toStorageType(b, loc, scalar, elementType));
  auto vectorType =
      VectorType::get({static_cast<int64_t>(stored.size())}, elementType);
  Value vector = vector::FromElementsOp::create(b, loc, vectorType, stored);
  Value accessed;
  ElementIndex base = groupBase(lanes.front());
  SmallVector<Value> indices = accessIndices(b, loc, buffer, base, accessed);
  vector::StoreOp::create(
      b, loc, vector, accessed, indices, /*nontemporal=*/false,
      llvm::MaybeAlign(vectorAlignment(elementType, stored.size())));
}

LogicalResult
PointwiseEmitter::emitAndStoreResults(OpBuilder &b, Location loc,
                                      MutableArrayRef<ElementIndex> lanes,
                                      ArrayRef<unsigned> only) {
  for (unsigned i = 0, e = fusion.getNumResults(); i < e; ++i) {
    if (!only.empty() && !llvm::is_contained(only, i))
      continue;
    Value value = getStoredValue(i);
    SmallVector<Value> scalars;
    for (ElementIndex &at : lanes) {
      FailureOr<Value> scalar = emit(b, value, at);
      if (failed(scalar))
        return failure();
      scalars.push_back(*scalar);
    }
    storeResultLanes(b, loc, scalars, i, lanes);
  }
  return success();
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
      CastOp, ConstantOp, SwigluOp,
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
