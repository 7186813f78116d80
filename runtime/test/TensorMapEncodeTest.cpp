//===- TensorMapEncodeTest.cpp - TMA descriptors from tensor-map args -----===//
//
// TensorMap.cpp without a GPU: a stand-in for the driver's
// cuTensorMapEncodeTiled records what the runtime passes it, so the tests
// check the parameters (element type, innermost-first dims, byte strides,
// box, swizzle, L2 promotion, fill) that the wgmma kernels' descriptors
// need, the slot addresses of the session's descriptor table, and the
// errors for a missing entry point, an unaligned tensor and a failed call.
//
//===----------------------------------------------------------------------===//

#include "TensorMap.h"

#include <gtest/gtest.h>

#include <vector>

namespace tfc {
namespace {

using namespace tfc::artifact;
using rt::Status;

/// What the stand-in received on its last call.
struct EncodeCall {
  CUtensorMapDataType dtype;
  cuuint32_t rank;
  uint64_t address;
  std::vector<cuuint64_t> dims, strides;
  std::vector<cuuint32_t> box, elementStrides;
  CUtensorMapInterleave interleave;
  CUtensorMapSwizzle swizzle;
  CUtensorMapL2promotion l2;
  CUtensorMapFloatOOBfill fill;
};
EncodeCall lastCall;
CUresult nextResult = CUDA_SUCCESS;

CUresult CUDAAPI fakeEncode(CUtensorMap *out, CUtensorMapDataType dtype,
                            cuuint32_t rank, void *address,
                            const cuuint64_t *dims, const cuuint64_t *strides,
                            const cuuint32_t *box,
                            const cuuint32_t *elementStrides,
                            CUtensorMapInterleave interleave,
                            CUtensorMapSwizzle swizzle,
                            CUtensorMapL2promotion l2,
                            CUtensorMapFloatOOBfill fill) {
  lastCall = {dtype,
              rank,
              reinterpret_cast<uint64_t>(address),
              std::vector<cuuint64_t>(dims, dims + rank),
              std::vector<cuuint64_t>(strides, strides + rank - 1),
              std::vector<cuuint32_t>(box, box + rank),
              std::vector<cuuint32_t>(elementStrides, elementStrides + rank),
              interleave,
              swizzle,
              l2,
              fill};
  out->opaque[0] = reinterpret_cast<uint64_t>(address);
  return nextResult;
}

CUresult CUDAAPI fakeErrorName(CUresult, const char **name) {
  *name = "CUDA_ERROR_INVALID_VALUE";
  return CUDA_SUCCESS;
}

CUresult CUDAAPI fakeErrorString(CUresult, const char **text) {
  *text = "invalid argument";
  return CUDA_SUCCESS;
}

rt::CudaDriver fakeDriver() {
  rt::CudaDriver cu;
  cu.tensorMapEncodeTiled = fakeEncode;
  cu.getErrorName = fakeErrorName;
  cu.getErrorString = fakeErrorString;
  nextResult = CUDA_SUCCESS;
  return cu;
}

TEST(TensorMapEncode, WgmmaOperandView) {
  // A bf16 [2, 200, 72] activation read in 128 x 64 boxes, as the wgmma
  // kernel's A operand: the driver gets (cols, rows, batch).
  rt::CudaDriver cu = fakeDriver();
  CUtensorMap map;
  Status status = rt::encodeTensorMap(
      cu, TensorMapSpec::rowMajor(DType::BF16, {2, 200, 72}, {1, 128, 64}),
      0x7f0000001000, map, "launch 1 argument 3");
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(CU_TENSOR_MAP_DATA_TYPE_BFLOAT16, lastCall.dtype);
  EXPECT_EQ(3u, lastCall.rank);
  EXPECT_EQ(0x7f0000001000u, lastCall.address);
  EXPECT_EQ((std::vector<cuuint64_t>{72, 200, 2}), lastCall.dims);
  EXPECT_EQ((std::vector<cuuint64_t>{144, 28800}), lastCall.strides);
  EXPECT_EQ((std::vector<cuuint32_t>{64, 128, 1}), lastCall.box);
  EXPECT_EQ((std::vector<cuuint32_t>{1, 1, 1}), lastCall.elementStrides);
  EXPECT_EQ(CU_TENSOR_MAP_INTERLEAVE_NONE, lastCall.interleave);
  EXPECT_EQ(CU_TENSOR_MAP_SWIZZLE_128B, lastCall.swizzle);
  EXPECT_EQ(CU_TENSOR_MAP_L2_PROMOTION_L2_256B, lastCall.l2);
  EXPECT_EQ(CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE, lastCall.fill);
}

TEST(TensorMapEncode, ElementTypes) {
  rt::CudaDriver cu = fakeDriver();
  CUtensorMap map;
  const std::pair<DType, CUtensorMapDataType> types[] = {
      {DType::F16, CU_TENSOR_MAP_DATA_TYPE_FLOAT16},
      {DType::F32, CU_TENSOR_MAP_DATA_TYPE_FLOAT32},
      {DType::I32, CU_TENSOR_MAP_DATA_TYPE_INT32},
      {DType::I64, CU_TENSOR_MAP_DATA_TYPE_INT64},
      {DType::U8, CU_TENSOR_MAP_DATA_TYPE_UINT8},
      {DType::I8, CU_TENSOR_MAP_DATA_TYPE_UINT8},
      {DType::Bool, CU_TENSOR_MAP_DATA_TYPE_UINT8}};
  for (auto [dtype, expected] : types) {
    ASSERT_FALSE(rt::encodeTensorMap(
                     cu, TensorMapSpec::rowMajor(dtype, {64, 64}, {16, 16}),
                     0x1000, map, "t")
                     .failed());
    EXPECT_EQ(expected, lastCall.dtype) << dtypeName(dtype);
  }
}

TEST(TensorMapEncode, Errors) {
  rt::CudaDriver cu = fakeDriver();
  CUtensorMap map;
  TensorMapSpec spec =
      TensorMapSpec::rowMajor(DType::BF16, {200, 72}, {128, 64});
  Status unaligned = rt::encodeTensorMap(cu, spec, 0x1008, map, "launch 2 argument 4");
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, unaligned.code());
  EXPECT_EQ("launch 2 argument 4: the tensor's device address 0x1008 is not "
            "16-byte aligned, which its TMA descriptor needs; bind a 16-byte "
            "aligned buffer",
            unaligned.message());

  nextResult = CUDA_ERROR_INVALID_VALUE;
  Status failed = rt::encodeTensorMap(cu, spec, 0x1000, map, "launch 2 argument 4");
  EXPECT_EQ(TFC_ERROR_CUDA, failed.code());
  EXPECT_NE(std::string::npos,
            failed.message().find("cuTensorMapEncodeTiled failed for launch 2 "
                                  "argument 4: CUDA_ERROR_INVALID_VALUE"))
      << failed.message();

  cu.tensorMapEncodeTiled = nullptr;
  Status missing = rt::encodeTensorMap(cu, spec, 0x1000, map, "launch 2 argument 4");
  EXPECT_EQ(TFC_ERROR_CUDA_UNAVAILABLE, missing.code());
  EXPECT_NE(std::string::npos,
            missing.message().find("the CUDA driver has no "
                                   "cuTensorMapEncodeTiled"));
}

TEST(TensorMapEncode, TableSlotsFollowTheLaunchList) {
  // Two launches with two maps each and one without: four 128-byte slots in
  // launch and argument order; re-encoding a slot for a new address keeps
  // its device address (what the captured graph holds).
  rt::Artifact artifact;
  TensorMapSpec spec = TensorMapSpec::rowMajor(DType::BF16, {64, 64}, {64, 64});
  LaunchSpec withMaps;
  withMaps.args = {KernelArg::buffer(BufferRef::arena(0)),
                   KernelArg::tensorMapOf(BufferRef::arena(0), spec),
                   KernelArg::tensorMapOf(BufferRef::arena(0), spec)};
  LaunchSpec plain;
  plain.args = {KernelArg::i32(3)};
  artifact.launches = {withMaps, plain, withMaps};
  rt::TensorMapTable table(artifact);
  EXPECT_EQ(4u, table.size());
  EXPECT_EQ(4 * sizeof(CUtensorMap), table.byteSize());
  EXPECT_EQ(128u, sizeof(CUtensorMap));

  rt::CudaDriver cu = fakeDriver();
  table.setDeviceBlock(0x20000);
  CUdeviceptr slot = 0;
  ASSERT_FALSE(table.encode(cu, 3, spec, 0x5000, "l", slot).failed());
  EXPECT_EQ(0x20000u + 3 * 128, slot);
  ASSERT_FALSE(table.encode(cu, 3, spec, 0x9000, "l", slot).failed());
  EXPECT_EQ(0x20000u + 3 * 128, slot);
  EXPECT_EQ(0x9000u, lastCall.address);
}

} // namespace
} // namespace tfc
