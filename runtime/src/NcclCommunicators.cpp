//===- NcclCommunicators.cpp - NCCL for tensor-parallel groups ------------===//
//
// The NCCL side of TensorParallel.h: one communicator per GPU from
// ncclCommInitAll, ncclAllReduce on the session's stream (so it is captured
// into the session's CUDA graph), asynchronous error polling and abort.
// Built with NCCL when CMake finds nccl.h and libnccl (TFC_HAVE_NCCL);
// otherwise every entry point says that tensor parallelism is disabled.
//
// Before the communicators exist the runtime sets, unless the user set them:
// NCCL_NVLS_ENABLE=0 (no NVLink multicast: on shared hosts it can take the
// GPUs out of service) and NCCL_RUNTIME_CONNECT=0 (connect at init, not
// lazily inside the first collective, which is being captured).
//
//===----------------------------------------------------------------------===//

#include "TensorParallel.h"

#include <cstdlib>

#if TFC_HAVE_NCCL
#include <nccl.h>
#endif

namespace tfc {
namespace rt {

#if TFC_HAVE_NCCL
namespace {
Status ncclCheck(ncclResult_t result, const char *call,
                 const std::string &context) {
  if (result == ncclSuccess)
    return Status::success();
  return makeError(TFC_ERROR_NCCL, call, " failed", context.empty() ? "" : " (",
                   context, context.empty() ? "" : ")", ": ",
                   ncclGetErrorString(result), " (", int(result), ")");
}

class NcclRank : public Collectives {
public:
  explicit NcclRank(ncclComm_t comm) : comm(comm) {}
  Status allReduce(CUdeviceptr buffer, uint64_t bytes, DType dtype,
                   CUstream stream, const std::string &label) override {
    ncclDataType_t type;
    switch (dtype) {
    case DType::F32:
      type = ncclFloat32;
      break;
    case DType::F16:
      type = ncclFloat16;
      break;
    case DType::BF16:
      type = ncclBfloat16;
      break;
    default:
      return makeError(TFC_ERROR_NCCL, label, ": NCCL cannot sum ",
                       artifact::dtypeName(dtype));
    }
    void *ptr = reinterpret_cast<void *>(static_cast<uintptr_t>(buffer));
    size_t count = bytes / artifact::dtypeSize(dtype);
    // A CUstream is a cudaStream_t.
    return ncclCheck(ncclAllReduce(ptr, ptr, count, type, ncclSum, comm,
                                   reinterpret_cast<cudaStream_t>(stream)),
                     "ncclAllReduce", label);
  }
  ncclComm_t comm;
};

class NcclGroup : public NcclCommunicators {
public:
  ~NcclGroup() override {
    for (auto &rank : ranks)
      if (rank->comm)
        aborted ? ncclCommAbort(rank->comm) : ncclCommDestroy(rank->comm);
  }
  Collectives &rank(size_t r) override { return *ranks[r]; }
  Status asyncError(size_t r) override {
    ncclResult_t async = ncclSuccess;
    TFC_RETURN_IF_ERROR(ncclCheck(
        ncclCommGetAsyncError(ranks[r]->comm, &async),
        "ncclCommGetAsyncError", concat("rank ", r)));
    return ncclCheck(async, "an NCCL collective", concat("rank ", r));
  }
  void abortAll() override {
    if (aborted)
      return;
    aborted = true;
    for (auto &rank : ranks) {
      ncclCommAbort(rank->comm);
      rank->comm = nullptr;
    }
  }
  std::vector<std::unique_ptr<NcclRank>> ranks;
  bool aborted = false;
};
} // namespace

Status NcclCommunicators::create(const std::vector<int> &devices,
                                 std::unique_ptr<NcclCommunicators> &out) {
  setenv("NCCL_NVLS_ENABLE", "0", /*overwrite=*/0);
  setenv("NCCL_RUNTIME_CONNECT", "0", /*overwrite=*/0);
  std::vector<ncclComm_t> comms(devices.size(), nullptr);
  TFC_RETURN_IF_ERROR(ncclCheck(
      ncclCommInitAll(comms.data(), static_cast<int>(devices.size()),
                      devices.data()),
      "ncclCommInitAll",
      concat(devices.size(), " ranks")));
  auto group = std::make_unique<NcclGroup>();
  for (ncclComm_t comm : comms)
    group->ranks.push_back(std::make_unique<NcclRank>(comm));
  out = std::move(group);
  return Status::success();
}

std::string NcclCommunicators::version() {
  int code = 0;
  if (ncclGetVersion(&code) != ncclSuccess)
    return "NCCL (version unknown)";
  return concat("NCCL ", code / 10000, ".", (code / 100) % 100, ".",
                code % 100);
}
#else
static const char *kNoNccl =
    "this runtime was built without NCCL (CMake found no nccl.h and "
    "libnccl; set NCCL_HOME or CMAKE_PREFIX_PATH to its folder and "
    "reconfigure), so tensor parallelism is disabled";

Status NcclCommunicators::create(const std::vector<int> &,
                                 std::unique_ptr<NcclCommunicators> &) {
  return makeError(TFC_ERROR_NCCL, kNoNccl);
}

std::string NcclCommunicators::version() { return kNoNccl; }
#endif

} // namespace rt
} // namespace tfc
