//===- Roofline.h - tfc-run's roofline report ------------------*- C++ -*-===//
//
// Places every kernel of a profiled run on a roofline of measured ceilings:
// arithmetic intensity from the compiler's predicted FLOPs and HBM bytes
// (artifact format v6), achieved throughput from the measured time. Writes
// a standalone SVG (log-log plot) or an HTML page (the SVG embedded, the
// ceilings and where they came from, and a table of kernels sorted by the
// time they lose to the roof). No GPU and no plotting library: plain text.
//
//===----------------------------------------------------------------------===//
#ifndef TFC_RUN_ROOFLINE_H
#define TFC_RUN_ROOFLINE_H

#include <cstdint>
#include <string>
#include <vector>

namespace tfc {
namespace roofline {

/// One launch of the profiled run.
struct Kernel {
  uint32_t launch = 0;   ///< Index in the launch list
  std::string symbol;    ///< Kernel entry symbol ("k12_matmul"), "memcpy"
  std::string family;    ///< Compiler's fusion kind; "" when not predicted
  std::string node;      ///< ONNX node the kernel is named after, or ""
  double hbmBytes = 0;   ///< Predicted minimum HBM traffic
  double vectorFlops = 0;
  double matrixFlops = 0;
  std::string matrixDtype; ///< "bf16", "f32", ...; "" without matrix work
  double milliseconds = 0; ///< Measured (launch by launch, CUDA events)

  double flops() const { return vectorFlops + matrixFlops; }
  bool predicted() const { return !family.empty(); }
};

/// The roofs and where each number came from.
struct Ceilings {
  double bytesPerSecond = 0; ///< Memory roof; 0: unknown
  std::string bandwidthSource;
  /// Compute roof of 16-bit matrix work (and of everything without a rate
  /// of its own); 0: unknown, then only the memory roof bounds a kernel.
  double flopsPerSecond = 0;
  std::string computeSource;
  /// Compute roof of kernels whose matrix work is f32; 0: use
  /// flopsPerSecond.
  double f32FlopsPerSecond = 0;
  std::string f32ComputeSource;
};

/// What the report says about one kernel.
struct Placement {
  double intensity = 0;      ///< FLOPs / byte; 0 without a prediction
  double roofMilliseconds = 0; ///< max(FLOPs / peak, bytes / bandwidth)
  double lostMilliseconds = 0; ///< measured - roof (>= 0 unless faster)
  double achievedFlopsPerSecond = 0;
  double achievedBytesPerSecond = 0;
  double fractionOfRoof = 0; ///< roof / measured
  const char *bound = "";    ///< "memory", "compute" or "" (not predicted)
};

/// The compute roof that applies to `kernel` (its matrix dtype's).
double computeRoof(const Kernel &kernel, const Ceilings &ceilings);

/// Places one kernel under the roofs.
Placement place(const Kernel &kernel, const Ceilings &ceilings);

/// Everything the report shows besides the kernels.
struct ReportInfo {
  std::string model;  ///< Artifact path
  std::string device; ///< tfcSessionDescribe's text
  std::string when;   ///< Date of the run
  std::string note;   ///< How the times were measured
};

/// The log-log roofline plot as a standalone SVG document.
std::string renderSvg(const std::vector<Kernel> &kernels,
                      const Ceilings &ceilings, const ReportInfo &info);

/// An HTML page: ceilings, the SVG, and the table sorted by time lost.
std::string renderHtml(const std::vector<Kernel> &kernels,
                       const Ceilings &ceilings, const ReportInfo &info);

/// Launch indices sorted by time lost to the roof, most first (kernels
/// without a prediction lose their whole measured time).
std::vector<size_t> sortByTimeLost(const std::vector<Kernel> &kernels,
                                   const Ceilings &ceilings);

/// Writes the report to `path`: SVG when it ends in ".svg", HTML when it
/// ends in ".html" or ".htm"; false with `error` otherwise or on I/O error.
bool writeReport(const std::string &path, const std::vector<Kernel> &kernels,
                 const Ceilings &ceilings, const ReportInfo &info,
                 std::string &error);

} // namespace roofline
} // namespace tfc

#endif // TFC_RUN_ROOFLINE_H
