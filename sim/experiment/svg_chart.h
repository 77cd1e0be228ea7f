// A small SVG writer for the experiment's and the tuner's pictures: line charts (the tuning
// curve) and empirical CDFs (one metric's distribution per policy). Plain SVG 1.1, no scripts,
// no fonts beyond sans-serif; the same data give the same bytes.
#ifndef SCXTWIN_SIM_EXPERIMENT_SVG_CHART_H_
#define SCXTWIN_SIM_EXPERIMENT_SVG_CHART_H_

#include <string>
#include <utility>
#include <vector>

namespace scxtwin::experiment {

struct ChartSeries {
  std::string name;                               // the legend entry (and the path's id)
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in order
};

struct Chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<ChartSeries> series;
  // Draw each series as a staircase (a CDF, a best-so-far curve) rather than straight segments.
  bool steps = false;
};

// The chart as an SVG document. Every series is one <path> with class "series" and data-name
// set to its name, so a reader (or a test) can find it.
std::string ChartSvg(const Chart& chart);

// An empirical CDF chart: for each (name, samples), the fraction of samples <= x.
Chart CdfChart(const std::string& title, const std::string& x_label,
               const std::vector<std::pair<std::string, std::vector<double>>>& samples);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SVG_CHART_H_
