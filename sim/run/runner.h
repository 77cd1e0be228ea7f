// One simulated run from the user's terms: a policy by name (or .so path), a workload file, a
// topology spec, knobs and costs, a seed. Used by the CLI (//sim), the determinism test and
// the benchmarks, so they all run exactly the same thing.
#ifndef SCXTWIN_SIM_RUN_RUNNER_H_
#define SCXTWIN_SIM_RUN_RUNNER_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "base/set_flags.h"
#include "sim/core/sched_tracer.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/fair/fair_class.h"
#include "sim/host/policy_loader.h"
#include "sim/host/user_half.h"
#include "sim/machine/costs.h"
#include "sim/machine/topology.h"
#include "sim/run/class_registry.h"
#include "sim/run/class_stack_setup.h"
#include "sim/run/policy_dirs.h"
#include "sim/run/run_class.h"
#include "sim/trace/sched_trace_writer.h"
#include "sim/workload/limits.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

struct RunConfig {
  // a built-in class ("eevdf", the fair class: Linux's default scheduler, the baseline; see
  // class_registry.h), a policy name (looked up, see ResolvePolicy) or a path to a host .so.
  std::string policy;
  std::vector<std::string> policy_dirs;  // where names are looked up, in order
  std::string workload;                  // a .textpb file
  std::string topology = "2x2x4x2";
  // --nohz_full=LIST: the kernel's nohz_full= CPUs (SimOptions::nohz_full); "" = none.
  std::string nohz_full;
  // --set K=V: "cost.<name>" sets a machine cost (MachineCosts::Set); anything else a knob of
  // the class (RunClass::SetKnob).
  std::vector<Assignment> sets;
  // --param NAME=VALUE: the workload's params (sim/workload/params.h), in order.
  std::vector<Assignment> params;
  // --background=NAME: host background workloads run beside the workload (BackgroundPath).
  std::vector<std::string> background;
  uint64_t seed = 1;
  SimDuration duration = 0;  // 0: the workload's
  // What a workload may ask for (checked before the run, see sim/workload/limits.h), and the
  // simulated-time cap of a run that does not end by itself (--max_sim_time).
  WorkloadLimits limits;
  SimDuration max_sim_time = 600 * kNsPerSec;
  std::ostream* log = nullptr;  // JSON Lines of every callback and kfunc call
  std::string perfetto;         // write a binary Perfetto trace here ("" = none)
  std::string ftrace;           // write the ftrace text here ("" = none)
  // After an ejection, keep running the workload under a fallback class: the fair class
  // (sim/fair), where the kernel moves every task.
  bool continue_after_ejection = true;
  // --user_half: the policy's user-space half run as a task (sim/host/user_half.h): "auto" (the
  // one its scheduler needs, if any), "none", or a companion's name ("scx_userland").
  std::string user_half = "auto";
};

// The trace writers of --perfetto / --ftrace (finished when the run ends).
struct RunTraces {
  std::vector<std::unique_ptr<trace::SchedTraceWriter>> writers;
  std::unique_ptr<trace::SchedTraceWriter> tee;  // fans out to `writers`
  std::unique_ptr<SchedTracer> tracer;           // the run's observer feeding `tee`
};

struct RunOutput {
  std::unique_ptr<WorkloadSpec> spec;
  Topology topology;
  MachineCosts costs;
  // The scheduling class (class_registry.h) and what it owns: for a sched_ext policy, the host
  // object, the ext class and the fallback class. Its name is the policy's as reports print it.
  std::unique_ptr<RunClass> sched;
  // The policy's user-space half, whose task is in `spec` (nullptr: none).
  std::unique_ptr<host::UserHalfCompanion> user_half;
  // The classes beside it when the workload needs several (class_stack_setup.h).
  StackedClasses stacked;
  std::unique_ptr<Simulator> sim;
  // Why and when the policy was ejected with its tasks moved to fair ("" and -1: it was not),
  // by the core's fallback or inside a class stack.
  std::string detached() const;
  SimTime detached_at() const;
  // Time Simulator::Run took, never printed by the report (keeps output deterministic).
  double wall_seconds = 0;
  double cpu_seconds = 0;  // CPU time of the simulating thread (what "one core" gives)
  RunTraces traces;
};

absl::StatusOr<std::unique_ptr<RunOutput>> RunSimulation(const RunConfig& config);

// --nohz_full's CPU list ("0-3,8") for a machine of nr_cpus: "" is none; a CPU outside the
// machine or every CPU is an error naming the flag.
absl::StatusOr<CpuSet> ParseNohzFull(const std::string& list, int nr_cpus);

// The exit status of a finished single run, the kernel loader's (kernel/README.md): 4 when the
// policy was ejected with an error (SCX_EXIT_ERROR*, a fault in a callback among them), 5 when
// the watchdog ejected it (SCX_EXIT_ERROR_STALL), else 0.
int ExitStatus(const RunOutput& run);

// The file of --background=NAME: a path as is (with '/' or ending in .textpb), else the library's
// workloads/background_NAME.textpb.
std::string BackgroundPath(const std::string& name);

// The run's workload: config.workload with its params, and config.background's processes added
// as background (they neither keep the run going nor count in any metric).
absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadRunWorkload(const RunConfig& config);

// Loads config.workload (LoadRunWorkload) and checks it against config.limits (and that the run can end), without
// running anything: the errors RunSimulation would give.
absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadCheckedWorkload(const RunConfig& config);

// The knobs `--set` can name for `policy` (a name, "eevdf" or a .so path), in name order: a
// sched_ext policy's `const volatile` globals (the policy is loaded to read them, then
// unloaded), or a built-in class's knobs; plus `user_half.NAME` for the settings of the
// user-space half it runs by default (--user_half=auto), e.g. scx_userland's `user_half.batch`.
absl::StatusOr<std::vector<std::string>> ListKnobs(const std::string& policy,
                                                   const std::vector<std::string>& policy_dirs);

// The `--list` entry of `policy` (a name, "eevdf", "fifo" or a .so path): for a project policy
// its knob table (defaults, ranges, docs) and counters, in the kernel loader's words
// (DescribePolicyTables); for a scheduler without tables its knobs by C type.
absl::StatusOr<std::string> DescribePolicy(const std::string& policy,
                                           const std::vector<std::string>& policy_dirs);

// Checks config.sets against config.policy without running anything: every knob and cost
// exists and every value fits, with the errors RunSimulation would give.
absl::Status CheckSets(const RunConfig& config);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_RUNNER_H_
