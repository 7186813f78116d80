//===- IndexingOps.cpp - ONNX Concat, Split, Slice, Gather to tfc ---------===//
//
// Handlers for the ops that select or assemble parts of tensors: Concat,
// Split, Slice, Gather and GatherElements (on constants only). Split sizes
// and slice bounds must be known at import time; the tfc ops carry them as
// static attributes. On constant inputs (shape vectors, masks) they fold.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "OnnxImportContext.h"

#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

//===----------------------------------------------------------------------===//
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

static LogicalResult importConcat(OnnxNode &node) {
  if (failed(node.checkNumInputs(node.getNumInputs(), node.getNumInputs())) ||
      failed(node.checkNumInputs(1, 1u << 20)) ||
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
    // A step of at least the dimension selects one element at most; clamped,
    // it keeps the size and stride arithmetic below within 64 bits.
    step = std::clamp(step, -std::max<int64_t>(dim, 1),
                      std::max<int64_t>(dim, 1));
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
// Gather
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
    SmallVector<int64_t> shape(type.getShape().take_front(*axis));
    llvm::append_range(shape, node.getInputType(1).getShape());
    llvm::append_range(shape, type.getShape().drop_front(*axis + 1));
    if (node.canFold() && isFoldableSize(shape))
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

/// GatherElements: exporters use it on constant buffers (BERT's token type
/// ids), so it folds; tfc has no op for it on tensors computed at run time.
static LogicalResult importGatherElements(OnnxNode &node) {
  if (failed(node.checkNumInputs(2, 2)) || failed(node.checkNumOutputs(1, 1)))
    return failure();
  auto attr = node.getIntAttr("axis", 0);
  if (failed(attr))
    return failure();
  RankedTensorType type = node.getInputType(0),
                   indicesType = node.getInputType(1);
  auto axis = node.normalizeAxis(*attr, type.getRank(), "attribute 'axis'");
  if (failed(axis))
    return failure();
  if (!indicesType.getElementType().isInteger(32) &&
      !indicesType.getElementType().isInteger(64))
    return node.emitError()
           << "GatherElements indices must be int32 or int64, got "
           << indicesType;
  if (indicesType.getRank() != type.getRank())
    return node.emitError() << "GatherElements indices " << indicesType
                            << " must have the rank of the data " << type;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != *axis && indicesType.getDimSize(d) > type.getDimSize(d))
      return node.emitError() << "GatherElements indices " << indicesType
                              << " exceed the data " << type << " in dim "
                              << d;
  if (!node.canFold())
    return node.emitRunTimeInputError(0, "data and indices are");
  HostTensor indices = HostTensor::fromAttr(node.getInputConstant(1));
  int64_t size = type.getDimSize(*axis);
  for (int64_t index : indices.ints)
    if (index < -size || index >= size)
      return node.emitError() << "GatherElements index " << index
                              << " is out of range for axis " << *axis
                              << " of size " << size;
  return node.setConstantOutput(
      0, evaluateGatherElements(HostTensor::fromAttr(node.getInputConstant(0)),
                                indices, *axis)
             .toAttr());
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tfc::onnx_import::populateIndexingHandlers(
    OnnxOpRegistry &registry) {
  registry.add("Concat", 4, kOnnxMaxOpset, importConcat);
  // Split sizes moved from an attribute to an input at opset 13, Slice
  // bounds at opset 10.
  registry.add("Split", 2, 12,
               [](OnnxNode &node) { return importSplit(node, true); });
  registry.add(
      "Split", 13, kOnnxMaxOpset,
      [](OnnxNode &node) { return importSplit(node, false); }, {1});
  registry.add("Slice", 1, 9,
               [](OnnxNode &node) { return importSlice(node, true); });
  registry.add(
      "Slice", 10, kOnnxMaxOpset,
      [](OnnxNode &node) { return importSlice(node, false); }, {1, 2, 3, 4});
  registry.add("Gather", 1, kOnnxMaxOpset, importGather);
  registry.add("GatherElements", 11, kOnnxMaxOpset, importGatherElements,
               {0, 1});
}
