//===- Executor.cpp - runs tfc functions on the CPU -------------*- C++ -*-===//
//
// The driver of the reference executor: walks a func.func (and the bodies of
// tfc.fusion ops) in order, keeps one host tensor per SSA value, checks that
// every value is a statically shaped tensor of a supported element type, and
// dispatches each op to its family's kernel (Elementwise.cpp,
// Reductions.cpp, Matrix.cpp, Structural.cpp). Weights come from the values
// of tfc.parameter and tfc.constant.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "OnlineForms.h"

#include "tfc/Dialect/KernelForms.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

namespace {
using ValueMap = llvm::DenseMap<Value, Tensor>;

/// Single-result kernels return a tensor; wrap it as the result list.
FailureOr<SmallVector<Tensor>> one(FailureOr<Tensor> tensor) {
  if (failed(tensor))
    return failure();
  SmallVector<Tensor> results;
  results.push_back(std::move(*tensor));
  return results;
}

/// Checks that `type` is a tensor type the executor can hold.
LogicalResult checkType(Operation *op, Type type, StringRef what,
                        unsigned index) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return op->emitError("reference executor needs statically shaped "
                         "tensors, but ")
           << what << " " << index << " has type " << type;
  if (!isSupportedElementType(ranked.getElementType()))
    return op->emitError("reference executor does not support element type ")
           << ranked.getElementType() << " (" << what << " " << index << ")";
  return success();
}

FailureOr<SmallVector<Tensor>> evaluateBlock(Block &block, Operation *owner,
                                             ArrayRef<const Tensor *> args);

FailureOr<SmallVector<Tensor>> evaluateWeight(Operation *op) {
  std::string error;
  if (auto constant = dyn_cast<ConstantOp>(op)) {
    FailureOr<Tensor> t = tensorFromAttr(constant.getValue(), error);
    if (failed(t))
      return op->emitError("cannot read the constant: ") << error;
    return one(std::move(*t));
  }
  auto parameter = cast<ParameterOp>(op);
  if (!parameter.getValueAttr())
    return op->emitError("parameter '")
           << parameter.getName()
           << "' is external (it has no value); the reference executor "
              "cannot bind external weights yet";
  FailureOr<Tensor> t = tensorFromAttr(*parameter.getValue(), error);
  if (failed(t))
    return op->emitError("cannot read parameter '")
           << parameter.getName() << "': " << error;
  return one(std::move(*t));
}

/// Evaluates `op` on `in` (one tensor per operand, types already checked).
FailureOr<SmallVector<Tensor>> dispatch(Operation *op,
                                        ArrayRef<const Tensor *> in) {
  using Result = FailureOr<SmallVector<Tensor>>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case<ConstantOp, ParameterOp>(
          [](Operation *op) { return evaluateWeight(op); })
      .Case<AddOp, SubOp, MulOp, DivOp, PowOp, MaximumOp, MinimumOp, AndOp,
            OrOp>(
          [&](Operation *op) { return one(evaluateBinary(op, *in[0], *in[1])); })
      .Case<CompareOp>(
          [&](CompareOp op) { return one(evaluateCompare(op, *in[0], *in[1])); })
      .Case<WhereOp>([&](WhereOp op) {
        return one(evaluateWhere(op, *in[0], *in[1], *in[2]));
      })
      .Case<NegOp, AbsOp, ExpOp, LogOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp,
            ErfOp, SigmoidOp, ReluOp, SiluOp, NotOp, GeluOp>(
          [&](Operation *op) { return one(evaluateUnary(op, *in[0])); })
      .Case<CastOp>([&](CastOp op) { return one(evaluateCast(op, *in[0])); })
      .Case<DynamicQuantizeOp>([&](DynamicQuantizeOp op) {
        return evaluateDynamicQuantize(op, *in[0]);
      })
      .Case<ScaledMatmulOp>([&](ScaledMatmulOp op) {
        return one(evaluateScaledMatmul(op, *in[0], *in[1], *in[2], *in[3]));
      })
      .Case<SwigluOp>([&](SwigluOp op) {
        return one(evaluateSwiglu(op, *in[0], *in[1]));
      })
      .Case<ReduceOp>(
          [&](ReduceOp op) { return one(evaluateReduce(op, *in[0])); })
      .Case<SoftmaxOp>([&](SoftmaxOp op) {
        if (op->hasAttr(kOnlineSoftmaxAttrName))
          return one(evaluateOnlineSoftmax(op, *in[0]));
        return one(evaluateSoftmax(op, *in[0]));
      })
      .Case<LayerNormOp>([&](LayerNormOp op) {
        // Optional operands: map them by position through the adaptor.
        const Tensor *scale = nullptr, *bias = nullptr;
        unsigned next = 1;
        if (op.getScale())
          scale = in[next++];
        if (op.getBias())
          bias = in[next++];
        return one(evaluateLayerNorm(op, *in[0], scale, bias));
      })
      .Case<RmsNormOp>([&](RmsNormOp op) {
        return one(
            evaluateRmsNorm(op, *in[0], op.getScale() ? in[1] : nullptr));
      })
      .Case<MatmulOp>(
          [&](MatmulOp op) { return one(evaluateMatmul(op, *in[0], *in[1])); })
      .Case<AttentionOp>([&](AttentionOp op) {
        const Tensor *mask = op.getMask() ? in[3] : nullptr;
        if (op->hasAttr(kFlashAttentionAttrName))
          return one(
              evaluateFlashAttention(op, *in[0], *in[1], *in[2], mask));
        return one(evaluateAttention(op, *in[0], *in[1], *in[2], mask));
      })
      .Case<RopeOp>([&](RopeOp op) {
        return one(evaluateRope(op, *in[0], *in[1], *in[2]));
      })
      .Case<TransposeOp>(
          [&](TransposeOp op) { return one(evaluateTranspose(op, *in[0])); })
      .Case<ReshapeOp>(
          [&](ReshapeOp op) { return one(evaluateReshape(op, *in[0])); })
      .Case<ExpandOp>(
          [&](ExpandOp op) { return one(evaluateExpand(op, *in[0])); })
      .Case<SliceOp>([&](SliceOp op) { return one(evaluateSlice(op, *in[0])); })
      .Case<ConcatOp>([&](ConcatOp op) { return one(evaluateConcat(op, in)); })
      .Case<SplitOp>([&](SplitOp op) { return evaluateSplit(op, *in[0]); })
      .Case<GatherOp>([&](GatherOp op) {
        return one(evaluateGather(op, *in[0], *in[1]));
      })
      .Case<AllReduceOp>([](AllReduceOp op) -> Result {
        return op.emitOpError("sums over ")
               << op.getRanks()
               << " ranks: run the programs of all ranks together "
                  "(tfc-reference rank0.mlir rank1.mlir ...)";
      })
      .Case<FusionOp>([&](FusionOp op) -> Result {
        return evaluateBlock(op.getBodyBlock(), op, in);
      })
      .Default([](Operation *op) -> Result {
        return op->emitError("the reference executor has no kernel for '")
               << op->getName() << "'";
      });
}

/// Checks the result types of `op`, then evaluates it.
FailureOr<SmallVector<Tensor>> evaluate(Operation *op,
                                        ArrayRef<const Tensor *> in) {
  for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(checkType(op, type, "result", i)))
      return failure();
  FailureOr<SmallVector<Tensor>> results = dispatch(op, in);
  if (failed(results))
    return failure();
  if (results->size() != op->getNumResults())
    return op->emitError("reference kernel produced ")
           << results->size() << " results for " << op->getNumResults();
  return results;
}

/// Runs the ops of `block` with its arguments bound to `args`, up to the
/// terminator (func.return or tfc.yield), whose operands are the results.
FailureOr<SmallVector<Tensor>> evaluateBlock(Block &block, Operation *owner,
                                             ArrayRef<const Tensor *> args) {
  if (block.getNumArguments() != args.size())
    return owner->emitError("body has ")
           << block.getNumArguments() << " arguments but "
           << args.size() << " values were given";
  ValueMap values;
  for (auto [arg, tensor] : llvm::zip(block.getArguments(), args))
    values[arg] = *tensor;
  for (Operation &op : block) {
    SmallVector<const Tensor *> in;
    for (Value operand : op.getOperands()) {
      auto it = values.find(operand);
      if (it == values.end())
        return op.emitError("operand ")
               << operand << " is not defined in this block; the reference "
               << "executor runs single-block bodies only";
      in.push_back(&it->second);
    }
    if (isa<func::ReturnOp, YieldOp>(op)) {
      SmallVector<Tensor> results;
      for (const Tensor *t : in)
        results.push_back(*t);
      return results;
    }
    FailureOr<SmallVector<Tensor>> results = evaluate(&op, in);
    if (failed(results))
      return failure();
    for (auto [value, tensor] : llvm::zip(op.getResults(), *results))
      values[value] = std::move(tensor);
  }
  return owner->emitError("body does not end with func.return or tfc.yield");
}
} // namespace

FailureOr<SmallVector<Tensor>> reference::evaluateOp(Operation *op,
                                                     ArrayRef<Tensor> operands) {
  if (operands.size() != op->getNumOperands())
    return op->emitError("reference evaluation got ")
           << operands.size() << " operands for " << op->getNumOperands();
  SmallVector<const Tensor *> in;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(op->getOperands(), operands))) {
    auto [value, tensor] = pair;
    if (tensor.type != value.getType())
      return op->emitError("operand ")
             << i << " has type " << value.getType()
             << " but the given tensor has type " << tensor.type;
    in.push_back(&tensor);
  }
  return evaluate(op, in);
}

FailureOr<SmallVector<Tensor>> reference::execute(func::FuncOp func,
                                                  ArrayRef<Tensor> inputs) {
  if (func.isExternal())
    return func.emitError("function '")
           << func.getSymName() << "' has no body to execute";
  if (!func.getBody().hasOneBlock())
    return func.emitError("function '")
           << func.getSymName()
           << "' has several blocks; the reference executor runs "
              "single-block functions";
  FunctionType type = func.getFunctionType();
  if (inputs.size() != type.getNumInputs())
    return func.emitError("function '")
           << func.getSymName() << "' takes " << type.getNumInputs()
           << " arguments but " << inputs.size() << " inputs were given";
  SmallVector<const Tensor *> args;
  for (auto [i, pair] : llvm::enumerate(llvm::zip(type.getInputs(), inputs))) {
    auto [argType, tensor] = pair;
    if (failed(checkType(func, argType, "argument", i)))
      return failure();
    if (tensor.type != argType)
      return func.emitError("input ")
             << i << " has type " << tensor.type << " but argument " << i
             << " of '" << func.getSymName() << "' has type " << argType;
    size_t expected = static_cast<size_t>(tensor.getNumElements());
    if ((tensor.isFloat() ? tensor.floats.size() : tensor.ints.size()) !=
        expected)
      return func.emitError("input ")
             << i << " holds the wrong number of elements for " << argType;
    args.push_back(&tensor);
  }
  return evaluateBlock(func.getBody().front(), func, args);
}
