//===- tfc-opt.cpp - the tfc optimizer driver -------------------*- C++ -*-===//
//
// mlir-opt for tfc: parses MLIR, runs tfc and upstream passes and pipelines,
// and prints the result. Registers the tfc dialect and passes and every
// upstream dialect, pass and translation the codegen path uses.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Passes/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::tfc::TfcDialect>();
  mlir::registerAllPasses();
  mlir::tfc::registerTfcPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "tfc optimizer driver\n", registry));
}
