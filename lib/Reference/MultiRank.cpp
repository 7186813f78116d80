//===- MultiRank.cpp - simulated tensor-parallel ranks on the CPU -*- C++ -*-===//
//
// Runs the N rank programs of a tensor-parallel group (the output of
// tfc-shard-tensor-parallel for ranks 0..N-1) on the CPU, one after
// another: each rank runs until its next tfc.all_reduce, and when every
// rank waits at one, the partials are summed in rank order and every rank
// continues with the sum. This is how CI proves, without GPUs, that the
// sharded graphs reproduce the unsharded model.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcOps.h"
#include "tfc/Reference/Executor.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

namespace {
/// Where one rank is in its function, and its values.
struct RankState {
  Block *block;
  Block::iterator next;
  llvm::DenseMap<Value, Tensor> values;
};

/// Runs `state` up to (not including) its next tfc.all_reduce or its
/// func.return.
LogicalResult runToCollective(RankState &state) {
  for (; state.next != state.block->end(); ++state.next) {
    Operation &op = *state.next;
    if (isa<AllReduceOp, func::ReturnOp>(op))
      return success();
    SmallVector<Tensor> operands;
    for (Value operand : op.getOperands()) {
      auto it = state.values.find(operand);
      if (it == state.values.end())
        return op.emitError("operand is not defined in this block; the "
                            "reference executor runs single-block bodies "
                            "only");
      operands.push_back(it->second);
    }
    FailureOr<SmallVector<Tensor>> results = evaluateOp(&op, operands);
    if (failed(results))
      return failure();
    for (auto [value, tensor] : llvm::zip(op.getResults(), *results))
      state.values[value] = std::move(tensor);
  }
  return state.block->getParentOp()->emitError(
      "body does not end with func.return");
}
} // namespace

FailureOr<SmallVector<SmallVector<Tensor>>>
reference::executeRanks(ArrayRef<func::FuncOp> funcs, ArrayRef<Tensor> inputs) {
  int64_t ranks = funcs.size();
  SmallVector<RankState> states;
  for (auto [rank, constFunc] : llvm::enumerate(funcs)) {
    func::FuncOp func = constFunc;
    if (func.isExternal() || !func.getBody().hasOneBlock())
      return func.emitError("rank ")
             << rank << ": function '" << func.getSymName()
             << "' must have a body of one block";
    Block &block = func.getBody().front();
    if (block.getNumArguments() != inputs.size())
      return func.emitError("rank ")
             << rank << ": function '" << func.getSymName() << "' takes "
             << block.getNumArguments() << " arguments but " << inputs.size()
             << " inputs were given";
    RankState state{&block, block.begin(), llvm::DenseMap<Value, Tensor>()};
    for (auto [i, pair] :
         llvm::enumerate(llvm::zip(block.getArguments(), inputs))) {
      auto [arg, tensor] = pair;
      if (arg.getType() != tensor.type)
        return func.emitError("rank ")
               << rank << ": input " << i << " has type " << tensor.type
               << " but the argument has type " << arg.getType();
      state.values[arg] = tensor;
    }
    states.push_back(std::move(state));
  }

  while (true) {
    for (RankState &state : states)
      if (failed(runToCollective(state)))
        return failure();
    Operation *first = &*states.front().next;
    for (auto [rank, state] : llvm::enumerate(states)) {
      Operation *op = &*state.next;
      if (op->getName() != first->getName() ||
          op->getOperandTypes() != first->getOperandTypes())
        return op->emitError("rank ")
               << rank << " reaches '" << op->getName() << "' on "
               << op->getOperandTypes() << " where rank 0 reaches '"
               << first->getName() << "' on " << first->getOperandTypes()
               << "; the ranks' programs do not match";
    }
    if (isa<func::ReturnOp>(first)) {
      SmallVector<SmallVector<Tensor>> results;
      for (RankState &state : states) {
        SmallVector<Tensor> rankResults;
        for (Value value : state.next->getOperands())
          rankResults.push_back(state.values.lookup(value));
        results.push_back(std::move(rankResults));
      }
      return results;
    }
    auto reduce = cast<AllReduceOp>(first);
    if (static_cast<int64_t>(reduce.getRanks()) != ranks)
      return reduce.emitOpError("sums over ")
             << reduce.getRanks() << " ranks but " << ranks
             << " rank programs are being run";
    Tensor sum = states.front().values.lookup(reduce.getInput());
    for (RankState &state : llvm::drop_begin(states)) {
      const Tensor &partial = state.values.lookup(state.next->getOperand(0));
      for (size_t i = 0; i < sum.floats.size(); ++i)
        sum.floats[i] += partial.floats[i];
    }
    roundToElementType(sum);
    for (RankState &state : states) {
      state.values[state.next->getResult(0)] = sum;
      ++state.next;
    }
  }
}
