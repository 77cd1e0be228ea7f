// Limits a workload is checked against before it runs: a spec that is well formed but would
// need more tasks, process instances, forks, loop iterations or memory than the limits allow is
// refused with one line naming the figure, the limit and the flag that raises it, instead of
// running for minutes and dying of the OOM killer. Also refused here: a run with no end (an
// endless loop without `exit` and no duration to stop it).
#ifndef SCXTWIN_SIM_WORKLOAD_LIMITS_H_
#define SCXTWIN_SIM_WORKLOAD_LIMITS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "sim/engine/time.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

// The defaults are the documented ones (sim/README.md, Limits); each has a command-line flag.
struct WorkloadLimits {
  int64_t max_tasks = 1'000'000;      // --max_tasks: tasks of a run, started and forked
  int64_t max_instances = 1'000'000;  // --max_instances: process instances of a run
  int64_t max_forks = 1'000'000;      // --max_forks: tasks created by `fork` ops
  // --max_loop_iterations: loop body runs of the whole run (every task's, every loop's); each
  // costs at least one event, so this bounds the run's length.
  int64_t max_loop_iterations = 10'000'000;
  int64_t max_loop_depth = 16;   // --max_loop_depth: loops inside loops
  int64_t max_memory_mb = 8192;  // --max_memory_mb: the run's estimated memory
};

// The spec's figures the limits are compared with. kUnbounded marks a figure without bound (a
// fork in an endless loop; bounded at run time by max_tasks instead).
struct WorkloadFigures {
  static constexpr int64_t kUnbounded = INT64_MAX;
  int64_t instances = 0;
  int64_t start_tasks = 0;  // tasks of the groups that start with their instance
  int64_t forks = 0;        // tasks created by fork ops (kUnbounded: in an endless loop)
  int64_t tasks = 0;        // start_tasks + forks
  // Loop body runs of all tasks (an endless loop's body counts once: the duration bounds it).
  int64_t loop_iterations = 0;
  int64_t max_task_loop_iterations =
      0;  // the largest of one loop per task: its count times the loops' around it
  std::string max_task_loop_iterations_at;  // that loop's field path
  int64_t max_loop_depth = 0;
  std::string max_loop_depth_at;
  int64_t memory_bytes = 0;  // estimated peak of the simulator's own state (see limits.cc)
};

// The memory estimate's constants, from //sim/bench:memory_bench (`bazel run -c opt
// //sim/bench:memory_bench`; heap bytes per added task or pending event, glibc mallinfo2, on the
// 2-core Debian 12 build machine): per task (with its process instance) 898 B under fifo, 994 B
// eevdf, 1452 B wvtime and vtime, 1480 B homing; per pending event 52 B. The constants round
// these up, with room for a vector's capacity doubling; //sim/bench:memory_bench_test keeps each
// measurement at or below its constant.
inline constexpr int64_t kBytesPerTask = 2048;
inline constexpr int64_t kBytesPerPendingEvent = 96;

// Counts the spec's figures (saturating: no overflow whatever the counts).
WorkloadFigures CountWorkload(const WorkloadSpec& spec);

// Checks the figures against `limits`, and that the run ends: with `duration` 0 (neither
// --duration nor duration_ns) an endless loop must contain an `exit`. Errors are
// InvalidArgument, one line: "FILE: the workload needs N tasks (...); the limit is L
// (--max_tasks=N raises it)".
absl::StatusOr<WorkloadFigures> CheckWorkloadLimits(const WorkloadSpec& spec,
                                                    const WorkloadLimits& limits,
                                                    SimDuration duration);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_WORKLOAD_LIMITS_H_
