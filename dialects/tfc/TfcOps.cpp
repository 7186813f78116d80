//===- TfcOps.cpp - tfc dialect operations ----------------------*- C++ -*-===//
//
// Type inference, verifiers and folders of the tfc ops. Type inference is the
// single place where result shapes are computed: the importer and the passes
// build ops without result types and rely on it.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::tfc;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> mlir::tfc::broadcastShapes(
    ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t r = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    if (l != r && l != 1 && r != 1)
      return failure();
    result[rank - 1 - i] = l == 1 ? r : l;
  }
  return result;
}

static std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Broadcasts `values` together; all must share one element type.
static LogicalResult inferBroadcast(std::optional<Location> loc,
                                    StringRef opName, ValueRange values,
                                    Type elementType,
                                    SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (auto [i, v] : llvm::enumerate(values)) {
    auto type = rankedType(v);
    if (i == 0) {
      shape.assign(type.getShape().begin(), type.getShape().end());
      continue;
    }
    auto next = broadcastShapes(shape, type.getShape());
    if (failed(next))
      return emitOptionalError(
          loc, "operands of ", opName, " do not broadcast: operand ", i,
          " of type ", typeToString(type), " against shape [",
          llvm::make_range(shape.begin(), shape.end()), "]");
    shape = *next;
  }
  inferred.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

static LogicalResult requireSameElementType(std::optional<Location> loc,
                                            StringRef opName, Value lhs,
                                            Value rhs) {
  Type l = rankedType(lhs).getElementType();
  Type r = rankedType(rhs).getElementType();
  if (l != r)
    return emitOptionalError(loc, "operands of ", opName,
                             " have different element types: ",
                             typeToString(l), " and ", typeToString(r));
  return success();
}

/// Checks that `axis` is in [0, rank).
static LogicalResult checkAxis(std::optional<Location> loc, StringRef opName,
                               StringRef what, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, opName, " ", what, " ", axis,
                             " is out of range for rank ", rank,
                             " (expected 0 <= axis < ", rank, ")");
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise ops
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult inferBinary(std::optional<Location> loc,
                                 typename OpTy::Adaptor adaptor,
                                 SmallVectorImpl<Type> &inferred) {
  StringRef name = OpTy::getOperationName();
  if (failed(requireSameElementType(loc, name, adaptor.getLhs(),
                                    adaptor.getRhs())))
    return failure();
  Type elementType = rankedType(adaptor.getLhs()).getElementType();
  if constexpr (std::is_same_v<OpTy, AndOp> || std::is_same_v<OpTy, OrOp>) {
    if (!elementType.isInteger(1))
      return emitOptionalError(loc, name, " expects i1 operands, got ",
                               typeToString(elementType));
  }
  return inferBroadcast(loc, name, {adaptor.getLhs(), adaptor.getRhs()},
                        elementType, inferred);
}

#define TFC_BINARY_INFER(OpTy)                                                 \
  LogicalResult OpTy::inferReturnTypes(                                        \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &inferred) {                                       \
    return inferBinary<OpTy>(loc, adaptor, inferred);                          \
  }
TFC_BINARY_INFER(AddOp)
TFC_BINARY_INFER(SubOp)
TFC_BINARY_INFER(MulOp)
TFC_BINARY_INFER(DivOp)
TFC_BINARY_INFER(PowOp)
TFC_BINARY_INFER(MaximumOp)
TFC_BINARY_INFER(MinimumOp)
TFC_BINARY_INFER(AndOp)
TFC_BINARY_INFER(OrOp)
#undef TFC_BINARY_INFER

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  if (failed(requireSameElementType(loc, getOperationName(), adaptor.getLhs(),
                                    adaptor.getRhs())))
    return failure();
  return inferBroadcast(loc, getOperationName(),
                        {adaptor.getLhs(), adaptor.getRhs()},
                        IntegerType::get(context, 1), inferred);
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  if (failed(requireSameElementType(loc, getOperationName(),
                                    adaptor.getOnTrue(), adaptor.getOnFalse())))
    return failure();
  return inferBroadcast(
      loc, getOperationName(),
      {adaptor.getCondition(), adaptor.getOnTrue(), adaptor.getOnFalse()},
      rankedType(adaptor.getOnTrue()).getElementType(), inferred);
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

namespace {
/// cast(cast(x : A -> B) : B -> A) -> x when A -> B is exact (a widening
/// float cast such as bf16 -> f32).
struct FoldWideningCastRoundTrip : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<CastOp>();
    if (!inner || inner.getInput().getType() != op.getType())
      return failure();
    auto from = dyn_cast<FloatType>(getElementTypeOrSelf(op.getType()));
    auto mid = dyn_cast<FloatType>(getElementTypeOrSelf(inner.getType()));
    // Exact only if every value of `from` (range and precision) exists in
    // `mid`: f8E8M0FNU -> f16 is wider but loses the exponent range.
    if (!from || !mid || mid.getWidth() <= from.getWidth() ||
        !llvm::APFloat::isRepresentableBy(from.getFloatSemantics(),
                                          mid.getFloatSemantics()))
      return failure();
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};
} // namespace

void CastOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<FoldWideningCastRoundTrip>(context);
}

//===----------------------------------------------------------------------===//
// Weights and constants
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ParameterOp::verify() {
  if (getName().empty())
    return emitOpError("requires a non-empty name");
  if (auto value = getValueAttr()) {
    if (value.getType() != getType())
      return emitOpError("value of type ")
             << value.getType() << " does not match the result type "
             << getType();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalisations
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  if (axes.empty())
    return emitOptionalError(loc, "tfc.reduce axes is empty; expected at "
                                   "least one axis");
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (failed(checkAxis(loc, "tfc.reduce", "axis", axis, type.getRank())))
      return failure();
    if (i > 0 && axis <= axes[i - 1])
      return emitOptionalError(loc, "tfc.reduce axes must be strictly "
                                    "increasing, got ",
                               axes[i - 1], " then ", axis);
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
    else if (adaptor.getKeepDimsAttr() && adaptor.getKeepDims())
      shape.push_back(1);
  }
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

LogicalResult SoftmaxOp::verify() {
  std::optional<Location> loc = getLoc();
  return checkAxis(loc, getOperationName(), "axis", getAxis(),
                   getInput().getType().getRank());
}

/// Checks a norm's parameter (scale or bias) against the normalised dims.
static LogicalResult checkNormParam(std::optional<Location> loc,
                                    StringRef opName, StringRef what,
                                    Value param, RankedTensorType input,
                                    int64_t axis) {
  if (!param)
    return success();
  auto type = rankedType(param);
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  if (type.getShape() != normalized)
    return emitOptionalError(loc, opName, " ", what, " of type ",
                             typeToString(type),
                             " does not match the normalised dimensions [",
                             llvm::make_range(normalized.begin(),
                                              normalized.end()),
                             "] of the input");
  if (type.getElementType() != input.getElementType())
    return emitOptionalError(loc, opName, " ", what, " element type ",
                             typeToString(type.getElementType()),
                             " differs from the input's ",
                             typeToString(input.getElementType()));
  return success();
}

/// The shared checks of layer_norm and rms_norm: axis, parameter shapes and
/// epsilon; the result has the input's type.
static LogicalResult inferNormResult(std::optional<Location> loc,
                                     StringRef name, RankedTensorType type,
                                     int64_t axis, APFloat epsilon, Value scale,
                                     Value bias,
                                     SmallVectorImpl<Type> &inferred) {
  if (failed(checkAxis(loc, name, "axis", axis, type.getRank())) ||
      failed(checkNormParam(loc, name, "scale", scale, type, axis)) ||
      failed(checkNormParam(loc, name, "bias", bias, type, axis)))
    return failure();
  if (!(epsilon.convertToFloat() >= 0))
    return emitOptionalError(loc, name, " epsilon must be non-negative, got ",
                             epsilon.convertToFloat());
  inferred.push_back(type);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto type = rankedType(adaptor.getInput());
  StringRef name = getOperationName();
  // The custom form cannot tell a lone bias from a scale, and ONNX
  // LayerNormalization always has a scale.
  if (adaptor.getBias() && !adaptor.getScale())
    return emitOptionalError(loc, name, " has a bias but no scale; expected "
                                        "a scale whenever a bias is given");
  return inferNormResult(loc, name, type, adaptor.getAxis(),
                         adaptor.getEpsilon(), adaptor.getScale(),
                         adaptor.getBias(), inferred);
}

LogicalResult RmsNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  auto type = rankedType(adaptor.getInput());
  StringRef name = getOperationName();
  return inferNormResult(loc, name, type, adaptor.getAxis(),
                         adaptor.getEpsilon(), adaptor.getScale(),
                         /*bias=*/Value(), inferred);
}

//===----------------------------------------------------------------------===//
// Matrix ops
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto lhs = rankedType(adaptor.getLhs());
  auto rhs = rankedType(adaptor.getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOptionalError(loc, name, " operands need rank 2 or more, got ",
                             typeToString(lhs), " and ", typeToString(rhs));
  if (failed(requireSameElementType(loc, name, adaptor.getLhs(),
                                    adaptor.getRhs())))
    return failure();
  // Default-valued flags may be unset while an op is being built.
  bool transposeLhs = adaptor.getTransposeLhsAttr() && adaptor.getTransposeLhs();
  bool transposeRhs = adaptor.getTransposeRhsAttr() && adaptor.getTransposeRhs();
  int64_t m = lhs.getDimSize(lhs.getRank() - (transposeLhs ? 1 : 2));
  int64_t kl = lhs.getDimSize(lhs.getRank() - (transposeLhs ? 2 : 1));
  int64_t kr = rhs.getDimSize(rhs.getRank() - (transposeRhs ? 1 : 2));
  int64_t n = rhs.getDimSize(rhs.getRank() - (transposeRhs ? 2 : 1));
  if (kl != kr)
    return emitOptionalError(loc, name, " contraction sizes differ: lhs ",
                             typeToString(lhs), " has K = ", kl, ", rhs ",
                             typeToString(rhs), " has K = ", kr);
  auto batch = broadcastShapes(lhs.getShape().drop_back(2),
                               rhs.getShape().drop_back(2));
  if (failed(batch))
    return emitOptionalError(loc, name, " batch dimensions of ",
                             typeToString(lhs), " and ", typeToString(rhs),
                             " do not broadcast");
  SmallVector<int64_t> shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

/// The result may also be f32 when the operands are 16-bit floats: the
/// accumulator written out unrounded.
bool MatmulOp::isCompatibleReturnTypes(TypeRange inferred, TypeRange actual) {
  if (inferred.size() != 1 || actual.size() != 1)
    return false;
  if (inferred == actual)
    return true;
  auto in = dyn_cast<RankedTensorType>(inferred.front());
  auto out = dyn_cast<RankedTensorType>(actual.front());
  return in && out && in.getShape() == out.getShape() &&
         (in.getElementType().isBF16() || in.getElementType().isF16()) &&
         out.getElementType().isF32();
}

LogicalResult MatmulOp::verify() {
  if (auto acc = getAccumulatorType()) {
    Type element = getLhs().getType().getElementType();
    bool isFloat = isa<FloatType>(element);
    if (isFloat ? !isa<FloatType>(*acc) : !isa<IntegerType>(*acc))
      return emitOpError("accumulator_type ")
             << *acc << " does not suit operands of element type " << element
             << "; expected " << (isFloat ? "a float" : "an integer")
             << " type";
  }
  Type element = getLhs().getType().getElementType();
  if (getType().getElementType() != element) {
    Type acc = getAccumulatorType().value_or(Float32Type::get(getContext()));
    if (getType().getElementType() != acc)
      return emitOpError("result element type ")
             << getType().getElementType() << " differs from the operands' "
             << element << " and from the accumulator type " << acc;
  }
  return success();
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto q = rankedType(adaptor.getQuery());
  auto k = rankedType(adaptor.getKey());
  auto v = rankedType(adaptor.getValue());
  for (auto [what, t] : {std::pair<StringRef, RankedTensorType>{"query", q},
                         {"key", k}, {"value", v}})
    if (t.getRank() != 4)
      return emitOptionalError(loc, name, " ", what,
                               " must be [batch, heads, seq, head_dim], got ",
                               typeToString(t));
  if (k.getElementType() != q.getElementType() ||
      v.getElementType() != q.getElementType())
    return emitOptionalError(loc, name,
                             " query, key and value element types differ: ",
                             typeToString(q.getElementType()), ", ",
                             typeToString(k.getElementType()), " and ",
                             typeToString(v.getElementType()));
  if (k.getDimSize(0) != q.getDimSize(0) || v.getDimSize(0) != q.getDimSize(0))
    return emitOptionalError(loc, name, " batch sizes differ: query ",
                             q.getDimSize(0), ", key ", k.getDimSize(0),
                             ", value ", v.getDimSize(0));
  if (k.getDimSize(3) != q.getDimSize(3))
    return emitOptionalError(loc, name, " key head_dim ", k.getDimSize(3),
                             " differs from query head_dim ", q.getDimSize(3));
  if (v.getDimSize(1) != k.getDimSize(1) || v.getDimSize(2) != k.getDimSize(2))
    return emitOptionalError(loc, name, " value ", typeToString(v),
                             " does not match key ", typeToString(k),
                             " in heads and sequence length");
  if (k.getDimSize(1) < 1 || q.getDimSize(1) % k.getDimSize(1) != 0)
    return emitOptionalError(loc, name, " query heads ", q.getDimSize(1),
                             " are not a multiple of key/value heads ",
                             k.getDimSize(1));
  // I64Attr getters return uint64_t: compare the signed value.
  int64_t window =
      adaptor.getWindowAttr() ? static_cast<int64_t>(adaptor.getWindow()) : 0;
  if (window < 0)
    return emitOptionalError(loc, name, " window must be >= 0, got ", window);
  SmallVector<int64_t> scores = {q.getDimSize(0), q.getDimSize(1),
                                 q.getDimSize(2), k.getDimSize(2)};
  if (Value mask = adaptor.getMask()) {
    auto m = rankedType(mask);
    if (m.getElementType() != q.getElementType())
      return emitOptionalError(loc, name, " mask element type ",
                               typeToString(m.getElementType()),
                               " differs from the query's ",
                               typeToString(q.getElementType()));
    auto b = broadcastShapes(scores, m.getShape());
    if (m.getRank() > 4 || failed(b) || ArrayRef<int64_t>(*b) != ArrayRef<int64_t>(scores))
      return emitOptionalError(loc, name, " mask ", typeToString(m),
                               " does not broadcast to the scores [",
                               llvm::make_range(scores.begin(), scores.end()),
                               "]");
  }
  inferred.push_back(RankedTensorType::get(
      {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2), v.getDimSize(3)},
      q.getElementType()));
  return success();
}

LogicalResult RopeOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto x = rankedType(adaptor.getInput());
  if (x.getRank() < 1 || x.getShape().back() % 2 != 0)
    return emitOptionalError(loc, name,
                             " needs an even last dimension, got ",
                             typeToString(x));
  for (auto [what, v] : {std::pair<StringRef, Value>{"cos", adaptor.getCos()},
                         {"sin", adaptor.getSin()}}) {
    auto t = rankedType(v);
    if (t.getElementType() != x.getElementType())
      return emitOptionalError(loc, name, " ", what, " element type ",
                               typeToString(t.getElementType()),
                               " differs from the input's ",
                               typeToString(x.getElementType()));
    auto b = broadcastShapes(x.getShape(), t.getShape());
    if (failed(b) || ArrayRef<int64_t>(*b) != x.getShape())
      return emitOptionalError(loc, name, " ", what, " ", typeToString(t),
                               " does not broadcast to the input ",
                               typeToString(x));
  }
  inferred.push_back(x);
  return success();
}

//===----------------------------------------------------------------------===//
// Structural ops
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (static_cast<int64_t>(perm.size()) != type.getRank())
    return emitOptionalError(loc, getOperationName(), " permutation has ",
                             perm.size(), " entries for an input of rank ",
                             type.getRank());
  llvm::SmallSet<int64_t, 8> seen;
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= type.getRank() || !seen.insert(p).second)
      return emitOptionalError(loc, getOperationName(), " permutation [",
                               llvm::make_range(perm.begin(), perm.end()),
                               "] is not a permutation of 0..",
                               type.getRank() - 1);
    shape.push_back(type.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return getInput();
  // transpose(transpose(x, p1), p2) == transpose(x, p1[p2[i]]).
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> innerPerm = inner.getPermutation();
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    setPermutation(composed);
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type from ")
           << in.getElementType() << " to " << out.getElementType();
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("input has ")
           << in.getNumElements() << " elements but the result type " << out
           << " has " << out.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

LogicalResult ExpandOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type from ")
           << in.getElementType() << " to " << out.getElementType();
  auto b = broadcastShapes(in.getShape(), out.getShape());
  if (in.getRank() > out.getRank() || failed(b) ||
      ArrayRef<int64_t>(*b) != out.getShape())
    return emitOpError("input type ")
           << in << " does not broadcast to the result type " << out;
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput()))
    if (dense.isSplat())
      return DenseElementsAttr::get(getType(),
                                    dense.getSplatValue<Attribute>());
  return {};
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> offsets = adaptor.getOffsets();
  ArrayRef<int64_t> sizes = adaptor.getSizes();
  ArrayRef<int64_t> strides = adaptor.getStrides();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(offsets.size()) != rank ||
      static_cast<int64_t>(sizes.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return emitOptionalError(loc, name, " needs ", rank,
                             " offsets, sizes and strides for ",
                             typeToString(type), ", got ", offsets.size(),
                             ", ", sizes.size(), " and ", strides.size());
  for (int64_t d = 0; d < rank; ++d) {
    if (strides[d] < 1)
      return emitOptionalError(loc, name, " stride of dimension ", d,
                               " must be positive, got ", strides[d]);
    // offset + (size - 1) * stride < dim, written so it cannot overflow.
    int64_t dim = type.getDimSize(d);
    if (sizes[d] < 0 || offsets[d] < 0 ||
        (sizes[d] > 0 && (offsets[d] >= dim ||
                          sizes[d] - 1 > (dim - 1 - offsets[d]) / strides[d])))
      return emitOptionalError(
          loc, name, " dimension ", d, " reads past the input: offset ",
          offsets[d], ", size ", sizes[d], ", stride ", strides[d],
          " on a dimension of size ", type.getDimSize(d));
  }
  inferred.push_back(RankedTensorType::get(sizes, type.getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType() &&
      llvm::all_of(getStrides(), [](int64_t s) { return s == 1; }))
    return getInput();
  return {};
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, name, " needs at least one input");
  auto first = rankedType(inputs.front());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, name, "axis", axis, first.getRank())))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, v] : llvm::enumerate(inputs.drop_front())) {
    auto t = rankedType(v);
    if (t.getElementType() != first.getElementType() ||
        t.getRank() != first.getRank())
      return emitOptionalError(loc, name, " input ", i + 1, " of type ",
                               typeToString(t), " differs in rank or "
                               "element type from input 0 ",
                               typeToString(first));
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, name, " input ", i + 1, " of type ",
                                 typeToString(t), " differs from input 0 ",
                                 typeToString(first), " in dimension ", d);
    shape[axis] += t.getDimSize(axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  StringRef name = getOperationName();
  auto type = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, name, "axis", axis, type.getRank())))
    return failure();
  int64_t total = 0;
  for (int64_t size : adaptor.getSizes()) {
    if (size < 0)
      return emitOptionalError(loc, name, " sizes must be non-negative, got ",
                               size);
    total += size;
  }
  if (total != type.getDimSize(axis))
    return emitOptionalError(loc, name, " sizes sum to ", total,
                             " but dimension ", axis, " of ",
                             typeToString(type), " is ",
                             type.getDimSize(axis));
  for (int64_t size : adaptor.getSizes()) {
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = size;
    inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  }
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto data = rankedType(adaptor.getData());
  auto indices = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, getOperationName(), "axis", axis, data.getRank())))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  inferred.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

void FusionOp::build(OpBuilder &builder, OperationState &state,
                     TypeRange resultTypes, ValueRange inputs, StringRef kind) {
  state.addOperands(inputs);
  state.addTypes(resultTypes);
  state.addAttribute(getKindAttrName(state.name), builder.getStringAttr(kind));
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value v : inputs)
    block->addArgument(v.getType(), state.location);
}

LogicalResult FusionOp::verify() {
  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError("body has ")
           << block.getNumArguments() << " arguments for "
           << getInputs().size() << " inputs";
  for (auto [i, pair] :
       llvm::enumerate(llvm::zip(block.getArgumentTypes(), getInputs())))
    if (std::get<0>(pair) != std::get<1>(pair).getType())
      return emitOpError("body argument ")
             << i << " has type " << std::get<0>(pair) << " but input " << i
             << " has type " << std::get<1>(pair).getType();
  auto yield = dyn_cast<YieldOp>(&block.back());
  if (!yield)
    return emitOpError("body must end with tfc.yield, got ")
           << block.back().getName();
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ")
           << yield.getValues().getTypes() << " but the fusion returns "
           << getResultTypes();
  return success();
}

#define GET_OP_CLASSES
#include "tfc/Dialect/TfcOps.cpp.inc"

//===----------------------------------------------------------------------===//
// AllReduceOp
//===----------------------------------------------------------------------===//

LogicalResult AllReduceOp::verify() {
  if (getRanks() < 2)
    return emitOpError("needs at least 2 ranks, got ") << getRanks();
  return success();
}

LogicalResult AllReduceInPlaceOp::verify() {
  if (getRanks() < 2)
    return emitOpError("needs at least 2 ranks, got ") << getRanks();
  return success();
}
