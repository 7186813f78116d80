//===- TargetArchTest.cpp - Arch names and image selection ----------------===//
//
// Which image of a module a device of a given compute capability loads, and
// the error when none fits; no GPU needed.
//
//===----------------------------------------------------------------------===//

#include "TargetArch.h"

#include <gtest/gtest.h>

namespace tfc {
namespace {

using rt::ArchInfo;
using rt::LoadedImage;
using rt::LoadedModule;

LoadedImage image(const std::string &arch, artifact::ImageFormat format) {
  LoadedImage result;
  result.arch = arch;
  result.format = format;
  result.dataSize = 1;
  return result;
}

constexpr auto cubin = artifact::ImageFormat::Cubin;
constexpr auto ptx = artifact::ImageFormat::Ptx;

TEST(TargetArch, Parse) {
  ArchInfo info;
  ASSERT_TRUE(rt::parseArch("sm_90a", info));
  EXPECT_EQ(9, info.major);
  EXPECT_EQ(0, info.minor);
  EXPECT_EQ('a', info.suffix);
  ASSERT_TRUE(rt::parseArch("sm_86", info));
  EXPECT_EQ(8, info.major);
  EXPECT_EQ(6, info.minor);
  EXPECT_EQ(0, info.suffix);
  ASSERT_TRUE(rt::parseArch("sm_100f", info));
  EXPECT_EQ(10, info.major);
  EXPECT_EQ('f', info.suffix);
  for (const char *bad : {"", "sm_", "sm_9", "sm_1000", "sm_90b", "compute_90",
                          "SM_90", "sm_09", "sm_9x"})
    EXPECT_FALSE(rt::parseArch(bad, info)) << bad;
  EXPECT_EQ("sm_90", rt::archName(9, 0));
}

TEST(TargetArch, CubinForTheDeviceArchWins) {
  LoadedModule m{"main", {image("sm_80", ptx), image("sm_90a", cubin)}};
  EXPECT_EQ(1, rt::selectImage(m, 9, 0)); // sm_90a cubin on sm_90
  EXPECT_EQ(0, rt::selectImage(m, 8, 0)); // PTX JIT on sm_80
  EXPECT_EQ(0, rt::selectImage(m, 8, 9)); // and on newer archs
  EXPECT_EQ(0, rt::selectImage(m, 10, 0));
  EXPECT_EQ(-1, rt::selectImage(m, 7, 5));
}

TEST(TargetArch, CompatibilityRules) {
  // Plain cubins run on later minors of the same major only.
  EXPECT_TRUE(rt::canLoadImage(image("sm_80", cubin), 8, 6));
  EXPECT_FALSE(rt::canLoadImage(image("sm_86", cubin), 8, 0));
  EXPECT_FALSE(rt::canLoadImage(image("sm_80", cubin), 9, 0));
  // Arch-specific images only on their own compute capability.
  EXPECT_TRUE(rt::canLoadImage(image("sm_90a", ptx), 9, 0));
  EXPECT_FALSE(rt::canLoadImage(image("sm_90a", ptx), 10, 0));
  EXPECT_FALSE(rt::canLoadImage(image("sm_90a", cubin), 10, 0));
  // Family images within their major.
  EXPECT_TRUE(rt::canLoadImage(image("sm_100f", cubin), 10, 3));
  EXPECT_FALSE(rt::canLoadImage(image("sm_100f", cubin), 12, 0));
  // Plain PTX on anything equal or newer.
  EXPECT_TRUE(rt::canLoadImage(image("sm_80", ptx), 12, 0));
  EXPECT_FALSE(rt::canLoadImage(image("sm_90", ptx), 8, 9));
}

TEST(TargetArch, PrefersHighestCompatible) {
  LoadedModule m{"m",
                 {image("sm_70", ptx), image("sm_80", ptx),
                  image("sm_80", cubin), image("sm_86", cubin)}};
  EXPECT_EQ(3, rt::selectImage(m, 8, 9)); // sm_86 cubin beats sm_80 cubin
  EXPECT_EQ(2, rt::selectImage(m, 8, 0));
  EXPECT_EQ(1, rt::selectImage(m, 9, 0)); // no sm_9x cubin: best PTX
}

TEST(TargetArch, NoImageMessage) {
  LoadedModule m{"main", {image("sm_90a", cubin)}};
  EXPECT_EQ(-1, rt::selectImage(m, 8, 0));
  EXPECT_EQ("artifact module 'main' has cubin for sm_90a and no PTX; device is "
            "sm_80 (compute capability 8.0)",
            rt::noImageMessage(m, 8, 0));
  LoadedModule both{"k", {image("sm_90a", cubin), image("sm_90a", ptx)}};
  EXPECT_EQ("artifact module 'k' has cubin for sm_90a and PTX for sm_90a; "
            "device is sm_86 (compute capability 8.6)",
            rt::noImageMessage(both, 8, 6));
}

} // namespace
} // namespace tfc
