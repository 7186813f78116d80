//===- TensorMapArgTest.cpp - Tensor-map kernel arguments (format v5) -----===//
//
// The TMA descriptor arguments of the wgmma + TMA matmul kernels: written
// by ArtifactWriter as a tfcmTensorMap record in DIMS, read back field for
// field (format version 5), listed by the describer, and every limit of
// cuTensorMapEncodeTiled that the validator checks without a GPU.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "TestArtifacts.h"

#include <gtest/gtest.h>

#include <functional>

namespace tfc {
namespace {

using namespace tfc::artifact;
using rt::Artifact;
using rt::Status;

Status load(const std::string &bytes, std::shared_ptr<const Artifact> &out) {
  return rt::loadArtifact(std::vector<uint8_t>(bytes.begin(), bytes.end()),
                          test::makeTempDir(), out);
}

/// One wgmma-like launch: bf16 A [2, 200, 72] (input) and B [72, 136]
/// (weight) with their tensor maps after the memref arguments, as
/// tfc-lower-fusions-to-kernels emits them.
ArtifactWriter makeWriter(
    const std::function<void(TensorMapSpec &, BufferRef &)> &editA = {}) {
  ArtifactWriter w("sm_90a");
  w.setArena(0);
  uint32_t module = w.addModule("kernels");
  w.addModuleImage(module, "sm_90a", ImageFormat::Cubin, test::fakeCubin(64));
  uint32_t kernel = w.addKernel("k0_matmul", module);
  uint32_t a = w.addInput("a", DType::BF16, {2, 200, 72});
  uint32_t y = w.addOutput("y", DType::BF16, {2, 200, 136});
  uint32_t b = w.addInlineWeight("b", DType::BF16, {72, 136},
                                 std::string(72 * 136 * 2, '\0'));
  TensorMapSpec mapA = TensorMapSpec::rowMajor(DType::BF16, {2, 200, 72},
                                               {1, 128, 64});
  BufferRef refA = BufferRef::input(a);
  if (editA)
    editA(mapA, refA);
  w.addKernelLaunch(
      kernel, {3, 2, 2}, {384, 1, 1}, 100000,
      {KernelArg::buffer(BufferRef::input(a)),
       KernelArg::buffer(BufferRef::weight(b)),
       KernelArg::buffer(BufferRef::output(y)),
       KernelArg::tensorMapOf(refA, mapA),
       KernelArg::tensorMapOf(
           BufferRef::weight(b),
           TensorMapSpec::rowMajor(DType::BF16, {1, 72, 136}, {1, 64, 64}))});
  return w;
}

void expectError(const std::string &bytes, const std::string &needle) {
  std::shared_ptr<const Artifact> artifact;
  Status status = load(bytes, artifact);
  EXPECT_EQ(TFC_ERROR_INVALID_ARTIFACT, status.code()) << status.message();
  EXPECT_NE(std::string::npos, status.message().find(needle))
      << "message: " << status.message() << "\nexpected to contain: "
      << needle;
}

void expectMapError(const std::function<void(TensorMapSpec &, BufferRef &)> &edit,
                    const std::string &needle) {
  expectError(makeWriter(edit).serialize(), needle);
}

TEST(TensorMapArg, RowMajorViewIsInnermostFirst) {
  TensorMapSpec map =
      TensorMapSpec::rowMajor(DType::BF16, {2, 200, 72}, {1, 128, 64});
  EXPECT_EQ((std::vector<uint64_t>{72, 200, 2}), map.globalDims);
  EXPECT_EQ((std::vector<uint64_t>{144, 28800}), map.globalStrides);
  EXPECT_EQ((std::vector<uint32_t>{64, 128, 1}), map.boxDims);
  EXPECT_EQ((std::vector<uint32_t>{1, 1, 1}), map.elementStrides);
  EXPECT_EQ(3u, map.swizzle);
  EXPECT_EQ(3u, map.l2Promotion);
}

TEST(TensorMapArg, RoundTripIsVersion5) {
  ArtifactWriter writer = makeWriter();
  std::shared_ptr<const Artifact> artifact;
  Status status = load(writer.serialize(), artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(5u, artifact->version);
  ASSERT_EQ(1u, artifact->launches.size());
  const std::vector<KernelArg> &expected = writer.spec().launches[0].args;
  const std::vector<KernelArg> &actual = artifact->launches[0].args;
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(expected[i], actual[i]) << "argument " << i;
  EXPECT_EQ(ArgKind::TensorMap, actual[4].kind);
  EXPECT_EQ(BufferRef::weight(0), actual[4].ref);
  EXPECT_EQ((std::vector<uint64_t>{136, 72, 1}), actual[4].tensorMap.globalDims);

  std::string listing = rt::describeArtifact(*artifact);
  EXPECT_NE(std::string::npos,
            listing.find("tensor map of input 0 'a'+0: bf16 dims [72, 200, "
                         "2] strides [144, 28800] box [64, 128, 1] swizzle "
                         "128B"))
      << listing;
}

TEST(TensorMapArg, ArtifactsWithoutTensorMapsKeepTheirVersion) {
  std::shared_ptr<const Artifact> artifact;
  Status status =
      rt::loadArtifact([] {
        std::string bytes = test::makeRepresentativeWriter().serialize();
        return std::vector<uint8_t>(bytes.begin(), bytes.end());
      }(), test::makeWeightsDir(), artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(2u, artifact->version);
}

TEST(TensorMapArg, OlderVersionsHaveNoTensorMaps) {
  std::string bytes = makeWriter().serialize();
  uint32_t version = 4;
  std::memcpy(&bytes[offsetof(tfcmHeader, version)], &version,
              sizeof(version));
  test::refreshChecksum(bytes);
  expectError(bytes, "launch 0 argument 3: tensor-map arguments need format "
                     "version 5; the file is version 4");
}

TEST(TensorMapArg, RecordOutsideTheDimsSection) {
  std::string bytes = makeWriter().serialize();
  tfcmSection args = test::readSection(bytes, TFCM_SECTION_ARGS);
  uint64_t slot = 1000000;
  std::memcpy(&bytes[args.offset + 3 * sizeof(tfcmArg) +
                     offsetof(tfcmArg, scalarBits)],
              &slot, sizeof(slot));
  test::refreshChecksum(bytes);
  expectError(bytes, "launch 0 argument 3: tensor map record at dims slot "
                     "1000000");
}

TEST(TensorMapArg, ValidatorChecksTmaLimits) {
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.globalDims.push_back(1);
                   m.globalDims.push_back(1); m.globalDims.push_back(1); },
                 "tensor map rank");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.dtype = DType(42); },
                 "tensor map dtype 42 is not a valid dtype");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.swizzle = 4; },
                 "expected swizzle 0-3, L2 promotion 0-3, fill 0-1, "
                 "interleave 0");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.interleave = 1; },
                 "interleave 1");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.globalDims[1] = 0; },
                 "tensor map dim 1 is 0; TMA allows 1 to 2^32");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.globalStrides[0] = 136; },
                 "tensor map stride of dim 1 is 136 bytes; TMA needs a "
                 "multiple of 16 below 2^40 and at least the 144 bytes");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.boxDims[1] = 257; },
                 "tensor map box dim 1 is 257; TMA allows 1 to 256");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.elementStrides[0] = 9; },
                 "tensor map element stride 0 is 9; TMA allows 1 to 8");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.boxDims[0] = 12; },
                 "tensor map box rows are 24 bytes; TMA needs a multiple of 16");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.boxDims[0] = 128; },
                 "box rows are 256 bytes; a 128-byte swizzle allows at most");
  expectMapError([](TensorMapSpec &m, BufferRef &) { m.globalDims[2] = 3; },
                 "tensor map spans 86400 bytes but its buffer reference holds "
                 "57600");
  expectMapError([](TensorMapSpec &, BufferRef &r) { r.offset = 8; },
                 "tensor map starts at byte offset 8; TMA needs 16-byte "
                 "alignment");
  expectMapError([](TensorMapSpec &, BufferRef &r) { r.index = 7; },
                 "references inputs index 7");
  expectMapError([](TensorMapSpec &m, BufferRef &) {
                   m.dtype = DType::I32;
                   m.oobFill = 1;
                   m.boxDims[0] = 32;
                 },
                 "tensor map NaN fill needs a float dtype, got i32");
}

} // namespace
} // namespace tfc
