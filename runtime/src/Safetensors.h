//===- Safetensors.h - Read the header of a safetensors file ----*- C++ -*-===//
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of
// JSON ({"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]},
// ..., "__metadata__": {...}}), then the tensors' bytes; data_offsets are
// relative to the first byte after the header. The runtime binds external
// weights to such tensors by name, so it reads the header itself (a small
// JSON reader, no dependency) and checks every entry before any byte is
// uploaded: dtype known, shape non-negative, [b, e) as long as dtype and
// shape say and inside the file.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_SAFETENSORS_H
#define TFC_RUNTIME_SAFETENSORS_H

#include "Status.h"
#include "tfc/ArtifactWriter.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tfc {
namespace rt {

struct SafetensorsTensor {
  std::string name;
  std::string dtype; ///< As the file spells it: "F32", "BF16", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0; ///< data_offsets, relative to dataStart
  uint64_t end = 0;
};

struct SafetensorsFile {
  std::string path;
  uint64_t fileSize = 0;
  uint64_t dataStart = 0; ///< 8 + header length
  std::vector<SafetensorsTensor> tensors; ///< In header order
  std::map<std::string, size_t> byName;   ///< Index into `tensors`

  const SafetensorsTensor *find(const std::string &name) const {
    auto it = byName.find(name);
    return it == byName.end() ? nullptr : &tensors[it->second];
  }
};

/// The largest header the reader accepts (the safetensors library's limit).
constexpr uint64_t kMaxSafetensorsHeaderBytes = 100u << 20;

/// Bytes per element of a safetensors dtype name; 0 if unknown.
size_t safetensorsDTypeSize(const std::string &dtype);

/// The safetensors name of an artifact dtype ("F32", "BF16", "BOOL", ...).
const char *safetensorsDTypeName(artifact::DType dtype);

/// Checks the JSON header `json` of the file at `path` (`fileSize` bytes,
/// tensor data from `dataStart`) and fills `out`. Errors are
/// TFC_ERROR_EXTERNAL_WEIGHTS and start with "safetensors file '<path>': ".
Status parseSafetensorsHeader(const std::string &json, uint64_t dataStart,
                              uint64_t fileSize, const std::string &path,
                              SafetensorsFile &out);

/// Reads and checks the header of the safetensors file at `path`.
Status readSafetensorsFile(const std::string &path, SafetensorsFile &out);

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_SAFETENSORS_H
