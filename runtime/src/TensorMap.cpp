//===- TensorMap.cpp - Encode TMA descriptors for tensor-map arguments ----===//
//
// The host side of the wgmma + TMA matmul kernels: cuTensorMapEncodeTiled
// (looked up in the driver like every other entry point, optional so that
// older drivers still run artifacts without tensor maps) turns the
// artifact's tfcmTensorMap record and the tensor's current device address
// into the 128-byte descriptor; TensorMapTable keeps all of a session's
// descriptors in one device block (see TensorMap.h for why).
//
//===----------------------------------------------------------------------===//

#include "TensorMap.h"

namespace tfc {
namespace rt {

namespace {
/// The TMA element type of a tfcm dtype: integers of 1 byte (i8, u8, bool)
/// move as UINT8, which TMA copies bit for bit.
CUtensorMapDataType tmaDataType(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
  case DType::F16:
    return CU_TENSOR_MAP_DATA_TYPE_FLOAT16;
  case DType::BF16:
    return CU_TENSOR_MAP_DATA_TYPE_BFLOAT16;
  case DType::I64:
    return CU_TENSOR_MAP_DATA_TYPE_INT64;
  case DType::I32:
    return CU_TENSOR_MAP_DATA_TYPE_INT32;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    break;
  }
  return CU_TENSOR_MAP_DATA_TYPE_UINT8;
}
} // namespace

Status encodeTensorMap(const CudaDriver &cu,
                       const artifact::TensorMapSpec &map, CUdeviceptr address,
                       CUtensorMap &out, const std::string &label) {
  if (!cu.tensorMapEncodeTiled)
    return makeError(TFC_ERROR_CUDA_UNAVAILABLE, label,
                     ": the CUDA driver has no cuTensorMapEncodeTiled; "
                     "tensor-map arguments need a CUDA 12 driver");
  // TMA reads from 16-byte aligned global addresses only; a device pointer
  // bound by the caller may not be.
  if (address % 16 != 0)
    return makeError(TFC_ERROR_INVALID_ARGUMENT, label,
                     ": the tensor's device address 0x", std::hex, address,
                     std::dec,
                     " is not 16-byte aligned, which its TMA descriptor "
                     "needs; bind a 16-byte aligned buffer");
  // The validator checked the ranks and limits; the arrays are rank long.
  cuuint32_t rank = static_cast<cuuint32_t>(map.rank());
  cuuint64_t dims[TFCM_TENSOR_MAP_MAX_RANK] = {};
  cuuint64_t strides[TFCM_TENSOR_MAP_MAX_RANK] = {};
  cuuint32_t box[TFCM_TENSOR_MAP_MAX_RANK] = {};
  cuuint32_t elementStrides[TFCM_TENSOR_MAP_MAX_RANK] = {};
  for (cuuint32_t i = 0; i < rank; ++i) {
    dims[i] = map.globalDims[i];
    box[i] = map.boxDims[i];
    elementStrides[i] = map.elementStrides[i];
    if (i + 1 < rank)
      strides[i] = map.globalStrides[i];
  }
  return cu.check(
      cu.tensorMapEncodeTiled(
          &out, tmaDataType(map.dtype), rank,
          reinterpret_cast<void *>(static_cast<uintptr_t>(address)), dims,
          strides, box, elementStrides,
          static_cast<CUtensorMapInterleave>(map.interleave),
          static_cast<CUtensorMapSwizzle>(map.swizzle),
          static_cast<CUtensorMapL2promotion>(map.l2Promotion),
          static_cast<CUtensorMapFloatOOBfill>(map.oobFill)),
      "cuTensorMapEncodeTiled", label);
}

TensorMapTable::TensorMapTable(const Artifact &artifact) {
  size_t count = 0;
  for (const LaunchSpec &launch : artifact.launches)
    for (const KernelArg &arg : launch.args)
      count += arg.kind == ArgKind::TensorMap;
  host.resize(count);
}

Status TensorMapTable::encode(const CudaDriver &cu, size_t slot,
                              const artifact::TensorMapSpec &map,
                              CUdeviceptr address, const std::string &label,
                              CUdeviceptr &slotAddress) {
  TFC_RETURN_IF_ERROR(encodeTensorMap(cu, map, address, host[slot], label));
  slotAddress = device + slot * sizeof(CUtensorMap);
  return Status::success();
}

Status TensorMapTable::upload(const CudaDriver &cu, CUstream stream) const {
  if (host.empty())
    return Status::success();
  // From pageable memory the call returns once the bytes are staged, so the
  // table may be re-encoded right after; the copy is ordered before the
  // launches (or graph) that follow on the stream.
  return cu.check(
      cu.memcpyHtoDAsync(device, host.data(), byteSize(), stream),
      "cuMemcpyHtoDAsync", "the tensor-map descriptors");
}

} // namespace rt
} // namespace tfc
