//===- OnnxImportFuzzer.cpp - libFuzzer target: ONNX bytes -> tfc IR ------===//
//
// Feeds arbitrary bytes to the ONNX importer (importOnnxModelFromBuffer) and
// verifies whatever module comes out. The importer must answer every input
// with a module that verifies or with a diagnostic: a crash, a sanitizer
// report, a hang or an allocation past libFuzzer's limit is a bug. Each input
// gets a fresh context (threading off), so weights of one input never pile
// up in the next; external data resolves against a folder that does not
// exist, so no input reads files.
//
//===----------------------------------------------------------------------===//

#include "tfc/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const mlir::DialectRegistry registry = [] {
    mlir::DialectRegistry r;
    mlir::tfc::registerOnnxImportDialects(r);
    return r;
  }();
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  // Diagnostics are the expected outcome of most inputs: drop them.
  mlir::ScopedDiagnosticHandler quiet(&context,
                                      [](mlir::Diagnostic &) {
                                        return mlir::success();
                                      });
  mlir::tfc::OnnxImportOptions options;
  options.externalDataDir = "/nonexistent/tfc-fuzz-onnx";
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  auto module = mlir::tfc::importOnnxModelFromBuffer(bytes, "fuzz.onnx",
                                                     &context, options);
  // An import that succeeds must produce valid IR.
  if (succeeded(module) && failed(mlir::verify(module->get())))
    std::abort();
  return 0;
}
