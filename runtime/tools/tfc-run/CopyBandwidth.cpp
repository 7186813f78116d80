//===- CopyBandwidth.cpp - measure the memory roof of a GPU ---------------===//
//
// Device-to-device copy bandwidth with the CUDA driver API, opened with
// dlopen (see CopyBandwidth.h). Runs on the device's primary context, the
// one libtfcrt's sessions use.
//
//===----------------------------------------------------------------------===//

#include "CopyBandwidth.h"

#include <cuda.h>
#include <dlfcn.h>

#include <algorithm>
#include <type_traits>
#include <vector>

namespace tfc {
namespace {

/// The driver entry points the measurement needs, looked up by their
/// versioned names (cuda.h's macros map cuMemAlloc to cuMemAlloc_v2, ...).
struct Driver {
  decltype(&::cuInit) init = nullptr;
  decltype(&::cuDeviceGet) deviceGet = nullptr;
  decltype(&::cuDevicePrimaryCtxRetain) retain = nullptr;
  decltype(&::cuDevicePrimaryCtxRelease) release = nullptr;
  decltype(&::cuCtxPushCurrent) push = nullptr;
  decltype(&::cuCtxPopCurrent) pop = nullptr;
  decltype(&::cuMemAlloc) alloc = nullptr;
  decltype(&::cuMemFree) free = nullptr;
  decltype(&::cuMemsetD8) memset = nullptr;
  decltype(&::cuMemcpyDtoDAsync) copy = nullptr;
  decltype(&::cuEventCreate) eventCreate = nullptr;
  decltype(&::cuEventDestroy) eventDestroy = nullptr;
  decltype(&::cuEventRecord) eventRecord = nullptr;
  decltype(&::cuEventSynchronize) eventSynchronize = nullptr;
  decltype(&::cuEventElapsedTime) elapsed = nullptr;
  decltype(&::cuGetErrorString) errorString = nullptr;
};

#define TFC_STRINGIFY2(x) #x
#define TFC_STRINGIFY(x) TFC_STRINGIFY2(x)

bool openDriver(Driver &d, std::string &error) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    error = std::string("cannot open the CUDA driver (libcuda.so.1): ") +
            dlerror();
    return false;
  }
  bool ok = true;
  auto get = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
        dlsym(lib, name));
    if (!fn) {
      error = std::string("the CUDA driver has no ") + name;
      ok = false;
    }
  };
  get(d.init, TFC_STRINGIFY(cuInit));
  get(d.deviceGet, TFC_STRINGIFY(cuDeviceGet));
  get(d.retain, TFC_STRINGIFY(cuDevicePrimaryCtxRetain));
  get(d.release, TFC_STRINGIFY(cuDevicePrimaryCtxRelease));
  get(d.push, TFC_STRINGIFY(cuCtxPushCurrent));
  get(d.pop, TFC_STRINGIFY(cuCtxPopCurrent));
  get(d.alloc, TFC_STRINGIFY(cuMemAlloc));
  get(d.free, TFC_STRINGIFY(cuMemFree));
  get(d.memset, TFC_STRINGIFY(cuMemsetD8));
  get(d.copy, TFC_STRINGIFY(cuMemcpyDtoDAsync));
  get(d.eventCreate, TFC_STRINGIFY(cuEventCreate));
  get(d.eventDestroy, TFC_STRINGIFY(cuEventDestroy));
  get(d.eventRecord, TFC_STRINGIFY(cuEventRecord));
  get(d.eventSynchronize, TFC_STRINGIFY(cuEventSynchronize));
  get(d.elapsed, TFC_STRINGIFY(cuEventElapsedTime));
  get(d.errorString, TFC_STRINGIFY(cuGetErrorString));
  return ok;
}

} // namespace

bool measureCopyBandwidth(int device, size_t bytes, int repeats,
                          double &bytesPerSecond, std::string &error) {
  Driver d;
  if (!openDriver(d, error))
    return false;
  CUresult failed = CUDA_SUCCESS;
  const char *call = "";
  auto check = [&](CUresult result, const char *name) {
    if (result != CUDA_SUCCESS && failed == CUDA_SUCCESS) {
      failed = result;
      call = name;
    }
    return result == CUDA_SUCCESS;
  };
  CUdevice dev;
  CUcontext context = nullptr;
  if (!check(d.init(0), "cuInit") || !check(d.deviceGet(&dev, device),
                                            "cuDeviceGet") ||
      !check(d.retain(&context, dev), "cuDevicePrimaryCtxRetain")) {
    const char *text = nullptr;
    d.errorString(failed, &text);
    error = std::string(call) + " failed: " + (text ? text : "unknown error");
    return false;
  }
  check(d.push(context), "cuCtxPushCurrent");
  CUdeviceptr src = 0, dst = 0;
  CUevent start = nullptr, stop = nullptr;
  std::vector<float> times;
  if (check(d.alloc(&src, bytes), "cuMemAlloc") &&
      check(d.alloc(&dst, bytes), "cuMemAlloc") &&
      check(d.memset(src, 1, bytes), "cuMemsetD8") &&
      check(d.eventCreate(&start, CU_EVENT_DEFAULT), "cuEventCreate") &&
      check(d.eventCreate(&stop, CU_EVENT_DEFAULT), "cuEventCreate")) {
    for (int i = 0; i < repeats + 2 && failed == CUDA_SUCCESS; ++i) {
      float ms = 0;
      if (check(d.eventRecord(start, nullptr), "cuEventRecord") &&
          check(d.copy(dst, src, bytes, nullptr), "cuMemcpyDtoDAsync") &&
          check(d.eventRecord(stop, nullptr), "cuEventRecord") &&
          check(d.eventSynchronize(stop), "cuEventSynchronize") &&
          check(d.elapsed(&ms, start, stop), "cuEventElapsedTime") && i >= 2)
        times.push_back(ms); // the first two copies warm up
    }
  }
  if (start)
    d.eventDestroy(start);
  if (stop)
    d.eventDestroy(stop);
  if (src)
    d.free(src);
  if (dst)
    d.free(dst);
  CUcontext popped;
  d.pop(&popped);
  d.release(dev);
  if (failed != CUDA_SUCCESS || times.empty()) {
    const char *text = nullptr;
    d.errorString(failed, &text);
    error = std::string(call) + " failed: " + (text ? text : "no timing");
    return false;
  }
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2] * 1e-3;
  bytesPerSecond = median > 0 ? 2.0 * bytes / median : 0;
  return bytesPerSecond > 0;
}

} // namespace tfc
