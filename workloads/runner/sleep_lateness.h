// How late the guest's timers end the workload's sleeps while the workload runs, read from the
// run's own trace: each `sleep` (its deadline and when the thread got back, CLOCK_MONOTONIC) is
// matched with the sched_waking that ended it (the trace clock set to "mono", the same clock).
// An emulated CPU takes its overdue timers when its host thread runs, so sleeps end late and
// several at once: the lateness distribution is what the simulator's late-timer model
// (cost.timer_late) draws from, and the bunches say how many sleepers one interrupt woke.
// Only the standard library: the guest's static runner links it.
#ifndef SCXTWIN_WORKLOADS_RUNNER_SLEEP_LATENESS_H_
#define SCXTWIN_WORKLOADS_RUNNER_SLEEP_LATENESS_H_

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "workloads/runner/sched_metrics.h"

namespace scxtwin::runner {

// One `sleep` of a thread, CLOCK_MONOTONIC ns: asked to end at due_ns, back on its CPU at end_ns.
struct SleepSpan {
  int64_t start_ns = 0, due_ns = 0, end_ns = 0;
};

// Wakes taken in one interrupt (a bunch): on one CPU, each in a hardware interrupt, with no
// sched_switch of that CPU between them, and within this of the bunch's previous wake (an
// interrupt's expired timers run back to back, tens of us apart under TCG; the simulator takes
// them at the same instant). A wake outside an interrupt (a futex's) is a bunch of its own.
inline constexpr int64_t kBunchGapNs = 500000;

struct SleepLateness {
  std::vector<int64_t> late_ns;  // per sleep ended by a wake: wake time - deadline (>= 0)
  // Per bunch of those wakes: its size, and the interrupt's lateness (that of the bunch's
  // earliest deadline, the timer that raised it: what the simulator's model draws per interrupt).
  std::vector<int> bunch_sizes;
  std::vector<int64_t> irq_late_ns;
  int64_t unmatched = 0;  // sleeps with no wake between deadline and return (not timed)
};

// The wake that ended a sleep is its thread's first wakeup at or after the deadline and at or
// before the thread was back (a signal's wake during the sleep comes before the deadline; a sleep
// whose deadline passed while its thread ran an interrupt handler has none: unmatched).
SleepLateness MeasureSleepLateness(
    const std::unordered_map<int64_t, std::vector<SleepSpan>>& sleeps_by_pid,
    const std::vector<WakeEvent>& wakes);

// The bunches of `wakes` (kBunchGapNs), each as the indices of its wakes in `wakes`.
std::vector<std::vector<size_t>> Bunches(const std::vector<WakeEvent>& wakes);
std::vector<int> BunchSizes(const std::vector<WakeEvent>& wakes);

// The quantiles of `v` at 0, 1/n, ..., 1 (nearest rank), n+1 values; empty when v is.
std::vector<int64_t> EvenQuantiles(std::vector<int64_t> v, int n);

}  // namespace scxtwin::runner

#endif  // SCXTWIN_WORKLOADS_RUNNER_SLEEP_LATENESS_H_
