//===- OnnxTensors.cpp - ONNX data types and tensor payloads --------------===//
//
// Reading TensorProto payloads: raw_data is used in place, the typed repeated
// fields are packed into MLIR's storage layout, and external data is read
// from a file beside the model (paths may not leave that directory).
//
//===----------------------------------------------------------------------===//

#include "OnnxTensors.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace mlir::tfc::onnx_import;
using ::onnx::TensorProto;

Type mlir::tfc::onnx_import::getElementType(MLIRContext *context,
                                            int32_t dataType) {
  Builder b(context);
  switch (dataType) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::BOOL:
    return b.getI1Type();
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return b.getI8Type();
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return b.getI16Type();
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return b.getI32Type();
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return b.getI64Type();
  default:
    return {};
  }
}

bool mlir::tfc::onnx_import::isUnsignedDataType(int32_t dataType) {
  return dataType == TensorProto::UINT8 || dataType == TensorProto::UINT16 ||
         dataType == TensorProto::UINT32 || dataType == TensorProto::UINT64;
}

std::string mlir::tfc::onnx_import::getDataTypeName(int32_t dataType) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",         "UINT8",          "INT8",
      "UINT16",    "INT16",         "INT32",          "INT64",
      "STRING",    "BOOL",          "FLOAT16",        "DOUBLE",
      "UINT32",    "UINT64",        "COMPLEX64",      "COMPLEX128",
      "BFLOAT16",  "FLOAT8E4M3FN",  "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
      "FLOAT8E5M2FNUZ", "UINT4",    "INT4",           "FLOAT4E2M1"};
  if (dataType >= 0 && dataType < static_cast<int32_t>(std::size(names)))
    return names[dataType];
  return "data type " + std::to_string(dataType);
}

FailureOr<RankedTensorType>
mlir::tfc::onnx_import::getTensorType(const TensorProto &tensor, Location loc,
                                      StringRef what) {
  Type elementType = getElementType(loc.getContext(), tensor.data_type());
  if (!elementType)
    return emitError(loc) << what << " has element type "
                          << getDataTypeName(tensor.data_type())
                          << ", which tfc does not support";
  SmallVector<int64_t> shape;
  int64_t elements = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return emitError(loc) << what << " has a negative dimension " << dim;
    if (dim != 0 && elements > (int64_t(1) << 50) / dim)
      return emitError(loc) << what << " has more than 2^50 elements";
    elements *= dim;
    shape.push_back(dim);
  }
  return RankedTensorType::get(shape, elementType);
}

bool mlir::tfc::onnx_import::isWeightTensor(const TensorProto &tensor) {
  int64_t n = 1;
  for (int64_t dim : tensor.dims())
    n *= std::max<int64_t>(dim, 0);
  bool isFloat = tensor.data_type() == TensorProto::FLOAT ||
                 tensor.data_type() == TensorProto::DOUBLE ||
                 tensor.data_type() == TensorProto::FLOAT16 ||
                 tensor.data_type() == TensorProto::BFLOAT16;
  return (isFloat && n > kMaxConstantFloatElements) || n >= (1 << 20);
}

bool mlir::tfc::onnx_import::isFoldedAdditiveMask(const TensorProto &tensor) {
  if (tensor.data_location() == TensorProto::EXTERNAL)
    return false;
  const llvm::fltSemantics *semantics;
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
    semantics = &llvm::APFloat::IEEEsingle();
    break;
  case TensorProto::DOUBLE:
    semantics = &llvm::APFloat::IEEEdouble();
    break;
  case TensorProto::FLOAT16:
    semantics = &llvm::APFloat::IEEEhalf();
    break;
  case TensorProto::BFLOAT16:
    semantics = &llvm::APFloat::BFloat();
    break;
  default:
    return false;
  }
  unsigned bits = llvm::APFloat::getSizeInBits(*semantics);
  int64_t n = 1;
  for (int64_t dim : tensor.dims())
    n *= std::max<int64_t>(dim, 0);
  // The element bits, from raw_data or the typed field that holds them.
  const std::string &raw = tensor.raw_data();
  bool fromRaw = !raw.empty();
  if (fromRaw && static_cast<int64_t>(raw.size()) != n * (bits / 8))
    return false;
  if (!fromRaw) {
    int64_t stored = bits == 32   ? tensor.float_data_size()
                     : bits == 64 ? tensor.double_data_size()
                                  : tensor.int32_data_size();
    if (stored != n)
      return false;
  }
  auto elementAt = [&](int64_t i) {
    uint64_t word = 0;
    if (fromRaw) {
      std::memcpy(&word, raw.data() + i * (bits / 8), bits / 8); // little-endian
    } else if (bits == 32) {
      float f = tensor.float_data(i);
      uint32_t w;
      std::memcpy(&w, &f, 4);
      word = w;
    } else if (bits == 64) {
      double d = tensor.double_data(i);
      std::memcpy(&word, &d, 8);
    } else {
      word = static_cast<uint16_t>(tensor.int32_data(i));
    }
    return llvm::APFloat(*semantics, llvm::APInt(bits, word));
  };
  // As tfc-raise's masking values: -inf, or at most half the most negative
  // finite value (every one of these semantics converts to double exactly).
  double threshold =
      -0.5 * llvm::APFloat::getLargest(*semantics).convertToDouble();
  bool sawZero = false, sawMasking = false;
  for (int64_t i = 0; i < n; ++i) {
    llvm::APFloat x = elementAt(i);
    if (x.isNaN())
      return false;
    if (x.isZero()) {
      sawZero = true;
    } else if (x.convertToDouble() <= threshold) {
      sawMasking = true;
    } else {
      return false;
    }
  }
  return sawZero && sawMasking;
}

/// Bytes per element in MLIR's dense storage (i1 takes one byte here).
static size_t getStorageBytes(Type elementType) {
  return std::max<size_t>(1, elementType.getIntOrFloatBitWidth() / 8);
}

/// Packs a typed repeated field into `out`, narrowing each value to `width`
/// bytes (little-endian).
template <typename Field>
static void packField(const Field &field, size_t width, std::string &out) {
  out.resize(field.size() * width);
  for (int i = 0; i < field.size(); ++i) {
    auto value = field.Get(i);
    std::memcpy(&out[i * width], &value, width);
  }
}

FailureOr<ExternalDataRef>
mlir::tfc::onnx_import::getExternalDataRef(const TensorProto &tensor,
                                           Location loc, StringRef what) {
  ExternalDataRef ref;
  for (const auto &entry : tensor.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      ref.location = value.str();
    } else if (key == "offset" || key == "length") {
      uint64_t parsed;
      if (value.getAsInteger(10, parsed))
        return emitError(loc) << what << " has external data " << key << " '"
                              << value << "', which is not an integer";
      (key == "offset" ? ref.offset : ref.length.emplace()) = parsed;
    }
  }
  if (ref.location.empty())
    return emitError(loc) << what
                          << " stores its data externally but names no "
                             "'location'";
  namespace path = llvm::sys::path;
  if (path::is_absolute(ref.location) ||
      llvm::is_contained(llvm::make_range(path::begin(ref.location),
                                          path::end(ref.location)),
                         ".."))
    return emitError(loc) << what << " has external data location '"
                          << ref.location
                          << "' outside the model's directory, which is not "
                             "allowed";
  return ref;
}

/// Reads an external-data payload: keys `location`, `offset`, `length`.
static LogicalResult readExternalData(const TensorProto &tensor,
                                      StringRef baseDir, Location loc,
                                      StringRef what, std::string &out) {
  FailureOr<ExternalDataRef> ref = getExternalDataRef(tensor, loc, what);
  if (failed(ref))
    return failure();
  const std::string &location = ref->location;
  uint64_t offset = ref->offset;
  std::optional<uint64_t> length = ref->length;
  namespace path = llvm::sys::path;
  SmallString<256> file(baseDir);
  path::append(file, location);
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(loc) << what << ": cannot read external data file '"
                          << file << "': " << buffer.getError().message();
  uint64_t size = (*buffer)->getBufferSize();
  uint64_t count = length.value_or(offset <= size ? size - offset : 0);
  if (offset > size || count > size - offset)
    return emitError(loc) << what << ": external data [" << offset << ", "
                          << offset + count << ") lies outside '" << file
                          << "' of " << size << " bytes";
  out.assign((*buffer)->getBufferStart() + offset, count);
  return success();
}

FailureOr<TensorBytes>
mlir::tfc::onnx_import::readTensorBytes(const TensorProto &tensor,
                                        StringRef externalDataDir,
                                        Location loc, StringRef what) {
  auto type = getTensorType(tensor, loc, what);
  if (failed(type))
    return failure();
  TensorBytes result;
  result.type = *type;
  Type elementType = type->getElementType();
  size_t width = getStorageBytes(elementType);
  uint64_t expected = type->getNumElements() * width;

  if (tensor.data_location() == TensorProto::EXTERNAL) {
    if (failed(readExternalData(tensor, externalDataDir, loc, what,
                                result.owned)))
      return failure();
  } else if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    result.borrowed = ArrayRef<char>(raw.data(), raw.size());
  } else {
    switch (tensor.data_type()) {
    case TensorProto::FLOAT:
      packField(tensor.float_data(), width, result.owned);
      break;
    case TensorProto::DOUBLE:
      packField(tensor.double_data(), width, result.owned);
      break;
    case TensorProto::INT64:
      packField(tensor.int64_data(), width, result.owned);
      break;
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      packField(tensor.uint64_data(), width, result.owned);
      break;
    default: // Everything narrower travels in int32_data.
      packField(tensor.int32_data(), width, result.owned);
      break;
    }
  }
  if (result.getBytes().size() != expected)
    return emitError(loc) << what << " holds " << result.getBytes().size()
                          << " bytes of data but its type " << *type
                          << " needs " << expected;
  return result;
}

DenseElementsAttr
mlir::tfc::onnx_import::toDenseElements(const TensorBytes &tensor) {
  if (tensor.type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    values.reserve(tensor.getBytes().size());
    for (char c : tensor.getBytes())
      values.push_back(c != 0);
    return DenseElementsAttr::get(tensor.type, values);
  }
  return DenseElementsAttr::getFromRawBuffer(tensor.type, tensor.getBytes());
}

ElementsAttr mlir::tfc::onnx_import::toDenseResource(const TensorBytes &tensor,
                                                     StringRef blobName) {
  // Resource keys print as bare identifiers: keep [A-Za-z0-9_.].
  std::string key = blobName.str();
  for (char &c : key)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  if (key.empty() || llvm::isDigit(key.front()))
    key.insert(0, "w_");
  // 64-byte alignment suits vector loads and the artifact's weight section.
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(tensor.getBytes(), 64);
  return DenseResourceElementsAttr::get(tensor.type, key, std::move(blob));
}
