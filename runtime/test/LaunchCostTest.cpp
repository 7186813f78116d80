//===- LaunchCostTest.cpp - The compiler's predictions in an artifact ----===//
//
// Format version 6 carries, per launch, the compiler's predicted HBM bytes,
// FLOPs, kernel family and name (the LAUNCH_COSTS section) for roofline
// reports. These tests write and read them back, check that artifacts
// without them keep their older version and 13 sections (so older runtimes
// read them), and that every inconsistent or corrupt record is refused with
// a message naming the launch and the field.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "LoadArtifact.h"
#include "TestArtifacts.h"

#include <functional>
#include <gtest/gtest.h>

namespace tfc {
namespace {

using namespace tfc::artifact;
using rt::Artifact;
using rt::Status;

using test::loadBytes;

uint32_t headerField(const std::string &bytes, size_t offset) {
  uint32_t value;
  std::memcpy(&value, bytes.data() + offset, sizeof(value));
  return value;
}

/// The representative artifact with a prediction on each kernel launch
/// (launches 0, 1 and 3; launch 2 is a copy).
ArtifactWriter makeCostedWriter() {
  ArtifactWriter w = test::makeRepresentativeWriter();
  LaunchCost vadd;
  vadd.name = "/h.0/attn/c_attn/MatMul";
  vadd.family = "matmul";
  vadd.hbmBytes = 4096;
  vadd.vectorFlops = 32;
  vadd.matrixFlops = 1 << 20;
  vadd.matrixDtype = DType::BF16;
  w.setLaunchCost(0, vadd);
  LaunchCost scale;
  scale.family = "elementwise";
  scale.hbmBytes = 256;
  scale.vectorFlops = 32;
  w.setLaunchCost(1, scale);
  LaunchCost norm;
  norm.name = "ln_f";
  norm.family = "layer_norm";
  norm.hbmBytes = 1ull << 40; // large values survive
  norm.vectorFlops = 3ull << 33;
  w.setLaunchCost(3, norm);
  return w;
}

class LaunchCosts : public ::testing::Test {
protected:
  void SetUp() override { dir = test::makeWeightsDir(); }

  void expectError(const std::string &bytes, const std::string &needle) {
    std::shared_ptr<const Artifact> artifact;
    Status status = loadBytes(bytes, dir, artifact);
    EXPECT_EQ(TFC_ERROR_INVALID_ARTIFACT, status.code()) << status.message();
    EXPECT_NE(std::string::npos, status.message().find(needle))
        << "message: " << status.message()
        << "\nexpected to contain: " << needle;
  }

  void expectSpecError(const std::function<void(ArtifactSpec &)> &edit,
                       const std::string &needle) {
    ArtifactWriter writer = makeCostedWriter();
    edit(writer.spec());
    expectError(writer.serialize(), needle);
  }

  std::string dir;
};

TEST_F(LaunchCosts, RoundTrip) {
  ArtifactWriter writer = makeCostedWriter();
  std::string bytes = writer.serialize();
  EXPECT_EQ(6u, headerField(bytes, offsetof(tfcmHeader, version)));
  EXPECT_EQ(14u, headerField(bytes, offsetof(tfcmHeader, sectionCount)));
  std::shared_ptr<const Artifact> artifact;
  Status status = loadBytes(bytes, dir, artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_TRUE(artifact->hasLaunchCosts);
  ASSERT_EQ(writer.spec().launches.size(), artifact->launches.size());
  for (size_t i = 0; i < artifact->launches.size(); ++i)
    EXPECT_EQ(writer.spec().launches[i].cost, artifact->launches[i].cost)
        << "launch " << i;
  EXPECT_EQ("matmul", artifact->launches[0].cost.family);
  EXPECT_EQ((1u << 20) + 32u, artifact->launches[0].cost.flops());
  EXPECT_FALSE(artifact->launches[2].cost.known()); // the copy
}

TEST_F(LaunchCosts, WithoutCostsTheOlderVersionIsWritten) {
  std::string bytes = test::makeRepresentativeWriter().serialize();
  EXPECT_LT(headerField(bytes, offsetof(tfcmHeader, version)), 6u);
  EXPECT_EQ(13u, headerField(bytes, offsetof(tfcmHeader, sectionCount)));
  std::shared_ptr<const Artifact> artifact;
  Status status = loadBytes(bytes, dir, artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_FALSE(artifact->hasLaunchCosts);
  for (const LaunchSpec &launch : artifact->launches)
    EXPECT_FALSE(launch.cost.known());
}

TEST_F(LaunchCosts, DescribeShowsThePrediction) {
  std::shared_ptr<const Artifact> artifact;
  ASSERT_FALSE(loadBytes(makeCostedWriter().serialize(), dir, artifact).failed());
  std::string text = rt::describeArtifact(*artifact);
  EXPECT_NE(std::string::npos, text.find("tfcm format version 6")) << text;
  EXPECT_NE(std::string::npos,
            text.find("predicted: matmul '/h.0/attn/c_attn/MatMul', 4096 HBM "
                      "bytes, 1048608 FLOPs (1048576 on tensor cores in "
                      "bf16)"))
      << text;
  EXPECT_NE(std::string::npos,
            text.find("predicted: elementwise, 256 HBM bytes, 32 FLOPs\n"))
      << text;
}

TEST_F(LaunchCosts, Validation) {
  expectSpecError(
      [](ArtifactSpec &s) { s.launches[1].cost.matrixDtype = DType(42); },
      "launch 1 (kernel 'scale'): cost matrix dtype 42 is not a dtype");
  expectSpecError(
      [](ArtifactSpec &s) { s.launches[1].cost.matrixDtype = DType::F16; },
      "launch 1 (kernel 'scale'): cost has 0 matrix FLOPs and matrix dtype 2");
  expectSpecError(
      [](ArtifactSpec &s) { s.launches[0].cost.matrixDtype = DType(0); },
      "cost has 1048576 matrix FLOPs and matrix dtype 0");
  expectSpecError(
      [](ArtifactSpec &s) {
        s.launches[2].cost.family = "copy";
        s.launches[2].cost.vectorFlops = 5;
      },
      "launch 2 (memcpy): cost has 5 FLOPs and family 'copy'; only kernel "
      "launches compute");
  expectSpecError([](ArtifactSpec &s) { s.launches[1].cost.family.clear(); },
                  "cost has 256 bytes and 32 FLOPs but no family");
  expectSpecError([](ArtifactSpec &s) { s.launches[3].cost.hbmBytes = 0; },
                  "cost of family 'layer_norm' has 0 HBM bytes");
}

TEST_F(LaunchCosts, CorruptRecords) {
  std::string good = makeCostedWriter().serialize();

  // A record count other than the launch count.
  std::string bytes = good;
  tfcmSection s = test::readSection(bytes, TFCM_SECTION_LAUNCH_COSTS);
  s.size -= sizeof(tfcmLaunchCost);
  test::writeSection(bytes, TFCM_SECTION_LAUNCH_COSTS, s);
  test::refreshChecksum(bytes);
  expectError(bytes, "the launch costs section has 3 records; the artifact "
                     "has 4 launches");

  // A size that is not a whole number of records.
  bytes = good;
  s = test::readSection(bytes, TFCM_SECTION_LAUNCH_COSTS);
  s.size -= 8;
  test::writeSection(bytes, TFCM_SECTION_LAUNCH_COSTS, s);
  test::refreshChecksum(bytes);
  expectError(bytes, "section 'launch costs' has");

  // The reserved field.
  bytes = good;
  test::patchRecord<tfcmLaunchCost>(bytes, TFCM_SECTION_LAUNCH_COSTS, 1,
                                    offsetof(tfcmLaunchCost, reserved),
                                    uint32_t(7));
  test::refreshChecksum(bytes);
  expectError(bytes, "launch 1 cost: reserved field is 7");

  // A name outside the strings section.
  bytes = good;
  test::patchRecord<tfcmLaunchCost>(bytes, TFCM_SECTION_LAUNCH_COSTS, 0,
                                    offsetof(tfcmLaunchCost, name),
                                    tfcmStringRef{0xfffff000u, 4});
  test::refreshChecksum(bytes);
  expectError(bytes, "launch 0 cost name: string [");

  // A version-6 file whose header claims the 13 sections of version 5.
  bytes = good;
  uint32_t thirteen = 13;
  std::memcpy(&bytes[offsetof(tfcmHeader, sectionCount)], &thirteen, 4);
  expectError(bytes, "header declares 13 sections; format version 6 has 14");

  // Any flipped bit in the new section is a checksum error.
  bytes = good;
  s = test::readSection(bytes, TFCM_SECTION_LAUNCH_COSTS);
  bytes[s.offset + offsetof(tfcmLaunchCost, hbmBytes)] ^= 1;
  std::shared_ptr<const Artifact> artifact;
  EXPECT_EQ(TFC_ERROR_CHECKSUM, loadBytes(bytes, dir, artifact).code());

  // Truncated inside the section table of version 6.
  bytes = good.substr(0, tfcmSectionTableEnd(6) - 8);
  EXPECT_EQ(TFC_ERROR_TRUNCATED, loadBytes(bytes, dir, artifact).code());
}

TEST_F(LaunchCosts, EmptySectionMeansNoPrediction) {
  // A version-6 file may hold no cost records at all.
  ArtifactWriter writer = makeCostedWriter();
  std::string bytes = writer.serialize();
  tfcmSection s = test::readSection(bytes, TFCM_SECTION_LAUNCH_COSTS);
  s.size = 0;
  test::writeSection(bytes, TFCM_SECTION_LAUNCH_COSTS, s);
  test::refreshChecksum(bytes);
  std::shared_ptr<const Artifact> artifact;
  Status status = loadBytes(bytes, dir, artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(6u, artifact->version);
  EXPECT_FALSE(artifact->hasLaunchCosts);
}

} // namespace
} // namespace tfc
