//===- Artifact.cpp - Lookups on a loaded artifact
//-------------------------===//
//
// Small queries shared by the validator, the describer and the session:
// buffer sizes, external weight paths, input/output lookup by name, and the
// labels ("launch 3 (kernel 'k')", "input 0 'x'") that messages use.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"

namespace tfc {
namespace rt {

uint64_t Artifact::bufferSize(BufferKind kind, uint32_t index) const {
  switch (kind) {
  case BufferKind::Arena:
    return arenaSize;
  case BufferKind::Input:
    return inputs[index].byteSize;
  case BufferKind::Output:
    return outputs[index].byteSize;
  case BufferKind::Weight:
    return weights[index].tensor.byteSize;
  case BufferKind::None:
    break;
  }
  return 0;
}

uint64_t LoadedWeight::sourceByteSize() const {
  size_t size = tfcmDTypeSize(static_cast<uint32_t>(tensor.spec.dtype));
  size_t sourceSize = tfcmDTypeSize(static_cast<uint32_t>(sourceDtype));
  if (size == 0 || sourceSize == 0 || !convertedAtLoad())
    return tensor.byteSize;
  return tensor.byteSize / size * sourceSize;
}

std::string Artifact::externalWeightPath(const LoadedWeight &weight) const {
  if (baseDir.empty() || baseDir == ".")
    return weight.externalPath;
  if (baseDir.back() == '/')
    return baseDir + weight.externalPath;
  return baseDir + "/" + weight.externalPath;
}

std::string Artifact::launchLabel(size_t index) const {
  const LaunchSpec &launch = launches[index];
  if (launch.kind == LaunchKind::Copy)
    return concat("launch ", index, " (memcpy)");
  if (launch.kind == LaunchKind::AllReduce)
    return concat("launch ", index, " (all-reduce)");
  if (launch.kind == LaunchKind::Kernel && launch.kernel < kernels.size())
    return concat("launch ", index, " (kernel '", kernels[launch.kernel].name,
                  "')");
  return concat("launch ", index);
}

static int findTensor(const std::vector<LoadedTensor> &tensors,
                      const std::string &name) {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].spec.name == name)
      return static_cast<int>(i);
  return -1;
}

int Artifact::findInput(const std::string &name) const {
  return findTensor(inputs, name);
}

int Artifact::findOutput(const std::string &name) const {
  return findTensor(outputs, name);
}

std::string bufferLabel(const Artifact &artifact, BufferKind kind,
                        uint32_t index) {
  switch (kind) {
  case BufferKind::Arena:
    return "arena";
  case BufferKind::Input:
    return concat("input ", index, " '", artifact.inputs[index].spec.name, "'");
  case BufferKind::Output:
    return concat("output ", index, " '", artifact.outputs[index].spec.name,
                  "'");
  case BufferKind::Weight:
    return concat("weight ", index, " '",
                  artifact.weights[index].tensor.spec.name, "'");
  case BufferKind::None:
    break;
  }
  return "?";
}

} // namespace rt
} // namespace tfc
