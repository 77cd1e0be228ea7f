// What the twin comparison measures: per run, the same statistics on both sides (from the same
// trace reader, workloads/runner/sched_metrics.h); per policy, their mean over runs; and the rows
// of the comparison with their tolerances and verdicts.
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_METRICS_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "workloads/runner/sched_metrics.h"

namespace scxtwin::twin {

// One run of one policy on one side.
struct RunMetrics {
  double completion_ms = 0;  // mean arrival-to-last-exit of the instances that completed
  int64_t completed = 0, instances = 0;
  int64_t wakeups = 0;
  double wake_p50_us = 0, wake_p99_us = 0;
  int64_t migrations = 0, with_prev_cpu = 0, on_prev_cpu = 0;
  std::map<std::string, int64_t> counters;  // the policy's own counters (empty under EEVDF)
};

RunMetrics FromSched(const runner::SchedMetrics& m);

// One policy's runs on one side.
struct PolicyRuns {
  std::string policy;
  std::vector<RunMetrics> runs;
};

enum class MetricKind { kTiming, kDecision };

struct Row {
  std::string metric;
  MetricKind kind;
  double sim = 0, vm = 0;
  double vm_stdev = 0;         // the VM's run-to-run spread of the metric (sample stdev over runs)
  double tolerance = 0;        // absolute, in the metric's unit
  std::string tolerance_text;  // as printed ("±0.05", "±25%")
  // A decision path (a policy counter): also fails when one twin takes it in at least
  // kPathTakenFloor of placements and the other never does (compare_tolerances.h).
  bool path = false;
  bool within() const;
};

// The rows for `policies` (eevdf first), from the simulator's and the VM's runs of each.
std::vector<Row> CompareRows(const std::vector<PolicyRuns>& sim, const std::vector<PolicyRuns>& vm);

// Sample standard deviation over runs of the completion time, relative to its mean (the VM's
// run-to-run spread the timing tolerances stand on).
double RelativeSpread(const PolicyRuns& runs);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_METRICS_H_
