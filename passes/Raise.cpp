//===- Raise.cpp - raise decomposed subgraphs to semantic ops ---*- C++ -*-===//
//
// The tfc-raise pass: collects the pattern families (norms, activations,
// attention, RoPE; one file each), applies them greedily to a function, then
// records what it raised in the pass statistics and, with `report`, in a
// remark on the function that also counts the semantic ops it now holds.
// Also home of the small matchers the families share.
//
//===----------------------------------------------------------------------===//

#include "RaisePatterns.h"

#include "tfc/Passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_RAISE
#include "tfc/Passes/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;

SmallVector<Value> mlir::tfc::productFactors(MulOp root) {
  SmallVector<Value> factors;
  SmallVector<Value> worklist = {root.getRhs(), root.getLhs()};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    auto mul = v.getDefiningOp<MulOp>();
    if (mul && mul->hasOneUse() && mul.getType() == root.getType()) {
      worklist.push_back(mul.getRhs());
      worklist.push_back(mul.getLhs());
      continue;
    }
    factors.push_back(v);
  }
  return factors;
}

Value mlir::tfc::takeFirst(SmallVectorImpl<Value> &values,
                           llvm::function_ref<bool(Value)> pred) {
  auto it = llvm::find_if(values, pred);
  if (it == values.end())
    return {};
  Value found = *it;
  values.erase(it);
  return found;
}

std::optional<std::pair<Value, Value>>
mlir::tfc::orderOperands(Operation *op, llvm::function_ref<bool(Value)> pred) {
  if (op->getNumOperands() != 2)
    return std::nullopt;
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (pred(lhs))
    return std::make_pair(lhs, rhs);
  if (op->hasTrait<OpTrait::IsCommutative>() && pred(rhs))
    return std::make_pair(rhs, lhs);
  return std::nullopt;
}

namespace {

/// "5 layer_norm, 2 gelu (tanh)"; "nothing" when empty.
std::string describe(const llvm::MapVector<StringRef, int64_t> &counts) {
  std::string text;
  for (auto [kind, count] : counts) {
    if (count == 0)
      continue;
    if (!text.empty())
      text += ", ";
    text += llvm::formatv("{0} {1}", count, kind).str();
  }
  return text.empty() ? "nothing" : text;
}

/// The semantic ops `func` holds, and the softmaxes left outside attention.
llvm::MapVector<StringRef, int64_t> countSemanticOps(func::FuncOp func) {
  llvm::MapVector<StringRef, int64_t> counts;
  for (StringRef kind :
       {"layer_norm", "rms_norm", "attention (causal)", "attention (masked)",
        "attention (no mask)", "gelu (tanh)", "gelu (erf)", "silu", "swiglu",
        "rope"})
    counts[kind] = 0;
  int64_t softmax = 0;
  func.walk([&](Operation *op) {
    if (isa<LayerNormOp>(op))
      ++counts["layer_norm"];
    else if (isa<RmsNormOp>(op))
      ++counts["rms_norm"];
    else if (auto attention = dyn_cast<AttentionOp>(op))
      ++counts[attention.getCausal()  ? "attention (causal)"
               : attention.getMask() ? "attention (masked)"
                                     : "attention (no mask)"];
    else if (auto gelu = dyn_cast<GeluOp>(op))
      ++counts[gelu.getApproximate() == GeluApproximation::tanh
                   ? "gelu (tanh)"
                   : "gelu (erf)"];
    else if (isa<SiluOp>(op))
      ++counts["silu"];
    else if (isa<SwigluOp>(op))
      ++counts["swiglu"];
    else if (isa<RopeOp>(op))
      ++counts["rope"];
    else if (isa<SoftmaxOp>(op))
      ++softmax;
  });
  counts["softmax outside attention"] = softmax;
  return counts;
}

struct RaisePass : tfc::impl::RaiseBase<RaisePass> {
  using RaiseBase::RaiseBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    RaiseTally tally;
    RewritePatternSet patterns(&getContext());
    populateRaiseNormPatterns(patterns, tally);
    populateRaiseActivationPatterns(patterns, tally);
    populateRaiseAttentionPatterns(patterns, tally);
    populateRaiseRopePatterns(patterns, tally);
    if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
      func.emitError("tfc-raise did not converge");
      return signalPassFailure();
    }

    for (auto [kind, count] : tally.counts) {
      if (kind.starts_with("layer_norm"))
        numLayerNorm += count;
      else if (kind.starts_with("rms_norm"))
        numRmsNorm += count;
      else if (kind.starts_with("attention ("))
        numAttention += count;
      else if (kind.starts_with("gelu"))
        numGelu += count;
      else if (kind.starts_with("silu"))
        numSilu += count;
      else if (kind.starts_with("swiglu"))
        numSwiglu += count;
      else if (kind.starts_with("rope"))
        numRope += count;
    }
    if (report) {
      llvm::MapVector<StringRef, int64_t> now = countSemanticOps(func);
      int64_t softmax = now.lookup("softmax outside attention");
      now.erase(now.find("softmax outside attention"));
      // On the location only: an op-attached remark would print the body.
      emitRemark(func.getLoc())
          << "tfc-raise @" << func.getSymName() << ": raised "
          << describe(tally.counts)
                        << "; the function now holds " << describe(now)
                        << "; " << softmax << " softmax outside attention";
    }
  }
};

} // namespace
