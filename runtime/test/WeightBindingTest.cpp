//===- WeightBindingTest.cpp - Binding external weights to their files ----===//
//
// The representative artifact's external weights bound to the files it
// names (raw bytes at an offset; a safetensors tensor by name), to the same
// files in another folder, and to safetensors files given instead (one, or
// sharded); and every way binding fails, with its message.
//
//===----------------------------------------------------------------------===//

#include "Safetensors.h"
#include "TestArtifacts.h"
#include "WeightBinding.h"

#include <gtest/gtest.h>

namespace tfc {
namespace {

using rt::Status;
using rt::WeightBindOptions;
using rt::WeightSource;
using test::SafetensorsEntry;

class WeightBinding : public ::testing::Test {
protected:
  void SetUp() override {
    dir = test::makeWeightsDir();
    std::string bytes = test::makeRepresentativeWriter().serialize();
    Status status = rt::loadArtifact(
        std::vector<uint8_t>(bytes.begin(), bytes.end()), dir, artifact);
    ASSERT_FALSE(status.failed()) << status.message();
  }

  Status bind(const WeightBindOptions &options,
              std::vector<WeightSource> &sources) {
    return rt::bindWeights(*artifact, options, sources);
  }

  void expectError(const WeightBindOptions &options,
                   const std::string &needle) {
    std::vector<WeightSource> sources;
    Status status = bind(options, sources);
    EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, status.code()) << status.message();
    EXPECT_NE(std::string::npos, status.message().find(needle))
        << "message: " << status.message()
        << "\nexpected to contain: " << needle;
  }

  /// Replaces the artifact's safetensors file with one holding `tensors`.
  void rewriteSafetensors(const std::vector<SafetensorsEntry> &tensors) {
    test::writeBytes(dir + "/" + test::safetensorsWeightsFile(),
                     test::safetensorsFile(tensors));
  }

  /// A safetensors file in a fresh folder.
  std::string writeFile(const std::vector<SafetensorsEntry> &tensors,
                        const std::string &name = "given.safetensors") {
    std::string path = test::makeTempDir() + "/" + name;
    test::writeBytes(path, test::safetensorsFile(tensors));
    return path;
  }

  static SafetensorsEntry emb() {
    return {"emb", "BF16", {2, 4}, std::string(16, '\x11')};
  }
  static SafetensorsEntry pos() {
    return {"pos_table", "F32", {2, 2}, std::string(16, '\x22')};
  }

  std::string dir;
  std::shared_ptr<const rt::Artifact> artifact;
};

TEST_F(WeightBinding, TheArtifactsOwnFiles) {
  std::vector<WeightSource> sources;
  Status status = bind({}, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  ASSERT_EQ(4u, sources.size());
  EXPECT_EQ("", sources[0].path) << "inline";
  EXPECT_EQ("", sources[1].path) << "inline";
  EXPECT_EQ(dir + "/weights.bin", sources[2].path);
  EXPECT_EQ(test::externalWeightOffset, sources[2].offset);
  std::string file = test::readBytes(dir + "/weights.safetensors");
  EXPECT_EQ(dir + "/weights.safetensors", sources[3].path);
  // 'pos_table' follows the 24 bytes of 'unused'.
  EXPECT_EQ(file.size() - 16, sources[3].offset);
  EXPECT_EQ(file.substr(file.size() - 16), std::string("@ABCDEFGHIJKLMNO"));
}

TEST_F(WeightBinding, RawFileErrors) {
  std::remove((dir + "/weights.bin").c_str());
  expectError({}, "weight 2 'emb': external weights file '" + dir +
                      "/weights.bin' is missing: No such file or directory");
  test::writeBytes(dir + "/weights.bin",
                   std::string(test::externalWeightOffset + 15, '\0'));
  expectError({}, "weight 2 'emb': external weights file '" + dir +
                      "/weights.bin' has 79 bytes; the weight needs bytes "
                      "[64, +16)");
}

TEST_F(WeightBinding, SafetensorsFileErrors) {
  rewriteSafetensors({{"pos", "F32", {2, 2}, std::string(16, '\0')}});
  expectError({}, "weight 3 'pos': no tensor 'pos_table' in the weights file '" +
                      dir + "/weights.safetensors' (1 tensors)");
  rewriteSafetensors({{"pos_table", "F16", {2, 4}, std::string(16, '\0')}});
  expectError({}, "weight 3 'pos': tensor 'pos_table' of '" + dir +
                      "/weights.safetensors' is F16; the artifact needs f32 "
                      "(F32)");
  rewriteSafetensors({{"pos_table", "F32", {4}, std::string(16, '\0')}});
  expectError({}, "weight 3 'pos': tensor 'pos_table' of '" + dir +
                      "/weights.safetensors' has shape [4]; the artifact "
                      "needs [2, 2]");
  std::string bytes = test::safetensorsFile({pos()});
  test::writeBytes(dir + "/weights.safetensors",
                   bytes.substr(0, bytes.size() - 1));
  expectError({}, "weight 3 'pos': safetensors file '" + dir +
                      "/weights.safetensors': the file is truncated: it has");
  std::remove((dir + "/weights.safetensors").c_str());
  expectError({}, "weight 3 'pos': safetensors file '" + dir +
                      "/weights.safetensors': cannot open it");
}

TEST_F(WeightBinding, AnotherFolder) {
  WeightBindOptions options;
  options.weightsDir = test::makeTempDir();
  expectError(options, "external weights file '" + options.weightsDir +
                           "/weights.bin' is missing");
  options.weightsDir = test::makeWeightsDir();
  std::vector<WeightSource> sources;
  Status status = bind(options, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(options.weightsDir + "/weights.safetensors", sources[3].path);
}

TEST_F(WeightBinding, GivenFilesBindEveryExternalWeightByName) {
  // The artifact's own files are not needed then.
  std::remove((dir + "/weights.bin").c_str());
  std::remove((dir + "/weights.safetensors").c_str());
  WeightBindOptions options;
  options.weightFiles = {writeFile({pos(), emb()})};
  std::vector<WeightSource> sources;
  Status status = bind(options, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  std::string file = test::readBytes(options.weightFiles[0]);
  EXPECT_EQ(options.weightFiles[0], sources[2].path);
  EXPECT_EQ(file.size() - 16, sources[2].offset); // 'emb' comes second
  EXPECT_EQ(options.weightFiles[0], sources[3].path);
  EXPECT_EQ(file.size() - 32, sources[3].offset);
  EXPECT_EQ("", sources[0].path) << "inline weights stay inline";

  // Sharded: each tensor in its own file.
  options.weightFiles = {writeFile({pos()}, "a.safetensors"),
                         writeFile({emb()}, "b.safetensors")};
  status = bind(options, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(options.weightFiles[1], sources[2].path);
  EXPECT_EQ(options.weightFiles[0], sources[3].path);
}

TEST_F(WeightBinding, GivenFileErrors) {
  WeightBindOptions options;
  options.weightFiles = {writeFile({pos()})};
  expectError(options, "weight 2 'emb': no tensor 'emb' in the weights file '" +
                           options.weightFiles[0] + "' (1 tensors)");
  options.weightFiles = {writeFile({pos()}, "a.safetensors"),
                         writeFile({pos(), emb()}, "b.safetensors")};
  expectError(options, "tensor 'pos_table' is in two weights files, '" +
                           options.weightFiles[0] + "' and '" +
                           options.weightFiles[1] + "'");
  options.weightFiles = {writeFile({pos()}, "a.safetensors"),
                         writeFile({}, "b.safetensors")};
  expectError(options, "no tensor 'emb' in the weights files '" +
                           options.weightFiles[0] + "', '" +
                           options.weightFiles[1] + "' (1 tensors)");
  options.weightFiles = {
      writeFile({pos(), {"emb", "F32", {2, 4}, std::string(32, '\0')}})};
  expectError(options, "weight 2 'emb': tensor 'emb' of '" +
                           options.weightFiles[0] +
                           "' is F32; the artifact needs bf16 (BF16)");
  options.weightFiles = {dir + "/weights.bin"};
  expectError(options, "safetensors file '" + dir +
                           "/weights.bin': not a safetensors file");
  options.weightFiles = {dir + "/none.safetensors"};
  expectError(options, "cannot open it: No such file or directory");
}

TEST_F(WeightBinding, GivenFilesUseTheWeightsNameWithoutAnExternalName) {
  artifact::ArtifactWriter writer("sm_90a");
  writer.addExternalWeight("h.0.w", artifact::DType::F32, {2}, "model.data",
                           "", 0);
  std::string bytes = writer.serialize();
  std::shared_ptr<const rt::Artifact> bare;
  ASSERT_FALSE(rt::loadArtifact(std::vector<uint8_t>(bytes.begin(), bytes.end()),
                                dir, bare)
                   .failed());
  WeightBindOptions options;
  options.weightFiles = {writeFile({{"h.0.w", "F32", {2}, std::string(8, 1)}})};
  std::vector<WeightSource> sources;
  Status status = rt::bindWeights(*bare, options, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(options.weightFiles[0], sources[0].path);
}

} // namespace
} // namespace tfc
