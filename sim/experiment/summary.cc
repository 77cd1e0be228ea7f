#include "sim/experiment/summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_format.h"

namespace scxtwin::experiment {

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.size() == 1) return sorted[0];
  const double rank = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

Summary Summarize(std::vector<double> samples) {
  Summary s;
  s.runs = static_cast<int>(samples.size());
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size();
  if (samples.size() > 1) {
    double sq = 0;
    for (double x : samples) sq += (x - s.mean) * (x - s.mean);
    s.stdev = std::sqrt(sq / static_cast<double>(samples.size() - 1));
  }
  s.min = samples.front();
  s.max = samples.back();
  s.p50 = Percentile(samples, 50);
  s.p99 = Percentile(samples, 99);
  return s;
}

std::vector<Row> CompareToFirst(const std::vector<std::string>& policies,
                                const std::vector<std::vector<double>>& samples_by_policy,
                                bool higher_is_better) {
  std::vector<Row> rows;
  for (size_t i = 0; i < policies.size() && i < samples_by_policy.size(); ++i) {
    Row row;
    row.policy = policies[i];
    row.summary = Summarize(samples_by_policy[i]);
    rows.push_back(row);
  }
  if (!rows.empty() && rows[0].summary.mean > 0) {
    for (Row& row : rows) {
      if (higher_is_better) {
        row.speedup = row.summary.mean / rows[0].summary.mean;
      } else {
        row.speedup = row.summary.mean > 0 ? rows[0].summary.mean / row.summary.mean : 0;
      }
    }
  }
  return rows;
}

std::string FormatTable(const std::string& metric, const std::vector<Row>& rows) {
  size_t width = 6;
  for (const Row& row : rows) width = std::max(width, row.policy.size());
  std::string out = absl::StrFormat("%-*s %5s %10s %10s %10s %10s %8s   (%s)\n", width, "policy",
                                    "runs", "mean", "stdev", "p50", "p99", "speedup", metric);
  for (const Row& row : rows) {
    const Summary& s = row.summary;
    out += absl::StrFormat("%-*s %5d %10.4f %10.4f %10.4f %10.4f %7.3fx\n", width, row.policy,
                           s.runs, s.mean, s.stdev, s.p50, s.p99, row.speedup);
  }
  return out;
}

}  // namespace scxtwin::experiment
