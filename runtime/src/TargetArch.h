//===- TargetArch.h - GPU arch names and image selection -------*- C++ -*-===//
//
// Parses arch names such as "sm_90a" and decides which image of a module a
// device can load: a cubin built for its arch (or a compatible one), else the
// PTX of the same or a lower arch to JIT. Pure logic, no CUDA, so the rules
// are unit-tested on machines without a GPU.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUNTIME_TARGETARCH_H
#define TFC_RUNTIME_TARGETARCH_H

#include "Artifact.h"

#include <string>

namespace tfc {
namespace rt {

/// sm_<major><minor>[a|f]: e.g. sm_80 = {8, 0, 0}, sm_90a = {9, 0, 'a'},
/// sm_100f = {10, 0, 'f'}.
struct ArchInfo {
  int major = 0;
  int minor = 0;
  char suffix = 0; ///< 0, 'a' (arch-specific) or 'f' (family)
};

/// Parses "sm_" followed by 2 or 3 digits and an optional 'a' or 'f'.
bool parseArch(const std::string &name, ArchInfo &out);

/// "sm_90" for compute capability 9.0.
std::string archName(int major, int minor);

/// Whether a device of compute capability major.minor can load `image`.
bool canLoadImage(const LoadedImage &image, int major, int minor);

/// Index of the image of `module` to load on a major.minor device: the
/// best-matching cubin, else the highest loadable PTX; -1 if none fits.
int selectImage(const LoadedModule &module, int major, int minor);

/// Why no image of `module` fits a major.minor device, for the error.
std::string noImageMessage(const LoadedModule &module, int major, int minor);

} // namespace rt
} // namespace tfc

#endif // TFC_RUNTIME_TARGETARCH_H
