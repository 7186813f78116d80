//===- GraphImporter.cpp - ONNX GraphProto to one func.func ---------------===//
//
// The plan:
//   1. graph inputs that are not initializers become function arguments, with
//      dynamic dims pinned by --input-shape (a dim_param pinned once is
//      pinned everywhere);
//   2. initializers become weights (tfc.parameter) or constants, created on
//      first use at the top of the function;
//   3. nodes are visited in topological order (sorted here if the file is
//      not) and each goes to the handler registered for its op and opset;
//   4. the graph outputs are returned, with their names as `tfc.name`.
// Every diagnostic emitted while a node is imported ends with
// "(node 'name', opset N)".
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "OnnxTensors.h"

#include "mlir/IR/Verifier.h"
#include "onnx/defs/schema.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <queue>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

GraphImporter::GraphImporter(MLIRContext *context,
                             const ::onnx::ModelProto &model, int64_t opset,
                             StringRef sourceName,
                             const OnnxImportOptions &options,
                             StringRef externalDataDir)
    : context(context), model(model), graph(model.graph()), opset(opset),
      sourceName(sourceName.str()), options(options),
      externalDataDir(externalDataDir.str()),
      fileLoc(FileLineColLoc::get(context, sourceName, 0, 0)),
      builder(context) {}

Location GraphImporter::getNodeLoc(StringRef name) {
  return NameLoc::get(StringAttr::get(context, name), fileLoc);
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

FailureOr<OnnxValue *> GraphImporter::define(StringRef name,
                                             RankedTensorType type,
                                             Location loc) {
  auto [it, inserted] = values.try_emplace(name);
  if (!inserted)
    return emitError(loc) << "value '" << name
                          << "' is defined twice (ONNX graphs are in SSA "
                             "form)";
  OnnxValue &value = it->second;
  value.name = name.str();
  value.type = type;
  value.loc = loc;
  return &value;
}

Value GraphImporter::getConstant(DenseElementsAttr value, Location loc) {
  Value &cached = constantCache[value];
  if (cached)
    return cached;
  OpBuilder::InsertionGuard guard(builder);
  Block *body = builder.getInsertionBlock();
  if (lastConstant)
    builder.setInsertionPointAfter(lastConstant);
  else
    builder.setInsertionPointToStart(body);
  auto op = ConstantOp::create(builder, loc, value.getType(), value);
  lastConstant = op;
  return cached = op.getResult();
}

FailureOr<Value> GraphImporter::materialize(OnnxValue &value) {
  if (value.value)
    return value.value;
  if (value.aliasOf) {
    auto source = materialize(*value.aliasOf);
    if (failed(source))
      return failure();
    return value.value = *source;
  }
  Location loc = value.loc;
  // A large Constant node tensor that is also folded through (it feeds an
  // import-time computation) stays a weight where it is used at run time.
  if (value.constant && !value.weight)
    return value.value = getConstant(value.constant, loc);
  assert(value.weight && "a value without SSA value, constant or weight");
  ElementsAttr data;
  // With --weights=external, a folded additive mask stored in the model file
  // keeps its data: it is structure (tfc-raise reads it), not a parameter.
  if (options.weights == OnnxWeightsMode::Inline ||
      isFoldedAdditiveMask(*value.weight)) {
    auto bytes = readTensorBytes(*value.weight, externalDataDir, loc,
                                 "weight '" + value.name + "'");
    if (failed(bytes))
      return failure();
    data = toDenseResource(*bytes, value.name);
  }
  OpBuilder::InsertionGuard guard(builder);
  if (lastConstant)
    builder.setInsertionPointAfter(lastConstant);
  else
    builder.setInsertionPointToStart(builder.getInsertionBlock());
  auto op = ParameterOp::create(builder, loc, value.type, value.name, data);
  // An external weight stored as ONNX external data keeps where its bytes
  // are, for the artifact to read them from at load time.
  if (!data && value.weight->data_location() == ::onnx::TensorProto::EXTERNAL) {
    std::string what = "weight '" + value.name + "'";
    auto ref = getExternalDataRef(*value.weight, loc, what);
    if (failed(ref))
      return failure();
    uint64_t bytes = value.type.getNumElements() *
                     std::max<uint64_t>(
                         1, value.type.getElementTypeBitWidth() / 8);
    if (ref->length && *ref->length != bytes)
      return emitError(loc) << what << " has external data length "
                            << *ref->length << " but its type " << value.type
                            << " needs " << bytes;
    op->setAttr(kOnnxExternalDataAttr,
                builder.getDictionaryAttr(
                    {builder.getNamedAttr(
                         "location", builder.getStringAttr(ref->location)),
                     builder.getNamedAttr(
                         "offset", builder.getI64IntegerAttr(ref->offset))}));
  }
  lastConstant = op;
  return value.value = op.getResult();
}

LogicalResult GraphImporter::importInitializers() {
  if (graph.sparse_initializer_size() > 0)
    return emitError(fileLoc)
           << "the graph has " << graph.sparse_initializer_size()
           << " sparse initializers, which tfc does not support";
  for (const ::onnx::TensorProto &tensor : graph.initializer()) {
    Location loc = getNodeLoc(tensor.name());
    std::string what = "initializer '" + tensor.name() + "'";
    if (tensor.name().empty())
      return emitError(fileLoc) << "the graph has an initializer without a "
                                   "name";
    auto type = getTensorType(tensor, loc, what);
    if (failed(type))
      return failure();
    auto value = define(tensor.name(), *type, loc);
    if (failed(value))
      return failure();
    (*value)->isUnsigned = isUnsignedDataType(tensor.data_type());
    if (isWeightTensor(tensor)) {
      (*value)->weight = &tensor;
      continue;
    }
    auto bytes = readTensorBytes(tensor, externalDataDir, loc, what);
    if (failed(bytes))
      return failure();
    (*value)->constant = toDenseElements(*bytes);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "x" : "") + (d < 0 ? std::string("?") : std::to_string(d));
  return s;
}

FailureOr<SmallVector<Type>> GraphImporter::getArgumentTypes() {
  llvm::StringSet<> initializers;
  for (const auto &tensor : graph.initializer())
    initializers.insert(tensor.name());
  llvm::StringSet<> inputNames;
  for (const auto &input : graph.input())
    inputNames.insert(input.name());
  for (const auto &[name, dims] : options.inputShapes)
    if (!inputNames.contains(name) || initializers.contains(name)) {
      std::string known;
      for (const auto &input : graph.input())
        if (!initializers.contains(input.name()))
          known += (known.empty() ? "'" : ", '") + input.name() + "'";
      return emitError(fileLoc)
             << "--input-shape names '" << name
             << "', which is not a graph input; the inputs are " << known;
    }

  // Pinned inputs name their dim_params first, so that a dim_param pinned
  // on one input is pinned on all.
  llvm::StringMap<int64_t> dimParams;
  for (const auto &input : graph.input()) {
    auto pinned = options.inputShapes.find(input.name());
    if (pinned == options.inputShapes.end() ||
        !input.type().tensor_type().has_shape())
      continue;
    const auto &dims = input.type().tensor_type().shape().dim();
    for (int d = 0; d < dims.size() && d < (int)pinned->second.size(); ++d)
      if (dims[d].has_dim_param())
        dimParams.try_emplace(dims[d].dim_param(), pinned->second[d]);
  }

  SmallVector<Type> types;
  for (const auto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue;
    Location loc = getNodeLoc(input.name());
    StringRef name = input.name();
    if (!input.type().has_tensor_type())
      return emitError(loc) << "graph input '" << name
                            << "' is not a tensor, which tfc does not "
                               "support";
    const auto &tensorType = input.type().tensor_type();
    Type elementType = getElementType(context, tensorType.elem_type());
    if (!elementType)
      return emitError(loc) << "graph input '" << name << "' has element type "
                            << getDataTypeName(tensorType.elem_type())
                            << ", which tfc does not support";
    auto pinned = options.inputShapes.find(name.str());
    bool isPinned = pinned != options.inputShapes.end();
    SmallVector<int64_t> shape;
    if (!tensorType.has_shape()) {
      if (!isPinned)
        return emitError(loc) << "graph input '" << name
                              << "' has no shape; give one with "
                                 "--input-shape "
                              << name << "=<dims>";
      shape.assign(pinned->second.begin(), pinned->second.end());
    } else {
      const auto &dims = tensorType.shape().dim();
      if (isPinned && pinned->second.size() != (size_t)dims.size())
        return emitError(loc)
               << "--input-shape gives " << pinned->second.size()
               << " dimensions for graph input '" << name
               << "', which has rank " << dims.size();
      for (int d = 0; d < dims.size(); ++d) {
        const auto &dim = dims[d];
        if (dim.has_dim_value()) {
          if (isPinned && pinned->second[d] != dim.dim_value())
            return emitError(loc)
                   << "--input-shape gives " << pinned->second[d]
                   << " for dimension " << d << " of graph input '" << name
                   << "', which the model fixes to " << dim.dim_value();
          shape.push_back(dim.dim_value());
          continue;
        }
        if (isPinned) {
          shape.push_back(pinned->second[d]);
          continue;
        }
        auto param = dim.has_dim_param() ? dimParams.find(dim.dim_param())
                                         : dimParams.end();
        if (param != dimParams.end()) {
          shape.push_back(param->second);
          continue;
        }
        SmallVector<int64_t> known;
        for (const auto &e : dims)
          known.push_back(e.has_dim_value() ? e.dim_value() : -1);
        auto diag = emitError(loc)
                    << "graph input '" << name << "' has a dynamic dimension "
                    << d;
        if (dim.has_dim_param())
          diag << " ('" << dim.dim_param() << "')";
        diag << " (shape " << formatShape(known)
             << "); pin it with --input-shape " << name << "=<dims>";
        return failure();
      }
    }
    int64_t elements = 1;
    for (int64_t d : shape) {
      if (d < 0)
        return emitError(loc) << "graph input '" << name
                              << "' has a negative dimension " << d;
      // The same limit as initializers (getTensorType), so that no element
      // or byte count downstream overflows 64 bits.
      if (d != 0 && elements > (int64_t(1) << 50) / d)
        return emitError(loc) << "graph input '" << name << "' (shape "
                              << formatShape(shape)
                              << ") has more than 2^50 elements";
      elements *= d;
    }
    auto type = RankedTensorType::get(shape, elementType);
    auto value = define(name, type, loc);
    if (failed(value))
      return failure();
    (*value)->isUnsigned = isUnsignedDataType(tensorType.elem_type());
    types.push_back(type);
  }
  return types;
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

/// The name a node goes by in messages and locations.
static std::string getDisplayName(const ::onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  if (node.output_size() > 0 && !node.output(0).empty())
    return node.output(0);
  return node.op_type();
}

FailureOr<SmallVector<const ::onnx::NodeProto *>> GraphImporter::sortNodes() {
  int n = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < n; ++i)
    for (const std::string &output : graph.node(i).output())
      if (!output.empty())
        producer.try_emplace(output, i);
  // Kahn's algorithm, always taking the earliest ready node: a sorted file
  // keeps its order.
  std::vector<SmallVector<int>> users(n);
  std::vector<int> pending(n, 0);
  for (int i = 0; i < n; ++i) {
    llvm::SmallDenseSet<int> deps;
    for (const std::string &input : graph.node(i).input()) {
      auto it = producer.find(input);
      if (it != producer.end() && values.find(input) == values.end() &&
          deps.insert(it->second).second) {
        users[it->second].push_back(i);
        ++pending[i];
      }
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      ready.push(i);
  SmallVector<const ::onnx::NodeProto *> order;
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(&graph.node(i));
    for (int user : users[i])
      if (--pending[user] == 0)
        ready.push(user);
  }
  if (static_cast<int>(order.size()) != n) {
    for (int i = 0; i < n; ++i)
      if (pending[i] > 0)
        return emitError(getNodeLoc(getDisplayName(graph.node(i))))
               << "the graph has a cycle through node '"
               << getDisplayName(graph.node(i)) << "' ("
               << graph.node(i).op_type() << ")";
  }
  return order;
}

std::string GraphImporter::describeRunTimeSource(StringRef name) {
  llvm::StringMap<const ::onnx::NodeProto *> producers;
  for (const ::onnx::NodeProto &node : graph.node())
    for (const std::string &output : node.output())
      producers[output] = &node;
  llvm::StringSet<> inputs;
  for (const auto &input : graph.input())
    inputs.insert(input.name());
  SmallVector<std::string> worklist = {name.str()};
  llvm::StringSet<> seen;
  while (!worklist.empty()) {
    std::string current = worklist.pop_back_val();
    if (current.empty() || !seen.insert(current).second)
      continue;
    auto value = values.find(current);
    if (value != values.end() && value->second.constant)
      continue; // Known: not where run time comes from.
    if (value != values.end() && value->second.weight) {
      bool isInitializer = !producers.contains(current);
      return "it depends on weight '" + current + "' (" +
             (isInitializer ? "float initializers"
                            : "float Constant nodes not needed at import "
                              "time") +
             " of more than " + std::to_string(kMaxConstantFloatElements) +
             " elements are weights, never folded)";
    }
    if (inputs.contains(current) && value != values.end())
      return "it depends on graph input '" + current + "'";
    auto producer = producers.find(current);
    if (producer == producers.end())
      continue;
    // Depth-first, the first input first.
    for (const std::string &input : llvm::reverse(producer->second->input()))
      worklist.push_back(input);
  }
  return "";
}

LogicalResult GraphImporter::checkAllOpsSupported() {
  // Op type (with its domain when not the default one) -> node names, in
  // the order of first appearance.
  SmallVector<std::pair<std::string, SmallVector<std::string>>> unsupported;
  llvm::StringMap<size_t> indexOf;
  const OnnxOpRegistry &registry = OnnxOpRegistry::get();
  for (const ::onnx::NodeProto &node : graph.node()) {
    StringRef domain = node.domain();
    bool defaultDomain = domain.empty() || domain == "ai.onnx";
    if (defaultDomain && registry.lookup(node.op_type(), opset))
      continue;
    std::string op = defaultDomain ? node.op_type()
                                   : (domain + "." + node.op_type()).str();
    auto [it, inserted] = indexOf.try_emplace(op, unsupported.size());
    if (inserted)
      unsupported.push_back({op, {}});
    unsupported[it->second].second.push_back(getDisplayName(node));
  }
  if (unsupported.empty())
    return success();
  // Where an op is handled at other opsets, say at which.
  auto describe = [&](StringRef op) {
    std::string ranges = registry.describeRanges(op);
    return ranges.empty() ? std::string()
                          : "; the importer handles it at opsets " + ranges;
  };
  if (unsupported.size() == 1 && unsupported.front().second.size() == 1) {
    const auto &[op, nodes] = unsupported.front();
    return emitError(getNodeLoc(nodes.front()))
           << "unsupported ONNX op '" << op << "' (node '" << nodes.front()
           << "', opset " << opset << ")" << describe(op);
  }
  constexpr size_t kMaxNamedNodes = 3;
  auto diag = emitError(fileLoc)
              << "the model has " << unsupported.size()
              << " unsupported ONNX op" << (unsupported.size() == 1 ? "" : "s")
              << " (opset " << opset << "): ";
  for (auto [i, entry] : llvm::enumerate(unsupported)) {
    const auto &[op, nodes] = entry;
    diag << (i ? ", " : "") << "'" << op << "' ("
         << (nodes.size() == 1 ? "node " : "nodes ");
    for (auto [j, name] : llvm::enumerate(
             ArrayRef<std::string>(nodes).take_front(kMaxNamedNodes)))
      diag << (j ? ", '" : "'") << name << "'";
    if (nodes.size() > kMaxNamedNodes)
      diag << " and " << nodes.size() - kMaxNamedNodes << " more";
    diag << describe(op) << ")";
  }
  return diag;
}

void GraphImporter::findImportTimeValues(
    ArrayRef<const ::onnx::NodeProto *> order) {
  // Forward: the values that can be known at import time. Weight
  // initializers are not: folding through them would bake a user's weights
  // into the IR.
  llvm::StringSet<> known;
  for (const auto &[name, value] : values)
    if (value.constant)
      known.insert(name);
  auto isKnown = [&](const std::string &name) {
    return name.empty() || known.contains(name);
  };
  for (const ::onnx::NodeProto *node : order) {
    StringRef op = node->op_type();
    if (!node->domain().empty() && node->domain() != "ai.onnx")
      continue;
    if (op == "Constant" || op == "Shape" || op == "Size" ||
        llvm::all_of(node->input(), isKnown))
      for (const std::string &output : node->output())
        if (!output.empty())
          known.insert(output);
  }
  // Backward: what an import-time input needs, transitively.
  const OnnxOpRegistry &registry = OnnxOpRegistry::get();
  for (const ::onnx::NodeProto *node : llvm::reverse(order)) {
    if (!node->domain().empty() && node->domain() != "ai.onnx")
      continue;
    if (node->op_type() == "Shape" || node->op_type() == "Size")
      continue; // Only the input's type is read.
    bool outputNeeded = llvm::any_of(node->output(), [&](const auto &name) {
      return importTimeValues.contains(name);
    });
    ArrayRef<unsigned> needed =
        registry.getImportTimeInputs(node->op_type(), opset);
    for (auto [i, input] : llvm::enumerate(node->input()))
      if (!input.empty() && known.contains(input) &&
          (outputNeeded || llvm::is_contained(needed, i)))
        importTimeValues.insert(input);
  }
}

/// The ONNX checker's check of one node against its op's schema
/// (OpSchema::Verify: input and output counts, attribute names and kinds,
/// required attributes), or empty when it passes. libonnx 1.12 knows the
/// schemas up to opset 17 and silently answers newer opsets with older
/// schemas, so the check applies to models of opset 17 and older only.
static std::optional<std::string>
checkNodeSchema(const ::onnx::NodeProto &node, int64_t opset) {
  int64_t maxKnownOpset = ::onnx::OpSchemaRegistry::DomainToVersionRange::
                              Instance()
                                  .Map()
                                  .at(::onnx::ONNX_DOMAIN)
                                  .second;
  if (opset > maxKnownOpset)
    return std::nullopt;
  const ::onnx::OpSchema *schema = ::onnx::OpSchemaRegistry::Schema(
      node.op_type(), static_cast<int>(opset), ::onnx::ONNX_DOMAIN);
  if (!schema)
    return std::nullopt;
  try {
    schema->Verify(node);
  } catch (const std::exception &e) {
    // Keep the first line, without libonnx's "==> Context: ..." suffix.
    StringRef what(e.what());
    return what.take_until([](char c) { return c == '\n'; }).rtrim().str();
  }
  return std::nullopt;
}

/// Whether an output of `node` has an unsigned ONNX element type: what Cast
/// and the constant ops say; for the ops whose integer outputs are indices
/// or sizes, never; else when an unsigned input has its element type (ONNX
/// ops keep the type of their inputs: Add, Reshape, Where, Max, ...).
static bool isUnsignedOutput(const ::onnx::NodeProto &node,
                             const OnnxValue &output,
                             ArrayRef<OnnxValue *> inputs) {
  StringRef op = node.op_type();
  auto typeOfAttr = [&](StringRef name) -> std::optional<int32_t> {
    for (const ::onnx::AttributeProto &attr : node.attribute())
      if (attr.name() == name)
        return attr.has_t() ? attr.t().data_type() : attr.i();
    return std::nullopt;
  };
  if (op == "Cast")
    return isUnsignedDataType(typeOfAttr("to").value_or(0));
  if (op == "Constant" || op == "ConstantOfShape")
    return isUnsignedDataType(typeOfAttr("value").value_or(0));
  if (op == "Shape" || op == "Size" || op == "ArgMax" || op == "ArgMin")
    return false;
  Type elementType = output.type.getElementType();
  if (!elementType.isSignlessInteger() || elementType.isInteger(1))
    return false;
  return llvm::any_of(inputs, [&](const OnnxValue *input) {
    return input && input->isUnsigned &&
           input->type.getElementType() == elementType;
  });
}

LogicalResult GraphImporter::importNode(const ::onnx::NodeProto &node) {
  std::string name = getDisplayName(node);
  Location loc = getNodeLoc(name);
  std::string suffix =
      " (node '" + name + "', opset " + std::to_string(opset) + ")";
  bool reported = false;
  ScopedDiagnosticHandler addNodeSuffix(context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      reported = true;
    if (diag.str().find("(node '") == std::string::npos)
      diag << suffix;
    return failure(); // Let the outer handlers report it.
  });

  StringRef domain = node.domain();
  if (!domain.empty() && domain != "ai.onnx")
    return emitError(loc) << "unsupported ONNX op '" << domain << "."
                          << node.op_type() << "'";
  const OnnxOpRegistry &registry = OnnxOpRegistry::get();
  const OnnxOpRegistry::Handler *handler =
      registry.lookup(node.op_type(), opset);
  if (!handler) {
    std::string ranges = registry.describeRanges(node.op_type());
    auto diag = emitError(loc) << "unsupported ONNX op '" << node.op_type()
                               << "'";
    if (!ranges.empty())
      diag << suffix << "; the importer handles it at opsets " << ranges;
    return failure();
  }

  SmallVector<OnnxValue *> inputs;
  for (auto [i, input] : llvm::enumerate(node.input())) {
    if (input.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    auto it = values.find(input);
    if (it == values.end())
      return emitError(loc) << node.op_type() << " input " << i << " '"
                            << input
                            << "' is not defined by a graph input, an "
                               "initializer or an earlier node";
    if (!it->second.unsupported.empty())
      return emitError(loc) << it->second.unsupported << "; " << node.op_type()
                            << " uses it as input " << i;
    inputs.push_back(&it->second);
  }

  OnnxNode onnxNode(*this, node, name, opset, loc, inputs);
  // A handler that reported an error fails, even where it went on (e.g. an
  // output name defined twice, reported by setOutput).
  if (failed((*handler)(onnxNode)) || reported) {
    if (!reported)
      emitError(loc) << "failed to import " << node.op_type();
    return failure();
  }
  // What the handler did not read (unknown attributes, extra inputs) is
  // still checked against the op's schema; the handler's own messages, more
  // precise, come first.
  if (std::optional<std::string> error = checkNodeSchema(node, opset))
    return emitError(loc) << node.op_type()
                          << " node fails the ONNX checker: " << *error;
  for (auto [i, output] : llvm::enumerate(node.output())) {
    if (output.empty())
      continue;
    auto it = values.find(output);
    if (it == values.end())
      return emitError(loc) << "internal error: the " << node.op_type()
                            << " handler did not define output " << i;
    it->second.isUnsigned = isUnsignedOutput(node, it->second, inputs);
    if (failed(checkDeclaredType(it->second, loc)))
      return failure();
  }
  return success();
}

/// The type a TypeProto declares, with -1 for unknown dims; empty when it
/// declares no tensor shape.
static std::optional<std::pair<int32_t, SmallVector<int64_t>>>
getDeclaredShape(const ::onnx::TypeProto &type) {
  if (!type.has_tensor_type() || !type.tensor_type().has_shape())
    return std::nullopt;
  SmallVector<int64_t> shape;
  for (const auto &dim : type.tensor_type().shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  return std::make_pair(type.tensor_type().elem_type(), shape);
}

LogicalResult GraphImporter::checkDeclaredType(const OnnxValue &value,
                                               Location loc) {
  auto it = declaredTypes.find(value.name);
  if (it == declaredTypes.end() || !value.unsupported.empty())
    return success();
  auto declared = getDeclaredShape(*it->second);
  if (!declared)
    return success();
  auto [dataType, shape] = *declared;
  Type elementType = getElementType(context, dataType);
  bool matches = shape.size() == static_cast<size_t>(value.type.getRank()) &&
                 (dataType == 0 || elementType == value.type.getElementType());
  for (auto [d, size] : llvm::enumerate(shape))
    if (matches && size >= 0 && size != value.type.getDimSize(d))
      matches = false;
  if (matches)
    return success();
  return emitError(loc) << "value '" << value.name << "' has type "
                        << value.type << " but the model declares "
                        << getDataTypeName(dataType) << "["
                        << formatShape(shape) << "]";
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::importOutputs(func::FuncOp func) {
  if (graph.output_size() == 0)
    return emitError(fileLoc) << "the graph has no outputs; tfc compiles "
                                 "graphs that produce at least one";
  SmallVector<Value> results;
  for (const auto &output : graph.output()) {
    Location loc = getNodeLoc(output.name());
    auto it = values.find(output.name());
    if (it == values.end())
      return emitError(loc) << "graph output '" << output.name()
                            << "' is not produced by any node, input or "
                               "initializer";
    if (!it->second.unsupported.empty())
      return emitError(loc) << it->second.unsupported
                            << "; it is a graph output";
    if (failed(checkDeclaredType(it->second, loc)))
      return failure();
    auto value = materialize(it->second);
    if (failed(value))
      return failure();
    results.push_back(*value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setFunctionType(FunctionType::get(
      context, func.getArgumentTypes(), ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "tfc.name", builder.getStringAttr(output.name()));
  return success();
}

FailureOr<OwningOpRef<ModuleOp>> GraphImporter::run() {
  for (const auto &info : graph.value_info())
    declaredTypes[info.name()] = &info.type();
  for (const auto &info : graph.output())
    declaredTypes[info.name()] = &info.type();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (failed(importInitializers()))
    return failure();
  auto argTypes = getArgumentTypes();
  if (failed(argTypes))
    return failure();

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(*argTypes, {}));
  Block *body = func.addEntryBlock();
  unsigned argIndex = 0;
  for (const auto &input : graph.input()) {
    OnnxValue &value = values.find(input.name())->second;
    if (value.constant || value.weight)
      continue; // An initializer listed as an input (IR < 4 style).
    value.value = body->getArgument(argIndex);
    func.setArgAttr(argIndex++, "tfc.name",
                    builder.getStringAttr(input.name()));
  }
  builder.setInsertionPointToEnd(body);

  if (failed(checkAllOpsSupported()))
    return failure();
  auto order = sortNodes();
  if (failed(order))
    return failure();
  findImportTimeValues(*order);
  for (const ::onnx::NodeProto *node : *order)
    if (failed(importNode(*node)))
      return failure();
  if (failed(importOutputs(func)))
    return failure();
  if (failed(verify(*module)))
    return failure();
  return module;
}
