//===- CliTest.cpp - tfc-run as a user runs it, without a GPU -------------===//
//
// Runs the tfc-run binary on written artifacts and .npy files and checks its
// output and exit status: --inspect listings, corrupt and missing files,
// bad usage, and input files that do not match the artifact's signature.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"
#include "TestArtifacts.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <sys/wait.h>

namespace tfc {
namespace {

struct Result {
  int exitCode = -1;
  std::string output; // stdout and stderr
};

Result runTool(const std::string &arguments) {
  std::string command = std::string(TFC_RUN_PATH) + " " + arguments + " 2>&1";
  Result result;
  std::FILE *pipe = ::popen(command.c_str(), "r");
  if (!pipe)
    return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    result.output.append(buffer, n);
  int status = ::pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class Cli : public ::testing::Test {
protected:
  void SetUp() override {
    dir = test::makeWeightsDir();
    model = dir + "/model.tfcm";
    std::string error;
    ASSERT_TRUE(test::makeRepresentativeWriter().writeFile(model, error))
        << error;
  }

  std::string writeNpy(const std::string &name, const std::string &descr,
                       const std::vector<int64_t> &shape) {
    size_t bytes = npy::itemSize(descr);
    for (int64_t d : shape)
      bytes *= static_cast<size_t>(d);
    std::string data(bytes, '\0');
    std::string path = dir + "/" + name;
    std::string error;
    EXPECT_TRUE(
        npy::writeFile(path, descr, shape, data.data(), data.size(), error))
        << error;
    return path;
  }

  std::string dir, model;
};

TEST_F(Cli, InspectPrintsTheArtifact) {
  Result r = runTool("--inspect " + model);
  ASSERT_EQ(0, r.exitCode) << r.output;
  for (const char *line : {
           "tfcm format version 2, ",
           "target: sm_90a\n",
           "modules (2):\n",
           "  #0 'main': cubin sm_90a (300 bytes), ptx sm_80 (",
           "kernels (3):\n",
           "  #0 'vadd' in module 0\n",
           "buffer plan: arena 4096 bytes, alignment 256\n",
           "inputs (2):\n",
           "  #1 'ids': i64[4], 32 bytes\n",
           "outputs (3):\n",
           "  #2 'w_copy': f16[8], 16 bytes\n",
           "weights (4):\n",
           "external 'weights.bin' tensor 'emb' at 64\n",
           "safetensors 'weights.safetensors' tensor 'pos_table'\n",
           "external weights: 2 bound from the artifact's files; dtype, shape "
           "and size checked\n",
           "launches (4):\n",
           "  #2 memcpy 16 bytes weight 0 'w'+0 -> output 2 'w_copy'+0\n",
       })
    EXPECT_NE(std::string::npos, r.output.find(line))
        << "missing: " << line << "\nin:\n"
        << r.output;
}

TEST_F(Cli, CorruptArtifactFails) {
  std::string bytes = test::readBytes(model);
  bytes[bytes.size() - 3] ^= 0x01;
  std::string corrupt = dir + "/corrupt.tfcm";
  test::writeBytes(corrupt, bytes);
  for (const char *mode : {"--inspect ", ""}) {
    Result r = runTool(mode + corrupt);
    EXPECT_EQ(1, r.exitCode) << r.output;
    EXPECT_NE(std::string::npos, r.output.find("tfc-run: error: " + corrupt +
                                               ": checksum mismatch"))
        << r.output;
    EXPECT_NE(std::string::npos, r.output.find("[TFC_ERROR_CHECKSUM]"))
        << r.output;
  }
  test::writeBytes(corrupt, bytes.substr(0, 500));
  Result r = runTool(corrupt);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("artifact is truncated"))
      << r.output;
}

TEST_F(Cli, MissingArtifactAndExternalWeights) {
  Result r = runTool(dir + "/none.tfcm");
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("cannot open artifact"))
      << r.output;
  std::remove((dir + "/weights.bin").c_str());
  r = runTool("--inspect " + model);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("weights (4):")) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("external weights file '" + dir +
                                             "/weights.bin' is missing"))
      << r.output;
  EXPECT_NE(std::string::npos,
            r.output.find("pass --weights FILE.safetensors to bind the "
                          "weights by name from another file"))
      << r.output;
  // Running binds the weights before it looks for a GPU.
  std::string a = writeNpy("a.npy", "<f4", {4, 8});
  std::string ids = writeNpy("ids.npy", "<i8", {4});
  r = runTool(model + " --input a=" + a + " --input ids=" + ids);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("/weights.bin' is missing"))
      << r.output;
}

TEST_F(Cli, WeightsGivenAtLoadTime) {
  std::string other = test::makeTempDir();
  std::string given = other + "/given.safetensors";
  test::writeBytes(
      given, test::safetensorsFile(
                 {{"emb", "BF16", {2, 4}, std::string(16, '\0')},
                  {"pos_table", "F32", {2, 2}, std::string(16, '\0')}}));
  std::remove((dir + "/weights.bin").c_str());
  std::remove((dir + "/weights.safetensors").c_str());
  Result r = runTool("--inspect " + model + " --weights " + given);
  EXPECT_EQ(0, r.exitCode) << r.output;
  EXPECT_NE(std::string::npos,
            r.output.find("external weights: 2 bound from '" + given +
                          "'; dtype, shape and size checked"))
      << r.output;

  std::string wrong = other + "/wrong.safetensors";
  test::writeBytes(
      wrong, test::safetensorsFile(
                 {{"emb", "BF16", {8}, std::string(16, '\0')},
                  {"pos_table", "F32", {2, 2}, std::string(16, '\0')}}));
  r = runTool("--inspect " + model + " --weights " + wrong);
  EXPECT_EQ(1, r.exitCode) << r.output;
  EXPECT_NE(std::string::npos,
            r.output.find("tfc-run: error: weight 2 'emb': tensor 'emb' of '" +
                          wrong +
                          "' has shape [8]; the artifact needs [2, 4] "
                          "[TFC_ERROR_EXTERNAL_WEIGHTS]"))
      << r.output;
  EXPECT_EQ(std::string::npos, r.output.find("pass --weights")) << r.output;

  // The artifact's own files from another folder.
  r = runTool("--inspect " + model + " --weights-dir " + other);
  EXPECT_EQ(1, r.exitCode) << r.output;
  EXPECT_NE(std::string::npos,
            r.output.find("external weights file '" + other +
                          "/weights.bin' is missing"))
      << r.output;
  std::string full = test::makeWeightsDir();
  r = runTool("--inspect " + model + " --weights-dir " + full);
  EXPECT_EQ(0, r.exitCode) << r.output;

  r = runTool("--inspect " + model + " --weights");
  EXPECT_EQ(2, r.exitCode) << r.output;
  EXPECT_NE(std::string::npos,
            r.output.find("--weights expects a .safetensors file"));
}

TEST_F(Cli, UsageAndHelp) {
  Result r = runTool("--help");
  EXPECT_EQ(0, r.exitCode);
  for (const char *flag :
       {"--input NAME=FILE.npy", "--output-dir DIR", "--weights FILE",
        "--weights-dir DIR", "--no-graph", "--repeat N",
        "--warmup N", "--profile", "--inspect", "--device N", "TFC_NO_GRAPH"})
    EXPECT_NE(std::string::npos, r.output.find(flag)) << flag;
  r = runTool("");
  EXPECT_EQ(2, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("no model given")) << r.output;
  r = runTool(model + " --bogus");
  EXPECT_EQ(2, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("unknown option '--bogus'"));
  r = runTool(model + " --repeat 0");
  EXPECT_EQ(2, r.exitCode);
  r = runTool(model + " --input a");
  EXPECT_EQ(2, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("--input expects NAME=FILE.npy"));
}

TEST_F(Cli, RooflineOptions) {
  Result r = runTool("--help");
  for (const char *flag :
       {"--roofline FILE", "--peak-tflops X", "--peak-tflops-f32 X",
        "--copy-gbps X", "sorted by time lost to the roof",
        "device-to-device copy bandwidth"})
    EXPECT_NE(std::string::npos, r.output.find(flag)) << flag;
  r = runTool(model + " --roofline report.png");
  EXPECT_EQ(2, r.exitCode);
  EXPECT_NE(std::string::npos,
            r.output.find("--roofline expects a FILE.html or FILE.svg"))
      << r.output;
  r = runTool(model + " --roofline");
  EXPECT_EQ(2, r.exitCode);
  r = runTool(model + " --peak-tflops -3");
  EXPECT_EQ(2, r.exitCode);
  EXPECT_NE(std::string::npos,
            r.output.find("--peak-tflops expects a positive number"))
      << r.output;
  r = runTool(model + " --copy-gbps abc");
  EXPECT_EQ(2, r.exitCode);
  r = runTool("\"" + dir + "/m{rank}.tfcm\" --ranks 2 --roofline r.html");
  EXPECT_EQ(2, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("cannot be combined with --ranks"))
      << r.output;
}

TEST_F(Cli, InputsAreCheckedAgainstTheArtifact) {
  std::string a = writeNpy("a.npy", "<f4", {4, 8});
  std::string ids = writeNpy("ids.npy", "<i8", {4});
  std::string wrongDtype = writeNpy("a64.npy", "<i8", {4, 8});
  std::string wrongShape = writeNpy("a48.npy", "<f4", {4, 4});

  Result r = runTool(model + " --input a=" + a);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos,
            r.output.find("input 'ids' (i64 (4,)) is not given; pass --input "
                          "ids=FILE.npy"))
      << r.output;

  r = runTool(model + " --input a=" + wrongDtype + " --input ids=" + ids);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos,
            r.output.find("holds '<i8' (4, 8); the artifact expects f32 (4, 8) "
                          "('<f4' (4, 8))"))
      << r.output;

  r = runTool(model + " --input a=" + wrongShape + " --input ids=" + ids);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("holds '<f4' (4, 4)")) << r.output;

  r = runTool(model + " --input x=" + a);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos,
            r.output.find("--input 'x': the artifact has no such input"));

  r = runTool(model + " --input a=" + dir + "/none.npy --input ids=" + ids);
  EXPECT_EQ(1, r.exitCode);
  EXPECT_NE(std::string::npos, r.output.find("cannot open")) << r.output;

  // With matching inputs, only the GPU step can fail here (no driver, or the
  // test's fake images).
  r = runTool(model + " --input a=" + a + " --input ids=" + ids);
  EXPECT_EQ(1, r.exitCode) << r.output;
  EXPECT_NE(std::string::npos, r.output.find("tfc-run: error: ")) << r.output;
}

} // namespace
} // namespace tfc
