//===- ElementwiseKernels.cpp - elementwise ops and pointwise kernels -----===//
//
// The scalar rules of the elementwise ops (broadcasting arithmetic, compare,
// where, activations, cast) for PointwiseEmitter, and the pointwise kernel
// family: one thread per 16 bytes of output (grid-stride loop, 256 threads
// per block; up to 8 consecutive elements along the last dimension, read and
// written with vector accesses where operands do not broadcast along it),
// evaluating the whole fusion body at those elements. It serves
// elementwise chains and the index-mapping ops (StructuralKernels.cpp)
// alike. Floats narrower than 32 bits are computed in f32; a cast to such a
// type rounds to it and widens back, so chains keep the cast's rounding.
//
//===----------------------------------------------------------------------===//

#include "IndexingUtils.h"
#include "KernelFamilies.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::tfc;

/// Threads per block of the pointwise kernels.
static constexpr int64_t kPointwiseBlockSize = 256;

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

//===----------------------------------------------------------------------===//
// Scalar rules
//===----------------------------------------------------------------------===//

/// `1 / (1 + exp(-x))`.
static Value emitSigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value one = floatConstant(b, loc, t, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

/// Exact GELU `0.5 x (1 + erf(x / sqrt 2))` or its tanh approximation
/// `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
static Value emitGelu(OpBuilder &b, Location loc, Value x,
                      GeluApproximation approximation) {
  Type t = x.getType();
  Value half = floatConstant(b, loc, t, 0.5);
  Value one = floatConstant(b, loc, t, 1.0);
  Value inner;
  if (approximation == GeluApproximation::none) {
    Value scaled = arith::MulFOp::create(
        b, loc, x, floatConstant(b, loc, t, 0.70710678118654752440));
    inner = math::ErfOp::create(b, loc, scaled);
  } else {
    Value x3 =
        arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, x), x);
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, floatConstant(b, loc, t, 0.044715), x3));
    Value scaled = arith::MulFOp::create(
        b, loc, floatConstant(b, loc, t, 0.79788456080286535588), poly);
    inner = math::TanhOp::create(b, loc, scaled);
  }
  Value halfX = arith::MulFOp::create(b, loc, half, x);
  return arith::MulFOp::create(b, loc, halfX,
                               arith::AddFOp::create(b, loc, one, inner));
}

static arith::CmpFPredicate toFloatPredicate(ComparePredicate p) {
  switch (p) {
  case ComparePredicate::eq:
    return arith::CmpFPredicate::OEQ;
  case ComparePredicate::ne:
    return arith::CmpFPredicate::UNE;
  case ComparePredicate::lt:
    return arith::CmpFPredicate::OLT;
  case ComparePredicate::le:
    return arith::CmpFPredicate::OLE;
  case ComparePredicate::gt:
    return arith::CmpFPredicate::OGT;
  case ComparePredicate::ge:
    return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("unknown compare predicate");
}

/// Signed predicates for integers; unsigned for i1 (false < true).
static arith::CmpIPredicate toIntPredicate(ComparePredicate p, bool isBool) {
  switch (p) {
  case ComparePredicate::eq:
    return arith::CmpIPredicate::eq;
  case ComparePredicate::ne:
    return arith::CmpIPredicate::ne;
  case ComparePredicate::lt:
    return isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
  case ComparePredicate::le:
    return isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
  case ComparePredicate::gt:
    return isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
  case ComparePredicate::ge:
    return isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
  }
  llvm_unreachable("unknown compare predicate");
}

Value mlir::tfc::convertScalar(OpBuilder &b, Location loc, Value x, Type from,
                               Type to) {
  Type xType = x.getType();
  if (to.isInteger(1)) {
    if (isa<FloatType>(xType))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   floatConstant(b, loc, xType, 0.0));
    Value zero =
        arith::ConstantOp::create(b, loc, xType, b.getIntegerAttr(xType, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (auto toFloat = dyn_cast<FloatType>(to)) {
    Value converted;
    if (auto xFloat = dyn_cast<FloatType>(xType)) {
      if (xFloat.getWidth() > toFloat.getWidth())
        converted = arith::TruncFOp::create(b, loc, to, x);
      else if (xFloat.getWidth() < toFloat.getWidth())
        converted = arith::ExtFOp::create(b, loc, to, x);
      else if (xFloat != toFloat) // same width, other format (f16 <-> bf16)
        converted = arith::TruncFOp::create(
            b, loc, to, arith::ExtFOp::create(b, loc, b.getF32Type(), x));
      else
        converted = x;
    } else if (from.isInteger(1)) {
      converted = arith::UIToFPOp::create(b, loc, to, x);
    } else {
      converted = arith::SIToFPOp::create(b, loc, to, x);
    }
    return toComputeType(b, loc, converted);
  }
  // Integer destination.
  auto toInt = cast<IntegerType>(to);
  if (isa<FloatType>(xType))
    return arith::FPToSIOp::create(b, loc, to, x);
  auto xInt = cast<IntegerType>(xType);
  if (xInt.getWidth() == toInt.getWidth())
    return x;
  if (xInt.getWidth() > toInt.getWidth())
    return arith::TruncIOp::create(b, loc, to, x);
  if (xInt.getWidth() == 1)
    return arith::ExtUIOp::create(b, loc, to, x);
  return arith::ExtSIOp::create(b, loc, to, x);
}

FailureOr<Value> PointwiseEmitter::emitElementwise(OpBuilder &b, Operation *op,
                                                   ElementIndex &at) {
  SmallVector<Value> args;
  for (Value operand : op->getOperands()) {
    FailureOr<Value> scalar = emit(b, operand, at);
    if (failed(scalar))
      return failure();
    args.push_back(*scalar);
  }
  Location loc = op->getLoc();
  Type operandType = args.empty() ? Type() : args.front().getType();
  bool isFloat = operandType && isa<FloatType>(operandType);
  auto unsupported = [&](StringRef why) -> FailureOr<Value> {
    return op->emitOpError("has no GPU kernel yet ") << why;
  };

  return TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](AddOp) -> Value {
        return isFloat
                   ? arith::AddFOp::create(b, loc, args[0], args[1]).getResult()
                   : arith::AddIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](SubOp) -> Value {
        return isFloat
                   ? arith::SubFOp::create(b, loc, args[0], args[1]).getResult()
                   : arith::SubIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](MulOp) -> Value {
        return isFloat
                   ? arith::MulFOp::create(b, loc, args[0], args[1]).getResult()
                   : arith::MulIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](DivOp) -> Value {
        return isFloat
                   ? arith::DivFOp::create(b, loc, args[0], args[1]).getResult()
                   : arith::DivSIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](PowOp) -> FailureOr<Value> {
        if (!isFloat)
          return unsupported("for integer operands");
        return Value(math::PowFOp::create(b, loc, args[0], args[1]));
      })
      .Case([&](MaximumOp) -> Value {
        if (isFloat)
          return arith::MaximumFOp::create(b, loc, args[0], args[1]);
        if (operandType.isInteger(1))
          return arith::MaxUIOp::create(b, loc, args[0], args[1]);
        return arith::MaxSIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](MinimumOp) -> Value {
        if (isFloat)
          return arith::MinimumFOp::create(b, loc, args[0], args[1]);
        if (operandType.isInteger(1))
          return arith::MinUIOp::create(b, loc, args[0], args[1]);
        return arith::MinSIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](AndOp) -> Value {
        return arith::AndIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](OrOp) -> Value {
        return arith::OrIOp::create(b, loc, args[0], args[1]);
      })
      .Case([&](NotOp) -> Value {
        Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
        return arith::XOrIOp::create(b, loc, args[0], one);
      })
      .Case([&](CompareOp cmp) -> Value {
        if (isFloat)
          return arith::CmpFOp::create(
              b, loc, toFloatPredicate(cmp.getPredicate()), args[0], args[1]);
        return arith::CmpIOp::create(
            b, loc,
            toIntPredicate(cmp.getPredicate(), operandType.isInteger(1)),
            args[0], args[1]);
      })
      .Case([&](WhereOp) -> Value {
        return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
      })
      .Case([&](NegOp) -> Value {
        if (isFloat)
          return arith::NegFOp::create(b, loc, args[0]);
        Value zero = arith::ConstantOp::create(
            b, loc, operandType, b.getIntegerAttr(operandType, 0));
        return arith::SubIOp::create(b, loc, zero, args[0]);
      })
      .Case([&](AbsOp) -> Value {
        if (isFloat)
          return math::AbsFOp::create(b, loc, args[0]);
        Value zero = arith::ConstantOp::create(
            b, loc, operandType, b.getIntegerAttr(operandType, 0));
        Value negative = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::slt, args[0], zero);
        return arith::SelectOp::create(
            b, loc, negative, arith::SubIOp::create(b, loc, zero, args[0]),
            args[0]);
      })
      .Case(
          [&](ExpOp) -> Value { return math::ExpOp::create(b, loc, args[0]); })
      .Case(
          [&](LogOp) -> Value { return math::LogOp::create(b, loc, args[0]); })
      .Case([&](SqrtOp) -> Value {
        return math::SqrtOp::create(b, loc, args[0]);
      })
      .Case([&](RsqrtOp) -> Value {
        return math::RsqrtOp::create(b, loc, args[0]);
      })
      .Case([&](TanhOp) -> Value {
        return math::TanhOp::create(b, loc, args[0]);
      })
      .Case(
          [&](ErfOp) -> Value { return math::ErfOp::create(b, loc, args[0]); })
      .Case([&](ReciprocalOp) -> Value {
        return arith::DivFOp::create(
            b, loc, floatConstant(b, loc, operandType, 1.0), args[0]);
      })
      .Case([&](SigmoidOp) -> Value { return emitSigmoid(b, loc, args[0]); })
      .Case([&](SiluOp) -> Value {
        return arith::MulFOp::create(b, loc, args[0],
                                     emitSigmoid(b, loc, args[0]));
      })
      // tfc.swiglu (tfc-raise): silu(gate) * up in registers.
      .Case([&](SwigluOp) -> Value {
        Value silu = arith::MulFOp::create(b, loc, args[0],
                                           emitSigmoid(b, loc, args[0]));
        return arith::MulFOp::create(b, loc, silu, args[1]);
      })
      .Case([&](ReluOp) -> Value {
        return arith::MaximumFOp::create(
            b, loc, args[0], floatConstant(b, loc, operandType, 0.0));
      })
      .Case([&](GeluOp gelu) -> Value {
        return emitGelu(b, loc, args[0], gelu.getApproximate());
      })
      .Case([&](CastOp cast) -> Value {
        return convertScalar(b, loc, args[0], elementTypeOf(cast.getInput()),
                             elementTypeOf(cast.getResult()));
      })
      .Default([&](Operation *) -> FailureOr<Value> {
        return unsupported("as an elementwise op");
      });
}

//===----------------------------------------------------------------------===//
// The pointwise kernel
//===----------------------------------------------------------------------===//

FailureOr<LaunchConfig> mlir::tfc::emitPointwiseKernel(OpBuilder &b,
                                                       KernelContext &ctx) {
  Location loc = ctx.fusion.getLoc();
  // Results of one shape share a loop and the scalars computed in it.
  llvm::MapVector<ArrayRef<int64_t>, SmallVector<unsigned>> groups;
  for (auto [i, type] : llvm::enumerate(ctx.fusion.getResultTypes()))
    groups[cast<RankedTensorType>(type).getShape()].push_back(i);

  int64_t maxThreads = 1;
  for (auto &[shape, results] : groups) {
    // Each thread handles `width` consecutive elements: one 16-byte access
    // per operand that does not broadcast along the last dimension.
    int64_t width = shape.empty() ? 1 : 16;
    for (unsigned i : results)
      width = std::min(
          width, shape.empty()
                     ? 1
                     : vectorWidthFor(cast<RankedTensorType>(
                                          ctx.fusion.getResultTypes()[i])
                                          .getElementType(),
                                      shape.back()));
    int64_t count = numElements(shape) / width;
    maxThreads = std::max(maxThreads, count);
    LogicalResult status = success();
    emitGridStrideLoop(
        b, loc, count, kPointwiseBlockSize,
        [&](OpBuilder &b, Location loc, Value i) {
          Value linear =
              width == 1 ? i
                         : arith::MulIOp::create(b, loc, i,
                                                 indexConstant(b, loc, width))
                               .getResult();
          VectorGroup group;
          group.width = width;
          SmallVector<ElementIndex> lanes = makeLanes(
              b, loc, ElementIndex::fromLinear(shape, linear), group);
          if (failed(ctx.emitter.emitAndStoreResults(b, loc, lanes, results)))
            status = failure();
        });
    if (failed(status))
      return failure();
  }
  LaunchConfig config;
  config.block = {kPointwiseBlockSize, 1, 1};
  config.grid = {ceilDiv(maxThreads, kPointwiseBlockSize), 1, 1};
  return finishLaunch(ctx, config);
}
