//===- Fuse.cpp - group ops into tfc.fusion kernels by bytes saved --------===//
//
// tfc-fuse decides which ops share a kernel. Every value that stays inside a
// kernel is one HBM write and at least one HBM read saved, so the pass merges
// producer and consumer groups greedily, the biggest saving first:
//
//   1. every compute op outside a tfc.fusion starts as a group of its own
//      (existing fusions stay as they are);
//   2. for every producer -> consumer edge between two groups, the merged
//      group is priced: a kernel family must be able to emit it
//      (KernelGroup::classify) without leaving its fast path on the target
//      (no prologue computing an operand that the tensor-core matmul or the
//      flash attention loads from memory: KernelFamilyRules.h), it must
//      move fewer bytes than the two apart,
//      and its predicted roofline time (CostModel) must not be worse, which
//      rejects prologues recomputed too often in front of an anchor;
//   3. the merge that saves the most bytes and closes no cycle between
//      groups is applied; 2-3 repeat until no merge pays;
//   4. every group of two or more ops becomes one tfc.fusion; single ops are
//      left for tfc-wrap-in-fusions.
//
// A producer whose value other kernels also need can only join a consumer
// that may return that value too (the pointwise family writes several
// results; an anchored kernel returns only its anchor's results), so shared
// values are never recomputed here: tfc-rematerialize decides that.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/CostModel.h"
#include "tfc/Passes/FusionUtils.h"
#include "tfc/Passes/Passes.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_FUSE
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

/// `tfc.add`, with the ONNX node name when the location has one.
static std::string describe(Operation *op) {
  std::string text = op->getName().getStringRef().str();
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    text += " \"" + name.getName().str() + "\"";
  return text;
}

static double microseconds(double seconds) { return seconds * 1e6; }

/// Calls `fn` for every user of `op`'s results, looking through reshapes.
static void forEachConsumer(Operation *op,
                            llvm::function_ref<void(Operation *)> fn) {
  for (Value result : op->getResults())
    for (Operation *user : result.getUsers()) {
      if (isa<ReshapeOp>(user))
        forEachConsumer(user, fn);
      else
        fn(user);
    }
}

namespace {
/// The price of merging a producer group into a consumer group.
struct MergeEvaluation {
  /// Why the groups stay apart; empty when the merge pays.
  std::string refusal;
  int64_t bytesSaved = 0;
  double secondsApart = 0;
  double secondsMerged = 0;
  KernelShape shape;
};

/// Groups of the ops of one block, merged greedily.
class Grouping {
public:
  Grouping(Block &block, const CostModel &model, bool allowEpilogues)
      : model(model), allowEpilogues(allowEpilogues) {
    for (Operation &op : block.without_terminator()) {
      if (isa<ReshapeOp>(op))
        continue; // views: looked through
      unsigned id = groups.size();
      groupOf[&op] = id;
      groups.push_back({&op});
      // Only compute ops outside fusions can merge; constants, parameters
      // and existing fusions stay as they are but still carry paths.
      frozen.push_back(isKernelFreeOp(&op) || isa<FusionOp>(op) ||
                       !isa_and_nonnull<TfcDialect>(op.getDialect()));
    }
  }

  /// Merges until no merge pays.
  void run() {
    while (true) {
      SmallVector<std::pair<unsigned, unsigned>> paying;
      for (auto edge : getEdges()) {
        const MergeEvaluation &eval = evaluate(edge);
        if (eval.refusal.empty())
          paying.push_back(edge);
      }
      // The biggest saving first; ties keep block order.
      llvm::stable_sort(paying, [&](auto a, auto b) {
        return evaluations[a].bytesSaved > evaluations[b].bytesSaved;
      });
      bool merged = false;
      for (auto edge : paying) {
        if (closesCycle(edge.first, edge.second)) {
          evaluations[edge].refusal =
              "the merged kernel would both feed and consume another kernel";
          continue;
        }
        merge(edge.first, edge.second);
        merged = true;
        break;
      }
      if (!merged)
        return;
    }
  }

  /// Producer -> consumer pairs of distinct mergeable groups, in block order
  /// of the consumer.
  SmallVector<std::pair<unsigned, unsigned>> getEdges() {
    llvm::SetVector<std::pair<unsigned, unsigned>> edges;
    for (auto [consumerId, members] : llvm::enumerate(groups)) {
      if (frozen[consumerId])
        continue;
      for (Operation *op : members)
        for (Value operand : op->getOperands()) {
          Operation *def = lookThroughReshapes(operand, {}).getDefiningOp();
          auto it = def ? groupOf.find(def) : groupOf.end();
          if (it == groupOf.end() || frozen[it->second] ||
              it->second == consumerId)
            continue;
          edges.insert({it->second, static_cast<unsigned>(consumerId)});
          edgeOps.try_emplace({it->second, static_cast<unsigned>(consumerId)},
                              def, op);
        }
    }
    return edges.takeVector();
  }

  const MergeEvaluation &evaluate(std::pair<unsigned, unsigned> edge) {
    auto it = evaluations.find(edge);
    if (it != evaluations.end())
      return it->second;
    MergeEvaluation eval;
    SmallVector<Operation *> members(groups[edge.first]);
    llvm::append_range(members, groups[edge.second]);
    KernelGroup group(members);
    eval.shape = group.classify(allowEpilogues, model.getTarget());
    if (!eval.shape.isEmittable()) {
      eval.refusal = eval.shape.reason;
      return evaluations[edge] = eval;
    }
    KernelCost producer = getGroupCost(edge.first);
    KernelCost consumer = getGroupCost(edge.second);
    KernelCost fused = model.getCost(group);
    eval.bytesSaved = producer.hbmBytes + consumer.hbmBytes - fused.hbmBytes;
    eval.secondsApart = model.getPredictedSeconds(producer) +
                        model.getPredictedSeconds(consumer);
    eval.secondsMerged = model.getPredictedSeconds(fused);
    if (eval.bytesSaved <= 0) {
      eval.refusal = "fusing saves no bytes (" +
                     std::to_string(-eval.bytesSaved) + " more)";
    } else if (eval.secondsMerged > eval.secondsApart * (1 + 1e-9)) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "the fused kernel would be slower (" << eval.bytesSaved
         << " bytes saved, but recomputation makes it "
         << llvm::format("%.3f", microseconds(eval.secondsMerged))
         << " us instead of "
         << llvm::format("%.3f", microseconds(eval.secondsApart)) << " us)";
      eval.refusal = text;
    }
    return evaluations[edge] = eval;
  }

  /// True when another group is reachable from the merged group and reaches
  /// back into it.
  bool closesCycle(unsigned producer, unsigned consumer) {
    llvm::DenseSet<unsigned> visited;
    SmallVector<unsigned> worklist;
    auto push = [&](Operation *user, bool fromMerged) -> bool {
      auto it = groupOf.find(user);
      if (it == groupOf.end())
        return false;
      unsigned g = it->second;
      if (g == producer || g == consumer)
        return !fromMerged;
      if (visited.insert(g).second)
        worklist.push_back(g);
      return false;
    };
    for (unsigned g : {producer, consumer})
      for (Operation *op : groups[g])
        forEachConsumer(op, [&](Operation *user) { push(user, true); });
    while (!worklist.empty()) {
      unsigned g = worklist.pop_back_val();
      bool back = false;
      for (Operation *op : groups[g])
        forEachConsumer(op,
                        [&](Operation *user) { back |= push(user, false); });
      if (back)
        return true;
    }
    return false;
  }

  void merge(unsigned producer, unsigned consumer) {
    for (Operation *op : groups[consumer]) {
      groups[producer].push_back(op);
      groupOf[op] = producer;
    }
    groups[consumer].clear();
    frozen[consumer] = true;
    llvm::sort(groups[producer], [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    costs.erase(producer);
    costs.erase(consumer);
    evaluations.remove_if([&](auto &entry) {
      auto [p, c] = entry.first;
      return p == producer || p == consumer || c == producer || c == consumer;
    });
  }

  KernelCost getGroupCost(unsigned id) {
    auto it = costs.find(id);
    if (it != costs.end())
      return it->second;
    return costs[id] = model.getCost(KernelGroup(groups[id]));
  }

  const CostModel &model;
  bool allowEpilogues;
  DenseMap<Operation *, unsigned> groupOf;
  SmallVector<SmallVector<Operation *>> groups;
  SmallVector<bool> frozen;
  DenseMap<unsigned, KernelCost> costs;
  llvm::MapVector<std::pair<unsigned, unsigned>, MergeEvaluation> evaluations;
  /// One producer op and one consumer op of each edge, for the report.
  DenseMap<std::pair<unsigned, unsigned>, std::pair<Operation *, Operation *>>
      edgeOps;
};

struct FusePass : tfc::impl::FuseBase<FusePass> {
  using FuseBase::FuseBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isDeclaration())
      return;
    FailureOr<CostModel> model = CostModel::forOperation(func);
    if (failed(model))
      return signalPassFailure();
    Block &block = func.getBody().front();
    Grouping grouping(block, *model, epilogues);
    grouping.run();
    if (report)
      reportKeptApart(grouping);

    // Build the fusions; report each with its price.
    int64_t kernelsBefore = 0, kernelsAfter = 0;
    KernelCost totalBefore, totalAfter;
    double secondsBefore = 0, secondsAfter = 0;
    for (auto [id, members] : llvm::enumerate(grouping.groups)) {
      if (members.empty())
        continue;
      if (grouping.frozen[id] && !isa<FusionOp>(members.front()))
        continue; // constants, parameters, foreign ops
      KernelCost apart;
      double apartSeconds = 0;
      for (Operation *op : members) {
        KernelCost cost = model->getCost(op);
        apart += cost;
        apartSeconds += model->getPredictedSeconds(cost);
      }
      kernelsBefore += members.size();
      ++kernelsAfter;
      totalBefore += apart;
      secondsBefore += apartSeconds;
      if (members.size() == 1) {
        totalAfter += apart;
        secondsAfter += apartSeconds;
        if (report && apart.collectiveBytes > 0)
          llvm::errs() << "tfc-fuse: collective "
                       << members.front()->getName().stripDialect() << " of "
                       << apart.hbmBytes / 2 << " bytes: "
                       << apart.collectiveBytes
                       << " bytes sent and received per rank\n";
        continue;
      }
      KernelGroup group(members);
      KernelCost fused = model->getCost(group);
      double fusedSeconds = model->getPredictedSeconds(fused);
      totalAfter += fused;
      secondsAfter += fusedSeconds;
      StringRef kind =
          group.classify(epilogues, model->getTarget()).getKindName();
      if (report) {
        llvm::errs() << "tfc-fuse: fusion \"" << kind << "\" of "
                     << members.size() << " ops (";
        llvm::interleaveComma(members, llvm::errs(), [](Operation *op) {
          llvm::errs() << op->getName().stripDialect();
        });
        llvm::errs() << "): " << apart.hbmBytes << " -> " << fused.hbmBytes
                     << " bytes (saves " << apart.hbmBytes - fused.hbmBytes
                     << "), "
                     << llvm::format("%.3f", microseconds(apartSeconds))
                     << " -> "
                     << llvm::format("%.3f", microseconds(fusedSeconds))
                     << " us\n";
      }
      buildFusion(group, kind);
      ++numFusions;
      numOpsFused += members.size();
    }
    sortBlockAndDropDeadViews(block);
    if (report)
      llvm::errs() << "tfc-fuse: @" << func.getSymName() << ": "
                   << kernelsBefore << " kernels -> " << kernelsAfter
                   << ", predicted HBM bytes " << totalBefore.hbmBytes << " -> "
                   << totalAfter.hbmBytes << ", time "
                   << llvm::format("%.3f", microseconds(secondsBefore))
                   << " -> " << llvm::format("%.3f", microseconds(secondsAfter))
                   << " us"
                   << (totalAfter.collectiveBytes
                           ? ", collectives " +
                                 std::to_string(totalAfter.collectiveBytes) +
                                 " bytes per rank"
                           : std::string())
                   << "\n";
  }

  /// One line per producer -> consumer edge left between kernels.
  void reportKeptApart(Grouping &grouping) {
    for (auto edge : grouping.getEdges()) {
      const MergeEvaluation &eval = grouping.evaluate(edge);
      auto [producer, consumer] = grouping.edgeOps.lookup(edge);
      llvm::errs() << "tfc-fuse: kept apart: " << describe(producer) << " -> "
                   << describe(consumer) << ": " << eval.refusal << "\n";
    }
  }
};
} // namespace
