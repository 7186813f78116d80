//===- SessionRun.cpp - Execute the launch list of a session --------------===//
//
// Resolves each launch's buffer references to device addresses, then runs
// the launch list: captured once into a CUDA graph and replayed (the
// default), launched one by one (TFC_NO_GRAPH=1 or TFC_SESSION_NO_GRAPH), or
// profiled with CUDA events around each launch. A binding that changes an
// address re-resolves the launches and re-captures the graph on the next run.
//
//===----------------------------------------------------------------------===//

#include "Session.h"
#include "TensorParallel.h"

namespace tfc {
namespace rt {

CUdeviceptr Session::resolve(const BufferRef &ref) const {
  CUdeviceptr base = 0;
  switch (ref.kind) {
  case BufferKind::Arena:
    base = arenaBase;
    break;
  case BufferKind::Input:
    base = inputs[ref.index].current;
    break;
  case BufferKind::Output:
    base = outputs[ref.index].current;
    break;
  case BufferKind::Weight:
    base = weightPtrs[ref.index];
    break;
  case BufferKind::None: // Rejected by the validator
    break;
  }
  return base + ref.offset;
}

Status Session::prepareLaunches() {
  prepared.assign(artifact->launches.size(), PreparedLaunch());
  size_t tensorMapSlot = 0;
  for (size_t i = 0; i < artifact->launches.size(); ++i) {
    const LaunchSpec &launch = artifact->launches[i];
    PreparedLaunch &p = prepared[i];
    if (launch.kind == LaunchKind::AllReduce) {
      p.copyDst = resolve(launch.copyDst);
      continue;
    }
    if (launch.kind == LaunchKind::Copy) {
      p.copySrc = resolve(launch.copySrc);
      p.copyDst = resolve(launch.copyDst);
      continue;
    }
    // Scalars keep their bits in the low bytes of a little-endian slot, so
    // &slot is a valid pointer to an i32/f32 as well as to an i64/pointer.
    p.values.resize(launch.args.size());
    for (size_t j = 0; j < launch.args.size(); ++j) {
      const KernelArg &arg = launch.args[j];
      if (arg.kind == ArgKind::TensorMap) {
        // The address of the descriptor of the tensor where it is now.
        CUdeviceptr slot = 0;
        TFC_RETURN_IF_ERROR(tensorMaps.encode(
            cu, tensorMapSlot++, arg.tensorMap, resolve(arg.ref),
            concat(artifact->launchLabel(i), " argument ", j), slot));
        p.values[j] = slot;
        continue;
      }
      p.values[j] =
          arg.kind == ArgKind::Buffer ? resolve(arg.ref) : arg.scalarBits;
    }
    for (uint64_t &value : p.values)
      p.params.push_back(&value);
  }
  TFC_RETURN_IF_ERROR(tensorMaps.upload(cu, stream));
  preparedStale = false;
  return Status::success();
}

Status Session::launchOne(size_t index) {
  const LaunchSpec &launch = artifact->launches[index];
  PreparedLaunch &p = prepared[index];
  if (launch.kind == LaunchKind::AllReduce)
    return options.collectives->allReduce(p.copyDst, launch.copyBytes,
                                          launch.collectiveDtype, stream,
                                          artifact->launchLabel(index));
  if (launch.kind == LaunchKind::Copy)
    return cu.check(
        cu.memcpyDtoDAsync(p.copyDst, p.copySrc, launch.copyBytes, stream),
        "cuMemcpyDtoDAsync", artifact->launchLabel(index));
  return cu.check(
      cu.launchKernel(functions[launch.kernel], launch.grid.x, launch.grid.y,
                      launch.grid.z, launch.block.x, launch.block.y,
                      launch.block.z, launch.sharedMemBytes, stream,
                      p.params.empty() ? nullptr : p.params.data(), nullptr),
      "cuLaunchKernel", artifact->launchLabel(index));
}

Status Session::launchAll(bool profile) {
  for (size_t i = 0; i < prepared.size(); ++i) {
    if (profile)
      TFC_RETURN_IF_ERROR(cu.check(cu.eventRecord(events[2 + 2 * i], stream),
                                   "cuEventRecord", artifact->launchLabel(i)));
    TFC_RETURN_IF_ERROR(launchOne(i));
    if (profile) {
      // Waiting on each launch attributes a fault to the kernel that made it.
      CUevent stop = events[3 + 2 * i];
      TFC_RETURN_IF_ERROR(cu.check(cu.eventRecord(stop, stream),
                                   "cuEventRecord", artifact->launchLabel(i)));
      TFC_RETURN_IF_ERROR(cu.check(cu.eventSynchronize(stop),
                                   "cuEventSynchronize",
                                   artifact->launchLabel(i)));
    }
  }
  return Status::success();
}

Status Session::captureGraph() {
  TFC_RETURN_IF_ERROR(cu.check(
      cu.streamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
      "cuStreamBeginCapture"));
  Status launched = launchAll(/*profile=*/false);
  CUgraph captured = nullptr;
  Status ended =
      cu.check(cu.streamEndCapture(stream, &captured), "cuStreamEndCapture");
  if (launched.failed() || ended.failed()) {
    if (captured)
      cu.graphDestroy(captured);
    return launched.failed() ? launched : ended;
  }
  CUgraphExec exec = nullptr;
  Status instantiated =
      cu.check(cu.graphInstantiate(&exec, captured, 0), "cuGraphInstantiate");
  if (instantiated.failed()) {
    cu.graphDestroy(captured);
    return instantiated;
  }
  graph = captured;
  graphExec = exec;
  return Status::success();
}

void Session::destroyGraph() {
  if (graphExec)
    cu.graphExecDestroy(graphExec);
  if (graph)
    cu.graphDestroy(graph);
  graphExec = nullptr;
  graph = nullptr;
}

Status Session::ensureEvents(size_t count) {
  while (events.size() < count) {
    CUevent event;
    TFC_RETURN_IF_ERROR(
        cu.check(cu.eventCreate(&event, CU_EVENT_DEFAULT), "cuEventCreate"));
    events.push_back(event);
  }
  return Status::success();
}

Status Session::checkInputsBound() const {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].bound)
      return makeError(TFC_ERROR_NOT_READY, "input '",
                       artifact->inputs[i].spec.name,
                       "' is not bound; bind every input before running");
  return Status::success();
}

Status Session::run(float *milliseconds) {
  TFC_RETURN_IF_ERROR(checkInputsBound());
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  if (preparedStale) {
    destroyGraph();
    TFC_RETURN_IF_ERROR(prepareLaunches());
  }
  if (milliseconds) {
    TFC_RETURN_IF_ERROR(ensureEvents(2));
    TFC_RETURN_IF_ERROR(
        cu.check(cu.eventRecord(events[0], stream), "cuEventRecord"));
  }
  if (options.useGraph && !prepared.empty()) {
    if (!graphExec)
      TFC_RETURN_IF_ERROR(captureGraph());
    TFC_RETURN_IF_ERROR(
        cu.check(cu.graphLaunch(graphExec, stream), "cuGraphLaunch"));
  } else {
    TFC_RETURN_IF_ERROR(launchAll(/*profile=*/false));
  }
  if (milliseconds)
    TFC_RETURN_IF_ERROR(
        cu.check(cu.eventRecord(events[1], stream), "cuEventRecord"));
  TFC_RETURN_IF_ERROR(cu.check(
      cu.streamSynchronize(stream), "cuStreamSynchronize",
      "the launch list (run with --profile to find the failing kernel)"));
  if (milliseconds)
    TFC_RETURN_IF_ERROR(
        cu.check(cu.eventElapsedTime(milliseconds, events[0], events[1]),
                 "cuEventElapsedTime"));
  return Status::success();
}

Status Session::runProfiled(float *launchMilliseconds, size_t count) {
  if (count != artifact->launches.size())
    return makeError(TFC_ERROR_INVALID_ARGUMENT,
                     "profiling fills one time per "
                     "launch: expected room for ",
                     artifact->launches.size(), ", got ", count);
  if (!launchMilliseconds && count)
    return Status(TFC_ERROR_INVALID_ARGUMENT, "launch time array is NULL");
  TFC_RETURN_IF_ERROR(checkInputsBound());
  ContextScope scope(cu, context);
  TFC_RETURN_IF_ERROR(scope.status());
  if (preparedStale) {
    destroyGraph();
    TFC_RETURN_IF_ERROR(prepareLaunches());
  }
  TFC_RETURN_IF_ERROR(ensureEvents(2 + 2 * count));
  TFC_RETURN_IF_ERROR(launchAll(/*profile=*/true));
  TFC_RETURN_IF_ERROR(
      cu.check(cu.streamSynchronize(stream), "cuStreamSynchronize"));
  for (size_t i = 0; i < count; ++i)
    TFC_RETURN_IF_ERROR(
        cu.check(cu.eventElapsedTime(&launchMilliseconds[i], events[2 + 2 * i],
                                     events[3 + 2 * i]),
                 "cuEventElapsedTime", artifact->launchLabel(i)));
  return Status::success();
}

} // namespace rt
} // namespace tfc
