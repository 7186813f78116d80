//===- ConstantOps.cpp - ONNX ops that produce constants ------------------===//
//
// Handlers for Constant, ConstantOfShape, Shape, Size and Range. Their
// results are known at import time (shapes are static after import), so they
// define constants that fold into later shape arithmetic; only a constant
// used by a real op becomes a tfc.constant. Large float Constant tensors are
// weights, as initializers are.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"
#include "OnnxTensors.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;
using ::onnx::AttributeProto;

/// Constant: exactly one of value, value_float(s), value_int(s).
static LogicalResult importConstant(OnnxNode &node) {
  if (failed(node.checkNumInputs(0, 0)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  if (node.proto.attribute_size() != 1)
    return node.emitError() << "Constant needs exactly one value attribute, "
                               "got "
                            << node.proto.attribute_size();
  const AttributeProto &attr = node.proto.attribute(0);
  Builder b(node.getContext());
  StringRef name = attr.name();
  auto expect = [&](AttributeProto::AttributeType kind,
                    StringRef kindName) -> LogicalResult {
    if (attr.type() == kind)
      return success();
    return node.emitError() << "Constant attribute '" << name << "' must be "
                            << kindName;
  };
  if (name == "value") {
    if (failed(expect(AttributeProto::TENSOR, "a TENSOR")))
      return failure();
    // A large float tensor is a weight, unless an op needs what is computed
    // from it at import time (the positions of a RoPE angle table that Cos
    // and Sin fold): then it is folded through too, and stays a weight only
    // where it is used at run time.
    if (isWeightTensor(attr.t())) {
      auto type = getTensorType(attr.t(), node.getLoc(),
                                "Constant attribute 'value'");
      if (failed(type))
        return failure();
      if (!node.isOutputNeededAtImportTime(0) ||
          !isFoldableSize(type->getShape()))
        return node.setWeightOutput(0, attr.t());
      auto value = node.readConstantTensor(attr.t(), "Constant attribute "
                                                     "'value'");
      if (failed(value))
        return failure();
      return node.setWeightOutput(0, attr.t(), *value);
    }
    auto value = node.readConstantTensor(attr.t(), "Constant attribute "
                                                   "'value'");
    if (failed(value))
      return failure();
    return node.setConstantOutput(0, *value);
  }
  if (name == "value_float") {
    if (failed(expect(AttributeProto::FLOAT, "a FLOAT")))
      return failure();
    return node.setConstantOutput(
        0, DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                  attr.f()));
  }
  if (name == "value_floats") {
    if (failed(expect(AttributeProto::FLOATS, "FLOATS")))
      return failure();
    SmallVector<float> values(attr.floats().begin(), attr.floats().end());
    return node.setConstantOutput(
        0, DenseElementsAttr::get(
               RankedTensorType::get({(int64_t)values.size()},
                                     b.getF32Type()),
               ArrayRef<float>(values)));
  }
  if (name == "value_int") {
    if (failed(expect(AttributeProto::INT, "an INT")))
      return failure();
    return node.setConstantOutput(
        0, DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                  static_cast<int64_t>(attr.i())));
  }
  if (name == "value_ints") {
    if (failed(expect(AttributeProto::INTS, "INTS")))
      return failure();
    SmallVector<int64_t> values(attr.ints().begin(), attr.ints().end());
    return node.setConstantOutput(
        0, DenseElementsAttr::get(
               RankedTensorType::get({(int64_t)values.size()},
                                     b.getI64Type()),
               ArrayRef<int64_t>(values)));
  }
  return node.emitError() << "Constant attribute '" << name
                          << "' is not supported (tfc handles value, "
                             "value_float(s) and value_int(s))";
}

/// ConstantOfShape: a splat of `value` (default float 0) with a constant
/// shape.
static LogicalResult importConstantOfShape(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto shape = node.getConstantInts(0, "input");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return node.emitError() << "ConstantOfShape shape has the negative "
                                 "dimension "
                              << d;
  Builder b(node.getContext());
  DenseElementsAttr value = DenseElementsAttr::get(
      RankedTensorType::get({1}, b.getF32Type()), 0.0f);
  if (const AttributeProto *attr = node.findAttr("value")) {
    if (attr->type() != AttributeProto::TENSOR)
      return node.emitError() << "ConstantOfShape attribute 'value' must be a "
                                 "TENSOR";
    auto tensor = node.readConstantTensor(attr->t(), "ConstantOfShape "
                                                     "attribute 'value'");
    if (failed(tensor))
      return failure();
    if (tensor->getNumElements() != 1)
      return node.emitError() << "ConstantOfShape attribute 'value' must hold "
                                 "one element, got "
                              << tensor->getType();
    value = *tensor;
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  return node.setConstantOutput(
      0, DenseElementsAttr::get(type, value.getValues<Attribute>()[0]));
}

/// Shape: the static shape, sliced by `start`/`end` from opset 15.
static LogicalResult importShape(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  ArrayRef<int64_t> dims = node.getInputType(0).getShape();
  int64_t rank = dims.size();
  auto start = node.getIntAttr("start", 0);
  auto end = node.getIntAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clamp = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t first = clamp(*start), last = std::max(first, clamp(*end));
  SmallVector<int64_t> values(dims.begin() + first, dims.begin() + last);
  Builder b(node.getContext());
  return node.setConstantOutput(
      0, DenseElementsAttr::get(
             RankedTensorType::get({(int64_t)values.size()}, b.getI64Type()),
             ArrayRef<int64_t>(values)));
}

static LogicalResult importSize(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  Builder b(node.getContext());
  return node.setConstantOutput(
      0, DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                node.getInputType(0).getNumElements()));
}

/// Range: start, limit and delta must be known scalars.
static LogicalResult importRange(OnnxNode &node) {
  if (failed(node.checkNumInputs(3, 3)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  static const char *const names[] = {"start", "limit", "delta"};
  double bounds[3];
  for (unsigned i = 0; i < 3; ++i) {
    DenseElementsAttr constant = node.getInputConstant(i);
    if (!constant || constant.getNumElements() != 1)
      return node.emitError() << "Range input " << i << " ('" << names[i]
                              << "') must be a scalar known at import time";
    bounds[i] = HostTensor::fromAttr(constant).getDouble(0);
  }
  if (bounds[2] == 0)
    return node.emitError() << "Range delta is 0";
  double count = std::ceil((bounds[1] - bounds[0]) / bounds[2]);
  int64_t n = std::max<int64_t>(0, static_cast<int64_t>(count));
  if (n > kMaxFoldedElements)
    return node.emitError() << "Range of " << n
                            << " elements is too large to evaluate at import "
                               "time (limit "
                            << kMaxFoldedElements << ")";
  Type elementType = node.getInputType(0).getElementType();
  std::vector<double> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = bounds[0] + static_cast<double>(i) * bounds[2];
  HostTensor result = evaluateCast(
      HostTensor::fromFloats({n}, Float64Type::get(node.getContext()), values),
      elementType);
  return node.setConstantOutput(0, result.toAttr());
}

void mlir::tfc::onnx_import::populateConstantHandlers(
    OnnxOpRegistry &registry) {
  registry.add("Constant", 1, kOnnxMaxOpset, importConstant);
  registry.add("ConstantOfShape", 9, kOnnxMaxOpset, importConstantOfShape,
               {0});
  registry.add("Shape", 1, kOnnxMaxOpset, importShape);
  registry.add("Size", 1, kOnnxMaxOpset, importSize);
  registry.add("Range", 11, kOnnxMaxOpset, importRange, {0, 1, 2});
}
