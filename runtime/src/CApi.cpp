//===- CApi.cpp - The C API of tfc_runtime.h over the C++ internals -------===//
//
// Thin glue: checks pointer arguments, forwards to Artifact and Session, and
// turns a failed Status into its tfcStatus code plus the calling thread's
// last error message.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "Session.h"
#include "TensorParallel.h"

#include <mutex>

using tfc::rt::Artifact;
using tfc::rt::LoadedTensor;
using tfc::rt::LoadedWeight;
using tfc::rt::makeError;
using tfc::rt::Session;
using tfc::rt::Status;

struct tfcArtifact {
  std::shared_ptr<const Artifact> artifact;
  mutable std::once_flag describeOnce;
  mutable std::string description;
};

struct tfcSession {
  std::unique_ptr<Session> session;
};

/// The sessions are destroyed before the group (members in reverse order).
struct tfcGroup {
  std::unique_ptr<tfc::rt::Group> group;
  std::vector<std::unique_ptr<tfcSession>> sessions;
};

namespace {

thread_local std::string lastErrorMessage;

tfcStatus report(const Status &status) {
  if (status.failed())
    lastErrorMessage = status.message();
  return status.code();
}

tfcStatus nullArgument(const char *function, const char *argument) {
  return report(makeError(TFC_ERROR_INVALID_ARGUMENT, function, ": ", argument,
                          " is NULL"));
}

tfcStatus getTensorInfo(const std::vector<LoadedTensor> &tensors,
                        uint32_t index, tfcTensorInfo *info,
                        const char *function) {
  if (!info)
    return nullArgument(function, "info");
  if (index >= tensors.size())
    return report(makeError(TFC_ERROR_INVALID_ARGUMENT, function, ": index ",
                            index, " is out of range (", tensors.size(), ")"));
  const LoadedTensor &tensor = tensors[index];
  info->name = tensor.spec.name.c_str();
  info->dtype = static_cast<uint32_t>(tensor.spec.dtype);
  info->rank = static_cast<uint32_t>(tensor.spec.shape.size());
  info->shape = tensor.spec.shape.data();
  info->byteSize = tensor.byteSize;
  return TFC_OK;
}

tfcStatus findTensor(int found, const char *what, const char *name,
                     uint32_t *index, const char *function) {
  if (!name)
    return nullArgument(function, "name");
  if (!index)
    return nullArgument(function, "index");
  if (found < 0)
    return report(makeError(TFC_ERROR_INVALID_ARGUMENT, "the artifact has no ",
                            what, " named '", name, "'"));
  *index = static_cast<uint32_t>(found);
  return TFC_OK;
}

/// Reads the weight-binding part of the session options.
tfcStatus toWeightBindOptions(const tfcSessionOptions *options,
                              tfc::rt::WeightBindOptions &out,
                              const char *function) {
  if (!options)
    return TFC_OK;
  if (options->weightFileCount && !options->weightFiles)
    return nullArgument(function, "options->weightFiles");
  for (uint32_t i = 0; i < options->weightFileCount; ++i) {
    if (!options->weightFiles[i])
      return report(makeError(TFC_ERROR_INVALID_ARGUMENT, function,
                              ": options->weightFiles[", i, "] is NULL"));
    out.weightFiles.push_back(options->weightFiles[i]);
  }
  if (options->weightsDir)
    out.weightsDir = options->weightsDir;
  return TFC_OK;
}

/// Checks the common arguments of the binding functions.
tfcStatus checkBinding(const tfcSession *session, const char *name,
                       uint32_t dtype, const char *function) {
  if (!session)
    return nullArgument(function, "session");
  if (!name)
    return nullArgument(function, "name");
  if (tfcmDTypeSize(dtype) == 0)
    return report(makeError(TFC_ERROR_INVALID_ARGUMENT, function, ": dtype ",
                            dtype, " is not a tfcmDType"));
  return TFC_OK;
}

} // namespace

extern "C" {

const char *tfcStatusName(tfcStatus status) {
  switch (status) {
  case TFC_OK:
    return "TFC_OK";
  case TFC_ERROR_INVALID_ARGUMENT:
    return "TFC_ERROR_INVALID_ARGUMENT";
  case TFC_ERROR_IO:
    return "TFC_ERROR_IO";
  case TFC_ERROR_TRUNCATED:
    return "TFC_ERROR_TRUNCATED";
  case TFC_ERROR_BAD_MAGIC:
    return "TFC_ERROR_BAD_MAGIC";
  case TFC_ERROR_UNSUPPORTED_VERSION:
    return "TFC_ERROR_UNSUPPORTED_VERSION";
  case TFC_ERROR_CHECKSUM:
    return "TFC_ERROR_CHECKSUM";
  case TFC_ERROR_INVALID_ARTIFACT:
    return "TFC_ERROR_INVALID_ARTIFACT";
  case TFC_ERROR_EXTERNAL_WEIGHTS:
    return "TFC_ERROR_EXTERNAL_WEIGHTS";
  case TFC_ERROR_CUDA_UNAVAILABLE:
    return "TFC_ERROR_CUDA_UNAVAILABLE";
  case TFC_ERROR_NO_COMPATIBLE_IMAGE:
    return "TFC_ERROR_NO_COMPATIBLE_IMAGE";
  case TFC_ERROR_CUDA:
    return "TFC_ERROR_CUDA";
  case TFC_ERROR_NOT_READY:
    return "TFC_ERROR_NOT_READY";
  case TFC_ERROR_NCCL:
    return "TFC_ERROR_NCCL";
  case TFC_STATUS_MAX_ENUM:
    break;
  }
  return "TFC_ERROR_UNKNOWN";
}

const char *tfcGetLastErrorMessage(void) { return lastErrorMessage.c_str(); }

tfcStatus tfcArtifactLoadFile(const char *path, tfcArtifact **out) {
  if (!path)
    return nullArgument("tfcArtifactLoadFile", "path");
  if (!out)
    return nullArgument("tfcArtifactLoadFile", "out");
  auto handle = std::make_unique<tfcArtifact>();
  if (tfcStatus status =
          report(tfc::rt::loadArtifactFile(path, handle->artifact)))
    return status;
  *out = handle.release();
  return TFC_OK;
}

tfcStatus tfcArtifactLoadMemory(const void *data, size_t size,
                                const char *baseDir, tfcArtifact **out) {
  if (!data && size)
    return nullArgument("tfcArtifactLoadMemory", "data");
  if (!out)
    return nullArgument("tfcArtifactLoadMemory", "out");
  const uint8_t *bytes = static_cast<const uint8_t *>(data);
  auto handle = std::make_unique<tfcArtifact>();
  if (tfcStatus status = report(
          tfc::rt::loadArtifact(std::vector<uint8_t>(bytes, bytes + size),
                                baseDir ? baseDir : ".", handle->artifact)))
    return status;
  *out = handle.release();
  return TFC_OK;
}

void tfcArtifactRelease(tfcArtifact *artifact) { delete artifact; }

const char *tfcArtifactTargetArch(const tfcArtifact *artifact) {
  return artifact ? artifact->artifact->targetArch.c_str() : "";
}

uint32_t tfcArtifactInputCount(const tfcArtifact *artifact) {
  return artifact ? uint32_t(artifact->artifact->inputs.size()) : 0;
}

uint32_t tfcArtifactOutputCount(const tfcArtifact *artifact) {
  return artifact ? uint32_t(artifact->artifact->outputs.size()) : 0;
}

uint32_t tfcArtifactWeightCount(const tfcArtifact *artifact) {
  return artifact ? uint32_t(artifact->artifact->weights.size()) : 0;
}

uint32_t tfcArtifactLaunchCount(const tfcArtifact *artifact) {
  return artifact ? uint32_t(artifact->artifact->launches.size()) : 0;
}

tfcStatus tfcArtifactGetInput(const tfcArtifact *artifact, uint32_t index,
                              tfcTensorInfo *info) {
  if (!artifact)
    return nullArgument("tfcArtifactGetInput", "artifact");
  return getTensorInfo(artifact->artifact->inputs, index, info,
                       "tfcArtifactGetInput");
}

tfcStatus tfcArtifactGetOutput(const tfcArtifact *artifact, uint32_t index,
                               tfcTensorInfo *info) {
  if (!artifact)
    return nullArgument("tfcArtifactGetOutput", "artifact");
  return getTensorInfo(artifact->artifact->outputs, index, info,
                       "tfcArtifactGetOutput");
}

tfcStatus tfcArtifactFindInput(const tfcArtifact *artifact, const char *name,
                               uint32_t *index) {
  if (!artifact)
    return nullArgument("tfcArtifactFindInput", "artifact");
  return findTensor(name ? artifact->artifact->findInput(name) : -1, "input",
                    name, index, "tfcArtifactFindInput");
}

tfcStatus tfcArtifactFindOutput(const tfcArtifact *artifact, const char *name,
                                uint32_t *index) {
  if (!artifact)
    return nullArgument("tfcArtifactFindOutput", "artifact");
  return findTensor(name ? artifact->artifact->findOutput(name) : -1, "output",
                    name, index, "tfcArtifactFindOutput");
}

tfcStatus tfcArtifactGetWeight(const tfcArtifact *artifact, uint32_t index,
                               tfcWeightInfo *info) {
  if (!artifact)
    return nullArgument("tfcArtifactGetWeight", "artifact");
  if (!info)
    return nullArgument("tfcArtifactGetWeight", "info");
  const std::vector<LoadedWeight> &weights = artifact->artifact->weights;
  if (index >= weights.size())
    return report(makeError(TFC_ERROR_INVALID_ARGUMENT,
                            "tfcArtifactGetWeight: index ", index,
                            " is out of range (", weights.size(), ")"));
  const LoadedWeight &weight = weights[index];
  info->tensor.name = weight.tensor.spec.name.c_str();
  info->tensor.dtype = static_cast<uint32_t>(weight.tensor.spec.dtype);
  info->tensor.rank = static_cast<uint32_t>(weight.tensor.spec.shape.size());
  info->tensor.shape = weight.tensor.spec.shape.data();
  info->tensor.byteSize = weight.tensor.byteSize;
  info->storage = static_cast<uint32_t>(weight.storage);
  info->reserved = 0;
  info->externalPath = weight.externalPath.c_str();
  info->externalName = weight.externalName.c_str();
  info->dataOffset = weight.dataOffset;
  return TFC_OK;
}

tfcStatus tfcArtifactCheckWeights(const tfcArtifact *artifact,
                                  const tfcSessionOptions *options) {
  if (!artifact)
    return nullArgument("tfcArtifactCheckWeights", "artifact");
  tfc::rt::WeightBindOptions bind;
  if (tfcStatus status =
          toWeightBindOptions(options, bind, "tfcArtifactCheckWeights"))
    return status;
  std::vector<tfc::rt::WeightSource> sources;
  return report(tfc::rt::bindWeights(*artifact->artifact, bind, sources));
}

const char *tfcArtifactLaunchName(const tfcArtifact *artifact, uint32_t index) {
  if (!artifact || index >= artifact->artifact->launches.size())
    return nullptr;
  const tfc::artifact::LaunchSpec &launch = artifact->artifact->launches[index];
  if (launch.kind == tfc::artifact::LaunchKind::Copy)
    return "memcpy";
  return artifact->artifact->kernels[launch.kernel].name.c_str();
}

tfcStatus tfcArtifactGetLaunchCost(const tfcArtifact *artifact,
                                   uint32_t index, tfcLaunchCost *cost) {
  if (!artifact)
    return nullArgument("tfcArtifactGetLaunchCost", "artifact");
  if (!cost)
    return nullArgument("tfcArtifactGetLaunchCost", "cost");
  const auto &launches = artifact->artifact->launches;
  if (index >= launches.size())
    return report(makeError(TFC_ERROR_INVALID_ARGUMENT,
                            "tfcArtifactGetLaunchCost: index ", index,
                            " is out of range (", launches.size(), ")"));
  const tfc::artifact::LaunchCost &c = launches[index].cost;
  cost->family = c.family.c_str();
  cost->name = c.name.c_str();
  cost->hbmBytes = c.hbmBytes;
  cost->vectorFlops = c.vectorFlops;
  cost->matrixFlops = c.matrixFlops;
  cost->matrixDtype = static_cast<uint32_t>(c.matrixDtype);
  cost->reserved = 0;
  return TFC_OK;
}

const char *tfcArtifactDescribe(const tfcArtifact *artifact) {
  if (!artifact)
    return "";
  std::call_once(artifact->describeOnce, [artifact] {
    artifact->description = tfc::rt::describeArtifact(*artifact->artifact);
  });
  return artifact->description.c_str();
}

tfcStatus tfcSessionCreate(const tfcArtifact *artifact,
                           const tfcSessionOptions *options, tfcSession **out) {
  if (!artifact)
    return nullArgument("tfcSessionCreate", "artifact");
  if (!out)
    return nullArgument("tfcSessionCreate", "out");
  tfc::rt::SessionOptions sessionOptions;
  if (options) {
    sessionOptions.device = options->device;
    sessionOptions.useGraph = !(options->flags & TFC_SESSION_NO_GRAPH);
  }
  if (tfcStatus status = toWeightBindOptions(options, sessionOptions.weights,
                                             "tfcSessionCreate"))
    return status;
  auto handle = std::make_unique<tfcSession>();
  if (tfcStatus status = report(
          Session::create(artifact->artifact, sessionOptions, handle->session)))
    return status;
  *out = handle.release();
  return TFC_OK;
}

void tfcSessionRelease(tfcSession *session) { delete session; }

const char *tfcSessionDescribe(const tfcSession *session) {
  return session ? session->session->getDescription().c_str() : "";
}

tfcStatus tfcSessionBindInputHost(tfcSession *session, const char *name,
                                  uint32_t dtype, const void *data,
                                  size_t bytes) {
  if (tfcStatus status =
          checkBinding(session, name, dtype, "tfcSessionBindInputHost"))
    return status;
  return report(session->session->bindInputHost(
      name, static_cast<tfc::artifact::DType>(dtype), data, bytes));
}

tfcStatus tfcSessionBindInputDevice(tfcSession *session, const char *name,
                                    uint32_t dtype, tfcDevicePtr ptr,
                                    size_t bytes) {
  if (tfcStatus status =
          checkBinding(session, name, dtype, "tfcSessionBindInputDevice"))
    return status;
  return report(session->session->bindInputDevice(
      name, static_cast<tfc::artifact::DType>(dtype), ptr, bytes));
}

tfcStatus tfcSessionBindOutputDevice(tfcSession *session, const char *name,
                                     uint32_t dtype, tfcDevicePtr ptr,
                                     size_t bytes) {
  if (tfcStatus status =
          checkBinding(session, name, dtype, "tfcSessionBindOutputDevice"))
    return status;
  return report(session->session->bindOutputDevice(
      name, static_cast<tfc::artifact::DType>(dtype), ptr, bytes));
}

tfcStatus tfcSessionRun(tfcSession *session) {
  if (!session)
    return nullArgument("tfcSessionRun", "session");
  return report(session->session->run(nullptr));
}

tfcStatus tfcSessionRunTimed(tfcSession *session, float *milliseconds) {
  if (!session)
    return nullArgument("tfcSessionRunTimed", "session");
  if (!milliseconds)
    return nullArgument("tfcSessionRunTimed", "milliseconds");
  return report(session->session->run(milliseconds));
}

tfcStatus tfcSessionRunProfiled(tfcSession *session, float *launchMilliseconds,
                                size_t count) {
  if (!session)
    return nullArgument("tfcSessionRunProfiled", "session");
  return report(session->session->runProfiled(launchMilliseconds, count));
}

tfcStatus tfcSessionCopyOutputToHost(tfcSession *session, const char *name,
                                     void *data, size_t bytes) {
  if (!session)
    return nullArgument("tfcSessionCopyOutputToHost", "session");
  if (!name)
    return nullArgument("tfcSessionCopyOutputToHost", "name");
  return report(session->session->copyOutputToHost(name, data, bytes));
}

tfcStatus tfcSessionPoison(tfcSession *session, uint8_t byte) {
  if (!session)
    return nullArgument("tfcSessionPoison", "session");
  return report(session->session->poison(byte));
}

tfcStatus tfcSessionGetInputDevicePtr(const tfcSession *session,
                                      const char *name, tfcDevicePtr *ptr) {
  if (!session)
    return nullArgument("tfcSessionGetInputDevicePtr", "session");
  if (!name || !ptr)
    return nullArgument("tfcSessionGetInputDevicePtr", !name ? "name" : "ptr");
  CUdeviceptr value = 0;
  if (tfcStatus status =
          report(session->session->getInputDevicePtr(name, value)))
    return status;
  *ptr = value;
  return TFC_OK;
}

tfcStatus tfcSessionGetOutputDevicePtr(const tfcSession *session,
                                       const char *name, tfcDevicePtr *ptr) {
  if (!session)
    return nullArgument("tfcSessionGetOutputDevicePtr", "session");
  if (!name || !ptr)
    return nullArgument("tfcSessionGetOutputDevicePtr", !name ? "name" : "ptr");
  CUdeviceptr value = 0;
  if (tfcStatus status =
          report(session->session->getOutputDevicePtr(name, value)))
    return status;
  *ptr = value;
  return TFC_OK;
}

//--- Tensor parallelism ---------------------------------------------------

tfcStatus tfcGroupCheckArtifacts(const tfcArtifact *const *artifacts,
                                 uint32_t ranks) {
  if (!artifacts)
    return nullArgument("tfcGroupCheckArtifacts", "artifacts");
  std::vector<std::shared_ptr<const Artifact>> list;
  for (uint32_t r = 0; r < ranks; ++r) {
    if (!artifacts[r])
      return report(makeError(TFC_ERROR_INVALID_ARGUMENT,
                              "tfcGroupCheckArtifacts: artifacts[", r,
                              "] is NULL"));
    list.push_back(artifacts[r]->artifact);
  }
  return report(tfc::rt::checkGroupArtifacts(list));
}

tfcStatus tfcGroupCreate(const tfcArtifact *const *artifacts,
                         const tfcSessionOptions *const *options,
                         uint32_t ranks, tfcGroup **out) {
  if (!artifacts)
    return nullArgument("tfcGroupCreate", "artifacts");
  if (!out)
    return nullArgument("tfcGroupCreate", "out");
  std::vector<std::shared_ptr<const Artifact>> list;
  std::vector<tfc::rt::SessionOptions> sessionOptions(ranks);
  for (uint32_t r = 0; r < ranks; ++r) {
    if (!artifacts[r])
      return report(makeError(TFC_ERROR_INVALID_ARGUMENT,
                              "tfcGroupCreate: artifacts[", r, "] is NULL"));
    list.push_back(artifacts[r]->artifact);
    const tfcSessionOptions *o = options ? options[r] : nullptr;
    sessionOptions[r].device = o ? o->device : static_cast<int>(r);
    sessionOptions[r].useGraph = !(o && (o->flags & TFC_SESSION_NO_GRAPH));
    if (tfcStatus status = toWeightBindOptions(o, sessionOptions[r].weights,
                                               "tfcGroupCreate"))
      return status;
  }
  std::unique_ptr<tfc::rt::Group> group;
  if (tfcStatus status = report(tfc::rt::Group::create(
          std::move(list), std::move(sessionOptions), group)))
    return status;
  auto handle = std::make_unique<tfcGroup>();
  for (std::unique_ptr<Session> &session : group->releaseSessions()) {
    handle->sessions.push_back(std::make_unique<tfcSession>());
    handle->sessions.back()->session = std::move(session);
  }
  handle->group = std::move(group);
  *out = handle.release();
  return TFC_OK;
}

void tfcGroupRelease(tfcGroup *group) { delete group; }

uint32_t tfcGroupSize(const tfcGroup *group) {
  return group ? static_cast<uint32_t>(group->sessions.size()) : 0;
}

tfcSession *tfcGroupSession(tfcGroup *group, uint32_t rank) {
  if (!group || rank >= group->sessions.size())
    return nullptr;
  return group->sessions[rank].get();
}

tfcStatus tfcGroupRun(tfcGroup *group) {
  if (!group)
    return nullArgument("tfcGroupRun", "group");
  return report(group->group->run(nullptr));
}

tfcStatus tfcGroupRunTimed(tfcGroup *group, float *milliseconds) {
  if (!group)
    return nullArgument("tfcGroupRunTimed", "group");
  return report(group->group->run(milliseconds));
}

const char *tfcNcclVersion(void) {
  static const std::string version = tfc::rt::NcclCommunicators::version();
  return version.c_str();
}

} // extern "C"
