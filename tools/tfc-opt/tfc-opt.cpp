//===- tfc-opt.cpp - the tfc optimizer driver -------------------*- C++ -*-===//
//
// mlir-opt for tfc: parses MLIR (or imports an ONNX model: a `.onnx` file, or
// any binary file that parses as an ONNX ModelProto), runs tfc and upstream
// passes and pipelines, and prints the result. Registers the tfc dialect and
// passes and every upstream dialect, pass and translation the codegen path
// uses.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include "tfc/Conversion/TestPasses.h"
#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Import/OnnxImporter.h"
#include "tfc/Conversion/Passes.h"
#include "tfc/Passes/Passes.h"
#include "tfc/Pipeline/Pipelines.h"
#include "tfc/Target/Passes.h"

#include <cstring>

//===----------------------------------------------------------------------===//
// ONNX input
//===----------------------------------------------------------------------===//

static llvm::cl::OptionCategory onnxCategory(
    "ONNX import options (when the input is an ONNX model)");

static llvm::cl::list<std::string> onnxInputShapes(
    "input-shape",
    llvm::cl::desc("Static shape of an ONNX graph input, NAME=DIMS (e.g. "
                   "input_ids=1x32); pins dynamic dimensions. Repeatable"),
    llvm::cl::value_desc("name=dims"), llvm::cl::cat(onnxCategory));

static llvm::cl::opt<mlir::tfc::OnnxWeightsMode> onnxWeights(
    "weights", llvm::cl::desc("Where ONNX initializers (weights) go"),
    llvm::cl::init(mlir::tfc::OnnxWeightsMode::Inline),
    llvm::cl::values(
        clEnumValN(mlir::tfc::OnnxWeightsMode::Inline, "inline",
                   "tfc.parameter with a dense_resource blob (default)"),
        clEnumValN(mlir::tfc::OnnxWeightsMode::External, "external",
                   "tfc.parameter by name only, bound when the artifact "
                   "is loaded")),
    llvm::cl::cat(onnxCategory));

/// True for `.onnx` files and for binary files that parse as a ModelProto.
static bool isOnnxInput(llvm::StringRef filename) {
  if (filename == "-" || filename.ends_with(".mlir") ||
      filename.ends_with(".mlirbc"))
    return false;
  if (filename.ends_with(".onnx"))
    return true;
  auto buffer = llvm::MemoryBuffer::getFile(filename, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  return buffer && mlir::tfc::looksLikeOnnxModel((*buffer)->getBuffer());
}

/// Imports the ONNX model as MLIR bytecode in a 64-byte aligned buffer (the
/// alignment of resource blobs, which the bytecode reader checks). The import
/// context is gone before the bytecode is copied, so the weights are held at
/// most twice at any time.
static std::unique_ptr<llvm::MemoryBuffer>
importAsBytecode(llvm::StringRef inputFilename, mlir::DialectRegistry &registry,
                 const mlir::tfc::OnnxImportOptions &options) {
  std::string bytecode;
  {
    mlir::MLIRContext context(registry);
    // Diagnostics read "<file>: error: <message>"; node errors name the node.
    mlir::ScopedDiagnosticHandler printer(&context, [&](mlir::Diagnostic &d) {
      auto print = [&](mlir::Diagnostic &diag) {
        llvm::StringRef severity =
            diag.getSeverity() == mlir::DiagnosticSeverity::Error ? "error"
            : diag.getSeverity() == mlir::DiagnosticSeverity::Warning
                ? "warning"
            : diag.getSeverity() == mlir::DiagnosticSeverity::Note ? "note"
                                                                   : "remark";
        llvm::errs() << inputFilename << ": " << severity << ": "
                     << diag.str() << "\n";
      };
      print(d);
      for (mlir::Diagnostic &note : d.getNotes())
        print(note);
      return llvm::success();
    });
    auto module = mlir::tfc::importOnnxModel(inputFilename, &context, options);
    if (failed(module))
      return nullptr;
    llvm::raw_string_ostream os(bytecode);
    if (failed(mlir::writeBytecodeToFile(module->get(), os)))
      return nullptr;
  }
  auto buffer = llvm::WritableMemoryBuffer::getNewUninitMemBuffer(
      bytecode.size(), inputFilename, llvm::Align(64));
  std::memcpy(buffer->getBufferStart(), bytecode.data(), bytecode.size());
  return buffer;
}

/// Imports the ONNX model and runs the usual mlir-opt processing on it. The
/// module reaches MlirOptMain as bytecode, so weights never become text.
static llvm::LogicalResult runOnOnnxModel(llvm::StringRef inputFilename,
                                          llvm::StringRef outputFilename,
                                          mlir::DialectRegistry &registry) {
  mlir::tfc::OnnxImportOptions options;
  options.weights = onnxWeights;
  for (const std::string &spec : onnxInputShapes) {
    std::string error;
    if (!mlir::tfc::parseOnnxInputShape(spec, options, error)) {
      llvm::errs() << "tfc-opt: --input-shape: " << error << "\n";
      return llvm::failure();
    }
  }
  std::unique_ptr<llvm::MemoryBuffer> buffer =
      importAsBytecode(inputFilename, registry, options);
  if (!buffer)
    return llvm::failure();
  std::string error;
  auto output = mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return llvm::failure();
  }
  if (failed(mlir::MlirOptMain(output->os(), std::move(buffer), registry,
                               mlir::MlirOptMainConfig::createFromCLOptions())))
    return llvm::failure();
  output->keep();
  return llvm::success();
}

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::tfc::TfcDialect>();
  mlir::registerAllPasses();
  mlir::tfc::registerTfcPasses();
  mlir::tfc::registerTfcConversionPasses();
  mlir::tfc::registerTfcTargetPasses();
  mlir::tfc::registerTfcPipelines();
  mlir::tfc::registerTestFusionKernelsPass();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "tfc optimizer driver\n", registry);
  if (isOnnxInput(inputFilename)) {
    llvm::InitLLVM initLLVM(argc, argv);
    return mlir::asMainReturnCode(
        runOnOnnxModel(inputFilename, outputFilename, registry));
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFilename, outputFilename, registry));
}
