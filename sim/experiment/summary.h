// Summary statistics of repeated runs: what the seed experiment's table reports per policy.
#ifndef SCXTWIN_SIM_EXPERIMENT_SUMMARY_H_
#define SCXTWIN_SIM_EXPERIMENT_SUMMARY_H_

#include <string>
#include <vector>

namespace scxtwin::experiment {

struct Summary {
  int runs = 0;
  double mean = 0;
  double stdev = 0;  // sample standard deviation (n - 1); 0 for a single run
  double min = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

// Percentile by linear interpolation between closest ranks (numpy's default), q in [0, 100].
// `sorted` must be sorted ascending and non-empty.
double Percentile(const std::vector<double>& sorted, double q);

// Summarises `samples` (any order). Empty input gives a Summary with runs == 0.
Summary Summarize(std::vector<double> samples);

// One row of the comparison table: a policy's summary and its speedup over the baseline
// (> 1 means better than the baseline; see CompareToFirst).
struct Row {
  std::string policy;
  Summary summary;
  double speedup = 1;
};

// Rows for `samples_by_policy`, the first policy being the baseline. For a time (lower is
// better) the speedup is baseline mean / mean; for a rate (`higher_is_better`, e.g. work done
// per second) it is mean / baseline mean, so > 1 always means better than the baseline.
std::vector<Row> CompareToFirst(const std::vector<std::string>& policies,
                                const std::vector<std::vector<double>>& samples_by_policy,
                                bool higher_is_better = false);

// The table as text: one line per policy, values in `unit` (seconds: "s"), e.g.
//   policy   runs  mean (s)  stdev (s)  p50 (s)  p99 (s)  speedup
std::string FormatTable(const std::string& metric, const std::vector<Row>& rows);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SUMMARY_H_
