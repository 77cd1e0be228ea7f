// Scheduling statistics of a set of tasks, read from ftrace text (the kernel's
// /sys/kernel/tracing/trace, or the simulator's --ftrace file): the same code measures both twins,
// so a metric means the same thing on each side. Only the standard library: the guest's static
// runner links it too.
#ifndef SCXTWIN_WORKLOADS_RUNNER_SCHED_METRICS_H_
#define SCXTWIN_WORKLOADS_RUNNER_SCHED_METRICS_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

namespace scxtwin::runner {

// A wakeup of a blocked tracked task (its sched_waking): trace clock ns, the CPU that woke it,
// whether it woke in a hardware interrupt (the flags column's 'h'), and how many sched_switch
// lines of that CPU came before it (wakes with none between them are in one interrupt).
struct WakeEvent {
  int64_t pid = 0;
  int64_t ts_ns = 0;
  int cpu = -1;
  bool in_irq = false;
  int64_t cpu_switches = 0;
};

struct SchedMetrics {
  // sched_waking of a tracked task that was off its CPU (blocked): a wakeup.
  int64_t wakeups = 0;
  std::vector<WakeEvent> wake_events;  // one per wakeup, in trace order
  // Wakeups whose next switch-in came: the wake-to-run latency (waking to sched_switch in), ns.
  std::vector<int64_t> wake_latency_ns;
  // Of those, the ones of a task that had run before (so it has a previous CPU), and how many
  // of these ran on that CPU.
  int64_t with_prev_cpu = 0;
  int64_t on_prev_cpu = 0;
  int64_t migrations = 0;  // sched_migrate_task of a tracked task
  int64_t switch_ins = 0;  // sched_switch to a tracked task
  int64_t preempted = 0;   // sched_switch away from a tracked task still runnable (state R)
  // On-CPU time of the tracked tasks by CPU (switch-in to switch-out), ns: where the work ran.
  std::vector<int64_t> cpu_busy_ns;
  int64_t events = 0;  // sched events of tracked tasks read
  int64_t lines = 0;   // trace lines read

  double Quantile(double q) const;  // of wake_latency_ns (nearest rank); 0 when empty
};

// Reads ftrace text; `tracked(pid)` says whether a pid belongs to the workload.
SchedMetrics ReadSchedMetrics(std::istream& in, const std::function<bool(int64_t)>& tracked);

}  // namespace scxtwin::runner

#endif  // SCXTWIN_WORKLOADS_RUNNER_SCHED_METRICS_H_
