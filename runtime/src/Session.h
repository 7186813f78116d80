//===- Session.h - An artifact made ready to run on one GPU ----*- C++ -*-===//
//
// A session owns everything an artifact needs on a device: the retained
// primary context, one stream, the loaded modules, the arena, the weights
// (uploaded once), the input and output buffers and the prepared launch
// list. Session.cpp sets it up and binds buffers; SessionRun.cpp runs the
// launch list (CUDA graph, one by one, or profiled).
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_SESSION_H
#define TFC_RUNTIME_SESSION_H

#include "Artifact.h"
#include "CudaDriver.h"
#include "TensorMap.h"
#include "WeightBinding.h"

#include <memory>
#include <string>
#include <vector>

namespace tfc {
namespace rt {

class Collectives;

struct SessionOptions {
  int device = 0;
  bool useGraph = true;
  /// Where external weights come from (WeightBinding.h).
  WeightBindOptions weights;
  /// The collectives of a tensor-parallel artifact (TensorParallel.h); set
  /// by the group that owns the session, null for a single-GPU artifact.
  Collectives *collectives = nullptr;
};

class Session {
public:
  static Status create(std::shared_ptr<const Artifact> artifact,
                       const SessionOptions &options,
                       std::unique_ptr<Session> &out);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  const Artifact &getArtifact() const { return *artifact; }
  /// Device and chosen images, e.g. "NVIDIA H100 (sm_90, 132 SMs); ...".
  const std::string &getDescription() const { return description; }

  Status bindInputHost(const std::string &name, DType dtype, const void *data,
                       size_t bytes);
  Status bindInputDevice(const std::string &name, DType dtype, CUdeviceptr ptr,
                         size_t bytes);
  Status bindOutputDevice(const std::string &name, DType dtype, CUdeviceptr ptr,
                          size_t bytes);
  Status copyOutputToHost(const std::string &name, void *data, size_t bytes);
  /// Fills every output buffer and the arena with `byte` (0xFF makes every
  /// float NaN), so that a value no kernel writes shows up after a run.
  Status poison(uint8_t byte);
  Status getInputDevicePtr(const std::string &name, CUdeviceptr &ptr) const;
  Status getOutputDevicePtr(const std::string &name, CUdeviceptr &ptr) const;

  /// Runs the launch list once and waits; `milliseconds` (optional) gets the
  /// GPU time between events recorded around the run.
  Status run(float *milliseconds);
  /// Runs launch by launch with events around each; no graph.
  Status runProfiled(float *launchMilliseconds, size_t count);

private:
  /// The device buffer of one input or output: the session's own, or the
  /// caller's after a device binding.
  struct IoBuffer {
    CUdeviceptr own = 0;
    CUdeviceptr current = 0;
    bool bound = false;
  };

  /// Kernel parameters or copy addresses of one launch, resolved against
  /// the current buffers.
  struct PreparedLaunch {
    std::vector<uint64_t> values; ///< One 8-byte slot per argument
    std::vector<void *> params;   ///< &values[i], as cuLaunchKernel wants
    CUdeviceptr copySrc = 0;
    CUdeviceptr copyDst = 0;
  };

  Session(const CudaDriver &cu, std::shared_ptr<const Artifact> artifact,
          const SessionOptions &options,
          std::vector<WeightSource> weightSources);

  // Session.cpp: set-up.
  Status initialize();
  Status openDevice();
  Status loadModules();
  Status checkLaunchConfigs();
  Status checkKernelParams(size_t launchIndex);
  Status allocateBuffers();
  Status allocate(uint64_t bytes, CUdeviceptr &ptr);
  Status uploadWeights();
  Status uploadExternalWeight(const LoadedWeight &weight,
                              const WeightSource &source, CUdeviceptr dst,
                              const std::string &label);
  Status findIo(bool isInput, const std::string &name, size_t &index) const;
  /// dtype (unless null) and byte size of input/output `index`.
  Status checkIo(bool isInput, size_t index, const DType *dtype,
                 size_t bytes) const;
  Status checkDeviceRange(CUdeviceptr ptr, size_t bytes,
                          const std::string &label);

  // SessionRun.cpp: execution.
  CUdeviceptr resolve(const BufferRef &ref) const;
  Status prepareLaunches();
  Status launchOne(size_t index);
  Status launchAll(bool profile);
  Status captureGraph();
  void destroyGraph();
  Status ensureEvents(size_t count);
  Status checkInputsBound() const;

  const CudaDriver &cu;
  std::shared_ptr<const Artifact> artifact;
  SessionOptions options;
  std::vector<WeightSource> weightSources; ///< One per artifact weight
  std::string description;

  CUdevice device = 0;
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  int ccMajor = 0, ccMinor = 0;
  std::vector<CUmodule> modules;
  std::vector<CUfunction> functions; ///< One per artifact kernel

  std::vector<CUdeviceptr> allocations; ///< Everything cuMemAlloc'ed
  CUdeviceptr arenaBase = 0;
  std::vector<CUdeviceptr> weightPtrs;
  std::vector<IoBuffer> inputs, outputs;

  std::vector<PreparedLaunch> prepared;
  /// TMA descriptors of tensor-map arguments, re-encoded with the launches.
  TensorMapTable tensorMaps;
  bool preparedStale = true; ///< A binding changed an address
  CUgraph graph = nullptr;
  CUgraphExec graphExec = nullptr;
  std::vector<CUevent> events; ///< [0..1]: run timing; then 2 per launch
};

/// Makes a context current on this thread for the scope, then restores the
/// previous one.
class ContextScope {
public:
  ContextScope(const CudaDriver &cu, CUcontext context);
  ~ContextScope();
  const Status &status() const { return pushStatus; }

private:
  const CudaDriver &cu;
  Status pushStatus;
};

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_SESSION_H
