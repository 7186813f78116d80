//===- TensorMap.h - TMA descriptors of tensor-map arguments ---*- C++ -*-===//
//
// A kernel argument of kind tensor map (format version 5) is a pointer to a
// CUtensorMap in device memory: the wgmma + TMA matmul kernels load their
// operands through it. Only the host can encode one (the 128-byte format is
// the driver's), so the session encodes every descriptor of its launch list
// into one host table, copies it to one device block, and passes each launch
// the address of its slot. The addresses of the slots never change, so a
// captured CUDA graph stays valid; a binding that moves an input or output
// re-encodes the table before the next run.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_TENSORMAP_H
#define TFC_RUNTIME_TENSORMAP_H

#include "Artifact.h"
#include "CudaDriver.h"

#include <vector>

namespace tfc {
namespace rt {

/// Encodes the descriptor of `map` for the tensor at device address
/// `address` with cuTensorMapEncodeTiled. Errors name `label`.
Status encodeTensorMap(const CudaDriver &cu,
                       const artifact::TensorMapSpec &map, CUdeviceptr address,
                       CUtensorMap &out, const std::string &label);

/// The descriptors of a session's launch list: one slot per tensor-map
/// argument, in launch and argument order.
class TensorMapTable {
public:
  /// Counts the tensor-map arguments of `artifact`.
  explicit TensorMapTable(const Artifact &artifact);

  size_t size() const { return host.size(); }
  /// Bytes of the device block (0 when the artifact has no tensor maps).
  size_t byteSize() const { return host.size() * sizeof(CUtensorMap); }
  /// Sets the device block that holds the slots (byteSize() bytes,
  /// 64-byte aligned).
  void setDeviceBlock(CUdeviceptr block) { device = block; }

  /// Encodes slot `slot` for the tensor at `address`; returns the device
  /// address of the slot (what the kernel argument holds).
  Status encode(const CudaDriver &cu, size_t slot,
                const artifact::TensorMapSpec &map, CUdeviceptr address,
                const std::string &label, CUdeviceptr &slotAddress);

  /// Copies the encoded table to the device block, ordered on `stream`
  /// before the launches that read it.
  Status upload(const CudaDriver &cu, CUstream stream) const;

private:
  std::vector<CUtensorMap> host;
  CUdeviceptr device = 0;
};

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_TENSORMAP_H
