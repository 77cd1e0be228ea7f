// Paired comparisons of two configurations run on the same seeds: the speedup of B over A and
// its 95% confidence interval.
//
// Method (stated in the tuner's output): per seed i the ratio r_i = a_i / b_i (a time: lower is
// better) or b_i / a_i (a rate); the speedup is the geometric mean of the r_i, and its interval
// is a paired t interval on ln r_i (mean +- t(0.975, n-1) * sd / sqrt(n)), mapped back with
// exp. Pairing removes what the seed does to both (the workload's draws); the log makes the
// interval a ratio's, symmetric in A and B.
#ifndef SCXTWIN_TOOLS_TUNE_PAIRED_STATS_H_
#define SCXTWIN_TOOLS_TUNE_PAIRED_STATS_H_

#include <vector>

#include "absl/status/statusor.h"

namespace scxtwin::tune {

// The q quantile (0 < q < 1) of Student's t distribution with `df` >= 1 degrees of freedom.
double StudentTQuantile(double q, int df);

struct PairedSpeedup {
  int n = 0;
  double speedup = 1;     // geometric mean of the per-seed ratios; > 1: B is better
  double lo = 1, hi = 1;  // 95% CI
};

// A and B on the same seeds (a[i] and b[i] from seed i). Needs n >= 2 and positive values.
absl::StatusOr<PairedSpeedup> PairedSpeedupOf(const std::vector<double>& a,
                                              const std::vector<double>& b, bool higher_is_better);

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_PAIRED_STATS_H_
