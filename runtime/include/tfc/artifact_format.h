/*===- tfc/artifact_format.h - The .tfcm artifact format, version 6 -------===*
 *
 * The one definition of the binary contract between the tfc compiler (which
 * writes artifacts with ArtifactWriter.h) and the runtime (which reads and
 * validates them). Plain C so that both C and C++ can include it and so that
 * it needs nothing but the C standard headers. docs/artifact-format.md
 * describes the same layout byte by byte.
 *
 * All integers are little-endian. Every record struct below is laid out with
 * explicit padding so that its in-memory layout on a little-endian host equals
 * its file layout; the sizes are checked by static assertions.
 *
 *===----------------------------------------------------------------------===*/
#ifndef TFC_ARTIFACT_FORMAT_H
#define TFC_ARTIFACT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define TFCM_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
extern "C" {
#else
#define TFCM_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/*--- Constants -----------------------------------------------------------*/

#define TFCM_MAGIC "TFCM"
#define TFCM_MAGIC_SIZE 4u
/* The newest version the writer produces; the reader accepts every version
   from TFCM_MIN_FORMAT_VERSION up to it (version 2 added safetensors
   weights, version 3 weights converted at load: tfcmWeight.sourceDtype,
   version 4 tensor parallelism: tfcmMeta.tensorParallel and all-reduce
   launches, version 5 TMA descriptor arguments: TFCM_ARG_TENSOR_MAP,
   version 6 the LAUNCH_COSTS section: the compiler's predicted bytes and
   FLOPs of every launch, for roofline reports).
   The writer writes the oldest version that holds what the artifact needs
   (3 only when a weight is converted at load), so older runtimes still read
   the rest. */
#define TFCM_FORMAT_VERSION 6u
#define TFCM_MIN_FORMAT_VERSION 1u
/* Fixed header; the section table follows it immediately. */
#define TFCM_HEADER_SIZE 32u
/* Every section starts at a multiple of this (WEIGHT_DATA: 256). */
#define TFCM_SECTION_ALIGNMENT 8u
/* Inline weight blobs: the WEIGHT_DATA section and every blob offset in it. */
#define TFCM_WEIGHT_ALIGNMENT 256u
#define TFCM_DEFAULT_ARENA_ALIGNMENT 256u
#define TFCM_MAX_ARENA_ALIGNMENT 65536u
#define TFCM_MAX_RANK 16u
/* 512 arguments of 8 bytes fill CUDA's classic 4 KiB parameter space. */
#define TFCM_MAX_KERNEL_ARGS 512u
/* CUDA limits that hold on every architecture the runtime supports. */
#define TFCM_MAX_BLOCK_THREADS 1024u
#define TFCM_MAX_BLOCK_DIM_XY 1024u
#define TFCM_MAX_BLOCK_DIM_Z 64u
#define TFCM_MAX_GRID_DIM_X 2147483647u
#define TFCM_MAX_GRID_DIM_YZ 65535u

/* FNV-1a 64 over bytes [TFCM_HEADER_SIZE, fileSize). */
#define TFCM_FNV1A64_OFFSET_BASIS 0xcbf29ce484222325ull
#define TFCM_FNV1A64_PRIME 0x100000001b3ull

/*--- Enumerations (stored as uint32; 0 is never valid) ------------------*/

/* Sections, in the order of the section table and of the file. */
typedef enum tfcmSectionKind {
  TFCM_SECTION_META = 0,     /* one tfcmMeta */
  TFCM_SECTION_STRINGS = 1,  /* bytes of all names; tfcmStringRef points in */
  TFCM_SECTION_MODULES = 2,  /* tfcmModule[] */
  TFCM_SECTION_IMAGES = 3,   /* tfcmImage[] */
  TFCM_SECTION_KERNELS = 4,  /* tfcmKernel[] */
  TFCM_SECTION_INPUTS = 5,   /* tfcmTensor[] */
  TFCM_SECTION_OUTPUTS = 6,  /* tfcmTensor[] */
  TFCM_SECTION_WEIGHTS = 7,  /* tfcmWeight[] */
  TFCM_SECTION_DIMS = 8,     /* int64_t[]: shapes of all tensors */
  TFCM_SECTION_LAUNCHES = 9, /* tfcmLaunch[], in execution order */
  TFCM_SECTION_ARGS = 10,    /* tfcmArg[] */
  TFCM_SECTION_IMAGE_DATA = 11,  /* bytes of cubin / PTX images */
  TFCM_SECTION_WEIGHT_DATA = 12, /* inline weight blobs, 256-byte aligned */
  /* Format version 6: tfcmLaunchCost[], one per launch (or none at all). */
  TFCM_SECTION_LAUNCH_COSTS = 13,
  TFCM_SECTION_COUNT = 14
} tfcmSectionKind;

/* Versions 1 to 5 have the first 13 sections only (no LAUNCH_COSTS). */
#define TFCM_SECTION_COUNT_V5 13u

typedef enum tfcmDType {
  TFCM_DTYPE_F32 = 1,
  TFCM_DTYPE_F16 = 2,
  TFCM_DTYPE_BF16 = 3,
  TFCM_DTYPE_I64 = 4,
  TFCM_DTYPE_I32 = 5,
  TFCM_DTYPE_I8 = 6,
  TFCM_DTYPE_U8 = 7,
  TFCM_DTYPE_BOOL = 8 /* i1, stored as one byte holding 0 or 1 */
} tfcmDType;

typedef enum tfcmImageFormat {
  TFCM_IMAGE_CUBIN = 1,
  TFCM_IMAGE_PTX = 2
} tfcmImageFormat;

typedef enum tfcmBufferKind {
  TFCM_BUFFER_ARENA = 1,  /* index must be 0 */
  TFCM_BUFFER_INPUT = 2,  /* index: input number */
  TFCM_BUFFER_OUTPUT = 3, /* index: output number */
  TFCM_BUFFER_WEIGHT = 4  /* index: weight number */
} tfcmBufferKind;

typedef enum tfcmArgKind {
  TFCM_ARG_BUFFER = 1, /* passed as a CUdeviceptr (8 bytes) */
  TFCM_ARG_I32 = 2,
  TFCM_ARG_I64 = 3,
  TFCM_ARG_F32 = 4,
  /* Format version 5: a pointer (8 bytes) to a 64-byte-aligned CUtensorMap
     (TMA descriptor) in device memory that the runtime encodes with
     cuTensorMapEncodeTiled for the global tensor starting at `buffer`
     (re-encoded whenever that address changes). scalarBits is the index in
     the DIMS section of the tfcmTensorMap record that describes it
     (TFCM_TENSOR_MAP_WORDS int64 slots). */
  TFCM_ARG_TENSOR_MAP = 5
} tfcmArgKind;

typedef enum tfcmLaunchKind {
  TFCM_LAUNCH_KERNEL = 1,
  TFCM_LAUNCH_COPY = 2, /* device-to-device memcpy */
  /* Format version 4: sum, in place, of copyBytes bytes at copyDst over the
     ranks of the tensor-parallel group (NCCL all-reduce on the stream of
     the kernels); elements of the tfcmDType in collectiveDtype. */
  TFCM_LAUNCH_ALL_REDUCE = 3
} tfcmLaunchKind;

typedef enum tfcmWeightStorage {
  TFCM_WEIGHT_INLINE = 1,   /* bytes in WEIGHT_DATA */
  TFCM_WEIGHT_EXTERNAL = 2, /* raw bytes at dataOffset of externalPath (ONNX
                               external data) */
  TFCM_WEIGHT_SAFETENSORS = 3 /* tensor externalName of the safetensors file
                                 externalPath, found by name at load time
                                 (format version 2) */
} tfcmWeightStorage;

/*--- Records --------------------------------------------------------------*/

typedef struct tfcmHeader {
  char magic[4];         /* "TFCM" */
  uint32_t version;      /* TFCM_FORMAT_VERSION */
  uint64_t fileSize;     /* total size of the file in bytes */
  uint64_t checksum;     /* FNV-1a 64 of bytes [TFCM_HEADER_SIZE, fileSize) */
  uint32_t sectionCount; /* tfcmSectionCount(version) */
  uint32_t reserved;     /* 0 */
} tfcmHeader;

typedef struct tfcmSection {
  uint64_t offset; /* from the start of the file */
  uint64_t size;   /* in bytes */
} tfcmSection;

/* A name: `size` bytes at `offset` in the STRINGS section, no terminator. */
typedef struct tfcmStringRef {
  uint32_t offset;
  uint32_t size;
} tfcmStringRef;

typedef struct tfcmMeta {
  tfcmStringRef targetArch; /* e.g. "sm_90a" */
  uint64_t arenaSize;       /* bytes of the intermediate-buffer arena */
  uint32_t arenaAlignment;  /* power of two <= TFCM_MAX_ARENA_ALIGNMENT */
  /* Format version 4 (reserved, 0, before): 0 for a single-GPU artifact;
     else this artifact is rank (low 16 bits) of a tensor-parallel group of
     ranks (high 16 bits, >= 2) ranks: TFCM_TENSOR_PARALLEL(rank, ranks). */
  uint32_t tensorParallel;
} tfcmMeta;

#define TFCM_TENSOR_PARALLEL(rank, ranks)                                      \
  ((uint32_t)(rank) | ((uint32_t)(ranks) << 16))

/* A unit of code: one or more images of the same kernels for several arches. */
typedef struct tfcmModule {
  tfcmStringRef name;
  uint32_t imageBegin; /* first index into IMAGES */
  uint32_t imageCount; /* >= 1 */
} tfcmModule;

typedef struct tfcmImage {
  tfcmStringRef arch; /* "sm_80", "sm_90a", ... */
  uint32_t format;    /* tfcmImageFormat */
  uint32_t reserved;
  uint64_t dataOffset; /* into IMAGE_DATA */
  uint64_t dataSize;
} tfcmImage;

typedef struct tfcmKernel {
  tfcmStringRef name; /* entry symbol in the module */
  uint32_t moduleIndex;
  uint32_t reserved;
} tfcmKernel;

typedef struct tfcmTensor {
  tfcmStringRef name;
  uint32_t dtype;     /* tfcmDType */
  uint32_t rank;      /* <= TFCM_MAX_RANK */
  uint32_t dimsBegin; /* first index into DIMS */
  uint32_t reserved;
  uint64_t byteSize; /* product(dims) * element size */
} tfcmTensor;

typedef struct tfcmWeight {
  tfcmTensor tensor;
  uint32_t storage; /* tfcmWeightStorage */
  /* Format version 3 (reserved, 0, before): 0, or the tfcmDType the
     external file stores the weight in when it differs from tensor.dtype;
     the runtime converts it to tensor.dtype once, at upload (f32, f16 and
     bf16 convert to one another, round to nearest even). External and
     safetensors storage only. */
  uint32_t sourceDtype;
  /* inline: offset into WEIGHT_DATA (multiple of 256);
     external: byte offset of the tensor in the external file;
     safetensors: 0 (the file's header says where the tensor is) */
  uint64_t dataOffset;
  tfcmStringRef externalPath; /* relative to the artifact's folder;
                                 external and safetensors only */
  tfcmStringRef externalName; /* tensor name in that file (safetensors: the
                                 key it is found by; never empty) */
} tfcmWeight;

/* A byte range of a device buffer. extent 0: from offset to the buffer's end.
 */
typedef struct tfcmBufferRef {
  uint32_t kind; /* tfcmBufferKind */
  uint32_t index;
  uint64_t offset;
  uint64_t extent;
} tfcmBufferRef;

typedef struct tfcmArg {
  uint32_t kind; /* tfcmArgKind */
  uint32_t reserved;
  /* scalars: the value's bits (i32/f32 in the low 32 bits); buffers: 0 */
  uint64_t scalarBits;
  tfcmBufferRef buffer; /* buffers only; all zero for scalars */
} tfcmArg;

typedef struct tfcmLaunch {
  uint32_t kind;        /* tfcmLaunchKind */
  uint32_t kernelIndex; /* kernel launches; 0 for copies */
  uint32_t grid[3];     /* kernel launches; all 0 for copies (so below) */
  uint32_t block[3];
  uint32_t sharedMemBytes; /* dynamic shared memory */
  uint32_t argBegin;       /* first index into ARGS */
  uint32_t argCount;
  /* all-reduce launches (format version 4): the tfcmDType of the elements;
     0 for the other kinds */
  uint32_t collectiveDtype;
  tfcmBufferRef copySrc; /* copies only; all zero for kernel launches */
  tfcmBufferRef copyDst;
  uint64_t copyBytes;
} tfcmLaunch;

/* Format version 6: what the compiler predicts for one launch (its cost
   model, tfc/Analysis/CostModel.h), so that a roofline report can place the
   measured kernel under the measured ceilings. Record i describes launch i.
   All zero with empty strings: not known (copies, all-reduces, or a kernel
   the compiler did not price). */
typedef struct tfcmLaunchCost {
  tfcmStringRef name;   /* the op the kernel is named after (its anchor's
                           ONNX node), may be empty */
  tfcmStringRef family; /* the fusion kind ("matmul", "layer_norm", ...);
                           empty: no prediction */
  uint64_t hbmBytes;    /* minimum HBM traffic: inputs read once, outputs
                           written once */
  uint64_t vectorFlops; /* FLOPs on CUDA cores (elementwise, reductions) */
  uint64_t matrixFlops; /* FLOPs on tensor cores (matmul, attention) */
  uint32_t matrixDtype; /* tfcmDType of the matrix work's operands; 0 when
                           matrixFlops is 0 */
  uint32_t reserved;
} tfcmLaunchCost;

/* What a TFCM_ARG_TENSOR_MAP describes: the parameters of
   cuTensorMapEncodeTiled, innermost dimension first. Stored in the DIMS
   section (it is TFCM_TENSOR_MAP_WORDS 8-byte slots long). The enums hold
   cuda.h's values: swizzle CUtensorMapSwizzle (0 none, 1 32B, 2 64B,
   3 128B), l2Promotion CUtensorMapL2promotion (0 none, 1 64B, 2 128B,
   3 256B), oobFill CUtensorMapFloatOOBfill (0 zeros, 1 NaN); interleave
   must be 0 (CU_TENSOR_MAP_INTERLEAVE_NONE). */
#define TFCM_TENSOR_MAP_MAX_RANK 5u
typedef struct tfcmTensorMap {
  uint32_t dtype; /* tfcmDType of the elements */
  uint32_t rank;  /* 1..TFCM_TENSOR_MAP_MAX_RANK */
  uint32_t swizzle;
  uint32_t l2Promotion;
  uint32_t oobFill;
  uint32_t interleave;
  uint64_t globalDims[TFCM_TENSOR_MAP_MAX_RANK]; /* elements; unused: 0 */
  /* bytes between consecutive indices of dims 1..rank-1 (dim 0 is
     contiguous); multiples of 16; unused: 0 */
  uint64_t globalStrides[TFCM_TENSOR_MAP_MAX_RANK - 1];
  uint32_t boxDims[TFCM_TENSOR_MAP_MAX_RANK];        /* 1..256; unused: 0 */
  uint32_t elementStrides[TFCM_TENSOR_MAP_MAX_RANK]; /* 1..8; unused: 0 */
} tfcmTensorMap;
#define TFCM_TENSOR_MAP_WORDS (sizeof(tfcmTensorMap) / 8u)

TFCM_STATIC_ASSERT(sizeof(tfcmHeader) == TFCM_HEADER_SIZE, "tfcmHeader layout");
TFCM_STATIC_ASSERT(sizeof(tfcmSection) == 16, "tfcmSection layout");
TFCM_STATIC_ASSERT(sizeof(tfcmStringRef) == 8, "tfcmStringRef layout");
TFCM_STATIC_ASSERT(sizeof(tfcmMeta) == 24, "tfcmMeta layout");
TFCM_STATIC_ASSERT(sizeof(tfcmModule) == 16, "tfcmModule layout");
TFCM_STATIC_ASSERT(sizeof(tfcmImage) == 32, "tfcmImage layout");
TFCM_STATIC_ASSERT(sizeof(tfcmKernel) == 16, "tfcmKernel layout");
TFCM_STATIC_ASSERT(sizeof(tfcmTensor) == 32, "tfcmTensor layout");
TFCM_STATIC_ASSERT(sizeof(tfcmWeight) == 64, "tfcmWeight layout");
TFCM_STATIC_ASSERT(sizeof(tfcmBufferRef) == 24, "tfcmBufferRef layout");
TFCM_STATIC_ASSERT(sizeof(tfcmArg) == 40, "tfcmArg layout");
TFCM_STATIC_ASSERT(sizeof(tfcmLaunch) == 104, "tfcmLaunch layout");
TFCM_STATIC_ASSERT(sizeof(tfcmTensorMap) == 136, "tfcmTensorMap layout");
TFCM_STATIC_ASSERT(sizeof(tfcmLaunchCost) == 48, "tfcmLaunchCost layout");

/* Offset of the first byte after the section table of the newest version
   (tfcmSectionTableEnd(version) for any version). */
#define TFCM_SECTION_TABLE_END                                                 \
  (TFCM_HEADER_SIZE + TFCM_SECTION_COUNT * (uint32_t)sizeof(tfcmSection))

/* Number of sections of a format version: 13 up to version 5, 14 from 6. */
static inline uint32_t tfcmSectionCount(uint32_t version) {
  return version >= 6 ? (uint32_t)TFCM_SECTION_COUNT : TFCM_SECTION_COUNT_V5;
}

/* Offset of the first byte after the section table of a format version. */
static inline uint32_t tfcmSectionTableEnd(uint32_t version) {
  return TFCM_HEADER_SIZE +
         tfcmSectionCount(version) * (uint32_t)sizeof(tfcmSection);
}

/*--- Helpers --------------------------------------------------------------*/

/* Continues an FNV-1a 64 hash; start with TFCM_FNV1A64_OFFSET_BASIS. */
static inline uint64_t tfcmFnv1a64(uint64_t hash, const void *data,
                                   size_t size) {
  const unsigned char *bytes = (const unsigned char *)data;
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= TFCM_FNV1A64_PRIME;
  }
  return hash;
}

/* Bytes per element of a dtype; 0 for a value that is not a tfcmDType. */
static inline size_t tfcmDTypeSize(uint32_t dtype) {
  switch (dtype) {
  case TFCM_DTYPE_F32:
    return 4;
  case TFCM_DTYPE_F16:
    return 2;
  case TFCM_DTYPE_BF16:
    return 2;
  case TFCM_DTYPE_I64:
    return 8;
  case TFCM_DTYPE_I32:
    return 4;
  case TFCM_DTYPE_I8:
    return 1;
  case TFCM_DTYPE_U8:
    return 1;
  case TFCM_DTYPE_BOOL:
    return 1;
  default:
    return 0;
  }
}

/* Short lowercase name of a dtype ("f32", ...); NULL if not a tfcmDType. */
static inline const char *tfcmDTypeName(uint32_t dtype) {
  switch (dtype) {
  case TFCM_DTYPE_F32:
    return "f32";
  case TFCM_DTYPE_F16:
    return "f16";
  case TFCM_DTYPE_BF16:
    return "bf16";
  case TFCM_DTYPE_I64:
    return "i64";
  case TFCM_DTYPE_I32:
    return "i32";
  case TFCM_DTYPE_I8:
    return "i8";
  case TFCM_DTYPE_U8:
    return "u8";
  case TFCM_DTYPE_BOOL:
    return "bool";
  default:
    return NULL;
  }
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TFC_ARTIFACT_FORMAT_H */
