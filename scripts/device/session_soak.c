/*===- session_soak.c - One session, many runs, wrong inputs between ------===*
 *
 * Device check of the runtime's C API (scripts/device/robustness.sh):
 *   1. binds every input (zeros: valid token ids, finite floats), runs once
 *      and keeps the outputs as the reference;
 *   2. runs the session N times in a row; host RSS (/proc/self/statm) and
 *      free device memory (cuMemGetInfo) are sampled after a warm-up of 100
 *      runs and at the end, and must not grow by more than 1 MiB / at all;
 *   3. every N/10 runs, feeds wrong inputs (wrong dtype, byte size, name,
 *      NULL data, unregistered and NULL device pointers, wrong output size)
 *      and expects TFC_ERROR_INVALID_ARGUMENT for each, then rebinds the good
 *      input, runs, and expects outputs bit-identical to the reference.
 * Prints one line per phase; exits non-zero on any failure.
 *
 * Usage: session_soak ARTIFACT [N=10000]
 *
 *===----------------------------------------------------------------------===*/
#include "tfc/tfc_runtime.h"

#include <cuda.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define CHECK_OK(call)                                                         \
  do {                                                                         \
    tfcStatus s_ = (call);                                                     \
    if (s_ != TFC_OK) {                                                        \
      fprintf(stderr, "FAIL %s: %s: %s\n", #call, tfcStatusName(s_),          \
              tfcGetLastErrorMessage());                                       \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static void expectInvalid(tfcStatus status, const char *what) {
  if (status != TFC_ERROR_INVALID_ARGUMENT) {
    fprintf(stderr, "FAIL wrong input (%s): got %s, expected "
                    "TFC_ERROR_INVALID_ARGUMENT (%s)\n",
            what, tfcStatusName(status), tfcGetLastErrorMessage());
    ++failures;
  }
}

static long rssBytes(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (!f || fscanf(f, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  if (f)
    fclose(f);
  return resident * sysconf(_SC_PAGESIZE);
}

static size_t deviceFreeBytes(CUcontext ctx) {
  size_t freeBytes = 0, total = 0;
  cuCtxPushCurrent(ctx);
  if (cuMemGetInfo(&freeBytes, &total) != CUDA_SUCCESS)
    freeBytes = 0;
  cuCtxPopCurrent(NULL);
  return freeBytes;
}

typedef struct {
  tfcTensorInfo info;
  void *data;
} Buffer;

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: session_soak ARTIFACT [N]\n");
    return 2;
  }
  long runs = argc > 2 ? atol(argv[2]) : 10000;
  tfcArtifact *artifact;
  tfcSession *session;
  CHECK_OK(tfcArtifactLoadFile(argv[1], &artifact));
  CHECK_OK(tfcSessionCreate(artifact, NULL, &session));
  CUdevice device;
  CUcontext ctx;
  cuInit(0);
  cuDeviceGet(&device, 0);
  cuDevicePrimaryCtxRetain(&ctx, device);

  uint32_t nIn = tfcArtifactInputCount(artifact);
  uint32_t nOut = tfcArtifactOutputCount(artifact);
  Buffer *in = calloc(nIn, sizeof(Buffer));
  Buffer *ref = calloc(nOut, sizeof(Buffer));
  Buffer *out = calloc(nOut, sizeof(Buffer));
  for (uint32_t i = 0; i < nIn; ++i) {
    CHECK_OK(tfcArtifactGetInput(artifact, i, &in[i].info));
    in[i].data = calloc(1, in[i].info.byteSize + 1);
    CHECK_OK(tfcSessionBindInputHost(session, in[i].info.name,
                                     in[i].info.dtype, in[i].data,
                                     in[i].info.byteSize));
  }
  for (uint32_t i = 0; i < nOut; ++i) {
    CHECK_OK(tfcArtifactGetOutput(artifact, i, &ref[i].info));
    out[i].info = ref[i].info;
    ref[i].data = malloc(ref[i].info.byteSize + 1);
    out[i].data = malloc(ref[i].info.byteSize + 1);
  }
  CHECK_OK(tfcSessionRun(session));
  for (uint32_t i = 0; i < nOut; ++i)
    CHECK_OK(tfcSessionCopyOutputToHost(session, ref[i].info.name,
                                        ref[i].data, ref[i].info.byteSize));

  long rss0 = 0;
  size_t free0 = 0;
  int probes = 0;
  for (long r = 1; r <= runs; ++r) {
    CHECK_OK(tfcSessionRun(session));
    if (r == 100) {
      rss0 = rssBytes();
      free0 = deviceFreeBytes(ctx);
    }
    if (r % (runs / 10 > 0 ? runs / 10 : 1) != 0)
      continue;
    /* Wrong inputs, then the good ones again. */
    const Buffer *b = &in[0];
    uint32_t otherDtype = b->info.dtype == TFCM_DTYPE_F32 ? TFCM_DTYPE_I64
                                                          : TFCM_DTYPE_F32;
    expectInvalid(tfcSessionBindInputHost(session, b->info.name, otherDtype,
                                          b->data, b->info.byteSize),
                  "dtype");
    expectInvalid(tfcSessionBindInputHost(session, b->info.name,
                                          b->info.dtype, b->data,
                                          b->info.byteSize + 1),
                  "byte size + 1");
    expectInvalid(tfcSessionBindInputHost(session, b->info.name,
                                          b->info.dtype, b->data,
                                          b->info.byteSize / 2),
                  "byte size / 2");
    expectInvalid(tfcSessionBindInputHost(session, "no_such_input",
                                          b->info.dtype, b->data,
                                          b->info.byteSize),
                  "name");
    expectInvalid(tfcSessionBindInputHost(session, b->info.name,
                                          b->info.dtype, NULL,
                                          b->info.byteSize),
                  "NULL data");
    expectInvalid(tfcSessionBindInputDevice(session, b->info.name,
                                            b->info.dtype, 0,
                                            b->info.byteSize),
                  "NULL device pointer");
    expectInvalid(tfcSessionBindInputDevice(session, b->info.name,
                                            b->info.dtype,
                                            (tfcDevicePtr)(uintptr_t)b->data,
                                            b->info.byteSize),
                  "host pointer as device pointer");
    expectInvalid(tfcSessionBindOutputDevice(session, out[0].info.name,
                                             out[0].info.dtype, 0x1000,
                                             out[0].info.byteSize),
                  "unmapped output device pointer");
    expectInvalid(tfcSessionCopyOutputToHost(session, out[0].info.name,
                                             out[0].data,
                                             out[0].info.byteSize - 1),
                  "output byte size - 1");
    for (uint32_t i = 0; i < nIn; ++i)
      CHECK_OK(tfcSessionBindInputHost(session, in[i].info.name,
                                       in[i].info.dtype, in[i].data,
                                       in[i].info.byteSize));
    CHECK_OK(tfcSessionRun(session));
    for (uint32_t i = 0; i < nOut; ++i) {
      CHECK_OK(tfcSessionCopyOutputToHost(session, out[i].info.name,
                                          out[i].data, out[i].info.byteSize));
      if (memcmp(out[i].data, ref[i].data, out[i].info.byteSize) != 0) {
        fprintf(stderr, "FAIL run %ld: output '%s' differs from the first "
                        "run after wrong inputs\n",
                r, out[i].info.name);
        ++failures;
      }
    }
    ++probes;
  }
  long rss1 = rssBytes();
  size_t free1 = deviceFreeBytes(ctx);
  long rssGrowth = rss1 - rss0;
  long long deviceGrowth = (long long)free0 - (long long)free1;
  printf("soak %s: %ld runs, %d wrong-input probes (9 each), host RSS %.1f -> "
         "%.1f MiB (%+ld bytes), device free %.1f -> %.1f MiB (%+lld bytes "
         "used)\n",
         argv[1], runs, probes, rss0 / 1048576.0, rss1 / 1048576.0, rssGrowth,
         free0 / 1048576.0, free1 / 1048576.0, deviceGrowth);
  if (rssGrowth > (1 << 20)) {
    fprintf(stderr, "FAIL host RSS grew by %ld bytes\n", rssGrowth);
    ++failures;
  }
  if (deviceGrowth > 0) {
    fprintf(stderr, "FAIL device memory in use grew by %lld bytes\n",
            deviceGrowth);
    ++failures;
  }
  tfcSessionRelease(session);
  tfcArtifactRelease(artifact);
  cuDevicePrimaryCtxRelease(device);
  printf("%s\n", failures ? "soak: FAIL" : "soak: PASS");
  return failures ? 1 : 0;
}
