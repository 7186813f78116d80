//===- CostModel.cpp - bytes, FLOPs and roofline time of kernels ----------===//
//
// Implements CostModel.h. The plan for a group of ops:
//   1. bytes: the distinct inputs (only the part a gather, slice or split
//      actually reads) plus the outputs;
//   2. evaluation counts: walking the members backwards, each value is
//      evaluated as often as its readers need it: once per element of an
//      output loop, once per evaluation of a pointwise reader (memoised per
//      element position, so several pointwise readers at one position share
//      it), and getOperandReads times for an anchor reader;
//   3. FLOPs: evaluations times getFlopsPerElement for pointwise ops, plus
//      each anchor's own work.
//
//===----------------------------------------------------------------------===//

#include "tfc/Analysis/CostModel.h"
#include "tfc/Analysis/KernelFamilyRules.h"
#include "tfc/Dialect/KernelForms.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::tfc;

/// FLOPs charged for one transcendental (exp, log, tanh, erf): several
/// special-function and FMA instructions.
static constexpr double kTranscendentalFlops = 8;
/// FLOPs charged for a division, reciprocal or (reciprocal) square root.
static constexpr double kDivisionFlops = 4;
/// Integer work charged per result dimension of an index-mapping op
/// (transpose, split, gather, ...): the kernels delinearize the element
/// position and rebuild the operand's, a division and a remainder by a
/// constant in 64-bit arithmetic per dimension. This is what a prologue of
/// index mapping costs each time an anchor re-reads the operand.
static constexpr double kIndexArithmeticFlops = 8;
/// FLOPs per element of softmax: max, subtract, exp, sum, divide.
static constexpr double kSoftmaxFlops =
    3 + kTranscendentalFlops + kDivisionFlops;
/// FLOPs per element of layer_norm: mean, deviation, square, sum, centre,
/// scale by 1/std, gamma, beta.
static constexpr double kLayerNormFlops = 8;
/// FLOPs per element of rms_norm: square, sum, scale by 1/rms, gamma.
static constexpr double kRmsNormFlops = 4;

KernelCost &KernelCost::operator+=(const KernelCost &other) {
  hbmBytes += other.hbmBytes;
  vectorFlops += other.vectorFlops;
  matrixFlops += other.matrixFlops;
  collectiveBytes += other.collectiveBytes;
  if (!matrixType)
    matrixType = other.matrixType;
  return *this;
}

static double numElements(Type type) {
  return static_cast<double>(cast<RankedTensorType>(type).getNumElements());
}

static double numElements(Value value) { return numElements(value.getType()); }

int64_t mlir::tfc::getTensorBytes(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  int64_t bits = tensor.getElementType().getIntOrFloatBitWidth();
  return tensor.getNumElements() * std::max<int64_t>(1, (bits + 7) / 8);
}

double mlir::tfc::getFlopsPerElement(Operation *op) {
  return TypeSwitch<Operation *, double>(op)
      .Case<AddOp, SubOp, MulOp, MaximumOp, MinimumOp, NegOp, AbsOp, ReluOp,
            CompareOp, WhereOp, AndOp, OrOp, NotOp, CastOp>(
          [](Operation *) { return 1.0; })
      .Case<DivOp, ReciprocalOp, SqrtOp, RsqrtOp>(
          [](Operation *) { return kDivisionFlops; })
      .Case<ExpOp, LogOp, TanhOp, ErfOp>(
          [](Operation *) { return kTranscendentalFlops; })
      // exp(y * log(x))
      .Case([](PowOp) { return 2 * kTranscendentalFlops + 1; })
      // 1 / (1 + exp(-x)), and x times that
      .Case([](SigmoidOp) { return kTranscendentalFlops + kDivisionFlops + 2; })
      .Case([](SiluOp) { return kTranscendentalFlops + kDivisionFlops + 3; })
      .Case([](SwigluOp) { return kTranscendentalFlops + kDivisionFlops + 4; })
      // 0.5 x (1 + erf/tanh(...)) with the cubic of the tanh form
      .Case([](GeluOp) { return kTranscendentalFlops + 7; })
      // x * cos + rotate(x) * sin, and the partner's position
      .Case([](RopeOp op) {
        return 3.0 + kIndexArithmeticFlops * op.getType().getRank();
      })
      .Case<ExpandOp, TransposeOp, SliceOp, ConcatOp, SplitOp, GatherOp>(
          [](Operation *op) {
            return kIndexArithmeticFlops *
                   cast<RankedTensorType>(op->getResult(0).getType()).getRank();
          })
      // A reshape keeps the row-major order: free when the kernel walks
      // linear positions, a re-delinearization otherwise (charged).
      .Case([](ReshapeOp op) {
        return kIndexArithmeticFlops * op.getType().getRank();
      })
      .Default([](Operation *) { return 0.0; });
}

//===----------------------------------------------------------------------===//
// Anchors: their own work and how often they read their operands
//===----------------------------------------------------------------------===//

static int64_t contractionSize(MatmulOp op) {
  ArrayRef<int64_t> lhs = op.getLhs().getType().getShape();
  return op.getTransposeLhs() ? lhs[lhs.size() - 2] : lhs.back();
}

namespace {
/// The query/key pairs an attention kernel visits (causal and window limit
/// the key range of each query row), and its dimensions.
struct AttentionSizes {
  double heads;   // B * Hq
  double queries; // B * Hq * Sq
  double pairs;   // visible (query, key) pairs, all heads
  double headDim, valueDim;

  explicit AttentionSizes(AttentionOp op) {
    ArrayRef<int64_t> q = op.getQuery().getType().getShape();
    int64_t kvLen = op.getKey().getType().getShape()[2];
    int64_t qLen = q[2];
    heads = static_cast<double>(q[0] * q[1]);
    queries = heads * static_cast<double>(qLen);
    headDim = static_cast<double>(q[3]);
    valueDim = static_cast<double>(op.getValue().getType().getShape()[3]);
    double perHead = 0;
    for (int64_t i = 0; i < qLen; ++i) {
      int64_t diagonal = i + (kvLen - qLen);
      int64_t hi = op.getCausal() ? std::min(kvLen, diagonal + 1) : kvLen;
      int64_t lo = op.getWindow() > 0
                       ? std::max<int64_t>(0, diagonal - op.getWindow() + 1)
                       : 0;
      perHead += static_cast<double>(std::max<int64_t>(0, hi - lo));
    }
    pairs = heads * perHead;
  }
};
} // namespace

/// The work of an anchor op itself (not of its prologue).
static KernelCost getAnchorWork(Operation *op) {
  KernelCost cost;
  TypeSwitch<Operation *>(op)
      .Case([&](MatmulOp op) {
        cost.matrixFlops = 2 * numElements(op.getResult()) *
                           static_cast<double>(contractionSize(op));
        cost.matrixType = op.getLhs().getType().getElementType();
      })
      .Case([&](SoftmaxOp op) {
        cost.vectorFlops = kSoftmaxFlops * numElements(op.getResult());
      })
      .Case([&](LayerNormOp op) {
        cost.vectorFlops = kLayerNormFlops * numElements(op.getResult());
      })
      .Case([&](RmsNormOp op) {
        cost.vectorFlops = kRmsNormFlops * numElements(op.getResult());
      })
      .Case([&](ReduceOp op) {
        cost.vectorFlops = numElements(op.getInput());
        if (op.getKind() == ReduceKind::mean)
          cost.vectorFlops += kDivisionFlops * numElements(op.getResult());
      })
      .Case([&](AttentionOp op) {
        AttentionSizes sizes(op);
        cost.matrixFlops = 2 * sizes.pairs * (sizes.headDim + sizes.valueDim);
        cost.vectorFlops = kSoftmaxFlops * sizes.pairs;
        cost.matrixType = op.getQuery().getType().getElementType();
      });
  return cost;
}

double mlir::tfc::getOperandReads(Operation *op, unsigned operandIndex) {
  return TypeSwitch<Operation *, double>(op)
      .Case([&](MatmulOp op) {
        // One thread per output element walks K elements of both operands.
        return numElements(op.getResult()) *
               static_cast<double>(contractionSize(op));
      })
      .Case([&](SoftmaxOp op) {
        // Passes: maximum, sum of exponentials, normalise; the online form
        // (tfc-online-softmax) finds the maximum and the sum in one.
        double passes = op->hasAttr(kOnlineSoftmaxAttrName) ? 2 : 3;
        return passes * numElements(op.getResult());
      })
      .Case([&](LayerNormOp op) {
        // The input: mean, variance, normalise; scale/bias once per output.
        double n = numElements(op.getResult());
        return operandIndex == 0 ? 3 * n : n;
      })
      .Case([&](RmsNormOp op) {
        double n = numElements(op.getResult());
        return operandIndex == 0 ? 2 * n : n;
      })
      .Case([&](ReduceOp op) { return numElements(op.getInput()); })
      .Case([&](AttentionOp op) {
        AttentionSizes sizes(op);
        switch (operandIndex) {
        case 0:
          return sizes.queries * sizes.headDim;
        case 1:
          return sizes.pairs * sizes.headDim;
        case 2:
          return sizes.pairs * sizes.valueDim;
        default:
          return sizes.pairs;
        }
      })
      .Default([&](Operation *op) {
        return numElements(op->getOperand(operandIndex));
      });
}

/// How many evaluations of an operand one evaluation of pointwise `op`
/// needs.
static double readsPerEvaluation(Operation *op, unsigned operandIndex) {
  if (isa<RopeOp>(op) && operandIndex == 0)
    return 2; // the element and its rotation partner
  if (auto concat = dyn_cast<ConcatOp>(op))
    return numElements(concat.getInputs()[operandIndex]) /
           std::max(1.0, numElements(concat.getResult()));
  return 1;
}

//===----------------------------------------------------------------------===//
// CostModel
//===----------------------------------------------------------------------===//

FailureOr<CostModel> CostModel::forOperation(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<ModuleOp>();
  TargetAttr target =
      module
          ? module->getAttrOfType<TargetAttr>(TargetAttr::getModuleAttrName())
          : TargetAttr();
  if (!target)
    return op->emitError() << "module has no '"
                           << TargetAttr::getModuleAttrName()
                           << "' attribute; run tfc-set-target first";
  return CostModel(target);
}

/// Bytes of `input` that `group` reads: all of it, unless every reader
/// takes only a part (gather rows, a slice, the used results of a split).
static int64_t getReadBytes(const KernelGroup &group, Value input) {
  int64_t full = getTensorBytes(input.getType());
  int64_t part = 0;
  bool partial = true;
  group.forEachMemberUse(input, [&](OpOperand &use) {
    Operation *user = use.getOwner();
    if (isa<GatherOp>(user) && use.getOperandNumber() == 0) {
      part += getTensorBytes(user->getResult(0).getType());
    } else if (isa<SliceOp>(user)) {
      part += getTensorBytes(user->getResult(0).getType());
    } else if (isa<SplitOp>(user)) {
      for (Value piece : user->getResults()) {
        bool used = group.isOutput(piece);
        group.forEachMemberUse(piece, [&](OpOperand &) { used = true; });
        if (used)
          part += getTensorBytes(piece.getType());
      }
    } else {
      partial = false;
    }
  });
  return partial ? std::min(full, part) : full;
}

/// Members of `group` that the kernel does by addressing alone: the ops of
/// a flash attention's Q, K and V read in place through a strided view, and
/// a transpose of its result stored through a permuted view
/// (KernelFamilyRules.h). They cost no work per element.
static llvm::DenseSet<Operation *> getAddressingOnlyOps(const KernelGroup &group,
                                                      TargetAttr target) {
  llvm::DenseSet<Operation *> free;
  for (Operation *anchor : group.getMembers()) {
    auto attention = dyn_cast<AttentionOp>(anchor);
    if (!attention)
      continue;
    auto fromMemory = [&](Value v) { return group.isReadFromMemory(v); };
    unsigned queryIndex = attention.getQueryMutable().getOperandNumber();
    for (unsigned index : getArgumentOnlyOperands(target, anchor)) {
      Value operand = anchor->getOperand(index);
      // A rotated query's input is read through its view like the others
      // (the rotation itself is charged per element).
      if (RopeOp rope = getFlashQueryRope(attention, fromMemory);
          rope && index == queryIndex)
        operand = rope.getInput();
      SmallVector<Operation *> path;
      if (isFlashReadable(operand, fromMemory, &path))
        free.insert(path.begin(), path.end());
    }
    llvm::DenseSet<Value> derived(anchor->result_begin(), anchor->result_end());
    for (Operation *op : group.getMembers()) {
      if (llvm::none_of(op->getOperands(), [&](Value v) {
            return derived.contains(lookThroughReshapes(v, {}));
          }))
        continue;
      if (auto transpose = dyn_cast<TransposeOp>(op);
          transpose && isStoreSideTranspose(anchor, transpose))
        free.insert(op);
      derived.insert(op->result_begin(), op->result_end());
    }
  }
  return free;
}

KernelCost CostModel::getCost(const KernelGroup &group) const {
  KernelCost cost;
  llvm::DenseSet<Operation *> addressingOnly =
      getAddressingOnlyOps(group, target);
  for (Value input : group.getInputs())
    cost.hbmBytes += getReadBytes(group, input);
  for (Value output : group.getOutputs())
    cost.hbmBytes += getTensorBytes(output.getType());

  llvm::DenseMap<Operation *, double> evaluations;
  for (Operation *op : llvm::reverse(group.getMembers())) {
    double total = 0;
    for (Value result : op->getResults()) {
      double pointwise = group.isOutput(result) ? numElements(result) : 0;
      double anchored = 0;
      group.forEachMemberUse(result, [&](OpOperand &use) {
        Operation *user = use.getOwner();
        if (isAnchorOp(user))
          anchored += getOperandReads(user, use.getOperandNumber());
        else
          pointwise = std::max(
              pointwise, evaluations.lookup(user) *
                             readsPerEvaluation(user, use.getOperandNumber()));
      });
      total += pointwise + anchored;
    }
    evaluations[op] = total;
    if (isAnchorOp(op))
      cost += getAnchorWork(op);
    else if (!addressingOnly.contains(op))
      cost.vectorFlops += total * getFlopsPerElement(op);
  }
  return cost;
}

KernelCost CostModel::getCost(Operation *op) const {
  if (auto fusion = dyn_cast<FusionOp>(op))
    return getCost(KernelGroup::ofFusion(fusion));
  if (isKernelFreeOp(op))
    return KernelCost();
  if (auto allReduce = dyn_cast<AllReduceOp>(op)) {
    // NCCL reads the partial and writes the sum in place; the ring moves
    // 2 (N - 1) / N of the buffer through every rank's links.
    KernelCost cost;
    int64_t bytes = getTensorBytes(allReduce.getType());
    int64_t ranks = std::max<int64_t>(allReduce.getRanks(), 1);
    cost.hbmBytes = 2 * bytes;
    cost.collectiveBytes = 2 * (ranks - 1) * bytes / ranks;
    cost.vectorFlops = numElements(allReduce.getResult()) * (ranks - 1);
    return cost;
  }
  // As its own kernel, the op writes every result.
  return getCost(KernelGroup({op}, [](Value) { return true; }));
}

double CostModel::getPredictedSeconds(const KernelCost &cost) const {
  auto rate = [](int64_t perSecond) { return static_cast<double>(perSecond); };
  double memory = target.getHbmBytesPerSecond() > 0
                      ? static_cast<double>(cost.hbmBytes) /
                            rate(target.getHbmBytesPerSecond())
                      : 0;
  double vectorPeak = rate(target.getPeakFlopsF32());
  double compute = vectorPeak > 0 ? cost.vectorFlops / vectorPeak : 0;
  if (cost.matrixFlops > 0) {
    double matrixPeak =
        cost.matrixType ? target.getPeakFlops(cost.matrixType) : 0;
    if (matrixPeak <= 0)
      matrixPeak = vectorPeak; // no tensor-core rate for this type
    if (matrixPeak > 0)
      compute += cost.matrixFlops / matrixPeak;
  }
  return std::max(memory, compute);
}
