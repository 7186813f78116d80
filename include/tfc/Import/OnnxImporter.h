//===- OnnxImporter.h - ONNX model to tfc dialect ---------------*- C++ -*-===//
//
// Imports an ONNX ModelProto into a module holding one `func.func` of tfc ops
// with static shapes. Each ONNX op is one handler registered with its opset
// range (lib/Import/Onnx/*Ops.cpp); shape-computing subgraphs are evaluated at
// import time, so no shape arithmetic reaches the output.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_IMPORT_ONNXIMPORTER_H
#define TFC_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
namespace tfc {

/// How initializers that are model weights reach the IR.
enum class OnnxWeightsMode {
  /// `tfc.parameter "name" = dense_resource<...>`: the data travels with the
  /// module as a resource blob (never printed as text).
  Inline,
  /// `tfc.parameter "name" : type` without a value: bound by name when the
  /// compiled artifact is loaded. An initializer stored as ONNX external
  /// data also records where its bytes are (kOnnxExternalDataAttr).
  External,
};

/// Attribute of an external `tfc.parameter` whose initializer is ONNX
/// external data: `{location = "model.onnx.data", offset = 1024 : i64}`, the
/// file relative to the model's directory and the byte offset in it. Kernel
/// lowering carries it to the weight's global and the artifact writer
/// records it, so the runtime reads the bytes from that file.
inline constexpr llvm::StringLiteral kOnnxExternalDataAttr =
    "tfc.external_data";

struct OnnxImportOptions {
  /// Static shapes for graph inputs, by input name. Pins dynamic dimensions
  /// (`dim_param` or unknown); a static dimension of the model must match.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  OnnxWeightsMode weights = OnnxWeightsMode::Inline;
  /// Name of the function that holds the graph.
  std::string functionName = "main";
  /// Directory that ONNX external-data locations are relative to. Empty: the
  /// model file's directory (the current directory for buffers).
  std::string externalDataDir;
};

/// The ONNX opset range (default domain) the importer accepts as a whole;
/// individual ops may support less (each handler names its range).
constexpr int64_t kOnnxMinOpset = 1;
constexpr int64_t kOnnxMaxOpset = 23;

/// Imports the ONNX model in the file at `path`. Errors are reported through
/// the context's diagnostic handlers; node errors name the node and opset.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(llvm::StringRef path, MLIRContext *context,
                const OnnxImportOptions &options);

/// Imports an ONNX model held in memory; `sourceName` names it in locations
/// and messages.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModelFromBuffer(llvm::StringRef bytes, llvm::StringRef sourceName,
                          MLIRContext *context,
                          const OnnxImportOptions &options);

/// Parses `name=1x32x128` (the `--input-shape` syntax) into `options`.
/// Returns false and sets `error` on malformed text.
bool parseOnnxInputShape(llvm::StringRef spec, OnnxImportOptions &options,
                         std::string &error);

/// True when `bytes` is not MLIR (text or bytecode) and parses as an ONNX
/// ModelProto with a graph.
bool looksLikeOnnxModel(llvm::StringRef bytes);

/// Registers the dialects an imported module uses (tfc, func).
void registerOnnxImportDialects(DialectRegistry &registry);

} // namespace tfc
} // namespace mlir

#endif // TFC_IMPORT_ONNXIMPORTER_H
