//===- CopyBandwidth.h - measure the memory roof of a GPU ------*- C++ -*-===//
//
// tfc-run --roofline's memory ceiling: the device-to-device copy bandwidth
// (bytes read + written per second) of a GPU, measured with the CUDA driver
// API (cuMemcpyDtoDAsync timed by events) in the calling process. The
// driver is opened at run time, as libtfcrt does, so tfc-run still starts
// on machines without one.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUN_COPYBANDWIDTH_H
#define TFC_RUN_COPYBANDWIDTH_H

#include <cstddef>
#include <string>

namespace tfc {

/// Copies `bytes` bytes between two buffers of device `device` `repeats`
/// times after a warm-up and sets `bytesPerSecond` to 2 * bytes / the
/// median copy time. False with `error` (naming the failing driver call)
/// when the driver or the device is missing or a call fails.
bool measureCopyBandwidth(int device, size_t bytes, int repeats,
                          double &bytesPerSecond, std::string &error);

} // namespace tfc

#endif // TFC_RUN_COPYBANDWIDTH_H
