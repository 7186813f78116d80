//===- LowerFusionsToKernels.cpp - fusions to GPU kernels + launches ------===//
//
// Turns the tensor-level entry function into a buffer-level launch program:
// each tfc.fusion is outlined into a gpu.func kernel (its body emitted by the
// kernel families in FusionKernels), and the function is rewritten on
// memrefs in destination-passing style with one gpu.launch_func per fusion.
// This is the one place where tensors become buffers: reshapes become views,
// parameters become memref.globals, results are written in place by the
// kernel that produces them. Kernels may take TMA descriptors (wgmma=auto):
// those that do are launched with a tfc.tensor_map of each operand's buffer
// after their memrefs. Every launch carries the cost model's prediction of
// its kernel (tfc.cost), which the artifact keeps for roofline reports.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/CostModel.h"
#include "tfc/Analysis/KernelGroup.h"
#include "tfc/Conversion/FusionKernels.h"
#include "tfc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_LOWERFUSIONSTOKERNELS
#include "tfc/Conversion/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

static MemRefType toMemRef(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

/// Makes a symbol-safe kernel name from a fusion kind.
static std::string kernelName(unsigned index, StringRef kind) {
  std::string name = "k" + std::to_string(index) + "_";
  for (char c : kind)
    name += (llvm::isAlnum(c) ? c : '_');
  return name;
}

/// The cost model's prediction of `fusion`'s kernel as the launch's
/// tfc.cost: its kind, the node it is named after (its anchor, else its
/// first named op), HBM bytes and FLOPs on the target.
static DictionaryAttr getLaunchCostAttr(FusionOp fusion, TargetAttr target) {
  Builder b(fusion.getContext());
  KernelCost cost = CostModel(target).getCost(fusion);
  std::optional<StringRef> name;
  for (Operation &op : fusion.getBodyBlock().without_terminator())
    if (!name && isAnchorOp(&op))
      name = getNodeName(op.getLoc());
  for (Operation &op : fusion.getBodyBlock().without_terminator())
    if (!name && !isa<ReshapeOp>(op))
      name = getNodeName(op.getLoc());
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("family", b.getStringAttr(fusion.getKind())),
      b.getNamedAttr("name", b.getStringAttr(name.value_or(StringRef()))),
      b.getNamedAttr("hbm_bytes", b.getI64IntegerAttr(cost.hbmBytes)),
      b.getNamedAttr("vector_flops", b.getF64FloatAttr(cost.vectorFlops)),
      b.getNamedAttr("matrix_flops", b.getF64FloatAttr(cost.matrixFlops))};
  if (cost.matrixType && cost.matrixFlops > 0)
    fields.push_back(
        b.getNamedAttr("matrix_type", TypeAttr::get(cost.matrixType)));
  return b.getDictionaryAttr(fields);
}

namespace {
struct LowerFusionsToKernelsPass
    : tfc::impl::LowerFusionsToKernelsBase<LowerFusionsToKernelsPass> {
  using LowerFusionsToKernelsBase::LowerFusionsToKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (wgmma != "auto" && wgmma != "off") {
      module.emitError() << "tfc-lower-fusions-to-kernels wgmma must be "
                            "'auto' or 'off', got '"
                         << wgmma << "'";
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isDeclaration())
        entries.push_back(func);
    if (entries.size() != 1) {
      module.emitError() << "expected exactly one function with a body to "
                            "compile, found "
                         << entries.size();
      return signalPassFailure();
    }
    auto target = module->getAttrOfType<TargetAttr>(
        TargetAttr::getModuleAttrName());
    if (!target) {
      module.emitError() << "module has no '" << TargetAttr::getModuleAttrName()
                         << "' attribute; run tfc-set-target first";
      return signalPassFailure();
    }
    if (failed(lowerFunction(module, entries.front(), target)))
      return signalPassFailure();
  }

  LogicalResult lowerFunction(ModuleOp module, func::FuncOp func,
                              TargetAttr target);
};
} // namespace

/// Appends to `operands` (the kernel's memrefs) a tfc.tensor_map of the
/// operand buffer of each descriptor the kernel took, and records them on
/// the kernel as `tfc.tensor_maps` = [{argument, shape, box}, ...].
static LogicalResult addTensorMapOperands(OpBuilder &builder, FusionOp fusion,
                                          gpu::GPUFuncOp kernel,
                                          const LaunchConfig &config,
                                          SmallVectorImpl<Value> &operands) {
  if (config.tensorMaps.empty())
    return success();
  unsigned numMemRefs = operands.size();
  if (kernel.getNumArguments() != numMemRefs + config.tensorMaps.size())
    return fusion.emitOpError()
           << "kernel takes " << kernel.getNumArguments()
           << " arguments but its " << numMemRefs << " buffers and "
           << config.tensorMaps.size() << " tensor maps make "
           << numMemRefs + config.tensorMaps.size();
  SmallVector<Attribute> records;
  for (const TensorMapArg &map : config.tensorMaps) {
    if (map.argument >= numMemRefs)
      return fusion.emitOpError()
             << "tensor map of kernel argument " << map.argument
             << ", but the kernel has " << numMemRefs << " buffers";
    Type pointer = kernel.getArgumentTypes()[operands.size()];
    operands.push_back(TensorMapOp::create(
        builder, fusion.getLoc(), pointer, operands[map.argument],
        builder.getDenseI64ArrayAttr(map.shape),
        builder.getDenseI64ArrayAttr(map.box)));
    records.push_back(builder.getDictionaryAttr(
        {builder.getNamedAttr("argument",
                              builder.getI64IntegerAttr(map.argument)),
         builder.getNamedAttr("shape", builder.getDenseI64ArrayAttr(map.shape)),
         builder.getNamedAttr("box", builder.getDenseI64ArrayAttr(map.box))}));
  }
  kernel->setAttr("tfc.tensor_maps", builder.getArrayAttr(records));
  return success();
}

LogicalResult
LowerFusionsToKernelsPass::lowerFunction(ModuleOp module, func::FuncOp func,
                                         TargetAttr target) {
  MLIRContext *context = module.getContext();
  Location loc = func.getLoc();
  Block &body = func.getBody().front();
  auto returnOp = cast<func::ReturnOp>(body.getTerminator());

  // The new function: inputs, then one output buffer per result.
  FunctionType oldType = func.getFunctionType();
  SmallVector<Type> argTypes;
  for (Type t : oldType.getInputs()) {
    if (!isa<RankedTensorType>(t) || !cast<RankedTensorType>(t).hasStaticShape())
      return func.emitError() << "function input of type " << t
                              << " is not a tensor with a static shape";
    argTypes.push_back(toMemRef(t));
  }
  for (Type t : oldType.getResults()) {
    if (!isa<RankedTensorType>(t) || !cast<RankedTensorType>(t).hasStaticShape())
      return func.emitError() << "function result of type " << t
                              << " is not a tensor with a static shape";
    argTypes.push_back(toMemRef(t));
  }

  OpBuilder builder(context);
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  builder.getUnitAttr());
  builder.setInsertionPointToEnd(module.getBody());
  auto kernels = gpu::GPUModuleOp::create(builder, loc, kKernelModuleName);
  SymbolTable moduleSymbols(module);

  builder.setInsertionPoint(func);
  auto newFunc = func::FuncOp::create(
      builder, loc, func.getName(), builder.getFunctionType(argTypes, {}));
  newFunc.setVisibility(func.getVisibility());
  unsigned numInputs = oldType.getNumInputs();
  for (unsigned i = 0; i < numInputs; ++i)
    if (auto name = func.getArgAttrOfType<StringAttr>(i, kNameAttr))
      newFunc.setArgAttr(i, kNameAttr, name);
  for (unsigned i = 0; i < oldType.getNumResults(); ++i) {
    StringAttr name = func.getResultAttrOfType<StringAttr>(i, kNameAttr);
    if (!name)
      name = builder.getStringAttr("output" + std::to_string(i));
    newFunc.setArgAttr(numInputs + i, kNameAttr, name);
    newFunc.setArgAttr(numInputs + i, kOutputAttr, builder.getUnitAttr());
  }
  for (unsigned i = 0; i < numInputs; ++i)
    if (!newFunc.getArgAttr(i, kNameAttr))
      newFunc.setArgAttr(i, kNameAttr,
                         builder.getStringAttr("input" + std::to_string(i)));

  Block *newBody = newFunc.addEntryBlock();
  builder.setInsertionPointToStart(newBody);

  // Tensor value -> buffer.
  llvm::DenseMap<Value, Value> buffers;
  for (unsigned i = 0; i < numInputs; ++i)
    buffers[body.getArgument(i)] = newBody->getArgument(i);

  // A fusion result returned by the function is written straight into the
  // output buffer (the first time it is returned).
  llvm::DenseMap<Value, Value> resultDestinations;
  for (auto [i, v] : llvm::enumerate(returnOp.getOperands()))
    if (v.getDefiningOp<FusionOp>() && !resultDestinations.count(v))
      resultDestinations[v] = newBody->getArgument(numInputs + i);

  auto indexConst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, v);
  };

  unsigned kernelIndex = 0, weightIndex = 0;
  for (Operation &op : body.without_terminator()) {
    if (auto constant = dyn_cast<ConstantOp>(op)) {
      // Small constants live beside the weights.
      auto global = memref::GlobalOp::create(
          builder, op.getLoc(), "__tfc_const" + std::to_string(weightIndex++),
          builder.getStringAttr("private"), toMemRef(constant.getType()),
          constant.getValue(), /*constant=*/true, /*alignment=*/nullptr);
      global->moveBefore(func);
      moduleSymbols.insert(global);
      global->setAttr(kNameAttr, builder.getStringAttr(global.getSymName()));
      buffers[constant.getResult()] = memref::GetGlobalOp::create(
          builder, op.getLoc(), global.getType(), global.getSymName());
      continue;
    }
    if (auto param = dyn_cast<ParameterOp>(op)) {
      Attribute init = param.getValueAttr();
      if (!init)
        init = builder.getUnitAttr(); // uninitialized: bound at load time
      auto global = memref::GlobalOp::create(
          builder, op.getLoc(), "__tfc_w" + std::to_string(weightIndex++),
          builder.getStringAttr("private"), toMemRef(param.getType()), init,
          /*constant=*/static_cast<bool>(param.getValueAttr()),
          /*alignment=*/nullptr);
      global->moveBefore(func);
      moduleSymbols.insert(global);
      global->setAttr(kNameAttr, param.getNameAttr());
      if (!param.getValueAttr())
        global->setAttr(kExternalAttr, builder.getUnitAttr());
      // e.g. where an external weight's bytes are (tfc.external_data).
      for (NamedAttribute attr : param->getDiscardableAttrs())
        global->setAttr(attr.getName(), attr.getValue());
      buffers[param.getResult()] = memref::GetGlobalOp::create(
          builder, op.getLoc(), global.getType(), global.getSymName());
      continue;
    }
    if (auto reshape = dyn_cast<ReshapeOp>(op)) {
      // Contiguous row-major data: a reshape is a view.
      auto type = toMemRef(reshape.getType());
      SmallVector<int64_t> strides(type.getRank(), 1);
      for (int64_t d = type.getRank() - 2; d >= 0; --d)
        strides[d] = strides[d + 1] * type.getDimSize(d + 1);
      buffers[reshape.getResult()] = memref::ReinterpretCastOp::create(
          builder, op.getLoc(), type, buffers.lookup(reshape.getInput()),
          /*offset=*/0, type.getShape(), strides);
      continue;
    }
    if (auto allReduce = dyn_cast<AllReduceOp>(op)) {
      // Summed in place: on the partial's own buffer when nothing else
      // reads the partial, else on a copy.
      Value buffer = buffers.lookup(allReduce.getInput());
      if (!buffer)
        return allReduce.emitOpError() << "input has no buffer";
      if (!buffer.getDefiningOp<memref::AllocOp>() ||
          !allReduce.getInput().hasOneUse()) {
        Value copy = memref::AllocOp::create(builder, op.getLoc(),
                                             toMemRef(allReduce.getType()));
        memref::CopyOp::create(builder, op.getLoc(), buffer, copy);
        buffer = copy;
      }
      AllReduceInPlaceOp::create(builder, op.getLoc(), buffer,
                                 allReduce.getRanks());
      buffers[allReduce.getResult()] = buffer;
      continue;
    }
    auto fusion = dyn_cast<FusionOp>(op);
    if (!fusion)
      return op.emitOpError()
             << "has no kernel: only tfc.fusion groups, constants, "
                "parameters and reshapes can be compiled at this point (run "
                "tfc-wrap-in-fusions first)";

    // Outline the kernel.
    SmallVector<Type> kernelArgs;
    for (Value v : fusion.getInputs())
      kernelArgs.push_back(toMemRef(v.getType()));
    for (Type t : fusion.getResultTypes())
      kernelArgs.push_back(toMemRef(t));
    OpBuilder kernelBuilder = OpBuilder::atBlockEnd(kernels.getBody());
    auto kernel = gpu::GPUFuncOp::create(
        kernelBuilder, fusion.getLoc(),
        kernelName(kernelIndex++, fusion.getKind()),
        kernelBuilder.getFunctionType(kernelArgs, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    kernelBuilder.getUnitAttr());
    // The launch can pass TMA descriptors; the families use them only where
    // the target has wgmma.
    if (wgmma == "auto")
      kernel->setAttr(kTensorMapArgsAttrName, kernelBuilder.getUnitAttr());
    FailureOr<LaunchConfig> config = emitFusionKernel(fusion, kernel, target);
    if (failed(config))
      return failure();
    if (config->tensorMaps.empty())
      kernel->removeAttr(kTensorMapArgsAttrName);

    // Launch it on buffers.
    SmallVector<Value> operands;
    for (Value v : fusion.getInputs()) {
      Value buffer = buffers.lookup(v);
      if (!buffer)
        return fusion.emitOpError() << "input has no buffer";
      operands.push_back(buffer);
    }
    for (Value result : fusion.getResults()) {
      Value buffer = resultDestinations.lookup(result);
      if (!buffer)
        buffer = memref::AllocOp::create(builder, fusion.getLoc(),
                                         toMemRef(result.getType()));
      buffers[result] = buffer;
      operands.push_back(buffer);
    }
    if (failed(addTensorMapOperands(builder, fusion, kernel, *config,
                                    operands)))
      return failure();
    gpu::KernelDim3 grid{indexConst(config->grid[0]),
                         indexConst(config->grid[1]),
                         indexConst(config->grid[2])};
    gpu::KernelDim3 block{indexConst(config->block[0]),
                          indexConst(config->block[1]),
                          indexConst(config->block[2])};
    Value smem;
    if (config->dynamicSharedMemoryBytes > 0)
      smem = arith::ConstantIntOp::create(builder, fusion.getLoc(),
                                          config->dynamicSharedMemoryBytes, 32);
    auto launch = gpu::LaunchFuncOp::create(builder, fusion.getLoc(), kernel,
                                            grid, block, smem, operands);
    launch->setAttr(kLaunchCostAttr, getLaunchCostAttr(fusion, target));
  }

  // Results not written in place are copied into their output buffer.
  for (auto [i, v] : llvm::enumerate(returnOp.getOperands())) {
    Value out = newBody->getArgument(numInputs + i);
    Value buffer = buffers.lookup(v);
    if (!buffer)
      return returnOp.emitOpError() << "returns a value without a buffer";
    if (buffer != out)
      memref::CopyOp::create(builder, returnOp.getLoc(), buffer, out);
  }
  func::ReturnOp::create(builder, returnOp.getLoc());

  StringAttr symName = func.getSymNameAttr();
  func.erase();
  newFunc.setSymName(symName);
  return success();
}
