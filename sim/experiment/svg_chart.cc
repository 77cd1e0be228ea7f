#include "sim/experiment/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scxtwin::experiment {
namespace {

constexpr double kWidth = 640, kHeight = 400;
constexpr double kLeft = 70, kRight = 170, kTop = 40, kBottom = 50;  // margins; legend on the right
// Colour-blind-safe palette (Okabe and Ito), cycled.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000"};

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
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

// About 5 round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi].
std::vector<double> Ticks(double lo, double hi) {
  const double span = hi - lo;
  const double raw = span / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

std::string Num(double v) { return absl::StrFormat("%.2f", v); }

}  // namespace

std::string ChartSvg(const Chart& chart) {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const ChartSeries& s : chart.series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  }
  if (!(x0 <= x1)) x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // nothing to draw: an empty frame
  if (x1 - x0 < 1e-12) x0 -= 0.5, x1 += 0.5;
  if (y1 - y0 < 1e-12) y0 -= 0.5, y1 += 0.5;
  const double ypad = (y1 - y0) * 0.05;
  y0 -= ypad, y1 += ypad;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto px = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto py = [&](double y) { return kTop + ph - (y - y0) / (y1 - y0) * ph; };

  std::string out = absl::StrFormat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
      static_cast<int>(kWidth), static_cast<int>(kHeight), static_cast<int>(kWidth),
      static_cast<int>(kHeight));
  absl::StrAppend(&out, "<title>", Escape(chart.title), "</title>\n");
  absl::StrAppend(&out, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
  absl::StrAppend(&out, "<text x=\"", Num(kWidth / 2),
                  "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">", Escape(chart.title),
                  "</text>\n");
  // Axes, grid and ticks.
  absl::StrAppend(&out, "<g class=\"axes\" stroke=\"#888\" stroke-width=\"1\">\n");
  absl::StrAppend(&out, "<rect x=\"", Num(kLeft), "\" y=\"", Num(kTop), "\" width=\"", Num(pw),
                  "\" height=\"", Num(ph), "\" fill=\"none\"/>\n");
  for (double t : Ticks(x0, x1)) {
    absl::StrAppend(&out, "<line x1=\"", Num(px(t)), "\" y1=\"", Num(kTop + ph), "\" x2=\"",
                    Num(px(t)), "\" y2=\"", Num(kTop + ph + 5), "\"/>\n");
  }
  for (double t : Ticks(y0, y1)) {
    absl::StrAppend(&out, "<line x1=\"", Num(kLeft - 5), "\" y1=\"", Num(py(t)), "\" x2=\"",
                    Num(kLeft + pw), "\" y2=\"", Num(py(t)), "\" stroke=\"#ddd\"/>\n");
  }
  absl::StrAppend(&out, "</g>\n<g class=\"labels\" fill=\"#222\">\n");
  for (double t : Ticks(x0, x1)) {
    absl::StrAppend(&out, "<text x=\"", Num(px(t)), "\" y=\"", Num(kTop + ph + 18),
                    "\" text-anchor=\"middle\">", absl::StrFormat("%g", t), "</text>\n");
  }
  for (double t : Ticks(y0, y1)) {
    absl::StrAppend(&out, "<text x=\"", Num(kLeft - 8), "\" y=\"", Num(py(t) + 4),
                    "\" text-anchor=\"end\">", absl::StrFormat("%g", t), "</text>\n");
  }
  absl::StrAppend(&out, "<text x=\"", Num(kLeft + pw / 2), "\" y=\"", Num(kHeight - 10),
                  "\" text-anchor=\"middle\">", Escape(chart.x_label), "</text>\n");
  absl::StrAppend(&out, "<text x=\"16\" y=\"", Num(kTop + ph / 2),
                  "\" text-anchor=\"middle\" transform=\"rotate(-90 16 ", Num(kTop + ph / 2),
                  ")\">", Escape(chart.y_label), "</text>\n</g>\n");
  // The series, then the legend.
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    const char* colour = kColours[i % (sizeof kColours / sizeof kColours[0])];
    std::string d;
    bool first = true;
    double prev_y = 0;
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      if (first) {
        absl::StrAppend(&d, "M", Num(px(x)), " ", Num(py(y)));
      } else {
        if (chart.steps) absl::StrAppend(&d, " L", Num(px(x)), " ", Num(py(prev_y)));
        absl::StrAppend(&d, " L", Num(px(x)), " ", Num(py(y)));
      }
      first = false;
      prev_y = y;
    }
    absl::StrAppend(&out, "<path class=\"series\" data-name=\"", Escape(s.name), "\" d=\"", d,
                    "\" fill=\"none\" stroke=\"", colour, "\" stroke-width=\"2\"/>\n");
    const double ly = kTop + 10 + 20 * static_cast<double>(i);
    absl::StrAppend(&out, "<line x1=\"", Num(kWidth - kRight + 15), "\" y1=\"", Num(ly), "\" x2=\"",
                    Num(kWidth - kRight + 40), "\" y2=\"", Num(ly), "\" stroke=\"", colour,
                    "\" stroke-width=\"2\"/>\n<text x=\"", Num(kWidth - kRight + 46), "\" y=\"",
                    Num(ly + 4), "\">", Escape(s.name), "</text>\n");
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

Chart CdfChart(const std::string& title, const std::string& x_label,
               const std::vector<std::pair<std::string, std::vector<double>>>& samples) {
  Chart c;
  c.title = title;
  c.x_label = x_label;
  c.y_label = "fraction of runs <= x";
  c.steps = true;
  for (const auto& [name, values] : samples) {
    std::vector<double> v = values;
    std::sort(v.begin(), v.end());
    ChartSeries s;
    s.name = name;
    if (!v.empty()) s.points.emplace_back(v.front(), 0.0);
    for (size_t i = 0; i < v.size(); ++i)
      s.points.emplace_back(v[i], static_cast<double>(i + 1) / v.size());
    c.series.push_back(std::move(s));
  }
  return c;
}

}  // namespace scxtwin::experiment
