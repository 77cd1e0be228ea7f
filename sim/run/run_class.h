// The scheduling class of one run, as the runner sees it: created by name from the class
// registry (class_registry.h), given the run's non-cost `--set` knobs, then built into the
// SchedClass the simulator drives. It owns what the class needs for the whole run (a sched_ext
// policy's host object, the fallback class after an ejection) and gives the report its views.
#ifndef SCXTWIN_SIM_RUN_RUN_CLASS_H_
#define SCXTWIN_SIM_RUN_RUN_CLASS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/core/sched_class.h"
#include "sim/machine/topology.h"

namespace scxtwin::host {
class PolicyInstance;
}  // namespace scxtwin::host

namespace scxtwin::sim {

class ExtClass;
namespace fair {
class FairClass;
}  // namespace fair

// What a class needs to be created: where policy names are looked up, and the machine's CPU
// count (0: a scratch instance, for --list and for checking --set before a run) and shape (for a
// hosted scheduler whose loader copies the topology in; null: no shape).
struct ClassSetup {
  std::vector<std::string> policy_dirs;
  int nr_cpus = 0;
  const Topology* topology = nullptr;
};

// What a class needs to be built for a run.
struct ClassBuildOptions {
  uint64_t seed = 1;
  std::ostream* log = nullptr;  // JSON Lines of every callback and kfunc call (sched_ext)
  // After an ejection, keep running the workload under the fair class, where the kernel moves
  // every task (sched_ext classes only).
  bool continue_after_ejection = true;
  // The machine's timer frequency (MachineCosts::hz): a policy's CONFIG_HZ (0: leave it).
  int64_t hz = 0;
};

class RunClass {
 public:
  virtual ~RunClass() = default;

  // The name reports print (a policy's ops name, "eevdf", "fifo").
  virtual std::string name() const = 0;
  // The `--list` entry: knobs (defaults, ranges, docs) and counters.
  virtual std::string Describe() const = 0;
  // The knobs `--set` can name, in any order.
  virtual std::vector<std::string> KnobNames() const = 0;
  // A `--set KEY=VALUE` that is not a cost. Errors name the assignment and what was expected.
  virtual absl::Status SetKnob(const std::string& key, const std::string& value) = 0;

  // Creates the class for the run (once, after the knobs); it lives as long as this object.
  virtual absl::StatusOr<SchedClass*> Build(const ClassBuildOptions& options) = 0;
  // The class that takes the tasks over after an ejection (nullptr: none).
  virtual SchedClass* fallback() { return nullptr; }
  // Called once the run has ended: e.g. reads the policy's counters.
  virtual void Finish() {}

  // Views for reports and tests: non-null only for a class of that kind (ext and fair once
  // built; a sched_ext policy's host object from creation).
  virtual const ExtClass* ext() const { return nullptr; }
  virtual const fair::FairClass* fair() const { return nullptr; }
  virtual host::PolicyInstance* policy() const { return nullptr; }
  // The policy's per-CPU `stats` counters summed at Finish, if it has them.
  virtual const std::vector<uint64_t>& stats() const { return no_stats_; }

 private:
  const std::vector<uint64_t> no_stats_;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_RUN_CLASS_H_
