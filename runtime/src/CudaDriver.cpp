//===- CudaDriver.cpp - Open libcuda.so.1 and wrap its errors -------------===//
//
// Fills the CudaDriver table with dlopen/dlsym, once per process. The symbol
// names come from cuda.h's own versioning macros, so the table matches the
// headers the runtime was compiled against; a symbol that older drivers name
// differently with the same signature has a fallback.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

#include <cstring>
#include <dlfcn.h>

namespace tfc {
namespace rt {
namespace {

#define TFC_STRINGIFY_EXPANDED(x) TFC_STRINGIFY(x)
#define TFC_STRINGIFY(x) #x

/// Older drivers' names of entry points whose cuda.h name is newer but
/// whose signature is the same.
const char *fallbackSymbol(const char *symbol) {
  if (std::strcmp(symbol, "cuEventElapsedTime_v2") == 0)
    return "cuEventElapsedTime";
  return nullptr;
}

struct LoadedDriver {
  CudaDriver driver;
  Status status;
};

LoadedDriver loadDriver() {
  LoadedDriver loaded;
  void *library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *reason = ::dlerror();
    loaded.status =
        makeError(TFC_ERROR_CUDA_UNAVAILABLE,
                  "cannot load the CUDA driver library libcuda.so.1 (",
                  reason ? reason : "unknown reason",
                  "); running an artifact needs an NVIDIA GPU and its driver");
    return loaded;
  }
  CudaDriver &d = loaded.driver;
  auto lookup = [&](const char *symbol, void *&out) -> bool {
    out = ::dlsym(library, symbol);
    if (!out)
      if (const char *fallback = fallbackSymbol(symbol))
        out = ::dlsym(library, fallback);
    if (out)
      return true;
    loaded.status = makeError(
        TFC_ERROR_CUDA_UNAVAILABLE,
        "the CUDA driver library has no entry point ", symbol,
        "; the driver is older than this runtime "
        "needs (CUDA ",
        CUDA_VERSION / 1000, ".", CUDA_VERSION % 1000 / 10, " headers)");
    return false;
  };
#define TFC_LOAD_ENTRY(member, api)                                            \
  {                                                                            \
    void *entry;                                                               \
    if (!lookup(TFC_STRINGIFY_EXPANDED(api), entry))                           \
      return loaded;                                                           \
    d.member = reinterpret_cast<decltype(d.member)>(entry);                    \
  }
  TFC_CUDA_DRIVER_FUNCTIONS(TFC_LOAD_ENTRY)
#undef TFC_LOAD_ENTRY
#if CUDA_VERSION >= 12040
  d.funcGetParamInfo = reinterpret_cast<decltype(d.funcGetParamInfo)>(
      ::dlsym(library, "cuFuncGetParamInfo"));
#endif
  d.tensorMapEncodeTiled = reinterpret_cast<decltype(d.tensorMapEncodeTiled)>(
      ::dlsym(library, "cuTensorMapEncodeTiled"));
  // The library stays loaded for the life of the process.
  return loaded;
}

} // namespace

Status getCudaDriver(const CudaDriver *&out) {
  static LoadedDriver loaded = loadDriver();
  out = &loaded.driver;
  return loaded.status;
}

Status CudaDriver::check(CUresult result, const char *call,
                         const std::string &context) const {
  if (result == CUDA_SUCCESS)
    return Status::success();
  const char *name = nullptr;
  const char *description = nullptr;
  if (getErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "unknown CUresult";
  if (getErrorString(result, &description) != CUDA_SUCCESS || !description)
    description = "no description";
  std::string where = context.empty() ? "" : " for " + context;
  return makeError(TFC_ERROR_CUDA, call, " failed", where, ": ", name, " (",
                   int(result), ", ", description, ")");
}

} // namespace rt
} // namespace tfc
