//===- tfc/ArtifactWriter.h - Build and serialize .tfcm artifacts --------===//
//
// Header-only C++17 writer of the artifact format of tfc/artifact_format.h.
// The compiler includes it to produce artifacts; the runtime includes it for
// the value types (DType, BufferRef, KernelArg, LaunchSpec, ...) that its
// reader fills, so both sides share one C++ picture of the format. Standard
// library only: no CUDA, no MLIR.
//
// The writer records what it is given and does not validate: the runtime's
// loader is the one validator (run `tfc-run --inspect` on an artifact to check
// it), and tests use the writer to produce deliberately invalid artifacts.
//
// Usage:
//   tfc::artifact::ArtifactWriter w("sm_90a");
//   w.setArena(1 << 20);
//   uint32_t m = w.addModule("main");
//   w.addModuleImage(m, "sm_90a", ImageFormat::Ptx, ptxText);
//   uint32_t k = w.addKernel("fused_add", m);
//   uint32_t a = w.addInput("a", DType::F32, {4, 8});
//   uint32_t y = w.addOutput("y", DType::F32, {4, 8});
//   w.addKernelLaunch(k, {1, 1, 1}, {128, 1, 1}, 0,
//                     {KernelArg::buffer(BufferRef::input(a)),
//                      KernelArg::buffer(BufferRef::output(y)),
//                      KernelArg::i32(32)});
//   std::string err;
//   if (!w.writeFile("model.tfcm", err)) ...
//
//===----------------------------------------------------------------------===//
#ifndef TFC_ARTIFACTWRITER_H
#define TFC_ARTIFACTWRITER_H

#include "tfc/artifact_format.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .tfcm writer assumes a little-endian host"
#endif

namespace tfc {
namespace artifact {

enum class DType : uint32_t {
  F32 = TFCM_DTYPE_F32,
  F16 = TFCM_DTYPE_F16,
  BF16 = TFCM_DTYPE_BF16,
  I64 = TFCM_DTYPE_I64,
  I32 = TFCM_DTYPE_I32,
  I8 = TFCM_DTYPE_I8,
  U8 = TFCM_DTYPE_U8,
  Bool = TFCM_DTYPE_BOOL,
};

enum class ImageFormat : uint32_t {
  Cubin = TFCM_IMAGE_CUBIN,
  Ptx = TFCM_IMAGE_PTX,
};

enum class BufferKind : uint32_t {
  None = 0, ///< Unset: the zeroed reference of a scalar argument or a kernel
            ///< launch's copy fields; never valid where a buffer is needed
  Arena = TFCM_BUFFER_ARENA,
  Input = TFCM_BUFFER_INPUT,
  Output = TFCM_BUFFER_OUTPUT,
  Weight = TFCM_BUFFER_WEIGHT,
};

enum class ArgKind : uint32_t {
  Buffer = TFCM_ARG_BUFFER,
  I32 = TFCM_ARG_I32,
  I64 = TFCM_ARG_I64,
  F32 = TFCM_ARG_F32,
  TensorMap = TFCM_ARG_TENSOR_MAP, ///< Format version 5
};

enum class LaunchKind : uint32_t {
  Kernel = TFCM_LAUNCH_KERNEL,
  Copy = TFCM_LAUNCH_COPY,
  AllReduce = TFCM_LAUNCH_ALL_REDUCE,
};

enum class WeightStorage : uint32_t {
  Inline = TFCM_WEIGHT_INLINE,
  External = TFCM_WEIGHT_EXTERNAL,       ///< Raw bytes at an offset of a file
  Safetensors = TFCM_WEIGHT_SAFETENSORS, ///< A safetensors tensor, by name
};

/// Bytes per element; 0 for a value outside the enum.
inline size_t dtypeSize(DType dtype) {
  return tfcmDTypeSize(static_cast<uint32_t>(dtype));
}

/// "f32", "bf16", ...; "?" for a value outside the enum.
inline const char *dtypeName(DType dtype) {
  const char *name = tfcmDTypeName(static_cast<uint32_t>(dtype));
  return name ? name : "?";
}

/// A byte range of a device buffer. `extent` 0 means "to the buffer's end".
struct BufferRef {
  BufferKind kind = BufferKind::None;
  uint32_t index = 0;
  uint64_t offset = 0;
  uint64_t extent = 0;

  static BufferRef arena(uint64_t offset, uint64_t extent = 0) {
    return {BufferKind::Arena, 0, offset, extent};
  }
  static BufferRef input(uint32_t index, uint64_t offset = 0,
                         uint64_t extent = 0) {
    return {BufferKind::Input, index, offset, extent};
  }
  static BufferRef output(uint32_t index, uint64_t offset = 0,
                          uint64_t extent = 0) {
    return {BufferKind::Output, index, offset, extent};
  }
  static BufferRef weight(uint32_t index, uint64_t offset = 0,
                          uint64_t extent = 0) {
    return {BufferKind::Weight, index, offset, extent};
  }
  bool operator==(const BufferRef &o) const {
    return kind == o.kind && index == o.index && offset == o.offset &&
           extent == o.extent;
  }
  bool operator!=(const BufferRef &o) const { return !(*this == o); }
};

/// The TMA descriptor (CUtensorMap) of a tensor-map argument: the
/// parameters of cuTensorMapEncodeTiled, innermost dimension first
/// (tfcmTensorMap; enums hold cuda.h's values).
struct TensorMapSpec {
  DType dtype = DType::BF16;
  std::vector<uint64_t> globalDims;     ///< elements, innermost first
  std::vector<uint64_t> globalStrides;  ///< bytes, of dims 1..rank-1
  std::vector<uint32_t> boxDims;        ///< elements per box
  std::vector<uint32_t> elementStrides; ///< 1 = every element
  uint32_t swizzle = 3;     ///< CU_TENSOR_MAP_SWIZZLE_128B
  uint32_t l2Promotion = 3; ///< CU_TENSOR_MAP_L2_PROMOTION_L2_256B
  uint32_t oobFill = 0;     ///< CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE (zeros)
  uint32_t interleave = 0;  ///< CU_TENSOR_MAP_INTERLEAVE_NONE

  size_t rank() const { return globalDims.size(); }
  /// A row-major view: `shape` outermost first (e.g. [batch, rows, cols]),
  /// read in boxes of `box` (same order), every element, 128-byte swizzle,
  /// 256-byte L2 promotion, zero fill.
  static TensorMapSpec rowMajor(DType dtype, const std::vector<int64_t> &shape,
                                const std::vector<int64_t> &box) {
    TensorMapSpec map;
    map.dtype = dtype;
    uint64_t stride = tfcmDTypeSize(static_cast<uint32_t>(dtype));
    for (size_t i = shape.size(); i-- > 0;) {
      if (i + 1 != shape.size())
        map.globalStrides.push_back(stride);
      map.globalDims.push_back(static_cast<uint64_t>(shape[i]));
      map.boxDims.push_back(static_cast<uint32_t>(box[i]));
      map.elementStrides.push_back(1);
      stride *= static_cast<uint64_t>(shape[i]);
    }
    return map;
  }
  bool operator==(const TensorMapSpec &o) const {
    return dtype == o.dtype && globalDims == o.globalDims &&
           globalStrides == o.globalStrides && boxDims == o.boxDims &&
           elementStrides == o.elementStrides && swizzle == o.swizzle &&
           l2Promotion == o.l2Promotion && oobFill == o.oobFill &&
           interleave == o.interleave;
  }
  bool operator!=(const TensorMapSpec &o) const { return !(*this == o); }
};

/// One kernel argument: a device pointer into a buffer, a scalar, or a
/// pointer to the TMA descriptor of a tensor in a buffer.
struct KernelArg {
  ArgKind kind = ArgKind::I32;
  uint64_t scalarBits = 0; ///< i32/f32 in the low 32 bits; tensor maps: the
                           ///< DIMS index of the record (set when read)
  BufferRef ref;           ///< Buffer and tensor-map arguments
  TensorMapSpec tensorMap; ///< Tensor-map arguments only

  static KernelArg buffer(BufferRef ref) {
    KernelArg arg;
    arg.kind = ArgKind::Buffer;
    arg.ref = ref;
    return arg;
  }
  /// A pointer to the descriptor of the tensor at `ref` (format version 5).
  static KernelArg tensorMapOf(BufferRef ref, TensorMapSpec map) {
    KernelArg arg;
    arg.kind = ArgKind::TensorMap;
    arg.ref = ref;
    arg.tensorMap = std::move(map);
    return arg;
  }
  static KernelArg i32(int32_t value) {
    KernelArg arg;
    arg.kind = ArgKind::I32;
    arg.scalarBits = static_cast<uint32_t>(value);
    return arg;
  }
  static KernelArg i64(int64_t value) {
    KernelArg arg;
    arg.kind = ArgKind::I64;
    arg.scalarBits = static_cast<uint64_t>(value);
    return arg;
  }
  static KernelArg f32(float value) {
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    KernelArg arg;
    arg.kind = ArgKind::F32;
    arg.scalarBits = bits;
    return arg;
  }
  bool operator==(const KernelArg &o) const {
    if (kind == ArgKind::TensorMap)
      return o.kind == kind && ref == o.ref && tensorMap == o.tensorMap;
    return kind == o.kind && scalarBits == o.scalarBits && ref == o.ref;
  }
  bool operator!=(const KernelArg &o) const { return !(*this == o); }
};

struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
  bool operator==(const Dim3 &o) const {
    return x == o.x && y == o.y && z == o.z;
  }
  bool operator!=(const Dim3 &o) const { return !(*this == o); }
};

/// Name, element type and shape of an input, output or weight.
struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;

  uint64_t numElements() const {
    uint64_t n = 1;
    for (int64_t d : shape)
      n *= static_cast<uint64_t>(d);
    return n;
  }
  uint64_t byteSize() const { return numElements() * dtypeSize(dtype); }
};

/// Code for one arch: a cubin, or PTX text (without a trailing NUL).
struct ModuleImage {
  std::string arch;
  ImageFormat format = ImageFormat::Ptx;
  std::string data;
};

/// The same kernels compiled for one or more arches; the runtime picks one.
struct ModuleSpec {
  std::string name;
  std::vector<ModuleImage> images;
};

struct KernelSpec {
  std::string name; ///< entry symbol
  uint32_t module = 0;
};

struct WeightSpec {
  TensorSpec tensor;
  WeightStorage storage = WeightStorage::Inline;
  std::string data;         ///< Inline: the tensor's bytes
  std::string externalPath; ///< External/safetensors: file relative to the
                            ///< artifact
  std::string externalName; ///< External/safetensors: tensor name in that file
  uint64_t externalOffset = 0; ///< External: byte offset in the file
  /// External/safetensors: the dtype the file stores when it is not the
  /// tensor's (converted once at load; format version 3); 0 = the same.
  uint32_t sourceDtype = 0;
};

/// What the compiler predicts for one launch (format version 6, the
/// LAUNCH_COSTS section): its cost model's minimum HBM bytes and FLOPs, and
/// the kernel's family and name. All zero and empty: not known.
struct LaunchCost {
  std::string name;   ///< The op the kernel is named after (ONNX node)
  std::string family; ///< The fusion kind; empty: no prediction
  uint64_t hbmBytes = 0;
  uint64_t vectorFlops = 0; ///< On CUDA cores
  uint64_t matrixFlops = 0; ///< On tensor cores
  DType matrixDtype = DType(0); ///< Operand type of the matrix work

  bool known() const {
    return !name.empty() || !family.empty() || hbmBytes || vectorFlops ||
           matrixFlops || matrixDtype != DType(0);
  }
  uint64_t flops() const { return vectorFlops + matrixFlops; }
  bool operator==(const LaunchCost &o) const {
    return name == o.name && family == o.family && hbmBytes == o.hbmBytes &&
           vectorFlops == o.vectorFlops && matrixFlops == o.matrixFlops &&
           matrixDtype == o.matrixDtype;
  }
  bool operator!=(const LaunchCost &o) const { return !(*this == o); }
};

/// One step of the launch list: a kernel launch or a device-to-device copy.
/// Copies carry grid = block = {0,0,0}, no arguments and kernel 0.
struct LaunchSpec {
  LaunchKind kind = LaunchKind::Kernel;
  uint32_t kernel = 0;
  Dim3 grid, block;
  uint32_t sharedMemBytes = 0;
  std::vector<KernelArg> args;
  BufferRef copySrc, copyDst;
  uint64_t copyBytes = 0;
  /// All-reduce launches: the element type summed (in place at copyDst).
  DType collectiveDtype = DType(0);
  /// The compiler's prediction (format version 6); not known by default.
  LaunchCost cost;
};

/// Everything an artifact holds, as plain values.
struct ArtifactSpec {
  std::string targetArch;
  uint64_t arenaSize = 0;
  uint32_t arenaAlignment = TFCM_DEFAULT_ARENA_ALIGNMENT;
  /// Tensor parallelism: this artifact is rank `tensorParallelRank` of a
  /// group of `tensorParallelRanks` (0: a single-GPU artifact).
  uint32_t tensorParallelRank = 0;
  uint32_t tensorParallelRanks = 0;
  std::vector<ModuleSpec> modules;
  std::vector<KernelSpec> kernels;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  std::vector<WeightSpec> weights;
  std::vector<LaunchSpec> launches;
};

namespace detail {

inline uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

template <typename T> void appendRecord(std::string &section, const T &record) {
  section.append(reinterpret_cast<const char *>(&record), sizeof(T));
}

/// Names, deduplicated, in the STRINGS section.
class StringTable {
public:
  tfcmStringRef add(const std::string &s) {
    auto it = offsets.find(s);
    uint32_t offset;
    if (it != offsets.end()) {
      offset = it->second;
    } else {
      offset = static_cast<uint32_t>(bytes.size());
      bytes += s;
      offsets.emplace(s, offset);
    }
    return tfcmStringRef{offset, static_cast<uint32_t>(s.size())};
  }
  std::string bytes;

private:
  std::map<std::string, uint32_t> offsets;
};

inline tfcmTensor encodeTensor(const TensorSpec &t, StringTable &strings,
                               std::string &dims) {
  tfcmTensor record{};
  record.name = strings.add(t.name);
  record.dtype = static_cast<uint32_t>(t.dtype);
  record.rank = static_cast<uint32_t>(t.shape.size());
  record.dimsBegin = static_cast<uint32_t>(dims.size() / sizeof(int64_t));
  record.byteSize = t.byteSize();
  for (int64_t d : t.shape)
    appendRecord(dims, d);
  return record;
}

inline tfcmBufferRef encodeBufferRef(const BufferRef &ref) {
  return tfcmBufferRef{static_cast<uint32_t>(ref.kind), ref.index, ref.offset,
                       ref.extent};
}

/// Appends the tfcmTensorMap record of `map` to the DIMS section and
/// returns the index of its first slot. Dimensions past
/// TFCM_TENSOR_MAP_MAX_RANK are dropped (the rank still says how many there
/// were, so the validator rejects the record).
inline uint64_t encodeTensorMap(const TensorMapSpec &map, std::string &dims) {
  tfcmTensorMap record{};
  record.dtype = static_cast<uint32_t>(map.dtype);
  record.rank = static_cast<uint32_t>(map.rank());
  record.swizzle = map.swizzle;
  record.l2Promotion = map.l2Promotion;
  record.oobFill = map.oobFill;
  record.interleave = map.interleave;
  for (size_t i = 0; i < map.globalDims.size() && i < TFCM_TENSOR_MAP_MAX_RANK;
       ++i)
    record.globalDims[i] = map.globalDims[i];
  for (size_t i = 0;
       i < map.globalStrides.size() && i + 1 < TFCM_TENSOR_MAP_MAX_RANK; ++i)
    record.globalStrides[i] = map.globalStrides[i];
  for (size_t i = 0; i < map.boxDims.size() && i < TFCM_TENSOR_MAP_MAX_RANK;
       ++i)
    record.boxDims[i] = map.boxDims[i];
  for (size_t i = 0;
       i < map.elementStrides.size() && i < TFCM_TENSOR_MAP_MAX_RANK; ++i)
    record.elementStrides[i] = map.elementStrides[i];
  uint64_t index = dims.size() / sizeof(int64_t);
  appendRecord(dims, record);
  return index;
}

} // namespace detail

/// True when some launch carries the compiler's prediction.
inline bool hasLaunchCosts(const ArtifactSpec &spec) {
  for (const LaunchSpec &launch : spec.launches)
    if (launch.cost.known())
      return true;
  return false;
}

/// The format version `spec` needs: 6 for launch costs, 5 for tensor-map
/// arguments, 4 for tensor parallelism, 3 when a weight is converted at
/// load, else 2 (so that older runtimes read what they can run).
inline uint32_t requiredFormatVersion(const ArtifactSpec &spec) {
  if (hasLaunchCosts(spec))
    return 6;
  for (const LaunchSpec &launch : spec.launches)
    for (const KernelArg &arg : launch.args)
      if (arg.kind == ArgKind::TensorMap)
        return 5;
  if (spec.tensorParallelRanks != 0)
    return 4;
  for (const LaunchSpec &launch : spec.launches)
    if (launch.kind == LaunchKind::AllReduce)
      return 4;
  for (const WeightSpec &w : spec.weights)
    if (w.sourceDtype != 0)
      return 3;
  return 2;
}

/// Serializes `spec` into the bytes of a .tfcm file (format version
/// requiredFormatVersion(spec)).
inline std::string serializeArtifact(const ArtifactSpec &spec) {
  using detail::appendRecord;
  detail::StringTable strings;
  std::string sections[TFCM_SECTION_COUNT];
  std::string &images = sections[TFCM_SECTION_IMAGES];
  std::string &imageData = sections[TFCM_SECTION_IMAGE_DATA];
  std::string &dims = sections[TFCM_SECTION_DIMS];
  std::string &args = sections[TFCM_SECTION_ARGS];
  std::string &weightData = sections[TFCM_SECTION_WEIGHT_DATA];

  tfcmMeta meta{};
  meta.targetArch = strings.add(spec.targetArch);
  meta.arenaSize = spec.arenaSize;
  meta.arenaAlignment = spec.arenaAlignment;
  meta.tensorParallel =
      spec.tensorParallelRanks
          ? TFCM_TENSOR_PARALLEL(spec.tensorParallelRank,
                                 spec.tensorParallelRanks)
          : 0;
  appendRecord(sections[TFCM_SECTION_META], meta);

  for (const ModuleSpec &module : spec.modules) {
    tfcmModule record{};
    record.name = strings.add(module.name);
    record.imageBegin =
        static_cast<uint32_t>(images.size() / sizeof(tfcmImage));
    record.imageCount = static_cast<uint32_t>(module.images.size());
    for (const ModuleImage &image : module.images) {
      imageData.resize(detail::alignUp(imageData.size(), 16), '\0');
      tfcmImage imageRecord{};
      imageRecord.arch = strings.add(image.arch);
      imageRecord.format = static_cast<uint32_t>(image.format);
      imageRecord.dataOffset = imageData.size();
      imageRecord.dataSize = image.data.size();
      imageData += image.data;
      appendRecord(images, imageRecord);
    }
    appendRecord(sections[TFCM_SECTION_MODULES], record);
  }

  for (const KernelSpec &kernel : spec.kernels) {
    tfcmKernel record{};
    record.name = strings.add(kernel.name);
    record.moduleIndex = kernel.module;
    appendRecord(sections[TFCM_SECTION_KERNELS], record);
  }

  for (const TensorSpec &t : spec.inputs)
    appendRecord(sections[TFCM_SECTION_INPUTS],
                 detail::encodeTensor(t, strings, dims));
  for (const TensorSpec &t : spec.outputs)
    appendRecord(sections[TFCM_SECTION_OUTPUTS],
                 detail::encodeTensor(t, strings, dims));

  for (const WeightSpec &w : spec.weights) {
    tfcmWeight record{};
    record.tensor = detail::encodeTensor(w.tensor, strings, dims);
    record.storage = static_cast<uint32_t>(w.storage);
    record.sourceDtype = w.sourceDtype;
    if (w.storage == WeightStorage::Inline) {
      weightData.resize(
          detail::alignUp(weightData.size(), TFCM_WEIGHT_ALIGNMENT), '\0');
      record.dataOffset = weightData.size();
      weightData += w.data;
    } else {
      record.dataOffset = w.externalOffset;
      record.externalPath = strings.add(w.externalPath);
      record.externalName = strings.add(w.externalName);
    }
    appendRecord(sections[TFCM_SECTION_WEIGHTS], record);
  }

  for (const LaunchSpec &launch : spec.launches) {
    tfcmLaunch record{};
    record.kind = static_cast<uint32_t>(launch.kind);
    record.kernelIndex = launch.kernel;
    const Dim3 *dim3s[2] = {&launch.grid, &launch.block};
    uint32_t *fields[2] = {record.grid, record.block};
    for (int i = 0; i < 2; ++i) {
      fields[i][0] = dim3s[i]->x;
      fields[i][1] = dim3s[i]->y;
      fields[i][2] = dim3s[i]->z;
    }
    record.sharedMemBytes = launch.sharedMemBytes;
    record.argBegin = static_cast<uint32_t>(args.size() / sizeof(tfcmArg));
    record.argCount = static_cast<uint32_t>(launch.args.size());
    for (const KernelArg &arg : launch.args) {
      tfcmArg argRecord{};
      argRecord.kind = static_cast<uint32_t>(arg.kind);
      argRecord.scalarBits = arg.scalarBits;
      if (arg.kind == ArgKind::Buffer || arg.kind == ArgKind::TensorMap)
        argRecord.buffer = detail::encodeBufferRef(arg.ref);
      if (arg.kind == ArgKind::TensorMap)
        argRecord.scalarBits = detail::encodeTensorMap(arg.tensorMap, dims);
      appendRecord(args, argRecord);
    }
    if (launch.kind == LaunchKind::AllReduce) {
      record.copyDst = detail::encodeBufferRef(launch.copyDst);
      record.copyBytes = launch.copyBytes;
      record.collectiveDtype = static_cast<uint32_t>(launch.collectiveDtype);
    }
    if (launch.kind == LaunchKind::Copy) {
      record.copySrc = detail::encodeBufferRef(launch.copySrc);
      record.copyDst = detail::encodeBufferRef(launch.copyDst);
      record.copyBytes = launch.copyBytes;
    }
    appendRecord(sections[TFCM_SECTION_LAUNCHES], record);
  }
  uint32_t version = requiredFormatVersion(spec);
  if (version >= 6)
    for (const LaunchSpec &launch : spec.launches) {
      tfcmLaunchCost record{};
      record.name = strings.add(launch.cost.name);
      record.family = strings.add(launch.cost.family);
      record.hbmBytes = launch.cost.hbmBytes;
      record.vectorFlops = launch.cost.vectorFlops;
      record.matrixFlops = launch.cost.matrixFlops;
      record.matrixDtype = static_cast<uint32_t>(launch.cost.matrixDtype);
      appendRecord(sections[TFCM_SECTION_LAUNCH_COSTS], record);
    }
  sections[TFCM_SECTION_STRINGS] = std::move(strings.bytes);

  // Layout: header, section table, then the sections in table order.
  uint32_t sectionCount = tfcmSectionCount(version);
  tfcmSection table[TFCM_SECTION_COUNT] = {};
  uint64_t offset = tfcmSectionTableEnd(version);
  for (uint32_t i = 0; i < sectionCount; ++i) {
    uint64_t alignment = i == TFCM_SECTION_WEIGHT_DATA ? TFCM_WEIGHT_ALIGNMENT
                                                       : TFCM_SECTION_ALIGNMENT;
    offset = detail::alignUp(offset, alignment);
    table[i] = tfcmSection{offset, sections[i].size()};
    offset += sections[i].size();
  }

  std::string file(offset, '\0');
  std::memcpy(&file[TFCM_HEADER_SIZE], table,
              sectionCount * sizeof(tfcmSection));
  for (uint32_t i = 0; i < sectionCount; ++i)
    if (!sections[i].empty())
      std::memcpy(&file[table[i].offset], sections[i].data(),
                  sections[i].size());

  tfcmHeader header{};
  std::memcpy(header.magic, TFCM_MAGIC, TFCM_MAGIC_SIZE);
  header.version = version;
  header.fileSize = file.size();
  header.checksum =
      tfcmFnv1a64(TFCM_FNV1A64_OFFSET_BASIS, file.data() + TFCM_HEADER_SIZE,
                  file.size() - TFCM_HEADER_SIZE);
  header.sectionCount = sectionCount;
  std::memcpy(&file[0], &header, sizeof(header));
  return file;
}

/// Builder for an artifact: add the parts in any order, then serialize.
/// Every add* returns the index of what it added, for use in later calls.
class ArtifactWriter {
public:
  explicit ArtifactWriter(std::string targetArch = "sm_90a") {
    content.targetArch = std::move(targetArch);
  }

  void setTargetArch(std::string arch) { content.targetArch = std::move(arch); }

  /// Size of the arena that holds all intermediates, and its base alignment.
  void setArena(uint64_t size,
                uint32_t alignment = TFCM_DEFAULT_ARENA_ALIGNMENT) {
    content.arenaSize = size;
    content.arenaAlignment = alignment;
  }

  uint32_t addModule(std::string name) {
    content.modules.push_back(ModuleSpec{std::move(name), {}});
    return lastIndex(content.modules);
  }

  /// Adds code for `arch` ("sm_90a", "sm_80") to a module: a cubin for that
  /// arch, or PTX text that the driver can JIT on that arch and newer ones.
  void addModuleImage(uint32_t module, std::string arch, ImageFormat format,
                      std::string data) {
    content.modules.at(module).images.push_back(
        ModuleImage{std::move(arch), format, std::move(data)});
  }

  uint32_t addKernel(std::string name, uint32_t module) {
    content.kernels.push_back(KernelSpec{std::move(name), module});
    return lastIndex(content.kernels);
  }

  uint32_t addInput(std::string name, DType dtype, std::vector<int64_t> shape) {
    content.inputs.push_back(
        TensorSpec{std::move(name), dtype, std::move(shape)});
    return lastIndex(content.inputs);
  }

  uint32_t addOutput(std::string name, DType dtype,
                     std::vector<int64_t> shape) {
    content.outputs.push_back(
        TensorSpec{std::move(name), dtype, std::move(shape)});
    return lastIndex(content.outputs);
  }

  /// A weight stored in the artifact; `data` is its bytes in C order.
  uint32_t addInlineWeight(std::string name, DType dtype,
                           std::vector<int64_t> shape, std::string data) {
    WeightSpec w;
    w.tensor = TensorSpec{std::move(name), dtype, std::move(shape)};
    w.storage = WeightStorage::Inline;
    w.data = std::move(data);
    content.weights.push_back(std::move(w));
    return lastIndex(content.weights);
  }

  uint32_t addInlineWeight(std::string name, DType dtype,
                           std::vector<int64_t> shape, const void *data,
                           size_t size) {
    return addInlineWeight(std::move(name), dtype, std::move(shape),
                           std::string(static_cast<const char *>(data), size));
  }

  /// A weight read at load time from `path` (relative to the artifact's
  /// folder), `byteOffset` bytes into it (ONNX external data); `tensorName`
  /// names it in the model (a safetensors file given at load time binds it
  /// by this name instead).
  uint32_t addExternalWeight(std::string name, DType dtype,
                             std::vector<int64_t> shape, std::string path,
                             std::string tensorName, uint64_t byteOffset) {
    WeightSpec w;
    w.tensor = TensorSpec{std::move(name), dtype, std::move(shape)};
    w.storage = WeightStorage::External;
    w.externalPath = std::move(path);
    w.externalName = std::move(tensorName);
    w.externalOffset = byteOffset;
    content.weights.push_back(std::move(w));
    return lastIndex(content.weights);
  }

  /// A weight bound at load time to tensor `tensorName` of the safetensors
  /// file `path` (relative to the artifact's folder); the runtime reads the
  /// file's header and checks the tensor's dtype and shape.
  uint32_t addSafetensorsWeight(std::string name, DType dtype,
                                std::vector<int64_t> shape, std::string path,
                                std::string tensorName) {
    WeightSpec w;
    w.tensor = TensorSpec{std::move(name), dtype, std::move(shape)};
    w.storage = WeightStorage::Safetensors;
    w.externalPath = std::move(path);
    w.externalName = std::move(tensorName);
    content.weights.push_back(std::move(w));
    return lastIndex(content.weights);
  }

  /// Says that the file of external weight `weight` stores it as `stored`
  /// (e.g. f32 for a bf16 weight); the runtime converts it at upload. Makes
  /// the artifact format version 3.
  void setWeightSourceDType(uint32_t weight, DType stored) {
    content.weights.at(weight).sourceDtype = static_cast<uint32_t>(stored);
  }

  /// Appends a kernel launch; arguments are passed in order, buffers as
  /// device pointers (MLIR bare-pointer convention).
  uint32_t addKernelLaunch(uint32_t kernel, Dim3 grid, Dim3 block,
                           uint32_t sharedMemBytes,
                           std::vector<KernelArg> args) {
    LaunchSpec launch;
    launch.kind = LaunchKind::Kernel;
    launch.kernel = kernel;
    launch.grid = grid;
    launch.block = block;
    launch.sharedMemBytes = sharedMemBytes;
    launch.args = std::move(args);
    content.launches.push_back(std::move(launch));
    return lastIndex(content.launches);
  }

  /// Appends a device-to-device copy of `bytes` bytes (e.g. an output that
  /// is a reshape of an input or a weight).
  uint32_t addCopy(BufferRef src, BufferRef dst, uint64_t bytes) {
    LaunchSpec launch;
    launch.kind = LaunchKind::Copy;
    launch.grid = launch.block = Dim3{0, 0, 0};
    launch.copySrc = src;
    launch.copyDst = dst;
    launch.copyBytes = bytes;
    content.launches.push_back(std::move(launch));
    return lastIndex(content.launches);
  }

  /// Appends an all-reduce (sum over the ranks of the tensor-parallel
  /// group) of `bytes` bytes of `dtype` elements, in place at `buffer`.
  /// Makes the artifact format version 4.
  uint32_t addAllReduce(BufferRef buffer, uint64_t bytes, DType dtype) {
    LaunchSpec launch;
    launch.kind = LaunchKind::AllReduce;
    launch.grid = launch.block = Dim3{0, 0, 0};
    launch.copyDst = buffer;
    launch.copyBytes = bytes;
    launch.collectiveDtype = dtype;
    content.launches.push_back(std::move(launch));
    return lastIndex(content.launches);
  }

  /// Records the compiler's prediction for launch `launch` (makes the
  /// artifact format version 6).
  void setLaunchCost(uint32_t launch, LaunchCost cost) {
    content.launches.at(launch).cost = std::move(cost);
  }

  /// Marks the artifact as rank `rank` of a tensor-parallel group of
  /// `ranks` ranks (format version 4).
  void setTensorParallel(uint32_t rank, uint32_t ranks) {
    content.tensorParallelRank = rank;
    content.tensorParallelRanks = ranks;
  }

  const ArtifactSpec &spec() const { return content; }
  ArtifactSpec &spec() { return content; }

  std::string serialize() const { return serializeArtifact(content); }

  /// Writes the artifact to `path` (through a temporary file renamed into
  /// place); on failure returns false and sets `error`.
  bool writeFile(const std::string &path, std::string &error) const {
    std::string bytes = serialize();
    std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) {
        error =
            "cannot open '" + tmp + "' for writing: " + std::strerror(errno);
        return false;
      }
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out.close();
      if (!out) {
        error = "cannot write '" + tmp + "': " + std::strerror(errno);
        std::remove(tmp.c_str());
        return false;
      }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      error = "cannot rename '" + tmp + "' to '" + path +
              "': " + std::strerror(errno);
      std::remove(tmp.c_str());
      return false;
    }
    return true;
  }

private:
  template <typename T> static uint32_t lastIndex(const std::vector<T> &v) {
    return static_cast<uint32_t>(v.size() - 1);
  }

  ArtifactSpec content;
};

} // namespace artifact
} // namespace tfc

#endif // TFC_ARTIFACTWRITER_H
