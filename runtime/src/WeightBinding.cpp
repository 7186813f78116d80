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
//   3. a safetensors tensor must have the weight's dtype and shape (its byte
//      span was checked against them when the header was read).
//
//===----------------------------------------------------------------------===//

#include "WeightBinding.h"
#include "Safetensors.h"

#include <cerrno>
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
  if (tensor.dtype != wanted)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": tensor '",
                     tensor.name, "' of '", file.path, "' is ", tensor.dtype,
                     "; the artifact needs ", artifact::dtypeName(spec.dtype),
                     " (", wanted, ")");
  if (tensor.shape != spec.shape)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": tensor '",
                     tensor.name, "' of '", file.path, "' has shape ",
                     shapeString(tensor.shape), "; the artifact needs ",
                     shapeString(spec.shape));
  // Same dtype and shape, so the span the header check accepted is exactly
  // byteSize; this guards the invariant.
  if (tensor.end - tensor.begin != weight.tensor.byteSize)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label, ": tensor '",
                     tensor.name, "' of '", file.path, "' spans ",
                     tensor.end - tensor.begin, " bytes; the artifact needs ",
                     weight.tensor.byteSize);
  source.path = file.path;
  source.offset = file.dataStart + tensor.begin;
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
  uint64_t bytes = weight.tensor.byteSize;
  if (weight.dataOffset > fileSize || bytes > fileSize - weight.dataOffset)
    return makeError(TFC_ERROR_EXTERNAL_WEIGHTS, label,
                     ": external weights file '", path, "' has ", fileSize,
                     " bytes; the weight needs bytes [", weight.dataOffset,
                     ", +", bytes, ")");
  source.path = path;
  source.offset = weight.dataOffset;
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
  if (!options.weightFiles.empty())
    return bindFromFiles(artifact, options.weightFiles, out);
  return bindFromArtifactFiles(
      artifact,
      options.weightsDir.empty() ? artifact.baseDir : options.weightsDir, out);
}

} // namespace rt
} // namespace tfc
