//===- ConstantFolding.cpp - import-time evaluation of ONNX ops -----------===//
//
// Reference implementations of the ONNX ops the importer folds. They run on
// small tensors (shape vectors, masks, scalars; the handlers refuse anything
// above kMaxFoldedElements), so clarity wins over speed: every op maps each
// result index back to its source index. The value of one element of the ops
// tfc has (arithmetic, Max/Min, And/Or, unary math, casts) comes from
// tfc/Reference/ScalarOps.h, shared with the reference executor, so a fold
// computes what the op would at run time; only the ONNX ops tfc builds from
// several ops (Mod, Floor, Ceil, Sign, Cos, Sin, Xor) are evaluated here.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"

#include "tfc/Dialect/TfcOps.h"
#include "tfc/Reference/ScalarOps.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tfc::onnx_import;
namespace scalar = mlir::tfc::reference::scalar;

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

static int64_t getProduct(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

bool mlir::tfc::onnx_import::isFoldableSize(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && n > kMaxFoldedElements / d))
      return llvm::is_contained(shape, 0);
    n *= d;
  }
  return n <= kMaxFoldedElements;
}

SmallVector<int64_t> mlir::tfc::onnx_import::getStrides(
    ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

int64_t HostTensor::getNumElements() const { return getProduct(shape); }

HostTensor HostTensor::fromAttr(DenseElementsAttr attr, bool isUnsigned) {
  HostTensor t;
  auto type = cast<ShapedType>(attr.getType());
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  t.elementType = type.getElementType();
  int64_t n = type.getNumElements();
  if (t.isFloat()) {
    t.floats.reserve(n);
    if (attr.isSplat()) {
      t.floats.assign(n, attr.getSplatValue<APFloat>().convertToDouble());
    } else {
      for (const APFloat &v : attr.getValues<APFloat>())
        t.floats.push_back(v.convertToDouble());
    }
    return t;
  }
  bool isBool = t.elementType.isInteger(1) || isUnsigned;
  auto toInt = [&](const APInt &v) {
    return isBool ? static_cast<int64_t>(v.getZExtValue()) : v.getSExtValue();
  };
  t.ints.reserve(n);
  if (attr.isSplat()) {
    t.ints.assign(n, toInt(attr.getSplatValue<APInt>()));
  } else {
    for (const APInt &v : attr.getValues<APInt>())
      t.ints.push_back(toInt(v));
  }
  return t;
}

HostTensor HostTensor::fromInts(ArrayRef<int64_t> shape, Type elementType,
                                std::vector<int64_t> values) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.elementType = elementType;
  t.ints = std::move(values);
  return t;
}

HostTensor HostTensor::fromFloats(ArrayRef<int64_t> shape, Type elementType,
                                  std::vector<double> values) {
  HostTensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.elementType = elementType;
  t.floats = std::move(values);
  return t;
}

DenseElementsAttr HostTensor::toAttr() const {
  auto type = RankedTensorType::get(shape, elementType);
  int64_t n = getNumElements();
  // A single value stands for a splat.
  auto isSplatOf = [&](const auto &values) {
    return n > 1 && llvm::all_equal(values);
  };
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
    ArrayRef<double> values(floats);
    if (isSplatOf(values))
      values = values.take_front();
    SmallVector<APFloat> converted;
    for (double v : values) {
      APFloat f(v);
      bool losesInfo;
      f.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
      converted.push_back(f);
    }
    return DenseElementsAttr::get(type, converted);
  }
  ArrayRef<int64_t> values(ints);
  if (isSplatOf(values))
    values = values.take_front();
  if (elementType.isInteger(1)) {
    SmallVector<bool> bits;
    for (int64_t v : values)
      bits.push_back(v != 0);
    return DenseElementsAttr::get(type, bits);
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> converted;
  for (int64_t v : values)
    converted.push_back(APInt(width, static_cast<uint64_t>(v),
                              /*isSigned=*/false, /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, converted);
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

/// For every element of `outShape`, the index of the element of `inShape`
/// it reads under ONNX broadcasting.
static std::vector<int64_t> getBroadcastSources(ArrayRef<int64_t> inShape,
                                                ArrayRef<int64_t> outShape) {
  size_t rank = outShape.size(), offset = rank - inShape.size();
  SmallVector<int64_t> inStrides = getStrides(inShape);
  int64_t n = getProduct(outShape);
  std::vector<int64_t> sources(n);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t source = 0;
    for (size_t d = offset; d < rank; ++d)
      if (inShape[d - offset] != 1)
        source += index[d] * inStrides[d - offset];
    sources[i] = source;
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return sources;
}

HostTensor mlir::tfc::onnx_import::evaluateBroadcast(const HostTensor &input,
                                                     ArrayRef<int64_t> shape) {
  std::vector<int64_t> sources = getBroadcastSources(input.shape, shape);
  if (input.isFloat()) {
    std::vector<double> values;
    for (int64_t s : sources)
      values.push_back(input.floats[s]);
    return HostTensor::fromFloats(shape, input.elementType, std::move(values));
  }
  std::vector<int64_t> values;
  for (int64_t s : sources)
    values.push_back(input.ints[s]);
  return HostTensor::fromInts(shape, input.elementType, std::move(values));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static bool isComparison(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::Equal:
  case BinaryKind::Less:
  case BinaryKind::LessOrEqual:
  case BinaryKind::Greater:
  case BinaryKind::GreaterOrEqual:
    return true;
  default:
    return false;
  }
}

template <typename T> static bool compare(BinaryKind kind, T a, T b) {
  switch (kind) {
  case BinaryKind::Equal:
    return a == b;
  case BinaryKind::Less:
    return a < b;
  case BinaryKind::LessOrEqual:
    return a <= b;
  case BinaryKind::Greater:
    return a > b;
  default:
    return a >= b;
  }
}

/// The kinds tfc has an op for, evaluated as the reference executor does
/// (tfc/Reference/ScalarOps.h); empty for the others.
static std::optional<scalar::BinaryKind> getScalarKind(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::Add: return scalar::BinaryKind::Add;
  case BinaryKind::Sub: return scalar::BinaryKind::Sub;
  case BinaryKind::Mul: return scalar::BinaryKind::Mul;
  case BinaryKind::Div: return scalar::BinaryKind::Div;
  case BinaryKind::Pow: return scalar::BinaryKind::Pow;
  case BinaryKind::Max: return scalar::BinaryKind::Max;
  case BinaryKind::Min: return scalar::BinaryKind::Min;
  case BinaryKind::And: return scalar::BinaryKind::And;
  case BinaryKind::Or: return scalar::BinaryKind::Or;
  default: return std::nullopt;
  }
}

static std::optional<double> applyFloat(BinaryKind kind, double a, double b) {
  if (std::optional<scalar::BinaryKind> shared = getScalarKind(kind))
    return scalar::applyFloat(*shared, a, b);
  if (kind == BinaryKind::Fmod)
    return std::fmod(a, b);
  return std::nullopt;
}

static std::optional<int64_t> applyInt(BinaryKind kind, int64_t a, int64_t b) {
  // Division by zero gives no value: the op stays, for run time.
  if (std::optional<scalar::BinaryKind> shared = getScalarKind(kind))
    return scalar::applyInt(*shared, a, b);
  switch (kind) {
  case BinaryKind::Xor:
    return (a != 0) != (b != 0);
  case BinaryKind::Mod:
  case BinaryKind::Fmod: {
    if (b == 0)
      return std::nullopt;
    if (b == -1)
      return 0; // Also for INT64_MIN, whose quotient would overflow.
    int64_t r = a % b; // Sign of the dividend, as C's fmod.
    if (kind == BinaryKind::Mod && r != 0 && ((r < 0) != (b < 0)))
      r += b;
    return r;
  }
  default:
    return std::nullopt;
  }
}

std::optional<HostTensor>
mlir::tfc::onnx_import::evaluateBinary(BinaryKind kind, const HostTensor &lhs,
                                       const HostTensor &rhs) {
  if (lhs.isFloat() != rhs.isFloat())
    return std::nullopt;
  auto shape = tfc::broadcastShapes(lhs.shape, rhs.shape);
  if (failed(shape) || !isFoldableSize(*shape))
    return std::nullopt;
  std::vector<int64_t> lhsSources = getBroadcastSources(lhs.shape, *shape);
  std::vector<int64_t> rhsSources = getBroadcastSources(rhs.shape, *shape);
  size_t n = lhsSources.size();
  if (isComparison(kind)) {
    std::vector<int64_t> values(n);
    for (size_t i = 0; i < n; ++i)
      values[i] = lhs.isFloat()
                      ? compare(kind, lhs.floats[lhsSources[i]],
                                rhs.floats[rhsSources[i]])
                      : compare(kind, lhs.ints[lhsSources[i]],
                                rhs.ints[rhsSources[i]]);
    return HostTensor::fromInts(*shape,
                                IntegerType::get(lhs.elementType.getContext(),
                                                 1),
                                std::move(values));
  }
  if (lhs.isFloat()) {
    std::vector<double> values(n);
    for (size_t i = 0; i < n; ++i) {
      auto v = applyFloat(kind, lhs.floats[lhsSources[i]],
                          rhs.floats[rhsSources[i]]);
      if (!v)
        return std::nullopt;
      values[i] = *v;
    }
    return HostTensor::fromFloats(*shape, lhs.elementType, std::move(values));
  }
  std::vector<int64_t> values(n);
  for (size_t i = 0; i < n; ++i) {
    auto v = applyInt(kind, lhs.ints[lhsSources[i]], rhs.ints[rhsSources[i]]);
    if (!v)
      return std::nullopt;
    values[i] = *v;
  }
  return HostTensor::fromInts(*shape, lhs.elementType, std::move(values));
}

/// The unary kinds tfc has an op for (tfc/Reference/ScalarOps.h).
static std::optional<scalar::UnaryKind> getScalarKind(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::Neg: return scalar::UnaryKind::Neg;
  case UnaryKind::Abs: return scalar::UnaryKind::Abs;
  case UnaryKind::Sqrt: return scalar::UnaryKind::Sqrt;
  case UnaryKind::Reciprocal: return scalar::UnaryKind::Reciprocal;
  case UnaryKind::Exp: return scalar::UnaryKind::Exp;
  case UnaryKind::Log: return scalar::UnaryKind::Log;
  case UnaryKind::Tanh: return scalar::UnaryKind::Tanh;
  case UnaryKind::Erf: return scalar::UnaryKind::Erf;
  case UnaryKind::Sigmoid: return scalar::UnaryKind::Sigmoid;
  case UnaryKind::Relu: return scalar::UnaryKind::Relu;
  default: return std::nullopt;
  }
}

std::optional<HostTensor>
mlir::tfc::onnx_import::evaluateUnary(UnaryKind kind, const HostTensor &input) {
  if (input.isFloat()) {
    std::vector<double> values;
    values.reserve(input.floats.size());
    for (double x : input.floats) {
      if (std::optional<scalar::UnaryKind> shared = getScalarKind(kind)) {
        values.push_back(scalar::applyFloat(*shared, x));
        continue;
      }
      switch (kind) {
      case UnaryKind::Cos: values.push_back(std::cos(x)); break;
      case UnaryKind::Sin: values.push_back(std::sin(x)); break;
      case UnaryKind::Floor: values.push_back(std::floor(x)); break;
      case UnaryKind::Ceil: values.push_back(std::ceil(x)); break;
      case UnaryKind::Sign:
        values.push_back(x > 0 ? 1.0 : x < 0 ? -1.0 : x * 0.0);
        break;
      default: return std::nullopt;
      }
    }
    return HostTensor::fromFloats(input.shape, input.elementType,
                                  std::move(values));
  }
  std::vector<int64_t> values;
  values.reserve(input.ints.size());
  for (int64_t x : input.ints) {
    std::optional<scalar::UnaryKind> shared = getScalarKind(kind);
    if (std::optional<int64_t> v =
            shared ? scalar::applyInt(*shared, x) : std::nullopt) {
      values.push_back(*v);
      continue;
    }
    switch (kind) {
    case UnaryKind::Relu: values.push_back(x > 0 ? x : 0); break;
    case UnaryKind::Not: values.push_back(x == 0); break;
    case UnaryKind::Sign: values.push_back(x > 0 ? 1 : x < 0 ? -1 : 0); break;
    default: return std::nullopt;
    }
  }
  return HostTensor::fromInts(input.shape, input.elementType,
                              std::move(values));
}

std::optional<HostTensor>
mlir::tfc::onnx_import::evaluateWhere(const HostTensor &condition,
                                      const HostTensor &onTrue,
                                      const HostTensor &onFalse) {
  if (onTrue.isFloat() != onFalse.isFloat())
    return std::nullopt;
  auto shape = tfc::broadcastShapes(condition.shape, onTrue.shape);
  if (succeeded(shape))
    shape = tfc::broadcastShapes(*shape, onFalse.shape);
  if (failed(shape) || !isFoldableSize(*shape))
    return std::nullopt;
  std::vector<int64_t> c = getBroadcastSources(condition.shape, *shape);
  std::vector<int64_t> t = getBroadcastSources(onTrue.shape, *shape);
  std::vector<int64_t> f = getBroadcastSources(onFalse.shape, *shape);
  if (onTrue.isFloat()) {
    std::vector<double> values(c.size());
    for (size_t i = 0; i < c.size(); ++i)
      values[i] = condition.ints[c[i]] ? onTrue.floats[t[i]]
                                       : onFalse.floats[f[i]];
    return HostTensor::fromFloats(*shape, onTrue.elementType,
                                  std::move(values));
  }
  std::vector<int64_t> values(c.size());
  for (size_t i = 0; i < c.size(); ++i)
    values[i] = condition.ints[c[i]] ? onTrue.ints[t[i]] : onFalse.ints[f[i]];
  return HostTensor::fromInts(*shape, onTrue.elementType, std::move(values));
}

HostTensor mlir::tfc::onnx_import::evaluateCast(const HostTensor &input,
                                                Type elementType) {
  // As tfc.cast in the reference executor (tfc/Reference/ScalarOps.h).
  int64_t n = input.getNumElements();
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    std::vector<double> values(n);
    for (int64_t i = 0; i < n; ++i)
      values[i] = input.isFloat()
                      ? input.floats[i]
                      : scalar::integerToFloat(input.ints[i], floatType);
    return HostTensor::fromFloats(input.shape, elementType, std::move(values));
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  std::vector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i) {
    if (input.isFloat()) {
      values[i] = scalar::floatToInteger(input.floats[i], width);
    } else if (width == 1) {
      values[i] = input.ints[i] != 0;
    } else {
      // Truncate to the width, then sign-extend (signless integers hold
      // their value read as signed).
      uint64_t bits = static_cast<uint64_t>(input.ints[i]);
      if (width < 64) {
        bits <<= 64 - width;
        values[i] = static_cast<int64_t>(bits) >> (64 - width);
      } else {
        values[i] = static_cast<int64_t>(bits);
      }
    }
  }
  return HostTensor::fromInts(input.shape, elementType, std::move(values));
}

//===----------------------------------------------------------------------===//
// Structural
//===----------------------------------------------------------------------===//

/// Builds a tensor of `shape` whose element `i` is `input`'s element
/// `sources[i]`.
static HostTensor gatherElements(const HostTensor &input,
                                 ArrayRef<int64_t> shape,
                                 ArrayRef<int64_t> sources) {
  if (input.isFloat()) {
    std::vector<double> values;
    values.reserve(sources.size());
    for (int64_t s : sources)
      values.push_back(input.floats[s]);
    return HostTensor::fromFloats(shape, input.elementType, std::move(values));
  }
  std::vector<int64_t> values;
  values.reserve(sources.size());
  for (int64_t s : sources)
    values.push_back(input.ints[s]);
  return HostTensor::fromInts(shape, input.elementType, std::move(values));
}

HostTensor mlir::tfc::onnx_import::evaluateGather(const HostTensor &data,
                                                  const HostTensor &indices,
                                                  int64_t axis) {
  ArrayRef<int64_t> dataShape = data.shape;
  int64_t outer = getProduct(dataShape.take_front(axis));
  int64_t inner = getProduct(dataShape.drop_front(axis + 1));
  int64_t axisSize = dataShape[axis];
  SmallVector<int64_t> shape(dataShape.take_front(axis));
  llvm::append_range(shape, indices.shape);
  llvm::append_range(shape, dataShape.drop_front(axis + 1));
  std::vector<int64_t> sources;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t index : indices.ints) {
      if (index < 0)
        index += axisSize;
      for (int64_t i = 0; i < inner; ++i)
        sources.push_back((o * axisSize + index) * inner + i);
    }
  return gatherElements(data, shape, sources);
}

HostTensor mlir::tfc::onnx_import::evaluateGatherElements(
    const HostTensor &data, const HostTensor &indices, int64_t axis) {
  SmallVector<int64_t> dataStrides = getStrides(data.shape);
  int64_t rank = indices.shape.size(), n = indices.getNumElements();
  std::vector<int64_t> sources(n);
  SmallVector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t at = index[d];
      if (d == axis) {
        at = indices.ints[i];
        if (at < 0)
          at += data.shape[d];
      }
      source += at * dataStrides[d];
    }
    sources[i] = source;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < indices.shape[d])
        break;
      index[d] = 0;
    }
  }
  return gatherElements(data, indices.shape, sources);
}

std::optional<HostTensor>
mlir::tfc::onnx_import::evaluateMatMul(const HostTensor &lhs,
                                       const HostTensor &rhs) {
  size_t lhsRank = lhs.shape.size(), rhsRank = rhs.shape.size();
  if (lhsRank < 2 || rhsRank < 2 || lhs.isFloat() != rhs.isFloat() ||
      lhs.shape[lhsRank - 1] != rhs.shape[rhsRank - 2])
    return std::nullopt;
  int64_t m = lhs.shape[lhsRank - 2], k = lhs.shape[lhsRank - 1],
          n = rhs.shape[rhsRank - 1];
  ArrayRef<int64_t> lhsBatch = ArrayRef<int64_t>(lhs.shape).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef<int64_t>(rhs.shape).drop_back(2);
  auto batch = tfc::broadcastShapes(lhsBatch, rhsBatch);
  if (failed(batch))
    return std::nullopt;
  SmallVector<int64_t> shape(*batch);
  shape.append({m, n});
  if (!isFoldableSize(shape) ||
      getProduct(shape) * std::max<int64_t>(k, 1) > kMaxFoldedElements * 16)
    return std::nullopt;
  std::vector<int64_t> lhsSources = getBroadcastSources(lhsBatch, *batch);
  std::vector<int64_t> rhsSources = getBroadcastSources(rhsBatch, *batch);
  int64_t batches = lhsSources.size();
  std::vector<double> floats;
  std::vector<int64_t> ints;
  for (int64_t b = 0; b < batches; ++b) {
    int64_t lhsBase = lhsSources[b] * m * k, rhsBase = rhsSources[b] * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        uint64_t isum = 0; // Wraps like int64 arithmetic.
        for (int64_t p = 0; p < k; ++p) {
          int64_t a = lhsBase + i * k + p, c = rhsBase + p * n + j;
          if (lhs.isFloat())
            sum += lhs.floats[a] * rhs.floats[c];
          else
            isum += static_cast<uint64_t>(lhs.ints[a]) *
                    static_cast<uint64_t>(rhs.ints[c]);
        }
        if (lhs.isFloat())
          floats.push_back(sum);
        else
          ints.push_back(static_cast<int64_t>(isum));
      }
  }
  if (lhs.isFloat())
    return HostTensor::fromFloats(shape, lhs.elementType, std::move(floats));
  return HostTensor::fromInts(shape, lhs.elementType, std::move(ints));
}

HostTensor mlir::tfc::onnx_import::evaluateConcat(ArrayRef<HostTensor> inputs,
                                                  int64_t axis) {
  SmallVector<int64_t> shape(inputs.front().shape);
  shape[axis] = 0;
  for (const HostTensor &t : inputs)
    shape[axis] += t.shape[axis];
  int64_t outer = getProduct(ArrayRef<int64_t>(shape).take_front(axis));
  HostTensor result;
  result.shape = shape;
  result.elementType = inputs.front().elementType;
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor &t : inputs) {
      int64_t block = getProduct(ArrayRef<int64_t>(t.shape).drop_front(axis));
      if (t.isFloat())
        result.floats.insert(result.floats.end(),
                             t.floats.begin() + o * block,
                             t.floats.begin() + (o + 1) * block);
      else
        result.ints.insert(result.ints.end(), t.ints.begin() + o * block,
                           t.ints.begin() + (o + 1) * block);
    }
  return result;
}

/// Maps each index of `outShape` to a source offset through `strides` per
/// result dimension starting from `base`.
static std::vector<int64_t> getStridedSources(ArrayRef<int64_t> outShape,
                                              int64_t base,
                                              ArrayRef<int64_t> strides) {
  int64_t n = getProduct(outShape);
  std::vector<int64_t> sources(n);
  SmallVector<int64_t> index(outShape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t source = base;
    for (size_t d = 0; d < outShape.size(); ++d)
      source += index[d] * strides[d];
    sources[i] = source;
    for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d])
        break;
      index[d] = 0;
    }
  }
  return sources;
}

HostTensor mlir::tfc::onnx_import::evaluateSlice(const HostTensor &input,
                                                 ArrayRef<int64_t> starts,
                                                 ArrayRef<int64_t> sizes,
                                                 ArrayRef<int64_t> steps) {
  SmallVector<int64_t> inStrides = getStrides(input.shape);
  int64_t base = 0;
  SmallVector<int64_t> strides;
  for (size_t d = 0; d < sizes.size(); ++d) {
    base += starts[d] * inStrides[d];
    strides.push_back(steps[d] * inStrides[d]);
  }
  return gatherElements(input, sizes, getStridedSources(sizes, base, strides));
}

HostTensor mlir::tfc::onnx_import::evaluateTranspose(
    const HostTensor &input, ArrayRef<int64_t> permutation) {
  SmallVector<int64_t> inStrides = getStrides(input.shape);
  SmallVector<int64_t> shape, strides;
  for (int64_t p : permutation) {
    shape.push_back(input.shape[p]);
    strides.push_back(inStrides[p]);
  }
  return gatherElements(input, shape, getStridedSources(shape, 0, strides));
}

HostTensor mlir::tfc::onnx_import::evaluateReduce(const HostTensor &input,
                                                  ArrayRef<int64_t> axes,
                                                  bool keepDims,
                                                  StringRef kind) {
  SmallVector<int64_t> keptShape, shape;
  for (auto [d, size] : llvm::enumerate(input.shape)) {
    bool reduced = llvm::is_contained(axes, static_cast<int64_t>(d));
    keptShape.push_back(reduced ? 1 : size);
    if (!reduced || keepDims)
      shape.push_back(reduced ? 1 : size);
  }
  int64_t n = getProduct(keptShape);
  int64_t count = n == 0 ? 0 : input.getNumElements() / n;
  std::vector<double> acc(n, kind == "prod" ? 1.0 : 0.0);
  std::vector<bool> seen(n, false);
  SmallVector<int64_t> outStrides = getStrides(keptShape);
  SmallVector<int64_t> index(input.shape.size(), 0);
  for (int64_t i = 0, e = input.getNumElements(); i < e; ++i) {
    int64_t out = 0;
    for (size_t d = 0; d < index.size(); ++d)
      if (keptShape[d] != 1 || input.shape[d] == 1)
        out += index[d] * outStrides[d];
    double x = input.getDouble(i);
    if (kind == "max")
      acc[out] = seen[out] ? std::max(acc[out], x) : x;
    else if (kind == "min")
      acc[out] = seen[out] ? std::min(acc[out], x) : x;
    else if (kind == "prod")
      acc[out] *= x;
    else
      acc[out] += x;
    seen[out] = true;
    for (int64_t d = static_cast<int64_t>(index.size()) - 1; d >= 0; --d) {
      if (++index[d] < input.shape[d])
        break;
      index[d] = 0;
    }
  }
  if (kind == "mean")
    for (double &v : acc)
      v /= static_cast<double>(count);
  HostTensor asFloat = HostTensor::fromFloats(shape, input.elementType, acc);
  if (input.isFloat())
    return asFloat;
  return evaluateCast(HostTensor::fromFloats(
                          shape, Float64Type::get(input.elementType.getContext()),
                          acc),
                      input.elementType);
}
