/*===- tfc/tfc_runtime.h - C API of the tfc runtime (libtfcrt) ------------===*
 *
 * Load and validate a .tfcm artifact, create a session on a CUDA device, bind
 * inputs, run the launch list (captured once into a CUDA graph, then
 * replayed) and read outputs. The boundary of the runtime is C so that Python
 * (ctypes), C and C++ callers all use the same entry points.
 *
 * Errors: every function that can fail returns a tfcStatus; on failure the
 * calling thread's last error message (tfcGetLastErrorMessage) says what went
 * wrong, naming the field, the CUDA driver call or the kernel involved.
 *
 * Loading an artifact validates every field and never touches the GPU, so it
 * works on machines without a GPU or CUDA driver. The CUDA driver
 * (libcuda.so.1) is opened on the first tfcSessionCreate.
 *
 * External weights are bound when a session is created (or when
 * tfcArtifactCheckWeights asks, without a GPU), not when the artifact is
 * loaded: from the files the artifact names (ONNX external data at an offset,
 * or a safetensors tensor by name), or from safetensors files given in the
 * session options, by tensor name.
 *
 * Threads: artifacts are immutable and may be shared between threads; a
 * session must be used by one thread at a time.
 *
 *===----------------------------------------------------------------------===*/
#ifndef TFC_TFC_RUNTIME_H
#define TFC_TFC_RUNTIME_H

#include "tfc/artifact_format.h"

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define TFC_API
#elif defined(TFC_RUNTIME_BUILDING_LIBRARY)
#define TFC_API __attribute__((visibility("default")))
#else
#define TFC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tfcStatus {
  TFC_OK = 0,
  TFC_ERROR_INVALID_ARGUMENT = 1, /* bad API use: null pointer, unknown name,
                                     wrong dtype or byte size, bad index */
  TFC_ERROR_IO = 2,               /* cannot read the artifact file */
  TFC_ERROR_TRUNCATED = 3,        /* file shorter than its header says */
  TFC_ERROR_BAD_MAGIC = 4,        /* not a .tfcm file */
  TFC_ERROR_UNSUPPORTED_VERSION =
      5,                          /* format version this runtime can't read */
  TFC_ERROR_CHECKSUM = 6,         /* content does not match its checksum */
  TFC_ERROR_INVALID_ARTIFACT = 7, /* a field is out of range or inconsistent */
  TFC_ERROR_EXTERNAL_WEIGHTS = 8, /* external weights file missing, short or
                                     corrupt; tensor missing, or of another
                                     dtype or shape */
  TFC_ERROR_CUDA_UNAVAILABLE = 9, /* no driver library, or no such device */
  TFC_ERROR_NO_COMPATIBLE_IMAGE = 10, /* no cubin/PTX in the artifact fits the
                                         device's arch */
  TFC_ERROR_CUDA = 11,                /* a CUDA driver call failed */
  TFC_ERROR_NOT_READY = 12,           /* e.g. run before every input is bound */
  TFC_ERROR_NCCL = 13, /* tensor parallelism: NCCL failed or is not built in,
                          or a rank of the group failed or timed out */
  /* Not a status: makes every int32 a value of the type, so that C++ code
     may hold any int a C caller passes (tfcStatusName) without UB. */
  TFC_STATUS_MAX_ENUM = 0x7fffffff
} tfcStatus;

/* "TFC_ERROR_CHECKSUM", ...; never NULL. */
TFC_API const char *tfcStatusName(tfcStatus status);

/* Message of the last failed call on this thread ("" if none). Valid until
   the next failing call on this thread. */
TFC_API const char *tfcGetLastErrorMessage(void);

/* Device pointers are CUdeviceptr values (64-bit). */
typedef uint64_t tfcDevicePtr;

/*--- Artifacts (no GPU needed) -------------------------------------------*/

typedef struct tfcArtifact tfcArtifact;

/* Reads and validates `path`. The artifact's external weight files are
   relative to the folder of `path`; they are opened at session creation. */
TFC_API tfcStatus tfcArtifactLoadFile(const char *path, tfcArtifact **out);

/* Validates `size` bytes at `data` (copied). The artifact's external weight
   files are relative to `baseDir` (NULL: the current working directory). */
TFC_API tfcStatus tfcArtifactLoadMemory(const void *data, size_t size,
                                        const char *baseDir, tfcArtifact **out);

/* Drops the caller's reference; sessions keep their own. NULL is ignored. */
TFC_API void tfcArtifactRelease(tfcArtifact *artifact);

/* The arch the artifact was compiled for, e.g. "sm_90a". */
TFC_API const char *tfcArtifactTargetArch(const tfcArtifact *artifact);

TFC_API uint32_t tfcArtifactInputCount(const tfcArtifact *artifact);
TFC_API uint32_t tfcArtifactOutputCount(const tfcArtifact *artifact);
TFC_API uint32_t tfcArtifactWeightCount(const tfcArtifact *artifact);
TFC_API uint32_t tfcArtifactLaunchCount(const tfcArtifact *artifact);

/* Describes an input or output; pointers stay valid while the artifact
   lives. */
typedef struct tfcTensorInfo {
  const char *name;
  uint32_t dtype; /* tfcmDType */
  uint32_t rank;
  const int64_t *shape; /* `rank` dims */
  uint64_t byteSize;
} tfcTensorInfo;

TFC_API tfcStatus tfcArtifactGetInput(const tfcArtifact *artifact,
                                      uint32_t index, tfcTensorInfo *info);
TFC_API tfcStatus tfcArtifactGetOutput(const tfcArtifact *artifact,
                                       uint32_t index, tfcTensorInfo *info);
TFC_API tfcStatus tfcArtifactFindInput(const tfcArtifact *artifact,
                                       const char *name, uint32_t *index);
TFC_API tfcStatus tfcArtifactFindOutput(const tfcArtifact *artifact,
                                        const char *name, uint32_t *index);

/* Describes a weight; pointers stay valid while the artifact lives. */
typedef struct tfcWeightInfo {
  tfcTensorInfo tensor;
  uint32_t storage; /* tfcmWeightStorage: inline, external (raw bytes at
                       dataOffset of externalPath) or safetensors */
  uint32_t reserved;
  const char *externalPath; /* as stored: relative to the artifact; "" for
                               inline weights */
  const char *externalName; /* tensor name that a safetensors file binds */
  uint64_t dataOffset;      /* inline: into the artifact's weight data;
                               external: into externalPath; safetensors: 0 */
} tfcWeightInfo;

TFC_API tfcStatus tfcArtifactGetWeight(const tfcArtifact *artifact,
                                       uint32_t index, tfcWeightInfo *info);

/* Kernel name of launch `index`, "memcpy" for a copy, NULL if out of range. */
TFC_API const char *tfcArtifactLaunchName(const tfcArtifact *artifact,
                                          uint32_t index);

/* The compiler's prediction for launch `index` (artifact format version 6):
   kernel family and name, minimum HBM bytes and FLOPs, for roofline
   reports. All zero with "" strings when the artifact or launch has none
   (older artifacts, copies, all-reduces). Strings stay valid while the
   artifact lives. */
typedef struct tfcLaunchCost {
  const char *family; /* fusion kind ("matmul", ...); "": no prediction */
  const char *name;   /* the ONNX node the kernel is named after, or "" */
  uint64_t hbmBytes;
  uint64_t vectorFlops; /* on CUDA cores */
  uint64_t matrixFlops; /* on tensor cores */
  uint32_t matrixDtype; /* tfcmDType of the matrix work; 0 if none */
  uint32_t reserved;
} tfcLaunchCost;

TFC_API tfcStatus tfcArtifactGetLaunchCost(const tfcArtifact *artifact,
                                           uint32_t index,
                                           tfcLaunchCost *cost);

/* Human-readable listing of everything in the artifact (what
   `tfc-run --inspect` prints); owned by the artifact. */
TFC_API const char *tfcArtifactDescribe(const tfcArtifact *artifact);

/*--- Sessions (need a GPU) -----------------------------------------------*/

typedef struct tfcSession tfcSession;

/* Launch one by one instead of capturing a CUDA graph (also: env
   TFC_NO_GRAPH=1). */
#define TFC_SESSION_NO_GRAPH 1u

/* Zero-initialize, then set what you need ({0} is device 0, graph on, the
   artifact's own weight files). */
typedef struct tfcSessionOptions {
  int32_t device; /* CUDA device ordinal */
  uint32_t flags; /* TFC_SESSION_* */
  /* Safetensors files that every external weight is bound from, by tensor
     name (the weight's external name), instead of the files the artifact
     names; a name in two files is an error. NULL or count 0: the artifact's
     own files. */
  const char *const *weightFiles;
  uint32_t weightFileCount;
  uint32_t reserved; /* 0 */
  /* Folder the artifact's own external weight paths are resolved against;
     NULL: the artifact file's folder (tfcArtifactLoadMemory: its baseDir). */
  const char *weightsDir;
} tfcSessionOptions;

/* Binds every external weight as tfcSessionCreate would with `options` (NULL:
   the artifact's own files) and checks it without a GPU: the file exists and
   holds the bytes; a safetensors header is valid and holds the tensor with
   the weight's dtype and shape. TFC_ERROR_EXTERNAL_WEIGHTS names the weight
   and the file otherwise. */
TFC_API tfcStatus tfcArtifactCheckWeights(const tfcArtifact *artifact,
                                          const tfcSessionOptions *options);

/* Creates a session: external weights bound (as tfcArtifactCheckWeights;
   before the GPU is touched), primary context of the device, one stream,
   modules (cubin for the device's arch, else PTX JIT), arena, weights
   uploaded once, device buffers for inputs and outputs. `options` may be
   NULL (device 0, graph on, the artifact's weight files). The session keeps
   the artifact alive. */
TFC_API tfcStatus tfcSessionCreate(const tfcArtifact *artifact,
                                   const tfcSessionOptions *options,
                                   tfcSession **out);
TFC_API void tfcSessionRelease(tfcSession *session);

/* e.g. "NVIDIA H100 80GB HBM3 (sm_90, 132 SMs); module 'main': cubin sm_90a".
   Owned by the session. */
TFC_API const char *tfcSessionDescribe(const tfcSession *session);

/* Copies `bytes` bytes from host memory into the session's buffer of input
   `name` now. `dtype` and `bytes` must match the artifact's input. */
TFC_API tfcStatus tfcSessionBindInputHost(tfcSession *session, const char *name,
                                          uint32_t dtype, const void *data,
                                          size_t bytes);

/* Makes input `name` read directly from caller-owned device memory (same
   device, primary context) on later runs; no copy. The memory must stay
   valid while bound. Rebinding to another pointer re-captures the graph. */
TFC_API tfcStatus tfcSessionBindInputDevice(tfcSession *session,
                                            const char *name, uint32_t dtype,
                                            tfcDevicePtr ptr, size_t bytes);

/* Makes output `name` be written into caller-owned device memory. */
TFC_API tfcStatus tfcSessionBindOutputDevice(tfcSession *session,
                                             const char *name, uint32_t dtype,
                                             tfcDevicePtr ptr, size_t bytes);

/* Runs the launch list once and waits for it. Every input must have been
   bound. The first run captures a CUDA graph, later runs replay it. */
TFC_API tfcStatus tfcSessionRun(tfcSession *session);

/* As tfcSessionRun; also returns the run's GPU time (CUDA events on the
   session's stream around the whole run). */
TFC_API tfcStatus tfcSessionRunTimed(tfcSession *session, float *milliseconds);

/* Runs the launch list one launch at a time (no graph) with CUDA events
   around each launch; fills `launchMilliseconds[i]` for launch i.
   `count` must equal tfcArtifactLaunchCount. */
TFC_API tfcStatus tfcSessionRunProfiled(tfcSession *session,
                                        float *launchMilliseconds,
                                        size_t count);

/* Fills every output buffer and the arena with `byte` (0xFF: every float is
   NaN), so that an element no kernel writes is visible after the next run. */
TFC_API tfcStatus tfcSessionPoison(tfcSession *session, uint8_t byte);

/* Copies output `name` to host memory; `bytes` must equal its byte size. */
TFC_API tfcStatus tfcSessionCopyOutputToHost(tfcSession *session,
                                             const char *name, void *data,
                                             size_t bytes);

/* Device address of an input's or output's current buffer (the session's
   own, or the caller's bound one). */
TFC_API tfcStatus tfcSessionGetInputDevicePtr(const tfcSession *session,
                                              const char *name,
                                              tfcDevicePtr *ptr);
TFC_API tfcStatus tfcSessionGetOutputDevicePtr(const tfcSession *session,
                                               const char *name,
                                               tfcDevicePtr *ptr);

/*--- Tensor parallelism (one thread per GPU, NCCL) -----------------------*/

/* The ranks of a tensor-parallel group: artifact r compiled with
   tfc-compile tensor-parallel=N rank=r, each run by a session on its own GPU
   in this process, one thread per GPU, with one NCCL communicator per GPU
   (ncclCommInitAll). The all-reduces run on the sessions' streams, inside
   their CUDA graphs. */
typedef struct tfcGroup tfcGroup;

/* Checks without a GPU that artifacts[r] is rank r of a group of `ranks`
   and that all ranks agree on inputs, outputs and all-reduces. */
TFC_API tfcStatus tfcGroupCheckArtifacts(const tfcArtifact *const *artifacts,
                                         uint32_t ranks);

/* Checks the artifacts, creates rank r's session with options[r] (NULL
   options, or a NULL entry: device r, CUDA graph on, the artifact's own
   weight files), then the NCCL communicators. An error names the rank that
   failed ("rank 1 (device 1): ..."). TFC_ERROR_NCCL when the runtime was
   built without NCCL. */
TFC_API tfcStatus tfcGroupCreate(const tfcArtifact *const *artifacts,
                                 const tfcSessionOptions *const *options,
                                 uint32_t ranks, tfcGroup **out);
TFC_API void tfcGroupRelease(tfcGroup *group);
TFC_API uint32_t tfcGroupSize(const tfcGroup *group);

/* The session of rank `rank` (owned by the group): bind its inputs and read
   its outputs with the tfcSession* calls. Every rank needs the same inputs;
   every rank's outputs are the whole (replicated) outputs. NULL when `rank`
   is out of range. */
TFC_API tfcSession *tfcGroupSession(tfcGroup *group, uint32_t rank);

/* Runs every rank once, one thread per GPU, and waits for all of them, at
   most TFC_COLLECTIVE_TIMEOUT_S seconds (default 300). When a rank fails,
   NCCL reports an error or the time is up, the communicators are aborted
   (no rank is left waiting), the error names the rank, and the group can no
   longer run. `milliseconds` (tfcGroupRunTimed; may be NULL) gets each
   rank's GPU time, tfcGroupSize entries. */
TFC_API tfcStatus tfcGroupRun(tfcGroup *group);
TFC_API tfcStatus tfcGroupRunTimed(tfcGroup *group, float *milliseconds);

/* "NCCL 2.28.9", or why this runtime has no NCCL. */
TFC_API const char *tfcNcclVersion(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TFC_TFC_RUNTIME_H */
