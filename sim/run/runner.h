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
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/host/policy_loader.h"
#include "sim/machine/costs.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

struct RunConfig {
  std::string policy;      // a name (looked up, see ResolvePolicy) or a path to a host .so
  std::vector<std::string> policy_dirs;  // where names are looked up, in order
  std::string workload;    // a .textpb file
  std::string topology = "2x2x4x2";
  // --set K=V: "cost.<name>" sets a machine cost (MachineCosts::Set); anything else a knob.
  std::vector<std::pair<std::string, std::string>> sets;
  uint64_t seed = 1;
  SimDuration duration = 0;  // 0: the workload's
  std::ostream* log = nullptr;  // JSON Lines of every callback and kfunc call
  // After an ejection, keep running the workload under a fallback class (the kernel moves
  // every task to its fair class; until sim/fair's EEVDF model plugs in, FifoClass stands in).
  bool continue_after_ejection = true;
  SimObserver* observer = nullptr;  // e.g. a Perfetto or ftrace writer (sim/core/observer.h)
};

struct RunOutput {
  std::string policy_path;
  std::unique_ptr<WorkloadSpec> spec;
  Topology topology;
  MachineCosts costs;
  std::unique_ptr<host::PolicyInstance> policy;  // null for a built-in class
  std::unique_ptr<ExtClass> ext;        // a sched_ext policy's run, or
  std::unique_ptr<SchedClass> builtin;  // a built-in class's (BuiltinClass)
  std::unique_ptr<SchedClass> fallback;
  std::unique_ptr<Simulator> sim;
  std::vector<uint64_t> stats;  // the policy's per-CPU `stats` counters summed, if it has them
  // Time Simulator::Run took, never printed by the report (keeps output deterministic).
  double wall_seconds = 0;
  double cpu_seconds = 0;  // CPU time of the simulating thread (what "one core" gives)
};

// Finds the host object of policy `name`: `<dir>/<name>_host.so` or `<dir>/<name>.so` in each
// of `dirs`. A path (with '/' or ending in .so) is used as is. The error lists what exists.
absl::StatusOr<std::string> ResolvePolicy(const std::string& name, const std::vector<std::string>& dirs);

// The default policy directories of a binary: $SCXTWIN_POLICY_DIR, then the runfiles'
// policy/ and sim/testdata/ (the project's policies and the simulator's test scheduler).
std::vector<std::string> DefaultPolicyDirs(const char* argv0);

// A scheduling class built into the simulator by --policy name ("fifo"; "eevdf" once sim/fair
// lands), or nullptr: the name is a sched_ext policy.
std::unique_ptr<SchedClass> BuiltinClass(const std::string& name);

absl::StatusOr<std::unique_ptr<RunOutput>> RunSimulation(const RunConfig& config);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_RUNNER_H_
