//===- TensorParallel.cpp - A tensor-parallel group of sessions -----------===//
//
// Implements TensorParallel.h: the cross-artifact checks, the creation of
// the ranks' sessions and communicators, and a supervised run (one thread
// per rank, a deadline, abort on the first failure).
//
//===----------------------------------------------------------------------===//

#include "TensorParallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace tfc {
namespace rt {

namespace {
/// Forwards a session's collectives to its rank's communicator, which is
/// created after the sessions (so that a rank failing to load never starts
/// NCCL).
class RankProxy : public Collectives {
public:
  explicit RankProxy(size_t rank) : rank(rank) {}
  Status allReduce(CUdeviceptr buffer, uint64_t bytes, DType dtype,
                   CUstream stream, const std::string &label) override {
    if (!target)
      return makeError(TFC_ERROR_NCCL, label, ": rank ", rank,
                       " has no NCCL communicator");
    return target->allReduce(buffer, bytes, dtype, stream, label);
  }
  Collectives *target = nullptr;

private:
  size_t rank;
};

std::string tensorSignature(const LoadedTensor &t) {
  std::string s = t.spec.name + ":" + artifact::dtypeName(t.spec.dtype) + "[";
  for (size_t i = 0; i < t.spec.shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(t.spec.shape[i]);
  return s + "]";
}

/// The all-reduces of an artifact, in order, as "bytes dtype".
std::vector<std::string> collectiveSequence(const Artifact &artifact) {
  std::vector<std::string> sequence;
  for (const LaunchSpec &launch : artifact.launches)
    if (launch.kind == LaunchKind::AllReduce)
      sequence.push_back(concat(launch.copyBytes, " bytes of ",
                                artifact::dtypeName(launch.collectiveDtype)));
  return sequence;
}
} // namespace

Status checkGroupArtifacts(
    const std::vector<std::shared_ptr<const Artifact>> &artifacts) {
  size_t ranks = artifacts.size();
  if (ranks < 2)
    return makeError(TFC_ERROR_INVALID_ARGUMENT,
                     "a tensor-parallel group needs at least 2 ranks, got ",
                     ranks);
  const Artifact &first = *artifacts[0];
  std::vector<std::string> firstCollectives = collectiveSequence(first);
  for (size_t r = 0; r < ranks; ++r) {
    const Artifact &a = *artifacts[r];
    if (a.tensorParallelRanks != ranks || a.tensorParallelRank != r) {
      if (a.tensorParallelRanks == 0)
        return makeError(TFC_ERROR_INVALID_ARGUMENT, "rank ", r,
                         ": the artifact is a single-GPU one; compile rank ",
                         r, " with tfc-compile tensor-parallel=", ranks,
                         " rank=", r);
      return makeError(TFC_ERROR_INVALID_ARGUMENT, "rank ", r,
                       ": the artifact is rank ", a.tensorParallelRank,
                       " of a group of ", a.tensorParallelRanks,
                       ", not rank ", r, " of ", ranks,
                       " (give the ranks' artifacts in rank order)");
    }
    const std::pair<const std::vector<LoadedTensor> *,
                    const std::vector<LoadedTensor> *>
        lists[2] = {{&a.inputs, &first.inputs}, {&a.outputs, &first.outputs}};
    for (int io = 0; io < 2; ++io) {
      const char *what = io == 0 ? "inputs" : "outputs";
      std::string mine, theirs;
      for (const LoadedTensor &t : *lists[io].first)
        mine += (mine.empty() ? "" : ", ") + tensorSignature(t);
      for (const LoadedTensor &t : *lists[io].second)
        theirs += (theirs.empty() ? "" : ", ") + tensorSignature(t);
      if (mine != theirs)
        return makeError(TFC_ERROR_INVALID_ARGUMENT, "rank ", r, "'s ", what,
                         " (", mine, ") differ from rank 0's (", theirs, ")");
    }
    std::vector<std::string> sequence = collectiveSequence(a);
    if (sequence != firstCollectives)
      return makeError(TFC_ERROR_INVALID_ARGUMENT, "rank ", r, " makes ",
                       sequence.size(), " all-reduces and rank 0 ",
                       firstCollectives.size(),
                       ", or of other sizes; the ranks' artifacts come from "
                       "different compilations");
  }
  return Status::success();
}

Status Group::create(std::vector<std::shared_ptr<const Artifact>> artifacts,
                     std::vector<SessionOptions> options,
                     std::unique_ptr<Group> &out) {
  TFC_RETURN_IF_ERROR(checkGroupArtifacts(artifacts));
  if (options.size() != artifacts.size())
    return makeError(TFC_ERROR_INVALID_ARGUMENT, "the group has ",
                     artifacts.size(), " artifacts but ", options.size(),
                     " session options");
  std::unique_ptr<Group> group(new Group());
  for (size_t r = 0; r < options.size(); ++r) {
    for (size_t q = 0; q < r; ++q)
      if (options[q].device == options[r].device)
        return makeError(TFC_ERROR_INVALID_ARGUMENT, "ranks ", q, " and ", r,
                         " are both on device ", options[r].device,
                         "; every rank needs a GPU of its own");
    group->devices.push_back(options[r].device);
  }
  if (const char *timeout = std::getenv("TFC_COLLECTIVE_TIMEOUT_S")) {
    char *end = nullptr;
    double seconds = std::strtod(timeout, &end);
    if (end == timeout || *end || !(seconds > 0))
      return makeError(TFC_ERROR_INVALID_ARGUMENT,
                       "TFC_COLLECTIVE_TIMEOUT_S='", timeout,
                       "' is not a positive number of seconds");
    group->timeoutSeconds = seconds;
  }

  // The sessions first: a rank that cannot load never starts NCCL.
  for (size_t r = 0; r < artifacts.size(); ++r) {
    group->proxies.push_back(std::make_unique<RankProxy>(r));
    options[r].collectives = group->proxies.back().get();
    std::unique_ptr<Session> session;
    Status status = Session::create(artifacts[r], options[r], session);
    if (status.failed())
      return makeError(status.code(), "rank ", r, " (device ",
                       options[r].device, "): ", status.message());
    group->sessions.push_back(session.get());
    group->owned.push_back(std::move(session));
  }
  TFC_RETURN_IF_ERROR(
      NcclCommunicators::create(group->devices, group->communicators));
  for (size_t r = 0; r < artifacts.size(); ++r)
    static_cast<RankProxy &>(*group->proxies[r]).target =
        &group->communicators->rank(r);
  out = std::move(group);
  return Status::success();
}

Group::~Group() {
  // Sessions go first (they hold graphs with NCCL work), then the
  // communicators.
  owned.clear();
  communicators.reset();
}

Status Group::run(float *milliseconds) {
  if (!abortedBecause.empty())
    return makeError(TFC_ERROR_NCCL, "the group was stopped earlier (",
                     abortedBecause, "); create a new group");
  size_t ranks = sessions.size();
  std::vector<Status> results(ranks, Status::success());
  std::vector<float> times(ranks, 0.0f);
  std::vector<char> finished(ranks, 0);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::thread> threads;
  for (size_t r = 0; r < ranks; ++r)
    threads.emplace_back([&, r] {
      Status status = sessions[r]->run(milliseconds ? &times[r] : nullptr);
      std::lock_guard<std::mutex> lock(mutex);
      results[r] = std::move(status);
      finished[r] = 1;
      changed.notify_all();
    });

  // Supervise: the first failure, NCCL error or the deadline stops all.
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration<double>(timeoutSeconds);
  std::string failure;
  tfcStatus failureCode = TFC_OK;
  {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      size_t done = 0;
      for (size_t r = 0; r < ranks; ++r) {
        if (!finished[r])
          continue;
        ++done;
        if (results[r].failed() && failure.empty()) {
          failure = concat("rank ", r, " (device ", devices[r],
                           ") failed: ", results[r].message());
          failureCode = results[r].code();
        }
      }
      if (done == ranks || !failure.empty())
        break;
      for (size_t r = 0; r < ranks && failure.empty(); ++r) {
        Status async = communicators->asyncError(r);
        if (async.failed()) {
          failure = concat("rank ", r, " (device ", devices[r],
                           "): ", async.message());
          failureCode = TFC_ERROR_NCCL;
        }
      }
      if (!failure.empty())
        break;
      if (std::chrono::steady_clock::now() >= deadline) {
        std::string waiting;
        for (size_t r = 0; r < ranks; ++r)
          if (!finished[r])
            waiting += (waiting.empty() ? "" : ", ") + std::to_string(r);
        failure = concat("the group did not finish within ", timeoutSeconds,
                         " s (TFC_COLLECTIVE_TIMEOUT_S); still running: rank ",
                         waiting);
        failureCode = TFC_ERROR_NCCL;
        break;
      }
      changed.wait_for(lock, std::chrono::milliseconds(10));
    }
  }
  bool allDone;
  {
    std::lock_guard<std::mutex> lock(mutex);
    allDone = std::all_of(finished.begin(), finished.end(),
                          [](char f) { return f != 0; });
  }
  if (!failure.empty() && !allDone) {
    // Ranks still inside a collective wait for the failed one: abort.
    communicators->abortAll();
    abortedBecause = failure;
    failure += "; the other ranks were stopped (NCCL communicators aborted)";
  }
  for (std::thread &thread : threads)
    thread.join();
  if (!failure.empty())
    return makeError(failureCode, failure);
  if (milliseconds)
    std::copy(times.begin(), times.end(), milliseconds);
  return Status::success();
}

} // namespace rt
} // namespace tfc
