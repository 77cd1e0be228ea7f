// Per-thread figures of a traced process tree, to compare with a trace's README and to
// calibrate workload models: CPU time, on-CPU stretches and run bursts with their p50/p90.
#ifndef SCXTWIN_TOOLS_TRACE2WORKLOAD_TRACE_STATS_H_
#define SCXTWIN_TOOLS_TRACE2WORKLOAD_TRACE_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tools/trace2workload/thread_timeline.h"

namespace scxtwin::trace2workload {

// Nearest-rank percentile (p in [0, 100]) of `v`; 0 for an empty vector.
int64_t Percentile(std::vector<int64_t> v, double p);

// A log-normal fit (the workload schema's LogNormal): median = exp(mean ln x), sigma = the
// standard deviation of ln x, over the positive samples. {0, 0} without samples.
struct LogNormalFit {
  int64_t median_ns = 0;
  double sigma = 0;
  int64_t max_ns = 0;
};
LogNormalFit FitLogNormal(const std::vector<int64_t>& samples);

// A fixed-width table, one row per thread and a total line, then per thread the log-normal fits
// of its run bursts and timed sleeps as workload-spec ops (for calibrating workload models).
std::string FormatStats(const TreeTrace& tree);

}  // namespace scxtwin::trace2workload

#endif  // SCXTWIN_TOOLS_TRACE2WORKLOAD_TRACE_STATS_H_
