//===- TargetAttr.cpp - #tfc.target presets and overrides -------*- C++ -*-===//
//
// The one place where GPU numbers live: presets for the GPUs tfc targets and
// the field-by-field override used by `tfc-set-target`. Passes read the
// attribute; nothing else in the compiler hard-codes a GPU.
//
//===----------------------------------------------------------------------===//

#include "tfc/Dialect/TfcDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::tfc;

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef arch, int64_t smCount,
                                 int64_t smemPerBlock, int64_t smemPerSm,
                                 int64_t regsPerSm, int64_t l2Bytes,
                                 int64_t hbmBytesPerSecond, int64_t peakF32,
                                 int64_t peakF16, int64_t peakBf16,
                                 int64_t peakFp8) {
  // sm_<digits> with at most one suffix letter (sm_80, sm_90a, sm_100f).
  StringRef version = arch.starts_with("sm_") ? arch.drop_front(3) : "";
  StringRef digits = version.take_while(llvm::isDigit);
  StringRef suffix = version.drop_front(digits.size());
  if (digits.empty() || suffix.size() > 1 ||
      (!suffix.empty() && !llvm::isLower(suffix.front())))
    return emitError() << "target arch must look like sm_<NN>[a], got '" << arch
                       << "'";
  for (auto [name, value] : {std::pair<StringRef, int64_t>{"sm_count", smCount},
                             {"smem_per_block", smemPerBlock},
                             {"smem_per_sm", smemPerSm},
                             {"regs_per_sm", regsPerSm},
                             {"l2_bytes", l2Bytes}})
    if (value <= 0)
      return emitError() << "target " << name << " must be positive, got "
                         << value;
  if (smemPerBlock > smemPerSm)
    return emitError() << "target smem_per_block (" << smemPerBlock
                       << ") exceeds smem_per_sm (" << smemPerSm << ")";
  if (hbmBytesPerSecond <= 0)
    return emitError() << "target hbm_bytes_per_second must be positive, got "
                       << hbmBytesPerSecond;
  for (auto [name, value] : {std::pair<StringRef, int64_t>{"f32", peakF32},
                             {"f16", peakF16},
                             {"bf16", peakBf16},
                             {"fp8", peakFp8}})
    if (value < 0)
      return emitError() << "target peak_flops_" << name
                         << " must be non-negative, got " << value;
  return success();
}

ArrayRef<StringRef> TargetAttr::getPresetNames() {
  static const StringRef names[] = {"sm_80", "sm_90a", "sm_90a-h200"};
  return names;
}

TargetAttr TargetAttr::getPreset(MLIRContext *context, StringRef name) {
  constexpr int64_t kGiga = 1000000000;
  // Dense peak rates from the vendors' data sheets (no sparsity); HBM and L2
  // from the same sheets, L2 of the H200 as PyTorch reports it on our hosts.
  if (name == "sm_80") // A100 SXM 80GB
    return TargetAttr::get(context, "sm_80", 108, 166912, 167936, 65536,
                           41943040, 2039 * kGiga, 19500 * kGiga,
                           312000 * kGiga, 312000 * kGiga, 0);
  if (name == "sm_90a") // H100 SXM 80GB
    return TargetAttr::get(context, "sm_90a", 132, 232448, 233472, 65536,
                           52428800, 3350 * kGiga, 67000 * kGiga,
                           989000 * kGiga, 989000 * kGiga, 1979000 * kGiga);
  if (name == "sm_90a-h200") // H200 SXM 141GB
    return TargetAttr::get(context, "sm_90a", 132, 232448, 233472, 65536,
                           62914560, 4800 * kGiga, 67000 * kGiga,
                           989000 * kGiga, 989000 * kGiga, 1979000 * kGiga);
  return {};
}

FailureOr<TargetAttr> TargetAttr::withOverride(StringRef field, StringRef value,
                                               std::string &error) const {
  return withOverrides({{field, value}}, error);
}

FailureOr<TargetAttr>
TargetAttr::withOverrides(ArrayRef<std::pair<StringRef, StringRef>> fields,
                          std::string &error) const {
  StringRef arch = getArch();
  int64_t ints[] = {getSmCount(),       getSmemPerBlock(),
                    getSmemPerSm(),     getRegsPerSm(),
                    getL2Bytes(),       getHbmBytesPerSecond(),
                    getPeakFlopsF32(),  getPeakFlopsF16(),
                    getPeakFlopsBf16(), getPeakFlopsFp8()};
  // Apply every field first and verify once, so that the order of the
  // overrides does not matter (e.g. raising smem_per_block and smem_per_sm).
  for (auto [field, value] : fields) {
    int intIndex = llvm::StringSwitch<int>(field)
                       .Case("sm_count", 0)
                       .Case("smem_per_block", 1)
                       .Case("smem_per_sm", 2)
                       .Case("regs_per_sm", 3)
                       .Case("l2_bytes", 4)
                       .Case("hbm_bytes_per_second", 5)
                       .Case("peak_flops_f32", 6)
                       .Case("peak_flops_f16", 7)
                       .Case("peak_flops_bf16", 8)
                       .Case("peak_flops_fp8", 9)
                       .Default(-1);
    if (field == "arch") {
      arch = value;
    } else if (intIndex >= 0) {
      // Accept plain integers and exact scientific forms such as 3.35e12.
      double real;
      if (value.getAsInteger(0, ints[intIndex])) {
        // The range test comes first: casting a double outside int64_t (or a
        // NaN) to int64_t is undefined behaviour.
        if (value.getAsDouble(real) || !(real >= -0x1p63 && real < 0x1p63) ||
            real != static_cast<double>(static_cast<int64_t>(real))) {
          error = ("target field '" + field + "' expects an integer, got '" +
                   value + "'")
                      .str();
          return failure();
        }
        ints[intIndex] = static_cast<int64_t>(real);
      }
    } else {
      error =
          ("unknown target field '" + field +
           "'; expected one of arch, sm_count, smem_per_block, smem_per_sm, "
           "regs_per_sm, l2_bytes, hbm_bytes_per_second, peak_flops_f32, "
           "peak_flops_f16, peak_flops_bf16, peak_flops_fp8")
              .str();
      return failure();
    }
  }
  std::string message;
  auto emit = [&]() { return mlir::emitError(UnknownLoc::get(getContext())); };
  // Verify without emitting through the context: collect the message.
  ScopedDiagnosticHandler handler(getContext(), [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  auto attr = TargetAttr::getChecked(emit, getContext(), arch, ints[0], ints[1],
                                     ints[2], ints[3], ints[4], ints[5],
                                     ints[6], ints[7], ints[8], ints[9]);
  if (!attr) {
    error = message;
    return failure();
  }
  return attr;
}

double TargetAttr::getPeakFlops(Type elementType) const {
  if (elementType.isF32())
    return getPeakFlopsF32();
  if (elementType.isF16())
    return getPeakFlopsF16();
  if (elementType.isBF16())
    return getPeakFlopsBf16();
  if (isa<Float8E4M3FNType, Float8E5M2Type>(elementType))
    return getPeakFlopsFp8();
  return 0;
}
