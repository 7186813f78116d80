//===- Npy.cpp - strict .npy reader and writer ------------------*- C++ -*-===//
//
// Implements the NumPy `.npy` format (versions 1.0, 2.0 and 3.0) for the
// reference executor's inputs and outputs: a small parser for the header's
// Python dict literal, exact dtype and shape checks, and a writer that pads
// the header to 64 bytes as NumPy does.
//
//===----------------------------------------------------------------------===//

#include "tfc/Reference/Npy.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

std::string reference::npyDescrFor(Type elementType) {
  if (auto f = dyn_cast<FloatType>(elementType)) {
    if (f.isF64())
      return "<f8";
    if (f.isF16())
      return "<f2";
    return "<f4";
  }
  if (auto i = dyn_cast<IntegerType>(elementType)) {
    switch (i.getWidth()) {
    case 1:
      return "|b1";
    case 8:
      return "|i1";
    case 16:
      return "<i2";
    case 32:
      return "<i4";
    case 64:
      return "<i8";
    default:
      return "";
    }
  }
  return "";
}

/// Bytes per element of a supported dtype, 0 if unsupported.
static int64_t itemSize(StringRef descr) {
  return llvm::StringSwitch<int64_t>(descr)
      .Case("<f8", 8)
      .Case("<f4", 4)
      .Case("<f2", 2)
      .Case("<i8", 8)
      .Case("<i4", 4)
      .Case("<i2", 2)
      .Case("|i1", 1)
      .Case("|b1", 1)
      .Default(0);
}

namespace {
/// Parses the header dict, e.g.
/// {'descr': '<f4', 'fortran_order': False, 'shape': (4, 32), }
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  LogicalResult parse(NpyArray &array, std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!consume('{'))
      return fail("header does not start with '{'", error);
    while (!consume('}')) {
      std::string key;
      if (failed(parseString(key)) || !consume(':'))
        return fail("malformed header dict", error);
      if (key == "descr") {
        if (failed(parseString(array.descr)))
          return fail("'descr' is not a string", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        skipSpace();
        if (text.consume_front("False")) {
          haveOrder = true;
        } else if (text.starts_with("True")) {
          return fail("Fortran-order arrays are not supported (save a "
                      "C-contiguous array)",
                      error);
        } else {
          return fail("'fortran_order' is not True or False", error);
        }
      } else if (key == "shape") {
        if (!consume('('))
          return fail("'shape' is not a tuple", error);
        while (!consume(')')) {
          skipSpace();
          size_t digits = text.find_first_not_of("0123456789");
          int64_t dim;
          if (digits == 0 || text.take_front(digits).getAsInteger(10, dim))
            return fail("'shape' holds a non-integer", error);
          array.shape.push_back(dim);
          text = text.drop_front(digits);
          consume(',');
        }
        haveShape = true;
      } else {
        return fail("unexpected header key '" + key + "'", error);
      }
      consume(',');
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("header lacks 'descr', 'fortran_order' or 'shape'", error);
    return success();
  }

private:
  void skipSpace() { text = text.ltrim(" \t\n"); }
  bool consume(char c) {
    skipSpace();
    return text.consume_front(StringRef(&c, 1));
  }
  LogicalResult parseString(std::string &out) {
    skipSpace();
    if (text.empty() || (text[0] != '\'' && text[0] != '"'))
      return failure();
    char quote = text[0];
    size_t end = text.find(quote, 1);
    if (end == StringRef::npos)
      return failure();
    out = text.substr(1, end - 1).str();
    text = text.drop_front(end + 1);
    return success();
  }
  static LogicalResult fail(const std::string &message, std::string &error) {
    error = message;
    return failure();
  }

  StringRef text;
};
} // namespace

FailureOr<NpyArray> reference::readNpy(StringRef path, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return failure();
  }
  StringRef bytes = (*buffer)->getBuffer();
  auto fail = [&](const std::string &message) -> FailureOr<NpyArray> {
    error = "'" + path.str() + "' is not a valid .npy file: " + message;
    return failure();
  };
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return fail("missing the \\x93NUMPY magic");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                (static_cast<unsigned char>(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated header");
    uint32_t len;
    std::memcpy(&len, bytes.data() + 8, 4);
    headerLen = len;
    headerStart = 12;
  } else {
    return fail("unsupported format version " + std::to_string(major));
  }
  if (headerStart + headerLen > bytes.size())
    return fail("truncated header");
  NpyArray array;
  HeaderParser parser(bytes.substr(headerStart, headerLen));
  std::string headerError;
  if (failed(parser.parse(array, headerError)))
    return fail(headerError);
  int64_t size = itemSize(array.descr);
  if (size == 0)
    return fail("unsupported dtype '" + array.descr +
                "' (supported: <f8 <f4 <f2 <i8 <i4 <i2 |i1 |b1, "
                "little-endian)");
  int64_t count = 1;
  for (int64_t d : array.shape)
    count *= d;
  StringRef data = bytes.drop_front(headerStart + headerLen);
  if (static_cast<int64_t>(data.size()) != count * size)
    return fail("data holds " + std::to_string(data.size()) +
                " bytes but dtype '" + array.descr + "' and shape need " +
                std::to_string(count * size));
  array.data.assign(data.begin(), data.end());
  return array;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

FailureOr<Tensor> reference::tensorFromNpy(const NpyArray &array,
                                           RankedTensorType type,
                                           std::string &error) {
  std::string typeStr;
  llvm::raw_string_ostream os(typeStr);
  os << type;
  std::string want = npyDescrFor(type.getElementType());
  if (want.empty() || !isSupportedElementType(type.getElementType())) {
    error = "no .npy dtype for " + typeStr;
    return failure();
  }
  if (array.descr != want) {
    error = "dtype '" + array.descr + "' does not match " + typeStr +
            " (expected '" + want + "')";
    return failure();
  }
  if (ArrayRef<int64_t>(array.shape) != type.getShape()) {
    error = "shape " + shapeString(array.shape) + " does not match " +
            typeStr + " (expected " + shapeString(type.getShape()) + ")";
    return failure();
  }
  Tensor tensor(type);
  const char *p = array.data.data();
  int64_t n = tensor.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    if (want == "<f8") {
      std::memcpy(&tensor.floats[i], p + 8 * i, 8);
    } else if (want == "<f4") {
      float x;
      std::memcpy(&x, p + 4 * i, 4);
      tensor.floats[i] = x;
    } else if (want == "<f2") {
      uint16_t bits;
      std::memcpy(&bits, p + 2 * i, 2);
      tensor.floats[i] =
          APFloat(APFloat::IEEEhalf(), APInt(16, bits)).convertToDouble();
    } else if (want == "<i8") {
      std::memcpy(&tensor.ints[i], p + 8 * i, 8);
    } else if (want == "<i4") {
      int32_t x;
      std::memcpy(&x, p + 4 * i, 4);
      tensor.ints[i] = x;
    } else if (want == "<i2") {
      int16_t x;
      std::memcpy(&x, p + 2 * i, 2);
      tensor.ints[i] = x;
    } else if (want == "|i1") {
      tensor.ints[i] = static_cast<int8_t>(p[i]);
    } else {
      unsigned char b = static_cast<unsigned char>(p[i]);
      if (b > 1) {
        error = "bool element " + std::to_string(i) + " holds byte " +
                std::to_string(b) + ", not 0 or 1";
        return failure();
      }
      tensor.ints[i] = b;
    }
  }
  // bf16 and other narrow floats arrive as f32: round them to the type.
  roundToElementType(tensor);
  return tensor;
}

LogicalResult reference::writeNpy(StringRef path, const Tensor &tensor,
                                  std::string &error) {
  std::string descr = npyDescrFor(tensor.getElementType());
  if (descr.empty()) {
    error = "no .npy dtype for the element type";
    return failure();
  }
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': (";
  for (auto [i, d] : llvm::enumerate(tensor.getShape()))
    header += (i ? ", " : "") + std::to_string(d);
  header += tensor.getRank() == 1 ? ",), }" : "), }";
  // Pad with spaces so that magic + version + length + header is a multiple
  // of 64 bytes, ending in a newline.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return failure();
  }
  os << "\x93NUMPY" << char(1) << char(0);
  uint16_t len = static_cast<uint16_t>(header.size());
  os << char(len & 0xff) << char(len >> 8) << header;
  int64_t n = tensor.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    if (descr == "<f8") {
      os.write(reinterpret_cast<const char *>(&tensor.floats[i]), 8);
    } else if (descr == "<f4") {
      float x = static_cast<float>(tensor.floats[i]);
      os.write(reinterpret_cast<const char *>(&x), 4);
    } else if (descr == "<f2") {
      APFloat f(tensor.floats[i]);
      bool losesInfo;
      f.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &losesInfo);
      uint16_t bits =
          static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
      os.write(reinterpret_cast<const char *>(&bits), 2);
    } else if (descr == "<i8") {
      os.write(reinterpret_cast<const char *>(&tensor.ints[i]), 8);
    } else if (descr == "<i4") {
      int32_t x = static_cast<int32_t>(tensor.ints[i]);
      os.write(reinterpret_cast<const char *>(&x), 4);
    } else if (descr == "<i2") {
      int16_t x = static_cast<int16_t>(tensor.ints[i]);
      os.write(reinterpret_cast<const char *>(&x), 2);
    } else {
      os << static_cast<char>(tensor.ints[i]);
    }
  }
  os.close();
  if (os.has_error()) {
    error = "cannot write '" + path.str() + "': " + os.error().message();
    os.clear_error();
    return failure();
  }
  return success();
}
