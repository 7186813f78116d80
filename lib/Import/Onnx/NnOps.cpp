//===- NnOps.cpp - ONNX matrix, softmax, norm and reduction ops to tfc ----===//
//
// Handlers for MatMul, Gemm, Softmax, LayerNormalization, RMSNormalization
// and the Reduce* family. These map onto tfc's semantic ops; Gemm becomes
// tfc.matmul (transpose flags) followed by the alpha scale and the bias add.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

/// A reshape of `value` to `shape` (same element type).
static FailureOr<Value> reshapeTo(OnnxNode &node, Value value,
                                  ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  if (auto constant = value.getDefiningOp<ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return node.getConstant(dense.reshape(type.clone(shape)));
  auto op = node.createWithType<ReshapeOp>(type.clone(shape), value);
  if (failed(op))
    return failure();
  return op->getResult();
}

//===----------------------------------------------------------------------===//
// MatMul, Gemm
//===----------------------------------------------------------------------===//

/// ONNX MatMul has numpy semantics: a 1-D lhs gets a leading 1 and a 1-D rhs
/// a trailing 1, removed again from the result.
static LogicalResult importMatMul(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  // Products of constants (RoPE's inverse frequencies times positions) fold.
  if (node.canFold())
    if (auto folded = evaluateMatMul(
            HostTensor::fromAttr(node.getInputConstant(0)),
            HostTensor::fromAttr(node.getInputConstant(1))))
      return node.setConstantOutput(0, folded->toAttr());
  auto lhs = node.getInput(0), rhs = node.getInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  int64_t lhsRank = node.getInputRank(0), rhsRank = node.getInputRank(1);
  if (lhsRank == 0 || rhsRank == 0)
    return node.emitError() << "MatMul operands must have rank 1 or more, got "
                            << node.getInputType(0) << " and "
                            << node.getInputType(1);
  if (lhsRank == 1)
    lhs = reshapeTo(node, *lhs, {1, node.getInputType(0).getDimSize(0)});
  if (rhsRank == 1)
    rhs = reshapeTo(node, *rhs, {node.getInputType(1).getDimSize(0), 1});
  if (failed(lhs) || failed(rhs))
    return failure();
  auto op = node.create<MatmulOp>(*lhs, *rhs, false, false, TypeAttr());
  if (failed(op))
    return failure();
  Value result = *op;
  if (lhsRank == 1 || rhsRank == 1) {
    SmallVector<int64_t> shape(op->getType().getShape());
    if (rhsRank == 1)
      shape.pop_back();
    if (lhsRank == 1)
      shape.erase(shape.end() - (rhsRank == 1 ? 1 : 2));
    auto reshaped = reshapeTo(node, result, shape);
    if (failed(reshaped))
      return failure();
    result = *reshaped;
  }
  node.setOutput(0, result);
  return success();
}

/// Gemm: Y = alpha * op(A) * op(B) + beta * C, A and B of rank 2.
static LogicalResult importGemm(OnnxNode &node) {
  // C became optional at opset 11.
  unsigned minInputs = node.getOpset() >= 11 ? 2 : 3;
  if (failed(node.checkNumInputs(minInputs, 3)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto transA = node.getBoolAttr("transA", false);
  auto transB = node.getBoolAttr("transB", false);
  auto alpha = node.getFloatAttr("alpha", 1.0f);
  auto beta = node.getFloatAttr("beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  for (unsigned i = 0; i < 2; ++i)
    if (node.getInputRank(i) != 2)
      return node.emitError() << "Gemm input " << (i ? "B" : "A")
                              << " must have rank 2, got "
                              << node.getInputType(i);
  // alpha and beta are floats; on integer inputs they scale in the integer
  // type, so only integral values in that type's range keep their meaning.
  if (auto intType = dyn_cast<IntegerType>(
          node.getInputType(0).getElementType())) {
    unsigned width = intType.getWidth();
    double low = intType.isUnsigned() ? 0.0 : -std::ldexp(1.0, width - 1);
    double high = std::ldexp(1.0, intType.isUnsigned() ? width : width - 1);
    for (auto [name, value] : {std::make_pair("alpha", *alpha),
                               std::make_pair("beta", *beta)})
      if (!std::isfinite(value) || std::trunc(value) != value ||
          value < low || value >= high)
        return node.emitError()
               << "Gemm attribute '" << name << "' is " << value
               << ", which the integer inputs of type " << intType
               << " cannot represent exactly (an integer Gemm needs integral "
                  "alpha and beta in the type's range)";
  }
  auto a = node.getInput(0), b = node.getInput(1);
  if (failed(a) || failed(b))
    return failure();
  auto product = node.create<MatmulOp>(*a, *b, *transA, *transB, TypeAttr());
  if (failed(product))
    return failure();
  Value result = *product;
  Type elementType = product->getType().getElementType();
  if (*alpha != 1.0f) {
    auto scaled = node.create<MulOp>(
        result, node.getScalarConstant(elementType, *alpha));
    if (failed(scaled))
      return failure();
    result = *scaled;
  }
  if (node.hasInput(2) && *beta != 0.0f) {
    Value bias;
    if (*beta == 1.0f) {
      auto c = node.getInput(2);
      if (failed(c))
        return failure();
      bias = *c;
    } else if (DenseElementsAttr constant = node.getInputConstant(2)) {
      HostTensor c = HostTensor::fromAttr(constant);
      HostTensor scale = HostTensor::fromFloats({}, elementType, {*beta});
      bias = node.getConstant(
          evaluateBinary(BinaryKind::Mul, c, scale)->toAttr());
    } else {
      auto c = node.getInput(2);
      if (failed(c))
        return failure();
      auto scaled =
          node.create<MulOp>(*c, node.getScalarConstant(elementType, *beta));
      if (failed(scaled))
        return failure();
      bias = *scaled;
    }
    auto sum = node.create<AddOp>(result, bias);
    if (failed(sum))
      return failure();
    if (sum->getType() != product->getType())
      return node.emitError() << "Gemm bias C of type " << bias.getType()
                              << " would broadcast the result "
                              << product->getType() << " to " << sum->getType();
    result = *sum;
  }
  node.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

/// Opset 13+: softmax along one axis (default -1).
static LogicalResult importSoftmax(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", -1);
  if (failed(attr))
    return failure();
  auto axis = node.normalizeAxis(*attr, node.getInputRank(0),
                                 "attribute 'axis'");
  auto input = node.getInput(0);
  if (failed(axis) || failed(input))
    return failure();
  auto op = node.create<SoftmaxOp>(*input, *axis);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

/// Opsets 1-12: the input is coerced to 2-D at `axis` (default 1) and the
/// softmax runs over the flattened trailing dimensions.
static LogicalResult importSoftmaxCoerced(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", 1);
  if (failed(attr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto axis = node.normalizeAxis(*attr, type.getRank(), "attribute 'axis'");
  auto input = node.getInput(0);
  if (failed(axis) || failed(input))
    return failure();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < type.getRank(); ++d)
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  auto flat = reshapeTo(node, *input, {outer, inner});
  if (failed(flat))
    return failure();
  auto op = node.create<SoftmaxOp>(*flat, 1);
  if (failed(op))
    return failure();
  auto result = reshapeTo(node, *op, type.getShape());
  if (failed(result))
    return failure();
  node.setOutput(0, *result);
  return success();
}

//===----------------------------------------------------------------------===//
// Normalisations
//===----------------------------------------------------------------------===//

/// Scale or bias of a norm, expanded to the normalised dimensions when ONNX
/// lets it broadcast (tfc wants the exact shape).
static FailureOr<Value> getNormParam(OnnxNode &node, unsigned i,
                                     ArrayRef<int64_t> normalized) {
  if (!node.hasInput(i))
    return Value();
  RankedTensorType type = node.getInputType(i);
  if (DenseElementsAttr constant = node.getInputConstant(i);
      constant && type.getShape() != normalized) {
    auto shape = broadcastShapes(type.getShape(), normalized);
    if (succeeded(shape) && ArrayRef<int64_t>(*shape) == normalized)
      return node.getConstant(
          evaluateBroadcast(HostTensor::fromAttr(constant), normalized)
              .toAttr());
  }
  auto value = node.getInput(i);
  if (failed(value) || type.getShape() == normalized)
    return value;
  auto shape = broadcastShapes(type.getShape(), normalized);
  if (failed(shape) || ArrayRef<int64_t>(*shape) != normalized)
    return *value; // The tfc op reports the mismatch.
  auto op = node.createWithType<ExpandOp>(type.clone(normalized), *value);
  if (failed(op))
    return failure();
  return op->getResult();
}

/// Reads axis / epsilon / stash_type shared by LayerNormalization and
/// RMSNormalization.
static LogicalResult getNormAttrs(OnnxNode &node, int64_t &axis,
                                  float &epsilon) {
  auto axisAttr = node.getIntAttr("axis", -1);
  auto epsilonAttr = node.getFloatAttr("epsilon", 1e-5f);
  auto stashType = node.getIntAttr("stash_type", 1);
  if (failed(axisAttr) || failed(epsilonAttr) || failed(stashType))
    return failure();
  if (*stashType != 1)
    return node.emitError()
           << node.getOpType() << " attribute 'stash_type' is " << *stashType
           << "; tfc computes norm statistics in f32 (stash_type 1) only";
  auto normalized = node.normalizeAxis(*axisAttr, node.getInputRank(0),
                                       "attribute 'axis'");
  if (failed(normalized))
    return failure();
  axis = *normalized;
  epsilon = *epsilonAttr;
  return success();
}

static LogicalResult importLayerNorm(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 3)) || failed(node.checkNumOutputs(1, 3)))
    return failure();
  int64_t axis;
  float epsilon;
  if (failed(getNormAttrs(node, axis, epsilon)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  auto input = node.getInput(0);
  auto scale = getNormParam(node, 1, normalized);
  auto bias = getNormParam(node, 2, normalized);
  if (failed(input) || failed(scale) || failed(bias))
    return failure();
  Builder &b = node.getBuilder();
  auto op = node.create<LayerNormOp>(*input, *scale, *bias,
                                     b.getI64IntegerAttr(axis),
                                     b.getF32FloatAttr(epsilon));
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  // Mean and InvStdDev (training outputs) have the reduced shape.
  SmallVector<int64_t> statShape(type.getShape().take_front(axis));
  statShape.append(type.getRank() - axis, 1);
  for (unsigned i : {1u, 2u})
    node.setUnsupportedOutput(
        i, RankedTensorType::get(statShape, b.getF32Type()),
        "output " + std::to_string(i) + (i == 1 ? " (Mean)" : " (InvStdDev)") +
            " of LayerNormalization node '" + node.getName().str() +
            "' is not supported by tfc");
  return success();
}

static LogicalResult importRmsNorm(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  int64_t axis;
  float epsilon;
  if (failed(getNormAttrs(node, axis, epsilon)))
    return failure();
  ArrayRef<int64_t> normalized =
      node.getInputType(0).getShape().drop_front(axis);
  auto input = node.getInput(0);
  auto scale = getNormParam(node, 1, normalized);
  if (failed(input) || failed(scale))
    return failure();
  Builder &b = node.getBuilder();
  auto op = node.create<RmsNormOp>(*input, *scale, b.getI64IntegerAttr(axis),
                                   b.getF32FloatAttr(epsilon));
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The sorted, normalised axes of a Reduce* node (attribute before
/// `axesAsInput` opsets, input from them; none means all), or an empty
/// optional when the reduction is a no-op (`noop_with_empty_axes`, rank 0).
static FailureOr<std::optional<SmallVector<int64_t>>>
getReduceAxes(OnnxNode &node, bool axesAsInput) {
  auto noop = node.getBoolAttr("noop_with_empty_axes", false);
  if (failed(noop))
    return failure();
  SmallVector<int64_t> axes;
  if (axesAsInput) {
    if (node.hasInput(1)) {
      auto values = node.getConstantInts(1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  } else {
    auto attr = node.getIntsAttr("axes");
    if (failed(attr))
      return failure();
    if (*attr)
      axes = **attr;
  }
  int64_t rank = node.getInputRank(0);
  if (axes.empty() && (*noop || rank == 0))
    return std::optional<SmallVector<int64_t>>();
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  for (int64_t &axis : axes) {
    auto normalized = node.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return node.emitError() << node.getOpType() << " axes name axis "
                            << *std::adjacent_find(axes.begin(), axes.end())
                            << " twice";
  return std::optional<SmallVector<int64_t>>(std::move(axes));
}

/// Reduce*: axes from the attribute (older opsets) or from input 1; no axes
/// means all of them, unless `noop_with_empty_axes` makes it the identity.
static LogicalResult importReduce(OnnxNode &node, ReduceKind kind,
                                  bool axesAsInput) {
  if (failed(node.checkNumInputs(1, axesAsInput ? 2 : 1)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto keepDims = node.getBoolAttr("keepdims", true);
  auto reduceAxes = getReduceAxes(node, axesAsInput);
  if (failed(keepDims) || failed(reduceAxes))
    return failure();
  if (!*reduceAxes) {
    node.setAliasOutput(0, node.getInputValue(0));
    return success();
  }
  SmallVector<int64_t> axes = std::move(**reduceAxes);
  if (node.canFold()) {
    HostTensor result =
        evaluateReduce(node.getInputHost(0), axes,
                       *keepDims, stringifyReduceKind(kind));
    return node.setConstantOutput(0, result.toAttr());
  }
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  // The max/min of unsigned integers: on sign-flipped values, flipped back.
  bool flip = (kind == ReduceKind::max || kind == ReduceKind::min) &&
              node.needsUnsignedSemantics(0);
  if (flip && failed(input = node.flipSignBit(*input)))
    return failure();
  auto op = node.create<ReduceOp>(kind, *input, axes, *keepDims);
  if (failed(op))
    return failure();
  Value result = *op;
  if (flip) {
    auto flipped = node.flipSignBit(result);
    if (failed(flipped))
      return failure();
    result = *flipped;
  }
  node.setOutput(0, result);
  return success();
}

namespace {
/// The Reduce* ops tfc builds from a sum or max reduction.
enum class CompositeReduce { L1, L2, SumSquare, LogSum, LogSumExp };
} // namespace

/// ReduceL1 = sum(|x|), ReduceL2 = sqrt(sum(x*x)), ReduceSumSquare =
/// sum(x*x), ReduceLogSum = log(sum(x)), ReduceLogSumExp = log(sum(exp(x -
/// m))) + m with m the max (so exp never overflows). As a no-op
/// (`noop_with_empty_axes`) only the elementwise part applies, as in ONNX's
/// reference implementation.
static LogicalResult importCompositeReduce(OnnxNode &node,
                                           CompositeReduce kind,
                                           bool axesAsInput) {
  if (failed(node.checkNumInputs(1, axesAsInput ? 2 : 1)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto keepDims = node.getBoolAttr("keepdims", true);
  auto reduceAxes = getReduceAxes(node, axesAsInput);
  if (failed(keepDims) || failed(reduceAxes))
    return failure();
  RankedTensorType type = node.getInputType(0);
  Type elementType = type.getElementType();
  bool needsFloat = kind == CompositeReduce::L2 ||
                    kind == CompositeReduce::LogSum ||
                    kind == CompositeReduce::LogSumExp;
  if (needsFloat && !isa<FloatType>(elementType))
    return node.emitError() << node.getOpType() << " of a non-float tensor "
                            << type << " is not supported";
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  Value x = *input;
  // Every step checks its result: a failed create has reported already.
  Value result;
  auto unary = [&](auto opTag, Value v) -> Value {
    using OpTy = decltype(opTag);
    if (!v)
      return {};
    auto op = node.create<OpTy>(v);
    return succeeded(op) ? op->getResult() : Value();
  };
  auto binary = [&](auto opTag, Value a, Value b) -> Value {
    using OpTy = decltype(opTag);
    if (!a || !b)
      return {};
    auto op = node.create<OpTy>(a, b);
    return succeeded(op) ? op->getResult() : Value();
  };
  std::optional<SmallVector<int64_t>> axes = *reduceAxes;
  auto reduce = [&](ReduceKind reduceKind, Value v, bool keep) -> Value {
    if (!v)
      return {};
    if (!axes)
      return v; // No-op: one element per "reduction".
    auto op = node.create<ReduceOp>(reduceKind, v, *axes, keep);
    return succeeded(op) ? op->getResult() : Value();
  };
  switch (kind) {
  case CompositeReduce::L1:
    result = reduce(ReduceKind::sum, unary(AbsOp(), x), *keepDims);
    break;
  case CompositeReduce::L2:
    result = unary(SqrtOp(), reduce(ReduceKind::sum, binary(MulOp(), x, x),
                                    *keepDims));
    break;
  case CompositeReduce::SumSquare:
    result = reduce(ReduceKind::sum, binary(MulOp(), x, x), *keepDims);
    break;
  case CompositeReduce::LogSum:
    result = unary(LogOp(), reduce(ReduceKind::sum, x, *keepDims));
    break;
  case CompositeReduce::LogSumExp: {
    Value max = reduce(ReduceKind::max, x, /*keep=*/true);
    Value sum = reduce(ReduceKind::sum,
                       unary(ExpOp(), binary(SubOp(), x, max)), *keepDims);
    if (axes && !*keepDims)
      max = reduce(ReduceKind::max, x, /*keep=*/false);
    result = binary(AddOp(), unary(LogOp(), sum), max);
    break;
  }
  }
  if (!result)
    return failure();
  node.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tfc::onnx_import::populateNnHandlers(OnnxOpRegistry &registry) {
  registry.add("MatMul", 1, kOnnxMaxOpset, importMatMul);
  registry.add("Gemm", 7, kOnnxMaxOpset, importGemm);
  registry.add("Softmax", 1, 12, importSoftmaxCoerced);
  registry.add("Softmax", 13, kOnnxMaxOpset, importSoftmax);
  registry.add("LayerNormalization", 17, kOnnxMaxOpset, importLayerNorm);
  registry.add("RMSNormalization", 23, kOnnxMaxOpset, importRmsNorm);

  // Axes moved from an attribute to an input at opset 13 for ReduceSum and
  // at opset 18 for the others.
  auto reduce = [&](StringRef name, ReduceKind kind, int64_t inputSince) {
    registry.add(name, 1, inputSince - 1, [kind](OnnxNode &node) {
      return importReduce(node, kind, /*axesAsInput=*/false);
    });
    registry.add(
        name, inputSince, kOnnxMaxOpset,
        [kind](OnnxNode &node) {
          return importReduce(node, kind, /*axesAsInput=*/true);
        },
        /*importTimeInputs=*/{1});
  };
  reduce("ReduceSum", ReduceKind::sum, 13);
  reduce("ReduceMean", ReduceKind::mean, 18);
  reduce("ReduceMax", ReduceKind::max, 18);
  reduce("ReduceMin", ReduceKind::min, 18);
  reduce("ReduceProd", ReduceKind::prod, 18);

  auto composite = [&](StringRef name, CompositeReduce kind) {
    registry.add(name, 1, 17, [kind](OnnxNode &node) {
      return importCompositeReduce(node, kind, /*axesAsInput=*/false);
    });
    registry.add(
        name, 18, kOnnxMaxOpset,
        [kind](OnnxNode &node) {
          return importCompositeReduce(node, kind, /*axesAsInput=*/true);
        },
        /*importTimeInputs=*/{1});
  };
  composite("ReduceL1", CompositeReduce::L1);
  composite("ReduceL2", CompositeReduce::L2);
  composite("ReduceSumSquare", CompositeReduce::SumSquare);
  composite("ReduceLogSum", CompositeReduce::LogSum);
  composite("ReduceLogSumExp", CompositeReduce::LogSumExp);
}
