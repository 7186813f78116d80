//===- CudaDriver.h - The CUDA driver API, opened at run time --*- C++ -*-===//
//
// The runtime calls the CUDA driver through this table of entry points,
// which libcuda.so.1 fills on first use (dlopen), instead of linking the
// library: libtfcrt and tfc-run then load and validate artifacts on machines
// without a GPU or driver, and only creating a session needs the driver.
// check() turns a failed call into a Status naming the call and the error.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_CUDADRIVER_H
#define TFC_RUNTIME_CUDADRIVER_H

#include "Status.h"

#include <cuda.h>

#include <string>

namespace tfc {
namespace rt {

// X(member, cuda.h name): the symbol looked up is the name after cuda.h's
// versioning macros (cuMemAlloc -> cuMemAlloc_v2), the type is that of the
// declaration in cuda.h.
#define TFC_CUDA_DRIVER_FUNCTIONS(X)                                           \
  X(init, cuInit)                                                              \
  X(driverGetVersion, cuDriverGetVersion)                                      \
  X(deviceGetCount, cuDeviceGetCount)                                          \
  X(deviceGet, cuDeviceGet)                                                    \
  X(deviceGetAttribute, cuDeviceGetAttribute)                                  \
  X(deviceGetName, cuDeviceGetName)                                            \
  X(devicePrimaryCtxRetain, cuDevicePrimaryCtxRetain)                          \
  X(devicePrimaryCtxRelease, cuDevicePrimaryCtxRelease)                        \
  X(ctxPushCurrent, cuCtxPushCurrent)                                          \
  X(ctxPopCurrent, cuCtxPopCurrent)                                            \
  X(streamCreate, cuStreamCreate)                                              \
  X(streamDestroy, cuStreamDestroy)                                            \
  X(streamSynchronize, cuStreamSynchronize)                                    \
  X(streamBeginCapture, cuStreamBeginCapture)                                  \
  X(streamEndCapture, cuStreamEndCapture)                                      \
  X(memAlloc, cuMemAlloc)                                                      \
  X(memFree, cuMemFree)                                                        \
  X(memcpyHtoDAsync, cuMemcpyHtoDAsync)                                        \
  X(memcpyDtoHAsync, cuMemcpyDtoHAsync)                                        \
  X(memcpyDtoDAsync, cuMemcpyDtoDAsync)                                        \
  X(memsetD8Async, cuMemsetD8Async)                                            \
  X(pointerGetAttribute, cuPointerGetAttribute)                                \
  X(moduleLoadDataEx, cuModuleLoadDataEx)                                      \
  X(moduleUnload, cuModuleUnload)                                              \
  X(moduleGetFunction, cuModuleGetFunction)                                    \
  X(funcGetAttribute, cuFuncGetAttribute)                                      \
  X(funcSetAttribute, cuFuncSetAttribute)                                      \
  X(launchKernel, cuLaunchKernel)                                              \
  X(graphInstantiate, cuGraphInstantiateWithFlags)                             \
  X(graphLaunch, cuGraphLaunch)                                                \
  X(graphExecDestroy, cuGraphExecDestroy)                                      \
  X(graphDestroy, cuGraphDestroy)                                              \
  X(eventCreate, cuEventCreate)                                                \
  X(eventDestroy, cuEventDestroy)                                              \
  X(eventRecord, cuEventRecord)                                                \
  X(eventSynchronize, cuEventSynchronize)                                      \
  X(eventElapsedTime, cuEventElapsedTime)                                      \
  X(getErrorName, cuGetErrorName)                                              \
  X(getErrorString, cuGetErrorString)

struct CudaDriver {
#define TFC_DECLARE_ENTRY(member, api) decltype(&::api) member = nullptr;
  TFC_CUDA_DRIVER_FUNCTIONS(TFC_DECLARE_ENTRY)
#undef TFC_DECLARE_ENTRY

#if CUDA_VERSION >= 12040
  /// Optional (drivers from CUDA 12.4): lets the session check kernel
  /// parameter lists against the artifact's arguments.
  decltype(&::cuFuncGetParamInfo) funcGetParamInfo = nullptr;
#endif
  /// Optional (drivers from CUDA 12.0): encodes the TMA descriptors of
  /// tensor-map arguments (TensorMap.cpp); null on older drivers.
  decltype(&::cuTensorMapEncodeTiled) tensorMapEncodeTiled = nullptr;

  /// Success, or TFC_ERROR_CUDA with "<call> failed[ for <context>]: NAME
  /// (description)".
  Status check(CUresult result, const char *call,
               const std::string &context = std::string()) const;
};

/// Opens libcuda.so.1 once per process and returns its entry points, or
/// TFC_ERROR_CUDA_UNAVAILABLE saying why it cannot.
Status getCudaDriver(const CudaDriver *&out);

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_CUDADRIVER_H
