//===- Rematerialize.cpp - recompute cheap values in their consumers ------===//
//
// tfc-rematerialize: a pointwise kernel whose results feed several kernels
// is written to HBM once and read back by each. Cloning it into every
// consumer instead saves its write and those reads, at the price of reading
// its inputs in each consumer and recomputing it there. The plan, for each
// pointwise kernel K in block order:
//
//   1. build, in a scratch block, each consumer U with a copy of the part of
//      K it reads (a candidate), and price it with the cost model; a
//      candidate no kernel family can emit is out;
//   2. if every user of K is a kernel and every candidate is in: recompute
//      everywhere when the candidates' predicted time is below that of K
//      plus the consumers (bytes saved outweigh FLOPs added); K goes away;
//   3. otherwise K stays, and each consumer takes its copy only when its
//      candidate alone beats it (K's inputs cheaper to read than its
//      output, e.g. a broadcast);
//   4. a consumer that took a copy is replaced by the candidate's fusion
//      (and may itself be recomputed later in the walk).
//
// Every decision is printed with `report`.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/CostModel.h"
#include "tfc/Passes/FusionUtils.h"
#include "tfc/Passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <tuple>

namespace mlir::tfc {
#define GEN_PASS_DEF_REMATERIALIZE
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

/// True for ops that run as a kernel: fusions and compute ops not yet in one.
static bool isKernel(Operation *op) {
  return isa<FusionOp>(op) || (isa_and_nonnull<TfcDialect>(op->getDialect()) &&
                               !isKernelFreeOp(op) && !isa<YieldOp>(op));
}

/// True for a kernel made of pointwise ops only.
static bool isPointwiseKernel(Operation *op) {
  if (auto fusion = dyn_cast<FusionOp>(op))
    return llvm::all_of(
        fusion.getBodyBlock().without_terminator(), [](Operation &inner) {
          return isPointwiseOp(&inner) || (isa<ConstantOp>(inner) &&
                                           isSplatConstant(inner.getResult(0)));
        });
  return isKernel(op) && isPointwiseOp(op) && !isa<ReshapeOp>(op);
}

/// The ops that read `op`'s results, looking through reshapes, in block
/// order.
static llvm::SetVector<Operation *> getConsumers(Operation *op) {
  llvm::SetVector<Operation *> consumers;
  std::function<void(Value)> visit = [&](Value v) {
    for (Operation *user : v.getUsers()) {
      if (auto reshape = dyn_cast<ReshapeOp>(user))
        visit(reshape.getResult());
      else
        consumers.insert(user);
    }
  };
  for (Value result : op->getResults())
    visit(result);
  SmallVector<Operation *> ordered = consumers.takeVector();
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return llvm::SetVector<Operation *>(ordered.begin(), ordered.end());
}

/// Op names of a kernel, e.g. "add, add".
static std::string describeOps(Operation *kernel) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto fusion = dyn_cast<FusionOp>(kernel)) {
    bool first = true;
    for (Operation &op : fusion.getBodyBlock().without_terminator()) {
      if (isa<ConstantOp>(op))
        continue;
      os << (first ? "" : ", ") << op.getName().stripDialect();
      first = false;
    }
  } else {
    os << kernel->getName().stripDialect();
  }
  return text;
}

static StringRef kindOf(Operation *kernel) {
  if (auto fusion = dyn_cast<FusionOp>(kernel))
    return fusion.getKind();
  return kernel->getName().stripDialect();
}

namespace {
/// A consumer kernel together with a copy of the producer ops it reads,
/// built as plain ops in a scratch block so that it can be priced and, if
/// taken, turned into the consumer's replacement fusion.
class Candidate {
public:
  /// Builds the candidate; null when it cannot be expressed (the producer
  /// or consumer holds a non-splat constant, or returns an input as is).
  static std::unique_ptr<Candidate> build(Operation *producer,
                                          Operation *consumer) {
    auto candidate = std::unique_ptr<Candidate>(new Candidate(consumer));
    if (failed(candidate->clone(producer, consumer)))
      return nullptr;
    return candidate;
  }

  ~Candidate() {
    container->dropAllReferences();
    container->dropAllDefinedValueUses();
    container->erase();
  }

  KernelGroup getGroup() const {
    llvm::DenseSet<Value> outputSet(outputs.begin(), outputs.end());
    return KernelGroup(members,
                       [outputSet](Value v) { return outputSet.contains(v); });
  }

  /// Replaces `consumer` by a fusion of the candidate (of kind `kind`), in
  /// its place.
  FusionOp apply(Operation *consumer, StringRef kind) {
    KernelGroup group = getGroup();
    SmallVector<Value> fusedOutputs = group.getOutputs();
    FusionOp fusion = buildFusion(group, kind);
    fusion->moveBefore(consumer);
    for (auto [result, inner] : llvm::zip(consumer->getResults(), outputs)) {
      auto it = llvm::find(fusedOutputs, inner);
      result.replaceAllUsesWith(
          fusion.getResult(std::distance(fusedOutputs.begin(), it)));
    }
    consumer->erase();
    return fusion;
  }

private:
  /// The scratch block lives in a detached module (a block needs a parent
  /// op to build in).
  explicit Candidate(Operation *anchor)
      : container(ModuleOp::create(anchor->getLoc())),
        scratch(*container.getBody()) {}

  /// The scratch value for `value`: mapped, or a reshape of a mapped value
  /// rebuilt in the scratch block, or `value` itself (an input).
  Value resolve(Value value) {
    if (Value mapped = mapping.lookupOrNull(value))
      return mapped;
    if (auto reshape = value.getDefiningOp<ReshapeOp>()) {
      Value input = resolve(reshape.getInput());
      if (input != reshape.getInput()) {
        IRMapping local;
        local.map(reshape.getInput(), input);
        Value copy = builder().clone(*reshape, local)->getResult(0);
        mapping.map(value, copy);
        return copy;
      }
    }
    return value;
  }

  /// Clones one kernel into the scratch block; returns the values standing
  /// for its results.
  FailureOr<SmallVector<Value>> cloneKernel(Operation *kernel) {
    OpBuilder b = builder();
    auto fusion = dyn_cast<FusionOp>(kernel);
    if (!fusion) {
      for (Value operand : kernel->getOperands())
        mapping.map(operand, resolve(operand));
      return SmallVector<Value>(b.clone(*kernel, mapping)->getResults());
    }
    Block &body = fusion.getBodyBlock();
    for (auto [arg, input] : llvm::zip(body.getArguments(), fusion.getInputs()))
      mapping.map(arg, resolve(input));
    for (Operation &op : body.without_terminator()) {
      if (isa<ConstantOp>(op) && !isSplatConstant(op.getResult(0)))
        return failure();
      b.clone(op, mapping);
    }
    SmallVector<Value> results;
    for (Value v : cast<YieldOp>(body.getTerminator()).getValues()) {
      if (isa<BlockArgument>(v))
        return failure();
      results.push_back(mapping.lookup(v));
    }
    return results;
  }

  LogicalResult clone(Operation *producer, Operation *consumer) {
    FailureOr<SmallVector<Value>> produced = cloneKernel(producer);
    if (failed(produced))
      return failure();
    mapping.map(producer->getResults(), *produced);
    FailureOr<SmallVector<Value>> consumed = cloneKernel(consumer);
    if (failed(consumed))
      return failure();
    outputs = *consumed;
    // Drop the part of the producer the consumer does not read.
    llvm::DenseSet<Value> outputSet(outputs.begin(), outputs.end());
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(scratch)))
      if (op.use_empty() && llvm::none_of(op.getResults(), [&](Value v) {
            return outputSet.contains(v);
          }))
        op.erase();
    for (Operation &op : scratch)
      if (!isa<ConstantOp>(op))
        members.push_back(&op);
    return success();
  }

  OpBuilder builder() { return OpBuilder::atBlockEnd(&scratch); }

  ModuleOp container;
  Block &scratch;
  IRMapping mapping;
  SmallVector<Operation *> members;
  SmallVector<Value> outputs;
};

struct RematerializePass : tfc::impl::RematerializeBase<RematerializePass> {
  using RematerializeBase::RematerializeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isDeclaration())
      return;
    FailureOr<CostModel> costModel = CostModel::forOperation(func);
    if (failed(costModel))
      return signalPassFailure();
    model = &*costModel;
    // Walk in block order. A visit changes only ops after the producer:
    // consumers are replaced in place (and visited in turn), and the
    // producer itself may go away.
    Block &block = func.getBody().front();
    auto [kernelsBefore, bytesBefore, secondsBefore] = getTotals(block);
    Operation *op = &block.front();
    while (op && op != block.getTerminator()) {
      Operation *previous = op->getPrevNode();
      bool erased = isPointwiseKernel(op) && visit(op);
      op = !erased    ? op->getNextNode()
           : previous ? previous->getNextNode()
                      : &block.front();
    }
    sortBlockAndDropDeadViews(block);
    if (report) {
      auto [kernelsAfter, bytesAfter, secondsAfter] = getTotals(block);
      llvm::errs() << "tfc-rematerialize: @" << func.getSymName() << ": "
                   << kernelsBefore << " kernels -> " << kernelsAfter
                   << ", predicted HBM bytes " << bytesBefore << " -> "
                   << bytesAfter << ", time "
                   << llvm::format("%.3f", secondsBefore * 1e6) << " -> "
                   << llvm::format("%.3f", secondsAfter * 1e6) << " us\n";
    }
  }

  /// Kernels, predicted HBM bytes and seconds of a block.
  std::tuple<int64_t, int64_t, double> getTotals(Block &block) const {
    int64_t kernels = 0, bytes = 0;
    double total = 0;
    for (Operation &op : block.without_terminator()) {
      if (!isKernel(&op))
        continue;
      KernelCost cost = model->getCost(&op);
      ++kernels;
      bytes += cost.hbmBytes;
      total += seconds(cost);
    }
    return {kernels, bytes, total};
  }

  double seconds(const KernelCost &cost) const {
    return model->getPredictedSeconds(cost);
  }

  /// Decides for one pointwise kernel; true when it was erased.
  bool visit(Operation *producer) {
    llvm::SetVector<Operation *> consumers = getConsumers(producer);
    bool onlyKernels = llvm::all_of(consumers, isKernel);
    SmallVector<Operation *> kernelConsumers(
        llvm::make_filter_range(consumers, isKernel));
    if (kernelConsumers.empty() || (onlyKernels && consumers.size() < 2))
      return false; // one consumer: tfc-fuse's decision

    KernelCost producerCost = model->getCost(producer);
    SmallVector<std::unique_ptr<Candidate>> candidates;
    SmallVector<KernelCost> before, after;
    // Why no kernel family emits a consumer's candidate (for the report).
    SmallVector<std::string> refusals;
    bool allEmittable = true;
    for (Operation *consumer : kernelConsumers) {
      candidates.push_back(Candidate::build(producer, consumer));
      before.push_back(model->getCost(consumer));
      after.push_back(KernelCost());
      refusals.emplace_back();
      KernelShape shape;
      if (candidates.back())
        shape = candidates.back()->getGroup().classify(epilogues,
                                                       model->getTarget());
      if (!shape.isEmittable()) {
        allEmittable = false;
        candidates.back().reset();
        refusals.back() = shape.reason;
        continue;
      }
      after.back() = model->getCost(candidates.back()->getGroup());
    }

    // 2. Everywhere, and the producer goes away.
    if (onlyKernels && allEmittable) {
      KernelCost apart = producerCost, fused;
      double apartSeconds = seconds(producerCost), fusedSeconds = 0;
      for (auto [b, a] : llvm::zip(before, after)) {
        apart += b;
        fused += a;
        apartSeconds += seconds(b);
        fusedSeconds += seconds(a);
      }
      bool pays = fusedSeconds < apartSeconds * (1 - 1e-9);
      if (report)
        printDecision(producer, kernelConsumers,
                      pays ? "recomputed in"
                           : "kept: recomputing "
                             "it would not pay in",
                      apart, fused, apartSeconds, fusedSeconds);
      if (!pays)
        return false;
      for (auto [consumer, candidate] : llvm::zip(kernelConsumers, candidates))
        candidate->apply(consumer, candidateKind(candidate));
      producer->erase();
      ++numRecomputed;
      return true;
    }

    // 3. The producer stays; consumers that gain on their own take a copy.
    for (auto [consumer, candidate, b, a, refusal] :
         llvm::zip(kernelConsumers, candidates, before, after, refusals)) {
      if (!candidate) {
        if (report)
          llvm::errs() << "tfc-rematerialize: \"" << kindOf(producer) << "\" ("
                       << describeOps(producer) << ") kept for \""
                       << kindOf(consumer)
                       << "\": no kernel family emits that kernel with it"
                       << (refusal.empty() ? "" : " (" + refusal + ")") << "\n";
        continue;
      }
      bool pays = seconds(a) < seconds(b) * (1 - 1e-9);
      if (report)
        printDecision(producer, {consumer},
                      pays ? "also recomputed in" : "kept for", b, a,
                      seconds(b), seconds(a));
      if (pays) {
        candidate->apply(consumer, candidateKind(candidate));
        ++numRecomputed;
      }
    }
    return false;
  }

  void printDecision(Operation *producer, ArrayRef<Operation *> consumers,
                     StringRef decision, const KernelCost &apart,
                     const KernelCost &fused, double apartSeconds,
                     double fusedSeconds) {
    llvm::errs() << "tfc-rematerialize: \"" << kindOf(producer) << "\" ("
                 << describeOps(producer) << ") " << decision << " "
                 << consumers.size() << " kernel"
                 << (consumers.size() == 1 ? "" : "s") << " (";
    llvm::interleaveComma(consumers, llvm::errs(),
                          [&](Operation *op) { llvm::errs() << kindOf(op); });
    llvm::errs() << "): " << apart.hbmBytes << " -> " << fused.hbmBytes
                 << " bytes, "
                 << llvm::format("%+.0f", fused.getFlops() - apart.getFlops())
                 << " FLOPs, " << llvm::format("%.3f", apartSeconds * 1e6)
                 << " -> " << llvm::format("%.3f", fusedSeconds * 1e6)
                 << " us\n";
  }

  StringRef candidateKind(const std::unique_ptr<Candidate> &candidate) const {
    return candidate->getGroup()
        .classify(epilogues, model->getTarget())
        .getKindName();
  }

  const CostModel *model = nullptr;
};
} // namespace
