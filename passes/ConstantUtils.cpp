//===- ConstantUtils.cpp - reading and converting constant tensors -------===//
//
// Reads the elements of `tfc.constant` / inline `tfc.parameter` values,
// dense or dense_resource (little-endian raw elements, i1 one byte each, as
// the importer writes them), and builds converted float copies.
//
//===----------------------------------------------------------------------===//

#include "ConstantUtils.h"

#include "tfc/Dialect/TfcOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::tfc;

ElementsAttr mlir::tfc::getConstantAttr(Value v) {
  Operation *op = v.getDefiningOp();
  if (auto constant = dyn_cast_if_present<ConstantOp>(op))
    return constant.getValue();
  if (auto parameter = dyn_cast_if_present<ParameterOp>(op))
    return parameter.getValueAttr();
  return {};
}

/// The raw bytes of a dense_resource attribute, or nullopt without a blob.
static std::optional<ArrayRef<char>> resourceBytes(ElementsAttr attr) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return std::nullopt;
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  return blob->getData();
}

/// Reads one little-endian element `bytes` bytes wide.
static uint64_t readLittleEndian(const char *p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned b = 0; b < bytes; ++b)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[b])) << (8 * b);
  return v;
}

static std::optional<SmallVector<double>> readFloats(ElementsAttr attr,
                                                     int64_t maxElements) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  auto element = dyn_cast<FloatType>(type.getElementType());
  int64_t count = type.getNumElements();
  if (!element || count > maxElements)
    return std::nullopt;
  SmallVector<double> values;
  values.reserve(count);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.isSplat()) {
      values.assign(count, dense.getSplatValue<APFloat>().convertToDouble());
    } else if (element.isF32()) {
      for (float x : dense.getValues<float>())
        values.push_back(x);
    } else {
      for (const APFloat &x : dense.getValues<APFloat>())
        values.push_back(x.convertToDouble());
    }
    return values;
  }
  std::optional<ArrayRef<char>> bytes = resourceBytes(attr);
  unsigned width = element.getWidth() / 8;
  if (!bytes || element.getWidth() % 8 != 0 ||
      static_cast<int64_t>(bytes->size()) != count * width)
    return std::nullopt;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t raw = readLittleEndian(bytes->data() + i * width, width);
    if (element.isF32()) {
      float x;
      uint32_t w = static_cast<uint32_t>(raw);
      std::memcpy(&x, &w, sizeof(x));
      values.push_back(x);
    } else {
      APFloat x(element.getFloatSemantics(), APInt(element.getWidth(), raw));
      values.push_back(x.convertToDouble());
    }
  }
  return values;
}

std::optional<SmallVector<double>>
mlir::tfc::getConstantFloats(Value v, int64_t maxElements) {
  ElementsAttr attr = getConstantAttr(v);
  if (!attr)
    return std::nullopt;
  return readFloats(attr, maxElements);
}

std::optional<SmallVector<bool>>
mlir::tfc::getConstantBools(Value v, int64_t maxElements) {
  ElementsAttr attr = getConstantAttr(v);
  if (!attr)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isInteger(1) ||
      type.getNumElements() > maxElements)
    return std::nullopt;
  int64_t count = type.getNumElements();
  SmallVector<bool> values;
  values.reserve(count);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (bool b : dense.getValues<bool>())
      values.push_back(b);
    return values;
  }
  std::optional<ArrayRef<char>> bytes = resourceBytes(attr);
  if (!bytes || static_cast<int64_t>(bytes->size()) != count)
    return std::nullopt;
  for (char c : *bytes)
    values.push_back(c != 0);
  return values;
}

std::optional<double> mlir::tfc::getUniformFloat(Value v) {
  ElementsAttr attr = getConstantAttr(v);
  if (!attr)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr);
      dense && dense.isSplat() && isa<FloatType>(dense.getElementType()))
    return dense.getSplatValue<APFloat>().convertToDouble();
  // A small non-splat tensor (tensor<1xf32> from an exporter) may still hold
  // one value.
  std::optional<SmallVector<double>> values = readFloats(attr, 64);
  if (!values || values->empty())
    return std::nullopt;
  double first = values->front();
  for (double x : *values)
    if (!(x == first || (std::isnan(x) && std::isnan(first))))
      return std::nullopt;
  return first;
}

bool mlir::tfc::isUniformFloat(Value v, double expected, unsigned ulps) {
  std::optional<double> value = getUniformFloat(v);
  if (!value)
    return false;
  auto element =
      cast<FloatType>(cast<ShapedType>(v.getType()).getElementType());
  APFloat rounded(expected);
  bool lostInfo = false;
  rounded.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &lostInfo);
  double target = rounded.convertToDouble();
  if (*value == target)
    return true;
  if (ulps == 0 || !std::isfinite(target))
    return false;
  // One ulp of the element type at `target`'s magnitude.
  int precision = APFloat::semanticsPrecision(element.getFloatSemantics());
  double ulp = std::ldexp(1.0, std::ilogb(target) - (precision - 1));
  return std::fabs(*value - target) <= ulps * ulp;
}

ElementsAttr mlir::tfc::convertFloatElements(ElementsAttr attr,
                                             FloatType elementType,
                                             StringRef blobName) {
  if (!isa<FloatType>(attr.getElementType()))
    return {};
  auto type = cast<RankedTensorType>(attr.getType()).clone(elementType);
  const llvm::fltSemantics &semantics = elementType.getFloatSemantics();
  auto convert = [&](double x) {
    APFloat f(x);
    bool lostInfo = false;
    f.convert(semantics, APFloat::rmNearestTiesToEven, &lostInfo);
    return f;
  };
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat())
    return DenseElementsAttr::get(
        type, convert(dense.getSplatValue<APFloat>().convertToDouble()));
  std::optional<SmallVector<double>> values =
      readFloats(attr, std::numeric_limits<int64_t>::max());
  if (!values)
    return {};
  if (!isa<DenseResourceElementsAttr>(attr)) {
    SmallVector<APFloat> converted;
    converted.reserve(values->size());
    for (double x : *values)
      converted.push_back(convert(x));
    return DenseElementsAttr::get(type, converted);
  }
  unsigned width = elementType.getWidth() / 8;
  std::vector<char> bytes(values->size() * width);
  for (size_t i = 0; i < values->size(); ++i) {
    uint64_t raw = convert((*values)[i]).bitcastToAPInt().getZExtValue();
    for (unsigned b = 0; b < width; ++b)
      bytes[i * width + b] = static_cast<char>((raw >> (8 * b)) & 0xff);
  }
  // 64-byte alignment, as the importer's blobs (vector loads, artifact).
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
      ArrayRef<char>(bytes), 64);
  return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
}
