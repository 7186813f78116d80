//===- WeightConversionTest.cpp - Weights converted once, at load --------===//
//
// Format version 3 lets an external weight's file store another float type
// than the weight (a bf16 weight whose safetensors file holds f32): the
// element conversions (round to nearest even, against the compiler's own
// _Float16 where there is one), the records' round trip and validation,
// binding (the source dtype or the weight's own; anything else is refused
// with both named), and the converted bytes the session uploads.
//
//===----------------------------------------------------------------------===//

#include "Safetensors.h"
#include "TestArtifacts.h"
#include "WeightBinding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tfc {
namespace {

using artifact::ArtifactWriter;
using artifact::DType;
using rt::Status;
using rt::WeightBindOptions;
using rt::WeightSource;
using test::SafetensorsEntry;

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

uint16_t toBf16(float value) {
  uint16_t out;
  rt::convertFloatElements(&value, DType::F32, &out, DType::BF16, 1);
  return out;
}

uint16_t toF16(float value) {
  uint16_t out;
  rt::convertFloatElements(&value, DType::F32, &out, DType::F16, 1);
  return out;
}

float fromHalf(uint16_t h, DType dtype) {
  float out;
  rt::convertFloatElements(&h, dtype, &out, DType::F32, 1);
  return out;
}

/// bf16 by the definition: the nearer of the two bf16 values around `value`
/// (computed in double), the even one on a tie. Not for NaN.
uint16_t referenceBf16(float value) {
  uint32_t bits = bitsOf(value);
  uint32_t down = bits & 0xffff0000u, up = down + 0x10000u;
  double distanceDown = std::fabs(double(value) - double(floatOf(down)));
  // Rounding up past the largest finite value gives infinity.
  double upValue = (up & 0x7fffffffu) >= 0x7f800000u
                       ? std::ldexp(1.0, 128) * (value < 0 ? -1 : 1)
                       : double(floatOf(up));
  double distanceUp = std::fabs(upValue - double(value));
  if (distanceDown < distanceUp ||
      (distanceDown == distanceUp && ((down >> 16) & 1) == 0))
    return static_cast<uint16_t>(down >> 16);
  return static_cast<uint16_t>(up >> 16);
}

TEST(WeightConversion, F32ToBf16RoundsToNearestEven) {
  EXPECT_EQ(0x3f80u, toBf16(1.0f));
  EXPECT_EQ(0x8000u, toBf16(-0.0f));
  // Ties go to the even neighbour; above a tie rounds up.
  EXPECT_EQ(0x3f80u, toBf16(floatOf(0x3f808000u)));
  EXPECT_EQ(0x3f82u, toBf16(floatOf(0x3f818000u)));
  EXPECT_EQ(0x3f81u, toBf16(floatOf(0x3f808001u)));
  EXPECT_EQ(0x3dcdu, toBf16(0.1f));
  // Beyond bf16's largest finite value: infinity (as a kernel's cast).
  EXPECT_EQ(0x7f80u, toBf16(std::numeric_limits<float>::max()));
  EXPECT_EQ(0xff80u, toBf16(-std::numeric_limits<float>::infinity()));
  // NaN stays NaN, also a signalling one whose payload is in the low bits.
  for (uint32_t nan : {0x7fc00000u, 0x7f800001u, 0xff800001u}) {
    uint16_t h = toBf16(floatOf(nan));
    EXPECT_EQ(0x7f80u, h & 0x7f80u) << std::hex << nan;
    EXPECT_NE(0u, h & 0x007fu) << std::hex << nan;
  }
  std::mt19937 random(7);
  for (int i = 0; i < 200000; ++i) {
    float value = floatOf(static_cast<uint32_t>(random()));
    if (std::isnan(value)) {
      ASSERT_TRUE(std::isnan(fromHalf(toBf16(value), DType::BF16)));
      continue;
    }
    ASSERT_EQ(referenceBf16(value), toBf16(value))
        << std::hex << bitsOf(value);
  }
}

TEST(WeightConversion, F32ToF16RoundsToNearestEven) {
  EXPECT_EQ(0x3c00u, toF16(1.0f));
  EXPECT_EQ(0x2e66u, toF16(0.1f));
  EXPECT_EQ(0x3c00u, toF16(1.0f + std::ldexp(1.0f, -11))); // tie: even
  EXPECT_EQ(0x3c02u, toF16(1.0f + 3 * std::ldexp(1.0f, -11)));
  EXPECT_EQ(0x7bffu, toF16(65504.0f));
  EXPECT_EQ(0x7bffu, toF16(65519.0f));
  EXPECT_EQ(0x7c00u, toF16(65520.0f)); // rounds past the largest: inf
  EXPECT_EQ(0xfc00u, toF16(-1e6f));
  EXPECT_EQ(0x0400u, toF16(std::ldexp(1.0f, -14))); // smallest normal
  EXPECT_EQ(0x0001u, toF16(std::ldexp(1.0f, -24))); // smallest subnormal
  EXPECT_EQ(0x0000u, toF16(std::ldexp(1.0f, -25)));     // tie: even (0)
  EXPECT_EQ(0x0002u, toF16(3 * std::ldexp(1.0f, -25))); // tie: even (2)
  EXPECT_EQ(0x8000u, toF16(-std::ldexp(1.0f, -26)));
  uint16_t nan = toF16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(0x7c00u, nan & 0x7c00u);
  EXPECT_NE(0u, nan & 0x03ffu);
#if defined(__FLT16_MAX__)
  // Against the compiler's own conversion (round to nearest even).
  std::mt19937 random(11);
  for (int i = 0; i < 200000; ++i) {
    float value = floatOf(static_cast<uint32_t>(random()));
    if (std::isnan(value))
      continue;
    _Float16 expected = static_cast<_Float16>(value);
    uint16_t expectedBits;
    std::memcpy(&expectedBits, &expected, sizeof(expectedBits));
    ASSERT_EQ(expectedBits, toF16(value)) << std::hex << bitsOf(value);
  }
#endif
}

TEST(WeightConversion, HalfTypesWidenExactly) {
  EXPECT_EQ(1.0f, fromHalf(0x3c00u, DType::F16));
  EXPECT_EQ(65504.0f, fromHalf(0x7bffu, DType::F16));
  EXPECT_EQ(std::ldexp(1.0f, -24), fromHalf(0x0001u, DType::F16));
  EXPECT_EQ(-std::ldexp(1.0f, -14), fromHalf(0x8400u, DType::F16));
  EXPECT_TRUE(std::signbit(fromHalf(0x8000u, DType::F16)));
  EXPECT_EQ(-std::numeric_limits<float>::infinity(),
            fromHalf(0xfc00u, DType::F16));
  EXPECT_TRUE(std::isnan(fromHalf(0x7e00u, DType::F16)));
  EXPECT_EQ(1.0f, fromHalf(0x3f80u, DType::BF16));
  EXPECT_EQ(floatOf(0x3dcd0000u), fromHalf(0x3dcdu, DType::BF16));
  // Every f16 survives f16 -> f32 -> f16, and bf16 -> f16 rounds once.
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    uint16_t in = static_cast<uint16_t>(h), out;
    rt::convertFloatElements(&in, DType::F16, &out, DType::F16, 1);
    ASSERT_EQ(in, out);
    float wide = fromHalf(in, DType::F16);
    if (std::isnan(wide))
      continue;
    ASSERT_EQ(in, toF16(wide)) << std::hex << h;
  }
  uint16_t bf = 0x3f80u, half;
  rt::convertFloatElements(&bf, DType::BF16, &half, DType::F16, 1);
  EXPECT_EQ(0x3c00u, half);
}

//===----------------------------------------------------------------------===//
// An artifact with weights converted at load
//===----------------------------------------------------------------------===//

const float kValues[6] = {1.0f, -0.1f, 3.14159f, 65520.0f, -2.5e-8f, 0.0f};

std::string f32Bytes(const float *values, size_t count) {
  return std::string(reinterpret_cast<const char *>(values),
                     count * sizeof(float));
}

/// Weight 0 'wq': bf16[2x3] from f32 tensor 'wq' of convert.safetensors;
/// weight 1 'wr': f16[6] from f32 bytes at offset 8 of raw.bin; weight 2
/// 'wd': bf16[2] read as it is.
ArtifactWriter makeConvertingWriter() {
  ArtifactWriter w("sm_90a");
  uint32_t q = w.addSafetensorsWeight("wq", DType::BF16, {2, 3},
                                      "convert.safetensors", "wq");
  w.setWeightSourceDType(q, DType::F32);
  uint32_t r = w.addExternalWeight("wr", DType::F16, {6}, "raw.bin", "wr", 8);
  w.setWeightSourceDType(r, DType::F32);
  w.addSafetensorsWeight("wd", DType::BF16, {2}, "convert.safetensors", "wd");
  return w;
}

class ConvertedWeights : public ::testing::Test {
protected:
  void SetUp() override {
    dir = test::makeTempDir();
    writeFiles({{"wq", "F32", {2, 3}, f32Bytes(kValues, 6)},
                {"wd", "BF16", {2}, std::string("\x80\x3f\x00\xc0", 4)}});
    test::writeBytes(dir + "/raw.bin",
                     std::string(8, '\0') + f32Bytes(kValues, 6));
    load(makeConvertingWriter().serialize());
  }

  void writeFiles(const std::vector<SafetensorsEntry> &tensors) {
    test::writeBytes(dir + "/convert.safetensors",
                     test::safetensorsFile(tensors));
  }

  void load(const std::string &bytes) {
    Status status = rt::loadArtifact(
        std::vector<uint8_t>(bytes.begin(), bytes.end()), dir, artifact);
    ASSERT_FALSE(status.failed()) << status.message();
  }

  Status bind(const WeightBindOptions &options,
              std::vector<WeightSource> &sources) {
    return rt::bindWeights(*artifact, options, sources);
  }

  /// The bytes the session would upload for weight `index`, read in pieces
  /// of `chunkBytes`.
  std::string upload(const WeightSource &source, size_t index,
                     size_t chunkBytes) {
    const rt::LoadedWeight &weight = artifact->weights[index];
    std::string out(weight.tensor.byteSize, '\xee');
    Status status = rt::readWeightData(
        weight, source, "weight", chunkBytes,
        [&](const void *data, uint64_t offset, size_t bytes) {
          EXPECT_LE(offset + bytes, out.size());
          std::memcpy(&out[offset], data, bytes);
          return Status::success();
        });
    EXPECT_FALSE(status.failed()) << status.message();
    return out;
  }

  std::string expected(DType dtype) {
    std::string out(12, '\0');
    rt::convertFloatElements(kValues, DType::F32, &out[0], dtype, 6);
    return out;
  }

  std::string dir;
  std::shared_ptr<const rt::Artifact> artifact;
};

TEST_F(ConvertedWeights, RoundTripAndVersion) {
  EXPECT_EQ(3u, artifact->version);
  ASSERT_EQ(3u, artifact->weights.size());
  EXPECT_EQ(DType::F32, artifact->weights[0].sourceDtype);
  EXPECT_TRUE(artifact->weights[0].convertedAtLoad());
  EXPECT_EQ(12u, artifact->weights[0].tensor.byteSize);
  EXPECT_EQ(24u, artifact->weights[0].sourceByteSize());
  EXPECT_EQ(DType::F32, artifact->weights[1].sourceDtype);
  EXPECT_FALSE(artifact->weights[2].convertedAtLoad());
  EXPECT_EQ(DType::BF16, artifact->weights[2].sourceDtype);
  std::string text = rt::describeArtifact(*artifact);
  for (const char *line :
       {"tfcm format version 3, ",
        "  #0 'wq': bf16[2x3], 12 bytes, safetensors 'convert.safetensors' "
        "tensor 'wq', stored as f32 (24 bytes), converted to bf16 at load\n",
        "  #1 'wr': f16[6], 12 bytes, external 'raw.bin' tensor 'wr' at 8, "
        "stored as f32 (24 bytes), converted to f16 at load\n",
        "  #2 'wd': bf16[2], 4 bytes, safetensors 'convert.safetensors' "
        "tensor 'wd'\n"})
    EXPECT_NE(std::string::npos, text.find(line)) << line << "\nin:\n" << text;
}

TEST_F(ConvertedWeights, BindAndConvertAtUpload) {
  std::vector<WeightSource> sources;
  Status status = bind({}, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(DType::F32, sources[0].fileDtype);
  EXPECT_EQ(DType::F32, sources[1].fileDtype);
  EXPECT_EQ(8u, sources[1].offset);
  EXPECT_EQ(DType::BF16, sources[2].fileDtype);
  // One piece, and pieces of one element (5 bytes: whole elements only).
  for (size_t chunk : {size_t(64) << 20, size_t(5)}) {
    EXPECT_EQ(expected(DType::BF16), upload(sources[0], 0, chunk));
    EXPECT_EQ(expected(DType::F16), upload(sources[1], 1, chunk));
    EXPECT_EQ(std::string("\x80\x3f\x00\xc0", 4), upload(sources[2], 2, chunk));
  }
  // 65520 is past f16's largest value, -2.5e-8 a subnormal that rounds to
  // -2^-25 -> -0.
  std::string half = expected(DType::F16);
  EXPECT_EQ('\x7c', half[7]);
  EXPECT_EQ('\x00', half[6]);
}

TEST_F(ConvertedWeights, AFileThatHoldsTheWeightsTypeBindsDirectly) {
  std::string bf16(12, '\0');
  rt::convertFloatElements(kValues, DType::F32, &bf16[0], DType::BF16, 6);
  writeFiles({{"wq", "BF16", {2, 3}, bf16},
              {"wd", "BF16", {2}, std::string(4, '\x01')}});
  std::vector<WeightSource> sources;
  Status status = bind({}, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(DType::BF16, sources[0].fileDtype);
  EXPECT_EQ(bf16, upload(sources[0], 0, 7));
  // The same through a file given at load time.
  std::string given = test::makeTempDir() + "/given.safetensors";
  test::writeBytes(given, test::safetensorsFile(
                              {{"wq", "F32", {2, 3}, f32Bytes(kValues, 6)},
                               {"wr", "F16", {6}, std::string(12, '\x02')},
                               {"wd", "BF16", {2}, std::string(4, '\x03')}}));
  WeightBindOptions options;
  options.weightFiles = {given};
  status = bind(options, sources);
  ASSERT_FALSE(status.failed()) << status.message();
  EXPECT_EQ(DType::F32, sources[0].fileDtype);
  EXPECT_EQ(DType::F16, sources[1].fileDtype);
  EXPECT_EQ(std::string(12, '\x02'), upload(sources[1], 1, 1 << 20));
  EXPECT_EQ(expected(DType::BF16), upload(sources[0], 0, 1 << 20));
}

TEST_F(ConvertedWeights, OtherDtypesAreRefused) {
  writeFiles({{"wq", "I64", {2, 3}, std::string(48, '\0')},
              {"wd", "BF16", {2}, std::string(4, '\0')}});
  std::vector<WeightSource> sources;
  Status status = bind({}, sources);
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, status.code());
  EXPECT_NE(std::string::npos,
            status.message().find(
                "weight 0 'wq': tensor 'wq' of '" + dir +
                "/convert.safetensors' is I64; the artifact needs bf16 "
                "(BF16) or f32 (F32, converted to bf16 at load)"))
      << status.message();
  // A weight the artifact does not convert takes only its own dtype.
  writeFiles({{"wq", "F32", {2, 3}, f32Bytes(kValues, 6)},
              {"wd", "F32", {2}, std::string(8, '\0')}});
  status = bind({}, sources);
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, status.code());
  EXPECT_NE(std::string::npos,
            status.message().find("weight 2 'wd': tensor 'wd' of '" + dir +
                                  "/convert.safetensors' is F32; the artifact "
                                  "needs bf16 (BF16)"))
      << status.message();
  EXPECT_EQ(std::string::npos, status.message().find("converted"))
      << status.message();
}

TEST_F(ConvertedWeights, RawFileMustHoldTheSourceBytes) {
  // 6 f32 values need 24 bytes at offset 8; 12 (the bf16 size) are short.
  test::writeBytes(dir + "/raw.bin", std::string(8 + 23, '\0'));
  std::vector<WeightSource> sources;
  Status status = bind({}, sources);
  EXPECT_EQ(TFC_ERROR_EXTERNAL_WEIGHTS, status.code());
  EXPECT_NE(std::string::npos,
            status.message().find("weight 1 'wr': external weights file '" +
                                  dir + "/raw.bin' has 31 bytes; the weight "
                                        "needs bytes [8, +24)"))
      << status.message();
}

//===----------------------------------------------------------------------===//
// Validation of the source dtype field
//===----------------------------------------------------------------------===//

Status loadBytes(const std::string &bytes) {
  std::shared_ptr<const rt::Artifact> artifact;
  return rt::loadArtifact(std::vector<uint8_t>(bytes.begin(), bytes.end()),
                          ".", artifact);
}

void expectInvalid(const std::string &bytes, tfcStatus code,
                   const std::string &needle) {
  Status status = loadBytes(bytes);
  EXPECT_EQ(code, status.code()) << status.message();
  EXPECT_NE(std::string::npos, status.message().find(needle))
      << "message: " << status.message() << "\nexpected: " << needle;
}

TEST(ConvertedWeightValidation, ImpossibleConversionsAreRefused) {
  ArtifactWriter w("sm_90a");
  uint32_t i = w.addSafetensorsWeight("ids", DType::BF16, {4}, "w.safetensors",
                                      "ids");
  w.setWeightSourceDType(i, DType::I64);
  expectInvalid(w.serialize(), TFC_ERROR_INVALID_ARTIFACT,
                "weight 0 'ids': the runtime cannot convert i64 in the "
                "weights file to bf16 at load (only f32, f16 and bf16 "
                "convert to one another)");

  ArtifactWriter toInt("sm_90a");
  i = toInt.addExternalWeight("n", DType::I32, {4}, "w.bin", "n", 0);
  toInt.setWeightSourceDType(i, DType::F32);
  expectInvalid(toInt.serialize(), TFC_ERROR_INVALID_ARTIFACT,
                "weight 0 'n': the runtime cannot convert f32 in the weights "
                "file to i32 at load");

  ArtifactWriter inlineWeight("sm_90a");
  i = inlineWeight.addInlineWeight("w", DType::BF16, {2}, std::string(4, 0));
  inlineWeight.setWeightSourceDType(i, DType::F32);
  expectInvalid(inlineWeight.serialize(), TFC_ERROR_INVALID_ARTIFACT,
                "weight 0 'w': an inline weight has source dtype f32; only "
                "external weights are converted at load");

  ArtifactWriter unknown("sm_90a");
  i = unknown.addExternalWeight("w", DType::BF16, {2}, "w.bin", "w", 0);
  unknown.spec().weights[i].sourceDtype = 42;
  expectInvalid(unknown.serialize(), TFC_ERROR_INVALID_ARTIFACT,
                "weight 0 'w': source dtype 42 is not a dtype (1 to 8)");
}

TEST(ConvertedWeightValidation, TheFieldIsReservedBeforeVersion3) {
  ArtifactWriter w = makeConvertingWriter();
  std::string bytes = w.serialize();
  uint32_t version = 2;
  std::memcpy(&bytes[offsetof(tfcmHeader, version)], &version,
              sizeof(version));
  test::refreshChecksum(bytes);
  expectInvalid(bytes, TFC_ERROR_INVALID_ARTIFACT,
                "weight 0 'wq': reserved field is 1");
}

} // namespace
} // namespace tfc
