//===- SafetensorsTest.cpp - Reading safetensors headers ------------------===//
//
// Valid files (metadata, escapes, every dtype, padding), every error of the
// header checks with its message, and files cut at every length or with
// random bytes changed, which must be refused or read, never crash (run
// with TFC_RUNTIME_SANITIZE to see out-of-bounds reads).
//
//===----------------------------------------------------------------------===//

#include "Safetensors.h"
#include "TestArtifacts.h"

#include <gtest/gtest.h>

namespace tfc {
namespace {

using rt::SafetensorsFile;
using rt::Status;
using test::SafetensorsEntry;

class Safetensors : public ::testing::Test {
protected:
  void SetUp() override { dir = test::makeTempDir(); }

  std::string write(const std::string &bytes, const std::string &name = "t") {
    std::string path = dir + "/" + name + ".safetensors";
    test::writeBytes(path, bytes);
    return path;
  }

  /// A file whose header is `json` (as given) followed by `dataBytes` bytes.
  std::string writeHeader(const std::string &json, size_t dataBytes = 64) {
    uint64_t length = json.size();
    std::string bytes(reinterpret_cast<const char *>(&length), 8);
    return write(bytes + json + std::string(dataBytes, '\0'));
  }

  void expectError(const std::string &path, const std::string &needle) {
    SafetensorsFile file;
    Status status = rt::readSafetensorsFile(path, file);
    EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, status.code()) << status.message();
    EXPECT_NE(std::string::npos, status.message().find(needle))
        << "message: " << status.message()
        << "\nexpected to contain: " << needle;
    EXPECT_EQ(0u, status.message().find("safetensors file '" + path + "': "))
        << status.message();
  }

  void expectHeaderError(const std::string &json, const std::string &needle) {
    SCOPED_TRACE(json);
    expectError(writeHeader(json), needle);
  }

  std::string dir;
};

TEST_F(Safetensors, ReadsAValidFile) {
  std::vector<SafetensorsEntry> tensors = {
      {"a", "F32", {2, 3}, std::string(24, '\1')},
      {"scalar", "BF16", {}, std::string(2, '\2')},
      {"empty", "I64", {0, 4}, ""},
      {"name with \"quotes\" and \\", "BOOL", {5}, std::string(5, '\1')}};
  std::string path = write(
      test::safetensorsFile(tensors, R"({"format":"pt","note":"\u00e9\ud83d\ude00"})"));
  SafetensorsFile file;
  Status status = rt::readSafetensorsFile(path, file);
  ASSERT_FALSE(status.failed()) << status.message();
  ASSERT_EQ(4u, file.tensors.size());
  EXPECT_EQ(0u, (file.dataStart - 8) % 8) << "header padded to 8 bytes";
  const rt::SafetensorsTensor *a = file.find("a");
  ASSERT_NE(nullptr, a);
  EXPECT_EQ("F32", a->dtype);
  EXPECT_EQ((std::vector<int64_t>{2, 3}), a->shape);
  EXPECT_EQ(0u, a->begin);
  EXPECT_EQ(24u, a->end);
  const rt::SafetensorsTensor *scalar = file.find("scalar");
  ASSERT_NE(nullptr, scalar);
  EXPECT_TRUE(scalar->shape.empty());
  EXPECT_EQ(24u, scalar->begin);
  EXPECT_NE(nullptr, file.find("empty"));
  EXPECT_NE(nullptr, file.find("name with \"quotes\" and \\"));
  EXPECT_EQ(nullptr, file.find("b"));
  EXPECT_EQ(test::readBytes(path).size(), file.fileSize);
}

TEST_F(Safetensors, ElementSizes) {
  EXPECT_EQ(4u, rt::safetensorsDTypeSize("F32"));
  EXPECT_EQ(2u, rt::safetensorsDTypeSize("BF16"));
  EXPECT_EQ(8u, rt::safetensorsDTypeSize("F64"));
  EXPECT_EQ(1u, rt::safetensorsDTypeSize("F8_E4M3"));
  EXPECT_EQ(0u, rt::safetensorsDTypeSize("f32"));
  EXPECT_STREQ("BOOL", rt::safetensorsDTypeName(artifact::DType::Bool));
  EXPECT_STREQ("I64", rt::safetensorsDTypeName(artifact::DType::I64));
}

TEST_F(Safetensors, FileErrors) {
  expectError(dir + "/none.safetensors", "cannot open it: No such file");
  expectError(write("abc"), "the file is truncated: it has 3 bytes; the "
                            "header length alone needs 8");
  expectError(write(std::string("\x00\x00\x00\x00\x00\x00\x00\x10", 8)),
              "not a safetensors file: its first 8 bytes give a header length "
              "of 1152921504606846976 bytes (2 to 104857600 expected)");
  expectError(write(std::string("\x20\x00\x00\x00\x00\x00\x00\x00{}", 10)),
              "the file is truncated: it has 10 bytes; its header needs 8 + "
              "32");
  expectError(writeHeader("[1, 2]"),
              "not a safetensors file: the header does not start with '{'");
  // An ONNX external data file is raw bytes, not safetensors.
  expectError(write(std::string(4096, '\x3f')),
              "not a safetensors file: its first 8 bytes give a header length");
}

TEST_F(Safetensors, HeaderErrors) {
  expectHeaderError("{\"a\": {\"dtype\": \"F32\"", "header is not valid JSON: "
                                                    "expected ',' or '}' in a "
                                                    "JSON object at byte 21");
  expectHeaderError("{} x", "unexpected 'x' at byte 3 after the end");
  expectHeaderError("{\"a\": 1}", "tensor 'a' is a number; it must be an "
                                  "object with dtype, shape and data_offsets");
  expectHeaderError("{\"__metadata__\": [], \"a\": {}}",
                    "'__metadata__' is an array; it must be an object");
  expectHeaderError("{\"a\": {\"shape\": [], \"data_offsets\": [0, 4]}}",
                    "tensor 'a' has no dtype string");
  expectHeaderError("{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}",
                    "tensor 'a' has no shape array");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
      "tensor 'a' has shape entry 0 '-1'; dims must be non-negative integers");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}",
      "has shape entry 0 '1.5'");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}",
      "tensor 'a' has no data_offsets [begin, end] of two non-negative "
      "integers");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}",
      "tensor 'a' has data_offsets [8, 4]; begin is after end");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 20]}}",
      "tensor 'a' spans 20 bytes (data_offsets [0, 20]); F32 with 2 dims of 6 "
      "elements needs 24");
  expectHeaderError("{\"a\": {\"dtype\": \"F32\", \"shape\": "
                    "[4294967296, 4294967296, 16], \"data_offsets\": [0, 4]}}",
                    "needs more than 2^64");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, "
      "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
      "tensor 'a' appears twice in the header");
  expectHeaderError(
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [32], \"data_offsets\": [0, 128]}}",
      "the file is truncated: it has ");
  std::string deep(100, '[');
  expectHeaderError("{\"a\": " + deep + "}", "JSON nested deeper than 64");
  expectHeaderError("{\"a\u0001\": 1}", "control character inside a JSON "
                                        "string");
  expectHeaderError("{\"\\ud800\": 1}", "unpaired surrogate");
  expectHeaderError("{\"\\q\": 1}", "invalid escape '\\q'");
}

TEST_F(Safetensors, UnknownDTypesAreReadNotSizeChecked) {
  std::string path = writeHeader(
      "{\"a\": {\"dtype\": \"I4\", \"shape\": [8], \"data_offsets\": [0, 4]}}");
  SafetensorsFile file;
  Status status = rt::readSafetensorsFile(path, file);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ("I4", file.find("a")->dtype);
}

TEST_F(Safetensors, TruncatedAtEveryLengthIsRefused) {
  std::string bytes = test::safetensorsFile(test::representativeSafetensors());
  for (size_t length = 0; length < bytes.size(); ++length) {
    SCOPED_TRACE("length " + std::to_string(length));
    SafetensorsFile file;
    Status status =
        rt::readSafetensorsFile(write(bytes.substr(0, length)), file);
    ASSERT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, status.code());
    EXPECT_NE(std::string::npos, status.message().find("the file is truncated"))
        << status.message();
  }
}

TEST_F(Safetensors, RandomCorruptionNeverCrashes) {
  std::string good = test::safetensorsFile(test::representativeSafetensors());
  uint64_t state = 0x2545f4914f6cdd1dull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = good;
    int edits = 1 + static_cast<int>(next() % 3);
    for (int e = 0; e < edits; ++e) {
      // Mostly the header, where the structure is.
      size_t at = next() % (next() % 4 == 0 ? bytes.size() : 8 + 200);
      bytes[at % bytes.size()] = static_cast<char>(next());
    }
    SafetensorsFile file;
    Status status = rt::readSafetensorsFile(write(bytes), file);
    if (status.failed()) {
      ++refused;
      EXPECT_FALSE(status.message().empty());
    }
  }
  EXPECT_GT(refused, 1000);
}

} // namespace
} // namespace tfc
