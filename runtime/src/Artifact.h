//===- Artifact.h - In-memory form of a loaded .tfcm artifact --*- C++ -*-===//
//
// What the reader produces and the validator, the describer and the session
// consume: the file's bytes (images and inline weights are read from them in
// place) and the decoded records, as the value types of ArtifactWriter.h so
// that the writer and the reader share one C++ picture of the format.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_ARTIFACT_H
#define TFC_RUNTIME_ARTIFACT_H

#include "Status.h"
#include "tfc/ArtifactWriter.h"
#include "tfc/artifact_format.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tfc {
namespace rt {

using artifact::ArgKind;
using artifact::BufferKind;
using artifact::BufferRef;
using artifact::Dim3;
using artifact::DType;
using artifact::ImageFormat;
using artifact::KernelArg;
using artifact::KernelSpec;
using artifact::LaunchCost;
using artifact::LaunchKind;
using artifact::LaunchSpec;
using artifact::TensorSpec;
using artifact::WeightStorage;

/// A byte range of the file.
struct FileRange {
  uint64_t offset = 0;
  uint64_t size = 0;
};

struct LoadedImage {
  std::string arch;
  ImageFormat format = ImageFormat::Ptx;
  uint64_t dataOffset = 0; ///< Relative to the IMAGE_DATA section
  uint64_t dataSize = 0;
};

struct LoadedModule {
  std::string name;
  std::vector<LoadedImage> images;
};

/// A tensor record with the byte size the file states (validated against
/// the shape).
struct LoadedTensor {
  TensorSpec spec;
  uint64_t byteSize = 0;
};

struct LoadedWeight {
  LoadedTensor tensor;
  WeightStorage storage = WeightStorage::Inline;
  /// Inline: offset in the WEIGHT_DATA section; external: offset in the file.
  uint64_t dataOffset = 0;
  std::string externalPath;
  std::string externalName;
  /// The dtype the external file stores (format version 3): the tensor's
  /// own, or one the session converts to it at upload.
  DType sourceDtype = DType::F32;

  bool convertedAtLoad() const { return sourceDtype != tensor.spec.dtype; }
  /// Bytes of the weight in its external file.
  uint64_t sourceByteSize() const;
};

class Artifact {
public:
  std::vector<uint8_t> bytes; ///< The whole file
  std::string baseDir;        ///< Folder that external weight paths start from
  uint32_t version = 0;
  uint64_t checksum = 0;
  FileRange sections[TFCM_SECTION_COUNT];

  std::string targetArch;
  uint64_t arenaSize = 0;
  uint32_t arenaAlignment = 0;
  /// Tensor parallelism (format version 4): rank of a group of `ranks`;
  /// ranks 0 for a single-GPU artifact.
  uint32_t tensorParallelRank = 0;
  uint32_t tensorParallelRanks = 0;
  std::vector<LoadedModule> modules;
  std::vector<KernelSpec> kernels;
  std::vector<LoadedTensor> inputs;
  std::vector<LoadedTensor> outputs;
  std::vector<LoadedWeight> weights;
  std::vector<LaunchSpec> launches;
  /// Format version 6: every launch's `cost` holds the compiler's
  /// prediction (LAUNCH_COSTS section); false for older artifacts.
  bool hasLaunchCosts = false;

  /// Byte size of the buffer a reference points into (kind and index must
  /// have been validated).
  uint64_t bufferSize(BufferKind kind, uint32_t index) const;

  const uint8_t *imageBytes(const LoadedImage &image) const {
    return bytes.data() + sections[TFCM_SECTION_IMAGE_DATA].offset +
           image.dataOffset;
  }
  const uint8_t *inlineWeightBytes(const LoadedWeight &weight) const {
    return bytes.data() + sections[TFCM_SECTION_WEIGHT_DATA].offset +
           weight.dataOffset;
  }
  /// Path of an external weight's file: baseDir joined with its path.
  std::string externalWeightPath(const LoadedWeight &weight) const;

  /// "launch 3 (kernel 'fused_add')" or "launch 4 (memcpy)", for messages.
  std::string launchLabel(size_t index) const;

  /// Index of the input/output called `name`, or -1.
  int findInput(const std::string &name) const;
  int findOutput(const std::string &name) const;
};

/// "arena", "input 2 'x'", "output 0 'y'", "weight 1 'w'" for messages.
std::string bufferLabel(const Artifact &artifact, BufferKind kind,
                        uint32_t index);

/// Decodes the file's header, section table and records (ArtifactReader.cpp):
/// bounds of everything the decoding itself follows, magic, version, size,
/// checksum and reserved fields.
Status decodeArtifact(Artifact &artifact);

/// Checks the meaning of every decoded field (ArtifactValidator.cpp): enums,
/// indices, shapes and byte sizes, buffer references, launch configurations,
/// image and weight ranges, and the external weight files.
Status validateArtifact(const Artifact &artifact);

/// Decodes and validates `bytes`; external weights resolve against `baseDir`.
Status loadArtifact(std::vector<uint8_t> bytes, std::string baseDir,
                    std::shared_ptr<const Artifact> &out);

/// Reads `path` and loads it; external weights resolve against its folder.
Status loadArtifactFile(const std::string &path,
                        std::shared_ptr<const Artifact> &out);

/// Human-readable listing of the whole artifact (ArtifactDescribe.cpp).
std::string describeArtifact(const Artifact &artifact);

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_ARTIFACT_H
