// The simulator's side of the comparison: each policy's runs on the VM's topology, measured from
// the run's ftrace text by the same reader the guest uses.
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_SIM_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_SIM_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/twin/compare_metrics.h"

namespace scxtwin::twin {

struct SimSide {
  std::string workload;  // file
  std::vector<std::pair<std::string, std::string>> params;
  int cpus = 2;
  int runs = 1;
  // --set K=V for the simulator only (e.g. a deliberately wrong model).
  std::vector<std::pair<std::string, std::string>> sets;
  std::vector<std::string> policy_dirs;
  std::string tmpdir;
};

// Runs `policy` side.runs times, seeds 1..runs.
absl::StatusOr<PolicyRuns> RunSimSide(const SimSide& side, const std::string& policy);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_SIM_H_
