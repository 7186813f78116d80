//===- Session.cpp - Set up an artifact on a GPU and bind its buffers -----===//
//
// Creating a session: bind the external weights to their files (no GPU yet),
// open the device (cuInit, primary context, one stream), load each module's
// best image for the device's arch, check every launch against the kernel's
// and the device's limits, allocate the arena and the input/output/weight
// buffers, and upload the weights once (converting a weight whose file
// stores another float type on the way). Binding
// checks name, dtype and byte size before anything reaches the GPU, so a
// wrong input leaves the session as it was.
//
//===----------------------------------------------------------------------===//

#include "Session.h"
#include "TargetArch.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tfc {
namespace rt {
namespace {

constexpr uint64_t ioAlignment = 256;
constexpr size_t uploadChunkBytes = 64u << 20;

uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

const char *formatName(ImageFormat format) {
  return format == ImageFormat::Cubin ? "cubin" : "ptx";
}

} // namespace

ContextScope::ContextScope(const CudaDriver &cu, CUcontext context) : cu(cu) {
  pushStatus = cu.check(cu.ctxPushCurrent(context), "cuCtxPushCurrent");
}

ContextScope::~ContextScope() {
  if (!pushStatus.failed()) {
    CUcontext previous;
    cu.ctxPopCurrent(&previous);
  }
}

Session::Session(const CudaDriver &cu, std::shared_ptr<const Artifact> artifact,
                 const SessionOptions &options,
                 std::vector<WeightSource> weightSources)
    : cu(cu), artifact(std::move(artifact)), options(options),
      weightSources(std::move(weightSources)), tensorMaps(*this->artifact) {}

Status Session::create(std::shared_ptr<const Artifact> artifact,
                       const SessionOptions &options,
                       std::unique_ptr<Session> &out) {
  if (artifact->tensorParallelRanks != 0 && !options.collectives)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, "the artifact is rank ",
                     artifact->tensorParallelRank, " of a tensor-parallel "
                     "group of ", artifact->tensorParallelRanks,
                     "; run it with the other ranks' artifacts in a group "
                     "(tfcGroupCreate, tfc-run --ranks)");
  // External weights are found and checked before the GPU is touched.
  std::vector<WeightSource> weightSources;
  TFC_RETURN_IF_ERROR(bindWeights(*artifact, options.weights, weightSources));
  const CudaDriver *cu;
  TFC_RETURN_IF_ERROR(getCudaDriver(cu));
  SessionOptions effective = options;
  if (const char *noGraph = std::getenv("TFC_NO_GRAPH"))
    if (std::strcmp(noGraph, "1") == 0)
      effective.useGraph = false;
  std::unique_ptr<Session> session(new Session(
      *cu, std::move(artifact), effective, std::move(weightSources)));
  TFC_RETURN_IF_ERROR(session->initialize());
  out = std::move(session);
  return Status::success();
}

Session::~Session() {
  if (!context)
    return;
  {
    ContextScope scope(cu, context);
    if (!scope.status().failed()) {
      destroyGraph();
      for (CUevent event : events)
        cu.eventDestroy(event);
      for (CUmodule module : modules)
        cu.moduleUnload(module);
      for (CUdeviceptr ptr : allocations)
        cu.memFree(ptr);
      if (stream)
        cu.streamDestroy(stream);
    }
  }
  cu.devicePrimaryCtxRelease(device);
}

Status Session::initialize() {
  TFC_RETURN_IF_ERROR(openDevice());
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  TFC_RETURN_IF_ERROR(cu.check(cu.streamCreate(&stream, CU_STREAM_NON_BLOCKING),
                               "cuStreamCreate"));
  TFC_RETURN_IF_ERROR(loadModules());
  TFC_RETURN_IF_ERROR(checkLaunchConfigs());
  TFC_RETURN_IF_ERROR(allocateBuffers());
  return uploadWeights();
}

Status Session::openDevice() {
  CUresult init = cu.init(0);
  if (init != CUDA_SUCCESS) {
    Status status = cu.check(init, "cuInit");
    return Status(TFC_ERROR_CUDA_UNAVAILABLE, status.message());
  }
  int count = 0;
  TFC_RETURN_IF_ERROR(cu.check(cu.deviceGetCount(&count), "cuDeviceGetCount"));
  if (options.device < 0 || options.device >= count)
    return makeError(count == 0 ? TFC_ERROR_CUDA_UNAVAILABLE
                                : TFC_ERROR_INVALID_ARGUMENT,
                     "device ", options.device, " does not exist; ", count,
                     " CUDA devices found");
  TFC_RETURN_IF_ERROR(
      cu.check(cu.deviceGet(&device, options.device), "cuDeviceGet"));
  TFC_RETURN_IF_ERROR(cu.check(
      cu.deviceGetAttribute(
          &ccMajor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
      "cuDeviceGetAttribute"));
  TFC_RETURN_IF_ERROR(cu.check(
      cu.deviceGetAttribute(
          &ccMinor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
      "cuDeviceGetAttribute"));
  int smCount = 0;
  TFC_RETURN_IF_ERROR(
      cu.check(cu.deviceGetAttribute(
                   &smCount, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
               "cuDeviceGetAttribute"));
  char name[256] = {0};
  TFC_RETURN_IF_ERROR(cu.check(cu.deviceGetName(name, sizeof(name) - 1, device),
                               "cuDeviceGetName"));
  description = concat(name, " (", archName(ccMajor, ccMinor), ", ", smCount,
                       " SMs, device ", options.device, ")");
  return cu.check(cu.devicePrimaryCtxRetain(&context, device),
                  "cuDevicePrimaryCtxRetain");
}

Status Session::loadModules() {
  for (const LoadedModule &module : artifact->modules) {
    int chosen = selectImage(module, ccMajor, ccMinor);
    if (chosen < 0)
      return Status(TFC_ERROR_NO_COMPATIBLE_IMAGE,
                    noImageMessage(module, ccMajor, ccMinor));
    const LoadedImage &image = module.images[chosen];
    // A copy ends PTX with the NUL the driver expects.
    std::string bytes(
        reinterpret_cast<const char *>(artifact->imageBytes(image)),
        image.dataSize);
    char errorLog[8192] = {0};
    CUjit_option jitOptions[] = {CU_JIT_ERROR_LOG_BUFFER,
                                 CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
    void *jitValues[] = {errorLog,
                         reinterpret_cast<void *>(uintptr_t(sizeof(errorLog)))};
    CUmodule handle = nullptr;
    std::string label = concat("module '", module.name, "' (",
                               formatName(image.format), " ", image.arch, ")");
    Status status = cu.check(
        cu.moduleLoadDataEx(&handle, bytes.c_str(), 2, jitOptions, jitValues),
        "cuModuleLoadDataEx", label);
    if (status.failed())
      return errorLog[0] ? Status(status.code(),
                                  status.message() + "; JIT log: " + errorLog)
                         : status;
    modules.push_back(handle);
    description +=
        concat("; module '", module.name, "': ", formatName(image.format), " ",
               image.arch, image.format == ImageFormat::Ptx ? " (JIT)" : "");
  }
  for (const KernelSpec &kernel : artifact->kernels) {
    CUfunction function = nullptr;
    TFC_RETURN_IF_ERROR(
        cu.check(cu.moduleGetFunction(&function, modules[kernel.module],
                                      kernel.name.c_str()),
                 "cuModuleGetFunction",
                 concat("kernel '", kernel.name, "' in module '",
                        artifact->modules[kernel.module].name, "'")));
    functions.push_back(function);
  }
  return Status::success();
}

Status Session::checkLaunchConfigs() {
  int optinSharedBytes = 0;
  TFC_RETURN_IF_ERROR(cu.check(
      cu.deviceGetAttribute(
          &optinSharedBytes,
          CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, device),
      "cuDeviceGetAttribute"));
  std::vector<uint32_t> maxDynamicShared(functions.size(), 0);
  for (size_t i = 0; i < artifact->launches.size(); ++i) {
    const LaunchSpec &launch = artifact->launches[i];
    if (launch.kind != LaunchKind::Kernel)
      continue;
    std::string label = artifact->launchLabel(i);
    CUfunction function = functions[launch.kernel];
    int maxThreads = 0, staticShared = 0;
    TFC_RETURN_IF_ERROR(cu.check(
        cu.funcGetAttribute(&maxThreads,
                            CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function),
        "cuFuncGetAttribute", label));
    TFC_RETURN_IF_ERROR(cu.check(
        cu.funcGetAttribute(&staticShared, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES,
                            function),
        "cuFuncGetAttribute", label));
    uint64_t threads =
        uint64_t(launch.block.x) * launch.block.y * launch.block.z;
    if (threads > uint64_t(maxThreads))
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " uses ", threads,
                       " threads per block; the kernel allows at most ",
                       maxThreads, " on this device");
    uint64_t shared = uint64_t(staticShared) + launch.sharedMemBytes;
    if (shared > uint64_t(optinSharedBytes))
      return makeError(TFC_ERROR_INVALID_ARTIFACT, label, " needs ", shared,
                       " bytes of shared memory (", staticShared, " static + ",
                       launch.sharedMemBytes, " dynamic); the device allows ",
                       optinSharedBytes, " per block");
    if (launch.sharedMemBytes > maxDynamicShared[launch.kernel])
      maxDynamicShared[launch.kernel] = launch.sharedMemBytes;
    TFC_RETURN_IF_ERROR(checkKernelParams(i));
  }
  for (size_t k = 0; k < functions.size(); ++k)
    if (maxDynamicShared[k] > 0)
      TFC_RETURN_IF_ERROR(cu.check(
          cu.funcSetAttribute(functions[k],
                              CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                              int(maxDynamicShared[k])),
          "cuFuncSetAttribute",
          concat("kernel '", artifact->kernels[k].name, "' (",
                 maxDynamicShared[k], " bytes of dynamic shared memory)")));
  return Status::success();
}

Status Session::checkKernelParams(size_t launchIndex) {
#if CUDA_VERSION >= 12040
  if (!cu.funcGetParamInfo)
    return Status::success();
  const LaunchSpec &launch = artifact->launches[launchIndex];
  CUfunction function = functions[launch.kernel];
  size_t offset = 0, size = 0;
  size_t count = launch.args.size();
  // The kernel must have a parameter for each argument. (Probing one index
  // past the last argument would detect extra parameters, but that probe is
  // a failing driver call which compute-sanitizer reports as an API error on
  // every load; the compiler emits both sides, so it is not probed.)
  bool tooFew = count > 0 && cu.funcGetParamInfo(function, count - 1, &offset,
                                                 &size) != CUDA_SUCCESS;
  if (tooFew)
    return makeError(TFC_ERROR_INVALID_ARTIFACT,
                     artifact->launchLabel(launchIndex), " passes ", count,
                     " arguments, but the kernel takes fewer parameters");
  for (size_t i = 0; i < count; ++i) {
    TFC_RETURN_IF_ERROR(
        cu.check(cu.funcGetParamInfo(function, i, &offset, &size),
                 "cuFuncGetParamInfo", artifact->launchLabel(launchIndex)));
    ArgKind kind = launch.args[i].kind;
    size_t expected = kind == ArgKind::I32 || kind == ArgKind::F32 ? 4 : 8;
    if (size != expected)
      return makeError(TFC_ERROR_INVALID_ARTIFACT,
                       artifact->launchLabel(launchIndex), " argument ", i,
                       " has ", expected, " bytes; the kernel's parameter has ",
                       size);
  }
#else
  (void)launchIndex;
#endif
  return Status::success();
}

Status Session::allocate(uint64_t bytes, CUdeviceptr &ptr) {
  ptr = 0;
  if (bytes == 0)
    return Status::success();
  TFC_RETURN_IF_ERROR(cu.check(cu.memAlloc(&ptr, bytes), "cuMemAlloc",
                               concat(bytes, " bytes")));
  allocations.push_back(ptr);
  return Status::success();
}

Status Session::allocateBuffers() {
  // The arena, with room to align its base beyond cuMemAlloc's 256 bytes.
  uint64_t alignment = artifact->arenaAlignment;
  uint64_t slack = alignment > ioAlignment ? alignment - ioAlignment : 0;
  CUdeviceptr arena;
  TFC_RETURN_IF_ERROR(
      allocate(artifact->arenaSize ? artifact->arenaSize + slack : 0, arena));
  arenaBase = alignUp(arena, alignment);

  // Inputs, outputs and weights: one allocation each, 256-byte aligned parts.
  auto place = [&](const std::vector<uint64_t> &sizes,
                   std::vector<CUdeviceptr> &ptrs) -> Status {
    uint64_t total = 0;
    std::vector<uint64_t> offsets;
    for (uint64_t size : sizes) {
      offsets.push_back(total);
      total += alignUp(size, ioAlignment);
    }
    CUdeviceptr base;
    TFC_RETURN_IF_ERROR(allocate(total, base));
    for (uint64_t offset : offsets)
      ptrs.push_back(base + offset);
    return Status::success();
  };
  std::vector<uint64_t> sizes;
  std::vector<CUdeviceptr> ptrs;
  for (const LoadedTensor &input : artifact->inputs)
    sizes.push_back(input.byteSize);
  TFC_RETURN_IF_ERROR(place(sizes, ptrs));
  for (CUdeviceptr ptr : ptrs)
    inputs.push_back(IoBuffer{ptr, ptr, false});

  sizes.clear();
  ptrs.clear();
  for (const LoadedTensor &output : artifact->outputs)
    sizes.push_back(output.byteSize);
  TFC_RETURN_IF_ERROR(place(sizes, ptrs));
  for (CUdeviceptr ptr : ptrs)
    outputs.push_back(IoBuffer{ptr, ptr, true});

  sizes.clear();
  for (const LoadedWeight &weight : artifact->weights)
    sizes.push_back(weight.tensor.byteSize);
  TFC_RETURN_IF_ERROR(place(sizes, weightPtrs));

  // TMA descriptors (cuMemAlloc's 256-byte alignment covers their 64).
  CUdeviceptr descriptors = 0;
  TFC_RETURN_IF_ERROR(allocate(tensorMaps.byteSize(), descriptors));
  tensorMaps.setDeviceBlock(descriptors);
  return Status::success();
}

Status Session::uploadWeights() {
  for (size_t i = 0; i < artifact->weights.size(); ++i) {
    const LoadedWeight &weight = artifact->weights[i];
    std::string label =
        concat("weight ", i, " '", weight.tensor.spec.name, "'");
    if (weight.tensor.byteSize == 0)
      continue;
    if (weight.storage != WeightStorage::Inline) {
      TFC_RETURN_IF_ERROR(
          uploadExternalWeight(weight, weightSources[i], weightPtrs[i], label));
      continue;
    }
    TFC_RETURN_IF_ERROR(cu.check(
        cu.memcpyHtoDAsync(weightPtrs[i], artifact->inlineWeightBytes(weight),
                           weight.tensor.byteSize, stream),
        "cuMemcpyHtoDAsync", label));
  }
  return cu.check(cu.streamSynchronize(stream), "cuStreamSynchronize",
                  "the weight upload");
}

Status Session::uploadExternalWeight(const LoadedWeight &weight,
                                     const WeightSource &source,
                                     CUdeviceptr dst,
                                     const std::string &label) {
  // Pieces are read (and converted, for a weight its file stores in another
  // float type) into one reused host buffer, so each must land before the
  // next is read.
  return readWeightData(
      weight, source, label, uploadChunkBytes,
      [&](const void *data, uint64_t offset, size_t bytes) -> Status {
        TFC_RETURN_IF_ERROR(
            cu.check(cu.memcpyHtoDAsync(dst + offset, data, bytes, stream),
                     "cuMemcpyHtoDAsync", label));
        return cu.check(cu.streamSynchronize(stream), "cuStreamSynchronize",
                        label);
      });
}

Status Session::findIo(bool isInput, const std::string &name,
                       size_t &index) const {
  const char *what = isInput ? "input" : "output";
  int found = isInput ? artifact->findInput(name) : artifact->findOutput(name);
  if (found >= 0) {
    index = static_cast<size_t>(found);
    return Status::success();
  }
  std::string names;
  for (const LoadedTensor &t : isInput ? artifact->inputs : artifact->outputs)
    names += (names.empty() ? "'" : ", '") + t.spec.name + "'";
  return makeError(TFC_ERROR_INVALID_ARGUMENT, "the artifact has no ", what,
                   " named '", name, "'; its ", what, "s are ",
                   names.empty() ? "none" : names);
}

Status Session::checkIo(bool isInput, size_t index, const DType *dtype,
                        size_t bytes) const {
  const LoadedTensor &tensor =
      isInput ? artifact->inputs[index] : artifact->outputs[index];
  const char *what = isInput ? "input" : "output";
  if (dtype && *dtype != tensor.spec.dtype)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, what, " '", tensor.spec.name,
                     "' is ", artifact::dtypeName(tensor.spec.dtype), ", not ",
                     artifact::dtypeName(*dtype));
  if (bytes != tensor.byteSize)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, what, " '", tensor.spec.name,
                     "' has ", tensor.byteSize, " bytes; got ", bytes);
  return Status::success();
}

Status Session::checkDeviceRange(CUdeviceptr ptr, size_t bytes,
                                 const std::string &label) {
  if (bytes == 0)
    return Status::success();
  CUdeviceptr start = 0;
  size_t size = 0;
  // No allocation at `ptr` (NULL, a host pointer, freed memory) is a bad
  // argument of the caller's, not a failure of the driver.
  Status known = cu.check(
      cu.pointerGetAttribute(&start, CU_POINTER_ATTRIBUTE_RANGE_START_ADDR,
                             ptr),
      "cuPointerGetAttribute", label);
  if (known.failed())
    return makeError(TFC_ERROR_INVALID_ARGUMENT, label, ": device address ",
                     ptr, " is not in an allocation of this device (",
                     known.message(), ")");
  TFC_RETURN_IF_ERROR(cu.check(
      cu.pointerGetAttribute(&size, CU_POINTER_ATTRIBUTE_RANGE_SIZE, ptr),
      "cuPointerGetAttribute", label));
  if (ptr < start || bytes > start + size - ptr)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, label, ": ", bytes,
                     " bytes at device address ", ptr,
                     " run past the end of its allocation (", size,
                     " bytes at ", start, ")");
  return Status::success();
}

Status Session::bindInputHost(const std::string &name, DType dtype,
                              const void *data, size_t bytes) {
  size_t index;
  TFC_RETURN_IF_ERROR(findIo(true, name, index));
  TFC_RETURN_IF_ERROR(checkIo(true, index, &dtype, bytes));
  if (!data && bytes)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, "input '", name,
                     "': host data is NULL");
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  IoBuffer &buffer = inputs[index];
  if (bytes) {
    std::string label = concat("input '", name, "'");
    TFC_RETURN_IF_ERROR(
        cu.check(cu.memcpyHtoDAsync(buffer.own, data, bytes, stream),
                 "cuMemcpyHtoDAsync", label));
    TFC_RETURN_IF_ERROR(
        cu.check(cu.streamSynchronize(stream), "cuStreamSynchronize", label));
  }
  if (buffer.current != buffer.own)
    preparedStale = true;
  buffer.current = buffer.own;
  buffer.bound = true;
  return Status::success();
}

Status Session::bindInputDevice(const std::string &name, DType dtype,
                                CUdeviceptr ptr, size_t bytes) {
  size_t index;
  TFC_RETURN_IF_ERROR(findIo(true, name, index));
  TFC_RETURN_IF_ERROR(checkIo(true, index, &dtype, bytes));
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  TFC_RETURN_IF_ERROR(checkDeviceRange(ptr, bytes, "input '" + name + "'"));
  IoBuffer &buffer = inputs[index];
  if (buffer.current != ptr)
    preparedStale = true;
  buffer.current = ptr;
  buffer.bound = true;
  return Status::success();
}

Status Session::bindOutputDevice(const std::string &name, DType dtype,
                                 CUdeviceptr ptr, size_t bytes) {
  size_t index;
  TFC_RETURN_IF_ERROR(findIo(false, name, index));
  TFC_RETURN_IF_ERROR(checkIo(false, index, &dtype, bytes));
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  TFC_RETURN_IF_ERROR(checkDeviceRange(ptr, bytes, "output '" + name + "'"));
  IoBuffer &buffer = outputs[index];
  if (buffer.current != ptr)
    preparedStale = true;
  buffer.current = ptr;
  return Status::success();
}

Status Session::copyOutputToHost(const std::string &name, void *data,
                                 size_t bytes) {
  size_t index;
  TFC_RETURN_IF_ERROR(findIo(false, name, index));
  TFC_RETURN_IF_ERROR(checkIo(false, index, nullptr, bytes));
  if (!bytes)
    return Status::success();
  if (!data)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, "output '", name,
                     "': host buffer is NULL");
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  std::string label = concat("output '", name, "'");
  TFC_RETURN_IF_ERROR(
      cu.check(cu.memcpyDtoHAsync(data, outputs[index].current, bytes, stream),
               "cuMemcpyDtoHAsync", label));
  return cu.check(cu.streamSynchronize(stream), "cuStreamSynchronize", label);
}

Status Session::poison(uint8_t byte) {
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  for (size_t i = 0; i < outputs.size(); ++i) {
    uint64_t bytes = artifact->outputs[i].byteSize;
    if (bytes)
      TFC_RETURN_IF_ERROR(cu.check(
          cu.memsetD8Async(outputs[i].current, byte, bytes, stream),
          "cuMemsetD8Async",
          concat("output '", artifact->outputs[i].spec.name, "'")));
  }
  if (artifact->arenaSize)
    TFC_RETURN_IF_ERROR(
        cu.check(cu.memsetD8Async(arenaBase, byte, artifact->arenaSize, stream),
                 "cuMemsetD8Async", "arena"));
  return cu.check(cu.streamSynchronize(stream), "cuStreamSynchronize",
                  "poisoning outputs");
}

Status Session::getInputDevicePtr(const std::string &name,
                                  CUdeviceptr &ptr) const {
  size_t index;
  TFC_RETURN_IF_ERROR(findIo(true, name, index));
  ptr = inputs[index].current;
  return Status::success();
}

Status Session::getOutputDevicePtr(const std::string &name,
                                   CUdeviceptr &ptr) const {
  size_t index;
  TFC_RETURN_IF_ERROR(findIo(false, name, index));
  ptr = outputs[index].current;
  return Status::success();
}

} // namespace rt
} // namespace tfc
