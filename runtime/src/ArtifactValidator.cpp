//===- ArtifactValidator.cpp - Check every field of a decoded artifact ----===//
//
// Runs after ArtifactReader.cpp has decoded the records and before anything
// touches the GPU: every enum, index, shape, byte size, buffer reference,
// launch configuration, image and weight range is checked. External weight
// files are not opened here: WeightBinding.cpp binds them when a session is
// created (or tfcArtifactCheckWeights asks), since they may be given then.
// Each error names the record and field, the value found and the limit it
// broke.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "TargetArch.h"

#include <cstring>
#include <set>

namespace tfc {
namespace rt {
namespace {

Status invalid(const std::string &message) {
  return Status(TFC_ERROR_INVALID_ARTIFACT, message);
}

bool isPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

/// a + b <= limit, without overflow.
bool fitsIn(uint64_t a, uint64_t b, uint64_t limit) {
  return a <= limit && b <= limit - a;
}

Status checkArch(const std::string &arch, const std::string &what) {
  ArchInfo info;
  if (!parseArch(arch, info))
    return invalid(concat(what, " '", arch,
                          "' is not an arch name of the form "
                          "sm_<major><minor>[a|f] (e.g. sm_90a)"));
  return Status::success();
}

Status checkTensor(const LoadedTensor &tensor, const std::string &label) {
  const TensorSpec &spec = tensor.spec;
  if (spec.name.empty())
    return invalid(label + ": name is empty");
  size_t elementSize = artifact::dtypeSize(spec.dtype);
  if (elementSize == 0)
    return invalid(concat(label, ": dtype ", uint32_t(spec.dtype),
                          " is not a valid dtype (1-8: f32, f16, bf16, i64, "
                          "i32, i8, u8, bool)"));
  if (spec.shape.size() > TFCM_MAX_RANK)
    return invalid(concat(label, ": rank ", spec.shape.size(),
                          " exceeds the maximum of ", TFCM_MAX_RANK));
  uint64_t bytes = elementSize;
  for (size_t i = 0; i < spec.shape.size(); ++i) {
    int64_t dim = spec.shape[i];
    if (dim < 0)
      return invalid(concat(label, ": dim ", i, " is ", dim,
                            "; dims must be static and non-negative"));
    if (dim != 0 && bytes > UINT64_MAX / static_cast<uint64_t>(dim))
      return invalid(concat(label, ": byte size overflows 64 bits"));
    bytes *= static_cast<uint64_t>(dim);
  }
  if (bytes != tensor.byteSize)
    return invalid(concat(label, ": byte size is ", tensor.byteSize, "; ",
                          artifact::dtypeName(spec.dtype), " with ",
                          spec.shape.size(), " dims needs ", bytes));
  return Status::success();
}

Status checkTensorList(const std::vector<LoadedTensor> &tensors,
                       const char *what, std::set<std::string> &names) {
  for (size_t i = 0; i < tensors.size(); ++i) {
    std::string label = concat(what, " ", i, " '", tensors[i].spec.name, "'");
    TFC_RETURN_IF_ERROR(checkTensor(tensors[i], label));
    if (!names.insert(tensors[i].spec.name).second)
      return invalid(concat(label, ": another input or output has this name"));
  }
  return Status::success();
}

Status checkModules(const Artifact &artifact) {
  uint64_t dataSize = artifact.sections[TFCM_SECTION_IMAGE_DATA].size;
  for (size_t i = 0; i < artifact.modules.size(); ++i) {
    const LoadedModule &module = artifact.modules[i];
    std::string label = concat("module ", i, " '", module.name, "'");
    if (module.images.empty())
      return invalid(label + ": has no image");
    for (size_t j = 0; j < module.images.size(); ++j) {
      const LoadedImage &image = module.images[j];
      std::string imageLabel = concat(label, " image ", j);
      TFC_RETURN_IF_ERROR(checkArch(image.arch, imageLabel + ": arch"));
      if (image.format != ImageFormat::Cubin &&
          image.format != ImageFormat::Ptx)
        return invalid(concat(imageLabel, ": format ", uint32_t(image.format),
                              " is neither cubin (1) nor ptx (2)"));
      if (image.dataSize == 0)
        return invalid(imageLabel + ": is empty");
      if (!fitsIn(image.dataOffset, image.dataSize, dataSize))
        return invalid(concat(
            imageLabel, ": bytes [", image.dataOffset, ", +", image.dataSize,
            ") extend past the image data section (", dataSize, " bytes)"));
      const uint8_t *bytes = artifact.imageBytes(image);
      if (image.format == ImageFormat::Cubin &&
          (image.dataSize < 4 || std::memcmp(bytes,
                                             "\x7f"
                                             "ELF",
                                             4) != 0))
        return invalid(imageLabel +
                       ": is declared cubin but does not start with the ELF "
                       "magic");
      if (image.format == ImageFormat::Ptx) {
        const void *nul = std::memchr(bytes, '\0', image.dataSize);
        if (nul) {
          const uint8_t *end = bytes + image.dataSize;
          for (auto *p = static_cast<const uint8_t *>(nul); p < end; ++p)
            if (*p != 0)
              return invalid(imageLabel + ": PTX text contains a NUL byte");
        }
      }
    }
  }
  return Status::success();
}

Status checkKernels(const Artifact &artifact) {
  for (size_t i = 0; i < artifact.kernels.size(); ++i) {
    const KernelSpec &kernel = artifact.kernels[i];
    std::string label = concat("kernel ", i, " '", kernel.name, "'");
    if (kernel.name.empty())
      return invalid(label + ": name is empty");
    if (kernel.module >= artifact.modules.size())
      return invalid(concat(label, ": module index ", kernel.module,
                            " is out of range (the artifact has ",
                            artifact.modules.size(), " modules)"));
  }
  return Status::success();
}

/// External weight paths must stay inside the artifact's folder.
bool isSafeRelativePath(const std::string &path) {
  if (path.empty() || path[0] == '/')
    return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos)
      end = path.size();
    if (path.compare(start, end - start, "..") == 0 && end - start == 2)
      return false;
    start = end + 1;
  }
  return true;
}

bool isConvertibleFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

/// A weight converted at load: external, between two float types the
/// session converts (version 3; earlier versions were refused when read).
Status checkSourceDtype(const LoadedWeight &weight, const std::string &label) {
  if (!weight.convertedAtLoad())
    return Status::success();
  uint32_t source = static_cast<uint32_t>(weight.sourceDtype);
  if (!tfcmDTypeName(source))
    return invalid(concat(label, ": source dtype ", source,
                          " is not a dtype (1 to 8)"));
  if (weight.storage == WeightStorage::Inline)
    return invalid(concat(label, ": an inline weight has source dtype ",
                          tfcmDTypeName(source),
                          "; only external weights are converted at load"));
  if (!isConvertibleFloat(weight.sourceDtype) ||
      !isConvertibleFloat(weight.tensor.spec.dtype))
    return invalid(concat(label, ": the runtime cannot convert ",
                          tfcmDTypeName(source), " in the weights file to ",
                          artifact::dtypeName(weight.tensor.spec.dtype),
                          " at load (only f32, f16 and bf16 convert to one "
                          "another)"));
  return Status::success();
}

Status checkWeights(const Artifact &artifact) {
  uint64_t dataSize = artifact.sections[TFCM_SECTION_WEIGHT_DATA].size;
  for (size_t i = 0; i < artifact.weights.size(); ++i) {
    const LoadedWeight &weight = artifact.weights[i];
    std::string label =
        concat("weight ", i, " '", weight.tensor.spec.name, "'");
    TFC_RETURN_IF_ERROR(checkTensor(weight.tensor, label));
    if (weight.storage == WeightStorage::Inline) {
      if (!weight.externalPath.empty() || !weight.externalName.empty())
        return invalid(label + ": an inline weight has an external path");
      if (weight.dataOffset % TFCM_WEIGHT_ALIGNMENT != 0)
        return invalid(concat(label, ": inline data offset ", weight.dataOffset,
                              " is not a multiple of ", TFCM_WEIGHT_ALIGNMENT));
      if (!fitsIn(weight.dataOffset, weight.tensor.byteSize, dataSize))
        return invalid(concat(label, ": inline blob [", weight.dataOffset,
                              ", +", weight.tensor.byteSize,
                              ") extends past the end of the weight data "
                              "section (",
                              dataSize, " bytes)"));
    } else if (weight.storage == WeightStorage::External ||
               weight.storage == WeightStorage::Safetensors) {
      if (!isSafeRelativePath(weight.externalPath))
        return invalid(concat(label, ": external path '", weight.externalPath,
                              "' must be a non-empty relative path without "
                              "'..' components"));
      if (weight.storage == WeightStorage::Safetensors) {
        if (artifact.version < 2)
          return invalid(concat(label,
                                ": safetensors storage (3) needs format "
                                "version 2; the file is version ",
                                artifact.version));
        if (weight.externalName.empty())
          return invalid(label + ": a safetensors weight has no tensor name");
        if (weight.dataOffset != 0)
          return invalid(concat(label, ": a safetensors weight has data offset ",
                                weight.dataOffset,
                                "; it must be 0 (the file's header says where "
                                "the tensor is)"));
      }
    } else {
      return invalid(concat(label, ": storage ", uint32_t(weight.storage),
                            " is not inline (1), external (2) or "
                            "safetensors (3)"));
    }
    TFC_RETURN_IF_ERROR(checkSourceDtype(weight, label));
  }
  return Status::success();
}

/// Checks that `ref` names an existing buffer and that [offset, +extent)
/// lies inside it.
Status checkBufferRef(const Artifact &artifact, const BufferRef &ref,
                      const std::string &label) {
  size_t count = 0;
  const char *what = "";
  switch (ref.kind) {
  case BufferKind::Arena:
    if (ref.index != 0)
      return invalid(concat(label, ": arena reference has index ", ref.index,
                            "; it must be 0"));
    break;
  case BufferKind::Input:
    count = artifact.inputs.size();
    what = "inputs";
    break;
  case BufferKind::Output:
    count = artifact.outputs.size();
    what = "outputs";
    break;
  case BufferKind::Weight:
    count = artifact.weights.size();
    what = "weights";
    break;
  default:
    return invalid(concat(label, ": buffer kind ", uint32_t(ref.kind),
                          " is not arena (1), input (2), output (3) or "
                          "weight (4)"));
  }
  if (ref.kind != BufferKind::Arena && ref.index >= count)
    return invalid(concat(label, ": references ", what, " index ", ref.index,
                          ", but the artifact has ", count, " ", what));
  uint64_t size = artifact.bufferSize(ref.kind, ref.index);
  std::string buffer = bufferLabel(artifact, ref.kind, ref.index);
  if (ref.offset >= size && !(ref.offset == 0 && size == 0))
    return invalid(concat(label, ": byte offset ", ref.offset, " is outside ",
                          buffer, " (", size, " bytes)"));
  if (ref.extent > size - ref.offset)
    return invalid(concat(label, ": bytes [", ref.offset, ", +", ref.extent,
                          ") extend past the end of ", buffer, " (", size,
                          " bytes)"));
  return Status::success();
}

bool isZero(const BufferRef &ref) { return ref == BufferRef(); }

/// The limits cuTensorMapEncodeTiled puts on a tiled TMA descriptor, checked
/// without a GPU, and that the tensor it describes lies inside its buffer.
Status checkTensorMap(const Artifact &artifact, const KernelArg &arg,
                      const std::string &label) {
  const artifact::TensorMapSpec &map = arg.tensorMap;
  uint64_t elementSize = artifact::dtypeSize(map.dtype);
  if (elementSize == 0)
    return invalid(concat(label, ": tensor map dtype ", uint32_t(map.dtype),
                          " is not a valid dtype (1-8)"));
  size_t rank = map.rank();
  if (rank == 0 || rank > TFCM_TENSOR_MAP_MAX_RANK)
    return invalid(concat(label, ": tensor map rank ", rank,
                          " is not between 1 and ", TFCM_TENSOR_MAP_MAX_RANK));
  if (map.swizzle > 3 || map.l2Promotion > 3 || map.oobFill > 1 ||
      map.interleave != 0)
    return invalid(concat(
        label, ": tensor map swizzle ", map.swizzle, ", L2 promotion ",
        map.l2Promotion, ", out-of-bounds fill ", map.oobFill,
        ", interleave ", map.interleave,
        "; expected swizzle 0-3, L2 promotion 0-3, fill 0-1, interleave 0"));
  if (map.oobFill != 0 && map.dtype != DType::F32 &&
      map.dtype != DType::F16 && map.dtype != DType::BF16)
    return invalid(concat(label, ": tensor map NaN fill needs a float dtype, "
                                 "got ",
                          artifact::dtypeName(map.dtype)));
  // Bytes spanned by dims [0, i]: the next dim's stride must be at least it.
  uint64_t span = elementSize;
  for (size_t i = 0; i < rank; ++i) {
    uint64_t dim = map.globalDims[i];
    if (dim == 0 || dim > (uint64_t(1) << 32))
      return invalid(concat(label, ": tensor map dim ", i, " is ", dim,
                            "; TMA allows 1 to 2^32"));
    uint64_t stride = i == 0 ? elementSize : map.globalStrides[i - 1];
    if (i > 0 && (stride % 16 != 0 || stride >= (uint64_t(1) << 40) ||
                  stride < span))
      return invalid(concat(label, ": tensor map stride of dim ", i, " is ",
                            stride, " bytes; TMA needs a multiple of 16 below "
                                    "2^40 and at least the ",
                            span, " bytes of the dims inside it"));
    span = stride * dim;
    uint32_t box = map.boxDims[i];
    if (box == 0 || box > 256)
      return invalid(concat(label, ": tensor map box dim ", i, " is ", box,
                            "; TMA allows 1 to 256"));
    if (map.elementStrides[i] == 0 || map.elementStrides[i] > 8)
      return invalid(concat(label, ": tensor map element stride ", i, " is ",
                            map.elementStrides[i], "; TMA allows 1 to 8"));
  }
  uint64_t boxRowBytes = map.boxDims[0] * elementSize;
  if (boxRowBytes % 16 != 0)
    return invalid(concat(label, ": tensor map box rows are ", boxRowBytes,
                          " bytes; TMA needs a multiple of 16"));
  if (map.swizzle != 0 && boxRowBytes > (uint64_t(16) << map.swizzle))
    return invalid(concat(label, ": tensor map box rows are ", boxRowBytes,
                          " bytes; a ", uint64_t(16) << map.swizzle,
                          "-byte swizzle allows at most that"));
  TFC_RETURN_IF_ERROR(checkBufferRef(artifact, arg.ref, label));
  if (arg.ref.offset % 16 != 0)
    return invalid(concat(label, ": tensor map starts at byte offset ",
                          arg.ref.offset, "; TMA needs 16-byte alignment"));
  uint64_t size = arg.ref.extent
                      ? arg.ref.extent
                      : artifact.bufferSize(arg.ref.kind, arg.ref.index) -
                            arg.ref.offset;
  if (span > size)
    return invalid(concat(label, ": tensor map spans ", span,
                          " bytes but its buffer reference holds ", size));
  return Status::success();
}

Status checkKernelLaunch(const Artifact &artifact, const LaunchSpec &launch,
                         const std::string &label) {
  if (launch.kernel >= artifact.kernels.size())
    return invalid(concat(label, ": kernel index ", launch.kernel,
                          " is out of range (the artifact has ",
                          artifact.kernels.size(), " kernels)"));
  const Dim3 &g = launch.grid, &b = launch.block;
  if (g.x == 0 || g.y == 0 || g.z == 0 || b.x == 0 || b.y == 0 || b.z == 0)
    return invalid(concat(label, ": grid (", g.x, ", ", g.y, ", ", g.z,
                          ") and block (", b.x, ", ", b.y, ", ", b.z,
                          ") dims must all be at least 1"));
  if (g.x > TFCM_MAX_GRID_DIM_X || g.y > TFCM_MAX_GRID_DIM_YZ ||
      g.z > TFCM_MAX_GRID_DIM_YZ)
    return invalid(concat(label, ": grid (", g.x, ", ", g.y, ", ", g.z,
                          ") exceeds CUDA's limits (", TFCM_MAX_GRID_DIM_X,
                          ", ", TFCM_MAX_GRID_DIM_YZ, ", ",
                          TFCM_MAX_GRID_DIM_YZ, ")"));
  uint64_t threads = uint64_t(b.x) * b.y * b.z;
  if (b.x > TFCM_MAX_BLOCK_DIM_XY || b.y > TFCM_MAX_BLOCK_DIM_XY ||
      b.z > TFCM_MAX_BLOCK_DIM_Z || threads > TFCM_MAX_BLOCK_THREADS)
    return invalid(concat(label, ": block (", b.x, ", ", b.y, ", ", b.z,
                          ") has ", threads, " threads; CUDA allows at most ",
                          TFCM_MAX_BLOCK_THREADS, " and dims up to (",
                          TFCM_MAX_BLOCK_DIM_XY, ", ", TFCM_MAX_BLOCK_DIM_XY,
                          ", ", TFCM_MAX_BLOCK_DIM_Z, ")"));
  if (launch.args.size() > TFCM_MAX_KERNEL_ARGS)
    return invalid(concat(label, ": has ", launch.args.size(),
                          " arguments; the maximum is ", TFCM_MAX_KERNEL_ARGS));
  if (!isZero(launch.copySrc) || !isZero(launch.copyDst) ||
      launch.copyBytes != 0)
    return invalid(label + ": a kernel launch has copy fields set");
  for (size_t i = 0; i < launch.args.size(); ++i) {
    const KernelArg &arg = launch.args[i];
    std::string argLabel = concat(label, " argument ", i);
    switch (arg.kind) {
    case ArgKind::Buffer:
      if (arg.scalarBits != 0)
        return invalid(argLabel + ": a buffer argument has scalar bits set");
      TFC_RETURN_IF_ERROR(checkBufferRef(artifact, arg.ref, argLabel));
      break;
    case ArgKind::TensorMap:
      TFC_RETURN_IF_ERROR(checkTensorMap(artifact, arg, argLabel));
      break;
    case ArgKind::I32:
    case ArgKind::F32:
      if (arg.scalarBits >> 32)
        return invalid(concat(argLabel,
                              ": a 32-bit scalar has bits set above "
                              "bit 31 (",
                              arg.scalarBits, ")"));
      [[fallthrough]];
    case ArgKind::I64:
      if (!isZero(arg.ref))
        return invalid(argLabel + ": a scalar argument has buffer fields set");
      break;
    default:
      return invalid(concat(argLabel, ": kind ", uint32_t(arg.kind),
                            " is not buffer (1), i32 (2), i64 (3), f32 (4) or "
                            "tensor map (5)"));
    }
  }
  return Status::success();
}

Status checkCopy(const Artifact &artifact, const LaunchSpec &launch,
                 const std::string &label) {
  const Dim3 zero{0, 0, 0};
  if (launch.kernel != 0 || launch.grid != zero || launch.block != zero ||
      launch.sharedMemBytes != 0 || !launch.args.empty())
    return invalid(label + ": a memcpy has kernel, grid, block, shared "
                           "memory or argument fields set");
  if (launch.copyBytes == 0)
    return invalid(label + ": copies 0 bytes");
  const std::pair<const BufferRef *, const char *> ends[2] = {
      {&launch.copySrc, "source"}, {&launch.copyDst, "destination"}};
  for (const auto &[ref, name] : ends) {
    std::string refLabel = concat(label, " ", name);
    TFC_RETURN_IF_ERROR(checkBufferRef(artifact, *ref, refLabel));
    if (ref->extent != 0 && ref->extent != launch.copyBytes)
      return invalid(concat(refLabel, ": extent ", ref->extent,
                            " differs from the copy size ", launch.copyBytes));
    uint64_t size = artifact.bufferSize(ref->kind, ref->index);
    if (launch.copyBytes > size - ref->offset)
      return invalid(concat(
          refLabel, ": copying ", launch.copyBytes, " bytes from offset ",
          ref->offset, " runs past the end of ",
          bufferLabel(artifact, ref->kind, ref->index), " (", size, " bytes)"));
  }
  if (launch.copyDst.kind != BufferKind::Arena &&
      launch.copyDst.kind != BufferKind::Output)
    return invalid(label + ": destination must be the arena or an output");
  return Status::success();
}

/// An all-reduce sums a whole number of f32/f16/bf16 elements in place, in
/// the arena or an output, and only in a tensor-parallel artifact.
Status checkAllReduce(const Artifact &artifact, const LaunchSpec &launch,
                      const std::string &label) {
  const Dim3 zero{0, 0, 0};
  if (launch.kernel != 0 || launch.grid != zero || launch.block != zero ||
      launch.sharedMemBytes != 0 || !launch.args.empty() ||
      !isZero(launch.copySrc))
    return invalid(label + ": an all-reduce has kernel, grid, block, shared "
                           "memory, argument or source fields set");
  if (artifact.tensorParallelRanks < 2)
    return invalid(label + ": an all-reduce in an artifact that is not "
                           "part of a tensor-parallel group (meta "
                           "tensorParallel is 0)");
  DType dtype = launch.collectiveDtype;
  if (dtype != DType::F32 && dtype != DType::F16 && dtype != DType::BF16)
    return invalid(concat(label, ": element type ",
                          artifact::dtypeName(dtype), " (",
                          uint32_t(dtype),
                          ") is not one NCCL sums here (f32, f16, bf16)"));
  if (launch.copyBytes == 0 ||
      launch.copyBytes % artifact::dtypeSize(dtype) != 0)
    return invalid(concat(label, ": ", launch.copyBytes,
                          " bytes is not a positive whole number of ",
                          artifact::dtypeName(dtype), " elements"));
  const BufferRef &ref = launch.copyDst;
  std::string refLabel = label + " buffer";
  TFC_RETURN_IF_ERROR(checkBufferRef(artifact, ref, refLabel));
  if (ref.kind != BufferKind::Arena && ref.kind != BufferKind::Output)
    return invalid(label + ": the buffer must be the arena or an output");
  if (ref.extent != 0 && ref.extent != launch.copyBytes)
    return invalid(concat(refLabel, ": extent ", ref.extent,
                          " differs from the all-reduce size ",
                          launch.copyBytes));
  uint64_t size = artifact.bufferSize(ref.kind, ref.index);
  if (launch.copyBytes > size - ref.offset)
    return invalid(concat(refLabel, ": ", launch.copyBytes,
                          " bytes from offset ", ref.offset,
                          " run past the end of ",
                          bufferLabel(artifact, ref.kind, ref.index), " (",
                          size, " bytes)"));
  return Status::success();
}

/// The compiler's prediction of a launch (format version 6): a matrix
/// dtype exactly when there are matrix FLOPs, FLOPs only on kernels, and a
/// family on every priced kernel, whose traffic is not zero.
Status checkLaunchCost(const LaunchSpec &launch, const std::string &label) {
  const LaunchCost &cost = launch.cost;
  if (cost.matrixDtype != DType(0) &&
      !tfcmDTypeName(static_cast<uint32_t>(cost.matrixDtype)))
    return invalid(concat(label, ": cost matrix dtype ",
                          uint32_t(cost.matrixDtype), " is not a dtype"));
  if ((cost.matrixFlops != 0) != (cost.matrixDtype != DType(0)))
    return invalid(concat(label, ": cost has ", cost.matrixFlops,
                          " matrix FLOPs and matrix dtype ",
                          uint32_t(cost.matrixDtype),
                          "; a dtype is given exactly when there are matrix "
                          "FLOPs"));
  if (launch.kind != LaunchKind::Kernel) {
    if (cost.flops() != 0 || !cost.family.empty())
      return invalid(concat(label, ": cost has ", cost.flops(),
                            " FLOPs and family '", cost.family,
                            "'; only kernel launches compute"));
    return Status::success();
  }
  if (cost.family.empty() && (cost.flops() != 0 || cost.hbmBytes != 0))
    return invalid(concat(label, ": cost has ", cost.hbmBytes, " bytes and ",
                          cost.flops(),
                          " FLOPs but no family; a priced kernel names its "
                          "family"));
  if (!cost.family.empty() && cost.hbmBytes == 0)
    return invalid(concat(label, ": cost of family '", cost.family,
                          "' has 0 HBM bytes; every kernel reads or writes "
                          "memory"));
  return Status::success();
}

Status checkLaunches(const Artifact &artifact) {
  for (size_t i = 0; i < artifact.launches.size(); ++i) {
    const LaunchSpec &launch = artifact.launches[i];
    std::string label = artifact.launchLabel(i);
    if (artifact.hasLaunchCosts)
      TFC_RETURN_IF_ERROR(checkLaunchCost(launch, label));
    if (launch.kind != LaunchKind::AllReduce &&
        launch.collectiveDtype != DType(0))
      return invalid(concat(label, ": collective dtype ",
                            uint32_t(launch.collectiveDtype),
                            " set on a launch that is not an all-reduce"));
    if (launch.kind == LaunchKind::AllReduce)
      TFC_RETURN_IF_ERROR(checkAllReduce(artifact, launch, label));
    else if (launch.kind == LaunchKind::Kernel)
      TFC_RETURN_IF_ERROR(checkKernelLaunch(artifact, launch, label));
    else if (launch.kind == LaunchKind::Copy)
      TFC_RETURN_IF_ERROR(checkCopy(artifact, launch, label));
    else
      return invalid(concat(label, ": kind ", uint32_t(launch.kind),
                            " is neither kernel (1), memcpy (2) nor "
                            "all-reduce (3)"));
  }
  return Status::success();
}

} // namespace

Status validateArtifact(const Artifact &artifact) {
  TFC_RETURN_IF_ERROR(checkArch(artifact.targetArch, "target arch"));
  if (!isPowerOfTwo(artifact.arenaAlignment) ||
      artifact.arenaAlignment > TFCM_MAX_ARENA_ALIGNMENT)
    return invalid(concat("arena alignment ", artifact.arenaAlignment,
                          " is not a power of two up to ",
                          TFCM_MAX_ARENA_ALIGNMENT));
  TFC_RETURN_IF_ERROR(checkModules(artifact));
  TFC_RETURN_IF_ERROR(checkKernels(artifact));
  std::set<std::string> names;
  TFC_RETURN_IF_ERROR(checkTensorList(artifact.inputs, "input", names));
  TFC_RETURN_IF_ERROR(checkTensorList(artifact.outputs, "output", names));
  TFC_RETURN_IF_ERROR(checkWeights(artifact));
  if (artifact.tensorParallelRanks == 1 ||
      (artifact.tensorParallelRanks != 0 &&
       artifact.tensorParallelRank >= artifact.tensorParallelRanks))
    return invalid(concat("meta: tensor-parallel rank ",
                          artifact.tensorParallelRank, " of ",
                          artifact.tensorParallelRanks,
                          " ranks; a group has at least 2 ranks and the "
                          "rank is below their count"));
  return checkLaunches(artifact);
}

} // namespace rt
} // namespace tfc
