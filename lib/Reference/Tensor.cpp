//===- Tensor.cpp - host tensors of the reference executor ------*- C++ -*-===//
//
// The host tensor: construction, rounding to the declared element type,
// loading from constant and weight attributes (dense and dense_resource), and
// the row-major / broadcast indexing helpers the kernels share.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

Tensor::Tensor(RankedTensorType type) : type(type) {
  if (isFloat())
    floats.assign(getNumElements(), 0.0);
  else
    ints.assign(getNumElements(), 0);
}

bool reference::isSupportedElementType(Type type) {
  if (auto f = dyn_cast<FloatType>(type))
    return f.isF64() ||
           APFloat::isRepresentableBy(f.getFloatSemantics(),
                                      APFloat::IEEEdouble());
  if (auto i = dyn_cast<IntegerType>(type))
    return i.isSignless() && i.getWidth() <= 64;
  return false;
}

double reference::roundToFloatType(double value, FloatType type) {
  if (type.isF64())
    return value;
  if (type.isF32())
    return static_cast<double>(static_cast<float>(value));
  APFloat f(value);
  bool losesInfo = false;
  f.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
            &losesInfo);
  return f.convertToDouble();
}

int64_t reference::wrapToIntegerType(int64_t value, IntegerType type) {
  unsigned width = type.getWidth();
  if (width >= 64)
    return value;
  if (width == 1)
    return value & 1;
  uint64_t mask = (uint64_t(1) << width) - 1;
  uint64_t bits = static_cast<uint64_t>(value) & mask;
  if (bits >> (width - 1))
    bits |= ~mask;
  return static_cast<int64_t>(bits);
}

void reference::roundToElementType(Tensor &tensor) {
  Type element = tensor.getElementType();
  if (auto f = dyn_cast<FloatType>(element)) {
    if (f.isF64())
      return;
    for (double &v : tensor.floats)
      v = roundToFloatType(v, f);
    return;
  }
  auto i = cast<IntegerType>(element);
  if (i.getWidth() >= 64)
    return;
  for (int64_t &v : tensor.ints)
    v = wrapToIntegerType(v, i);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Reads `count` little-endian elements of `element` type from raw bytes.
static LogicalResult readRawElements(ArrayRef<char> bytes, Tensor &tensor,
                                     std::string &error) {
  Type element = tensor.getElementType();
  int64_t count = tensor.getNumElements();
  unsigned bits = element.getIntOrFloatBitWidth();
  // i1 blobs hold one byte per element.
  int64_t bytesPerElement = bits == 1 ? 1 : (bits + 7) / 8;
  if (static_cast<int64_t>(bytes.size()) != count * bytesPerElement) {
    error = "blob holds " + std::to_string(bytes.size()) + " bytes but " +
            typeString(tensor.type) + " needs " +
            std::to_string(count * bytesPerElement);
    return failure();
  }
  const char *p = bytes.data();
  auto readBits = [&](int64_t i) -> uint64_t {
    uint64_t v = 0;
    for (int64_t b = 0; b < bytesPerElement; ++b)
      v |= static_cast<uint64_t>(
               static_cast<unsigned char>(p[i * bytesPerElement + b]))
           << (8 * b);
    return v;
  };
  if (auto f = dyn_cast<FloatType>(element)) {
    for (int64_t i = 0; i < count; ++i) {
      uint64_t raw = readBits(i);
      if (f.isF32()) {
        float x;
        uint32_t w = static_cast<uint32_t>(raw);
        std::memcpy(&x, &w, 4);
        tensor.floats[i] = x;
      } else if (f.isF64()) {
        double x;
        std::memcpy(&x, &raw, 8);
        tensor.floats[i] = x;
      } else {
        APFloat x(f.getFloatSemantics(), APInt(bits, raw));
        tensor.floats[i] = x.convertToDouble();
      }
    }
    return success();
  }
  auto intType = cast<IntegerType>(element);
  for (int64_t i = 0; i < count; ++i) {
    uint64_t raw = readBits(i);
    tensor.ints[i] = bits == 1 ? (raw != 0)
                               : wrapToIntegerType(static_cast<int64_t>(raw),
                                                   intType);
  }
  return success();
}

FailureOr<Tensor> reference::tensorFromAttr(ElementsAttr attr,
                                            std::string &error) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape()) {
    error = "value of type " + typeString(attr.getType()) +
            " is not a statically shaped tensor";
    return failure();
  }
  if (!isSupportedElementType(type.getElementType())) {
    error = "element type " + typeString(type.getElementType()) +
            " is not supported by the reference executor";
    return failure();
  }
  Tensor tensor(type);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    int64_t n = tensor.getNumElements();
    if (tensor.isFloat()) {
      if (type.getElementType().isF32() && !dense.isSplat()) {
        auto values = dense.getValues<float>();
        for (int64_t i = 0; i < n; ++i)
          tensor.floats[i] = values[i];
      } else {
        auto values = dense.getValues<APFloat>();
        for (int64_t i = 0; i < n; ++i)
          tensor.floats[i] = values[i].convertToDouble();
      }
    } else if (type.getElementType().isInteger(1)) {
      auto values = dense.getValues<bool>();
      for (int64_t i = 0; i < n; ++i)
        tensor.ints[i] = values[i] ? 1 : 0;
    } else {
      auto values = dense.getValues<APInt>();
      for (int64_t i = 0; i < n; ++i)
        tensor.ints[i] = values[i].getSExtValue();
    }
    return tensor;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    DenseResourceElementsHandle handle = resource.getRawHandle();
    AsmResourceBlob *blob = handle.getBlob();
    if (!blob) {
      error = "dense_resource blob '" + handle.getKey().str() +
              "' has no data (the file's dialect_resources section does not "
              "define it, or it was elided)";
      return failure();
    }
    if (failed(readRawElements(blob->getData(), tensor, error))) {
      error = "dense_resource blob '" + handle.getKey().str() + "': " + error;
      return failure();
    }
    return tensor;
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "unsupported value attribute ";
  attr.print(os, /*elideType=*/true);
  error = s.size() > 200 ? s.substr(0, 200) + "..." : s;
  return failure();
}

//===----------------------------------------------------------------------===//
// Indexing helpers
//===----------------------------------------------------------------------===//

SmallVector<int64_t> reference::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

SmallVector<int64_t> reference::broadcastStrides(ArrayRef<int64_t> operand,
                                                 ArrayRef<int64_t> result) {
  SmallVector<int64_t> own = stridesOf(operand);
  SmallVector<int64_t> strides(result.size(), 0);
  size_t lead = result.size() - operand.size();
  for (size_t d = 0; d < operand.size(); ++d)
    strides[lead + d] = operand[d] == 1 ? 0 : own[d];
  return strides;
}

StridedWalk::StridedWalk(ArrayRef<int64_t> shape,
                         ArrayRef<SmallVector<int64_t>> operandStrides,
                         ArrayRef<int64_t> bases)
    : shape(shape), strides(operandStrides.begin(), operandStrides.end()),
      index(shape.size(), 0), offsets(operandStrides.size(), 0) {
  for (auto [i, base] : llvm::enumerate(bases))
    offsets[i] = base;
}

void StridedWalk::next() {
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    ++index[d];
    for (size_t k = 0; k < strides.size(); ++k)
      offsets[k] += strides[k][d];
    if (index[d] < shape[d])
      return;
    for (size_t k = 0; k < strides.size(); ++k)
      offsets[k] -= strides[k][d] * shape[d];
    index[d] = 0;
  }
}

RankedTensorType reference::resultType(Operation *op, unsigned i) {
  return cast<RankedTensorType>(op->getResult(i).getType());
}

Tensor reference::gatherElements(const Tensor &source,
                                 ArrayRef<int64_t> sourceIndex,
                                 RankedTensorType type) {
  Tensor result(type);
  if (result.isFloat()) {
    for (size_t i = 0; i < sourceIndex.size(); ++i)
      result.floats[i] = source.floats[sourceIndex[i]];
  } else {
    for (size_t i = 0; i < sourceIndex.size(); ++i)
      result.ints[i] = source.ints[sourceIndex[i]];
  }
  return result;
}
