//===- Safetensors.cpp - Read the header of a safetensors file ------------===//
//
// The header is JSON, so this file holds a small JSON reader (objects,
// arrays, strings with escapes, numbers kept as text, literals; nesting
// limited) and the checks of the safetensors layout on top of it. Nothing
// here trusts the file: every length, offset and dimension is checked for
// overflow before it is used, so a corrupt file is an error, never a crash.
//
//===----------------------------------------------------------------------===//

#include "Safetensors.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace tfc {
namespace rt {
namespace {

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Null;
  std::string text; ///< String: the value; number: its literal; bool: "true"
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;
};

const char *kindName(JsonValue::Kind kind) {
  switch (kind) {
  case JsonValue::Null:
    return "null";
  case JsonValue::Bool:
    return "a boolean";
  case JsonValue::Number:
    return "a number";
  case JsonValue::String:
    return "a string";
  case JsonValue::Array:
    return "an array";
  case JsonValue::Object:
    return "an object";
  }
  return "?";
}

class JsonReader {
public:
  explicit JsonReader(const std::string &text) : text(text) {}

  /// Parses the whole text as one value; on failure `error` says where.
  bool parseDocument(JsonValue &out, std::string &error) {
    skipSpace();
    if (!parseValue(out, 0)) {
      error = message;
      return false;
    }
    skipSpace();
    if (pos != text.size()) {
      error = concat("unexpected '", describeChar(), "' at byte ", pos,
                     " after the end of the JSON value");
      return false;
    }
    return true;
  }

private:
  static constexpr int maxDepth = 64;

  bool fail(const std::string &what) {
    message = concat(what, " at byte ", pos);
    return false;
  }

  std::string describeChar() const {
    if (pos >= text.size())
      return "end of header";
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x20 || c >= 0x7f)
      return concat("\\x", "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]);
    return std::string(1, static_cast<char>(c));
  }

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  bool parseValue(JsonValue &out, int depth) {
    if (depth > maxDepth)
      return fail(concat("JSON nested deeper than ", maxDepth, " levels"));
    if (pos >= text.size())
      return fail("JSON ends where a value is expected");
    char c = text[pos];
    if (c == '{')
      return parseObject(out, depth);
    if (c == '[')
      return parseArray(out, depth);
    if (c == '"') {
      out.kind = JsonValue::String;
      return parseString(out.text);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber(out);
    for (const char *literal : {"true", "false", "null"}) {
      size_t n = std::strlen(literal);
      if (text.compare(pos, n, literal) == 0) {
        pos += n;
        out.kind = literal[0] == 'n' ? JsonValue::Null : JsonValue::Bool;
        out.text = literal;
        return true;
      }
    }
    return fail(concat("unexpected '", describeChar(),
                       "' where a JSON value is expected"));
  }

  bool parseObject(JsonValue &out, int depth) {
    out.kind = JsonValue::Object;
    ++pos; // '{'
    skipSpace();
    if (consume('}'))
      return true;
    while (true) {
      skipSpace();
      if (pos >= text.size() || text[pos] != '"')
        return fail("expected a string key in a JSON object");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after a JSON object key");
      skipSpace();
      JsonValue value;
      if (!parseValue(value, depth + 1))
        return false;
      out.members.emplace_back(std::move(key), std::move(value));
      skipSpace();
      if (consume('}'))
        return true;
      if (!consume(','))
        return fail("expected ',' or '}' in a JSON object");
    }
  }

  bool parseArray(JsonValue &out, int depth) {
    out.kind = JsonValue::Array;
    ++pos; // '['
    skipSpace();
    if (consume(']'))
      return true;
    while (true) {
      skipSpace();
      JsonValue value;
      if (!parseValue(value, depth + 1))
        return false;
      out.items.push_back(std::move(value));
      skipSpace();
      if (consume(']'))
        return true;
      if (!consume(','))
        return fail("expected ',' or ']' in a JSON array");
    }
  }

  static int hexDigit(char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  }

  bool parseHex4(uint32_t &out) {
    if (text.size() - pos < 4)
      return fail("JSON string ends inside a \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      int d = hexDigit(text[pos + i]);
      if (d < 0)
        return fail("invalid \\u escape in a JSON string");
      out = out * 16 + static_cast<uint32_t>(d);
    }
    pos += 4;
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool parseString(std::string &out) {
    ++pos; // '"'
    out.clear();
    while (true) {
      if (pos >= text.size())
        return fail("JSON string is not terminated");
      char c = text[pos];
      if (c == '"') {
        ++pos;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character inside a JSON string");
      if (c != '\\') {
        out += c;
        ++pos;
        continue;
      }
      if (++pos >= text.size())
        return fail("JSON string ends inside an escape");
      char e = text[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!parseHex4(cp))
          return false;
        if (cp >= 0xd800 && cp < 0xdc00) {
          uint32_t low;
          if (text.compare(pos, 2, "\\u") != 0)
            return fail("unpaired surrogate in a JSON string");
          pos += 2;
          if (!parseHex4(low))
            return false;
          if (low < 0xdc00 || low >= 0xe000)
            return fail("unpaired surrogate in a JSON string");
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          return fail("unpaired surrogate in a JSON string");
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        --pos;
        return fail(concat("invalid escape '\\", describeChar(),
                           "' in a JSON string"));
      }
    }
  }

  bool parseNumber(JsonValue &out) {
    size_t start = pos;
    consume('-');
    auto digits = [&] {
      size_t first = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ++pos;
      return pos > first;
    };
    if (!digits())
      return fail("invalid JSON number");
    if (consume('.') && !digits())
      return fail("invalid JSON number");
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
      ++pos;
      if (!consume('+'))
        consume('-');
      if (!digits())
        return fail("invalid JSON number");
    }
    out.kind = JsonValue::Number;
    out.text = text.substr(start, pos - start);
    return true;
  }

  const std::string &text;
  size_t pos = 0;
  std::string message;
};

/// A JSON number that is a non-negative integer fitting 63 bits.
bool toCount(const JsonValue &value, uint64_t &out) {
  if (value.kind != JsonValue::Number || value.text.empty())
    return false;
  uint64_t n = 0;
  for (char c : value.text) {
    if (c < '0' || c > '9')
      return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (uint64_t(INT64_MAX) - digit) / 10)
      return false;
    n = n * 10 + digit;
  }
  out = n;
  return true;
}

const JsonValue *member(const JsonValue &object, const char *key) {
  for (const auto &[name, value] : object.members)
    if (name == key)
      return &value;
  return nullptr;
}

} // namespace

//===----------------------------------------------------------------------===//
// safetensors
//===----------------------------------------------------------------------===//

size_t safetensorsDTypeSize(const std::string &dtype) {
  static const std::pair<const char *, size_t> sizes[] = {
      {"BOOL", 1},    {"U8", 1},      {"I8", 1},  {"F8_E5M2", 1},
      {"F8_E4M3", 1}, {"I16", 2},     {"U16", 2}, {"F16", 2},
      {"BF16", 2},    {"I32", 4},     {"U32", 4}, {"F32", 4},
      {"F64", 8},     {"I64", 8},     {"U64", 8}};
  for (const auto &[name, size] : sizes)
    if (dtype == name)
      return size;
  return 0;
}

const char *safetensorsDTypeName(artifact::DType dtype) {
  switch (dtype) {
  case artifact::DType::F32:
    return "F32";
  case artifact::DType::F16:
    return "F16";
  case artifact::DType::BF16:
    return "BF16";
  case artifact::DType::I64:
    return "I64";
  case artifact::DType::I32:
    return "I32";
  case artifact::DType::I8:
    return "I8";
  case artifact::DType::U8:
    return "U8";
  case artifact::DType::Bool:
    return "BOOL";
  }
  return "?";
}

Status parseSafetensorsHeader(const std::string &json, uint64_t dataStart,
                              uint64_t fileSize, const std::string &path,
                              SafetensorsFile &out) {
  std::string where = "safetensors file '" + path + "': ";
  auto error = [&](const std::string &message) {
    return Status(TFC_ERROR_EXTERNAL_WEIGHTS, where + message);
  };
  out = SafetensorsFile();
  out.path = path;
  out.fileSize = fileSize;
  out.dataStart = dataStart;
  uint64_t dataSize = fileSize >= dataStart ? fileSize - dataStart : 0;

  JsonValue root;
  std::string jsonError;
  if (!JsonReader(json).parseDocument(root, jsonError))
    return error("header is not valid JSON: " + jsonError);
  if (root.kind != JsonValue::Object)
    return error(concat("header is ", kindName(root.kind),
                        "; it must be a JSON object"));

  for (const auto &[name, entry] : root.members) {
    if (name == "__metadata__") {
      if (entry.kind != JsonValue::Object)
        return error(concat("'__metadata__' is ", kindName(entry.kind),
                            "; it must be an object"));
      continue;
    }
    std::string label = "tensor '" + name + "'";
    if (entry.kind != JsonValue::Object)
      return error(concat(label, " is ", kindName(entry.kind),
                          "; it must be an object with dtype, shape and "
                          "data_offsets"));
    if (out.byName.count(name))
      return error(label + " appears twice in the header");
    SafetensorsTensor tensor;
    tensor.name = name;

    const JsonValue *dtype = member(entry, "dtype");
    if (!dtype || dtype->kind != JsonValue::String)
      return error(label + " has no dtype string");
    tensor.dtype = dtype->text;

    const JsonValue *shape = member(entry, "shape");
    if (!shape || shape->kind != JsonValue::Array)
      return error(label + " has no shape array");
    uint64_t elements = 1;
    bool overflow = false;
    for (size_t i = 0; i < shape->items.size(); ++i) {
      uint64_t dim;
      if (!toCount(shape->items[i], dim))
        return error(concat(label, " has shape entry ", i, " '",
                            shape->items[i].text,
                            "'; dims must be non-negative integers"));
      tensor.shape.push_back(static_cast<int64_t>(dim));
      if (dim != 0 && elements > UINT64_MAX / dim)
        overflow = true;
      elements *= dim;
    }

    const JsonValue *offsets = member(entry, "data_offsets");
    if (!offsets || offsets->kind != JsonValue::Array ||
        offsets->items.size() != 2 ||
        !toCount(offsets->items[0], tensor.begin) ||
        !toCount(offsets->items[1], tensor.end))
      return error(label + " has no data_offsets [begin, end] of two "
                           "non-negative integers");
    if (tensor.begin > tensor.end)
      return error(concat(label, " has data_offsets [", tensor.begin, ", ",
                          tensor.end, "]; begin is after end"));

    size_t elementSize = safetensorsDTypeSize(tensor.dtype);
    uint64_t span = tensor.end - tensor.begin;
    if (elementSize != 0 &&
        (overflow || (elements != 0 && elementSize > UINT64_MAX / elements) ||
         elements * elementSize != span))
      return error(concat(label, " spans ", span, " bytes (data_offsets [",
                          tensor.begin, ", ", tensor.end, "]); ", tensor.dtype,
                          " with ", tensor.shape.size(), " dims of ", elements,
                          " elements needs ",
                          overflow ? std::string("more than 2^64")
                                   : std::to_string(elements * elementSize)));
    if (tensor.end > dataSize)
      return error(concat("the file is truncated: it has ", fileSize,
                          " bytes; ", label, " needs bytes [",
                          dataStart + tensor.begin, ", ", dataStart + tensor.end,
                          ")"));
    out.byName.emplace(name, out.tensors.size());
    out.tensors.push_back(std::move(tensor));
  }
  return Status::success();
}

Status readSafetensorsFile(const std::string &path, SafetensorsFile &out) {
  std::string where = "safetensors file '" + path + "': ";
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where, "cannot open it: ",
                     std::strerror(errno));
  struct Closer {
    std::FILE *file;
    ~Closer() { std::fclose(file); }
  } closer{file};

  if (::fseeko(file, 0, SEEK_END) != 0)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where, "cannot seek: ",
                     std::strerror(errno));
  off_t end = ::ftello(file);
  if (end < 0)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where,
                     "cannot tell its size: ", std::strerror(errno));
  uint64_t fileSize = static_cast<uint64_t>(end);
  std::rewind(file);

  unsigned char lengthBytes[8];
  if (fileSize < 8 || std::fread(lengthBytes, 1, 8, file) != 8)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where,
                     "the file is truncated: it has ", fileSize,
                     " bytes; the header length alone needs 8");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = headerSize << 8 | lengthBytes[i];
  if (headerSize < 2 || headerSize > kMaxSafetensorsHeaderBytes)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where,
                     "not a safetensors file: its first 8 bytes give a header "
                     "length of ",
                     headerSize, " bytes (2 to ", kMaxSafetensorsHeaderBytes,
                     " expected)");
  if (headerSize > fileSize - 8)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where,
                     "the file is truncated: it has ", fileSize,
                     " bytes; its header needs 8 + ", headerSize);
  std::string json(static_cast<size_t>(headerSize), '\0');
  if (std::fread(&json[0], 1, json.size(), file) != json.size())
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where,
                     "cannot read its header: ", std::strerror(errno));
  if (json[0] != '{')
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, where,
                     "not a safetensors file: the header does not start with "
                     "'{'");
  return parseSafetensorsHeader(json, 8 + headerSize, fileSize, path, out);
}

} // namespace rt
} // namespace tfc
