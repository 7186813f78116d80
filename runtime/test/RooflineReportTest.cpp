//===- RooflineReportTest.cpp - tfc-run's roofline report, no GPU --------===//
//
// The report writer of `tfc-run --roofline` on synthetic kernels and
// ceilings: where each kernel lands (intensity, roof time, time lost,
// bound), the order of the table, and the structure of the SVG and HTML
// documents (roofs, one circle per plotted kernel, one row per launch,
// escaping), and the file-type check.
//
//===----------------------------------------------------------------------===//

#include "Roofline.h"
#include "TestArtifacts.h"

#include <gtest/gtest.h>

namespace tfc {
namespace {

using namespace tfc::roofline;

size_t countOf(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++n;
  return n;
}

/// 1 TB/s memory, 100 TFLOP/s bf16, 50 TFLOP/s f32: the ridge is at 100
/// FLOP/byte (bf16).
Ceilings makeCeilings() {
  Ceilings c;
  c.bytesPerSecond = 1e12;
  c.bandwidthSource = "synthetic copy";
  c.flopsPerSecond = 100e12;
  c.computeSource = "synthetic gemm";
  c.f32FlopsPerSecond = 50e12;
  c.f32ComputeSource = "synthetic f32 gemm";
  return c;
}

Kernel makeKernel(uint32_t launch, std::string symbol, std::string family,
                  double bytes, double vector, double matrix,
                  std::string dtype, double ms, std::string node = "") {
  Kernel k;
  k.launch = launch;
  k.symbol = std::move(symbol);
  k.family = std::move(family);
  k.node = std::move(node);
  k.hbmBytes = bytes;
  k.vectorFlops = vector;
  k.matrixFlops = matrix;
  k.matrixDtype = std::move(dtype);
  k.milliseconds = ms;
  return k;
}

std::vector<Kernel> makeKernels() {
  return {
      // Memory-bound norm: 1 GB at 1 TB/s = 1 ms roof; measured 1.25 ms.
      makeKernel(0, "k0_layer_norm", "layer_norm", 1e9, 5e9, 0, "", 1.25,
                 "/h.0/ln_1/LayerNorm"),
      // Compute-bound bf16 matmul: 1e14 FLOPs at 100 TFLOP/s = 1000 ms
      // roof vs 10 MB: measured 2000 ms.
      makeKernel(1, "k1_matmul", "matmul", 1e7, 0, 1e14, "bf16", 2000,
                 "/h.0/attn/c_attn/MatMul"),
      // A copy: no prediction, loses its whole time.
      makeKernel(2, "memcpy", "", 0, 0, 0, "", 0.5),
      // An f32 matmul, compute-bound at the f32 roof: 5e13 / 50e12 = 1000
      // ms; measured 1100 ms.
      makeKernel(3, "k3_matmul", "matmul", 1e6, 0, 5e13, "f32", 1100,
                 "lm<head>&\"x\""),
      // A gather without FLOPs: on the table, not on the plot.
      makeKernel(4, "k4_gather", "gather", 2e9, 0, 0, "", 2.5),
  };
}

TEST(RooflineReport, Placement) {
  Ceilings c = makeCeilings();
  std::vector<Kernel> kernels = makeKernels();
  Placement norm = place(kernels[0], c);
  EXPECT_DOUBLE_EQ(5.0, norm.intensity);
  EXPECT_DOUBLE_EQ(1.0, norm.roofMilliseconds);
  EXPECT_NEAR(0.25, norm.lostMilliseconds, 1e-12);
  EXPECT_STREQ("memory", norm.bound);
  EXPECT_DOUBLE_EQ(0.8, norm.fractionOfRoof);
  EXPECT_DOUBLE_EQ(0.8e12, norm.achievedBytesPerSecond);
  EXPECT_DOUBLE_EQ(4e12, norm.achievedFlopsPerSecond);

  Placement mm = place(kernels[1], c);
  EXPECT_STREQ("compute", mm.bound);
  EXPECT_DOUBLE_EQ(1000.0, mm.roofMilliseconds);
  EXPECT_DOUBLE_EQ(1000.0, mm.lostMilliseconds);

  Placement copy = place(kernels[2], c);
  EXPECT_STREQ("", copy.bound);
  EXPECT_DOUBLE_EQ(0.5, copy.lostMilliseconds);

  // f32 matrix work meets the f32 roof, not the bf16 one.
  EXPECT_DOUBLE_EQ(50e12, computeRoof(kernels[3], c));
  EXPECT_DOUBLE_EQ(1000.0, place(kernels[3], c).roofMilliseconds);

  // Without a compute roof, only memory bounds a kernel.
  Ceilings memoryOnly = c;
  memoryOnly.flopsPerSecond = memoryOnly.f32FlopsPerSecond = 0;
  Placement mmMemory = place(kernels[1], memoryOnly);
  EXPECT_STREQ("memory", mmMemory.bound);
  EXPECT_DOUBLE_EQ(0.01, mmMemory.roofMilliseconds);
}

TEST(RooflineReport, TableIsSortedByTimeLost) {
  std::vector<size_t> order = sortByTimeLost(makeKernels(), makeCeilings());
  // lost: norm 0.25, matmul 1000, copy 0.5, f32 matmul 100, gather 0.5
  EXPECT_EQ((std::vector<size_t>{1, 3, 2, 4, 0}), order);
}

TEST(RooflineReport, SvgStructure) {
  ReportInfo info{"gpt2.tfcm", "NVIDIA H100 <sm_90>", "2026-11-26", ""};
  std::string svg = renderSvg(makeKernels(), makeCeilings(), info);
  EXPECT_EQ(0u, svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(std::string::npos, svg.find("</svg>\n"));
  EXPECT_EQ(1u, countOf(svg, "class=\"roof-memory\""));
  EXPECT_EQ(1u, countOf(svg, "class=\"roof-compute\""));
  EXPECT_EQ(1u, countOf(svg, "class=\"roof-compute-f32\""));
  // The three kernels with FLOPs; the copy and the gather are not plotted.
  EXPECT_EQ(3u, countOf(svg, "<circle class=\"kernel\""));
  EXPECT_NE(std::string::npos, svg.find("2 launches without FLOPs"));
  EXPECT_NE(std::string::npos, svg.find("1 TB/s"));
  EXPECT_NE(std::string::npos, svg.find("100 TFLOP/s"));
  // Names are escaped.
  EXPECT_NE(std::string::npos, svg.find("NVIDIA H100 &lt;sm_90&gt;"));
  EXPECT_NE(std::string::npos, svg.find("lm&lt;head&gt;&amp;&quot;x&quot;"));
  EXPECT_EQ(std::string::npos, svg.find("<head>"));
  // Legend: one entry per family and one for the copy.
  EXPECT_NE(std::string::npos, svg.find("matmul: 2, 3100.000 ms"));
  EXPECT_NE(std::string::npos, svg.find("memcpy: 1, 0.500 ms"));
}

TEST(RooflineReport, HtmlStructure) {
  ReportInfo info{"gpt2.tfcm", "H100", "2026-11-26", "median of 5"};
  std::string html = renderHtml(makeKernels(), makeCeilings(), info);
  EXPECT_EQ(0u, html.find("<!DOCTYPE html>"));
  EXPECT_NE(std::string::npos, html.find("</html>"));
  EXPECT_EQ(1u, countOf(html, "<svg "));
  EXPECT_EQ(5u, countOf(html, "<tr class=\"kernel\">"));
  EXPECT_NE(std::string::npos, html.find("memory roof: 1 TB/s (synthetic copy)"));
  EXPECT_NE(std::string::npos,
            html.find("compute roof: 100 TFLOP/s (synthetic gemm)"));
  EXPECT_NE(std::string::npos, html.find("(no prediction)"));
  // Rows in the order of the time lost: the bf16 matmul first, the norm
  // last.
  size_t first = html.find("<td>1</td><td>1</td><td class=\"l\">k1_matmul");
  size_t last = html.find("<td>5</td><td>0</td><td class=\"l\">k0_layer_norm");
  EXPECT_NE(std::string::npos, first) << html;
  EXPECT_NE(std::string::npos, last) << html;
  EXPECT_LT(first, last);
  // Totals: 3104.25 ms measured, 2003 ms at the roofs.
  EXPECT_NE(std::string::npos, html.find("3104.2500 ms measured in total; "
                                         "2003.0000 ms at the roofs (65%)"))
      << html;
}

TEST(RooflineReport, NoComputeRoofAndNoPredictions) {
  Ceilings c;
  c.bytesPerSecond = 2e12;
  c.bandwidthSource = "measured";
  c.computeSource = "not given";
  std::vector<Kernel> kernels = {makeKernel(0, "k0_add", "", 0, 0, 0, "", 1),
                                 makeKernel(1, "memcpy", "", 0, 0, 0, "", 2)};
  std::string html = renderHtml(kernels, c, ReportInfo{});
  EXPECT_NE(std::string::npos,
            html.find("compute roof: not given; kernels are bounded by "
                      "memory only"));
  EXPECT_EQ(0u, countOf(html, "<circle class=\"kernel\""));
  EXPECT_EQ(2u, countOf(html, "<tr class=\"kernel\">"));
  EXPECT_EQ(0u, countOf(html, "class=\"roof-compute\""));
  EXPECT_EQ(1u, countOf(html, "class=\"roof-memory\""));
}

TEST(RooflineReport, WriteReportByExtension) {
  std::string dir = test::makeTempDir();
  std::string error;
  ASSERT_TRUE(writeReport(dir + "/r.svg", makeKernels(), makeCeilings(),
                          ReportInfo{}, error))
      << error;
  EXPECT_EQ(0u, test::readBytes(dir + "/r.svg").find("<svg "));
  ASSERT_TRUE(writeReport(dir + "/r.html", makeKernels(), makeCeilings(),
                          ReportInfo{}, error))
      << error;
  EXPECT_EQ(0u, test::readBytes(dir + "/r.html").find("<!DOCTYPE html>"));
  EXPECT_FALSE(writeReport(dir + "/r.png", makeKernels(), makeCeilings(),
                           ReportInfo{}, error));
  EXPECT_NE(std::string::npos, error.find("written as .html or .svg"));
  EXPECT_FALSE(writeReport(dir + "/missing/r.svg", makeKernels(),
                           makeCeilings(), ReportInfo{}, error));
  EXPECT_NE(std::string::npos, error.find("cannot write"));
}

} // namespace
} // namespace tfc
