//===- ShapeOps.cpp - ONNX structural ops to tfc --------------------------===//
//
// Handlers for the ops that only change shapes: Transpose, Reshape,
// Flatten, Unsqueeze, Squeeze and Expand. Their shape operands (target
// shapes, axes) must be known at import time, which the folding of shape
// subgraphs guarantees for exported models; the resulting tfc ops carry
// static attributes only. On constant inputs they fold.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"

#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

/// Defines output 0 as input 0 reshaped to `shape` (folded for constants,
/// an alias when nothing changes).
static LogicalResult defineReshaped(OnnxNode &node, ArrayRef<int64_t> shape) {
  RankedTensorType type = node.getInputType(0).clone(shape);
  if (type == node.getInputType(0)) {
    node.setAliasOutput(0, node.getInputValue(0));
    return success();
  }
  if (DenseElementsAttr constant = node.getInputConstant(0))
    return node.setConstantOutput(0, constant.reshape(type));
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.createWithType<ReshapeOp>(type, *input);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

/// Reads axes from attribute `axes` (attrForm) or input 1, normalised for
/// `rank`, sorted and checked for duplicates. `required` axes must exist.
static FailureOr<SmallVector<int64_t>>
getAxes(OnnxNode &node, bool attrForm, int64_t rank, bool required) {
  SmallVector<int64_t> axes;
  if (attrForm) {
    auto attr = node.getIntsAttr("axes");
    if (failed(attr))
      return failure();
    if (*attr)
      axes = **attr;
    else if (required)
      return node.emitError() << node.getOpType()
                              << " requires attribute 'axes'";
  } else if (node.hasInput(1)) {
    auto values = node.getConstantInts(1, "axes");
    if (failed(values))
      return failure();
    axes = *values;
  } else if (required) {
    return node.emitError() << node.getOpType() << " requires input 1 ('axes')";
  }
  for (int64_t &axis : axes) {
    auto normalized = node.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  auto dup = std::adjacent_find(axes.begin(), axes.end());
  if (dup != axes.end())
    return node.emitError() << node.getOpType() << " axes name axis " << *dup
                            << " twice";
  return axes;
}

//===----------------------------------------------------------------------===//
// Transpose, Reshape, Flatten, Unsqueeze, Squeeze
//===----------------------------------------------------------------------===//

static LogicalResult importTranspose(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  int64_t rank = node.getInputRank(0);
  auto attr = node.getIntsAttr("perm");
  if (failed(attr))
    return failure();
  SmallVector<int64_t> perm;
  if (*attr)
    perm = **attr;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (!llvm::equal(sorted, llvm::seq<int64_t>(0, rank)))
    return node.emitError() << "Transpose attribute 'perm' "
                            << formatDims(perm)
                            << " is not a permutation of the " << rank
                            << " dimensions of the input";
  if (node.canFold())
    return node.setConstantOutput(
        0, evaluateTranspose(HostTensor::fromAttr(node.getInputConstant(0)),
                             perm)
               .toAttr());
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.create<TransposeOp>(*input, perm);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

/// Reshape (opset 5+): 0 copies the input dimension (unless allowzero=1),
/// -1 is inferred from the element count.
static LogicalResult importReshape(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto allowZero = node.getBoolAttr("allowzero", false);
  auto requested = node.getConstantInts(1, "shape");
  if (failed(allowZero) || failed(requested))
    return failure();
  RankedTensorType type = node.getInputType(0);
  SmallVector<int64_t> shape;
  std::optional<size_t> inferred;
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(*requested)) {
    if (d == 0 && !*allowZero) {
      if (static_cast<int64_t>(i) >= type.getRank())
        return node.emitError()
               << "Reshape shape " << formatDims(*requested) << " copies dimension "
               << i << " (a 0) but the input " << type << " has rank "
               << type.getRank();
      d = type.getDimSize(i);
    } else if (d == -1) {
      if (inferred)
        return node.emitError() << "Reshape shape " << formatDims(*requested)
                                << " has more than one -1";
      inferred = i;
      shape.push_back(1);
      continue;
    } else if (d < -1) {
      return node.emitError() << "Reshape shape " << formatDims(*requested)
                              << " has the invalid dimension " << d;
    }
    shape.push_back(d);
    known *= d;
  }
  int64_t total = type.getNumElements();
  if (inferred) {
    if (*allowZero && known == 0)
      return node.emitError()
             << "Reshape shape " << formatDims(*requested)
             << " has both 0 (allowzero=1) and -1, which ONNX forbids";
    if (known == 0 || total % known != 0)
      return node.emitError() << "Reshape cannot infer the -1 in "
                              << formatDims(*requested) << " for the input "
                              << type << " (" << total << " elements)";
    shape[*inferred] = total / known;
    known *= shape[*inferred];
  }
  if (known != total)
    return node.emitError() << "Reshape of " << type << " (" << total
                            << " elements) to " << formatDims(*requested)
                            << " gives " << formatDims(shape) << " ("
                            << known << " elements)";
  return defineReshaped(node, shape);
}

static LogicalResult importFlatten(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", 1);
  if (failed(attr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank(), axis = *attr < 0 ? *attr + rank : *attr;
  if (axis < 0 || axis > rank)
    return node.emitError() << "Flatten attribute 'axis' is " << *attr
                            << ", out of range for an input of rank " << rank
                            << " (expected " << -rank << " <= axis <= "
                            << rank << ")";
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= type.getDimSize(d);
  return defineReshaped(node, {outer, inner});
}

static LogicalResult importUnsqueeze(OnnxNode &node, bool attrForm) {
  if (failed(node.checkNumInputs(attrForm ? 1 : 2, attrForm ? 1 : 2)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  // The axes count positions in the output; find the output rank first.
  SmallVector<int64_t> raw;
  if (attrForm) {
    auto attr = node.getIntsAttr("axes");
    if (failed(attr))
      return failure();
    if (!*attr)
      return node.emitError() << "Unsqueeze requires attribute 'axes'";
    raw = **attr;
  } else {
    auto values = node.getConstantInts(1, "axes");
    if (failed(values))
      return failure();
    raw = *values;
  }
  int64_t rank = type.getRank() + raw.size();
  llvm::SmallSet<int64_t, 4> axes;
  for (int64_t axis : raw) {
    auto normalized = node.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    if (!axes.insert(*normalized).second)
      return node.emitError() << "Unsqueeze axes name axis " << *normalized
                              << " twice";
  }
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> in = type.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (axes.contains(d)) {
      shape.push_back(1);
    } else {
      shape.push_back(in.front());
      in = in.drop_front();
    }
  }
  return defineReshaped(node, shape);
}

static LogicalResult importSqueeze(OnnxNode &node, bool attrForm) {
  if (failed(node.checkNumInputs(1, attrForm ? 1 : 2)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto axes = getAxes(node, attrForm, type.getRank(), /*required=*/false);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t size = type.getDimSize(d);
    bool squeeze = axes->empty() ? size == 1 : llvm::is_contained(*axes, d);
    if (squeeze && size != 1)
      return node.emitError() << "Squeeze axis " << d << " of " << type
                              << " has size " << size << ", not 1";
    if (!squeeze)
      shape.push_back(size);
  }
  return defineReshaped(node, shape);
}

//===----------------------------------------------------------------------===//
// Expand
//===----------------------------------------------------------------------===//

/// Expand: the result shape is the broadcast of the input shape and the
/// requested one.
static LogicalResult importExpand(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto requested = node.getConstantInts(1, "shape");
  if (failed(requested))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto shape = broadcastShapes(type.getShape(), *requested);
  if (failed(shape))
    return node.emitError() << "Expand shape " << formatDims(*requested)
                            << " does not broadcast with the input " << type;
  RankedTensorType resultType = type.clone(*shape);
  if (resultType == type) {
    node.setAliasOutput(0, node.getInputValue(0));
    return success();
  }
  if (DenseElementsAttr constant = node.getInputConstant(0)) {
    if (constant.isSplat())
      return node.setConstantOutput(
          0, DenseElementsAttr::get(resultType,
                                    constant.getSplatValue<Attribute>()));
    if (isFoldableSize(resultType.getShape()))
      return node.setConstantOutput(
          0, evaluateBroadcast(HostTensor::fromAttr(constant), *shape)
                 .toAttr());
  }
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.createWithType<ExpandOp>(resultType, *input);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tfc::onnx_import::populateShapeHandlers(OnnxOpRegistry &registry) {
  registry.add("Transpose", 1, kOnnxMaxOpset, importTranspose);
  registry.add("Reshape", 5, kOnnxMaxOpset, importReshape, {1});
  registry.add("Flatten", 1, kOnnxMaxOpset, importFlatten);
  // Axes moved from attributes to inputs at opset 13.
  registry.add("Unsqueeze", 1, 12,
               [](OnnxNode &node) { return importUnsqueeze(node, true); });
  registry.add(
      "Unsqueeze", 13, kOnnxMaxOpset,
      [](OnnxNode &node) { return importUnsqueeze(node, false); }, {1});
  registry.add("Squeeze", 1, 12,
               [](OnnxNode &node) { return importSqueeze(node, true); });
  registry.add(
      "Squeeze", 13, kOnnxMaxOpset,
      [](OnnxNode &node) { return importSqueeze(node, false); }, {1});
  registry.add("Expand", 8, kOnnxMaxOpset, importExpand, {1});
}
