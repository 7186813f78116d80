//===- SmokeTest.cpp - End-to-end check of libtfcrt on a real GPU ---------===//
//
// Builds artifacts in memory around the hand-written PTX of kernels.ptx
// (vadd and axpb; cubins from ptxas too when the build found it), runs them
// through the C API with and without a CUDA graph, profiled, with host and
// device bindings, with weights inline, in a raw file beside the artifact, in
// a safetensors file beside it, and in a safetensors file given at session
// creation, and checks every number. Also checks the GPU-side errors:
// no image for the device, a missing kernel, bad PTX, a parameter count
// mismatch, too much shared memory, a bad binding between good runs.
// Built with TFC_RUNTIME_GPU_TESTS=ON; needs no GoogleTest. Exit 0 = pass.
//
//===----------------------------------------------------------------------===//

#include "tfc/ArtifactWriter.h"
#include "tfc/tfc_runtime.h"

#include <cuda.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace tfc::artifact;

namespace {

int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,    \
                   #cond);                                                     \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

#define CHECK_OK(call)                                                         \
  do {                                                                         \
    tfcStatus checkStatus = (call);                                            \
    if (checkStatus != TFC_OK) {                                               \
      std::fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call, \
                   tfcStatusName(checkStatus), tfcGetLastErrorMessage());      \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/// `call` must fail with `expected` and a message containing `needle`.
#define CHECK_ERROR(expected, needle, call)                                    \
  do {                                                                         \
    tfcStatus checkStatus = (call);                                            \
    const char *message = tfcGetLastErrorMessage();                            \
    if (checkStatus != (expected) || !std::strstr(message, needle)) {          \
      std::fprintf(stderr, "%s:%d: %s -> %s: '%s'; expected %s with '%s'\n",   \
                   __FILE__, __LINE__, #call, tfcStatusName(checkStatus),      \
                   message, tfcStatusName(expected), needle);                  \
      ++failures;                                                              \
    } else {                                                                   \
      std::printf("  expected error: %s\n", message);                          \
    }                                                                          \
  } while (0)

#define CU_CHECK(call)                                                         \
  do {                                                                         \
    CUresult cuResult = (call);                                                \
    if (cuResult != CUDA_SUCCESS) {                                            \
      std::fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__, __LINE__,       \
                   #call, int(cuResult));                                      \
      std::exit(1);                                                            \
    }                                                                          \
  } while (0)

constexpr int64_t n = 1000;
constexpr size_t bytes = n * sizeof(float);
constexpr uint32_t blockSize = 256;
constexpr uint64_t externalOffset = 256;

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::string floatBytes(const std::vector<float> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float));
}

std::vector<float> weightValues() {
  std::vector<float> w(n);
  for (int64_t i = 0; i < n; ++i)
    w[i] = float(i % 7);
  return w;
}

/// A safetensors file holding one f32 tensor `name` of `values`.
std::string safetensorsFile(const std::string &name,
                            const std::vector<float> &values) {
  std::string json = "{\"__metadata__\":{\"format\":\"pt\"},\"" + name +
                     "\":{\"dtype\":\"F32\",\"shape\":[" +
                     std::to_string(values.size()) +
                     "],\"data_offsets\":[0," +
                     std::to_string(values.size() * sizeof(float)) + "]}}";
  json.resize((json.size() + 7) / 8 * 8, ' ');
  uint64_t length = json.size();
  return std::string(reinterpret_cast<const char *>(&length), 8) + json +
         floatBytes(values);
}

enum class WeightPlace { Inline, RawFile, SafetensorsFile };

struct ArtifactOptions {
  WeightPlace weight = WeightPlace::Inline;
  std::vector<ModuleImage> extraImages; ///< e.g. cubins
  bool ptx = true;
  std::string vaddName = "vadd";
  bool dropLastVaddArg = false;
  uint32_t sharedMemBytes = 0;
};

/// y = 2 * (a + b) + w through the arena; w_copy = memcpy of the weight.
ArtifactWriter makeWriter(const std::string &ptx, const ArtifactOptions &o) {
  ArtifactWriter w("sm_80");
  w.setArena(bytes);
  uint32_t module = w.addModule("smoke");
  if (o.ptx)
    w.addModuleImage(module, "sm_80", ImageFormat::Ptx, ptx);
  for (const ModuleImage &image : o.extraImages)
    w.addModuleImage(module, image.arch, image.format, image.data);
  uint32_t vadd = w.addKernel(o.vaddName, module);
  uint32_t axpb = w.addKernel("axpb", module);
  uint32_t a = w.addInput("a", DType::F32, {n});
  uint32_t b = w.addInput("b", DType::F32, {n});
  uint32_t y = w.addOutput("y", DType::F32, {n});
  uint32_t wCopy = w.addOutput("w_copy", DType::F32, {n});
  uint32_t weight =
      o.weight == WeightPlace::RawFile
          ? w.addExternalWeight("w", DType::F32, {n}, "w.bin", "w",
                                externalOffset)
      : o.weight == WeightPlace::SafetensorsFile
          ? w.addSafetensorsWeight("w", DType::F32, {n}, "w.safetensors",
                                   "model.w")
          : w.addInlineWeight("w", DType::F32, {n}, floatBytes(weightValues()));
  Dim3 grid{uint32_t((n + blockSize - 1) / blockSize), 1, 1};
  Dim3 block{blockSize, 1, 1};
  std::vector<KernelArg> vaddArgs = {
      KernelArg::buffer(BufferRef::input(a)),
      KernelArg::buffer(BufferRef::input(b)),
      KernelArg::buffer(BufferRef::arena(0, bytes)),
      KernelArg::i32(int32_t(n))};
  if (o.dropLastVaddArg)
    vaddArgs.pop_back();
  w.addKernelLaunch(vadd, grid, block, o.sharedMemBytes, vaddArgs);
  w.addKernelLaunch(axpb, grid, block, 0,
                    {KernelArg::buffer(BufferRef::arena(0, bytes)),
                     KernelArg::buffer(BufferRef::weight(weight)),
                     KernelArg::buffer(BufferRef::output(y)),
                     KernelArg::f32(2.0f), KernelArg::i64(n)});
  w.addCopy(BufferRef::weight(weight), BufferRef::output(wCopy), bytes);
  return w;
}

tfcArtifact *loadArtifact(const ArtifactWriter &writer) {
  std::string data = writer.serialize();
  tfcArtifact *artifact = nullptr;
  CHECK_OK(tfcArtifactLoadMemory(data.data(), data.size(), nullptr, &artifact));
  return artifact;
}

std::vector<float> inputA(float shift) {
  std::vector<float> a(n);
  for (int64_t i = 0; i < n; ++i)
    a[i] = float(i) * 0.5f + shift;
  return a;
}

std::vector<float> inputB() {
  std::vector<float> b(n);
  for (int64_t i = 0; i < n; ++i)
    b[i] = 1.0f - float(i);
  return b;
}

bool expectResult(tfcSession *session, const std::vector<float> &a,
                  const std::vector<float> &b, const char *what) {
  std::vector<float> y(n), wCopy(n);
  CHECK_OK(tfcSessionCopyOutputToHost(session, "y", y.data(), bytes));
  CHECK_OK(tfcSessionCopyOutputToHost(session, "w_copy", wCopy.data(), bytes));
  std::vector<float> w = weightValues();
  int bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    float expected = 2.0f * (a[i] + b[i]) + w[i];
    if (std::fabs(y[i] - expected) > 1e-5f * std::fabs(expected) + 1e-6f ||
        wCopy[i] != w[i]) {
      if (bad++ < 5)
        std::fprintf(stderr,
                     "%s: y[%ld] = %g, expected %g; w_copy = %g vs %g\n", what,
                     long(i), y[i], expected, wCopy[i], w[i]);
    }
  }
  if (bad)
    ++failures;
  std::printf("  %s: %s\n", what, bad ? "WRONG" : "ok");
  return bad == 0;
}

/// The main scenario: host bindings, replay with new data, timing,
/// profiling, bad bindings between good runs, device bindings.
void runScenario(const char *label, tfcArtifact *artifact, uint32_t flags,
                 const char *weightsFile = nullptr) {
  std::printf("scenario: %s\n", label);
  tfcSessionOptions options{};
  options.flags = flags;
  if (weightsFile) {
    options.weightFiles = &weightsFile;
    options.weightFileCount = 1;
  }
  tfcSession *session = nullptr;
  CHECK_OK(tfcSessionCreate(artifact, &options, &session));
  if (!session)
    return;
  std::printf("  device: %s\n", tfcSessionDescribe(session));

  CHECK_ERROR(TFC_ERROR_NOT_READY, "input 'a' is not bound",
              tfcSessionRun(session));

  std::vector<float> a = inputA(0), b = inputB();
  CHECK_OK(
      tfcSessionBindInputHost(session, "a", TFCM_DTYPE_F32, a.data(), bytes));
  CHECK_OK(
      tfcSessionBindInputHost(session, "b", TFCM_DTYPE_F32, b.data(), bytes));
  CHECK_OK(tfcSessionRun(session));
  expectResult(session, a, b, "first run");

  // Replay with new input data.
  a = inputA(3.25f);
  CHECK_OK(
      tfcSessionBindInputHost(session, "a", TFCM_DTYPE_F32, a.data(), bytes));
  CHECK_OK(tfcSessionRun(session));
  expectResult(session, a, b, "second run, new input");

  // Bad bindings leave the session as it was.
  std::vector<float> wrong(n, 100.0f);
  CHECK_ERROR(TFC_ERROR_INVALID_ARGUMENT, "input 'a' is f32, not i32",
              tfcSessionBindInputHost(session, "a", TFCM_DTYPE_I32,
                                      wrong.data(), bytes));
  CHECK_ERROR(TFC_ERROR_INVALID_ARGUMENT, "has 4000 bytes; got 3996",
              tfcSessionBindInputHost(session, "a", TFCM_DTYPE_F32,
                                      wrong.data(), bytes - 4));
  CHECK_ERROR(TFC_ERROR_INVALID_ARGUMENT, "no input named 'c'",
              tfcSessionBindInputHost(session, "c", TFCM_DTYPE_F32,
                                      wrong.data(), bytes));
  CHECK_ERROR(TFC_ERROR_INVALID_ARGUMENT, "dtype 77 is not a tfcmDType",
              tfcSessionBindInputHost(session, "a", 77, wrong.data(), bytes));
  CHECK_OK(tfcSessionRun(session));
  expectResult(session, a, b, "run after bad bindings");

  float ms = -1;
  CHECK_OK(tfcSessionRunTimed(session, &ms));
  CHECK(ms > 0);
  std::printf("  timed run: %.4f ms\n", ms);
  std::vector<float> launchMs(tfcArtifactLaunchCount(artifact), -1);
  CHECK_OK(tfcSessionRunProfiled(session, launchMs.data(), launchMs.size()));
  for (size_t i = 0; i < launchMs.size(); ++i) {
    CHECK(launchMs[i] >= 0);
    std::printf("  launch %zu (%s): %.4f ms\n", i,
                tfcArtifactLaunchName(artifact, i), launchMs[i]);
  }
  CHECK_ERROR(TFC_ERROR_INVALID_ARGUMENT, "expected room for 3",
              tfcSessionRunProfiled(session, launchMs.data(), 2));
  expectResult(session, a, b, "profiled run");

  // Device bindings: the session's primary context is current here too.
  CUdeviceptr dA = 0, dY = 0, dSmall = 0;
  CU_CHECK(cuMemAlloc(&dA, bytes));
  CU_CHECK(cuMemAlloc(&dY, bytes));
  CU_CHECK(cuMemAlloc(&dSmall, 16));
  std::vector<float> deviceA = inputA(-7.5f);
  CU_CHECK(cuMemcpyHtoD(dA, deviceA.data(), bytes));
  CHECK_OK(tfcSessionBindInputDevice(session, "a", TFCM_DTYPE_F32, dA, bytes));
  CHECK_OK(tfcSessionBindOutputDevice(session, "y", TFCM_DTYPE_F32, dY, bytes));
  tfcDevicePtr reported = 0;
  CHECK_OK(tfcSessionGetOutputDevicePtr(session, "y", &reported));
  CHECK(reported == dY);
  CHECK_ERROR(
      TFC_ERROR_INVALID_ARGUMENT, "run past the end of its allocation",
      tfcSessionBindInputDevice(session, "b", TFCM_DTYPE_F32, dSmall, bytes));
  CHECK_OK(tfcSessionRun(session));
  expectResult(session, deviceA, b, "device-bound input and output");
  std::vector<float> yDirect(n);
  CU_CHECK(cuMemcpyDtoH(yDirect.data(), dY, bytes));
  CHECK(yDirect[10] == 2.0f * (deviceA[10] + b[10]) + float(10 % 7));

  // Back to the session's own buffer for 'a'.
  CHECK_OK(
      tfcSessionBindInputHost(session, "a", TFCM_DTYPE_F32, a.data(), bytes));
  CHECK_OK(tfcSessionRun(session));
  expectResult(session, a, b, "host input again");

  tfcSessionRelease(session);
  CU_CHECK(cuMemFree(dA));
  CU_CHECK(cuMemFree(dY));
  CU_CHECK(cuMemFree(dSmall));
}

void expectCreateError(const char *label, const ArtifactWriter &writer,
                       tfcStatus expected, const char *needle) {
  std::printf("scenario: %s\n", label);
  tfcArtifact *artifact = loadArtifact(writer);
  if (!artifact)
    return;
  tfcSession *session = nullptr;
  CHECK_ERROR(expected, needle, tfcSessionCreate(artifact, nullptr, &session));
  CHECK(session == nullptr);
  tfcSessionRelease(session);
  tfcArtifactRelease(artifact);
}

std::string makeTempDir() {
  char pattern[] = "/tmp/tfc-smoke-XXXXXX";
  char *dir = ::mkdtemp(pattern);
  return dir ? dir : "/tmp";
}

} // namespace

int main() {
  std::string ptx = readFile(TFC_SMOKE_PTX_PATH);
  if (ptx.empty()) {
    std::fprintf(stderr, "cannot read %s\n", TFC_SMOKE_PTX_PATH);
    return 1;
  }
  CU_CHECK(cuInit(0));
  CUdevice device;
  CU_CHECK(cuDeviceGet(&device, 0));
  CUcontext context;
  CU_CHECK(cuDevicePrimaryCtxRetain(&context, device));
  CU_CHECK(cuCtxSetCurrent(context));
  int major = 0, minor = 0;
  CU_CHECK(cuDeviceGetAttribute(
      &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
  CU_CHECK(cuDeviceGetAttribute(
      &minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
  std::printf("device compute capability %d.%d\n", major, minor);

  // PTX JIT, with and without a graph.
  tfcArtifact *artifact = loadArtifact(makeWriter(ptx, {}));
  if (artifact) {
    runScenario("ptx, graph", artifact, 0);
    runScenario("ptx, no graph (flag)", artifact, TFC_SESSION_NO_GRAPH);
    ::setenv("TFC_NO_GRAPH", "1", 1);
    runScenario("ptx, no graph (TFC_NO_GRAPH=1)", artifact, 0);
    ::unsetenv("TFC_NO_GRAPH");
    tfcArtifactRelease(artifact);
  }

  // Cubins from ptxas, when the build produced them: the one for the
  // device's arch must be chosen over the PTX.
  std::string cubin80 = readFile(TFC_SMOKE_CUBIN_SM80_PATH);
  std::string cubin90a = readFile(TFC_SMOKE_CUBIN_SM90A_PATH);
  if (!cubin80.empty() && !cubin90a.empty()) {
    ArtifactOptions o;
    o.extraImages = {{"sm_80", ImageFormat::Cubin, cubin80},
                     {"sm_90a", ImageFormat::Cubin, cubin90a}};
    artifact = loadArtifact(makeWriter(ptx, o));
    tfcSession *session = nullptr;
    CHECK_OK(tfcSessionCreate(artifact, nullptr, &session));
    if (session) {
      const char *description = tfcSessionDescribe(session);
      bool cubinExpected = (major == 9 && minor == 0) || major == 8;
      if (cubinExpected)
        CHECK(std::strstr(description, "cubin") != nullptr);
      std::printf("  cubin artifact: %s\n", description);
      tfcSessionRelease(session);
    }
    runScenario("cubin, graph", artifact, 0);
    tfcArtifactRelease(artifact);
  } else {
    std::printf("scenario: cubin skipped (the build found no ptxas)\n");
  }

  // External weights: raw bytes at an offset of a file beside the artifact
  // (ONNX external data), a safetensors tensor beside it, and a safetensors
  // file given at session creation instead of the artifact's file.
  {
    std::string dir = makeTempDir();
    std::vector<float> w = weightValues();
    std::string file(externalOffset, '\0');
    file += floatBytes(w);
    std::ofstream(dir + "/w.bin", std::ios::binary) << file;
    std::ofstream(dir + "/w.safetensors", std::ios::binary)
        << safetensorsFile("model.w", w);
    std::string given = dir + "/given.safetensors";
    std::ofstream(given, std::ios::binary) << safetensorsFile("w", w);
    for (WeightPlace place : {WeightPlace::RawFile, WeightPlace::SafetensorsFile}) {
      ArtifactOptions o;
      o.weight = place;
      std::string error;
      std::string path = dir + "/model.tfcm";
      CHECK(makeWriter(ptx, o).writeFile(path, error));
      tfcArtifact *external = nullptr;
      CHECK_OK(tfcArtifactLoadFile(path.c_str(), &external));
      if (!external)
        continue;
      if (place == WeightPlace::RawFile) {
        runScenario("external weights, raw file", external, 0);
        runScenario("external weights, safetensors given at load", external,
                    0, given.c_str());
        // A given file of the wrong shape is refused before the GPU.
        std::string wrong = dir + "/wrong.safetensors";
        std::ofstream(wrong, std::ios::binary)
            << safetensorsFile("w", std::vector<float>(n + 1, 0.0f));
        const char *wrongFile = wrong.c_str();
        tfcSessionOptions options{};
        options.weightFiles = &wrongFile;
        options.weightFileCount = 1;
        tfcSession *session = nullptr;
        CHECK_ERROR(TFC_ERROR_EXTERNAL_WEIGHTS,
                    "has shape [1001]; the artifact needs [1000]",
                    tfcSessionCreate(external, &options, &session));
        CHECK(session == nullptr);
      } else {
        runScenario("external weights, safetensors beside the artifact",
                    external, 0);
      }
      tfcArtifactRelease(external);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // Errors that only the GPU side can see.
  {
    ArtifactOptions o;
    o.ptx = false;
    std::string fakeCubin = "\x7f"
                            "ELF and nothing else";
    o.extraImages = {{"sm_52", ImageFormat::Cubin, fakeCubin}};
    expectCreateError("no image for the device", makeWriter(ptx, o),
                      TFC_ERROR_NO_COMPATIBLE_IMAGE,
                      "has cubin for sm_52 and no PTX; device is sm_");
  }
  {
    ArtifactOptions o;
    o.vaddName = "no_such_kernel";
    expectCreateError("missing kernel", makeWriter(ptx, o), TFC_ERROR_CUDA,
                      "cuModuleGetFunction failed for kernel 'no_such_kernel'");
  }
  expectCreateError(
      "bad PTX", makeWriter(".version 7.0\n.target sm_80\nbogus;\n", {}),
      TFC_ERROR_CUDA, "cuModuleLoadDataEx failed for module 'smoke'");
  {
    ArtifactOptions o;
    o.sharedMemBytes = 1u << 20;
    expectCreateError("too much shared memory", makeWriter(ptx, o),
                      TFC_ERROR_INVALID_ARTIFACT, "bytes of shared memory");
  }
  {
    // Needs cuFuncGetParamInfo (drivers from CUDA 12.4); never launched.
    ArtifactOptions o;
    o.dropLastVaddArg = true;
    std::printf("scenario: parameter count mismatch\n");
    tfcArtifact *bad = loadArtifact(makeWriter(ptx, o));
    tfcSession *session = nullptr;
    tfcStatus status = tfcSessionCreate(bad, nullptr, &session);
    if (status == TFC_OK) {
      std::printf("  not detected (driver without cuFuncGetParamInfo)\n");
      tfcSessionRelease(session);
    } else {
      CHECK(status == TFC_ERROR_INVALID_ARTIFACT);
      CHECK(std::strstr(tfcGetLastErrorMessage(), "passes 3 arguments"));
      std::printf("  expected error: %s\n", tfcGetLastErrorMessage());
    }
    tfcArtifactRelease(bad);
  }

  cuDevicePrimaryCtxRelease(device);
  std::printf("%s (%d failures)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
