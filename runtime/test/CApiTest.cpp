//===- CApiTest.cpp - The C API of libtfcrt without a GPU -----------------===//
//
// Loading, validation errors with their codes and thread-local messages,
// queries of inputs/outputs/launches, the description, and that creating a
// session fails cleanly where no CUDA driver or GPU exists.
//
//===----------------------------------------------------------------------===//

#include "TestArtifacts.h"

#include "tfc/tfc_runtime.h"

#include <gtest/gtest.h>
#include <thread>

extern "C" int tfcTestHeadersCompileAsC(void);

namespace tfc {
namespace {

class CApi : public ::testing::Test {
protected:
  void SetUp() override {
    dir = test::makeWeightsDir();
    path = dir + "/model.tfcm";
    std::string error;
    ASSERT_TRUE(test::makeRepresentativeWriter().writeFile(path, error))
        << error;
    ASSERT_EQ(TFC_OK, tfcArtifactLoadFile(path.c_str(), &artifact))
        << tfcGetLastErrorMessage();
  }
  void TearDown() override { tfcArtifactRelease(artifact); }

  std::string dir, path;
  tfcArtifact *artifact = nullptr;
};

TEST_F(CApi, HeadersCompileAsC) {
  EXPECT_EQ(2 + 14 + 1 + 1 + 3, tfcTestHeadersCompileAsC());
}

TEST_F(CApi, Queries) {
  EXPECT_STREQ("sm_90a", tfcArtifactTargetArch(artifact));
  ASSERT_EQ(2u, tfcArtifactInputCount(artifact));
  ASSERT_EQ(3u, tfcArtifactOutputCount(artifact));
  ASSERT_EQ(4u, tfcArtifactLaunchCount(artifact));

  tfcTensorInfo info;
  ASSERT_EQ(TFC_OK, tfcArtifactGetInput(artifact, 0, &info));
  EXPECT_STREQ("a", info.name);
  EXPECT_EQ(uint32_t(TFCM_DTYPE_F32), info.dtype);
  ASSERT_EQ(2u, info.rank);
  EXPECT_EQ(4, info.shape[0]);
  EXPECT_EQ(8, info.shape[1]);
  EXPECT_EQ(128u, info.byteSize);
  ASSERT_EQ(TFC_OK, tfcArtifactGetOutput(artifact, 1, &info));
  EXPECT_STREQ("mask", info.name);
  EXPECT_EQ(uint32_t(TFCM_DTYPE_BOOL), info.dtype);

  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcArtifactGetOutput(artifact, 3, &info));
  EXPECT_NE(nullptr,
            std::strstr(tfcGetLastErrorMessage(), "index 3 is out of range"));

  uint32_t index = 99;
  ASSERT_EQ(TFC_OK, tfcArtifactFindInput(artifact, "ids", &index));
  EXPECT_EQ(1u, index);
  ASSERT_EQ(TFC_OK, tfcArtifactFindOutput(artifact, "w_copy", &index));
  EXPECT_EQ(2u, index);
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcArtifactFindInput(artifact, "nope", &index));
  EXPECT_STREQ("the artifact has no input named 'nope'",
               tfcGetLastErrorMessage());

  EXPECT_STREQ("vadd", tfcArtifactLaunchName(artifact, 0));
  EXPECT_STREQ("memcpy", tfcArtifactLaunchName(artifact, 2));
  EXPECT_EQ(nullptr, tfcArtifactLaunchName(artifact, 4));

  std::string text = tfcArtifactDescribe(artifact);
  EXPECT_NE(std::string::npos, text.find("target: sm_90a\n")) << text;
  EXPECT_NE(std::string::npos, text.find("launches (4):\n")) << text;
}

TEST_F(CApi, LoadErrorsCarryCodeAndMessage) {
  tfcArtifact *other = nullptr;
  EXPECT_EQ(TFC_ERROR_IO,
            tfcArtifactLoadFile((dir + "/missing.tfcm").c_str(), &other));
  EXPECT_NE(nullptr,
            std::strstr(tfcGetLastErrorMessage(), "cannot open artifact"));
  EXPECT_EQ(nullptr, other);

  std::string bytes = test::readBytes(path);
  bytes[bytes.size() / 2] ^= 0x10;
  EXPECT_EQ(
      TFC_ERROR_CHECKSUM,
      tfcArtifactLoadMemory(bytes.data(), bytes.size(), dir.c_str(), &other));
  EXPECT_NE(nullptr,
            std::strstr(tfcGetLastErrorMessage(), "checksum mismatch"));

  bytes = test::readBytes(path);
  EXPECT_EQ(TFC_ERROR_TRUNCATED,
            tfcArtifactLoadMemory(bytes.data(), 100, dir.c_str(), &other));
  // Weight files are not opened at load; relative to the current folder,
  // binding them fails.
  ASSERT_EQ(TFC_OK,
            tfcArtifactLoadMemory(bytes.data(), bytes.size(), nullptr, &other))
      << tfcGetLastErrorMessage();
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, tfcArtifactCheckWeights(other, nullptr));
  EXPECT_NE(nullptr, std::strstr(tfcGetLastErrorMessage(),
                                 "weight 2 'emb': external weights file "
                                 "'weights.bin' is missing"))
      << tfcGetLastErrorMessage();
  tfcArtifactRelease(other);
  ASSERT_EQ(TFC_OK, tfcArtifactLoadMemory(bytes.data(), bytes.size(),
                                          dir.c_str(), &other))
      << tfcGetLastErrorMessage();
  EXPECT_EQ(TFC_OK, tfcArtifactCheckWeights(other, nullptr))
      << tfcGetLastErrorMessage();
  tfcArtifactRelease(other);

  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, tfcArtifactLoadFile(nullptr, &other));
  EXPECT_STREQ("tfcArtifactLoadFile: path is NULL", tfcGetLastErrorMessage());
}

TEST_F(CApi, Weights) {
  ASSERT_EQ(4u, tfcArtifactWeightCount(artifact));
  tfcWeightInfo info;
  ASSERT_EQ(TFC_OK, tfcArtifactGetWeight(artifact, 1, &info));
  EXPECT_STREQ("bias", info.tensor.name);
  EXPECT_EQ(uint32_t(TFCM_WEIGHT_INLINE), info.storage);
  EXPECT_STREQ("", info.externalPath);
  EXPECT_EQ(256u, info.dataOffset);
  ASSERT_EQ(TFC_OK, tfcArtifactGetWeight(artifact, 2, &info));
  EXPECT_STREQ("emb", info.tensor.name);
  EXPECT_EQ(uint32_t(TFCM_DTYPE_BF16), info.tensor.dtype);
  ASSERT_EQ(2u, info.tensor.rank);
  EXPECT_EQ(4, info.tensor.shape[1]);
  EXPECT_EQ(16u, info.tensor.byteSize);
  EXPECT_EQ(uint32_t(TFCM_WEIGHT_EXTERNAL), info.storage);
  EXPECT_STREQ("weights.bin", info.externalPath);
  EXPECT_EQ(64u, info.dataOffset);
  ASSERT_EQ(TFC_OK, tfcArtifactGetWeight(artifact, 3, &info));
  EXPECT_EQ(uint32_t(TFCM_WEIGHT_SAFETENSORS), info.storage);
  EXPECT_STREQ("weights.safetensors", info.externalPath);
  EXPECT_STREQ("pos_table", info.externalName);
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, tfcArtifactGetWeight(artifact, 4, &info));
  EXPECT_STREQ("tfcArtifactGetWeight: index 4 is out of range (4)",
               tfcGetLastErrorMessage());
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcArtifactGetWeight(artifact, 0, nullptr));
}

TEST_F(CApi, CheckWeightsWithGivenFiles) {
  EXPECT_EQ(TFC_OK, tfcArtifactCheckWeights(artifact, nullptr))
      << tfcGetLastErrorMessage();

  std::string other = test::makeTempDir();
  std::string given = other + "/given.safetensors";
  test::writeBytes(given,
                   test::safetensorsFile(
                       {{"pos_table", "F32", {2, 2}, std::string(16, '\0')}}));
  const char *files[] = {given.c_str()};
  tfcSessionOptions options{};
  options.weightFiles = files;
  options.weightFileCount = 1;
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS,
            tfcArtifactCheckWeights(artifact, &options));
  EXPECT_EQ("weight 2 'emb': no tensor 'emb' in the weights file '" + given +
                "' (1 tensors)",
            std::string(tfcGetLastErrorMessage()));
  // A session binds its weights before it looks for a GPU.
  tfcSession *session = nullptr;
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS,
            tfcSessionCreate(artifact, &options, &session));
  EXPECT_EQ(nullptr, session);

  test::writeBytes(given,
                   test::safetensorsFile(
                       {{"pos_table", "F32", {2, 2}, std::string(16, '\0')},
                        {"emb", "BF16", {2, 4}, std::string(16, '\0')}}));
  EXPECT_EQ(TFC_OK, tfcArtifactCheckWeights(artifact, &options))
      << tfcGetLastErrorMessage();

  // The artifact's own files, in another folder.
  options.weightFileCount = 0;
  options.weightsDir = other.c_str();
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS,
            tfcArtifactCheckWeights(artifact, &options));
  EXPECT_NE(nullptr, std::strstr(tfcGetLastErrorMessage(), other.c_str()));

  options.weightFileCount = 1;
  options.weightFiles = nullptr;
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcArtifactCheckWeights(artifact, &options));
  EXPECT_STREQ("tfcArtifactCheckWeights: options->weightFiles is NULL",
               tfcGetLastErrorMessage());
  const char *nullFile[] = {nullptr};
  options.weightFiles = nullFile;
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcSessionCreate(artifact, &options, &session));
  EXPECT_STREQ("tfcSessionCreate: options->weightFiles[0] is NULL",
               tfcGetLastErrorMessage());
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, tfcArtifactCheckWeights(nullptr, nullptr));
}

TEST_F(CApi, LastErrorIsPerThread) {
  tfcArtifact *other = nullptr;
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, tfcArtifactLoadFile(nullptr, &other));
  std::string seenByOtherThread = "unset";
  std::thread([&] { seenByOtherThread = tfcGetLastErrorMessage(); }).join();
  EXPECT_EQ("", seenByOtherThread);
  EXPECT_STREQ("tfcArtifactLoadFile: path is NULL", tfcGetLastErrorMessage());
}

TEST_F(CApi, StatusNames) {
  EXPECT_STREQ("TFC_OK", tfcStatusName(TFC_OK));
  EXPECT_STREQ("TFC_ERROR_NO_COMPATIBLE_IMAGE",
               tfcStatusName(TFC_ERROR_NO_COMPATIBLE_IMAGE));
  EXPECT_STREQ("TFC_ERROR_UNKNOWN", tfcStatusName(static_cast<tfcStatus>(99)));
}

TEST_F(CApi, SessionWithoutGpuFailsCleanly) {
  tfcSession *session = nullptr;
  tfcStatus status = tfcSessionCreate(artifact, nullptr, &session);
  if (status == TFC_OK) {
    tfcSessionRelease(session);
    GTEST_SKIP() << "a GPU is present; the fake images even loaded";
  }
  EXPECT_EQ(nullptr, session);
  EXPECT_NE(std::string(tfcGetLastErrorMessage()), "");
  if (status == TFC_ERROR_CUDA_UNAVAILABLE) {
    EXPECT_NE(nullptr, std::strstr(tfcGetLastErrorMessage(), "CUDA"))
        << tfcGetLastErrorMessage();
  }
  // The artifact stays usable.
  EXPECT_EQ(2u, tfcArtifactInputCount(artifact));
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, tfcSessionRun(nullptr));
}

} // namespace
} // namespace tfc
