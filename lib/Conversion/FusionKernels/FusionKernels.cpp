//===- FusionKernels.cpp - pick the kernel family of a tfc.fusion ---------===//
//
// emitFusionKernel (FusionKernels.h): checks the kernel's signature against
// the fusion, classifies the body, and hands it to one kernel family:
//
//   1. every op is pointwise (elementwise or index-mapping): the pointwise
//      family, one thread per output element;
//   2. exactly one anchor op (matmul, softmax, layer_norm, rms_norm, reduce,
//      attention) fed by pointwise ops or body arguments, whose result is
//      what the fusion returns, directly or through an elementwise epilogue
//      (ops of the anchor's result shape that use it, e.g. bias add, GELU,
//      residual add, cast): that anchor's family, which computes the
//      anchor's result per output element and hands it to the epilogue
//      (KernelContext::storeAnchor) before the store;
//   3. anything else: an error naming the op or the combination.
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/FusionKernels.h"

#include "KernelFamilies.h"
#include "tfc/Analysis/KernelGroup.h"

#include "llvm/ADT/SmallPtrSet.h"
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

LogicalResult KernelContext::storeAnchor(OpBuilder &b, Location loc,
                                         Value anchorResult,
                                         ArrayRef<Value> scalars,
                                         MutableArrayRef<ElementIndex> lanes) {
  // The anchor's result as the epilogue sees it: rounded to its element
  // type (a bf16 matmul's epilogue adds the bias to a bf16 product).
  Type elementType =
      cast<RankedTensorType>(anchorResult.getType()).getElementType();
  for (auto [scalar, at] : llvm::zip_equal(scalars, lanes))
    at.cache[anchorResult] =
        toComputeType(b, loc, toStorageType(b, loc, scalar, elementType));
  return emitter.emitAndStoreResults(b, loc, lanes);
}

LogicalResult KernelContext::storeAnchor(OpBuilder &b, Location loc,
                                         Value anchorResult, Value scalar,
                                         ElementIndex &at) {
  return storeAnchor(b, loc, anchorResult, ArrayRef<Value>{scalar},
                     MutableArrayRef<ElementIndex>(at));
}

/// Whether `v` is a transpose of one of `derived` that the kernel does by
/// storing through a permuted view (isStoreSideTranspose).
static bool isStoreSideTransposeOf(Value v,
                                   const llvm::SmallPtrSetImpl<Value> &derived) {
  auto transpose = v.getDefiningOp<TransposeOp>();
  return transpose && derived.contains(transpose.getInput());
}

/// For every fusion result that is a store-side transpose, a view of the
/// result's buffer in the transpose input's shape: the family stores the
/// input there, element (i...) landing where the transpose puts it.
static void registerStoreViews(FusionOp fusion, Operation *anchor,
                               PointwiseEmitter &emitter) {
  auto yield = cast<YieldOp>(fusion.getBodyBlock().getTerminator());
  for (auto [i, v] : llvm::enumerate(yield.getValues())) {
    auto transpose = v.getDefiningOp<TransposeOp>();
    if (!transpose || !isStoreSideTranspose(anchor, transpose))
      continue;
    // Output dimension k is input dimension perm[k]: the input's stride
    // along perm[k] is the output's row-major stride k.
    auto outType = cast<RankedTensorType>(v.getType());
    auto inType = cast<RankedTensorType>(transpose.getInput().getType());
    ArrayRef<int64_t> perm = transpose.getPermutation();
    StridedView view;
    view.shape.assign(inType.getShape().begin(), inType.getShape().end());
    view.strides.assign(perm.size(), 1);
    int64_t stride = 1;
    for (int64_t k = perm.size() - 1; k >= 0; --k) {
      view.strides[perm[k]] = stride;
      stride *= outType.getDimSize(k);
    }
    Value stored = emitter.createView(emitter.getResultBuffer(i), view);
    emitter.setStoreView(i, stored, transpose.getInput());
  }
}

/// Checks the epilogue of `anchor`: every op that uses its result, directly
/// or not, is elementwise with the anchor's result shape (so it is computed
/// at the anchor's own output element), and every fusion result is the
/// anchor's result or such an op's.
static LogicalResult verifyEpilogue(FusionOp fusion, Operation *anchor) {
  Value anchorResult = anchor->getResult(0);
  auto anchorShape = cast<RankedTensorType>(anchorResult.getType()).getShape();
  llvm::SmallPtrSet<Value, 8> derived = {anchorResult};
  Block &body = fusion.getBodyBlock();
  auto yield = cast<YieldOp>(body.getTerminator());
  for (Operation &op : body.without_terminator()) {
    if (&op == anchor ||
        llvm::none_of(op.getOperands(),
                      [&](Value v) { return derived.contains(v); }))
      continue;
    // A transpose stored as it is (through a permuted view of the output).
    if (auto transpose = dyn_cast<TransposeOp>(op);
        transpose && isStoreSideTranspose(anchor, transpose) &&
        llvm::all_of(transpose->getUsers(),
                     [&](Operation *user) { return user == yield; }))
      continue;
    if (isIndexMappingOp(&op))
      return op.emitOpError("has no GPU kernel yet in the epilogue of ")
             << anchor->getName()
             << ": only elementwise ops can follow it in a fusion";
    auto type = cast<RankedTensorType>(op.getResult(0).getType());
    if (type.getShape() != anchorShape)
      return op.emitOpError("has no GPU kernel yet in the epilogue of ")
             << anchor->getName() << ": its result type " << type
             << " is not the shape of the anchor's result "
             << anchorResult.getType();
    derived.insert(op.getResult(0));
  }
  for (Value v : yield.getValues())
    if (!derived.contains(v) && !isStoreSideTransposeOf(v, derived))
      return fusion.emitOpError("has no GPU kernel yet: a fusion with ")
             << anchor->getName()
             << " can only return that op's result or elementwise ops "
                "applied to it";
  return success();
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
    if (!isAnchorOp(&op))
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
  if (anchors.size() == 1 && failed(verifyEpilogue(fusion, anchors.front())))
    return failure();

  FailureOr<Block *> entry = prepareEntryBlock(func);
  if (failed(entry))
    return failure();
  OpBuilder b = OpBuilder::atBlockEnd(*entry);
  PointwiseEmitter emitter(fusion, func);
  KernelContext ctx{fusion, func, target, emitter};
  if (anchors.size() == 1)
    registerStoreViews(fusion, anchors.front(), emitter);

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
