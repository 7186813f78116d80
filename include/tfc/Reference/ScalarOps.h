//===- ScalarOps.h - per-element semantics of tfc's elementwise ops -*- C++ -*-===//
//
// What one element of tfc's elementwise ops evaluates to, in one place: the
// reference executor (lib/Reference/Elementwise.cpp) applies these functions
// over broadcast tensors at run time, and the ONNX importer's constant folder
// (lib/Import/Onnx/ConstantFolding.cpp) applies them at import time, so a
// folded constant is what the reference computes for the op it replaces.
// Header-only, so that the importer needs no link dependency on the
// reference executor.
//
// Floats are computed in double (callers round to the element type);
// integers in int64 with two's-complement wrapping (callers truncate to the
// element width).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_REFERENCE_SCALAROPS_H
#define TFC_REFERENCE_SCALAROPS_H

#include "tfc/Dialect/TfcDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace mlir::tfc::reference::scalar {

/// tfc.compare: `a <predicate> b`, on int64 or double operands (a NaN
/// compares unequal and unordered, as in C++).
template <typename T>
inline bool applyCompare(ComparePredicate predicate, T a, T b) {
  switch (predicate) {
  case ComparePredicate::eq:
    return a == b;
  case ComparePredicate::ne:
    return a != b;
  case ComparePredicate::lt:
    return a < b;
  case ComparePredicate::le:
    return a <= b;
  case ComparePredicate::gt:
    return a > b;
  case ComparePredicate::ge:
    return a >= b;
  }
  llvm_unreachable("unknown predicate");
}

/// tfc.add, sub, mul, div, pow, maximum, minimum, and, or.
enum class BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min, And, Or };

/// A binary op on floats. maximum/minimum follow numpy: a NaN in either
/// operand gives NaN.
inline double applyFloat(BinaryKind kind, double a, double b) {
  switch (kind) {
  case BinaryKind::Add:
    return a + b;
  case BinaryKind::Sub:
    return a - b;
  case BinaryKind::Mul:
    return a * b;
  case BinaryKind::Div:
    return a / b;
  case BinaryKind::Pow:
    return std::pow(a, b);
  case BinaryKind::Max:
    return std::isnan(a) || std::isnan(b) ? std::nan("") : std::max(a, b);
  case BinaryKind::Min:
    return std::isnan(a) || std::isnan(b) ? std::nan("") : std::min(a, b);
  case BinaryKind::And:
    return (a != 0) && (b != 0);
  case BinaryKind::Or:
    return (a != 0) || (b != 0);
  }
  return std::nan("");
}

/// Integer power by squaring, wrapping modulo 2^64. A negative exponent
/// truncates 1 / base^|exp| toward zero (0 for 0, as tfc defines it).
inline int64_t integerPow(int64_t base, int64_t exp) {
  if (exp < 0) {
    if (base == 1)
      return 1;
    if (base == -1)
      return (exp % 2) ? -1 : 1;
    return 0;
  }
  uint64_t result = 1, b = static_cast<uint64_t>(base);
  for (uint64_t e = static_cast<uint64_t>(exp); e; e >>= 1) {
    if (e & 1)
      result *= b;
    b *= b;
  }
  return static_cast<int64_t>(result);
}

/// A binary op on integers; empty for a division by zero (which callers
/// report, or do not fold). Division truncates toward zero (C and ONNX);
/// INT64_MIN / -1 wraps.
inline std::optional<int64_t> applyInt(BinaryKind kind, int64_t a, int64_t b) {
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (kind) {
  case BinaryKind::Add:
    return static_cast<int64_t>(ua + ub);
  case BinaryKind::Sub:
    return static_cast<int64_t>(ua - ub);
  case BinaryKind::Mul:
    return static_cast<int64_t>(ua * ub);
  case BinaryKind::Div:
    if (b == 0)
      return std::nullopt;
    return b == -1 ? static_cast<int64_t>(0 - ua) : a / b;
  case BinaryKind::Pow:
    return integerPow(a, b);
  case BinaryKind::Max:
    return std::max(a, b);
  case BinaryKind::Min:
    return std::min(a, b);
  case BinaryKind::And:
    return (a != 0) && (b != 0);
  case BinaryKind::Or:
    return (a != 0) || (b != 0);
  }
  return std::nullopt;
}

/// The unary math ops on floats: tfc.neg, abs, exp, log, sqrt, rsqrt,
/// reciprocal, tanh, erf, sigmoid, relu, silu.
enum class UnaryKind {
  Neg, Abs, Exp, Log, Sqrt, Rsqrt, Reciprocal, Tanh, Erf, Sigmoid, Relu, Silu
};

inline double applyFloat(UnaryKind kind, double x) {
  switch (kind) {
  case UnaryKind::Neg:
    return -x;
  case UnaryKind::Abs:
    return std::fabs(x);
  case UnaryKind::Exp:
    return std::exp(x);
  case UnaryKind::Log:
    return std::log(x);
  case UnaryKind::Sqrt:
    return std::sqrt(x);
  case UnaryKind::Rsqrt:
    return 1.0 / std::sqrt(x);
  case UnaryKind::Reciprocal:
    return 1.0 / x;
  case UnaryKind::Tanh:
    return std::tanh(x);
  case UnaryKind::Erf:
    return std::erf(x);
  case UnaryKind::Sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case UnaryKind::Relu:
    return x < 0 ? 0.0 : x; // max(x, 0) that keeps NaN.
  case UnaryKind::Silu:
    return x / (1.0 + std::exp(-x));
  }
  return std::nan("");
}

/// The unary ops defined on integers (neg, abs); empty for the others.
inline std::optional<int64_t> applyInt(UnaryKind kind, int64_t x) {
  uint64_t ux = static_cast<uint64_t>(x);
  switch (kind) {
  case UnaryKind::Neg:
    return static_cast<int64_t>(0 - ux);
  case UnaryKind::Abs:
    return x < 0 ? static_cast<int64_t>(0 - ux) : x;
  default:
    return std::nullopt;
  }
}

/// tfc.cast of a float to an integer type of `width` bits: truncates toward
/// zero and saturates at the type's range read as signed (NaN gives 0);
/// i1 is `x != 0`.
inline int64_t floatToInteger(double x, unsigned width) {
  if (width == 1)
    return x != 0;
  if (std::isnan(x))
    return 0;
  double t = std::trunc(x);
  double lo = -std::ldexp(1.0, width - 1);
  double hi = std::ldexp(1.0, width - 1); // exclusive
  if (t < lo)
    return width == 64 ? std::numeric_limits<int64_t>::min()
                       : static_cast<int64_t>(lo);
  if (t >= hi)
    return width == 64 ? std::numeric_limits<int64_t>::max()
                       : static_cast<int64_t>(hi) - 1;
  return static_cast<int64_t>(t);
}

/// tfc.cast of an int64 to a float type, with a single rounding.
inline double integerToFloat(int64_t x, FloatType type) {
  if (type.isF64())
    return static_cast<double>(x);
  if (type.isF32())
    return static_cast<double>(static_cast<float>(x));
  llvm::APFloat f(type.getFloatSemantics());
  f.convertFromAPInt(llvm::APInt(64, static_cast<uint64_t>(x),
                                 /*isSigned=*/true),
                     /*IsSigned=*/true, llvm::APFloat::rmNearestTiesToEven);
  return f.convertToDouble();
}

} // namespace mlir::tfc::reference::scalar

#endif // TFC_REFERENCE_SCALAROPS_H
