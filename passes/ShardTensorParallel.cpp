//===- ShardTensorParallel.cpp - Megatron tensor parallelism ----*- C++ -*-===//
//
// Turns a raised transformer graph into the program of one rank of a
// tensor-parallel group: attention heads and MLP columns are split across
// the ranks, the output and down projections are split by rows and followed
// by a tfc.all_reduce, everything else stays replicated. Sharding is exact
// or refused: every op that would read a split value must be one whose
// split form is known, else the pass stops with an error at that op.
//
// The plan:
//  1. Analyse: for every tfc.attention, find its Q/K/V projections (matmul
//     by a weight, through reshape/transpose/rope and an optional bias add)
//     and its output projection; decide which heads this rank keeps. For
//     every other matmul by a weight whose input is an elementwise cone of
//     matmuls by weights (SwiGLU, GELU MLPs), mark the cone's matmuls as
//     column-split and the matmul as row-split.
//  2. Rewrite in program order, tracking for each value whether, and how,
//     it is split: column-split matmuls get a column slice of their weight,
//     shape-only ops and elementwise ops follow the split, row-split
//     matmuls get the matching row slice and an all-reduce. With
//     reduce-dtype=f32, a row-split matmul of 16-bit operands writes its
//     f32 accumulator, the all-reduce sums f32 partials, and one tfc.cast
//     rounds the sum back (one rounding, as on one GPU, instead of one per
//     partial plus one for the 16-bit sum).
//  3. Drop the full weights nobody reads any more.
//
//===----------------------------------------------------------------------===//

#include "tfc/Passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <optional>

namespace mlir::tfc {
#define GEN_PASS_DEF_SHARDTENSORPARALLEL
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// The slice `[offset, offset + size)` of axis `axis` (of a dimension of
/// `full` elements) that this rank holds of a value.
struct Split {
  int64_t axis;
  int64_t offset;
  int64_t size;
  int64_t full;
  bool operator==(const Split &o) const {
    return axis == o.axis && offset == o.offset && size == o.size &&
           full == o.full;
  }
};

/// What the analysis decided for a matmul by a weight: keep the output
/// columns `[offset, offset + size)` (column) or the input rows matching
/// its split input, then all-reduce (row).
struct Role {
  enum Kind { Column, Row } kind;
  int64_t offset = 0;
  int64_t size = 0;
};

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Whether `v` is a weight: a tfc.parameter or a tfc.constant.
bool isWeight(Value v) {
  return isa_and_present<ParameterOp, ConstantOp>(v.getDefiningOp());
}

/// A matmul whose right operand is a 2-D weight: a projection.
MatmulOp asProjection(Operation *op) {
  auto matmul = dyn_cast_if_present<MatmulOp>(op);
  if (!matmul || !isWeight(matmul.getRhs()) ||
      tensorType(matmul.getRhs()).getRank() != 2 || matmul.getTransposeLhs())
    return {};
  return matmul;
}

/// The weight axis holding a projection's output columns.
int64_t columnAxis(MatmulOp matmul) { return matmul.getTransposeRhs() ? 0 : 1; }

bool isElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, MaximumOp, MinimumOp, NegOp, ExpOp,
             TanhOp, ErfOp, SigmoidOp, ReluOp, SiluOp, GeluOp, CastOp,
             SwigluOp>(op);
}

/// `type` with dimension `axis` set to `size`.
RankedTensorType withDim(RankedTensorType type, int64_t axis, int64_t size) {
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = size;
  return type.clone(shape);
}

class Sharder {
public:
  Sharder(int64_t rank, int64_t ranks, bool reduceInF32)
      : rank(rank), ranks(ranks), reduceInF32(reduceInF32) {}

  LogicalResult analyse(func::FuncOp func);
  LogicalResult rewrite(func::FuncOp func);
  void eraseDeadWeights();

  unsigned numColumn = 0, numRow = 0, numReducedInF32 = 0;

private:
  LogicalResult analyseAttention(AttentionOp attention);
  void analyseMlp(MatmulOp down, LogicalResult &status);
  MatmulOp traceProjection(Value v);
  LogicalResult setRole(MatmulOp matmul, Role role);

  LogicalResult rewriteOp(Operation *op);
  LogicalResult rewriteElementwise(Operation *op, const Split &split);
  FailureOr<Value> sliceWeight(Operation *user, Value weight, int64_t axis,
                               int64_t offset, int64_t size);
  InFlightDiagnostic refuse(Operation *op, const Split &split);

  int64_t rank, ranks;
  /// Sum the partials of 16-bit row-split projections in f32.
  bool reduceInF32;
  llvm::DenseMap<Operation *, Role> roles;
  llvm::DenseMap<Value, Split> splits;
  llvm::DenseMap<std::tuple<Value, int64_t, int64_t, int64_t>, Value> slices;
  llvm::SetVector<Operation *> slicedWeights;
};

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

/// The projection producing `v` through rope, transpose, reshape and a bias
/// add; null if `v` is made another way.
MatmulOp Sharder::traceProjection(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (MatmulOp matmul = asProjection(def))
      return matmul;
    if (auto rope = dyn_cast<RopeOp>(def))
      v = rope.getInput();
    else if (auto transpose = dyn_cast<TransposeOp>(def))
      v = transpose.getInput();
    else if (auto reshape = dyn_cast<ReshapeOp>(def))
      v = reshape.getInput();
    else if (auto add = dyn_cast<AddOp>(def); add && isWeight(add.getRhs()))
      v = add.getLhs();
    else if (auto add = dyn_cast<AddOp>(def); add && isWeight(add.getLhs()))
      v = add.getRhs();
    else
      return {};
  }
  return {};
}

LogicalResult Sharder::setRole(MatmulOp matmul, Role role) {
  auto [it, inserted] = roles.try_emplace(matmul, role);
  if (!inserted && (it->second.kind != role.kind ||
                    it->second.offset != role.offset ||
                    it->second.size != role.size))
    return matmul.emitOpError("is used by several attention ops or MLPs in "
                              "different ways; tensor parallelism cannot "
                              "split it");
  return success();
}

LogicalResult Sharder::analyseAttention(AttentionOp attention) {
  RankedTensorType q = tensorType(attention.getQuery());
  RankedTensorType k = tensorType(attention.getKey());
  RankedTensorType v = tensorType(attention.getValue());
  int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1);
  if (hq % ranks != 0)
    return attention.emitError("query head count ")
           << hq << " is not divisible by " << ranks
           << " ranks; tensor parallelism splits attention by heads";
  int64_t kvStart, kvCount;
  if (hkv % ranks == 0) {
    kvCount = hkv / ranks;
    kvStart = rank * kvCount;
  } else if (ranks % hkv == 0) {
    kvCount = 1;
    kvStart = rank / (ranks / hkv);
  } else {
    return attention.emitError("key/value head count ")
           << hkv << " can be neither split over " << ranks
           << " ranks (not divisible) nor replicated (" << ranks
           << " is not a multiple of it)";
  }
  if (attention.getAlibi())
    return attention.emitError("ALiBi biases depend on the global head "
                               "index; tensor parallelism does not split "
                               "ALiBi attention");
  if (Value mask = attention.getMask()) {
    RankedTensorType m = tensorType(mask);
    if (m.getRank() == 4 && m.getDimSize(1) != 1)
      return attention.emitError("the attention mask has ")
             << m.getDimSize(1)
             << " heads; tensor parallelism only splits attention whose "
                "mask is shared by all heads";
  }

  int64_t qCount = hq / ranks;
  struct Operand {
    Value value;
    StringRef name;
    int64_t start, count, headDim;
  } operands[] = {
      {attention.getQuery(), "query", rank * qCount, qCount, q.getDimSize(3)},
      {attention.getKey(), "key", kvStart, kvCount, k.getDimSize(3)},
      {attention.getValue(), "value", kvStart, kvCount, v.getDimSize(3)}};
  for (const Operand &operand : operands) {
    MatmulOp projection = traceProjection(operand.value);
    if (!projection)
      return attention.emitError("the ")
             << operand.name
             << " does not come from a projection by a weight (through "
                "reshape, transpose, rope or a bias add); tensor parallelism "
                "cannot split its heads";
    if (failed(setRole(projection,
                       {Role::Column, operand.start * operand.headDim,
                        operand.count * operand.headDim})))
      return failure();
  }

  // attention -> transpose -> reshape -> output projection.
  Operation *user = attention.getOperation();
  MatmulOp output;
  while (!output) {
    if (!user->getResult(0).hasOneUse())
      break;
    Operation *next = *user->getResult(0).getUsers().begin();
    if (MatmulOp matmul = asProjection(next);
        matmul && matmul.getLhs() == user->getResult(0))
      output = matmul;
    else if (isa<TransposeOp, ReshapeOp>(next))
      user = next;
    else
      break;
  }
  if (!output)
    return attention.emitError(
        "the attention output does not reach a projection by a weight "
        "through transpose and reshape only; tensor parallelism needs one "
        "to split by rows");
  return setRole(output, {Role::Row});
}

/// If `down`'s input is an elementwise cone whose leaves are projections
/// (and weights), marks them column-split and `down` row-split.
void Sharder::analyseMlp(MatmulOp down, LogicalResult &status) {
  if (roles.count(down))
    return;
  Operation *root = down.getLhs().getDefiningOp();
  if (!root || !isElementwise(root))
    return;
  SmallVector<Operation *> worklist{root};
  llvm::SmallPtrSet<Operation *, 8> seen{root};
  SmallVector<MatmulOp> columns;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (!def)
        return;
      if (isWeight(operand))
        continue;
      if (MatmulOp matmul = asProjection(def)) {
        if (roles.count(matmul))
          return;
        columns.push_back(matmul);
        continue;
      }
      if (!isElementwise(def))
        return;
      if (seen.insert(def).second)
        worklist.push_back(def);
    }
  }
  if (columns.empty())
    return;
  int64_t width = tensorType(columns.front().getResult()).getShape().back();
  for (MatmulOp column : columns)
    if (tensorType(column.getResult()).getShape().back() != width)
      return;
  if (width % ranks != 0) {
    down.emitError("feed-forward width ")
        << width << " is not divisible by " << ranks
        << " ranks; tensor parallelism splits the MLP by columns";
    status = failure();
    return;
  }
  int64_t local = width / ranks;
  for (MatmulOp column : columns)
    if (failed(setRole(column, {Role::Column, rank * local, local})))
      status = failure();
  if (failed(setRole(down, {Role::Row})))
    status = failure();
}

LogicalResult Sharder::analyse(func::FuncOp func) {
  WalkResult walk = func.walk([&](AttentionOp attention) {
    return failed(analyseAttention(attention)) ? WalkResult::interrupt()
                                               : WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  LogicalResult status = success();
  func.walk([&](Operation *op) {
    if (MatmulOp matmul = asProjection(op))
      analyseMlp(matmul, status);
  });
  return status;
}

//===----------------------------------------------------------------------===//
// Rewrite
//===----------------------------------------------------------------------===//

InFlightDiagnostic Sharder::refuse(Operation *op, const Split &split) {
  return op->emitError("'")
         << op->getName() << "' reads a value split across " << ranks
         << " ranks (axis " << split.axis << ", " << split.size << " of "
         << split.full
         << " per rank) and tensor parallelism does not know how to split "
            "this op";
}

/// Bytes `[offset, offset + size)` of axis `axis` of row-major `data`.
std::vector<char> sliceBytes(ArrayRef<char> data, ArrayRef<int64_t> shape,
                             unsigned elementBytes, int64_t axis,
                             int64_t offset, int64_t size) {
  int64_t outer = 1, inner = elementBytes;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  std::vector<char> out;
  out.reserve(outer * size * inner);
  for (int64_t o = 0; o < outer; ++o) {
    const char *begin = data.data() + (o * shape[axis] + offset) * inner;
    out.insert(out.end(), begin, begin + size * inner);
  }
  return out;
}

/// The slice of an ElementsAttr along one axis, same kind of attribute;
/// null when its data cannot be read.
ElementsAttr sliceElements(ElementsAttr attr, RankedTensorType sliceType,
                           int64_t axis, int64_t offset, int64_t size,
                           StringRef blobName) {
  auto type = cast<RankedTensorType>(attr.getType());
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0)
    return {};
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat())
      return dense.resizeSplat(sliceType);
    std::vector<char> bytes = sliceBytes(dense.getRawData(), type.getShape(),
                                         bits / 8, axis, offset, size);
    return DenseElementsAttr::getFromRawBuffer(sliceType, bytes);
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource || !resource.getRawHandle().getBlob())
    return {};
  std::vector<char> bytes =
      sliceBytes(resource.getRawHandle().getBlob()->getData(), type.getShape(),
                 bits / 8, axis, offset, size);
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(bytes), 64);
  return DenseResourceElementsAttr::get(sliceType, blobName, std::move(blob));
}

FailureOr<Value> Sharder::sliceWeight(Operation *user, Value weight,
                                      int64_t axis, int64_t offset,
                                      int64_t size) {
  auto key = std::make_tuple(weight, axis, offset, size);
  if (Value done = slices.lookup(key))
    return done;
  RankedTensorType type = tensorType(weight);
  RankedTensorType sliceType = withDim(type, axis, size);
  Operation *def = weight.getDefiningOp();
  OpBuilder builder(def);
  builder.setInsertionPointAfter(def);
  Value result;
  std::string blobName =
      ("tp" + Twine(rank) + "of" + Twine(ranks) + "_" + Twine(slices.size()))
          .str();
  if (auto constant = dyn_cast<ConstantOp>(def)) {
    if (ElementsAttr attr = sliceElements(constant.getValue(), sliceType, axis,
                                          offset, size, blobName))
      result = ConstantOp::create(builder, def->getLoc(), attr);
  } else {
    auto parameter = cast<ParameterOp>(def);
    ElementsAttr attr;
    if (ElementsAttr value = parameter.getValueAttr()) {
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
        blobName = (resource.getRawHandle().getKey() + "." + blobName).str();
      attr = sliceElements(value, sliceType, axis, offset, size, blobName);
      if (!attr)
        return user->emitError("cannot read the data of weight '")
               << parameter.getName() << "' to slice it for tensor parallelism";
    }
    auto sliced = ParameterOp::create(builder, def->getLoc(), sliceType,
                                      parameter.getNameAttr(), attr);
    sliced->setAttr("tfc.shard", builder.getDenseI64ArrayAttr(
                                     {axis, offset, size}));
    result = sliced;
  }
  if (!result)
    return user->emitError("cannot read the data of a constant to slice it "
                           "for tensor parallelism");
  slicedWeights.insert(def);
  slices[key] = result;
  return result;
}

LogicalResult Sharder::rewriteElementwise(Operation *op, const Split &split) {
  RankedTensorType resultType = tensorType(op->getResult(0));
  int64_t resultRank = resultType.getRank();
  for (OpOperand &operand : op->getOpOperands()) {
    Value value = operand.get();
    auto it = splits.find(value);
    RankedTensorType type = tensorType(value);
    if (it != splits.end()) {
      if (!(it->second == split) || type.getRank() != resultRank)
        return refuse(op, it->second)
               << ": its operands are split in different ways";
      continue;
    }
    // A replicated operand broadcast along the split axis stays as it is;
    // a weight spanning it (a bias) is sliced the same way.
    int64_t axis = split.axis - (resultRank - type.getRank());
    if (axis < 0 || type.getDimSize(axis) == 1)
      continue;
    if (!isWeight(value))
      return refuse(op, split)
             << ": operand " << operand.getOperandNumber()
             << " is replicated and spans the split axis";
    FailureOr<Value> sliced =
        sliceWeight(op, value, axis, split.offset, split.size);
    if (failed(sliced))
      return failure();
    operand.set(*sliced);
  }
  op->getResult(0).setType(withDim(resultType, split.axis, split.size));
  splits[op->getResult(0)] = split;
  return success();
}

LogicalResult Sharder::rewriteOp(Operation *op) {
  // Projections the analysis chose.
  if (auto it = roles.find(op); it != roles.end()) {
    auto matmul = cast<MatmulOp>(op);
    RankedTensorType resultType = tensorType(matmul.getResult());
    int64_t last = resultType.getRank() - 1;
    if (it->second.kind == Role::Column) {
      if (auto in = splits.find(matmul.getLhs()); in != splits.end())
        return refuse(op, in->second) << ": a column-split projection needs "
                                         "its input replicated";
      FailureOr<Value> weight =
          sliceWeight(op, matmul.getRhs(), columnAxis(matmul),
                      it->second.offset, it->second.size);
      if (failed(weight))
        return failure();
      matmul.getRhsMutable().set(*weight);
      matmul.getResult().setType(withDim(resultType, last, it->second.size));
      splits[matmul.getResult()] = {last, it->second.offset, it->second.size,
                                    resultType.getDimSize(last)};
      ++numColumn;
      return success();
    }
    auto in = splits.find(matmul.getLhs());
    int64_t lhsLast = tensorType(matmul.getLhs()).getRank() - 1;
    if (in == splits.end() || in->second.axis != lhsLast)
      return op->emitError("this projection is split by rows but its input "
                           "is not split along its last axis");
    FailureOr<Value> weight =
        sliceWeight(op, matmul.getRhs(), 1 - columnAxis(matmul),
                    in->second.offset, in->second.size);
    if (failed(weight))
      return failure();
    matmul.getRhsMutable().set(*weight);
    OpBuilder builder(op->getContext());
    builder.setInsertionPointAfter(op);
    Type element = resultType.getElementType();
    if (reduceInF32 && (element.isBF16() || element.isF16())) {
      // The partial leaves the matmul as its f32 accumulator; the sum is
      // rounded once, by a cast the consumer's kernel can absorb.
      auto f32 = builder.getF32Type();
      matmul.getResult().setType(resultType.clone(f32));
      if (!matmul.getAccumulatorType())
        matmul.setAccumulatorTypeAttr(TypeAttr::get(f32));
      auto sum = AllReduceOp::create(builder, op->getLoc(),
                                     resultType.clone(f32), matmul.getResult(),
                                     ranks);
      auto rounded = CastOp::create(builder, op->getLoc(), resultType, sum);
      matmul.getResult().replaceAllUsesExcept(rounded, sum);
      ++numRow;
      ++numReducedInF32;
      return success();
    }
    auto sum = AllReduceOp::create(builder, op->getLoc(), resultType,
                                   matmul.getResult(), ranks);
    matmul.getResult().replaceAllUsesExcept(sum, sum);
    ++numRow;
    return success();
  }

  // Ops reading a split value (function results are checked by rewrite()).
  if (isa<func::ReturnOp>(op))
    return success();
  std::optional<Split> split;
  for (Value operand : op->getOperands())
    if (auto it = splits.find(operand); it != splits.end()) {
      split = it->second;
      break;
    }
  if (!split)
    return success();
  if (isElementwise(op))
    return rewriteElementwise(op, *split);
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    Split moved = *split;
    moved.axis = llvm::find(permutation, split->axis) - permutation.begin();
    transpose.getResult().setType(withDim(
        tensorType(transpose.getResult()), moved.axis, moved.size));
    splits[transpose.getResult()] = moved;
    return success();
  }
  if (auto reshape = dyn_cast<ReshapeOp>(op)) {
    // Dimensions before the split axis must stay; the slice of the split
    // axis and those after it must be a whole slice of the new axis.
    ArrayRef<int64_t> in = tensorType(reshape.getInput()).getShape();
    RankedTensorType outType = tensorType(reshape.getResult());
    ArrayRef<int64_t> out = outType.getShape();
    int64_t a = split->axis;
    int64_t innerIn = 1, innerOut = 1;
    for (int64_t d = a + 1; d < static_cast<int64_t>(in.size()); ++d)
      innerIn *= in[d];
    for (int64_t d = a + 1; d < static_cast<int64_t>(out.size()); ++d)
      innerOut *= out[d];
    // `in` holds the local shape; the global split axis is `split->full`.
    bool prefixKept = a < static_cast<int64_t>(out.size()) &&
                      in.take_front(a) == out.take_front(a);
    if (!prefixKept || (split->offset * innerIn) % innerOut != 0 ||
        (split->size * innerIn) % innerOut != 0 ||
        split->full * innerIn != out[a] * innerOut)
      return refuse(op, *split)
             << ": the reshape does not keep the split axis whole";
    Split moved{a, split->offset * innerIn / innerOut,
                split->size * innerIn / innerOut, out[a]};
    reshape.getResult().setType(withDim(outType, a, moved.size));
    splits[reshape.getResult()] = moved;
    return success();
  }
  if (auto rope = dyn_cast<RopeOp>(op)) {
    int64_t inputRank = tensorType(rope.getInput()).getRank();
    for (Value table : {rope.getCos(), rope.getSin()}) {
      RankedTensorType type = tensorType(table);
      int64_t axis = split->axis - (inputRank - type.getRank());
      if (splits.count(table) || (axis >= 0 && type.getDimSize(axis) != 1))
        return refuse(op, *split)
               << ": its cos/sin tables vary along the split axis";
    }
    if (!splits.count(rope.getInput()))
      return refuse(op, *split);
    rope.getResult().setType(rope.getInput().getType());
    splits[rope.getResult()] = *split;
    return success();
  }
  if (auto attention = dyn_cast<AttentionOp>(op)) {
    auto q = splits.find(attention.getQuery());
    auto k = splits.find(attention.getKey());
    auto v = splits.find(attention.getValue());
    if (q == splits.end() || k == splits.end() || v == splits.end() ||
        q->second.axis != 1 || k->second.axis != 1 || v->second.axis != 1 ||
        (attention.getMask() && splits.count(attention.getMask())))
      return refuse(op, *split)
             << ": query, key and value must all be split by heads";
    RankedTensorType resultType = tensorType(attention.getResult());
    attention.getResult().setType(withDim(resultType, 1, q->second.size));
    splits[attention.getResult()] = q->second;
    return success();
  }
  return refuse(op, *split);
}

LogicalResult Sharder::rewrite(func::FuncOp func) {
  for (Block &block : func.getBody())
    for (Operation &op : llvm::make_early_inc_range(block))
      if (failed(rewriteOp(&op)))
        return failure();
  // Function results must be replicated.
  for (Block &block : func.getBody())
    if (auto ret = dyn_cast<func::ReturnOp>(block.getTerminator()))
      for (Value value : ret.getOperands())
        if (auto it = splits.find(value); it != splits.end())
          return ret.emitError("function result is split across ")
                 << ranks << " ranks (axis " << it->second.axis
                 << "); tensor parallelism only returns replicated values";
  return success();
}

void Sharder::eraseDeadWeights() {
  for (Operation *op : slicedWeights)
    if (op->use_empty())
      op->erase();
}

struct ShardTensorParallelPass
    : tfc::impl::ShardTensorParallelBase<ShardTensorParallelPass> {
  using ShardTensorParallelBase::ShardTensorParallelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (ranks < 1 || rank < 0 || rank >= ranks) {
      module.emitError() << "tfc-shard-tensor-parallel needs ranks >= 1 and "
                            "0 <= rank < ranks, got ranks="
                         << ranks.getValue() << " rank=" << rank.getValue();
      return signalPassFailure();
    }
    if (reduceDtype != "f32" && reduceDtype != "low") {
      module.emitError() << "tfc-shard-tensor-parallel reduce-dtype '"
                         << reduceDtype.getValue()
                         << "' is not supported; expected f32 or low";
      return signalPassFailure();
    }
    if (ranks == 1)
      return;
    if (module->hasAttr("tfc.tensor_parallel")) {
      module.emitError() << "the module is already sharded for tensor "
                            "parallelism (it has tfc.tensor_parallel)";
      return signalPassFailure();
    }
    Sharder sharder(rank, ranks, reduceDtype == "f32");
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(sharder.analyse(func)) || failed(sharder.rewrite(func)))
        return signalPassFailure();
    }
    sharder.eraseDeadWeights();
    numColumnSplit = sharder.numColumn;
    numRowSplit = sharder.numRow;
    numReducedF32 = sharder.numReducedInF32;
    Builder b(module.getContext());
    module->setAttr("tfc.tensor_parallel",
                    b.getDictionaryAttr(
                        {b.getNamedAttr("rank", b.getI64IntegerAttr(rank)),
                         b.getNamedAttr("ranks", b.getI64IntegerAttr(ranks))}));
  }
};
} // namespace
