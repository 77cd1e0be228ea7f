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

// A fixed-width table, one row per thread and a total line.
std::string FormatStats(const TreeTrace& tree);

}  // namespace scxtwin::trace2workload

#endif  // SCXTWIN_TOOLS_TRACE2WORKLOAD_TRACE_STATS_H_
