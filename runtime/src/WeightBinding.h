//===- WeightBinding.h - Find the bytes of every external weight -*- C++ -*-===//
//
// An artifact's external weights are bound when a session is created, not
// when the artifact is loaded, so that the files can be named then: the
// artifact's own files (raw bytes at an offset, i.e. ONNX external data, or a
// safetensors tensor by name), resolved against the artifact's folder or a
// given one, or safetensors files given at load time that every external
// weight is bound from by its tensor name. Binding opens only file headers
// and checks everything (file present and long enough, tensor present, dtype,
// shape, size) before a byte is uploaded, without a GPU. A weight whose file
// stores another float type (format version 3) is converted while it is read
// (readWeightData), once, at upload.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_WEIGHTBINDING_H
#define TFC_RUNTIME_WEIGHTBINDING_H

#include "Artifact.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace tfc {
namespace rt {

struct WeightBindOptions {
  /// Safetensors files that every external weight is bound from, by its
  /// tensor name, instead of the files the artifact names. Empty: the
  /// artifact's own files.
  std::vector<std::string> weightFiles;
  /// Folder the artifact's own external paths resolve against; empty: the
  /// artifact's folder (Artifact::baseDir).
  std::string weightsDir;
};

/// Where the bytes of one weight are read from.
struct WeightSource {
  std::string path;    ///< Empty for an inline weight (bytes in the artifact)
  uint64_t offset = 0; ///< Byte offset of the tensor in `path`
  /// The dtype of the bytes at `offset`: the weight's own, or the source
  /// dtype the artifact allows (f32 for a bf16 weight), converted at upload.
  DType fileDtype = DType::F32;
};

/// Binds every weight of `artifact`: `out[i]` says where weight i's bytes
/// are. Errors are TFC_ERROR_EXTERNAL_WEIGHTS and name the weight and file.
Status bindWeights(const Artifact &artifact, const WeightBindOptions &options,
                   std::vector<WeightSource> &out);

/// The tensor name an external weight is bound by in a safetensors file:
/// its external name, else (ONNX external data without one) its own name.
const std::string &bindingName(const LoadedWeight &weight);

/// Converts `count` elements of `from` at `src` to `to` at `dst`; both
/// dtypes are f32, f16 or bf16. Rounds to nearest even; NaN stays NaN,
/// values beyond the target's range become infinities (as a cast in a
/// kernel does). `src` and `dst` must not overlap.
void convertFloatElements(const void *src, DType from, void *dst, DType to,
                          size_t count);

/// Receives the weight's bytes, in its own dtype, piece by piece: `bytes`
/// bytes that belong at `offset` of the weight.
using WeightSink =
    std::function<Status(const void *data, uint64_t offset, size_t bytes)>;

/// Reads external weight `weight` from `source` in pieces of at most
/// `chunkBytes` (of the weight's dtype), converting from the file's dtype,
/// and hands each piece to `sink`. Errors (file missing, short, or the
/// sink's) name `label`.
Status readWeightData(const LoadedWeight &weight, const WeightSource &source,
                      const std::string &label, size_t chunkBytes,
                      const WeightSink &sink);

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_WEIGHTBINDING_H
