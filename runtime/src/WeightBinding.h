//===- WeightBinding.h - Find the bytes of every external weight -*- C++ -*-===//
//
// An artifact's external weights are bound when a session is created, not
// when the artifact is loaded, so that the files can be named then: the
// artifact's own files (raw bytes at an offset, i.e. ONNX external data, or a
// safetensors tensor by name), resolved against the artifact's folder or a
// given one, or safetensors files given at load time that every external
// weight is bound from by its tensor name. Binding opens only file headers
// and checks everything (file present and long enough, tensor present, dtype,
// shape, size) before a byte is uploaded, without a GPU.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_WEIGHTBINDING_H
#define TFC_RUNTIME_WEIGHTBINDING_H

#include "Artifact.h"

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
};

/// Binds every weight of `artifact`: `out[i]` says where weight i's bytes
/// are. Errors are TFC_ERROR_EXTERNAL_WEIGHTS and name the weight and file.
Status bindWeights(const Artifact &artifact, const WeightBindOptions &options,
                   std::vector<WeightSource> &out);

/// The tensor name an external weight is bound by in a safetensors file:
/// its external name, else (ONNX external data without one) its own name.
const std::string &bindingName(const LoadedWeight &weight);

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_WEIGHTBINDING_H
