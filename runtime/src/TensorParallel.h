//===- TensorParallel.h - A tensor-parallel group of sessions --*- C++ -*-===//
//
// Tensor parallelism in the runtime: one process drives the N GPUs of a
// group, one thread per GPU, with one NCCL communicator per GPU made by
// ncclCommInitAll. Rank r runs the artifact compiled for rank r
// (tfc-compile tensor-parallel=N rank=r) in an ordinary Session on its
// device; the session's all-reduce launches call Collectives::allReduce,
// which enqueues ncclAllReduce on the session's stream, so the collectives
// are captured in the same CUDA graph as the kernels.
//
// Failures never hang the group: the artifacts are checked against each
// other before any GPU is touched, a rank that cannot be created names
// itself, and a run waits for all ranks with a deadline; when a rank fails,
// NCCL reports an asynchronous error, or the deadline passes, every
// communicator is aborted (which stops the ranks waiting in a collective)
// and the error names the rank.
//
//===----------------------------------------------------------------------===//

#ifndef TFC_RUNTIME_TENSORPARALLEL_H
#define TFC_RUNTIME_TENSORPARALLEL_H

#include "Session.h"

#include <memory>
#include <string>
#include <vector>

namespace tfc {
namespace rt {

/// What a session calls for its collective launches.
class Collectives {
public:
  virtual ~Collectives() = default;
  /// Enqueues the sum over the group, in place, of `bytes` bytes of `dtype`
  /// elements at `buffer`, on `stream`.
  virtual Status allReduce(CUdeviceptr buffer, uint64_t bytes, DType dtype,
                           CUstream stream, const std::string &label) = 0;
};

/// The NCCL communicators of a group (NcclCommunicators.cpp; without NCCL
/// every call fails with TFC_ERROR_NCCL).
class NcclCommunicators {
public:
  /// One communicator per device, `devices[r]` for rank r.
  static Status create(const std::vector<int> &devices,
                       std::unique_ptr<NcclCommunicators> &out);
  /// "NCCL 2.28.3", or why NCCL is not available.
  static std::string version();
  virtual ~NcclCommunicators() = default;
  /// The collectives of rank `rank`.
  virtual Collectives &rank(size_t rank) = 0;
  /// A failed status when rank `rank`'s communicator has an asynchronous
  /// error.
  virtual Status asyncError(size_t rank) = 0;
  /// Aborts every communicator: collectives in flight return.
  virtual void abortAll() = 0;
};

/// Checks without a GPU that `artifacts[r]` is rank r of a group of
/// `artifacts.size()` (>= 2) ranks, and that all ranks have the same inputs,
/// outputs and sequence of all-reduces (so that no rank waits for a
/// collective another never makes).
Status checkGroupArtifacts(
    const std::vector<std::shared_ptr<const Artifact>> &artifacts);

class Group {
public:
  /// Checks the artifacts, creates rank r's session with `options[r]` (its
  /// device, weights, graph flag), then the NCCL communicators. A rank that
  /// fails is named in the error: "rank 1 (device 1): ...".
  static Status create(std::vector<std::shared_ptr<const Artifact>> artifacts,
                       std::vector<SessionOptions> options,
                       std::unique_ptr<Group> &out);
  ~Group();
  Group(const Group &) = delete;
  Group &operator=(const Group &) = delete;

  size_t size() const { return sessions.size(); }
  Session &session(size_t rank) { return *sessions[rank]; }
  /// Hands the sessions to the caller (the C API wraps them), who must
  /// destroy them before the group; the group keeps using them.
  std::vector<std::unique_ptr<Session>> releaseSessions() {
    return std::move(owned);
  }
  int device(size_t rank) const { return devices[rank]; }

  /// Runs every rank's launch list once (one thread per rank) and waits for
  /// all, at most `timeoutSeconds`; `milliseconds` (optional) gets each
  /// rank's GPU time (size() entries).
  Status run(float *milliseconds);

  /// Seconds a run waits for every rank: TFC_COLLECTIVE_TIMEOUT_S, else 300.
  double timeoutSeconds = 300;

private:
  Group() = default;
  std::vector<int> devices;
  std::vector<std::unique_ptr<Collectives>> proxies;
  std::vector<std::unique_ptr<Session>> owned;
  std::vector<Session *> sessions;
  std::unique_ptr<NcclCommunicators> communicators;
  std::string abortedBecause; ///< Set once the communicators were aborted
};

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_TENSORPARALLEL_H
