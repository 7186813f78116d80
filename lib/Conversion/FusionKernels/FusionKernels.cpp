//===- FusionKernels.cpp - pick the kernel family of a tfc.fusion ---------===//
//
// emitFusionKernel (FusionKernels.h): checks the kernel's signature against
// the fusion, classifies the body, and hands it to one kernel family:
//
//   1. every op is pointwise (elementwise or index-mapping): the pointwise
//      family, one thread per output element;
//   2. exactly one anchor op (matmul, softmax, layer_norm, rms_norm, reduce,
//      attention) whose results are what the fusion returns, fed by pointwise
//      ops or body arguments: that anchor's family;
//   3. anything else: an error naming the op or the combination.
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/FusionKernels.h"

#include "KernelFamilies.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tfc;

LaunchConfig mlir::tfc::finishLaunch(KernelContext &ctx, LaunchConfig config) {
  SmallVector<int32_t> block(config.block.begin(), config.block.end());
  ctx.func.setKnownBlockSizeAttr(
      DenseI32ArrayAttr::get(ctx.func.getContext(), block));
  return config;
}

/// Checks that `func` takes one memref per fusion input, then per result,
/// with the tensors' shapes and element types and the identity layout.
static LogicalResult verifyKernelSignature(FusionOp fusion,
                                           gpu::GPUFuncOp func) {
  SmallVector<Type> expected(fusion.getInputs().getTypes());
  llvm::append_range(expected, fusion.getResultTypes());
  ArrayRef<Type> actual = func.getFunctionType().getInputs();
  if (actual.size() != expected.size())
    return func.emitOpError("has ")
           << actual.size() << " arguments but the fusion it implements has "
           << fusion.getInputs().size() << " inputs and "
           << fusion.getNumResults() << " results";
  for (auto [i, pair] : llvm::enumerate(llvm::zip(actual, expected))) {
    auto [argType, tensorType] = pair;
    auto memref = dyn_cast<MemRefType>(argType);
    auto tensor = cast<RankedTensorType>(tensorType);
    if (!memref || memref.getShape() != tensor.getShape() ||
        memref.getElementType() != tensor.getElementType() ||
        !memref.getLayout().isIdentity())
      return func.emitOpError("argument ")
             << i << " has type " << argType << " but the fusion's "
             << (i < fusion.getInputs().size() ? "input" : "result") << " is "
             << tensorType
             << " (expected a memref of that shape and element type with the "
                "identity layout)";
  }
  return success();
}

/// Returns the kernel's entry block, made empty: the outlining pass creates
/// it (possibly ending in gpu.return); anything else there is an error.
static FailureOr<Block *> prepareEntryBlock(gpu::GPUFuncOp func) {
  Region &body = func.getBody();
  if (body.empty()) {
    Block *block = new Block();
    body.push_back(block);
    for (Type t : func.getFunctionType().getInputs())
      block->addArgument(t, func.getLoc());
  }
  Block &entry = body.front();
  if (!entry.empty() &&
      !(llvm::hasSingleElement(entry) && isa<gpu::ReturnOp>(entry.front())))
    return func.emitOpError("must be empty before its kernel body is emitted");
  if (!entry.empty())
    entry.front().erase();
  return &entry;
}

/// Removes what a failed family left in the kernel.
static void clearBody(Block *entry) {
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry))) {
    op.dropAllUses();
    op.erase();
  }
}

static bool isAnchor(Operation *op) {
  return isa<MatmulOp, SoftmaxOp, LayerNormOp, RmsNormOp, ReduceOp,
             AttentionOp>(op);
}

FailureOr<LaunchConfig> mlir::tfc::emitFusionKernel(FusionOp fusion,
                                                    gpu::GPUFuncOp func,
                                                    TargetAttr target) {
  if (failed(verifyKernelSignature(fusion, func)))
    return failure();

  // Classify the body.
  Block &body = fusion.getBodyBlock();
  SmallVector<Operation *> anchors;
  for (Operation &op : body.without_terminator()) {
    if (PointwiseEmitter::isPointwise(&op))
      continue;
    if (!isAnchor(&op))
      return op.emitOpError("has no GPU kernel yet: no kernel family handles "
                            "it inside a tfc.fusion");
    anchors.push_back(&op);
  }
  if (anchors.size() > 1) {
    InFlightDiagnostic diag = fusion.emitOpError(
        "has no GPU kernel yet for a fusion of several reductions or "
        "contractions: ");
    llvm::interleaveComma(anchors, diag,
                          [&](Operation *op) { diag << op->getName(); });
    return diag;
  }
  auto yield = cast<YieldOp>(body.getTerminator());
  if (anchors.size() == 1) {
    Operation *anchor = anchors.front();
    for (Value v : yield.getValues())
      if (v.getDefiningOp() != anchor)
        return fusion.emitOpError("has no GPU kernel yet: a fusion with ")
               << anchor->getName()
               << " can only return that op's results (epilogues are not "
                  "supported yet)";
  }

  FailureOr<Block *> entry = prepareEntryBlock(func);
  if (failed(entry))
    return failure();
  OpBuilder b = OpBuilder::atBlockEnd(*entry);
  PointwiseEmitter emitter(fusion, func);
  KernelContext ctx{fusion, func, target, emitter};

  // Nothing to write (every result has a zero-size dimension): an empty
  // kernel, so that no family has to guard against rows that do not exist.
  if (llvm::all_of(fusion.getResultTypes(), [](Type t) {
        return cast<RankedTensorType>(t).getNumElements() == 0;
      })) {
    gpu::ReturnOp::create(b, fusion.getLoc());
    return finishLaunch(ctx, LaunchConfig());
  }

  FailureOr<LaunchConfig> config =
      anchors.empty()
          ? emitPointwiseKernel(b, ctx)
          : TypeSwitch<Operation *, FailureOr<LaunchConfig>>(anchors.front())
                .Case([&](MatmulOp op) { return emitMatmulKernel(b, ctx, op); })
                .Case(
                    [&](SoftmaxOp op) { return emitSoftmaxKernel(b, ctx, op); })
                .Case([&](LayerNormOp op) {
                  return emitLayerNormKernel(b, ctx, op);
                })
                .Case(
                    [&](RmsNormOp op) { return emitRmsNormKernel(b, ctx, op); })
                .Case([&](ReduceOp op) { return emitReduceKernel(b, ctx, op); })
                .Case([&](AttentionOp op) {
                  return emitAttentionKernel(b, ctx, op);
                });
  if (failed(config)) {
    clearBody(*entry);
    return failure();
  }
  gpu::ReturnOp::create(b, fusion.getLoc());
  return config;
}
