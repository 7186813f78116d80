//===- StructuralKernels.cpp - index-mapping ops for PointwiseEmitter -----===//
//
// Expand, reshape, transpose, slice, concat, split, gather and rope read
// their input at an element computed from the output element. Each rule here
// maps the output position to the input position(s) and evaluates the input
// there, so these ops run in the pointwise kernel family (one thread per
// output element) alone or inside elementwise chains. Reshape keeps the
// row-major linear position, so a reshape costs no index arithmetic when its
// consumer covers its whole shape.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "PointwiseEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tfc;

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Evaluates `tensor` at `indices` over its own shape, with a fresh memo.
static FailureOr<Value> emitAtIndices(PointwiseEmitter &emitter, OpBuilder &b,
                                      Value tensor, ValueRange indices) {
  return emitter.emitAt(b, tensor, indices);
}

/// Concat: the input that holds `own[axis]`, chosen by a chain of scf.if so
/// that only that input is read. Inputs are evaluated at fresh positions
/// inside their branch.
static FailureOr<Value> emitConcat(PointwiseEmitter &emitter, OpBuilder &b,
                                   ConcatOp op, ArrayRef<Value> own,
                                   unsigned first, int64_t start) {
  Location loc = op.getLoc();
  int64_t axis = op.getAxis();
  ValueRange inputs = op.getInputs();
  auto inputAt = [&](OpBuilder &b, unsigned k,
                     int64_t begin) -> FailureOr<Value> {
    SmallVector<Value> indices(own.begin(), own.end());
    indices[axis] =
        arith::SubIOp::create(b, loc, own[axis], indexConstant(b, loc, begin));
    return emitAtIndices(emitter, b, inputs[k], indices);
  };
  if (first + 1 == inputs.size())
    return inputAt(b, first, start);

  int64_t end = start + shapeOf(inputs[first])[axis];
  Value inFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        own[axis], indexConstant(b, loc, end));
  Type type =
      getComputeType(cast<RankedTensorType>(op.getType()).getElementType());
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, inFirst,
                                /*addThenBlock=*/true, /*addElseBlock=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    FailureOr<Value> value = inputAt(b, first, start);
    if (failed(value))
      return failure();
    scf::YieldOp::create(b, loc, *value);
    b.setInsertionPointToStart(ifOp.elseBlock());
    FailureOr<Value> rest = emitConcat(emitter, b, op, own, first + 1, end);
    if (failed(rest))
      return failure();
    scf::YieldOp::create(b, loc, *rest);
  }
  return ifOp.getResult(0);
}

/// Gather: `data[a..., clamp(wrap(indices[i...])), b...]`.
static FailureOr<Value> emitGather(PointwiseEmitter &emitter, OpBuilder &b,
                                   GatherOp op, ArrayRef<Value> own) {
  Location loc = op.getLoc();
  int64_t axis = op.getAxis();
  ArrayRef<int64_t> dataShape = shapeOf(op.getData());
  int64_t indexRank = shapeOf(op.getIndices()).size();
  FailureOr<Value> raw =
      emitAtIndices(emitter, b, op.getIndices(), own.slice(axis, indexRank));
  if (failed(raw))
    return failure();
  Value position = arith::IndexCastOp::create(b, loc, b.getIndexType(), *raw);
  // Negative indices count from the end; out-of-range ones are clamped.
  Value zero = indexConstant(b, loc, 0);
  Value size = indexConstant(b, loc, dataShape[axis]);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, position, zero);
  position = arith::SelectOp::create(
      b, loc, negative, arith::AddIOp::create(b, loc, position, size),
      position);
  position = arith::MaxSIOp::create(b, loc, position, zero);
  position = arith::MinSIOp::create(b, loc, position,
                                    indexConstant(b, loc, dataShape[axis] - 1));
  SmallVector<Value> dataIndices(own.take_front(axis));
  dataIndices.push_back(position);
  llvm::append_range(dataIndices, own.drop_front(axis + indexRank));
  return emitAtIndices(emitter, b, op.getData(), dataIndices);
}

/// Rope: `x * cos + rotate(x) * sin`, where rotate pairs `(d, d + D/2)`
/// (rotate-half, `rotate(x) = [-x2, x1]`) or `(2i, 2i + 1)` (interleaved).
static FailureOr<Value> emitRope(PointwiseEmitter &emitter, OpBuilder &b,
                                 RopeOp op, ArrayRef<Value> own,
                                 ElementIndex &at) {
  Location loc = op.getLoc();
  ArrayRef<int64_t> shape = shapeOf(op.getInput());
  int64_t dim = shape.back();
  Value d = own.back();
  Value first; // true where rotate(x) = -x[partner]
  Value partner;
  if (op.getInterleaved()) {
    Value one = indexConstant(b, loc, 1);
    Value parity = arith::AndIOp::create(b, loc, d, one);
    first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, parity,
                                  indexConstant(b, loc, 0));
    partner = arith::XOrIOp::create(b, loc, d, one);
  } else {
    Value half = indexConstant(b, loc, dim / 2);
    first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, d, half);
    partner = arith::SelectOp::create(b, loc, first,
                                      arith::AddIOp::create(b, loc, d, half),
                                      arith::SubIOp::create(b, loc, d, half));
  }
  FailureOr<Value> x = emitter.emit(b, op.getInput(), at);
  FailureOr<Value> cos = emitter.emit(b, op.getCos(), at);
  FailureOr<Value> sin = emitter.emit(b, op.getSin(), at);
  if (failed(x) || failed(cos) || failed(sin))
    return failure();
  SmallVector<Value> partnerIndices(own.begin(), own.end());
  partnerIndices.back() = partner;
  FailureOr<Value> other =
      emitAtIndices(emitter, b, op.getInput(), partnerIndices);
  if (failed(other))
    return failure();
  Value rotated = arith::SelectOp::create(
      b, loc, first, arith::NegFOp::create(b, loc, *other), *other);
  return Value(
      arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, *x, *cos),
                            arith::MulFOp::create(b, loc, rotated, *sin)));
}

FailureOr<Value> PointwiseEmitter::emitStructural(OpBuilder &b, OpResult result,
                                                  ElementIndex &at) {
  Operation *op = result.getOwner();
  Location loc = op->getLoc();
  ArrayRef<int64_t> resultShape = shapeOf(result);

  // A broadcast: the input is read at the projection of this position.
  if (auto expand = dyn_cast<ExpandOp>(op))
    return emit(b, expand.getInput(), at);

  // A reshape keeps the row-major linear position.
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    Value linear =
        resultShape == ArrayRef<int64_t>(at.shape)
            ? at.getLinear(b, loc)
            : linearize(b, loc, at.projectTo(b, loc, resultShape), resultShape);
    ElementIndex inner =
        ElementIndex::fromLinear(shapeOf(reshape.getInput()), linear);
    return emit(b, reshape.getInput(), inner);
  }

  SmallVector<Value> own = at.projectTo(b, loc, resultShape);
  return TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](TransposeOp transpose) -> FailureOr<Value> {
        ArrayRef<int64_t> perm = transpose.getPermutation();
        SmallVector<Value> indices(perm.size());
        for (auto [i, p] : llvm::enumerate(perm))
          indices[p] = own[i];
        return emitAtIndices(*this, b, transpose.getInput(), indices);
      })
      .Case([&](SliceOp slice) -> FailureOr<Value> {
        SmallVector<Value> indices;
        for (auto [d, index] : llvm::enumerate(own)) {
          int64_t offset = slice.getOffsets()[d];
          int64_t stride = slice.getStrides()[d];
          Value mapped = index;
          if (stride != 1)
            mapped = arith::MulIOp::create(b, loc, mapped,
                                           indexConstant(b, loc, stride));
          if (offset != 0)
            mapped = arith::AddIOp::create(b, loc, mapped,
                                           indexConstant(b, loc, offset));
          indices.push_back(mapped);
        }
        return emitAtIndices(*this, b, slice.getInput(), indices);
      })
      .Case([&](SplitOp split) -> FailureOr<Value> {
        int64_t axis = split.getAxis();
        int64_t offset = 0;
        for (int64_t size :
             split.getSizes().take_front(result.getResultNumber()))
          offset += size;
        SmallVector<Value> indices(own);
        if (offset != 0)
          indices[axis] = arith::AddIOp::create(b, loc, own[axis],
                                                indexConstant(b, loc, offset));
        return emitAtIndices(*this, b, split.getInput(), indices);
      })
      .Case([&](ConcatOp concat) {
        return emitConcat(*this, b, concat, own, 0, 0);
      })
      .Case([&](GatherOp gather) { return emitGather(*this, b, gather, own); })
      .Case([&](RopeOp rope) { return emitRope(*this, b, rope, own, at); })
      .Default([&](Operation *op) -> FailureOr<Value> {
        return op->emitOpError("has no GPU kernel yet as an index-mapping op");
      });
}
