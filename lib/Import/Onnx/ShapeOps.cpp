//===- ShapeOps.cpp - ONNX structural ops to tfc --------------------------===//
//
// Handlers for Transpose, Reshape, Flatten, Unsqueeze, Squeeze, Concat,
// Split, Slice, Gather and Expand. Their shape operands (target shapes,
// axes, split sizes, slice bounds) must be known at import time, which the
// folding of shape subgraphs guarantees for exported models; the resulting
// tfc ops carry static attributes only. On constant inputs they fold.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"

#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

static std::string formatDims(ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

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
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

static LogicalResult importConcat(OnnxNode &node) {
  if (failed(node.checkNumInputs(1, 1u << 20)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", std::nullopt);
  if (failed(attr))
    return failure();
  auto axis = node.normalizeAxis(*attr, node.getInputRank(0),
                                 "attribute 'axis'");
  if (failed(axis))
    return failure();
  if (node.getNumInputs() == 1) {
    node.setAliasOutput(0, node.getInputValue(0));
    return success();
  }
  SmallVector<Value> inputs;
  SmallVector<HostTensor> constants;
  bool fold = node.canFold();
  for (unsigned i = 0; i < node.getNumInputs(); ++i) {
    if (!node.hasInput(i))
      return node.emitError() << "Concat input " << i << " is missing";
    if (fold) {
      constants.push_back(HostTensor::fromAttr(node.getInputConstant(i)));
      continue;
    }
    auto input = node.getInput(i);
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  if (fold) {
    // Check the shapes as tfc.concat would before evaluating.
    for (const HostTensor &t : constants)
      if (t.shape.size() != constants.front().shape.size() ||
          t.elementType != constants.front().elementType)
        return node.emitError() << "Concat inputs differ in rank or element "
                                   "type";
      else
        for (size_t d = 0; d < t.shape.size(); ++d)
          if (static_cast<int64_t>(d) != *axis &&
              t.shape[d] != constants.front().shape[d])
            return node.emitError()
                   << "Concat inputs differ in dimension " << d << ": "
                   << formatDims(constants.front().shape) << " and "
                   << formatDims(t.shape);
    return node.setConstantOutput(0,
                                  evaluateConcat(constants, *axis).toAttr());
  }
  auto op = node.create<ConcatOp>(inputs, *axis);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

/// Split. Sizes come from the `split` attribute (opsets 2-12), input 1
/// (13+), or are equal parts: the number of outputs, or `num_outputs`
/// (18+, where the last part may be smaller).
static LogicalResult importSplit(OnnxNode &node, bool attrForm) {
  bool hasNumOutputs = node.getOpset() >= 18;
  if (failed(node.checkNumInputs(1, attrForm ? 1 : 2)) ||
      failed(node.checkNumOutputs(1, 1u << 20)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto attr = node.getIntAttr("axis", 0);
  if (failed(attr))
    return failure();
  auto axis = node.normalizeAxis(*attr, type.getRank(), "attribute 'axis'");
  if (failed(axis))
    return failure();
  int64_t dim = type.getDimSize(*axis);
  int64_t numOutputs = node.getNumOutputs();
  SmallVector<int64_t> sizes;
  if (attrForm) {
    auto split = node.getIntsAttr("split");
    if (failed(split))
      return failure();
    if (*split)
      sizes = **split;
  } else if (node.hasInput(1)) {
    auto split = node.getConstantInts(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  }
  if (hasNumOutputs && node.hasAttr("num_outputs")) {
    auto n = node.getIntAttr("num_outputs", std::nullopt);
    if (failed(n))
      return failure();
    if (!sizes.empty())
      return node.emitError() << "Split has both input 'split' and attribute "
                                 "'num_outputs'; ONNX allows one";
    if (*n != numOutputs)
      return node.emitError() << "Split attribute 'num_outputs' is " << *n
                              << " but the node has " << numOutputs
                              << " outputs";
  }
  if (sizes.empty()) {
    int64_t part = (dim + numOutputs - 1) / numOutputs;
    if (!hasNumOutputs && dim % numOutputs != 0)
      return node.emitError() << "Split of dimension " << *axis << " (size "
                              << dim << ") into " << numOutputs
                              << " equal parts is not possible";
    for (int64_t i = 0; i < numOutputs; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(part, dim - i * part)));
  }
  if (static_cast<int64_t>(sizes.size()) != numOutputs)
    return node.emitError() << "Split sizes " << formatDims(sizes) << " give "
                            << sizes.size() << " parts but the node has "
                            << numOutputs << " outputs";
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0)
      return node.emitError() << "Split sizes " << formatDims(sizes)
                              << " contain a negative size";
    total += size;
  }
  if (total != dim)
    return node.emitError() << "Split sizes " << formatDims(sizes)
                            << " sum to " << total << " but dimension "
                            << *axis << " of " << type << " is " << dim;
  if (DenseElementsAttr constant = node.getInputConstant(0);
      constant && node.canFold()) {
    HostTensor host = HostTensor::fromAttr(constant);
    SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t i = 0; i < numOutputs; ++i) {
      shape[*axis] = sizes[i];
      HostTensor part = evaluateSlice(host, starts, shape, steps);
      if (node.hasOutput(i)) {
        auto defined = node.setConstantOutput(i, part.toAttr());
        if (failed(defined))
          return failure();
      }
      starts[*axis] += sizes[i];
    }
    return success();
  }
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.create<SplitOp>(*input, *axis, sizes);
  if (failed(op))
    return failure();
  for (int64_t i = 0; i < numOutputs; ++i)
    node.setOutput(i, op->getResult(i));
  return success();
}

/// Slice: bounds from attributes (opsets 1-9) or inputs (10+), clamped as
/// ONNX specifies; negative steps only on constants.
static LogicalResult importSlice(OnnxNode &node, bool attrForm) {
  if (failed(node.checkNumInputs(attrForm ? 1 : 3, attrForm ? 1 : 5)) ||
      failed(node.checkNumOutputs(1, 1)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  auto read = [&](StringRef name, unsigned index,
                  SmallVectorImpl<int64_t> &out) -> LogicalResult {
    if (attrForm) {
      auto attr = node.getIntsAttr(name);
      if (failed(attr))
        return failure();
      if (*attr)
        out.assign((*attr)->begin(), (*attr)->end());
      return success();
    }
    if (!node.hasInput(index))
      return success();
    auto values = node.getConstantInts(index, name);
    if (failed(values))
      return failure();
    out.assign(values->begin(), values->end());
    return success();
  };
  if (failed(read("starts", 1, starts)) || failed(read("ends", 2, ends)) ||
      failed(read("axes", 3, axes)) || failed(read("steps", 4, steps)))
    return failure();
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || starts.size() != axes.size() ||
      starts.size() != steps.size())
    return node.emitError() << "Slice starts, ends, axes and steps have "
                               "different lengths ("
                            << starts.size() << ", " << ends.size() << ", "
                            << axes.size() << ", " << steps.size() << ")";

  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1);
  llvm::SmallSet<int64_t, 4> seen;
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = node.normalizeAxis(axes[i], rank, "axis");
    if (failed(axis))
      return failure();
    if (!seen.insert(*axis).second)
      return node.emitError() << "Slice names axis " << *axis << " twice";
    int64_t dim = type.getDimSize(*axis), step = steps[i];
    if (step == 0)
      return node.emitError() << "Slice step for axis " << *axis
                              << " is 0";
    auto clampBound = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v = v < -dim ? lo : v + dim; // Saturating for INT64_MIN.
      return std::clamp(v, lo, hi);
    };
    int64_t start, end, size;
    if (step > 0) {
      start = clampBound(starts[i], 0, dim);
      end = clampBound(ends[i], 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else if (dim == 0) {
      start = end = size = 0;
    } else {
      start = clampBound(starts[i], 0, dim - 1);
      end = clampBound(ends[i], -1, dim - 1);
      size = start > end ? (start - end - step - 1) / -step : 0;
    }
    offsets[*axis] = size > 0 ? start : 0;
    sizes[*axis] = size;
    strides[*axis] = step;
  }

  if (node.canFold())
    return node.setConstantOutput(
        0, evaluateSlice(HostTensor::fromAttr(node.getInputConstant(0)),
                         offsets, sizes, strides)
               .toAttr());
  for (int64_t d = 0; d < rank; ++d)
    if (strides[d] < 0)
      return node.emitError() << "Slice with a negative step (" << strides[d]
                              << " on axis " << d
                              << ") is not supported on a tensor computed at "
                                 "run time";
  auto input = node.getInput(0);
  if (failed(input))
    return failure();
  auto op = node.create<SliceOp>(*input, offsets, sizes, strides);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, Expand
//===----------------------------------------------------------------------===//

static LogicalResult importGather(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", 0);
  if (failed(attr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  auto axis = node.normalizeAxis(*attr, type.getRank(), "attribute 'axis'");
  if (failed(axis))
    return failure();
  Type indexType = node.getInputType(1).getElementType();
  if (!indexType.isInteger(32) && !indexType.isInteger(64))
    return node.emitError() << "Gather indices must be int32 or int64, got "
                            << node.getInputType(1);
  if (DenseElementsAttr indices = node.getInputConstant(1)) {
    int64_t size = type.getDimSize(*axis);
    for (const APInt &v : indices.getValues<APInt>()) {
      int64_t index = v.getSExtValue();
      if (index < -size || index >= size)
        return node.emitError() << "Gather index " << index
                                << " is out of range for axis " << *axis
                                << " of size " << size;
    }
    if (node.canFold())
      return node.setConstantOutput(
          0, evaluateGather(HostTensor::fromAttr(node.getInputConstant(0)),
                            HostTensor::fromAttr(indices), *axis)
                 .toAttr());
  }
  auto data = node.getInput(0), indices = node.getInput(1);
  if (failed(data) || failed(indices))
    return failure();
  auto op = node.create<GatherOp>(*data, *indices, *axis);
  if (failed(op))
    return failure();
  node.setOutput(0, *op);
  return success();
}

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
    if (resultType.getNumElements() <= kMaxFoldedElements)
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
  registry.add("Reshape", 5, kOnnxMaxOpset, importReshape);
  registry.add("Flatten", 1, kOnnxMaxOpset, importFlatten);
  // Axes moved from attributes to inputs at opset 13 (Unsqueeze, Squeeze,
  // Split) and 10 (Slice).
  registry.add("Unsqueeze", 1, 12,
               [](OnnxNode &node) { return importUnsqueeze(node, true); });
  registry.add("Unsqueeze", 13, kOnnxMaxOpset,
               [](OnnxNode &node) { return importUnsqueeze(node, false); });
  registry.add("Squeeze", 1, 12,
               [](OnnxNode &node) { return importSqueeze(node, true); });
  registry.add("Squeeze", 13, kOnnxMaxOpset,
               [](OnnxNode &node) { return importSqueeze(node, false); });
  registry.add("Split", 2, 12,
               [](OnnxNode &node) { return importSplit(node, true); });
  registry.add("Split", 13, kOnnxMaxOpset,
               [](OnnxNode &node) { return importSplit(node, false); });
  registry.add("Slice", 1, 9,
               [](OnnxNode &node) { return importSlice(node, true); });
  registry.add("Slice", 10, kOnnxMaxOpset,
               [](OnnxNode &node) { return importSlice(node, false); });
  registry.add("Concat", 4, kOnnxMaxOpset, importConcat);
  registry.add("Gather", 1, kOnnxMaxOpset, importGather);
  registry.add("Expand", 8, kOnnxMaxOpset, importExpand);
}
