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
  // The VM only: each BPF program's runs and run time over the run (kernel.bpf_stats_enabled).
  std::map<std::string, int64_t> prog_runs, prog_ns;
  // Wakeups taken together: on one CPU, each within kBunchGapNs of the previous
  // (workloads/runner/sleep_lateness.h); both sides, from the trace.
  int64_t wake_bunches = 0, bunched_wakeups = 0, max_bunch = 0;
  // The VM only (the runner matches each `sleep` with the wake that ended it): how late the
  // guest's timers ended the workload's sleeps while it ran, per sleep and per interrupt (a
  // bunch's earliest deadline), as quantiles at 0, 5%, ..., 100% in ns (empty: not measured),
  // and how many of those wakes one interrupt took.
  std::vector<double> sleep_late_q_ns, irq_late_q_ns;
  int64_t sleeps_timed = 0;
  double sleep_late_mean_ns = 0, irq_late_mean_ns = 0;
  int64_t timer_bunches = 0, timer_bunch_wakes = 0, timer_bunch_max = 0;
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

// The guest's timers while the workload ran, over every VM run that measured them: each
// quantile's mean over the runs, per sleep and per interrupt (the per-interrupt ones are what
// --guest-timers gives the simulator's cost.timer_late.ns: its model draws once per interrupt),
// the runs' mean lateness per sleep and its run-to-run spread, the sleeps timed, and the
// sleepers' wakes per interrupt. runs == 0: no run measured them.
struct GuestTimers {
  int runs = 0;
  int64_t sleeps = 0;
  std::vector<double> quantiles_ns, irq_quantiles_ns;
  double mean_ns = 0, mean_stdev_ns = 0, irq_mean_ns = 0;
  double wakes_per_bunch = 0;
  int64_t max_bunch = 0;
};
GuestTimers PoolGuestTimers(const std::vector<PolicyRuns>& vm);

// The vCPU-stall model (cost.vcpu_stall) of the guest, from the lateness of its timer interrupts
// while the workload ran (GuestTimers::irq_quantiles_ns, at evenly spaced probabilities).
// Under multi-threaded TCG a timer interrupt comes late by more than the emulated interrupt
// path's own delay when its vCPU's host thread is not running; an interrupt due at a moment
// unrelated to the stalls is late by more than `threshold_ns` with the probability that its
// vCPU is stopped then, the share of time stopped (permille), and by the rest of that stall.
// The stalls' lengths are taken to be distributed as that rest (exact for exponentially
// distributed stalls; else it weighs long stalls more): `quantiles_ns` are the lateness's
// quantiles above the threshold at the same number of evenly spaced probabilities.
// permille == 0: no interrupt was later than the threshold.
// The rest, the interrupts up to the threshold late, is the emulated interrupt path's own delay
// on a running vCPU (the late-timer model's, cost.timer_late): `path_quantiles_ns` are the
// lateness's quantiles below the threshold (the whole distribution when none is above it).
struct GuestStalls {
  int permille = 0;
  std::vector<int64_t> quantiles_ns;
  std::vector<int64_t> path_quantiles_ns;
};
GuestStalls StallsFromLateness(const std::vector<double>& irq_quantiles_ns, double threshold_ns);

// The emulated cost of a policy's callbacks in the guest: per sched_ext_ops callback (the
// program whose name ends in "_" + the callback's name, e.g. homing_select_cpu -> select_cpu),
// its run time over its runs, pooled over the runs; callbacks that never ran are left out.
std::map<std::string, int64_t> CallbackCostsNs(const PolicyRuns& vm);

// Sample standard deviation over runs of the completion time, relative to its mean (the VM's
// run-to-run spread the timing tolerances stand on).
double RelativeSpread(const PolicyRuns& runs);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_METRICS_H_
