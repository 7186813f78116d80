//===- LowerPrecision.cpp - run an f32 model in bf16 or f16 -----*- C++ -*-===//
//
// Halves the bytes every kernel moves: weights are converted to the low
// type at compile time, activations flow in the low type, and only what is
// numerically sensitive stays f32 (the list is in Passes.td).
//
// The plan, per function:
//   1. Analyse: record the f32 tensors of the function (only they change
//      type) and, with keep-residual-f32, find the residual stream: every
//      `tfc.add` whose one operand (the skip) reaches the other through a
//      matmul or attention, its result, and its skip operand.
//   2. Rewrite in program order. Each op gets a compute type: f32 for
//      comparisons, casts to/from non-float types, sum/mean/prod
//      reductions, residual-stream ops, and ops whose non-weight operands
//      are all kept in f32 (matmul and attention excepted); the low type for
//      everything else. Its f32 operands are converted to the compute type
//      (constants and inline parameters converted once, ahead of time;
//      activations and external parameters through one shared tfc.cast) and
//      its f32 results retyped; a lowered matmul accumulates in f32.
//   3. Cast the function's results back to their declared types; erase the
//      f32 weights nothing reads any more.
//
//===----------------------------------------------------------------------===//

#include "ConstantUtils.h"

#include "tfc/Passes/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_LOWERPRECISION
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

namespace {

bool isF32Tensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

bool isWeight(Value v) {
  return isa_and_present<ConstantOp, ParameterOp>(v.getDefiningOp());
}

bool isFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa<FloatType>(tensor.getElementType());
}

/// Step 1b: the residual stream. `tfc.add(skip, branch)` is a residual add
/// when a matmul or attention that depends on `skip` feeds `branch`.
DenseSet<Value> findResidualStream(func::FuncOp func) {
  DenseSet<Value> stream;
  func.walk([&](AddOp add) {
    if (!isF32Tensor(add.getResult()))
      return;
    for (auto [skip, branch] : {std::pair(add.getLhs(), add.getRhs()),
                                std::pair(add.getRhs(), add.getLhs())}) {
      Operation *branchOp = branch.getDefiningOp();
      if (!branchOp || isWeight(skip))
        continue;
      SetVector<Operation *> dependsOnSkip;
      getForwardSlice(skip, &dependsOnSkip);
      if (!dependsOnSkip.contains(branchOp))
        continue;
      SetVector<Operation *> feedsBranch;
      BackwardSliceOptions options;
      options.omitBlockArguments = true;
      options.inclusive = true;
      (void)getBackwardSlice(branchOp, &feedsBranch, options);
      bool throughSublayer = llvm::any_of(feedsBranch, [&](Operation *op) {
        return isa<MatmulOp, AttentionOp>(op) && dependsOnSkip.contains(op);
      });
      if (!throughSublayer)
        continue;
      stream.insert(skip);
      stream.insert(add.getResult());
    }
  });
  return stream;
}

class PrecisionLowering {
public:
  PrecisionLowering(func::FuncOp func, FloatType low, bool keepResidual)
      : func(func), low(low),
        f32(Float32Type::get(func.getContext())) {
    // Step 1a: the f32 tensors, before any is retyped.
    for (Value arg : func.getArguments())
      if (isF32Tensor(arg))
        originalF32.insert(arg);
    func.walk([&](Operation *op) {
      for (Value result : op->getResults())
        if (isF32Tensor(result))
          originalF32.insert(result);
    });
    if (keepResidual) {
      residual = findResidualStream(func);
      // A stream that enters as an argument is f32 already.
      for (Value arg : func.getArguments())
        if (residual.contains(arg) && isF32Tensor(arg))
          keptF32.insert(arg);
    }
  }

  LogicalResult run();

  int64_t weightsConverted = 0, castsInserted = 0, opsLowered = 0;

private:
  FloatType computeTypeOf(Operation *op) const;
  void lower(Operation *op, FloatType compute);
  Value convert(Value value, FloatType element);

  func::FuncOp func;
  FloatType low, f32;
  DenseSet<Value> originalF32, residual, keptF32;
  /// Converted copies of a value, one per element type.
  DenseMap<std::pair<Value, Type>, Value> converted;
};

FloatType PrecisionLowering::computeTypeOf(Operation *op) const {
  auto hasFloat = [](TypeRange types) {
    return llvm::any_of(types, isFloatTensor);
  };
  // Comparisons and casts to or from non-float types (positions, masks).
  if (isa<CompareOp>(op) ||
      (isa<CastOp>(op) && (!hasFloat(op->getOperandTypes()) ||
                           !hasFloat(op->getResultTypes()))))
    return f32;
  // Sums lose low bits in bf16: mean/sum/prod reductions run in f32.
  if (auto reduce = dyn_cast<ReduceOp>(op))
    if (reduce.getKind() == ReduceKind::sum ||
        reduce.getKind() == ReduceKind::mean ||
        reduce.getKind() == ReduceKind::prod)
      return f32;
  if (llvm::any_of(op->getResults(),
                   [&](Value r) { return residual.contains(r); }))
    return f32;
  // The heavy ops always run in the low type (accumulating in f32).
  if (isa<MatmulOp, AttentionOp>(op))
    return low;
  // Ops that only read values kept in f32 stay in f32. A norm's scale and
  // bias are its parameters: its input alone decides.
  bool anyData = false, allKept = true;
  OperandRange data = op->getOperands();
  if (isa<LayerNormOp, RmsNormOp>(op))
    data = op->getOperands().take_front();
  for (Value operand : data) {
    if (!originalF32.contains(operand) || isWeight(operand))
      continue;
    anyData = true;
    allKept &= keptF32.contains(operand);
  }
  return anyData && allKept ? f32 : low;
}

Value PrecisionLowering::convert(Value value, FloatType element) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getElementType() == element)
    return value;
  auto key = std::make_pair(value, Type(element));
  if (Value done = converted.lookup(key))
    return done;
  OpBuilder builder(func.getContext());
  if (Operation *def = value.getDefiningOp())
    builder.setInsertionPointAfter(def);
  else
    builder.setInsertionPointToStart(&func.getBody().front());
  auto newType = type.clone(element);
  Value result;
  // Weights with their data in the IR are converted now, once.
  if (auto constant = value.getDefiningOp<ConstantOp>()) {
    if (ElementsAttr attr =
            convertFloatElements(constant.getValue(), element, "constant"))
      result = ConstantOp::create(builder, constant.getLoc(), attr);
  } else if (auto parameter = value.getDefiningOp<ParameterOp>();
             parameter && parameter.getValueAttr()) {
    // The converted blob is named after the original one (the manager
    // makes the key unique).
    ElementsAttr data = parameter.getValueAttr();
    std::string blob = "weight";
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(data))
      blob = resource.getRawHandle().getKey().str();
    blob += element.isBF16() ? "_bf16" : "_f16";
    if (ElementsAttr attr = convertFloatElements(data, element, blob))
      result = ParameterOp::create(builder, parameter.getLoc(), newType,
                                   parameter.getNameAttr(), attr);
  }
  if (result) {
    ++weightsConverted;
  } else {
    result = CastOp::create(builder, value.getLoc(), newType, value);
    ++castsInserted;
  }
  converted[key] = result;
  return result;
}

void PrecisionLowering::lower(Operation *op, FloatType compute) {
  // A cast to or from a non-float type keeps its declared result type; a
  // float-to-float cast is retyped like any op (and then folds away).
  bool retypeResults =
      !isa<CastOp>(op) ||
      (isFloatTensor(op->getOperand(0).getType()) &&
       isFloatTensor(op->getResult(0).getType()));
  for (OpOperand &operand : op->getOpOperands())
    if (originalF32.contains(operand.get()))
      operand.set(convert(operand.get(), compute));
  if (retypeResults) {
    for (Value result : op->getResults()) {
      if (!originalF32.contains(result))
        continue;
      result.setType(cast<RankedTensorType>(result.getType()).clone(compute));
    }
  }
  if (auto matmul = dyn_cast<MatmulOp>(op);
      matmul && compute != f32 && !matmul.getAccumulatorType())
    matmul.setAccumulatorTypeAttr(TypeAttr::get(f32));
  if (compute == f32) {
    for (Value result : op->getResults())
      if (originalF32.contains(result))
        keptF32.insert(result);
  } else {
    ++opsLowered;
  }
}

LogicalResult PrecisionLowering::run() {
  Block &body = func.getBody().front();
  SmallVector<Operation *> ops = llvm::to_vector(
      llvm::map_range(body.getOperations(), [](Operation &op) { return &op; }));
  for (Operation *op : ops) {
    if (isa<FusionOp>(op))
      return op->emitOpError("is already formed; tfc-lower-precision runs "
                             "before fusion");
    // Weights are converted on demand by their users.
    if (isa<ConstantOp, ParameterOp>(op))
      continue;
    // Step 3: results leave in their declared type.
    if (op->hasTrait<OpTrait::ReturnLike>()) {
      for (OpOperand &operand : op->getOpOperands())
        if (originalF32.contains(operand.get()))
          operand.set(convert(operand.get(), f32));
      continue;
    }
    if (op->getDialect() != op->getContext()->getLoadedDialect<TfcDialect>()) {
      // Foreign ops see the types they were built for.
      for (OpOperand &operand : op->getOpOperands())
        if (originalF32.contains(operand.get()))
          operand.set(convert(operand.get(), f32));
      continue;
    }
    bool touchesF32 =
        llvm::any_of(op->getOperands(),
                     [&](Value v) { return originalF32.contains(v); }) ||
        llvm::any_of(op->getResults(),
                     [&](Value v) { return originalF32.contains(v); });
    if (touchesF32)
      lower(op, computeTypeOf(op));
  }
  // f32 weights whose users all moved to converted copies.
  for (Operation *op : llvm::reverse(ops))
    if (isa<ConstantOp, ParameterOp>(op) && op->use_empty())
      op->erase();
  return success();
}

struct LowerPrecisionPass
    : tfc::impl::LowerPrecisionBase<LowerPrecisionPass> {
  using LowerPrecisionBase::LowerPrecisionBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *context = &getContext();
    FloatType low;
    if (dtype == "bf16")
      low = BFloat16Type::get(context);
    else if (dtype == "f16")
      low = Float16Type::get(context);
    else if (dtype == "f32")
      return; // nothing to lower
    else {
      func.emitError("tfc-lower-precision dtype '")
          << dtype << "' is not supported; expected bf16, f16 or f32";
      return signalPassFailure();
    }
    if (func.isExternal())
      return;
    if (!llvm::hasSingleElement(func.getBody())) {
      func.emitError("tfc-lower-precision expects a single-block function, "
                     "got ")
          << func.getBody().getBlocks().size() << " blocks";
      return signalPassFailure();
    }
    PrecisionLowering lowering(func, low, keepResidualF32);
    if (failed(lowering.run()))
      return signalPassFailure();
    numWeightsConverted += lowering.weightsConverted;
    numCastsInserted += lowering.castsInserted;
    numOpsLowered += lowering.opsLowered;
  }
};

} // namespace
