//===- MlirParseFuzzer.cpp - libFuzzer target: .mlir text -> tfc verifiers ===//
//
// Parses arbitrary text as MLIR with the tfc, func and arith dialects
// registered (what the tfc tests use), which runs every op's verifier and
// type inference. A module that verifies is also printed (the custom
// assembly formats) and canonicalized (the tfc folders and patterns); the
// canonicalized module must still verify. Anything but a module or a
// diagnostic (a crash, a sanitizer report, a hang) is a bug.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const mlir::DialectRegistry registry = [] {
    mlir::DialectRegistry r;
    r.insert<mlir::tfc::TfcDialect, mlir::func::FuncDialect,
             mlir::arith::ArithDialect>();
    return r;
  }();
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler quiet(&context,
                                      [](mlir::Diagnostic &) {
                                        return mlir::success();
                                      });
  // MLIR's lexer reads up to a terminating NUL, as every file buffer has;
  // libFuzzer's bytes have none, so they are copied into a string.
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::ParserConfig config(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, config, "fuzz.mlir");
  if (!module)
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  // The pass manager verifies after each pass: a folder or pattern that
  // breaks the IR fails here.
  if (failed(pm.run(*module)))
    std::abort();
  return 0;
}
