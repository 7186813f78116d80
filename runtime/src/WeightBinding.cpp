//===- WeightBinding.cpp - Find the bytes of every external weight --------===//
//
// The plan:
//   1. with weight files given, read each safetensors header once and index
//      the tensors by name (a name in two files is an error); bind every
//      external weight, whatever its storage, by its tensor name;
//   2. otherwise bind each external weight to its own file, resolved against
//      the weights folder: raw storage (ONNX external data) must hold the
//      weight's bytes at its offset; safetensors storage is looked up by
//      name in that file's header (each file read once);
//   3. a safetensors tensor must have the weight's shape and its dtype, or
//      the source dtype the artifact records for it (format version 3: a
//      bf16 weight whose file stores f32); its byte span was checked
//      against them when the header was read;
//   4. at upload, readWeightData reads the bound bytes in pieces and
//      converts a weight stored in another float type on the way (round to
//      nearest even), so it is converted once per session, never per run.
//
//===----------------------------------------------------------------------===//

#include "WeightBinding.h"
#include "Safetensors.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <sys/stat.h>

namespace tfc {
namespace rt {
namespace {

std::string joinPath(const std::string &dir, const std::string &path) {
  if (dir.empty() || dir == ".")
    return path;
  return dir.back() == '/' ? dir + path : dir + "/" + path;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string weightLabel(const LoadedWeight &weight, size_t index) {
  return concat("weight ", index, " '", weight.tensor.spec.name, "'");
}

/// Checks that `tensor` of `file` can hold `weight`; returns where it starts.
Status matchTensor(const LoadedWeight &weight, const std::string &label,
                   const SafetensorsFile &file,
                   const SafetensorsTensor &tensor, WeightSource &source) {
  const TensorSpec &spec = weight.tensor.spec;
  const char *wanted = safetensorsDTypeName(spec.dtype);
  DType fileDtype = spec.dtype;
  if (tensor.dtype != wanted) {
    if (!weight.convertedAtLoad() ||
        tensor.dtype != safetensorsDTypeName(weight.sourceDtype))
      return makeError(
          TFC_ERROR_EXTERNAL_WEIGHTS, label, ": tensor '", tensor.name,
          "' of '", file.path, "' is ", tensor.dtype, "; the artifact needs ",
          artifact::dtypeName(spec.dtype), " (", wanted, ")",
          weight.convertedAtLoad()
              ? concat(" or ", artifact::dtypeName(weight.sourceDtype), " (",
                       safetensorsDTypeName(weight.sourceDtype),
                       ", converted to ", artifact::dtypeName(spec.dtype),
                       " at load)")
              : std::string());
    fileDtype = weight.sourceDtype;
  }
  if (tensor.shape != spec.shape)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": tensor '",
                     tensor.name, "' of '", file.path, "' has shape ",
                     shapeString(tensor.shape), "; the artifact needs ",
                     shapeString(spec.shape));
  // Same dtype and shape, so the span the header check accepted is exactly
  // the weight's size in that dtype; this guards the invariant.
  uint64_t bytes = fileDtype == spec.dtype ? weight.tensor.byteSize
                                           : weight.sourceByteSize();
  if (tensor.end - tensor.begin != bytes)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": tensor '",
                     tensor.name, "' of '", file.path, "' spans ",
                     tensor.end - tensor.begin, " bytes; the artifact needs ",
                     bytes);
  source.path = file.path;
  source.offset = file.dataStart + tensor.begin;
  source.fileDtype = fileDtype;
  return Status::success();
}

Status bindRawFile(const LoadedWeight &weight, const std::string &label,
                   const std::string &path, WeightSource &source) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label,
                     ": external weights file '", path,
                     "' is missing: ", std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label,
                     ": external weights file '", path,
                     "' is not a regular file");
  uint64_t fileSize = static_cast<uint64_t>(info.st_size);
  // The file holds the source dtype (the weight's own unless converted).
  uint64_t bytes = weight.sourceByteSize();
  if (weight.dataOffset > fileSize || bytes > fileSize - weight.dataOffset)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label,
                     ": external weights file '", path, "' has ", fileSize,
                     " bytes; the weight needs bytes [", weight.dataOffset,
                     ", +", bytes, ")");
  source.path = path;
  source.offset = weight.dataOffset;
  source.fileDtype = weight.sourceDtype;
  return Status::success();
}

/// Step 1: every external weight from the given safetensors files.
Status bindFromFiles(const Artifact &artifact,
                     const std::vector<std::string> &paths,
                     std::vector<WeightSource> &out) {
  std::vector<SafetensorsFile> files(paths.size());
  std::map<std::string, std::pair<size_t, size_t>> index; // file, tensor
  size_t tensorCount = 0;
  for (size_t f = 0; f < paths.size(); ++f) {
    TFC_RETURN_IF_ERROR(readSafetensorsFile(paths[f], files[f]));
    for (size_t t = 0; t < files[f].tensors.size(); ++t) {
      const std::string &name = files[f].tensors[t].name;
      auto [it, inserted] = index.emplace(name, std::make_pair(f, t));
      if (!inserted)
        return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, "tensor '", name,
                         "' is in two weights files, '",
                         files[it->second.first].path, "' and '", paths[f],
                         "'");
    }
    tensorCount += files[f].tensors.size();
  }
  std::string fileList;
  for (const std::string &path : paths)
    fileList += (fileList.empty() ? "'" : ", '") + path + "'";

  for (size_t i = 0; i < artifact.weights.size(); ++i) {
    const LoadedWeight &weight = artifact.weights[i];
    if (weight.storage == WeightStorage::Inline)
      continue;
    std::string label = weightLabel(weight, i);
    const std::string &name = bindingName(weight);
    auto found = index.find(name);
    if (found == index.end())
      return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": no tensor '",
                       name, "' in the weights file",
                       paths.size() > 1 ? "s " : " ", fileList, " (",
                       tensorCount, " tensors)");
    const SafetensorsFile &file = files[found->second.first];
    TFC_RETURN_IF_ERROR(matchTensor(weight, label, file,
                                    file.tensors[found->second.second],
                                    out[i]));
  }
  return Status::success();
}

/// Step 2: every external weight from the file the artifact names.
Status bindFromArtifactFiles(const Artifact &artifact, const std::string &dir,
                             std::vector<WeightSource> &out) {
  std::map<std::string, SafetensorsFile> headers;
  for (size_t i = 0; i < artifact.weights.size(); ++i) {
    const LoadedWeight &weight = artifact.weights[i];
    if (weight.storage == WeightStorage::Inline)
      continue;
    std::string label = weightLabel(weight, i);
    std::string path = joinPath(dir, weight.externalPath);
    if (weight.storage == WeightStorage::External) {
      TFC_RETURN_IF_ERROR(bindRawFile(weight, label, path, out[i]));
      continue;
    }
    auto it = headers.find(path);
    if (it == headers.end()) {
      SafetensorsFile file;
      Status status = readSafetensorsFile(path, file);
      if (status.failed())
        return Status(status.code(), label + ": " + status.message());
      it = headers.emplace(path, std::move(file)).first;
    }
    const SafetensorsTensor *tensor = it->second.find(weight.externalName);
    if (!tensor)
      return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": no tensor '",
                       weight.externalName, "' in the weights file '", path,
                       "' (", it->second.tensors.size(), " tensors)");
    TFC_RETURN_IF_ERROR(matchTensor(weight, label, it->second, *tensor, out[i]));
  }
  return Status::success();
}

} // namespace

const std::string &bindingName(const LoadedWeight &weight) {
  return weight.externalName.empty() ? weight.tensor.spec.name
                                     : weight.externalName;
}

Status bindWeights(const Artifact &artifact, const WeightBindOptions &options,
                   std::vector<WeightSource> &out) {
  out.assign(artifact.weights.size(), WeightSource());
  for (size_t i = 0; i < artifact.weights.size(); ++i)
    out[i].fileDtype = artifact.weights[i].tensor.spec.dtype;
  if (!options.weightFiles.empty())
    return bindFromFiles(artifact, options.weightFiles, out);
  return bindFromArtifactFiles(
      artifact,
      options.weightsDir.empty() ? artifact.baseDir : options.weightsDir, out);
}

namespace {

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float bitsToFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0) { // zero or subnormal: mantissa * 2^-24, exact in f32
    float magnitude = std::ldexp(float(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31) // infinity or NaN
    return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
  return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

uint16_t floatToHalf(float value) {
  uint32_t bits = floatBits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) // NaN: quiet, keeping the top payload bits
    return sign | 0x7e00u | static_cast<uint16_t>((magnitude >> 13) & 0x1ffu);
  if (magnitude >= 0x477ff000u) // >= 65520 rounds past 65504: infinity
    return sign | 0x7c00u;
  if (magnitude < 0x38800000u) { // below 2^-14: a subnormal (or zero)
    // Multiples of 2^-24, rounded to nearest even (the default FP mode);
    // 1024 * 2^-24 is the smallest normal, whose encoding is 0x400.
    float scaled = std::fabs(value) * 16777216.0f;
    return sign | static_cast<uint16_t>(std::nearbyint(scaled));
  }
  // Rebias the exponent (127 -> 15) and round the 13 dropped bits to
  // nearest even; a carry out of the mantissa bumps the exponent.
  uint32_t rebased = magnitude - (112u << 23);
  return sign | static_cast<uint16_t>(
                    (rebased + 0xfffu + ((rebased >> 13) & 1u)) >> 13);
}

uint16_t floatToBFloat16(float value) {
  uint32_t bits = floatBits(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: keep it NaN, quiet
    return static_cast<uint16_t>((bits >> 16) | 0x40u);
  return static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

float readFloat(const uint8_t *p, DType dtype) {
  if (dtype == DType::F32) {
    float value;
    std::memcpy(&value, p, sizeof(value));
    return value;
  }
  uint16_t h;
  std::memcpy(&h, p, sizeof(h));
  return dtype == DType::BF16 ? bitsToFloat(uint32_t(h) << 16) : halfToFloat(h);
}

void writeFloat(uint8_t *p, DType dtype, float value) {
  if (dtype == DType::F32) {
    std::memcpy(p, &value, sizeof(value));
    return;
  }
  uint16_t h =
      dtype == DType::BF16 ? floatToBFloat16(value) : floatToHalf(value);
  std::memcpy(p, &h, sizeof(h));
}

} // namespace

void convertFloatElements(const void *src, DType from, void *dst, DType to,
                          size_t count) {
  const auto *in = static_cast<const uint8_t *>(src);
  auto *out = static_cast<uint8_t *>(dst);
  size_t inSize = artifact::dtypeSize(from), outSize = artifact::dtypeSize(to);
  if (from == to) {
    std::memcpy(out, in, count * inSize);
    return;
  }
  if (from == DType::F32 && to == DType::BF16) { // the common case
    for (size_t i = 0; i < count; ++i) {
      float value;
      std::memcpy(&value, in + 4 * i, sizeof(value));
      uint16_t h = floatToBFloat16(value);
      std::memcpy(out + 2 * i, &h, sizeof(h));
    }
    return;
  }
  for (size_t i = 0; i < count; ++i)
    writeFloat(out + i * outSize, to, readFloat(in + i * inSize, from));
}

Status readWeightData(const LoadedWeight &weight, const WeightSource &source,
                      const std::string &label, size_t chunkBytes,
                      const WeightSink &sink) {
  const std::string &path = source.path;
  uint64_t offset = source.offset;
  DType to = weight.tensor.spec.dtype, from = source.fileDtype;
  size_t toSize = artifact::dtypeSize(to), fromSize = artifact::dtypeSize(from);
  if (toSize == 0 || fromSize == 0)
    return makeError(TFC_ERROR_INVALID_ARTIFACT, label,
                     ": dtype without an element size");
  bool convert = from != to;
  uint64_t elements = weight.tensor.byteSize / toSize;
  uint64_t fileBytes = elements * fromSize;
  // Whole elements per piece, in both dtypes.
  size_t pieceElements = std::max<size_t>(
      1, std::min<uint64_t>(chunkBytes / std::max(toSize, fromSize),
                            std::max<uint64_t>(elements, 1)));
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label,
                     ": cannot open external weights file '", path,
                     "': ", std::strerror(errno));
  std::vector<uint8_t> piece(pieceElements * fromSize);
  std::vector<uint8_t> converted(convert ? pieceElements * toSize : 0);
  Status status;
  if (::fseeko(file, static_cast<off_t>(offset), SEEK_SET) != 0)
    status = makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": cannot seek to ",
                       offset, " in '", path, "': ", std::strerror(errno));
  for (uint64_t done = 0; !status.failed() && done < elements;) {
    size_t want = static_cast<size_t>(
        std::min<uint64_t>(pieceElements, elements - done));
    size_t got = std::fread(piece.data(), 1, want * fromSize, file);
    if (got != want * fromSize) {
      status = makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label,
                         ": external weights file '", path, "' ended after ",
                         offset + done * fromSize + got,
                         " bytes; the weight needs bytes [", offset, ", +",
                         fileBytes, ")");
      break;
    }
    const uint8_t *data = piece.data();
    if (convert) {
      convertFloatElements(piece.data(), from, converted.data(), to, want);
      data = converted.data();
    }
    status = sink(data, done * toSize, want * toSize);
    done += want;
  }
  std::fclose(file);
  return status;
}

} // namespace rt
} // namespace tfc
