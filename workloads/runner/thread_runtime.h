// Runs a plan (plan.h) as real threads of this process: `run` burns thread CPU time, `sleep`
// sleeps, wakes and waits go through per-task futexes, spinning waits spin, forks create threads,
// interrupts (`wake { ack: ... }`) are signals whose handler acknowledges on the sender's channel.
// Arrivals and start delays come from the simulator's seeded streams (sim/engine/rng.h), with
// the same stream keys, so a seed draws the same arrivals in both twins.
#ifndef SCXTWIN_WORKLOADS_RUNNER_THREAD_RUNTIME_H_
#define SCXTWIN_WORKLOADS_RUNNER_THREAD_RUNTIME_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/runner/plan.h"
#include "workloads/runner/sleep_lateness.h"

namespace scxtwin::runner {

struct InstanceResult {
  int process = 0;
  int instance = 0;           // within its process
  int64_t arrival_ns = 0;     // from the run's start
  int64_t completed_ns = -1;  // -1: still running when the run stopped
};

struct TaskResult {
  std::string name;  // PROCESS.INSTANCE/GROUP.INDEX, as the simulator names tasks
  pid_t tid = 0;
  int64_t cpu_ns = 0;  // thread CPU time used
  int64_t created_ns = 0, exited_ns = -1;
  // Its `sleep` operations, in CLOCK_MONOTONIC ns (not from the run's start: the trace's clock
  // when it is "mono"), so each sleep's end can be found in the trace (sleep_lateness.h).
  std::vector<SleepSpan> sleeps;
};

struct RunResult {
  int64_t end_ns = 0;
  bool stopped_by_duration = false;
  std::vector<InstanceResult> instances;
  std::vector<TaskResult> tasks;
};

// Runs `plan` with random seed `seed`; a plan with duration_ns > 0 is stopped there.
// `error` is set (and false returned) when threads cannot be created.
bool RunPlan(const Plan& plan, uint64_t seed, RunResult* result, std::string* error);

}  // namespace scxtwin::runner

#endif  // SCXTWIN_WORKLOADS_RUNNER_THREAD_RUNTIME_H_
