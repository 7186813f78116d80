//===- ArtifactDescribe.cpp - Human-readable listing of an artifact -------===//
//
// What `tfc-run --inspect` prints: arch, modules and their images, kernels,
// buffer plan, inputs, outputs, weights and the launch list. It reads only
// the validated Artifact, so it works on machines without a GPU.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"

#include <cstring>
#include <iomanip>

namespace tfc {
namespace rt {
namespace {

std::string shapeString(const TensorSpec &spec) {
  std::string s = concat(artifact::dtypeName(spec.dtype), "[");
  for (size_t i = 0; i < spec.shape.size(); ++i)
    s += concat(i ? "x" : "", spec.shape[i]);
  return s + "]";
}

std::string refString(const Artifact &artifact, const BufferRef &ref) {
  std::string s =
      concat(bufferLabel(artifact, ref.kind, ref.index), "+", ref.offset);
  if (ref.extent)
    s += concat("[", ref.extent, "]");
  return s;
}

std::string argString(const Artifact &artifact, const KernelArg &arg) {
  switch (arg.kind) {
  case ArgKind::Buffer:
    return refString(artifact, arg.ref);
  case ArgKind::I32:
    return concat("i32 ", static_cast<int32_t>(arg.scalarBits));
  case ArgKind::I64:
    return concat("i64 ", static_cast<int64_t>(arg.scalarBits));
  case ArgKind::TensorMap: {
    // "tensor map of input 0 'x'+0: bf16 dims [64, 200, 1] box [64, 128, 1]
    // swizzle 128B", innermost first as cuTensorMapEncodeTiled takes them.
    const artifact::TensorMapSpec &map = arg.tensorMap;
    auto list = [](const auto &values) {
      std::string s = "[";
      for (size_t i = 0; i < values.size(); ++i)
        s += concat(i ? ", " : "", values[i]);
      return s + "]";
    };
    static const char *const swizzles[] = {"none", "32B", "64B", "128B"};
    return concat("tensor map of ", refString(artifact, arg.ref), ": ",
                  artifact::dtypeName(map.dtype), " dims ",
                  list(map.globalDims), " strides ", list(map.globalStrides),
                  " box ", list(map.boxDims), " swizzle ",
                  map.swizzle < 4 ? swizzles[map.swizzle] : "?");
  }
  case ArgKind::F32: {
    uint32_t bits = static_cast<uint32_t>(arg.scalarBits);
    float value;
    std::memcpy(&value, &bits, sizeof(value));
    std::ostringstream os;
    os << "f32 " << std::setprecision(9) << value;
    return os.str();
  }
  }
  return "?";
}

void describeTensors(std::ostringstream &os, const char *title,
                     const std::vector<LoadedTensor> &tensors) {
  os << title << " (" << tensors.size() << "):\n";
  for (size_t i = 0; i < tensors.size(); ++i)
    os << "  #" << i << " '" << tensors[i].spec.name
       << "': " << shapeString(tensors[i].spec) << ", " << tensors[i].byteSize
       << " bytes\n";
}

} // namespace

std::string describeArtifact(const Artifact &artifact) {
  std::ostringstream os;
  os << "tfcm format version " << artifact.version << ", "
     << artifact.bytes.size() << " bytes, checksum 0x" << std::hex
     << std::setw(16) << std::setfill('0') << artifact.checksum << std::dec
     << std::setfill(' ') << "\n";
  os << "target: " << artifact.targetArch << "\n";
  if (artifact.tensorParallelRanks != 0)
    os << "tensor parallel: rank " << artifact.tensorParallelRank << " of "
       << artifact.tensorParallelRanks << "\n";

  os << "modules (" << artifact.modules.size() << "):\n";
  for (size_t i = 0; i < artifact.modules.size(); ++i) {
    const LoadedModule &module = artifact.modules[i];
    os << "  #" << i << " '" << module.name << "':";
    for (size_t j = 0; j < module.images.size(); ++j) {
      const LoadedImage &image = module.images[j];
      os << (j ? "," : "") << " "
         << (image.format == ImageFormat::Cubin ? "cubin" : "ptx") << " "
         << image.arch << " (" << image.dataSize << " bytes)";
    }
    os << "\n";
  }

  os << "kernels (" << artifact.kernels.size() << "):\n";
  for (size_t i = 0; i < artifact.kernels.size(); ++i)
    os << "  #" << i << " '" << artifact.kernels[i].name << "' in module "
       << artifact.kernels[i].module << "\n";

  os << "buffer plan: arena " << artifact.arenaSize << " bytes, alignment "
     << artifact.arenaAlignment << "\n";
  describeTensors(os, "inputs", artifact.inputs);
  describeTensors(os, "outputs", artifact.outputs);

  os << "weights (" << artifact.weights.size() << "):\n";
  for (size_t i = 0; i < artifact.weights.size(); ++i) {
    const LoadedWeight &weight = artifact.weights[i];
    os << "  #" << i << " '" << weight.tensor.spec.name
       << "': " << shapeString(weight.tensor.spec) << ", "
       << weight.tensor.byteSize << " bytes, ";
    if (weight.storage == WeightStorage::Inline)
      os << "inline at " << weight.dataOffset;
    else if (weight.storage == WeightStorage::Safetensors)
      os << "safetensors '" << weight.externalPath << "' tensor '"
         << weight.externalName << "'";
    else
      os << "external '" << weight.externalPath << "' tensor '"
         << weight.externalName << "' at " << weight.dataOffset;
    if (weight.convertedAtLoad())
      os << ", stored as " << artifact::dtypeName(weight.sourceDtype)
         << " (" << weight.sourceByteSize() << " bytes), converted to "
         << artifact::dtypeName(weight.tensor.spec.dtype) << " at load";
    os << "\n";
  }

  os << "launches (" << artifact.launches.size() << "):\n";
  for (size_t i = 0; i < artifact.launches.size(); ++i) {
    const LaunchSpec &launch = artifact.launches[i];
    os << "  #" << i << " ";
    if (launch.kind == LaunchKind::AllReduce) {
      os << "all-reduce (sum over " << artifact.tensorParallelRanks
         << " ranks) " << launch.copyBytes << " bytes of "
         << artifact::dtypeName(launch.collectiveDtype) << " at "
         << refString(artifact, launch.copyDst) << "\n";
      continue;
    }
    if (launch.kind == LaunchKind::Copy) {
      os << "memcpy " << launch.copyBytes << " bytes "
         << refString(artifact, launch.copySrc) << " -> "
         << refString(artifact, launch.copyDst) << "\n";
      continue;
    }
    const Dim3 &g = launch.grid, &b = launch.block;
    os << "kernel '" << artifact.kernels[launch.kernel].name << "' grid ("
       << g.x << ", " << g.y << ", " << g.z << ") block (" << b.x << ", " << b.y
       << ", " << b.z << ") smem " << launch.sharedMemBytes << " args (";
    for (size_t j = 0; j < launch.args.size(); ++j)
      os << (j ? ", " : "") << argString(artifact, launch.args[j]);
    os << ")\n";
    // Format version 6: the compiler's prediction, for roofline reports.
    const LaunchCost &cost = launch.cost;
    if (!cost.family.empty()) {
      os << "      predicted: " << cost.family;
      if (!cost.name.empty())
        os << " '" << cost.name << "'";
      os << ", " << cost.hbmBytes << " HBM bytes, " << cost.flops()
         << " FLOPs";
      if (cost.matrixFlops)
        os << " (" << cost.matrixFlops << " on tensor cores in "
           << artifact::dtypeName(cost.matrixDtype) << ")";
      os << "\n";
    }
  }
  return os.str();
}

} // namespace rt
} // namespace tfc
