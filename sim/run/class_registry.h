// The scheduling classes `--policy` names: the classes built into the simulator, registered
// here by name (the fair class as "eevdf", Linux's default and the baseline; "fifo", a test
// class), and for any other name a sched_ext policy's host object hosted by the ext class
// (looked up in the policy directories, or a path). A new built-in class is one row of the
// table in class_registry.cc.
#ifndef SCXTWIN_SIM_RUN_CLASS_REGISTRY_H_
#define SCXTWIN_SIM_RUN_CLASS_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/run/run_class.h"

namespace scxtwin::sim {

// The names --policy takes for the classes built into the simulator.
inline constexpr char kFairPolicyName[] = "eevdf";
inline constexpr char kFifoPolicyName[] = "fifo";

// A built-in class: its --policy name and how to make one.
struct BuiltinClass {
  const char* name;
  std::unique_ptr<RunClass> (*make)();
};

// The built-in classes, in the order --list shows them.
const std::vector<BuiltinClass>& BuiltinClasses();

// The class `policy` names: a built-in one, else a sched_ext policy (a name found in
// setup.policy_dirs, or a path to a host .so) loaded for setup.nr_cpus CPUs.
absl::StatusOr<std::unique_ptr<RunClass>> MakeRunClass(const std::string& policy,
                                                       const ClassSetup& setup);

// Sched_ext classes, made by MakeRunClass for a policy's host object (ext_run_class.cc).
absl::StatusOr<std::unique_ptr<RunClass>> MakeExtRunClass(const std::string& policy,
                                                          const ClassSetup& setup);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_CLASS_REGISTRY_H_
