//===- RaisePatterns.h - the pattern families of tfc-raise ------*- C++ -*-===//
//
// tfc-raise (Raise.cpp) collects its patterns from one file per family of
// decomposed forms: norms (RaiseNorms.cpp), activations
// (RaiseActivations.cpp), attention (RaiseAttention.cpp) and rotary
// embeddings (RaiseRope.cpp). This header declares their populate functions,
// the tally the patterns write what they raised into, and the small matchers
// more than one family uses.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_PASSES_RAISEPATTERNS_H
#define TFC_PASSES_RAISEPATTERNS_H

#include "tfc/Dialect/TfcOps.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::tfc {

/// What the raise patterns did, by kind ("gelu (tanh)", "attention
/// (causal)", ...), in the order first seen. Written by the patterns of one
/// pass run, read by the pass for its statistics and report.
struct RaiseTally {
  llvm::MapVector<StringRef, int64_t> counts;
  void note(StringRef kind) { ++counts[kind]; }
};

void populateRaiseNormPatterns(RewritePatternSet &patterns, RaiseTally &tally);
void populateRaiseActivationPatterns(RewritePatternSet &patterns,
                                     RaiseTally &tally);
void populateRaiseAttentionPatterns(RewritePatternSet &patterns,
                                    RaiseTally &tally);
void populateRaiseRopePatterns(RewritePatternSet &patterns, RaiseTally &tally);

/// The factors of the product `root`: its operands, with every operand that
/// is itself a `tfc.mul` of one use and of the root's type replaced by its
/// own factors. `0.5 * (x * u)` and `(x * 0.5) * u` both give {0.5, x, u}
/// (in some order).
SmallVector<Value> productFactors(MulOp root);

/// Removes from `values` the first value that satisfies `pred` and returns
/// it; null (and `values` unchanged) when none does.
Value takeFirst(SmallVectorImpl<Value> &values,
                llvm::function_ref<bool(Value)> pred);

/// The operands of a binary op, ordered so that the first satisfies `pred`:
/// for commutative ops the other order is tried too. Nullopt if neither
/// order fits.
std::optional<std::pair<Value, Value>>
orderOperands(Operation *op, llvm::function_ref<bool(Value)> pred);

/// `value`'s type as a ranked tensor type, or null.
inline RankedTensorType rankedTypeOf(Value value) {
  return dyn_cast<RankedTensorType>(value.getType());
}

} // namespace mlir::tfc

#endif // TFC_PASSES_RAISEPATTERNS_H
