//===- TargetArch.cpp - GPU arch names and image selection ----------------===//
//
// CUDA's compatibility rules, as far as the runtime relies on them:
//  - a cubin runs on its own compute capability; a plain one (sm_80) also on
//    later minor versions of the same major (8.6, 8.9); a family one (sm_100f)
//    on the same major with an equal or higher minor; an arch-specific one
//    (sm_90a) only on its own compute capability;
//  - PTX is JIT-compiled for any equal or newer compute capability, except
//    arch-specific PTX (sm_90a), which only its own capability accepts, and
//    family PTX, which stays within its major.
//
//===----------------------------------------------------------------------===//

#include "TargetArch.h"

#include <cctype>

namespace tfc {
namespace rt {

bool parseArch(const std::string &name, ArchInfo &out) {
  if (name.compare(0, 3, "sm_") != 0)
    return false;
  std::string rest = name.substr(3);
  char suffix = 0;
  if (!rest.empty() && (rest.back() == 'a' || rest.back() == 'f')) {
    suffix = rest.back();
    rest.pop_back();
  }
  if (rest.size() < 2 || rest.size() > 3)
    return false;
  for (char c : rest)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  if (rest[0] == '0')
    return false;
  out.major = std::stoi(rest.substr(0, rest.size() - 1));
  out.minor = rest.back() - '0';
  out.suffix = suffix;
  return true;
}

std::string archName(int major, int minor) {
  return concat("sm_", major, minor);
}

bool canLoadImage(const LoadedImage &image, int major, int minor) {
  ArchInfo arch;
  if (!parseArch(image.arch, arch))
    return false;
  bool sameMajor = arch.major == major;
  bool exact = sameMajor && arch.minor == minor;
  if (arch.suffix == 'a')
    return exact;
  if (arch.suffix == 'f')
    return sameMajor && arch.minor <= minor;
  if (image.format == ImageFormat::Cubin)
    return sameMajor && arch.minor <= minor;
  return arch.major < major || (sameMajor && arch.minor <= minor);
}

int selectImage(const LoadedModule &module, int major, int minor) {
  // Rank: any cubin beats any PTX; among equals the higher arch wins, and an
  // exact arch-specific match beats a plain one of the same capability.
  int best = -1;
  long bestScore = -1;
  for (size_t i = 0; i < module.images.size(); ++i) {
    const LoadedImage &image = module.images[i];
    if (!canLoadImage(image, major, minor))
      continue;
    ArchInfo arch;
    parseArch(image.arch, arch);
    long score = (image.format == ImageFormat::Cubin ? 1000000L : 0L) +
                 arch.major * 1000L + arch.minor * 10L +
                 (arch.suffix == 'a'   ? 2
                  : arch.suffix == 'f' ? 1
                                       : 0);
    if (score > bestScore) {
      bestScore = score;
      best = static_cast<int>(i);
    }
  }
  return best;
}

std::string noImageMessage(const LoadedModule &module, int major, int minor) {
  std::string cubins, ptxs;
  for (const LoadedImage &image : module.images) {
    std::string &list = image.format == ImageFormat::Cubin ? cubins : ptxs;
    list += (list.empty() ? "" : ", ") + image.arch;
  }
  std::string has = cubins.empty() ? "no cubin" : "cubin for " + cubins;
  has += ptxs.empty() ? " and no PTX" : " and PTX for " + ptxs;
  return concat("artifact module '", module.name, "' has ", has, "; device is ",
                archName(major, minor), " (compute capability ", major, ".",
                minor, ")");
}

} // namespace rt
} // namespace tfc
