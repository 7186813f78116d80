//===- ArtifactReader.cpp - Decode a .tfcm file into an Artifact ----------===//
//
// Turns the bytes of a .tfcm file into the records of Artifact.h. It checks
// everything that decoding itself relies on, in file order: magic, version,
// size, checksum, the section table (bounds, alignment, order, whole
// records), then each record's string, dims, image and argument ranges and
// reserved fields. What the fields mean is checked in ArtifactValidator.cpp.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iomanip>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .tfcm reader assumes a little-endian host"
#endif

namespace tfc {
namespace rt {
namespace {

const char *const sectionNames[TFCM_SECTION_COUNT] = {
    "meta",   "strings",    "modules",    "images", "kernels",
    "inputs", "outputs",    "weights",    "dims",   "launches",
    "args",   "image data", "weight data", "launch costs"};

/// Record size of each section; 1 for byte sections.
const uint64_t recordSizes[TFCM_SECTION_COUNT] = {sizeof(tfcmMeta),
                                                  1,
                                                  sizeof(tfcmModule),
                                                  sizeof(tfcmImage),
                                                  sizeof(tfcmKernel),
                                                  sizeof(tfcmTensor),
                                                  sizeof(tfcmTensor),
                                                  sizeof(tfcmWeight),
                                                  sizeof(int64_t),
                                                  sizeof(tfcmLaunch),
                                                  sizeof(tfcmArg),
                                                  1,
                                                  1,
                                                  sizeof(tfcmLaunchCost)};

std::string hex(uint64_t value) {
  std::ostringstream os;
  os << "0x" << std::hex << std::setw(16) << std::setfill('0') << value;
  return os.str();
}

std::string hexBytes(const uint8_t *data, size_t size) {
  std::ostringstream os;
  for (size_t i = 0; i < size; ++i)
    os << (i ? " " : "") << std::hex << std::setw(2) << std::setfill('0')
       << unsigned(data[i]);
  return os.str();
}

/// Reads records of a section whose bounds were checked.
class RecordReader {
public:
  explicit RecordReader(const Artifact &artifact) : artifact(artifact) {}

  uint64_t count(tfcmSectionKind kind) const {
    return artifact.sections[kind].size / recordSizes[kind];
  }

  template <typename T> T read(tfcmSectionKind kind, uint64_t index) const {
    T record;
    std::memcpy(&record,
                artifact.bytes.data() + artifact.sections[kind].offset +
                    index * sizeof(T),
                sizeof(T));
    return record;
  }

  Status readString(tfcmStringRef ref, const std::string &what,
                    std::string &out) const {
    const FileRange &strings = artifact.sections[TFCM_SECTION_STRINGS];
    if (uint64_t(ref.offset) + ref.size > strings.size)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, what, ": string [",
                       ref.offset, ", ", uint64_t(ref.offset) + ref.size,
                       ") is outside the strings section (", strings.size,
                       " bytes)");
    const char *begin = reinterpret_cast<const char *>(artifact.bytes.data()) +
                        strings.offset + ref.offset;
    if (std::memchr(begin, '\0', ref.size))
      return makeError(TFC_ERROR_INVALID_ARTIFACT, what,
                       ": string contains a NUL byte");
    out.assign(begin, ref.size);
    return Status::success();
  }

  Status readTensor(const tfcmTensor &record, const std::string &what,
                    LoadedTensor &out) const {
    TFC_RETURN_IF_ERROR(readString(record.name, what + " name", out.spec.name));
    std::string label = what + " '" + out.spec.name + "'";
    if (record.reserved != 0)
      return reservedError(label, record.reserved);
    uint64_t dimCount = count(TFCM_SECTION_DIMS);
    if (uint64_t(record.dimsBegin) + record.rank > dimCount)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, ": dims [",
                       record.dimsBegin, ", ",
                       uint64_t(record.dimsBegin) + record.rank,
                       ") are outside the dims section (", dimCount, " dims)");
    out.spec.dtype = static_cast<DType>(record.dtype);
    out.spec.shape.resize(record.rank);
    for (uint32_t i = 0; i < record.rank; ++i)
      out.spec.shape[i] =
          read<int64_t>(TFCM_SECTION_DIMS, uint64_t(record.dimsBegin) + i);
    out.byteSize = record.byteSize;
    return Status::success();
  }

  /// The tfcmTensorMap record at DIMS slot `begin` of a tensor-map argument
  /// (format version 5); its rank is checked before the arrays are read.
  Status readTensorMap(uint64_t begin, const std::string &what,
                       artifact::TensorMapSpec &out) const {
    uint64_t dimCount = count(TFCM_SECTION_DIMS);
    if (begin > dimCount || TFCM_TENSOR_MAP_WORDS > dimCount - begin)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, what,
                       ": tensor map record at dims slot ", begin, " (",
                       TFCM_TENSOR_MAP_WORDS,
                       " slots) is outside the dims section (", dimCount,
                       " dims)");
    tfcmTensorMap record;
    std::memcpy(&record,
                artifact.bytes.data() +
                    artifact.sections[TFCM_SECTION_DIMS].offset +
                    begin * sizeof(int64_t),
                sizeof(record));
    if (record.rank == 0 || record.rank > TFCM_TENSOR_MAP_MAX_RANK)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, what, ": tensor map rank ",
                       record.rank, " is not between 1 and ",
                       TFCM_TENSOR_MAP_MAX_RANK);
    out.dtype = static_cast<DType>(record.dtype);
    out.swizzle = record.swizzle;
    out.l2Promotion = record.l2Promotion;
    out.oobFill = record.oobFill;
    out.interleave = record.interleave;
    out.globalDims.assign(record.globalDims, record.globalDims + record.rank);
    out.globalStrides.assign(record.globalStrides,
                             record.globalStrides + record.rank - 1);
    out.boxDims.assign(record.boxDims, record.boxDims + record.rank);
    out.elementStrides.assign(record.elementStrides,
                              record.elementStrides + record.rank);
    return Status::success();
  }

  static Status reservedError(const std::string &what, uint64_t value) {
    return makeError(TFC_ERROR_INVALID_ARTIFACT, what, ": reserved field is ",
                     value, "; it must be 0");
  }

private:
  const Artifact &artifact;
};

BufferRef decodeBufferRef(const tfcmBufferRef &ref) {
  return BufferRef{static_cast<BufferKind>(ref.kind), ref.index, ref.offset,
                   ref.extent};
}

Status decodeHeader(Artifact &artifact) {
  const std::vector<uint8_t> &bytes = artifact.bytes;
  uint64_t size = bytes.size();
  if (size == 0)
    return Status(TFC_ERROR_TRUNCATED,
                  "artifact is truncated: the file is empty");
  size_t magicBytes = size < TFCM_MAGIC_SIZE ? size : TFCM_MAGIC_SIZE;
  if (std::memcmp(bytes.data(), TFCM_MAGIC, magicBytes) != 0)
    return makeError(TFC_ERROR_BAD_MAGIC,
                     "not a .tfcm artifact: the file starts with bytes ",
                     hexBytes(bytes.data(), magicBytes), ", expected 'TFCM'");
  if (size < TFCM_HEADER_SIZE) {
    // The version is readable as soon as its 4 bytes are there.
    if (size >= 8) {
      uint32_t version;
      std::memcpy(&version, bytes.data() + 4, sizeof(version));
      if (version < TFCM_MIN_FORMAT_VERSION || version > TFCM_FORMAT_VERSION)
        return makeError(TFC_ERROR_UNSUPPORTED_VERSION,
                         "artifact format version ", version,
                         " is not supported; this runtime reads versions ",
                         TFCM_MIN_FORMAT_VERSION, " to ", TFCM_FORMAT_VERSION);
    }
    return makeError(TFC_ERROR_TRUNCATED,
                     "artifact is truncated: the file has ", size,
                     " bytes; the header alone needs ", TFCM_HEADER_SIZE);
  }
  tfcmHeader header;
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (header.version < TFCM_MIN_FORMAT_VERSION ||
      header.version > TFCM_FORMAT_VERSION)
    return makeError(TFC_ERROR_UNSUPPORTED_VERSION, "artifact format version ",
                     header.version,
                     header.version > TFCM_FORMAT_VERSION
                         ? " is newer than this runtime"
                         : " is not valid",
                     "; this runtime reads versions ", TFCM_MIN_FORMAT_VERSION,
                     " to ", TFCM_FORMAT_VERSION);
  artifact.version = header.version;
  if (size < header.fileSize)
    return makeError(TFC_ERROR_TRUNCATED,
                     "artifact is truncated: the file has ", size,
                     " bytes, its header declares ", header.fileSize);
  if (size > header.fileSize)
    return makeError(TFC_ERROR_INVALID_ARTIFACT, "the file has ", size,
                     " bytes but its header declares ", header.fileSize,
                     " (trailing bytes, or a corrupt size field)");
  uint64_t checksum =
      tfcmFnv1a64(TFCM_FNV1A64_OFFSET_BASIS, bytes.data() + TFCM_HEADER_SIZE,
                  size - TFCM_HEADER_SIZE);
  if (checksum != header.checksum)
    return makeError(TFC_ERROR_CHECKSUM, "checksum mismatch: the header says ",
                     hex(header.checksum), ", the content hashes to ",
                     hex(checksum), "; the file is corrupt");
  artifact.checksum = checksum;
  if (header.sectionCount != tfcmSectionCount(header.version))
    return makeError(TFC_ERROR_INVALID_ARTIFACT, "header declares ",
                     header.sectionCount, " sections; format version ",
                     header.version, " has ",
                     tfcmSectionCount(header.version));
  if (header.reserved != 0)
    return RecordReader::reservedError("header", header.reserved);
  uint64_t tableEnd = tfcmSectionTableEnd(header.version);
  if (size < tableEnd)
    return makeError(TFC_ERROR_TRUNCATED,
                     "artifact is truncated: the file has ", size,
                     " bytes; the header and section table need ", tableEnd);
  return Status::success();
}

Status decodeSectionTable(Artifact &artifact) {
  uint64_t fileSize = artifact.bytes.size();
  uint64_t previousEnd = tfcmSectionTableEnd(artifact.version);
  for (uint32_t i = 0, e = tfcmSectionCount(artifact.version); i < e; ++i) {
    tfcmSection entry;
    std::memcpy(&entry,
                artifact.bytes.data() + TFCM_HEADER_SIZE +
                    i * sizeof(tfcmSection),
                sizeof(entry));
    std::string label = concat("section '", sectionNames[i], "'");
    uint64_t alignment = i == TFCM_SECTION_WEIGHT_DATA ? TFCM_WEIGHT_ALIGNMENT
                                                       : TFCM_SECTION_ALIGNMENT;
    if (entry.offset % alignment != 0)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " starts at offset ",
                       entry.offset, ", not a multiple of ", alignment);
    if (entry.offset < previousEnd)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " starts at offset ",
                       entry.offset,
                       ", inside the header or the previous section (which "
                       "ends at ",
                       previousEnd, ")");
    if (entry.offset > fileSize || entry.size > fileSize - entry.offset)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " [", entry.offset,
                       ", +", entry.size,
                       ") extends past the end of the file (", fileSize,
                       " bytes)");
    if (entry.size % recordSizes[i] != 0)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " has ", entry.size,
                       " bytes, not a whole number of ", recordSizes[i],
                       "-byte records");
    if (entry.size / recordSizes[i] > UINT32_MAX && recordSizes[i] != 1)
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " has more than ",
                       UINT32_MAX, " records");
    if (i == TFCM_SECTION_META && entry.size != sizeof(tfcmMeta))
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " has ", entry.size,
                       " bytes; it must hold exactly one ", sizeof(tfcmMeta),
                       "-byte record");
    artifact.sections[i] = FileRange{entry.offset, entry.size};
    previousEnd = entry.offset + entry.size;
  }
  return Status::success();
}

Status decodeModules(const RecordReader &reader, Artifact &artifact) {
  uint64_t imageCount = reader.count(TFCM_SECTION_IMAGES);
  for (uint64_t i = 0, e = reader.count(TFCM_SECTION_MODULES); i < e; ++i) {
    auto record = reader.read<tfcmModule>(TFCM_SECTION_MODULES, i);
    LoadedModule module;
    TFC_RETURN_IF_ERROR(reader.readString(
        record.name, concat("module ", i, " name"), module.name));
    std::string label = concat("module ", i, " '", module.name, "'");
    if (uint64_t(record.imageBegin) + record.imageCount > imageCount)
      return makeError(
          TFC_ERROR_INVALID_ARTIFACT, label, ": images [", record.imageBegin,
          ", ", uint64_t(record.imageBegin) + record.imageCount,
          ") are outside the images section (", imageCount, " images)");
    for (uint32_t j = 0; j < record.imageCount; ++j) {
      auto imageRecord = reader.read<tfcmImage>(
          TFCM_SECTION_IMAGES, uint64_t(record.imageBegin) + j);
      std::string imageLabel = concat(label, " image ", j);
      LoadedImage image;
      TFC_RETURN_IF_ERROR(reader.readString(imageRecord.arch,
                                            imageLabel + " arch", image.arch));
      if (imageRecord.reserved != 0)
        return RecordReader::reservedError(imageLabel, imageRecord.reserved);
      image.format = static_cast<ImageFormat>(imageRecord.format);
      image.dataOffset = imageRecord.dataOffset;
      image.dataSize = imageRecord.dataSize;
      module.images.push_back(std::move(image));
    }
    artifact.modules.push_back(std::move(module));
  }
  return Status::success();
}

Status decodeKernels(const RecordReader &reader, Artifact &artifact) {
  for (uint64_t i = 0, e = reader.count(TFCM_SECTION_KERNELS); i < e; ++i) {
    auto record = reader.read<tfcmKernel>(TFCM_SECTION_KERNELS, i);
    KernelSpec kernel;
    TFC_RETURN_IF_ERROR(reader.readString(
        record.name, concat("kernel ", i, " name"), kernel.name));
    if (record.reserved != 0)
      return RecordReader::reservedError(
          concat("kernel ", i, " '", kernel.name, "'"), record.reserved);
    kernel.module = record.moduleIndex;
    artifact.kernels.push_back(std::move(kernel));
  }
  return Status::success();
}

Status decodeTensors(const RecordReader &reader, tfcmSectionKind kind,
                     const char *what, std::vector<LoadedTensor> &out) {
  for (uint64_t i = 0, e = reader.count(kind); i < e; ++i) {
    LoadedTensor tensor;
    TFC_RETURN_IF_ERROR(reader.readTensor(reader.read<tfcmTensor>(kind, i),
                                          concat(what, " ", i), tensor));
    out.push_back(std::move(tensor));
  }
  return Status::success();
}

Status decodeWeights(const RecordReader &reader, Artifact &artifact) {
  for (uint64_t i = 0, e = reader.count(TFCM_SECTION_WEIGHTS); i < e; ++i) {
    auto record = reader.read<tfcmWeight>(TFCM_SECTION_WEIGHTS, i);
    LoadedWeight weight;
    TFC_RETURN_IF_ERROR(
        reader.readTensor(record.tensor, concat("weight ", i), weight.tensor));
    std::string label =
        concat("weight ", i, " '", weight.tensor.spec.name, "'");
    // Before version 3 the source dtype field was reserved.
    if (artifact.version < 3 && record.sourceDtype != 0)
      return RecordReader::reservedError(label, record.sourceDtype);
    weight.sourceDtype = record.sourceDtype
                             ? static_cast<DType>(record.sourceDtype)
                             : weight.tensor.spec.dtype;
    weight.storage = static_cast<WeightStorage>(record.storage);
    weight.dataOffset = record.dataOffset;
    TFC_RETURN_IF_ERROR(reader.readString(
        record.externalPath, label + " external path", weight.externalPath));
    TFC_RETURN_IF_ERROR(reader.readString(
        record.externalName, label + " external name", weight.externalName));
    artifact.weights.push_back(std::move(weight));
  }
  return Status::success();
}

Status decodeLaunches(const RecordReader &reader, Artifact &artifact) {
  uint64_t argCount = reader.count(TFCM_SECTION_ARGS);
  for (uint64_t i = 0, e = reader.count(TFCM_SECTION_LAUNCHES); i < e; ++i) {
    auto record = reader.read<tfcmLaunch>(TFCM_SECTION_LAUNCHES, i);
    std::string label = concat("launch ", i);
    // Before version 4 the collective dtype field was reserved.
    if (artifact.version < 4 && record.collectiveDtype != 0)
      return RecordReader::reservedError(label, record.collectiveDtype);
    if (uint64_t(record.argBegin) + record.argCount > argCount)
      return makeError(
          TFC_ERROR_INVALID_ARTIFACT, label, ": arguments [", record.argBegin,
          ", ", uint64_t(record.argBegin) + record.argCount,
          ") are outside the args section (", argCount, " arguments)");
    LaunchSpec launch;
    launch.kind = static_cast<LaunchKind>(record.kind);
    launch.kernel = record.kernelIndex;
    launch.grid = Dim3{record.grid[0], record.grid[1], record.grid[2]};
    launch.block = Dim3{record.block[0], record.block[1], record.block[2]};
    launch.sharedMemBytes = record.sharedMemBytes;
    launch.copySrc = decodeBufferRef(record.copySrc);
    launch.copyDst = decodeBufferRef(record.copyDst);
    launch.copyBytes = record.copyBytes;
    launch.collectiveDtype = static_cast<DType>(record.collectiveDtype);
    for (uint32_t j = 0; j < record.argCount; ++j) {
      auto argRecord = reader.read<tfcmArg>(TFCM_SECTION_ARGS,
                                            uint64_t(record.argBegin) + j);
      if (argRecord.reserved != 0)
        return RecordReader::reservedError(concat(label, " argument ", j),
                                           argRecord.reserved);
      KernelArg arg;
      arg.kind = static_cast<ArgKind>(argRecord.kind);
      arg.scalarBits = argRecord.scalarBits;
      arg.ref = decodeBufferRef(argRecord.buffer);
      if (arg.kind == ArgKind::TensorMap) {
        std::string argLabel = concat(label, " argument ", j);
        if (artifact.version < 5)
          return makeError(TFC_ERROR_INVALID_ARTIFACT, argLabel,
                           ": tensor-map arguments need format version 5; "
                           "the file is version ",
                           artifact.version);
        TFC_RETURN_IF_ERROR(
            reader.readTensorMap(arg.scalarBits, argLabel, arg.tensorMap));
      }
      launch.args.push_back(arg);
    }
    artifact.launches.push_back(std::move(launch));
  }
  return Status::success();
}

/// The LAUNCH_COSTS section (format version 6): none, or one record per
/// launch, stored in each launch's `cost`.
Status decodeLaunchCosts(const RecordReader &reader, Artifact &artifact) {
  uint64_t count = reader.count(TFCM_SECTION_LAUNCH_COSTS);
  if (count == 0)
    return Status::success();
  if (count != artifact.launches.size())
    return makeError(TFC_ERROR_INVALID_ARTIFACT, "the launch costs section has ",
                     count, " records; the artifact has ",
                     artifact.launches.size(),
                     " launches (it must have one per launch, or none)");
  for (uint64_t i = 0; i < count; ++i) {
    auto record = reader.read<tfcmLaunchCost>(TFCM_SECTION_LAUNCH_COSTS, i);
    std::string label = concat("launch ", i, " cost");
    if (record.reserved != 0)
      return RecordReader::reservedError(label, record.reserved);
    artifact::LaunchCost &cost = artifact.launches[i].cost;
    TFC_RETURN_IF_ERROR(
        reader.readString(record.name, label + " name", cost.name));
    TFC_RETURN_IF_ERROR(
        reader.readString(record.family, label + " family", cost.family));
    cost.hbmBytes = record.hbmBytes;
    cost.vectorFlops = record.vectorFlops;
    cost.matrixFlops = record.matrixFlops;
    cost.matrixDtype = static_cast<DType>(record.matrixDtype);
  }
  artifact.hasLaunchCosts = true;
  return Status::success();
}

} // namespace

Status decodeArtifact(Artifact &artifact) {
  TFC_RETURN_IF_ERROR(decodeHeader(artifact));
  TFC_RETURN_IF_ERROR(decodeSectionTable(artifact));
  RecordReader reader(artifact);

  auto meta = reader.read<tfcmMeta>(TFCM_SECTION_META, 0);
  TFC_RETURN_IF_ERROR(
      reader.readString(meta.targetArch, "target arch", artifact.targetArch));
  if (artifact.version < 4 && meta.tensorParallel != 0)
    return RecordReader::reservedError("meta", meta.tensorParallel);
  artifact.tensorParallelRank = meta.tensorParallel & 0xffffu;
  artifact.tensorParallelRanks = meta.tensorParallel >> 16;
  artifact.arenaSize = meta.arenaSize;
  artifact.arenaAlignment = meta.arenaAlignment;

  TFC_RETURN_IF_ERROR(decodeModules(reader, artifact));
  TFC_RETURN_IF_ERROR(decodeKernels(reader, artifact));
  TFC_RETURN_IF_ERROR(
      decodeTensors(reader, TFCM_SECTION_INPUTS, "input", artifact.inputs));
  TFC_RETURN_IF_ERROR(
      decodeTensors(reader, TFCM_SECTION_OUTPUTS, "output", artifact.outputs));
  TFC_RETURN_IF_ERROR(decodeWeights(reader, artifact));
  TFC_RETURN_IF_ERROR(decodeLaunches(reader, artifact));
  return decodeLaunchCosts(reader, artifact);
}

Status loadArtifact(std::vector<uint8_t> bytes, std::string baseDir,
                    std::shared_ptr<const Artifact> &out) {
  auto artifact = std::make_shared<Artifact>();
  artifact->bytes = std::move(bytes);
  artifact->baseDir = std::move(baseDir);
  TFC_RETURN_IF_ERROR(decodeArtifact(*artifact));
  TFC_RETURN_IF_ERROR(validateArtifact(*artifact));
  out = std::move(artifact);
  return Status::success();
}

Status loadArtifactFile(const std::string &path,
                        std::shared_ptr<const Artifact> &out) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return makeError(TFC_ERROR_IO, "cannot open artifact '", path,
                     "': ", std::strerror(errno));
  std::vector<uint8_t> bytes;
  if (std::fseek(file, 0, SEEK_END) == 0) {
    long size = std::ftell(file);
    if (size > 0)
      bytes.resize(static_cast<size_t>(size));
    std::rewind(file);
  }
  size_t got =
      bytes.empty() ? 0 : std::fread(bytes.data(), 1, bytes.size(), file);
  bytes.resize(got);
  bool failed = std::ferror(file);
  std::fclose(file);
  if (failed)
    return makeError(TFC_ERROR_IO, "cannot read artifact '", path, "'");
  size_t slash = path.find_last_of('/');
  std::string baseDir =
      slash == std::string::npos ? "." : path.substr(0, slash);
  if (baseDir.empty())
    baseDir = "/";
  Status status = loadArtifact(std::move(bytes), std::move(baseDir), out);
  if (status.failed())
    return Status(status.code(), path + ": " + status.message());
  return status;
}

} // namespace rt
} // namespace tfc
