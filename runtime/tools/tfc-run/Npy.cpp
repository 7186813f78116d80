//===- Npy.cpp - Strict reader and writer of NumPy .npy files -------------===//
//
// The header of a .npy file is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here by a small recursive reader that accepts exactly the three keys
// NumPy writes, in any order, and nothing else.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include "tfc/artifact_format.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tfc {
namespace npy {
namespace {

const char magic[] = "\x93NUMPY";
constexpr size_t magicSize = 6;

/// Cursor over the header text.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  bool parse(Array &out, std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("header does not start with '{'", error);
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return fail("expected a quoted key", error);
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after '" + key + "'", error);
      skipSpace();
      if (key == "descr") {
        if (!parseString(out.descr))
          return fail("'descr' is not a string", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        bool fortran;
        if (!parseBool(fortran))
          return fail("'fortran_order' is not True or False", error);
        if (fortran)
          return fail("Fortran-order arrays are not supported; save the "
                      "array in C order (np.ascontiguousarray)",
                      error);
        haveOrder = true;
      } else if (key == "shape") {
        if (!parseShape(out.shape))
          return fail("'shape' is not a tuple of non-negative integers", error);
        haveShape = true;
      } else {
        return fail("unexpected key '" + key + "'", error);
      }
      skipSpace();
      if (consume('}'))
        break;
      if (!consume(','))
        return fail("expected ',' or '}'", error);
    }
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the header dict", error);
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("header lacks one of 'descr', 'fortran_order', 'shape'",
                  error);
    return true;
  }

private:
  static bool fail(const std::string &message, std::string &error) {
    error = "bad .npy header: " + message;
    return false;
  }
  void skipSpace() {
    while (pos < text.size() &&
           std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool parseString(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == std::string::npos)
      return false;
    out = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  }
  bool parseBool(bool &out) {
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      out = true;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      out = false;
      return true;
    }
    return false;
  }
  bool parseShape(std::vector<int64_t> &out) {
    out.clear();
    if (!consume('('))
      return false;
    while (true) {
      skipSpace();
      if (consume(')'))
        return true;
      size_t start = pos;
      int64_t value = 0;
      while (pos < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[pos]))) {
        if (value > (INT64_MAX - 9) / 10)
          return false;
        value = value * 10 + (text[pos++] - '0');
      }
      if (pos == start)
        return false;
      out.push_back(value);
      skipSpace();
      if (consume(')'))
        return true;
      if (!consume(','))
        return false;
    }
  }

  const std::string &text;
  size_t pos = 0;
};

uint32_t readLittleEndian(const std::string &bytes, size_t offset,
                          size_t size) {
  uint32_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= uint32_t(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return value;
}

} // namespace

size_t itemSize(const std::string &descr) {
  static const struct {
    const char *descr;
    size_t size;
  } table[] = {{"<f4", 4}, {"<f2", 2}, {"<i8", 8}, {"<i4", 4},
               {"|i1", 1}, {"|u1", 1}, {"|b1", 1}, {"<u2", 2}};
  for (const auto &entry : table)
    if (descr == entry.descr)
      return entry.size;
  return 0;
}

const char *descrForDType(uint32_t dtype) {
  switch (dtype) {
  case TFCM_DTYPE_F32:
    return "<f4";
  case TFCM_DTYPE_F16:
    return "<f2";
  case TFCM_DTYPE_BF16:
    return "<u2";
  case TFCM_DTYPE_I64:
    return "<i8";
  case TFCM_DTYPE_I32:
    return "<i4";
  case TFCM_DTYPE_I8:
    return "|i1";
  case TFCM_DTYPE_U8:
    return "|u1";
  case TFCM_DTYPE_BOOL:
    return "|b1";
  default:
    return nullptr;
  }
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << "(";
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  if (shape.size() == 1)
    os << ",";
  os << ")";
  return os.str();
}

bool parse(const std::string &bytes, Array &out, std::string &error) {
  if (bytes.size() < magicSize + 2 ||
      bytes.compare(0, magicSize, magic, magicSize) != 0) {
    error = "not a .npy file (no \\x93NUMPY magic)";
    return false;
  }
  int major = static_cast<unsigned char>(bytes[magicSize]);
  size_t lengthSize = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
  if (lengthSize == 0) {
    error = "unsupported .npy format version " + std::to_string(major);
    return false;
  }
  size_t headerStart = magicSize + 2 + lengthSize;
  if (bytes.size() < headerStart) {
    error = ".npy file is truncated inside its header";
    return false;
  }
  size_t headerLength = readLittleEndian(bytes, magicSize + 2, lengthSize);
  if (bytes.size() - headerStart < headerLength) {
    error = ".npy file is truncated inside its header";
    return false;
  }
  std::string header = bytes.substr(headerStart, headerLength);
  if (header.empty() || header.back() != '\n') {
    error = "bad .npy header: it does not end with a newline";
    return false;
  }
  Array array;
  if (!HeaderParser(header).parse(array, error))
    return false;
  size_t size = itemSize(array.descr);
  if (size == 0) {
    error = "unsupported .npy dtype '" + array.descr +
            "' (supported: <f4 <f2 <i8 <i4 |i1 |u1 |b1, and <u2 for bf16)";
    return false;
  }
  uint64_t elements = 1;
  for (int64_t dim : array.shape) {
    if (dim != 0 && elements > UINT64_MAX / size / uint64_t(dim)) {
      error =
          "bad .npy header: shape " + shapeString(array.shape) + " overflows";
      return false;
    }
    elements *= uint64_t(dim);
  }
  uint64_t dataBytes = elements * size;
  uint64_t available = bytes.size() - headerStart - headerLength;
  if (available != dataBytes) {
    error = ".npy data has " + std::to_string(available) + " bytes; " +
            array.descr + " " + shapeString(array.shape) + " needs " +
            std::to_string(dataBytes);
    return false;
  }
  array.data = bytes.substr(headerStart + headerLength);
  out = std::move(array);
  return true;
}

bool readFile(const std::string &path, Array &out, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!parse(contents.str(), out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

std::string serialize(const std::string &descr,
                      const std::vector<int64_t> &shape, const void *data,
                      size_t bytes) {
  std::string dict =
      "{'descr': '" + descr +
      "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  size_t lengthSize = dict.size() + 1 + magicSize + 2 + 2 > 65535 ? 4 : 2;
  size_t prefix = magicSize + 2 + lengthSize;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';
  std::string out(magic, magicSize);
  out += char(lengthSize == 2 ? 1 : 2);
  out += char(0);
  for (size_t i = 0; i < lengthSize; ++i)
    out += char((dict.size() >> (8 * i)) & 0xff);
  out += dict;
  out.append(static_cast<const char *>(data), bytes);
  return out;
}

bool writeFile(const std::string &path, const std::string &descr,
               const std::vector<int64_t> &shape, const void *data,
               size_t bytes, std::string &error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot open '" + path + "' for writing: " + std::strerror(errno);
    return false;
  }
  std::string contents = serialize(descr, shape, data, bytes);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

} // namespace npy
} // namespace tfc
