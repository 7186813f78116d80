//===- TensorParallelTest.cpp - Tensor-parallel artifacts without a GPU ---===//
//
// Format version 4: the tensor-parallel rank in the meta record and the
// all-reduce launches round-trip, are described and validated; a group's
// artifacts are checked against each other (rank order, group size,
// signatures, collectives) and a rank's artifact refuses to run alone, all
// before any GPU is touched.
//
//===----------------------------------------------------------------------===//

#include "Artifact.h"
#include "TestArtifacts.h"

#include "tfc/tfc_runtime.h"

#include <gtest/gtest.h>

namespace tfc {
namespace {

using namespace tfc::artifact;

/// Rank `rank` of `ranks`: a matmul-like kernel writes a partial into the
/// arena, an all-reduce sums it, a kernel writes the output.
ArtifactWriter makeRank(uint32_t rank, uint32_t ranks,
                        uint64_t reduceBytes = 128) {
  ArtifactWriter w("sm_90a");
  w.setArena(4096, 256);
  uint32_t module = w.addModule("main");
  w.addModuleImage(module, "sm_90a", ImageFormat::Cubin, test::fakeCubin(300));
  uint32_t matmul = w.addKernel("matmul", module);
  uint32_t add = w.addKernel("add", module);
  uint32_t x = w.addInput("x", DType::F32, {4, 8});
  uint32_t y = w.addOutput("y", DType::F32, {4, 8});
  uint32_t weight = w.addInlineWeight("w", DType::F32, {8, 4},
                                      std::string(128, char('\x10' + rank)));
  w.addKernelLaunch(matmul, {1, 1, 1}, {32, 1, 1}, 0,
                    {KernelArg::buffer(BufferRef::input(x)),
                     KernelArg::buffer(BufferRef::weight(weight)),
                     KernelArg::buffer(BufferRef::arena(0, 128))});
  if (ranks)
    w.addAllReduce(BufferRef::arena(0, reduceBytes), reduceBytes, DType::F32);
  w.addKernelLaunch(add, {1, 1, 1}, {32, 1, 1}, 0,
                    {KernelArg::buffer(BufferRef::arena(0, 128)),
                     KernelArg::buffer(BufferRef::output(y))});
  if (ranks)
    w.setTensorParallel(rank, ranks);
  return w;
}

std::shared_ptr<const rt::Artifact> load(const ArtifactWriter &w,
                                         rt::Status *status = nullptr) {
  std::string bytes = w.serialize();
  std::shared_ptr<const rt::Artifact> artifact;
  rt::Status s = rt::loadArtifact(
      std::vector<uint8_t>(bytes.begin(), bytes.end()), "", artifact);
  if (status)
    *status = s;
  else
    EXPECT_FALSE(s.failed()) << s.message();
  return artifact;
}

void expectInvalid(const ArtifactWriter &w, const std::string &needle) {
  rt::Status status = rt::Status::success();
  load(w, &status);
  ASSERT_TRUE(status.failed()) << "expected: " << needle;
  EXPECT_EQ(TFC_ERROR_INVALID_ARTIFACT, status.code());
  EXPECT_NE(std::string::npos, status.message().find(needle))
      << "message: " << status.message() << "\nexpected: " << needle;
}

TEST(TensorParallelFormat, RoundTripAndDescribe) {
  ArtifactWriter w = makeRank(1, 2);
  EXPECT_EQ(4u, requiredFormatVersion(w.spec()));
  EXPECT_EQ(2u, requiredFormatVersion(makeRank(0, 0).spec()));
  auto artifact = load(w);
  EXPECT_EQ(4u, artifact->version);
  EXPECT_EQ(1u, artifact->tensorParallelRank);
  EXPECT_EQ(2u, artifact->tensorParallelRanks);
  ASSERT_EQ(3u, artifact->launches.size());
  const LaunchSpec &reduce = artifact->launches[1];
  EXPECT_EQ(LaunchKind::AllReduce, reduce.kind);
  EXPECT_EQ(BufferRef::arena(0, 128), reduce.copyDst);
  EXPECT_EQ(128u, reduce.copyBytes);
  EXPECT_EQ(DType::F32, reduce.collectiveDtype);
  EXPECT_EQ("launch 1 (all-reduce)", artifact->launchLabel(1));
  std::string text = rt::describeArtifact(*artifact);
  EXPECT_NE(std::string::npos, text.find("tensor parallel: rank 1 of 2\n"))
      << text;
  EXPECT_NE(std::string::npos,
            text.find("#1 all-reduce (sum over 2 ranks) 128 bytes of f32 at "
                      "arena+0"))
      << text;
}

TEST(TensorParallelFormat, Validation) {
  {
    ArtifactWriter w = makeRank(0, 2);
    w.spec().tensorParallelRanks = 0;
    w.spec().tensorParallelRank = 0;
    expectInvalid(w, "launch 1 (all-reduce): an all-reduce in an artifact "
                     "that is not part of a tensor-parallel group");
  }
  {
    ArtifactWriter w = makeRank(2, 2);
    expectInvalid(w, "meta: tensor-parallel rank 2 of 2 ranks");
  }
  {
    ArtifactWriter w = makeRank(0, 1);
    expectInvalid(w, "meta: tensor-parallel rank 0 of 1 ranks");
  }
  {
    ArtifactWriter w = makeRank(0, 2);
    w.spec().launches[1].collectiveDtype = DType::I64;
    expectInvalid(w, "launch 1 (all-reduce): element type i64 (");
  }
  {
    ArtifactWriter w = makeRank(0, 2);
    w.spec().launches[1].copyBytes = 130;
    w.spec().launches[1].copyDst.extent = 130;
    expectInvalid(w, "launch 1 (all-reduce): 130 bytes is not a positive "
                     "whole number of f32 elements");
  }
  {
    ArtifactWriter w = makeRank(0, 2);
    w.spec().launches[1].copyDst = BufferRef::weight(0);
    expectInvalid(w, "launch 1 (all-reduce): the buffer must be the arena or "
                     "an output");
  }
  {
    ArtifactWriter w = makeRank(0, 2);
    w.spec().launches[1].copyDst = BufferRef::arena(4000);
    expectInvalid(w, "launch 1 (all-reduce) buffer: 128 bytes from offset "
                     "4000 run past the end of arena (4096 bytes)");
  }
  {
    // The writer leaves the field 0 on other launches: patch the bytes.
    std::string bytes = makeRank(0, 2).serialize();
    test::patchRecord<tfcmLaunch>(bytes, TFCM_SECTION_LAUNCHES, 0,
                                  offsetof(tfcmLaunch, collectiveDtype),
                                  uint32_t(1));
    test::refreshChecksum(bytes);
    std::shared_ptr<const rt::Artifact> artifact;
    rt::Status status = rt::loadArtifact(
        std::vector<uint8_t>(bytes.begin(), bytes.end()), "", artifact);
    ASSERT_TRUE(status.failed());
    EXPECT_EQ("launch 0 (kernel 'matmul'): collective dtype 1 set on a "
              "launch that is not an all-reduce",
              status.message());
  }
}

/// The C API over artifacts made by makeRank.
class Group : public ::testing::Test {
protected:
  tfcArtifact *make(const ArtifactWriter &w) {
    std::string bytes = w.serialize();
    tfcArtifact *a = nullptr;
    EXPECT_EQ(TFC_OK, tfcArtifactLoadMemory(bytes.data(), bytes.size(), "", &a))
        << tfcGetLastErrorMessage();
    owned.push_back(a);
    return a;
  }
  void TearDown() override {
    for (tfcArtifact *a : owned)
      tfcArtifactRelease(a);
  }
  void expectGroupError(std::vector<tfcArtifact *> list, tfcStatus code,
                        const std::string &needle) {
    EXPECT_EQ(code, tfcGroupCheckArtifacts(list.data(), list.size()));
    std::string message = tfcGetLastErrorMessage();
    EXPECT_NE(std::string::npos, message.find(needle))
        << "message: " << message << "\nexpected: " << needle;
    // tfcGroupCreate refuses the same way, before touching a GPU.
    tfcGroup *group = nullptr;
    EXPECT_EQ(code, tfcGroupCreate(list.data(), nullptr, list.size(), &group));
    EXPECT_EQ(nullptr, group);
  }
  std::vector<tfcArtifact *> owned;
};

TEST_F(Group, ArtifactsInRankOrder) {
  tfcArtifact *r0 = make(makeRank(0, 2)), *r1 = make(makeRank(1, 2));
  std::vector<tfcArtifact *> good = {r0, r1};
  EXPECT_EQ(TFC_OK, tfcGroupCheckArtifacts(good.data(), 2))
      << tfcGetLastErrorMessage();
  expectGroupError({r1, r0}, TFC_ERROR_INVALID_ARGUMENT,
                   "rank 0: the artifact is rank 1 of a group of 2, not rank "
                   "0 of 2 (give the ranks' artifacts in rank order)");
  expectGroupError({r0}, TFC_ERROR_INVALID_ARGUMENT,
                   "a tensor-parallel group needs at least 2 ranks, got 1");
  expectGroupError({r0, r1, make(makeRank(2, 3))}, TFC_ERROR_INVALID_ARGUMENT,
                   "rank 0: the artifact is rank 0 of a group of 2, not rank "
                   "0 of 3");
  expectGroupError({make(makeRank(0, 0)), r1}, TFC_ERROR_INVALID_ARGUMENT,
                   "rank 0: the artifact is a single-GPU one; compile rank 0 "
                   "with tfc-compile tensor-parallel=2 rank=0");
  expectGroupError({r0, make(makeRank(1, 2, /*reduceBytes=*/64))},
                   TFC_ERROR_INVALID_ARGUMENT,
                   "rank 1 makes 1 all-reduces and rank 0 1, or of other "
                   "sizes");
}

TEST_F(Group, SignaturesMustAgree) {
  ArtifactWriter other = makeRank(1, 2);
  other.spec().inputs[0].name = "z";
  expectGroupError({make(makeRank(0, 2)), make(other)},
                   TFC_ERROR_INVALID_ARGUMENT,
                   "rank 1's inputs (z:f32[4x8]) differ from rank 0's "
                   "(x:f32[4x8])");
}

TEST_F(Group, DevicesMustDiffer) {
  tfcArtifact *list[2] = {make(makeRank(0, 2)), make(makeRank(1, 2))};
  tfcSessionOptions o0 = {}, o1 = {};
  o0.device = o1.device = 3;
  const tfcSessionOptions *options[2] = {&o0, &o1};
  tfcGroup *group = nullptr;
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcGroupCreate(list, options, 2, &group));
  EXPECT_STREQ("ranks 0 and 1 are both on device 3; every rank needs a GPU "
               "of its own",
               tfcGetLastErrorMessage());
}

TEST_F(Group, RankArtifactDoesNotRunAlone) {
  tfcSession *session = nullptr;
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcSessionCreate(make(makeRank(1, 2)), nullptr, &session));
  EXPECT_STREQ("the artifact is rank 1 of a tensor-parallel group of 2; run "
               "it with the other ranks' artifacts in a group "
               "(tfcGroupCreate, tfc-run --ranks)",
               tfcGetLastErrorMessage());
  EXPECT_EQ(nullptr, session);
}

TEST_F(Group, NullArguments) {
  tfcGroup *group = nullptr;
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT,
            tfcGroupCreate(nullptr, nullptr, 2, &group));
  EXPECT_EQ(TFC_ERROR_INVALID_ARGUMENT, tfcGroupRun(nullptr));
  EXPECT_EQ(nullptr, tfcGroupSession(nullptr, 0));
  EXPECT_EQ(0u, tfcGroupSize(nullptr));
  EXPECT_STREQ("TFC_ERROR_NCCL", tfcStatusName(TFC_ERROR_NCCL));
  EXPECT_NE(std::string(), tfcNcclVersion());
}

} // namespace
} // namespace tfc
