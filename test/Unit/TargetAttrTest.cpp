//===- TargetAttrTest.cpp - unit tests of #tfc.target presets/overrides ---===//
//
// The presets are the only GPU numbers in the compiler and withOverride is
// how tfc-set-target edits them; both are tested here field by field.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using mlir::tfc::TargetAttr;

namespace {

class TargetAttrTest : public ::testing::Test {
protected:
  TargetAttrTest() {
    context.loadDialect<tfc::TfcDialect>();
    // Any diagnostic that escapes to the context is a test failure.
    context.getDiagEngine().registerHandler([this](Diagnostic &diag) {
      escaped.push_back(diag.str());
      return success();
    });
  }
  ~TargetAttrTest() override {
    EXPECT_TRUE(escaped.empty()) << "diagnostic escaped: " << escaped.front();
  }

  TargetAttr h100() { return TargetAttr::getPreset(&context, "sm_90a"); }

  /// Applies one override that must fail and returns its message.
  std::string overrideError(StringRef field, StringRef value) {
    std::string error;
    FailureOr<TargetAttr> result = h100().withOverride(field, value, error);
    EXPECT_TRUE(failed(result)) << field.str() << "=" << value.str();
    return error;
  }

  /// Applies one override that must succeed.
  TargetAttr withOverride(StringRef field, StringRef value) {
    std::string error;
    FailureOr<TargetAttr> result = h100().withOverride(field, value, error);
    EXPECT_TRUE(succeeded(result)) << field.str() << "=" << value.str()
                                   << ": " << error;
    return succeeded(result) ? *result : TargetAttr();
  }

  MLIRContext context;
  std::vector<std::string> escaped;
};

TEST_F(TargetAttrTest, PresetNames) {
  ArrayRef<StringRef> names = TargetAttr::getPresetNames();
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "sm_80");
  EXPECT_EQ(names[1], "sm_90a");
  EXPECT_EQ(names[2], "sm_90a-h200");
  for (StringRef name : names)
    EXPECT_TRUE(TargetAttr::getPreset(&context, name)) << name.str();
}

TEST_F(TargetAttrTest, UnknownPresetIsNull) {
  EXPECT_FALSE(TargetAttr::getPreset(&context, "sm_91"));
  EXPECT_FALSE(TargetAttr::getPreset(&context, ""));
  EXPECT_FALSE(TargetAttr::getPreset(&context, "SM_90A"));
}

TEST_F(TargetAttrTest, A100Preset) {
  TargetAttr t = TargetAttr::getPreset(&context, "sm_80");
  ASSERT_TRUE(t);
  EXPECT_EQ(t.getArch(), "sm_80");
  EXPECT_EQ(t.getSmCount(), 108);
  EXPECT_EQ(t.getSmemPerBlock(), 166912);
  EXPECT_EQ(t.getSmemPerSm(), 167936);
  EXPECT_EQ(t.getRegsPerSm(), 65536);
  EXPECT_EQ(t.getL2Bytes(), 40 * 1024 * 1024);
  EXPECT_EQ(t.getHbmBytesPerSecond(), 2039000000000);
  EXPECT_EQ(t.getPeakFlopsF32(), 19500000000000);
  EXPECT_EQ(t.getPeakFlopsF16(), 312000000000000);
  EXPECT_EQ(t.getPeakFlopsBf16(), 312000000000000);
  EXPECT_EQ(t.getPeakFlopsFp8(), 0); // no fp8 tensor cores on Ampere
}

TEST_F(TargetAttrTest, H100AndH200Presets) {
  TargetAttr h100 = TargetAttr::getPreset(&context, "sm_90a");
  TargetAttr h200 = TargetAttr::getPreset(&context, "sm_90a-h200");
  ASSERT_TRUE(h100 && h200);
  EXPECT_EQ(h100.getArch(), "sm_90a");
  EXPECT_EQ(h100.getSmCount(), 132);
  EXPECT_EQ(h100.getSmemPerBlock(), 227 * 1024);
  EXPECT_EQ(h100.getSmemPerSm(), 228 * 1024);
  EXPECT_EQ(h100.getL2Bytes(), 50 * 1024 * 1024);
  EXPECT_EQ(h100.getHbmBytesPerSecond(), 3350000000000);
  EXPECT_EQ(h100.getPeakFlopsFp8(), 1979000000000000);
  // The H200 is an H100 with more and faster HBM (and L2 as reported).
  EXPECT_EQ(h200.getArch(), "sm_90a");
  EXPECT_EQ(h200.getSmCount(), h100.getSmCount());
  EXPECT_EQ(h200.getSmemPerBlock(), h100.getSmemPerBlock());
  EXPECT_EQ(h200.getPeakFlopsBf16(), h100.getPeakFlopsBf16());
  EXPECT_EQ(h200.getHbmBytesPerSecond(), 4800000000000);
  EXPECT_EQ(h200.getL2Bytes(), 60 * 1024 * 1024);
  EXPECT_NE(h100, h200);
}

TEST_F(TargetAttrTest, PresetsVerify) {
  for (StringRef name : TargetAttr::getPresetNames()) {
    TargetAttr t = TargetAttr::getPreset(&context, name);
    auto emit = [&] { return emitError(UnknownLoc::get(&context)); };
    EXPECT_TRUE(succeeded(TargetAttr::verify(
        emit, t.getArch(), t.getSmCount(), t.getSmemPerBlock(),
        t.getSmemPerSm(), t.getRegsPerSm(), t.getL2Bytes(),
        t.getHbmBytesPerSecond(), t.getPeakFlopsF32(), t.getPeakFlopsF16(),
        t.getPeakFlopsBf16(), t.getPeakFlopsFp8())))
        << name.str();
  }
}

TEST_F(TargetAttrTest, OverrideEachFieldOnlyChangesThatField) {
  TargetAttr base = h100();
  // Each value differs from the preset's and keeps the attribute valid
  // (smem_per_block <= smem_per_sm).
  struct Case {
    StringRef field;
    int64_t (TargetAttr::*get)() const;
    int64_t value;
  } cases[] = {
      {"sm_count", &TargetAttr::getSmCount, 1024},
      {"smem_per_block", &TargetAttr::getSmemPerBlock, 1024},
      {"smem_per_sm", &TargetAttr::getSmemPerSm, 262144},
      {"regs_per_sm", &TargetAttr::getRegsPerSm, 1024},
      {"l2_bytes", &TargetAttr::getL2Bytes, 1024},
      {"hbm_bytes_per_second", &TargetAttr::getHbmBytesPerSecond, 1024},
      {"peak_flops_f32", &TargetAttr::getPeakFlopsF32, 1024},
      {"peak_flops_f16", &TargetAttr::getPeakFlopsF16, 1024},
      {"peak_flops_bf16", &TargetAttr::getPeakFlopsBf16, 1024},
      {"peak_flops_fp8", &TargetAttr::getPeakFlopsFp8, 1024},
  };
  for (const Case &c : cases) {
    TargetAttr t = withOverride(c.field, std::to_string(c.value));
    ASSERT_TRUE(t) << c.field.str();
    EXPECT_EQ((t.*c.get)(), c.value) << c.field.str();
    EXPECT_EQ(t.getArch(), base.getArch());
    for (const Case &other : cases) {
      if (other.field != c.field) {
        EXPECT_EQ((t.*other.get)(), (base.*other.get)())
            << other.field.str() << " changed by " << c.field.str();
      }
    }
  }
  // The attribute is immutable: the preset itself is unchanged.
  EXPECT_EQ(h100(), base);
  EXPECT_EQ(base.getSmCount(), 132);
}

TEST_F(TargetAttrTest, OverrideArch) {
  TargetAttr t = withOverride("arch", "sm_100a");
  ASSERT_TRUE(t);
  EXPECT_EQ(t.getArch(), "sm_100a");
  EXPECT_EQ(t.getSmCount(), 132);
}

TEST_F(TargetAttrTest, OverrideNumberForms) {
  EXPECT_EQ(withOverride("hbm_bytes_per_second", "3.35e12")
                .getHbmBytesPerSecond(),
            3350000000000);
  EXPECT_EQ(withOverride("hbm_bytes_per_second", "3350000000000")
                .getHbmBytesPerSecond(),
            3350000000000);
  EXPECT_EQ(withOverride("sm_count", "0x84").getSmCount(), 132);
  EXPECT_EQ(withOverride("l2_bytes", "5E7").getL2Bytes(), 50000000);
  EXPECT_EQ(withOverride("peak_flops_fp8", "0").getPeakFlopsFp8(), 0);
}

TEST_F(TargetAttrTest, OverrideRejectsNonIntegers) {
  EXPECT_EQ(overrideError("sm_count", "many"),
            "target field 'sm_count' expects an integer, got 'many'");
  EXPECT_EQ(overrideError("sm_count", ""),
            "target field 'sm_count' expects an integer, got ''");
  EXPECT_EQ(overrideError("sm_count", "3.5"),
            "target field 'sm_count' expects an integer, got '3.5'");
  EXPECT_EQ(overrideError("l2_bytes", "1e-3"),
            "target field 'l2_bytes' expects an integer, got '1e-3'");
  // Out of int64_t range and NaN: rejected, not cast (undefined behaviour).
  EXPECT_EQ(overrideError("l2_bytes", "1e30"),
            "target field 'l2_bytes' expects an integer, got '1e30'");
  EXPECT_EQ(overrideError("l2_bytes", "9.3e18"),
            "target field 'l2_bytes' expects an integer, got '9.3e18'");
  EXPECT_EQ(overrideError("l2_bytes", "nan"),
            "target field 'l2_bytes' expects an integer, got 'nan'");
  EXPECT_EQ(overrideError("l2_bytes", "inf"),
            "target field 'l2_bytes' expects an integer, got 'inf'");
}

TEST_F(TargetAttrTest, OverrideRejectsUnknownField) {
  std::string error = overrideError("smem", "1");
  EXPECT_EQ(error.rfind("unknown target field 'smem'; expected one of arch, "
                        "sm_count,",
                        0),
            0u)
      << error;
  EXPECT_NE(error.find("peak_flops_fp8"), std::string::npos) << error;
}

TEST_F(TargetAttrTest, OverrideIsVerified) {
  EXPECT_EQ(overrideError("smem_per_block", "300000"),
            "target smem_per_block (300000) exceeds smem_per_sm (233472)");
  EXPECT_EQ(overrideError("smem_per_sm", "1024"),
            "target smem_per_block (232448) exceeds smem_per_sm (1024)");
  EXPECT_EQ(overrideError("sm_count", "0"),
            "target sm_count must be positive, got 0");
  EXPECT_EQ(overrideError("regs_per_sm", "-1"),
            "target regs_per_sm must be positive, got -1");
  EXPECT_EQ(overrideError("hbm_bytes_per_second", "0"),
            "target hbm_bytes_per_second must be positive, got 0");
  EXPECT_EQ(overrideError("peak_flops_bf16", "-1"),
            "target peak_flops_bf16 must be non-negative, got -1");
  EXPECT_EQ(overrideError("arch", "gfx942"),
            "target arch must look like sm_<NN>[a], got 'gfx942'");
  EXPECT_EQ(overrideError("arch", "sm_"),
            "target arch must look like sm_<NN>[a], got 'sm_'");
}

TEST_F(TargetAttrTest, PeakFlopsByElementType) {
  Builder b(&context);
  TargetAttr t = h100();
  EXPECT_EQ(t.getPeakFlops(b.getF32Type()), 67e12);
  EXPECT_EQ(t.getPeakFlops(b.getF16Type()), 989e12);
  EXPECT_EQ(t.getPeakFlops(b.getBF16Type()), 989e12);
  EXPECT_EQ(t.getPeakFlops(b.getType<Float8E4M3FNType>()), 1979e12);
  EXPECT_EQ(t.getPeakFlops(b.getType<Float8E5M2Type>()), 1979e12);
  EXPECT_EQ(t.getPeakFlops(b.getF64Type()), 0);
  EXPECT_EQ(t.getPeakFlops(b.getI8Type()), 0);
}

} // namespace
