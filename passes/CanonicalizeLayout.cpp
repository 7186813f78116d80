//===- CanonicalizeLayout.cpp - layouts the next op reads directly -*- C++ -*-===//
//
// Exporters move data around to match PyTorch's view semantics: transposes
// in front of matmuls, reshape/transpose round trips, one matmul per
// projection even when several read the same activation. Every such
// transpose is a kernel (or a strided prologue) that reads and writes the
// tensor once more, and every extra projection reads the activation again.
// This pass removes them, in this order:
//
//   1. Local rewrites, applied greedily:
//      - FoldTransposeIntoMatmul: a transpose of the last two dims feeding
//        a matmul becomes the matmul's transpose_lhs / transpose_rhs flag
//        (both matmul kernel families read either layout);
//      - TransposeOfUnitDimsToReshape: a transpose that keeps the order of
//        the dims larger than 1 is a reshape (a view, no kernel);
//      - CancelReshapeTransposeChain: a chain of reshapes and transposes
//        whose composition keeps row-major order becomes one reshape;
//      - PretransposeMatmulWeight: a matmul that reads an inline rank-2
//        weight transposed, and is that weight's only reader, gets the
//        weight transposed at compile time, so consecutive threads read
//        consecutive columns;
//      - HoistNarrowingCast: cast(reshape(x)) -> reshape(cast(x)) (and
//        transpose alike) for a cast to fewer bits, so the cast joins x's
//        producer kernel (tfc-lower-precision applies it to its own casts).
//      - HoistUnaryElementwise: unary(reshape(x)) -> reshape(unary(x)) (and
//        transpose alike) for GELU, SiLU, tanh, exp... that are the only
//        reader of the shape op, so the activation joins its producer's
//        epilogue: GPT-2's dynamo export computes bias + GELU as
//        addmm -> reshape to [B, S, 4H] -> gelu, and the reshape kept the
//        GELU out of the matmul kernel (its own kernel, 0.49 ms of 6.2 at
//        B8xS1024 on an H100); the reshape then cancels with the one back
//        to 2-D in front of the next matmul.
//   2. PackSharedInputProjections: matmuls that read the same activation
//      with inline rank-2 weights (Q/K/V, gate/up) become one matmul with
//      the weights concatenated at compile time, followed by a tfc.split.
//      When every member adds an inline bias, the biases are packed too.
//      Projections whose results meet in one op (gate/up feeding SwiGLU)
//      are left apart unless asked (pack-gated): no matmul kernel applies
//      the gate to a packed result yet, so packing them moves more bytes.
//      External weights are never packed: they are bound by name at load
//      time, and a packed copy would need a new artifact record.
//
//===----------------------------------------------------------------------===//

#include "tfc/Passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>

namespace mlir::tfc {
#define GEN_PASS_DEF_CANONICALIZELAYOUT
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {

/// What the pass changed, for its statistics and report.
struct LayoutTally {
  int64_t transposesFolded = 0, transposesToReshape = 0, chainsCancelled = 0,
          weightsPretransposed = 0, matmulsPacked = 0, biasesPacked = 0,
          packs = 0, castsHoisted = 0, unaryHoisted = 0;
};

//===----------------------------------------------------------------------===//
// Inline weights as raw bytes
//===----------------------------------------------------------------------===//

/// The value of an inline float weight whose bytes can be read: dense
/// (splat or not) or dense_resource with its blob, of a constant or a
/// parameter; null otherwise.
ElementsAttr getWeightAttr(Value value) {
  Operation *op = value.getDefiningOp();
  ElementsAttr attr;
  if (auto constant = dyn_cast_if_present<ConstantOp>(op))
    attr = constant.getValue();
  else if (auto parameter = dyn_cast_if_present<ParameterOp>(op))
    attr = parameter.getValueAttr();
  if (!attr)
    return {};
  auto type = cast<RankedTensorType>(attr.getType());
  auto element = dyn_cast<FloatType>(type.getElementType());
  if (!element || element.getWidth() % 8 != 0)
    return {};
  int64_t size = type.getNumElements() * (element.getWidth() / 8);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    return blob && static_cast<int64_t>(blob->getData().size()) == size
               ? attr
               : ElementsAttr();
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || (!dense.isSplat() &&
                 static_cast<int64_t>(dense.getRawData().size()) != size))
    return {};
  return attr;
}

/// The row-major bytes of a weight accepted by getWeightAttr (a splat is
/// repeated).
std::vector<char> readWeightBytes(Value value) {
  ElementsAttr attr = getWeightAttr(value);
  assert(attr && "not a readable inline weight");
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    ArrayRef<char> data = resource.getRawHandle().getBlob()->getData();
    return std::vector<char>(data.begin(), data.end());
  }
  auto dense = cast<DenseElementsAttr>(attr);
  ArrayRef<char> data = dense.getRawData();
  if (!dense.isSplat())
    return std::vector<char>(data.begin(), data.end());
  int64_t width = dense.getElementType().getIntOrFloatBitWidth() / 8;
  std::vector<char> bytes;
  bytes.reserve(dense.getNumElements() * width);
  for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
    bytes.insert(bytes.end(), data.begin(), data.begin() + width);
  return bytes;
}

/// The name of a weight: the parameter's, or "constant".
std::string getWeightName(Value value) {
  if (auto parameter = value.getDefiningOp<ParameterOp>())
    return parameter.getName().str();
  return "constant";
}

/// A new inline weight of `type` holding `bytes`: a parameter named `name`
/// with a dense_resource blob (so the IR text stays small), or a constant
/// with a dense value when `asConstant`.
Value createWeight(OpBuilder &builder, Location loc, RankedTensorType type,
                   StringRef name, ArrayRef<char> bytes, bool asConstant) {
  if (asConstant)
    return ConstantOp::create(builder, loc,
                              DenseElementsAttr::getFromRawBuffer(type, bytes));
  // 64-byte alignment, as the importer's blobs (vector loads, artifact).
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      bytes, /*align=*/64);
  auto attr = DenseResourceElementsAttr::get(type, name, std::move(blob));
  return ParameterOp::create(builder, loc, type, builder.getStringAttr(name),
                             attr);
}

//===----------------------------------------------------------------------===//
// 1. Local rewrites
//===----------------------------------------------------------------------===//

/// Whether `perm` swaps the last two dims and keeps the others in place.
bool swapsLastTwo(ArrayRef<int64_t> perm) {
  int64_t rank = perm.size();
  if (rank < 2 || perm[rank - 1] != rank - 2 || perm[rank - 2] != rank - 1)
    return false;
  for (int64_t d = 0; d < rank - 2; ++d)
    if (perm[d] != d)
      return false;
  return true;
}

/// matmul(transpose(a, [..., 1, 0]), b) -> matmul(a, b) {transpose_lhs =
/// !transpose_lhs}, and the same for the rhs.
struct FoldTransposeIntoMatmul : OpRewritePattern<MatmulOp> {
  FoldTransposeIntoMatmul(MLIRContext *context, LayoutTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    bool changed = false;
    for (int64_t i : {0, 1}) {
      auto transpose = op->getOperand(i).getDefiningOp<TransposeOp>();
      if (!transpose || !swapsLastTwo(transpose.getPermutation()))
        continue;
      rewriter.modifyOpInPlace(op, [&] {
        op->setOperand(i, transpose.getInput());
        if (i == 0)
          op.setTransposeLhs(!op.getTransposeLhs());
        else
          op.setTransposeRhs(!op.getTransposeRhs());
      });
      if (transpose->use_empty())
        rewriter.eraseOp(transpose);
      ++tally.transposesFolded;
      changed = true;
    }
    return success(changed);
  }

  LayoutTally &tally;
};

/// transpose(x, p) -> reshape(x) when p keeps the dims larger than 1 in
/// order (only unit dims move, so the row-major order is unchanged).
struct TransposeOfUnitDimsToReshape : OpRewritePattern<TransposeOp> {
  TransposeOfUnitDimsToReshape(MLIRContext *context, LayoutTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getInput().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    ArrayRef<int64_t> shape = op.getInput().getType().getShape();
    int64_t last = -1;
    for (int64_t p : op.getPermutation()) {
      if (shape[p] == 1)
        continue;
      if (p < last)
        return rewriter.notifyMatchFailure(op, "moves a dim larger than 1");
      last = p;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getInput());
    ++tally.transposesToReshape;
    return success();
  }

  LayoutTally &tally;
};

/// cast(reshape(x)) -> reshape(cast(x)) and cast(transpose(x)) ->
/// transpose(cast(x)) for a narrowing cast (fewer bits per element), when
/// the cast is the shape op's only reader. A cast converts each element
/// alone, so moving elements before or after it gives the same tensor; the
/// shape op then moves fewer bytes, and the cast sits right behind x's
/// producer, whose kernel epilogue absorbs it (with keep-residual-f32 every
/// f32 norm reached its bf16 matmul through reshape -> cast, a cast kernel
/// of its own). A widening cast stays: it fuses into its consumer.
/// unary(reshape(x)) -> reshape(unary(x)), transpose alike, for the
/// elementwise ops of one operand whose result has the operand's type.
/// Exact: each element is computed alone, whatever the layout.
struct HoistUnaryElementwise : RewritePattern {
  HoistUnaryElementwise(MLIRContext *context, int64_t *hoisted)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        hoisted(hoisted) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<GeluOp, NegOp, AbsOp, ExpOp, LogOp, SqrtOp, RsqrtOp, ReciprocalOp,
             TanhOp, ErfOp, SigmoidOp, ReluOp, SiluOp, NotOp>(op))
      return rewriter.notifyMatchFailure(op, "not a unary elementwise op");
    Operation *shapeOp = op->getOperand(0).getDefiningOp();
    if (!isa_and_present<ReshapeOp, TransposeOp>(shapeOp))
      return rewriter.notifyMatchFailure(op, "input is not a reshape or "
                                             "transpose");
    if (!shapeOp->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the shape op has other readers");
    Value source = shapeOp->getOperand(0);
    Operation *moved = rewriter.clone(*op);
    moved->setOperand(0, source);
    moved->getResult(0).setType(source.getType());
    Value result;
    Type type = op->getResult(0).getType();
    if (auto transpose = dyn_cast<TransposeOp>(shapeOp))
      result = TransposeOp::create(rewriter, transpose.getLoc(), type,
                                   moved->getResult(0),
                                   transpose.getPermutationAttr());
    else
      result = ReshapeOp::create(rewriter, shapeOp->getLoc(), type,
                                 moved->getResult(0));
    rewriter.replaceOp(op, result);
    if (hoisted)
      ++*hoisted;
    return success();
  }

  int64_t *hoisted;
};

struct HoistNarrowingCast : OpRewritePattern<CastOp> {
  HoistNarrowingCast(MLIRContext *context, int64_t *hoisted)
      : OpRewritePattern(context), hoisted(hoisted) {}

  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    Operation *shapeOp = op.getInput().getDefiningOp();
    if (!isa_and_present<ReshapeOp, TransposeOp>(shapeOp))
      return rewriter.notifyMatchFailure(op, "input is not a reshape or "
                                             "transpose");
    if (!shapeOp->hasOneUse())
      return rewriter.notifyMatchFailure(op, "the shape op has other readers");
    auto from = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto to = dyn_cast<RankedTensorType>(op.getType());
    auto source = dyn_cast<RankedTensorType>(shapeOp->getOperand(0).getType());
    if (!from || !to || !source || !from.getElementType().isIntOrFloat() ||
        !to.getElementType().isIntOrFloat())
      return rewriter.notifyMatchFailure(op, "not a ranked int/float cast");
    if (to.getElementType().getIntOrFloatBitWidth() >=
        from.getElementType().getIntOrFloatBitWidth())
      return rewriter.notifyMatchFailure(op, "not a narrowing cast");
    auto narrowed =
        CastOp::create(rewriter, op.getLoc(),
                       source.clone(to.getElementType()),
                       shapeOp->getOperand(0));
    Value moved;
    if (auto transpose = dyn_cast<TransposeOp>(shapeOp))
      moved = TransposeOp::create(rewriter, transpose.getLoc(), to, narrowed,
                                  transpose.getPermutationAttr());
    else
      moved = ReshapeOp::create(rewriter, shapeOp->getLoc(), to, narrowed);
    rewriter.replaceOp(op, moved);
    if (hoisted)
      ++*hoisted;
    return success();
  }

  int64_t *hoisted;
};

/// The largest tensor whose element order CancelReshapeTransposeChain
/// simulates (one int64 per element).
constexpr int64_t kMaxChainElements = int64_t(1) << 22;

/// `op` (a reshape or transpose) ends a chain of reshapes and transposes
/// that starts at some value x. When the chain, from some x on, maps every
/// element back to its row-major position (checked by carrying the
/// positions of x's elements through the chain), the result is a reshape
/// of x. Only chains with a transpose are rewritten: reshape chains fold.
struct CancelReshapeTransposeChain : RewritePattern {
  CancelReshapeTransposeChain(MLIRContext *context, LayoutTally &tally)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        tally(tally) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<ReshapeOp, TransposeOp>(op))
      return failure();
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    if (!type.hasStaticShape() || type.getNumElements() > kMaxChainElements)
      return rewriter.notifyMatchFailure(op, "dynamic or too large to "
                                             "simulate");
    // The chain, last op first (statically shaped ops only).
    SmallVector<Operation *> chain;
    for (Operation *cur = op; isa_and_present<ReshapeOp, TransposeOp>(cur) &&
                              cast<RankedTensorType>(cur->getOperand(0).getType())
                                  .hasStaticShape();
         cur = cur->getOperand(0).getDefiningOp())
      chain.push_back(cur);
    if (chain.size() < 2)
      return failure();
    // Try the longest chain first: it removes the most ops.
    for (size_t start = chain.size(); start >= 2; --start) {
      ArrayRef<Operation *> ops = ArrayRef(chain).take_front(start);
      if (llvm::none_of(ops, [](Operation *o) { return isa<TransposeOp>(o); }))
        continue;
      Value source = ops.back()->getOperand(0);
      if (!keepsRowMajorOrder(ops, source))
        continue;
      rewriter.replaceOpWithNewOp<ReshapeOp>(op, type, source);
      ++tally.chainsCancelled;
      return success();
    }
    return rewriter.notifyMatchFailure(op, "the chain reorders elements");
  }

  /// Carries the row-major positions of `source`'s elements through `ops`
  /// (applied last to first) and checks they come out in order.
  static bool keepsRowMajorOrder(ArrayRef<Operation *> ops, Value source) {
    auto sourceType = cast<RankedTensorType>(source.getType());
    SmallVector<int64_t> positions(sourceType.getNumElements());
    for (int64_t i = 0, e = positions.size(); i < e; ++i)
      positions[i] = i;
    for (Operation *o : llvm::reverse(ops)) {
      auto transpose = dyn_cast<TransposeOp>(o);
      if (!transpose)
        continue; // a reshape keeps the row-major order
      positions = applyTranspose(positions, transpose);
    }
    for (int64_t i = 0, e = positions.size(); i < e; ++i)
      if (positions[i] != i)
        return false;
    return true;
  }

  /// `values` (row-major, of the transpose's input shape) permuted as the
  /// transpose permutes its input.
  static SmallVector<int64_t> applyTranspose(ArrayRef<int64_t> values,
                                             TransposeOp transpose) {
    ArrayRef<int64_t> inShape = transpose.getInput().getType().getShape();
    ArrayRef<int64_t> perm = transpose.getPermutation();
    int64_t rank = inShape.size();
    SmallVector<int64_t> inStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * inShape[d + 1];
    SmallVector<int64_t> outShape, outStrides;
    for (int64_t p : perm) {
      outShape.push_back(inShape[p]);
      outStrides.push_back(inStrides[p]);
    }
    SmallVector<int64_t> result(values.size());
    SmallVector<int64_t> index(rank, 0);
    int64_t offset = 0;
    for (int64_t i = 0, e = values.size(); i < e; ++i) {
      result[i] = values[offset];
      // Next output index (row-major), keeping the input offset.
      for (int64_t d = rank - 1; d >= 0; --d) {
        offset += outStrides[d];
        if (++index[d] < outShape[d])
          break;
        offset -= outStrides[d] * outShape[d];
        index[d] = 0;
      }
    }
    return result;
  }

  LayoutTally &tally;
};

/// matmul(a, w) {transpose_rhs} with `w` an inline rank-2 weight read only
/// here -> matmul(a, w^T) with w^T computed now (and the same for the lhs):
/// the kernels then read the weight along its rows.
struct PretransposeMatmulWeight : OpRewritePattern<MatmulOp> {
  PretransposeMatmulWeight(MLIRContext *context, LayoutTally &tally)
      : OpRewritePattern(context), tally(tally) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    for (int64_t i : {0, 1}) {
      bool transposed = i == 0 ? op.getTransposeLhs() : op.getTransposeRhs();
      Value weight = op->getOperand(i);
      auto type = cast<RankedTensorType>(weight.getType());
      if (!transposed || type.getRank() != 2 || !getWeightAttr(weight) ||
          !weight.hasOneUse())
        continue;
      std::vector<char> bytes = readWeightBytes(weight);
      int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
      int64_t width = type.getElementTypeBitWidth() / 8;
      std::vector<char> out(bytes.size());
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          std::memcpy(&out[(c * rows + r) * width],
                      &bytes[(r * cols + c) * width], width);
      auto newType = RankedTensorType::get({cols, rows}, type.getElementType());
      Operation *def = weight.getDefiningOp();
      rewriter.setInsertionPoint(def);
      Value transposedWeight =
          createWeight(rewriter, def->getLoc(), newType,
                       getWeightName(weight) + ".T", out, isa<ConstantOp>(def));
      rewriter.modifyOpInPlace(op, [&] {
        op->setOperand(i, transposedWeight);
        if (i == 0)
          op.setTransposeLhs(false);
        else
          op.setTransposeRhs(false);
      });
      rewriter.eraseOp(def);
      ++tally.weightsPretransposed;
      return success();
    }
    return rewriter.notifyMatchFailure(
        op, "no transposed inline rank-2 weight read only here");
  }

  LayoutTally &tally;
};

//===----------------------------------------------------------------------===//
// 2. Packing projections that share their input
//===----------------------------------------------------------------------===//

/// Matmuls that can share one packed weight have the same key: the same
/// activation, accumulator, weight element type and K, and the same
/// transpose_lhs.
using PackKey = std::tuple<Value, Attribute, Type, int64_t, int64_t>;

/// The group key of `op`, or nullopt when it cannot be packed.
/// Only matmuls whose weight is inline, rank 2, float, not read transposed
/// (PretransposeMatmulWeight has run) and read by that matmul alone are
/// packed.
std::optional<PackKey> getPackKey(MatmulOp op) {
  Value rhs = op.getRhs();
  auto type = cast<RankedTensorType>(rhs.getType());
  if (type.getRank() != 2 || op.getTransposeRhs() || !rhs.hasOneUse() ||
      !getWeightAttr(rhs))
    return std::nullopt;
  return PackKey(op.getLhs(), op.getAccumulatorTypeAttr(),
                 type.getElementType(), type.getDimSize(0),
                 int64_t(op.getTransposeLhs()));
}

/// The bias add of a packed member: `op`'s only user, `op + b` (either
/// order) with `b` an inline rank-1 weight of the result's last dim read
/// only there; null otherwise.
AddOp getBiasAdd(MatmulOp op) {
  if (!op->hasOneUse())
    return {};
  auto add = dyn_cast<AddOp>(*op->getUsers().begin());
  if (!add || add.getType() != op.getType())
    return {};
  Value bias = add.getLhs() == op.getResult() ? add.getRhs() : add.getLhs();
  auto type = cast<RankedTensorType>(bias.getType());
  if (bias == op.getResult() || type.getRank() != 1 ||
      type.getDimSize(0) != op.getType().getShape().back() ||
      !bias.hasOneUse() || !getWeightAttr(bias))
    return {};
  return add;
}

/// A blob key made of identifier characters only.
std::string getBlobKey(StringRef name) {
  std::string key = name.str();
  for (char &c : key)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  return key;
}

/// Replaces `group` (in block order, at least two; weights [K, N_i]) by one
/// matmul on the weights concatenated along N, then a split of its result. When every
/// member's only user adds a bias, the biases are packed too and the split
/// comes after the packed add.
void packGroup(MutableArrayRef<MatmulOp> group, LayoutTally &tally) {
  MatmulOp first = group.front();
  auto firstType = cast<RankedTensorType>(first.getRhs().getType());
  Type element = firstType.getElementType();
  int64_t width = firstType.getElementTypeBitWidth() / 8;
  int64_t k = firstType.getDimSize(0);
  // Weights [K, N_i] join along dim 1, row by row.
  SmallVector<int64_t> sizes;
  SmallVector<std::vector<char>> parts;
  SmallVector<std::string> names;
  bool allConstants = true;
  for (MatmulOp op : group) {
    auto type = cast<RankedTensorType>(op.getRhs().getType());
    sizes.push_back(type.getDimSize(1));
    parts.push_back(readWeightBytes(op.getRhs()));
    names.push_back(getWeightName(op.getRhs()));
    allConstants &= isa<ConstantOp>(op.getRhs().getDefiningOp());
  }
  int64_t n = 0;
  for (int64_t size : sizes)
    n += size;
  std::vector<char> packed;
  packed.reserve(n * k * width);
  for (int64_t row = 0; row < k; ++row)
    for (auto [part, size] : llvm::zip(parts, sizes)) {
      const char *begin = part.data() + row * size * width;
      packed.insert(packed.end(), begin, begin + size * width);
    }
  auto packedType = RankedTensorType::get({k, n}, element);

  // Biases, when every member adds one of the same element type.
  SmallVector<AddOp> adds;
  for (MatmulOp op : group)
    if (AddOp add = getBiasAdd(op))
      adds.push_back(add);
  if (adds.size() != group.size())
    adds.clear();

  OpBuilder builder(first);
  Location loc = builder.getFusedLoc(llvm::to_vector(
      llvm::map_range(group, [](MatmulOp op) { return op.getLoc(); })));
  std::string name = llvm::join(names, "+");
  Value weight = createWeight(builder, loc, packedType, getBlobKey(name),
                              packed, allConstants);
  if (auto parameter = weight.getDefiningOp<ParameterOp>())
    parameter.setName(name);
  Value result = MatmulOp::create(builder, loc, first.getLhs(), weight,
                                  first.getTransposeLhsAttr(),
                                  first.getTransposeRhsAttr(),
                                  first.getAccumulatorTypeAttr());
  SmallVector<Value> biases;
  if (!adds.empty()) {
    std::vector<char> packedBias;
    SmallVector<std::string> biasNames;
    bool biasConstants = true;
    for (auto [add, op] : llvm::zip(adds, group)) {
      Value bias =
          add.getLhs() == op.getResult() ? add.getRhs() : add.getLhs();
      std::vector<char> bytes = readWeightBytes(bias);
      packedBias.insert(packedBias.end(), bytes.begin(), bytes.end());
      biasNames.push_back(getWeightName(bias));
      biasConstants &= isa<ConstantOp>(bias.getDefiningOp());
      biases.push_back(bias);
    }
    std::string biasName = llvm::join(biasNames, "+");
    Value bias = createWeight(builder, loc, RankedTensorType::get({n}, element),
                              getBlobKey(biasName), packedBias,
                              biasConstants);
    if (auto parameter = bias.getDefiningOp<ParameterOp>())
      parameter.setName(biasName);
    result = AddOp::create(builder, loc, result, bias);
  }
  int64_t axis = cast<RankedTensorType>(result.getType()).getRank() - 1;
  auto split = SplitOp::create(builder, loc, result,
                               static_cast<uint64_t>(axis), sizes);
  for (auto [i, op] : llvm::enumerate(group)) {
    Operation *oldWeight = op.getRhs().getDefiningOp();
    if (!adds.empty()) {
      adds[i].getResult().replaceAllUsesWith(split.getResult(i));
      adds[i]->erase();
      biases[i].getDefiningOp()->erase();
    } else {
      op.getResult().replaceAllUsesWith(split.getResult(i));
    }
    op->erase();
    oldWeight->erase();
  }
  tally.matmulsPacked += group.size();
  tally.biasesPacked += adds.size();
  ++tally.packs;
}

/// The elementwise ops that read `op`'s projection (its result, or its
/// bias add's): where a gate meets its up projection.
SmallVector<Operation *> getProjectionReaders(MatmulOp op) {
  Operation *last = op;
  if (AddOp add = getBiasAdd(op))
    last = add;
  SmallVector<Operation *> readers;
  for (Operation *user : last->getUsers())
    if (isa<SwigluOp, MulOp, AddOp, SubOp, DivOp, MaximumOp, MinimumOp>(user))
      readers.push_back(user);
  return readers;
}

/// Removes from `group` the gated members: those whose projection is read
/// by an elementwise op that also reads another member's (gate and up
/// meeting in tfc.swiglu or a product). After packing, the two halves would be split
/// out of the packed result by a pointwise kernel, written and read once
/// more, where unpacked the up projection's epilogue reads the gate.
void dropGatedMembers(SmallVectorImpl<MatmulOp> &group) {
  llvm::DenseMap<Operation *, int64_t> readers;
  for (MatmulOp op : group) {
    llvm::SmallPtrSet<Operation *, 4> own;
    for (Operation *reader : getProjectionReaders(op))
      if (own.insert(reader).second)
        ++readers[reader];
  }
  llvm::erase_if(group, [&](MatmulOp op) {
    return llvm::any_of(getProjectionReaders(op), [&](Operation *reader) {
      return readers.lookup(reader) > 1;
    });
  });
}

void packSharedInputProjections(func::FuncOp func, bool packGated,
                                LayoutTally &tally) {
  for (Block &block : func.getBody()) {
    llvm::MapVector<PackKey, SmallVector<MatmulOp>> groups;
    for (auto op : block.getOps<MatmulOp>())
      if (auto key = getPackKey(op))
        groups[*key].push_back(op);
    for (auto &[key, group] : groups) {
      if (!packGated)
        dropGatedMembers(group);
      if (group.size() >= 2)
        packGroup(group, tally);
    }
  }
}

struct CanonicalizeLayoutPass
    : tfc::impl::CanonicalizeLayoutBase<CanonicalizeLayoutPass> {
  using CanonicalizeLayoutBase::CanonicalizeLayoutBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    LayoutTally tally;
    RewritePatternSet patterns(context);
    patterns.add<FoldTransposeIntoMatmul, TransposeOfUnitDimsToReshape,
                 CancelReshapeTransposeChain, PretransposeMatmulWeight>(
        context, tally);
    patterns.add<HoistNarrowingCast>(context, &tally.castsHoisted);
    patterns.add<HoistUnaryElementwise>(context, &tally.unaryHoisted);
    if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
      func.emitError("tfc-canonicalize-layout did not converge");
      return signalPassFailure();
    }
    if (pack)
      packSharedInputProjections(func, packGated, tally);

    numTransposesFolded += tally.transposesFolded;
    numTransposesToReshape += tally.transposesToReshape;
    numChainsCancelled += tally.chainsCancelled;
    numWeightsPretransposed += tally.weightsPretransposed;
    numMatmulsPacked += tally.matmulsPacked;
    numBiasesPacked += tally.biasesPacked;
    if (report)
      emitRemark(func.getLoc())
          << "tfc-canonicalize-layout @" << func.getSymName() << ": "
          << tally.transposesFolded << " transposes folded into matmuls, "
          << tally.transposesToReshape << " transposes became reshapes, "
          << tally.chainsCancelled << " reshape/transpose chains cancelled, "
          << tally.weightsPretransposed << " weights pre-transposed, "
          << tally.matmulsPacked << " matmuls packed into " << tally.packs
          << " (" << tally.biasesPacked << " bias adds packed with them), "
          << tally.castsHoisted << " narrowing casts hoisted above "
          << "reshapes/transposes, " << tally.unaryHoisted
          << " unary elementwise ops hoisted above reshapes/transposes";
  }
};

} // namespace

void mlir::tfc::populateHoistNarrowingCastPatterns(RewritePatternSet &patterns,
                                                   int64_t *hoisted) {
  patterns.add<HoistNarrowingCast>(patterns.getContext(), hoisted);
}
