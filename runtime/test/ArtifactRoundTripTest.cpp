//===- ArtifactRoundTripTest.cpp - Writer -> reader round trip ------------===//
//
// Serializes artifacts with ArtifactWriter and checks that the reader gives
// back every field, every image and weight byte, and the layout promises
// (aligned sections and 256-byte aligned weight blobs).
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "LoadArtifact.h"
#include "TestArtifacts.h"

#include <gtest/gtest.h>

namespace tfc {
namespace {

using namespace tfc::artifact;
using rt::Artifact;
using rt::Status;

using test::loadBytes;

void expectTensor(const TensorSpec &expected, const rt::LoadedTensor &actual) {
  EXPECT_EQ(expected.name, actual.spec.name);
  EXPECT_EQ(expected.dtype, actual.spec.dtype);
  EXPECT_EQ(expected.shape, actual.spec.shape);
  EXPECT_EQ(expected.byteSize(), actual.byteSize);
}

TEST(ArtifactRoundTrip, RepresentativeArtifact) {
  ArtifactWriter writer = test::makeRepresentativeWriter();
  const ArtifactSpec &spec = writer.spec();
  std::string bytes = writer.serialize();
  std::string dir = test::makeWeightsDir();

  std::shared_ptr<const Artifact> artifact;
  Status status = loadBytes(bytes, dir, artifact);
  ASSERT_FALSE(status.failed()) << status.message();

  // Nothing is converted at load: the oldest version that holds it.
  EXPECT_EQ(2u, artifact->version);
  EXPECT_EQ(bytes.size(), artifact->bytes.size());
  EXPECT_EQ(spec.targetArch, artifact->targetArch);
  EXPECT_EQ(spec.arenaSize, artifact->arenaSize);
  EXPECT_EQ(spec.arenaAlignment, artifact->arenaAlignment);

  ASSERT_EQ(spec.modules.size(), artifact->modules.size());
  for (size_t i = 0; i < spec.modules.size(); ++i) {
    const ModuleSpec &expected = spec.modules[i];
    const rt::LoadedModule &actual = artifact->modules[i];
    EXPECT_EQ(expected.name, actual.name);
    ASSERT_EQ(expected.images.size(), actual.images.size());
    for (size_t j = 0; j < expected.images.size(); ++j) {
      const rt::LoadedImage &image = actual.images[j];
      EXPECT_EQ(expected.images[j].arch, image.arch);
      EXPECT_EQ(expected.images[j].format, image.format);
      EXPECT_EQ(expected.images[j].data,
                std::string(
                    reinterpret_cast<const char *>(artifact->imageBytes(image)),
                    image.dataSize));
    }
  }

  ASSERT_EQ(spec.kernels.size(), artifact->kernels.size());
  for (size_t i = 0; i < spec.kernels.size(); ++i) {
    EXPECT_EQ(spec.kernels[i].name, artifact->kernels[i].name);
    EXPECT_EQ(spec.kernels[i].module, artifact->kernels[i].module);
  }

  ASSERT_EQ(spec.inputs.size(), artifact->inputs.size());
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    expectTensor(spec.inputs[i], artifact->inputs[i]);
  ASSERT_EQ(spec.outputs.size(), artifact->outputs.size());
  for (size_t i = 0; i < spec.outputs.size(); ++i)
    expectTensor(spec.outputs[i], artifact->outputs[i]);

  ASSERT_EQ(spec.weights.size(), artifact->weights.size());
  for (size_t i = 0; i < spec.weights.size(); ++i) {
    const WeightSpec &expected = spec.weights[i];
    const rt::LoadedWeight &actual = artifact->weights[i];
    expectTensor(expected.tensor, actual.tensor);
    EXPECT_EQ(expected.storage, actual.storage);
    if (expected.storage == WeightStorage::Inline) {
      const uint8_t *data = artifact->inlineWeightBytes(actual);
      EXPECT_EQ(0u, (data - artifact->bytes.data()) % TFCM_WEIGHT_ALIGNMENT)
          << "inline blob is not 256-byte aligned in the file";
      EXPECT_EQ(expected.data, std::string(reinterpret_cast<const char *>(data),
                                           actual.tensor.byteSize));
    } else {
      EXPECT_EQ(expected.externalPath, actual.externalPath);
      EXPECT_EQ(expected.externalName, actual.externalName);
      EXPECT_EQ(expected.storage == WeightStorage::Safetensors
                    ? 0u
                    : expected.externalOffset,
                actual.dataOffset);
      EXPECT_EQ(dir + "/" + expected.externalPath,
                artifact->externalWeightPath(actual));
    }
  }

  ASSERT_EQ(spec.launches.size(), artifact->launches.size());
  for (size_t i = 0; i < spec.launches.size(); ++i) {
    const LaunchSpec &expected = spec.launches[i];
    const LaunchSpec &actual = artifact->launches[i];
    EXPECT_EQ(expected.kind, actual.kind);
    EXPECT_EQ(expected.kernel, actual.kernel);
    EXPECT_EQ(expected.grid, actual.grid);
    EXPECT_EQ(expected.block, actual.block);
    EXPECT_EQ(expected.sharedMemBytes, actual.sharedMemBytes);
    EXPECT_EQ(expected.args, actual.args);
    EXPECT_EQ(expected.copySrc, actual.copySrc);
    EXPECT_EQ(expected.copyDst, actual.copyDst);
    EXPECT_EQ(expected.copyBytes, actual.copyBytes);
  }
  EXPECT_EQ("launch 2 (memcpy)", artifact->launchLabel(2));
  EXPECT_EQ("launch 3 (kernel 'norm')", artifact->launchLabel(3));
}

TEST(ArtifactRoundTrip, ScalarArgumentsKeepTheirBits) {
  KernelArg f = KernelArg::f32(-1.5f);
  KernelArg i = KernelArg::i32(-7);
  KernelArg l = KernelArg::i64(-1);
  EXPECT_EQ(0xbfc00000u, f.scalarBits);
  EXPECT_EQ(0xfffffff9u, i.scalarBits);
  EXPECT_EQ(~uint64_t(0), l.scalarBits);
}

TEST(ArtifactRoundTrip, SectionsAreAlignedAndInOrder) {
  std::string bytes = test::makeRepresentativeWriter().serialize();
  uint32_t version;
  std::memcpy(&version, bytes.data() + offsetof(tfcmHeader, version), 4);
  uint64_t previousEnd = tfcmSectionTableEnd(version);
  for (uint32_t i = 0; i < tfcmSectionCount(version); ++i) {
    tfcmSection section =
        test::readSection(bytes, static_cast<tfcmSectionKind>(i));
    EXPECT_GE(section.offset, previousEnd);
    EXPECT_EQ(0u, section.offset % (i == TFCM_SECTION_WEIGHT_DATA
                                        ? TFCM_WEIGHT_ALIGNMENT
                                        : TFCM_SECTION_ALIGNMENT));
    previousEnd = section.offset + section.size;
  }
  EXPECT_EQ(bytes.size(), previousEnd);
}

TEST(ArtifactRoundTrip, SerializationIsDeterministic) {
  EXPECT_EQ(test::makeRepresentativeWriter().serialize(),
            test::makeRepresentativeWriter().serialize());
}

TEST(ArtifactRoundTrip, EmptyArtifact) {
  ArtifactWriter writer("sm_80");
  std::shared_ptr<const Artifact> artifact;
  Status status = loadBytes(writer.serialize(), ".", artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ("sm_80", artifact->targetArch);
  EXPECT_TRUE(artifact->launches.empty());
  EXPECT_EQ(0u, artifact->arenaSize);
}

TEST(ArtifactRoundTrip, WriteFileThenLoadFile) {
  std::string dir = test::makeWeightsDir();
  std::string path = dir + "/model.tfcm";
  std::string error;
  ASSERT_TRUE(test::makeRepresentativeWriter().writeFile(path, error)) << error;
  std::shared_ptr<const Artifact> artifact;
  Status status = rt::loadArtifactFile(path, artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(dir, artifact->baseDir);
  EXPECT_EQ(4u, artifact->weights.size());

  EXPECT_FALSE(test::makeRepresentativeWriter().writeFile(
      dir + "/no/such/folder/model.tfcm", error));
  EXPECT_NE(std::string::npos, error.find("cannot open")) << error;
}

TEST(ArtifactRoundTrip, DescribeListsEverything) {
  std::string dir = test::makeWeightsDir();
  std::shared_ptr<const Artifact> artifact;
  Status status =
      loadBytes(test::makeRepresentativeWriter().serialize(), dir, artifact);
  ASSERT_FALSE(status.failed()) << status.message();
  std::string text = rt::describeArtifact(*artifact);
  for (const char *line : {
           "target: sm_90a\n",
           "modules (2):\n",
           "  #0 'main': cubin sm_90a (300 bytes), ptx sm_80 (",
           "  #1 'extra': ptx sm_90 (",
           "  #2 'norm' in module 1\n",
           "buffer plan: arena 4096 bytes, alignment 256\n",
           "  #0 'a': f32[4x8], 128 bytes\n",
           "  #1 'mask': bool[4], 4 bytes\n",
           "  #0 'w': f16[8], 16 bytes, inline at 0\n",
           "  #1 'bias': f32[32], 128 bytes, inline at 256\n",
           "  #2 'emb': bf16[2x4], 16 bytes, external 'weights.bin' tensor "
           "'emb' at 64\n",
           "  #3 'pos': f32[2x2], 16 bytes, safetensors 'weights.safetensors' "
           "tensor 'pos_table'\n",
           "  #0 kernel 'vadd' grid (1, 1, 1) block (32, 1, 1) smem 0 args "
           "(input 0 'a'+0, weight 1 'bias'+0, arena+0[128], i32 32)\n",
           "  #1 kernel 'scale' grid (4, 1, 1) block (8, 1, 1) smem 0 args "
           "(arena+0[128], output 0 'y'+0, f32 0.5, i64 -3)\n",
           "  #2 memcpy 16 bytes weight 0 'w'+0 -> output 2 'w_copy'+0\n",
           "  #3 kernel 'norm' grid (2, 1, 1) block (64, 1, 1) smem 1024",
       })
    EXPECT_NE(std::string::npos, text.find(line))
        << "missing: " << line << "\nin:\n"
        << text;
}

} // namespace
} // namespace tfc
