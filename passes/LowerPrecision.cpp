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
//      its f32 results retyped; a lowered matmul accumulates in f32. With
//      all-reduce-dtype=f32, a lowered matmul whose result only feeds
//      tfc.all_reduce keeps its f32 result (the unrounded accumulator), so
//      tensor-parallel partials are summed in f32 and rounded once.
//   3. Cast the function's results back to their declared types; erase the
//      f32 weights nothing reads any more.
//   4. Move each narrowing cast in front of the reshape or transpose it
//      reads (HoistNarrowingCast of tfc-canonicalize-layout), so it fuses
//      into the producer's epilogue instead of being a kernel of its own.
//
// With fp8=per-tensor|per-channel, step 2 turns each lowered matmul whose
// weight (rhs) is an inline rank-2 f32 tensor into tfc.dynamic_quantize of
// its (low-type) activation and a tfc.scaled_matmul on an f8E4M3FN copy of
// the weight, quantized now from the f32 values with scales amax / 448 (per
// tensor, or per output channel).
//
//===----------------------------------------------------------------------===//

#include "ConstantUtils.h"

#include "tfc/Passes/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <limits>

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

/// How tfc-lower-precision quantizes matmul weights to fp8.
enum class Fp8Mode { None, PerTensor, PerChannel };

/// The largest finite f8E4M3FN value.
constexpr double kE4M3Max = 448.0;

class PrecisionLowering {
public:
  PrecisionLowering(func::FuncOp func, FloatType low, bool keepResidual,
                    Fp8Mode fp8, bool allReduceInF32)
      : func(func), low(low),
        f32(Float32Type::get(func.getContext())), fp8(fp8),
        allReduceInF32(allReduceInF32) {
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

  int64_t weightsConverted = 0, castsInserted = 0, opsLowered = 0,
          matmulsFp8 = 0;

private:
  FloatType computeTypeOf(Operation *op) const;
  void lower(Operation *op, FloatType compute);
  Value convert(Value value, FloatType element);
  bool lowerToFp8(MatmulOp op, FloatType compute);

  func::FuncOp func;
  FloatType low, f32;
  Fp8Mode fp8;
  bool allReduceInF32;
  /// The fp8 quantization of each activation a matmul reads.
  DenseMap<Value, DynamicQuantizeOp> quantized;
  /// Matmuls replaced by fp8 ones, erased once the walk is done.
  SmallVector<Operation *> replaced;
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

/// Step 2, fp8: replaces `op` (lowered to `compute`) by
///   %q, %s = tfc.dynamic_quantize %x_low
///   %y = tfc.scaled_matmul %q, %w_fp8 scales(%s, %w_scale)
/// when its weight is an inline rank-2 f32 tensor and its lhs is not read
/// transposed. The weight is quantized here, from its f32 values, to [K, N]
/// (a transposed weight is stored transposed back) with the scale
/// amax / 448 per tensor or per output channel n (1 where the amax is 0).
/// Returns false, leaving `op` alone, when it does not qualify.
bool PrecisionLowering::lowerToFp8(MatmulOp op, FloatType compute) {
  Value rhs = op.getRhs();
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (op.getTransposeLhs() || rhsType.getRank() != 2 ||
      !rhsType.getElementType().isF32() ||
      !originalF32.contains(op.getLhs()))
    return false;
  std::optional<SmallVector<double>> values =
      getConstantFloats(rhs, std::numeric_limits<int64_t>::max());
  if (!values)
    return false;
  bool transposed = op.getTransposeRhs();
  int64_t k = rhsType.getDimSize(transposed ? 1 : 0);
  int64_t n = rhsType.getDimSize(transposed ? 0 : 1);
  auto at = [&](int64_t kk, int64_t nn) {
    return (*values)[transposed ? nn * k + kk : kk * n + nn];
  };
  // Scales, rounded to f32 (the quantized values divide by exactly them).
  int64_t channels = fp8 == Fp8Mode::PerChannel ? n : 1;
  SmallVector<float> scales(channels, 0.0f);
  SmallVector<double> amax(channels, 0.0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      double &m = amax[channels == 1 ? 0 : nn];
      m = std::max(m, std::fabs(at(kk, nn)));
    }
  for (int64_t c = 0; c < channels; ++c) {
    if (!std::isfinite(amax[c]))
      return false; // inf/NaN weights have no scale: leave the matmul
    scales[c] = amax[c] > 0 ? static_cast<float>(amax[c] / kE4M3Max) : 1.0f;
  }
  MLIRContext *context = func.getContext();
  auto e4m3 = Float8E4M3FNType::get(context);
  std::vector<char> bytes(k * n);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      APFloat q(at(kk, nn) / scales[channels == 1 ? 0 : nn]);
      bool lostInfo = false;
      q.convert(e4m3.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lostInfo);
      bytes[kk * n + nn] =
          static_cast<char>(q.bitcastToAPInt().getZExtValue() & 0xff);
    }

  OpBuilder builder(op);
  Location loc = op.getLoc();
  auto weightType = RankedTensorType::get({k, n}, e4m3);
  Value weight;
  if (auto parameter = rhs.getDefiningOp<ParameterOp>()) {
    // Named after the original blob, or the parameter (identifier
    // characters only).
    std::string blob = parameter.getName().str();
    for (char &c : blob)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    if (auto resource =
            dyn_cast<DenseResourceElementsAttr>(parameter.getValueAttr()))
      blob = resource.getRawHandle().getKey().str();
    AsmResourceBlob data = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(bytes), /*align=*/64);
    weight = ParameterOp::create(
        builder, parameter.getLoc(), weightType,
        builder.getStringAttr(parameter.getName() + ".fp8"),
        DenseResourceElementsAttr::get(weightType, blob + "_fp8",
                                       std::move(data)));
  } else {
    weight = ConstantOp::create(
        builder, rhs.getLoc(),
        DenseElementsAttr::getFromRawBuffer(weightType, bytes));
  }
  auto scaleType = channels == 1 ? RankedTensorType::get({}, f32)
                                 : RankedTensorType::get({n}, f32);
  Value weightScale = ConstantOp::create(
      builder, rhs.getLoc(),
      DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)));
  // One quantization per activation, shared by the matmuls that read it.
  Value x = convert(op.getLhs(), compute);
  DynamicQuantizeOp quantize = quantized.lookup(x);
  if (!quantize) {
    auto lhsType = cast<RankedTensorType>(x.getType());
    quantize = DynamicQuantizeOp::create(
        builder, loc,
        TypeRange{lhsType.clone(e4m3), RankedTensorType::get({}, f32)}, x);
    quantized[x] = quantize;
  }
  auto resultType = op.getType().clone(compute);
  Value product = ScaledMatmulOp::create(
      builder, loc, resultType, quantize.getResult(), weight,
      quantize.getScale(), weightScale);
  op.getResult().replaceAllUsesWith(product);
  // Readers convert it like any lowered value.
  originalF32.insert(product);
  replaced.push_back(op);
  ++weightsConverted;
  ++matmulsFp8;
  ++opsLowered;
  return true;
}

void PrecisionLowering::lower(Operation *op, FloatType compute) {
  if (auto matmul = dyn_cast<MatmulOp>(op);
      matmul && fp8 != Fp8Mode::None && compute != f32 &&
      lowerToFp8(matmul, compute))
    return;
  // A cast to or from a non-float type keeps its declared result type; a
  // float-to-float cast is retyped like any op (and then folds away).
  bool retypeResults =
      !isa<CastOp>(op) ||
      (isFloatTensor(op->getOperand(0).getType()) &&
       isFloatTensor(op->getResult(0).getType()));
  // A tensor-parallel partial: the matmul returns its f32 accumulator.
  bool partialInF32 = allReduceInF32 && compute != f32 && isa<MatmulOp>(op) &&
                      !op->getResult(0).use_empty() &&
                      llvm::all_of(op->getResult(0).getUsers(),
                                   [](Operation *user) {
                                     return isa<AllReduceOp>(user);
                                   });
  if (partialInF32) {
    retypeResults = false;
    keptF32.insert(op->getResult(0));
  }
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
  // Matmuls that became fp8 ones, then the f32 weights whose users all
  // moved to converted copies.
  DenseSet<Operation *> erased;
  for (Operation *op : replaced) {
    op->erase();
    erased.insert(op);
  }
  for (Operation *op : llvm::reverse(ops))
    if (!erased.contains(op) && isa<ConstantOp, ParameterOp>(op) &&
        op->use_empty())
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
    else if (dtype != "f32") {
      func.emitError("tfc-lower-precision dtype '")
          << dtype << "' is not supported; expected bf16, f16 or f32";
      return signalPassFailure();
    }
    Fp8Mode fp8Mode = Fp8Mode::None;
    if (fp8 == "per-tensor")
      fp8Mode = Fp8Mode::PerTensor;
    else if (fp8 == "per-channel")
      fp8Mode = Fp8Mode::PerChannel;
    else if (fp8 != "none") {
      func.emitError("tfc-lower-precision fp8 '")
          << fp8 << "' is not supported; expected none, per-tensor or "
                    "per-channel";
      return signalPassFailure();
    }
    if (allReduceDtype != "f32" && allReduceDtype != "low") {
      func.emitError("tfc-lower-precision all-reduce-dtype '")
          << allReduceDtype << "' is not supported; expected f32 or low";
      return signalPassFailure();
    }
    if (!low && fp8Mode == Fp8Mode::None)
      return; // dtype=f32: nothing to lower
    if (!low) {
      func.emitError("tfc-lower-precision fp8=")
          << fp8 << " needs dtype=bf16 or dtype=f16 for the ops around the "
                    "fp8 matmuls, got dtype=f32";
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
    PrecisionLowering lowering(func, low, keepResidualF32, fp8Mode,
                               allReduceDtype == "f32");
    if (failed(lowering.run()))
      return signalPassFailure();
    // Step 4: a cast to the low type that reads a reshape or transpose of
    // an f32-kept value (a norm on the residual stream feeding a matmul)
    // moves in front of it, next to the producer whose epilogue takes it.
    // Only these patterns run: no folding, no constant CSE.
    RewritePatternSet patterns(context);
    populateHoistNarrowingCastPatterns(patterns);
    if (failed(applyPatternsGreedily(
            func, std::move(patterns),
            GreedyRewriteConfig().enableFolding(false).enableConstantCSE(
                false)))) {
      func.emitError("tfc-lower-precision: hoisting casts did not converge");
      return signalPassFailure();
    }
    numWeightsConverted += lowering.weightsConverted;
    numCastsInserted += lowering.castsInserted;
    numOpsLowered += lowering.opsLowered;
    numMatmulsFp8 += lowering.matmulsFp8;
  }
};

} // namespace
