//===- OnnxImporter.cpp - entry points of the ONNX importer ---------------===//
//
// Reads and checks the ModelProto (protobuf well-formed, a graph, the
// default-domain opset in range), then hands the graph to GraphImporter.
// Also holds the handler registry and the `--input-shape` parser.
//
//===----------------------------------------------------------------------===//

#include "tfc/Import/OnnxImporter.h"

#include "GraphImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::onnx_import;

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

void OnnxOpRegistry::add(StringRef opType, int64_t sinceVersion,
                         int64_t lastVersion, Handler handler,
                         ArrayRef<unsigned> importTimeInputs) {
  entries[opType].push_back(
      {sinceVersion, lastVersion, std::move(handler),
       SmallVector<unsigned, 2>(importTimeInputs.begin(),
                                importTimeInputs.end())});
}

const OnnxOpRegistry::Entry *
OnnxOpRegistry::lookupEntry(StringRef opType, int64_t opset) const {
  auto it = entries.find(opType);
  if (it == entries.end())
    return nullptr;
  for (const Entry &entry : it->second)
    if (opset >= entry.sinceVersion && opset <= entry.lastVersion)
      return &entry;
  return nullptr;
}

const OnnxOpRegistry::Handler *OnnxOpRegistry::lookup(StringRef opType,
                                                      int64_t opset) const {
  const Entry *entry = lookupEntry(opType, opset);
  return entry ? &entry->handler : nullptr;
}

ArrayRef<unsigned>
OnnxOpRegistry::getImportTimeInputs(StringRef opType, int64_t opset) const {
  const Entry *entry = lookupEntry(opType, opset);
  return entry ? ArrayRef<unsigned>(entry->importTimeInputs)
               : ArrayRef<unsigned>();
}

std::string OnnxOpRegistry::describeRanges(StringRef opType) const {
  auto it = entries.find(opType);
  if (it == entries.end())
    return "";
  SmallVector<std::pair<int64_t, int64_t>> ranges;
  for (const Entry &entry : it->second)
    ranges.push_back({entry.sinceVersion, entry.lastVersion});
  llvm::sort(ranges);
  // Merge adjacent ranges (one op often has one handler per form).
  SmallVector<std::pair<int64_t, int64_t>> merged;
  for (auto range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second + 1)
      merged.back().second = std::max(merged.back().second, range.second);
    else
      merged.push_back(range);
  }
  std::string text;
  for (auto [i, range] : llvm::enumerate(merged))
    text += (i ? ", " : "") + std::to_string(range.first) + "-" +
            std::to_string(range.second);
  return text;
}

const OnnxOpRegistry &OnnxOpRegistry::get() {
  static const OnnxOpRegistry registry = [] {
    OnnxOpRegistry r;
    populateElementwiseHandlers(r);
    populateNnHandlers(r);
    populateShapeHandlers(r);
    populateIndexingHandlers(r);
    populateConstantHandlers(r);
    populateTransformerHandlers(r);
    populateScanHandlers(r);
    populateDecomposedHandlers(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void mlir::tfc::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<TfcDialect, func::FuncDialect>();
}

/// The opset of the default (ai.onnx) domain, or failure.
static FailureOr<int64_t> getDefaultOpset(const ::onnx::ModelProto &model,
                                          Location loc) {
  std::optional<int64_t> opset;
  for (const auto &entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = entry.version();
  if (!opset) {
    // Name the ops of other domains (e.g. ai.onnx.preview.training) at once.
    llvm::SmallVector<std::string> others;
    for (const auto &node : model.graph().node()) {
      std::string op = "'" + node.domain() + "." + node.op_type() + "'";
      if (!node.domain().empty() && !llvm::is_contained(others, op))
        others.push_back(op);
    }
    auto diag = emitError(loc) << "the model imports no opset of the default "
                                  "ONNX domain (opset_import has no entry for "
                                  "'ai.onnx')";
    if (!others.empty())
      diag << "; unsupported ONNX ops of other domains: "
           << llvm::join(others, ", ");
    return diag;
  }
  if (*opset < kOnnxMinOpset || *opset > kOnnxMaxOpset)
    return emitError(loc) << "the model uses ONNX opset " << *opset
                          << "; the importer supports opsets "
                          << kOnnxMinOpset << " to " << kOnnxMaxOpset;
  return *opset;
}

/// Parses `bytes` as a ModelProto.
static LogicalResult parseModel(StringRef bytes, Location loc,
                                ::onnx::ModelProto &model) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return emitError(loc) << "the model is " << bytes.size()
                          << " bytes; a protobuf ModelProto holds at most 2 "
                             "GiB (store weights as ONNX external data)";
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(loc) << "cannot parse the file as an ONNX model: the "
                             "protobuf is malformed or truncated ("
                          << bytes.size() << " bytes)";
  return success();
}

/// Imports a parsed model; `externalDataDir` empty means ".".
static FailureOr<OwningOpRef<ModuleOp>>
importModel(const ::onnx::ModelProto &model, StringRef sourceName,
            MLIRContext *context, const OnnxImportOptions &options) {
  Location loc = FileLineColLoc::get(context, sourceName, 0, 0);
  if (!model.has_graph())
    return emitError(loc) << "the ONNX model has no graph";
  auto opset = getDefaultOpset(model, loc);
  if (failed(opset))
    return failure();
  // Calls to model-local functions fail as unsupported ops (their domain is
  // not the default one).
  std::string externalDataDir = options.externalDataDir;
  if (externalDataDir.empty())
    externalDataDir = ".";
  GraphImporter importer(context, model, *opset, sourceName, options,
                         externalDataDir);
  return importer.run();
}

FailureOr<OwningOpRef<ModuleOp>> mlir::tfc::importOnnxModelFromBuffer(
    StringRef bytes, StringRef sourceName, MLIRContext *context,
    const OnnxImportOptions &options) {
  context->loadDialect<TfcDialect, func::FuncDialect>();
  ::onnx::ModelProto model;
  if (failed(parseModel(bytes, FileLineColLoc::get(context, sourceName, 0, 0),
                        model)))
    return failure();
  return importModel(model, sourceName, context, options);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::tfc::importOnnxModel(StringRef path, MLIRContext *context,
                           const OnnxImportOptions &options) {
  context->loadDialect<TfcDialect, func::FuncDialect>();
  Location loc = FileLineColLoc::get(context, path, 0, 0);
  ::onnx::ModelProto model;
  {
    // The file is dropped once parsed: the protobuf holds its own copy.
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return emitError(loc) << "cannot read '" << path
                            << "': " << buffer.getError().message();
    if (failed(parseModel((*buffer)->getBuffer(), loc, model)))
      return failure();
  }
  OnnxImportOptions withDir = options;
  if (withDir.externalDataDir.empty())
    withDir.externalDataDir = llvm::sys::path::parent_path(path).str();
  return importModel(model, path, context, withDir);
}

bool mlir::tfc::parseOnnxInputShape(StringRef spec, OnnxImportOptions &options,
                                    std::string &error) {
  size_t eq = spec.rfind('=');
  StringRef name = spec.take_front(eq), dims;
  if (eq != StringRef::npos)
    dims = spec.drop_front(eq + 1);
  if (eq == StringRef::npos || name.empty()) {
    error = "expected NAME=DIMS (e.g. input_ids=1x32), got '" + spec.str() +
            "'";
    return false;
  }
  std::vector<int64_t> shape;
  if (!dims.empty() && dims != "scalar") {
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t d;
      if (part.getAsInteger(10, d) || d < 0) {
        error = "dimension '" + part.str() + "' of '" + spec.str() +
                "' is not a non-negative integer";
        return false;
      }
      shape.push_back(d);
    }
  }
  options.inputShapes[name.str()] = std::move(shape);
  return true;
}

bool mlir::tfc::looksLikeOnnxModel(StringRef bytes) {
  // MLIR bytecode starts with "ML\xefR"; text MLIR has no control bytes.
  if (bytes.starts_with("ML\xefR"))
    return false;
  StringRef head = bytes.take_front(4096);
  bool binary = llvm::any_of(head, [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x09 || (u > 0x0d && u < 0x20);
  });
  if (!binary || bytes.size() > static_cast<size_t>(INT_MAX))
    return false;
  ::onnx::ModelProto model;
  return model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
         model.has_graph();
}
