//===- TfcRun.cpp - Run or inspect a .tfcm artifact from the shell --------===//
//
// tfc-run loads an artifact through the C API, binds its external weights
// (the artifact's files, or safetensors files given with --weights), checks
// .npy inputs against its signature, runs it (CUDA graph by default),
// reports latency and per-kernel times, and writes the outputs as .npy
// files. --inspect lists the artifact and checks its weights without a GPU.
// --roofline places every kernel under the measured ceilings (Roofline.h).
// Every error exits non-zero with a message.
//
//===----------------------------------------------------------------------===//

#include "CopyBandwidth.h"
#include "Npy.h"
#include "Roofline.h"

#include "tfc/tfc_runtime.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

const char usage[] =
    R"(usage: tfc-run MODEL.tfcm [options]

Runs a tfc artifact on a CUDA GPU: binds inputs from .npy files, runs the
launch list (captured once into a CUDA graph, then replayed), prints the
latency and writes every output as DIR/<output name>.npy.

options:
  --input NAME=FILE.npy  input NAME from FILE.npy (one per artifact input);
                         dtype and shape must match the artifact exactly
  --output-dir DIR       write each output to DIR/<name>.npy (DIR is created;
                         characters other than [A-Za-z0-9._-] in names
                         become '_'); without it outputs are not written
  --weights FILE         bind every external weight by its tensor name from
                         the safetensors FILE instead of the files the
                         artifact names; repeat for sharded checkpoints.
                         dtype and shape must match the artifact's weight
  --weights-dir DIR      resolve the artifact's own external weight files
                         (e.g. ONNX external data) in DIR instead of the
                         artifact's folder
  --no-graph             launch kernels one by one instead of replaying a CUDA
                         graph (same as env TFC_NO_GRAPH=1)
  --warmup N             untimed runs before the timed ones (default 1)
  --repeat N             timed runs (default 1); prints the median, min and
                         max latency measured with CUDA events around each run
  --profile              after the timed runs, run once launch by launch with
                         CUDA events around each and print per-kernel times
  --roofline FILE        after the timed runs, write a roofline report to
                         FILE (.html: plot, ceilings and a table of kernels
                         sorted by time lost to the roof; .svg: the plot):
                         measures the device-to-device copy bandwidth here
                         (the memory roof), runs launch by launch 5 times
                         (median per launch, CUDA events) and places each
                         kernel by the compiler's predicted FLOPs and HBM
                         bytes (artifact format 6); prints the top kernels
  --peak-tflops X        the compute roof for --roofline, in TFLOP/s (e.g.
                         a bf16 torch.matmul measured by the harness on the
                         same GPU); without it kernels are bounded by memory
                         only
  --peak-tflops-f32 X    the compute roof of kernels whose matrix work is
                         f32 (default: --peak-tflops)
  --copy-gbps X          use X GB/s as the memory roof instead of measuring
  --poison               fill the outputs and the arena with 0xFF bytes (NaN)
                         before the first run, so that any element no kernel
                         writes shows up in the written outputs
  --inspect              print the artifact's contents (arch, modules,
                         kernels, buffer plan, inputs, outputs, weights,
                         launches), check that its external weights bind
                         (with --weights/--weights-dir as given) and exit;
                         needs no GPU
  --device N             CUDA device ordinal (default 0)
  --ranks N              tensor parallelism: MODEL and every --weights FILE
                         contain "{rank}", replaced by 0..N-1 to name the
                         artifact (tfc-compile tensor-parallel=N rank=R) and
                         weight shards of each rank; rank R runs on device
                         --device + R, all in this process, one thread per
                         GPU, all-reducing through NCCL. Latencies are the
                         slowest rank's; outputs are rank 0's (every rank
                         holds them). A failing rank stops all ranks and is
                         named; TFC_COLLECTIVE_TIMEOUT_S (default 300) bounds
                         a run
  --help                 print this help

.npy dtypes: f32 '<f4', f16 '<f2', bf16 '<u2' (raw bits), i64 '<i8',
i32 '<i4', i8 '|i1', u8 '|u1', bool '|b1' (bytes 0 or 1). Files must be
little-endian and C order.

exit status: 0 on success, 1 on any error, 2 on bad usage.
)";

struct Options {
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs; // name, file
  std::string outputDir;
  std::vector<std::string> weightFiles;
  std::string weightsDir;
  bool noGraph = false;
  bool profile = false;
  bool poison = false;
  bool inspect = false;
  int warmup = 1;
  int repeat = 1;
  int device = 0;
  int ranks = 0; ///< --ranks: tensor-parallel group size (0: one GPU)
  std::string roofline;      ///< --roofline FILE
  double peakTflops = 0;     ///< --peak-tflops
  double peakTflopsF32 = 0;  ///< --peak-tflops-f32
  double copyGbps = 0;       ///< --copy-gbps (0: measure)
};

int fail(const std::string &message) {
  std::fprintf(stderr, "tfc-run: error: %s\n", message.c_str());
  return 1;
}

int usageError(const std::string &message) {
  std::fprintf(stderr, "tfc-run: %s\n(see tfc-run --help)\n", message.c_str());
  return 2;
}

std::string lastError(tfcStatus status) {
  return std::string(tfcGetLastErrorMessage()) + " [" + tfcStatusName(status) +
         "]";
}

bool parsePositive(const char *text, double &out) {
  char *end = nullptr;
  double value = std::strtod(text, &end);
  if (!*text || *end || !(value > 0) || value > 1e9)
    return false;
  out = value;
  return true;
}

bool parseCount(const char *text, int minimum, int &out) {
  char *end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (!*text || *end || value < minimum || value > 1000000)
    return false;
  out = static_cast<int>(value);
  return true;
}

/// Returns -1 to continue, else the exit status.
int parseOptions(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char * {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(usage, stdout);
      return 0;
    } else if (arg == "--input") {
      const char *v = value();
      const char *eq = v ? std::strchr(v, '=') : nullptr;
      if (!eq || eq == v || !eq[1])
        return usageError("--input expects NAME=FILE.npy");
      options.inputs.emplace_back(std::string(v, eq), std::string(eq + 1));
    } else if (arg == "--output-dir") {
      const char *v = value();
      if (!v)
        return usageError("--output-dir expects a folder");
      options.outputDir = v;
    } else if (arg == "--weights") {
      const char *v = value();
      if (!v || !*v)
        return usageError("--weights expects a .safetensors file");
      options.weightFiles.push_back(v);
    } else if (arg == "--weights-dir") {
      const char *v = value();
      if (!v || !*v)
        return usageError("--weights-dir expects a folder");
      options.weightsDir = v;
    } else if (arg == "--no-graph") {
      options.noGraph = true;
    } else if (arg == "--profile") {
      options.profile = true;
    } else if (arg == "--poison") {
      options.poison = true;
    } else if (arg == "--inspect") {
      options.inspect = true;
    } else if (arg == "--roofline") {
      const char *v = value();
      std::string file = v ? v : "";
      auto endsWith = [&](const std::string &suffix) {
        return file.size() > suffix.size() &&
               file.compare(file.size() - suffix.size(), suffix.size(),
                            suffix) == 0;
      };
      if (!endsWith(".html") && !endsWith(".htm") && !endsWith(".svg"))
        return usageError("--roofline expects a FILE.html or FILE.svg");
      options.roofline = file;
    } else if (arg == "--peak-tflops" || arg == "--peak-tflops-f32" ||
               arg == "--copy-gbps") {
      const char *v = value();
      double *target = arg == "--peak-tflops"       ? &options.peakTflops
                       : arg == "--peak-tflops-f32" ? &options.peakTflopsF32
                                                    : &options.copyGbps;
      if (!v || !parsePositive(v, *target))
        return usageError(arg + " expects a positive number");
    } else if (arg == "--ranks") {
      const char *v = value();
      if (!v || !parseCount(v, 2, options.ranks))
        return usageError("--ranks expects a number of GPUs (at least 2)");
    } else if (arg == "--warmup" || arg == "--repeat" || arg == "--device") {
      const char *v = value();
      int *target = arg == "--warmup"   ? &options.warmup
                    : arg == "--repeat" ? &options.repeat
                                        : &options.device;
      if (!v || !parseCount(v, arg == "--repeat" ? 1 : 0, *target))
        return usageError(arg + " expects a non-negative integer" +
                          (arg == "--repeat" ? " (at least 1)" : ""));
    } else if (!arg.empty() && arg[0] == '-') {
      return usageError("unknown option '" + arg + "'");
    } else if (options.model.empty()) {
      options.model = arg;
    } else {
      return usageError("more than one model given ('" + options.model +
                        "' and '" + arg + "')");
    }
  }
  if (options.model.empty())
    return usageError("no model given");
  if (options.ranks && !options.roofline.empty())
    return usageError("--roofline profiles one GPU; it cannot be combined "
                      "with --ranks");
  if (options.ranks && options.model.find("{rank}") == std::string::npos)
    return usageError("--ranks needs a MODEL path with {rank} in it (e.g. "
                      "model.rank{rank}.tfcm)");
  return -1;
}

/// `text` with every "{rank}" replaced by `rank`.
std::string forRank(std::string text, int rank) {
  for (size_t at; (at = text.find("{rank}")) != std::string::npos;)
    text.replace(at, 6, std::to_string(rank));
  return text;
}

struct HostInput {
  std::string name;
  uint32_t dtype;
  tfc::npy::Array array;
};

/// Reads every --input and checks it against the artifact's signature.
int readInputs(const tfcArtifact *artifact, const Options &options,
               std::vector<HostInput> &out) {
  std::map<std::string, std::string> files;
  for (const auto &[name, file] : options.inputs) {
    uint32_t index;
    if (tfcArtifactFindInput(artifact, name.c_str(), &index) != TFC_OK)
      return fail("--input '" + name + "': the artifact has no such input");
    if (!files.emplace(name, file).second)
      return fail("--input '" + name + "' is given twice");
  }
  for (uint32_t i = 0, e = tfcArtifactInputCount(artifact); i < e; ++i) {
    tfcTensorInfo info;
    tfcArtifactGetInput(artifact, i, &info);
    std::vector<int64_t> shape(info.shape, info.shape + info.rank);
    std::string expected = std::string(tfcmDTypeName(info.dtype)) + " " +
                           tfc::npy::shapeString(shape);
    auto it = files.find(info.name);
    if (it == files.end())
      return fail(std::string("input '") + info.name + "' (" + expected +
                  ") is not given; pass --input " + info.name + "=FILE.npy");
    HostInput input{info.name, info.dtype, {}};
    std::string error;
    if (!tfc::npy::readFile(it->second, input.array, error))
      return fail("input '" + input.name + "': " + error);
    const char *descr = tfc::npy::descrForDType(info.dtype);
    if (input.array.descr != descr || input.array.shape != shape)
      return fail("input '" + input.name + "': " + it->second + " holds '" +
                  input.array.descr + "' " +
                  tfc::npy::shapeString(input.array.shape) +
                  "; the artifact expects " + expected + " ('" + descr + "' " +
                  tfc::npy::shapeString(shape) + ")");
    if (info.dtype == TFCM_DTYPE_BOOL)
      for (char byte : input.array.data)
        if (byte != 0 && byte != 1)
          return fail("input '" + input.name + "': " + it->second +
                      " holds a bool byte other than 0 or 1");
    out.push_back(std::move(input));
  }
  return 0;
}

std::string outputFileName(const std::string &name) {
  std::string file;
  for (char c : name)
    file += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                    c == '_' || c == '-'
                ? c
                : '_';
  return file + ".npy";
}

int writeOutputs(const tfcArtifact *artifact, tfcSession *session,
                 const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return fail("cannot create output folder '" + dir + "': " + ec.message());
  for (uint32_t i = 0, e = tfcArtifactOutputCount(artifact); i < e; ++i) {
    tfcTensorInfo info;
    tfcArtifactGetOutput(artifact, i, &info);
    std::vector<char> data(info.byteSize);
    if (tfcStatus status = tfcSessionCopyOutputToHost(session, info.name,
                                                      data.data(), data.size()))
      return fail(lastError(status));
    std::string path = dir + "/" + outputFileName(info.name);
    std::string error;
    if (!tfc::npy::writeFile(
            path, tfc::npy::descrForDType(info.dtype),
            std::vector<int64_t>(info.shape, info.shape + info.rank),
            data.data(), data.size(), error))
      return fail(error);
    std::printf("wrote output '%s' to %s\n", info.name, path.c_str());
  }
  return 0;
}

int printProfile(const tfcArtifact *artifact, tfcSession *session) {
  uint32_t count = tfcArtifactLaunchCount(artifact);
  std::vector<float> times(count);
  if (tfcStatus status = tfcSessionRunProfiled(session, times.data(), count))
    return fail(lastError(status));
  double total = 0;
  for (float t : times)
    total += t;
  std::printf("profile (%u launches, one by one, %.4f ms in total):\n", count,
              total);
  std::printf("  %5s %10s %7s  %s\n", "#", "ms", "%", "kernel");
  for (uint32_t i = 0; i < count; ++i)
    std::printf("  %5u %10.4f %6.1f%%  %s\n", i, times[i],
                total > 0 ? 100.0 * times[i] / total : 0.0,
                tfcArtifactLaunchName(artifact, i));
  return 0;
}

/// --roofline: the ceilings (measured here or given), five launch-by-launch
/// runs (the median of each launch), the compiler's predictions, the report.
int writeRoofline(const tfcArtifact *artifact, tfcSession *session,
                  const Options &options) {
  namespace rl = tfc::roofline;
  rl::Ceilings ceilings;
  if (options.copyGbps > 0) {
    ceilings.bytesPerSecond = options.copyGbps * 1e9;
    ceilings.bandwidthSource = "given with --copy-gbps";
  } else {
    std::string error;
    const size_t bytes = size_t(256) << 20;
    if (!tfc::measureCopyBandwidth(options.device, bytes, 20,
                                   ceilings.bytesPerSecond, error))
      return fail("--roofline: measuring the copy bandwidth: " + error);
    ceilings.bandwidthSource =
        "measured by tfc-run: cuMemcpyDtoDAsync of 256 MiB, bytes read + "
        "written, median of 20";
  }
  if (options.peakTflops > 0) {
    ceilings.flopsPerSecond = options.peakTflops * 1e12;
    ceilings.computeSource = "given with --peak-tflops";
  } else {
    ceilings.computeSource =
        "no --peak-tflops: tfc-run measures no GEMM (that needs a vendor "
        "library)";
  }
  if (options.peakTflopsF32 > 0) {
    ceilings.f32FlopsPerSecond = options.peakTflopsF32 * 1e12;
    ceilings.f32ComputeSource = "given with --peak-tflops-f32";
  }

  uint32_t count = tfcArtifactLaunchCount(artifact);
  const int runs = 5;
  std::vector<std::vector<float>> times(count);
  std::vector<float> one(count);
  for (int r = 0; r < runs; ++r) {
    if (tfcStatus status = tfcSessionRunProfiled(session, one.data(), count))
      return fail(lastError(status));
    for (uint32_t i = 0; i < count; ++i)
      times[i].push_back(one[i]);
  }
  std::vector<rl::Kernel> kernels;
  uint32_t predicted = 0;
  for (uint32_t i = 0; i < count; ++i) {
    tfcLaunchCost cost;
    if (tfcStatus status = tfcArtifactGetLaunchCost(artifact, i, &cost))
      return fail(lastError(status));
    rl::Kernel k;
    k.launch = i;
    k.symbol = tfcArtifactLaunchName(artifact, i);
    k.family = cost.family;
    k.node = cost.name;
    k.hbmBytes = double(cost.hbmBytes);
    k.vectorFlops = double(cost.vectorFlops);
    k.matrixFlops = double(cost.matrixFlops);
    if (cost.matrixDtype && tfcmDTypeName(cost.matrixDtype))
      k.matrixDtype = tfcmDTypeName(cost.matrixDtype);
    std::sort(times[i].begin(), times[i].end());
    k.milliseconds = times[i][runs / 2];
    predicted += k.predicted();
    kernels.push_back(std::move(k));
  }
  if (predicted == 0)
    std::fprintf(stderr,
                 "tfc-run: warning: the artifact carries no predicted bytes "
                 "or FLOPs (format version < 6: recompile it); the report "
                 "lists measured times only\n");
  rl::ReportInfo info;
  info.model = options.model;
  info.device = tfcSessionDescribe(session);
  char date[64] = "";
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC",
                std::gmtime(&now));
  info.when = date;
  info.note = "launch by launch, CUDA events around each launch, median of "
              "5 runs (tfcSessionRunProfiled)";
  std::string error;
  if (!rl::writeReport(options.roofline, kernels, ceilings, info, error))
    return fail(error);

  double total = 0, roof = 0;
  for (const rl::Kernel &k : kernels) {
    total += k.milliseconds;
    roof += rl::place(k, ceilings).roofMilliseconds;
  }
  std::printf("roofline: memory roof %.1f GB/s (%s), compute roof %s\n",
              ceilings.bytesPerSecond * 1e-9,
              options.copyGbps > 0 ? "given" : "measured",
              ceilings.flopsPerSecond > 0
                  ? (std::to_string(ceilings.flopsPerSecond * 1e-12) +
                     " TFLOP/s (given)")
                        .c_str()
                  : "not given");
  std::printf("roofline: %u launches, %.4f ms launch by launch, %.4f ms at "
              "the roofs (%.0f%%); wrote %s\n",
              count, total, roof, total > 0 ? 100 * roof / total : 0.0,
              options.roofline.c_str());
  std::printf("  %5s %10s %10s %10s  %-8s %s\n", "#", "ms", "roof ms",
              "lost ms", "bound", "kernel");
  std::vector<size_t> order = rl::sortByTimeLost(kernels, ceilings);
  for (size_t r = 0; r < order.size() && r < 10; ++r) {
    const rl::Kernel &k = kernels[order[r]];
    rl::Placement p = rl::place(k, ceilings);
    std::printf("  %5u %10.4f %10.4f %10.4f  %-8s %s%s%s\n", k.launch,
                k.milliseconds, p.roofMilliseconds, p.lostMilliseconds,
                p.bound, k.symbol.c_str(), k.node.empty() ? "" : " ",
                k.node.c_str());
  }
  return 0;
}

/// Session options with the weight bindings of `options`; `files` keeps the
/// C strings.
tfcSessionOptions makeSessionOptions(const Options &options,
                                     std::vector<const char *> &files) {
  tfcSessionOptions sessionOptions{};
  sessionOptions.device = options.device;
  sessionOptions.flags = options.noGraph ? TFC_SESSION_NO_GRAPH : 0u;
  for (const std::string &file : options.weightFiles)
    files.push_back(file.c_str());
  sessionOptions.weightFiles = files.empty() ? nullptr : files.data();
  sessionOptions.weightFileCount = static_cast<uint32_t>(files.size());
  sessionOptions.weightsDir =
      options.weightsDir.empty() ? nullptr : options.weightsDir.c_str();
  return sessionOptions;
}

/// The message of a failed weight binding, with a hint where the weights
/// came from the artifact's own files.
std::string weightsError(tfcStatus status, const Options &options) {
  std::string message = lastError(status);
  if (status == TFC_ERROR_EXTERNAL_WEIGHTS && options.weightFiles.empty())
    message += "\n(the artifact's weight files are looked up beside it; "
               "pass --weights FILE.safetensors to bind the weights by name "
               "from another file, or --weights-dir DIR)";
  return message;
}

/// --inspect: after the listing, checks that the external weights bind.
int checkWeights(const tfcArtifact *artifact, const Options &options) {
  uint32_t external = 0;
  for (uint32_t i = 0, e = tfcArtifactWeightCount(artifact); i < e; ++i) {
    tfcWeightInfo info;
    if (tfcArtifactGetWeight(artifact, i, &info) == TFC_OK &&
        info.storage != TFCM_WEIGHT_INLINE)
      ++external;
  }
  if (external == 0) {
    if (!options.weightFiles.empty())
      std::printf("external weights: none (--weights is not used)\n");
    return 0;
  }
  std::vector<const char *> files;
  tfcSessionOptions sessionOptions = makeSessionOptions(options, files);
  if (tfcStatus status = tfcArtifactCheckWeights(artifact, &sessionOptions))
    return fail(weightsError(status, options));
  std::string from;
  for (const std::string &file : options.weightFiles)
    from += (from.empty() ? "'" : ", '") + file + "'";
  std::printf("external weights: %u bound from %s; dtype, shape and size "
              "checked\n",
              external,
              from.empty() ? "the artifact's files" : from.c_str());
  return 0;
}

bool graphDisabledByEnv() {
  const char *value = std::getenv("TFC_NO_GRAPH");
  return value && std::strcmp(value, "1") == 0;
}

int runModel(const tfcArtifact *artifact, const Options &options) {
  std::vector<HostInput> inputs;
  if (int status = readInputs(artifact, options, inputs))
    return status;

  std::vector<const char *> files;
  tfcSessionOptions sessionOptions = makeSessionOptions(options, files);
  tfcSession *session = nullptr;
  if (tfcStatus status = tfcSessionCreate(artifact, &sessionOptions, &session))
    return fail(weightsError(status, options));
  struct Releaser {
    tfcSession *session;
    ~Releaser() { tfcSessionRelease(session); }
  } releaser{session};
  std::printf("device: %s\n", tfcSessionDescribe(session));

  for (const HostInput &input : inputs)
    if (tfcStatus status = tfcSessionBindInputHost(
            session, input.name.c_str(), input.dtype, input.array.data.data(),
            input.array.data.size()))
      return fail(lastError(status));

  if (options.poison)
    if (tfcStatus status = tfcSessionPoison(session, 0xFF))
      return fail(lastError(status));
  for (int i = 0; i < options.warmup; ++i)
    if (tfcStatus status = tfcSessionRun(session))
      return fail(lastError(status));
  std::vector<float> times(options.repeat);
  for (float &t : times)
    if (tfcStatus status = tfcSessionRunTimed(session, &t))
      return fail(lastError(status));
  std::sort(times.begin(), times.end());
  std::printf("latency: median %.4f ms, min %.4f ms, max %.4f ms over %d "
              "runs (%d warm-up, %s)\n",
              times[times.size() / 2], times.front(), times.back(),
              options.repeat, options.warmup,
              options.noGraph || graphDisabledByEnv() ? "no graph"
                                                      : "CUDA graph");

  if (options.profile)
    if (int status = printProfile(artifact, session))
      return status;
  if (!options.roofline.empty())
    if (int status = writeRoofline(artifact, session, options))
      return status;
  if (!options.outputDir.empty())
    return writeOutputs(artifact, session, options.outputDir);
  return 0;
}

/// --ranks N: the ranks' artifacts as one tensor-parallel group.
int runGroup(const Options &options) {
  std::vector<tfcArtifact *> artifacts;
  struct Releaser {
    std::vector<tfcArtifact *> &artifacts;
    tfcGroup *group = nullptr;
    ~Releaser() {
      tfcGroupRelease(group);
      for (tfcArtifact *a : artifacts)
        tfcArtifactRelease(a);
    }
  } releaser{artifacts};
  for (int r = 0; r < options.ranks; ++r) {
    tfcArtifact *artifact = nullptr;
    std::string path = forRank(options.model, r);
    if (tfcStatus status = tfcArtifactLoadFile(path.c_str(), &artifact))
      return fail("rank " + std::to_string(r) + ": " + lastError(status));
    artifacts.push_back(artifact);
  }
  if (options.inspect) {
    for (int r = 0; r < options.ranks; ++r) {
      std::printf("== rank %d: %s\n", r, forRank(options.model, r).c_str());
      std::fputs(tfcArtifactDescribe(artifacts[r]), stdout);
    }
    std::fflush(stdout);
    if (tfcStatus status =
            tfcGroupCheckArtifacts(artifacts.data(), options.ranks))
      return fail(lastError(status));
    std::printf("group: %d ranks agree (inputs, outputs, all-reduces); %s\n",
                options.ranks, tfcNcclVersion());
    return 0;
  }
  std::vector<HostInput> inputs;
  if (int status = readInputs(artifacts[0], options, inputs))
    return status;
  std::vector<Options> rankOptions(options.ranks, options);
  std::vector<std::vector<const char *>> files(options.ranks);
  std::vector<tfcSessionOptions> sessionOptions;
  for (int r = 0; r < options.ranks; ++r) {
    for (std::string &file : rankOptions[r].weightFiles)
      file = forRank(file, r);
    rankOptions[r].device = options.device + r;
  }
  for (int r = 0; r < options.ranks; ++r)
    sessionOptions.push_back(makeSessionOptions(rankOptions[r], files[r]));
  std::vector<const tfcSessionOptions *> optionPtrs;
  for (const tfcSessionOptions &o : sessionOptions)
    optionPtrs.push_back(&o);
  tfcGroup *group = nullptr;
  if (tfcStatus status = tfcGroupCreate(artifacts.data(), optionPtrs.data(),
                                        options.ranks, &group))
    return fail(lastError(status));
  releaser.group = group;
  std::printf("group: %d ranks, %s\n", options.ranks, tfcNcclVersion());
  for (int r = 0; r < options.ranks; ++r) {
    tfcSession *session = tfcGroupSession(group, r);
    std::printf("rank %d device: %s\n", r, tfcSessionDescribe(session));
    for (const HostInput &input : inputs)
      if (tfcStatus status = tfcSessionBindInputHost(
              session, input.name.c_str(), input.dtype,
              input.array.data.data(), input.array.data.size()))
        return fail("rank " + std::to_string(r) + ": " + lastError(status));
    if (options.poison)
      if (tfcStatus status = tfcSessionPoison(session, 0xFF))
        return fail("rank " + std::to_string(r) + ": " + lastError(status));
  }
  for (int i = 0; i < options.warmup; ++i)
    if (tfcStatus status = tfcGroupRun(group))
      return fail(lastError(status));
  std::vector<float> times, rankTimes(options.ranks);
  for (int i = 0; i < options.repeat; ++i) {
    if (tfcStatus status = tfcGroupRunTimed(group, rankTimes.data()))
      return fail(lastError(status));
    times.push_back(*std::max_element(rankTimes.begin(), rankTimes.end()));
  }
  std::sort(times.begin(), times.end());
  std::printf("latency: median %.4f ms, min %.4f ms, max %.4f ms over %d "
              "runs (%d warm-up, %d ranks, slowest rank, %s)\n",
              times[times.size() / 2], times.front(), times.back(),
              options.repeat, options.warmup, options.ranks,
              options.noGraph || graphDisabledByEnv() ? "no graph"
                                                      : "CUDA graph");
  if (!options.outputDir.empty())
    return writeOutputs(artifacts[0], tfcGroupSession(group, 0),
                        options.outputDir);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (int status = parseOptions(argc, argv, options); status >= 0)
    return status;
  if (options.ranks)
    return runGroup(options);

  tfcArtifact *artifact = nullptr;
  if (tfcStatus status = tfcArtifactLoadFile(options.model.c_str(), &artifact))
    return fail(lastError(status));
  int result = 0;
  if (options.inspect) {
    std::fputs(tfcArtifactDescribe(artifact), stdout);
    std::fflush(stdout);
    result = checkWeights(artifact, options);
  } else
    result = runModel(artifact, options);
  tfcArtifactRelease(artifact);
  return result;
}
