//===- Roofline.cpp - tfc-run's roofline report ---------------------------===//
//
// The report of `tfc-run --roofline`: each profiled kernel placed under the
// measured memory and compute roofs, as a log-log SVG written by hand (no
// plotting dependency on the GPU host) and an HTML table sorted by the time
// each kernel loses to its roof. See Roofline.h.
//
//===----------------------------------------------------------------------===//

#include "Roofline.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <map>

namespace tfc {
namespace roofline {
namespace {

std::string format(const char *fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  return buffer;
}

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// 1.2 G, 340 M, ... with SI prefixes.
std::string si(double value, const char *unit) {
  static const char *prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::fabs(value) >= 1000 && i < 6) {
    value /= 1000;
    ++i;
  }
  return format("%.3g %s%s", value, prefixes[i], unit);
}

const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                               "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                               "#bcbd22", "#17becf"};

/// A color per family, in order of first appearance.
std::map<std::string, std::string>
familyColors(const std::vector<Kernel> &kernels) {
  std::map<std::string, std::string> colors;
  size_t next = 0;
  for (const Kernel &k : kernels) {
    std::string family = k.predicted() ? k.family : k.symbol;
    if (!colors.count(family))
      colors[family] = palette[next++ % (sizeof(palette) / sizeof(*palette))];
  }
  return colors;
}

/// Maps log10 values of a range onto pixels.
struct Axis {
  double lo, hi;        ///< log10 bounds
  double pixLo, pixHi;  ///< pixels of lo and hi
  double at(double value) const {
    double t = (std::log10(value) - lo) / (hi - lo);
    return pixLo + t * (pixHi - pixLo);
  }
};

} // namespace

double computeRoof(const Kernel &kernel, const Ceilings &ceilings) {
  if (kernel.matrixDtype == "f32" && ceilings.f32FlopsPerSecond > 0)
    return ceilings.f32FlopsPerSecond;
  return ceilings.flopsPerSecond;
}

Placement place(const Kernel &kernel, const Ceilings &ceilings) {
  Placement p;
  double seconds = kernel.milliseconds * 1e-3;
  if (!kernel.predicted()) {
    p.lostMilliseconds = kernel.milliseconds;
    return p;
  }
  p.intensity = kernel.hbmBytes > 0 ? kernel.flops() / kernel.hbmBytes : 0;
  double memory = ceilings.bytesPerSecond > 0
                      ? kernel.hbmBytes / ceilings.bytesPerSecond
                      : 0;
  double peak = computeRoof(kernel, ceilings);
  double compute = peak > 0 ? kernel.flops() / peak : 0;
  p.roofMilliseconds = std::max(memory, compute) * 1e3;
  p.bound = compute > memory ? "compute" : "memory";
  p.lostMilliseconds = kernel.milliseconds - p.roofMilliseconds;
  if (seconds > 0) {
    p.achievedFlopsPerSecond = kernel.flops() / seconds;
    p.achievedBytesPerSecond = kernel.hbmBytes / seconds;
    p.fractionOfRoof = p.roofMilliseconds / kernel.milliseconds;
  }
  return p;
}

std::vector<size_t> sortByTimeLost(const std::vector<Kernel> &kernels,
                                   const Ceilings &ceilings) {
  std::vector<double> lost;
  for (const Kernel &k : kernels)
    lost.push_back(place(k, ceilings).lostMilliseconds);
  std::vector<size_t> order(kernels.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return lost[a] > lost[b]; });
  return order;
}

std::string renderSvg(const std::vector<Kernel> &kernels,
                      const Ceilings &ceilings, const ReportInfo &info) {
  const double width = 960, height = 600;
  const double left = 90, right = 230, top = 50, bottom = 70;
  // Only kernels with a prediction and FLOPs have a place on the plot.
  double minI = 1e30, maxI = 0, minP = 1e30, maxP = 0, total = 0;
  size_t plotted = 0;
  for (const Kernel &k : kernels) {
    total += k.milliseconds;
    Placement p = place(k, ceilings);
    if (!k.predicted() || k.flops() <= 0 || k.milliseconds <= 0)
      continue;
    ++plotted;
    minI = std::min(minI, p.intensity);
    maxI = std::max(maxI, p.intensity);
    minP = std::min(minP, p.achievedFlopsPerSecond);
    maxP = std::max(maxP, p.achievedFlopsPerSecond);
  }
  double peak = std::max(ceilings.flopsPerSecond, ceilings.f32FlopsPerSecond);
  double ridge = ceilings.bytesPerSecond > 0 && ceilings.flopsPerSecond > 0
                     ? ceilings.flopsPerSecond / ceilings.bytesPerSecond
                     : 0;
  if (!plotted) {
    minI = 0.1;
    maxI = 100;
    minP = 1e9;
    maxP = 1e12;
  }
  if (ridge > 0) {
    minI = std::min(minI, ridge);
    maxI = std::max(maxI, ridge);
  }
  maxP = std::max(maxP, peak);
  Axis x{std::floor(std::log10(minI)) - (std::log10(minI) ==
                                                 std::floor(std::log10(minI))
                                             ? 1
                                             : 0),
         std::ceil(std::log10(maxI)) + 1, left, width - right};
  Axis y{std::floor(std::log10(minP)), std::ceil(std::log10(maxP * 1.5)),
         height - bottom, top};
  if (y.hi - y.lo < 2)
    y.lo = y.hi - 2;

  std::string s;
  s += format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
              "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
              "font-family=\"sans-serif\" font-size=\"12\">\n",
              width, height, width, height);
  s += "<title>" + escape("tfc roofline: " + info.model) + "</title>\n";
  s += format("<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
              "fill=\"white\"/>\n",
              width, height);
  s += format("<text x=\"%.0f\" y=\"24\" font-size=\"15\" "
              "font-weight=\"bold\">%s</text>\n",
              left, escape("Roofline: " + info.model).c_str());
  s += format("<text x=\"%.0f\" y=\"40\" fill=\"#555\">%s</text>\n", left,
              escape(info.device).c_str());
  // Grid and ticks at powers of ten.
  s += "<g class=\"grid\" stroke=\"#e4e4e4\">\n";
  for (double e = x.lo; e <= x.hi; e += 1)
    s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                x.at(std::pow(10, e)), y.pixHi, x.at(std::pow(10, e)),
                y.pixLo);
  for (double e = y.lo; e <= y.hi; e += 1)
    s += format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                x.pixLo, y.at(std::pow(10, e)), x.pixHi,
                y.at(std::pow(10, e)));
  s += "</g>\n<g class=\"ticks\">\n";
  for (double e = x.lo; e <= x.hi; e += 1)
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                "</text>\n",
                x.at(std::pow(10, e)), y.pixLo + 18,
                format("%g", std::pow(10, e)).c_str());
  for (double e = y.lo; e <= y.hi; e += 1)
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                x.pixLo - 6, y.at(std::pow(10, e)) + 4,
                si(std::pow(10, e), "FLOP/s").c_str());
  s += "</g>\n";
  s += format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
              "fill=\"none\" stroke=\"#333\"/>\n",
              x.pixLo, y.pixHi, x.pixHi - x.pixLo, y.pixLo - y.pixHi);
  s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">arithmetic "
              "intensity (FLOPs / predicted HBM byte)</text>\n",
              (x.pixLo + x.pixHi) / 2, height - 25);
  s += format("<text transform=\"translate(18 %.1f) rotate(-90)\" "
              "text-anchor=\"middle\">achieved FLOP/s (predicted FLOPs / "
              "measured time)</text>\n",
              (y.pixLo + y.pixHi) / 2);

  // The roofs: bandwidth * intensity up to the ridge, then the peak.
  double xLo = std::pow(10, x.lo), xHi = std::pow(10, x.hi);
  double yLo = std::pow(10, y.lo);
  if (ceilings.bytesPerSecond > 0) {
    double start = std::max(xLo, yLo / ceilings.bytesPerSecond);
    double end = ridge > 0 ? ridge : xHi;
    end = std::min(end, std::pow(10, y.hi) / ceilings.bytesPerSecond);
    if (end > start)
      s += format("<line class=\"roof-memory\" x1=\"%.1f\" y1=\"%.1f\" "
                  "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                  "stroke-width=\"2\"/>\n",
                  x.at(start), y.at(start * ceilings.bytesPerSecond),
                  x.at(end), y.at(end * ceilings.bytesPerSecond));
    s += format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#000\" transform=\"\">%s"
                "</text>\n",
                x.at(start) + 4, y.at(start * ceilings.bytesPerSecond) - 6,
                escape(si(ceilings.bytesPerSecond, "B/s")).c_str());
  }
  if (ceilings.flopsPerSecond > 0) {
    double start = ridge > 0 ? ridge : xLo;
    s += format("<line class=\"roof-compute\" x1=\"%.1f\" y1=\"%.1f\" "
                "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
                "stroke-width=\"2\"/>\n",
                x.at(start), y.at(ceilings.flopsPerSecond), x.pixHi,
                y.at(ceilings.flopsPerSecond));
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                x.pixHi - 4, y.at(ceilings.flopsPerSecond) - 6,
                escape(si(ceilings.flopsPerSecond, "FLOP/s")).c_str());
  }
  if (ceilings.f32FlopsPerSecond > 0 && ceilings.bytesPerSecond > 0) {
    double r = ceilings.f32FlopsPerSecond / ceilings.bytesPerSecond;
    s += format("<line class=\"roof-compute-f32\" x1=\"%.1f\" y1=\"%.1f\" "
                "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                "stroke-dasharray=\"6 4\"/>\n",
                x.at(std::max(r, xLo)), y.at(ceilings.f32FlopsPerSecond),
                x.pixHi, y.at(ceilings.f32FlopsPerSecond));
    s += format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                "fill=\"#555\">f32: %s</text>\n",
                x.pixHi - 4, y.at(ceilings.f32FlopsPerSecond) + 14,
                escape(si(ceilings.f32FlopsPerSecond, "FLOP/s")).c_str());
  }

  // The kernels: area proportional to their share of the time.
  std::map<std::string, std::string> colors = familyColors(kernels);
  s += "<g class=\"kernels\" fill-opacity=\"0.75\" stroke=\"#222\" "
       "stroke-width=\"0.5\">\n";
  for (const Kernel &k : kernels) {
    if (!k.predicted() || k.flops() <= 0 || k.milliseconds <= 0)
      continue;
    Placement p = place(k, ceilings);
    double share = total > 0 ? k.milliseconds / total : 0;
    double radius = 3 + 30 * std::sqrt(share / 3.14159);
    s += format("<circle class=\"kernel\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                "fill=\"%s\">",
                x.at(p.intensity), y.at(p.achievedFlopsPerSecond), radius,
                colors[k.family].c_str());
    s += "<title>" +
         escape(format("#%u %s", k.launch, k.symbol.c_str()) +
                (k.node.empty() ? "" : " (" + k.node + ")") + ": " +
                format("%.4f ms, ", k.milliseconds) +
                si(k.flops(), "FLOP") + ", " + si(k.hbmBytes, "B") + ", " +
                format("%.0f%% of the %s roof, %.4f ms lost",
                       100 * p.fractionOfRoof, p.bound, p.lostMilliseconds)) +
         "</title></circle>\n";
  }
  s += "</g>\n";

  // Legend: families, then what is not on the plot.
  double ly = top + 10;
  s += "<g class=\"legend\">\n";
  for (const auto &[family, color] : colors) {
    double ms = 0;
    int count = 0;
    for (const Kernel &k : kernels)
      if ((k.predicted() ? k.family : k.symbol) == family) {
        ms += k.milliseconds;
        ++count;
      }
    s += format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>"
                "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                width - right + 20, ly, color.c_str(), width - right + 30,
                ly + 4,
                escape(format("%s: %d, %.3f ms", family.c_str(), count, ms))
                    .c_str());
    ly += 18;
  }
  size_t unplotted = 0;
  for (const Kernel &k : kernels)
    if (!k.predicted() || k.flops() <= 0 || k.milliseconds <= 0)
      ++unplotted;
  if (unplotted)
    s += format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\">%zu launches "
                "without FLOPs</text><text x=\"%.1f\" y=\"%.1f\" "
                "fill=\"#555\">(copies, gathers): table only</text>\n",
                width - right + 14, ly + 10, unplotted, width - right + 14,
                ly + 26);
  s += "</g>\n</svg>\n";
  return s;
}

std::string renderHtml(const std::vector<Kernel> &kernels,
                       const Ceilings &ceilings, const ReportInfo &info) {
  double total = 0, roof = 0;
  for (const Kernel &k : kernels) {
    total += k.milliseconds;
    roof += place(k, ceilings).roofMilliseconds;
  }
  std::string h;
  h += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>" +
       escape("tfc roofline: " + info.model) + "</title>\n";
  h += "<style>body{font-family:sans-serif;margin:20px}"
       "table{border-collapse:collapse;font-size:13px}"
       "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
       "td.l,th.l{text-align:left}th{background:#f0f0f0}</style>\n";
  h += "</head><body>\n<h1>Roofline: " + escape(info.model) + "</h1>\n<ul>\n";
  h += "<li>device: " + escape(info.device) + "</li>\n";
  if (!info.when.empty())
    h += "<li>date: " + escape(info.when) + "</li>\n";
  if (!info.note.empty())
    h += "<li>times: " + escape(info.note) + "</li>\n";
  h += "<li>memory roof: " +
       (ceilings.bytesPerSecond > 0 ? escape(si(ceilings.bytesPerSecond, "B/s"))
                                    : std::string("not measured")) +
       " (" + escape(ceilings.bandwidthSource) + ")</li>\n";
  h += "<li>compute roof: " +
       (ceilings.flopsPerSecond > 0
            ? escape(si(ceilings.flopsPerSecond, "FLOP/s"))
            : std::string("not given; kernels are bounded by memory only")) +
       " (" + escape(ceilings.computeSource) + ")</li>\n";
  if (ceilings.f32FlopsPerSecond > 0)
    h += "<li>f32 compute roof (kernels whose matrix work is f32): " +
         escape(si(ceilings.f32FlopsPerSecond, "FLOP/s")) + " (" +
         escape(ceilings.f32ComputeSource) + ")</li>\n";
  h += format("<li>%zu launches, %.4f ms measured in total; %.4f ms at the "
              "roofs (%.0f%%), %.4f ms lost</li>\n",
              kernels.size(), total, roof,
              total > 0 ? 100 * roof / total : 0.0, total - roof);
  h += "</ul>\n";
  h += renderSvg(kernels, ceilings, info);
  h += "<h2>Kernels by time lost to the roof</h2>\n"
       "<p>lost = measured &minus; max(FLOPs / compute roof, bytes / memory "
       "roof); bytes and FLOPs are the compiler's predictions (minimum HBM "
       "traffic).</p>\n<table class=\"kernels\">\n<tr><th>rank</th>"
       "<th>launch</th><th class=\"l\">kernel</th><th class=\"l\">family</th>"
       "<th class=\"l\">node</th><th>measured ms</th><th>% of time</th>"
       "<th>roof ms</th><th>lost ms</th><th>bound</th><th>% of roof</th>"
       "<th>HBM bytes</th><th>FLOPs</th><th>FLOP/byte</th><th>GB/s</th>"
       "<th>TFLOP/s</th></tr>\n";
  std::vector<size_t> order = sortByTimeLost(kernels, ceilings);
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const Kernel &k = kernels[order[rank]];
    Placement p = place(k, ceilings);
    h += "<tr class=\"kernel\">";
    h += format("<td>%zu</td><td>%u</td>", rank + 1, k.launch);
    h += "<td class=\"l\">" + escape(k.symbol) + "</td><td class=\"l\">" +
         escape(k.predicted() ? k.family
                              : std::string("(no prediction)")) +
         (k.matrixDtype.empty() ? "" : " " + escape(k.matrixDtype)) +
         "</td><td class=\"l\">" + escape(k.node) + "</td>";
    h += format("<td>%.4f</td><td>%.1f</td>", k.milliseconds,
                total > 0 ? 100 * k.milliseconds / total : 0.0);
    if (k.predicted())
      h += format("<td>%.4f</td><td>%.4f</td><td>%s</td><td>%.0f</td>"
                  "<td>%.0f</td><td>%.0f</td><td>%.3g</td><td>%.1f</td>"
                  "<td>%.2f</td>",
                  p.roofMilliseconds, p.lostMilliseconds, p.bound,
                  100 * p.fractionOfRoof, k.hbmBytes, k.flops(), p.intensity,
                  p.achievedBytesPerSecond * 1e-9,
                  p.achievedFlopsPerSecond * 1e-12);
    else
      h += format("<td></td><td>%.4f</td><td></td><td></td><td></td><td></td>"
                  "<td></td><td></td><td></td>",
                  p.lostMilliseconds);
    h += "</tr>\n";
  }
  h += "</table>\n</body></html>\n";
  return h;
}

bool writeReport(const std::string &path, const std::vector<Kernel> &kernels,
                 const Ceilings &ceilings, const ReportInfo &info,
                 std::string &error) {
  auto endsWith = [&](const char *suffix) {
    std::string s = suffix;
    return path.size() >= s.size() &&
           path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  std::string text;
  if (endsWith(".svg"))
    text = renderSvg(kernels, ceilings, info);
  else if (endsWith(".html") || endsWith(".htm"))
    text = renderHtml(kernels, ceilings, info);
  else {
    error = "--roofline '" + path +
            "': the report is written as .html or .svg (by the file's "
            "extension)";
    return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    error = "cannot write the roofline report '" + path + "'";
    return false;
  }
  return true;
}

} // namespace roofline
} // namespace tfc
