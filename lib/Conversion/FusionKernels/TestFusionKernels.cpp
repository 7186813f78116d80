//===- TestFusionKernels.cpp - test pass for the kernel families ----------===//
//
// `tfc-test-emit-fusion-kernels` exercises emitFusionKernel without the
// host-side lowering: for every tfc.fusion of every function it adds a
// gpu.func to `gpu.module @kernels` with the kernel ABI of FusionKernels.h
// (one memref per fusion input, then per result), emits the body, and
// records the launch configuration as `tfc.grid` / `tfc.block` (and
// `tfc.dynamic_shared_memory` when non-zero). With `tensor-maps=true` the
// kernels may take TMA descriptors (kTensorMapArgsAttrName), recorded as
// `tfc.tensor_maps` = [{argument, shape, box}, ...] for the device harness
// (benchmarks/kernels/wgmma). The host functions are left unchanged. Lit
// tests push the result through the NVVM lowering to PTX.
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/FusionKernels.h"
#include "tfc/Conversion/TestPasses.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::tfc;

namespace {
struct TestEmitFusionKernelsPass
    : PassWrapper<TestEmitFusionKernelsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestEmitFusionKernelsPass)

  TestEmitFusionKernelsPass() = default;
  TestEmitFusionKernelsPass(const TestEmitFusionKernelsPass &pass)
      : PassWrapper(pass) {}

  Option<bool> tensorMaps{
      *this, "tensor-maps",
      llvm::cl::desc("Let the families append TMA tensor-map arguments "
                     "(the wgmma + TMA matmul on sm_90a); each kernel "
                     "records them as `tfc.tensor_maps`"),
      llvm::cl::init(false)};

  StringRef getArgument() const final { return "tfc-test-emit-fusion-kernels"; }
  StringRef getDescription() const final {
    return "Emit a gpu.func kernel for every tfc.fusion into gpu.module "
           "@kernels (test of the kernel families; host code unchanged)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<gpu::GPUDialect, memref::MemRefDialect, arith::ArithDialect,
                    scf::SCFDialect, math::MathDialect, vector::VectorDialect,
                    nvgpu::NVGPUDialect, NVVM::NVVMDialect,
                    LLVM::LLVMDialect>();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto target =
        module->getAttrOfType<TargetAttr>(TargetAttr::getModuleAttrName());
    if (!target)
      target = TargetAttr::getPreset(context, "sm_90a");

    SmallVector<FusionOp> fusions;
    module.walk([&](FusionOp fusion) { fusions.push_back(fusion); });
    if (fusions.empty())
      return;

    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(context));
    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    auto kernels =
        gpu::GPUModuleOp::create(builder, module.getLoc(), "kernels");
    bool anyFailed = false;
    for (auto [index, fusion] : llvm::enumerate(fusions)) {
      auto parent = fusion->getParentOfType<func::FuncOp>();
      std::string name = (parent ? parent.getSymName().str() : "kernel") + "_" +
                         std::to_string(index);
      SmallVector<Type> arguments;
      for (Type t : fusion.getInputs().getTypes())
        arguments.push_back(toMemRef(t));
      for (Type t : fusion.getResultTypes())
        arguments.push_back(toMemRef(t));
      OpBuilder kernelBuilder = OpBuilder::atBlockEnd(kernels.getBody());
      auto func =
          gpu::GPUFuncOp::create(kernelBuilder, fusion.getLoc(), name,
                                 kernelBuilder.getFunctionType(arguments, {}));
      func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    kernelBuilder.getUnitAttr());
      if (tensorMaps)
        func->setAttr(kTensorMapArgsAttrName, kernelBuilder.getUnitAttr());
      FailureOr<LaunchConfig> config = emitFusionKernel(fusion, func, target);
      if (failed(config)) {
        anyFailed = true;
        func.erase();
        continue;
      }
      func->setAttr("tfc.grid",
                    kernelBuilder.getDenseI64ArrayAttr(config->grid));
      func->setAttr("tfc.block",
                    kernelBuilder.getDenseI64ArrayAttr(config->block));
      if (!config->tensorMaps.empty()) {
        SmallVector<Attribute> maps;
        for (const TensorMapArg &map : config->tensorMaps)
          maps.push_back(kernelBuilder.getDictionaryAttr(
              {kernelBuilder.getNamedAttr(
                   "argument", kernelBuilder.getI64IntegerAttr(map.argument)),
               kernelBuilder.getNamedAttr(
                   "shape", kernelBuilder.getDenseI64ArrayAttr(map.shape)),
               kernelBuilder.getNamedAttr(
                   "box", kernelBuilder.getDenseI64ArrayAttr(map.box))}));
        func->setAttr("tfc.tensor_maps", kernelBuilder.getArrayAttr(maps));
      }
      if (config->dynamicSharedMemoryBytes)
        func->setAttr(
            "tfc.dynamic_shared_memory",
            kernelBuilder.getI64IntegerAttr(config->dynamicSharedMemoryBytes));
    }
    if (anyFailed)
      signalPassFailure();
  }

  static Type toMemRef(Type tensorType) {
    auto tensor = cast<RankedTensorType>(tensorType);
    return MemRefType::get(tensor.getShape(), tensor.getElementType());
  }
};
} // namespace

void mlir::tfc::registerTestFusionKernelsPass() {
  PassRegistration<TestEmitFusionKernelsPass>();
}
