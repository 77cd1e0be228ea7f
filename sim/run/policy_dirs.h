// Where the simulator finds sched_ext policies by name: host objects `NAME_host.so` or
// `NAME.so` in a list of directories (the runfiles' policy/ and sim/testdata/, --policy_dir,
// $SCXTWIN_POLICY_DIR), or a path given as is.
#ifndef SCXTWIN_SIM_RUN_POLICY_DIRS_H_
#define SCXTWIN_SIM_RUN_POLICY_DIRS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace scxtwin::sim {

// Finds the host object of policy `name`: `<dir>/<name>_host.so` or `<dir>/<name>.so` in each
// of `dirs`. A path (with '/' or ending in .so) is used as is. The error lists what exists.
absl::StatusOr<std::string> ResolvePolicy(const std::string& name,
                                          const std::vector<std::string>& dirs);

// The default policy directories of a binary: $SCXTWIN_POLICY_DIR, then the runfiles'
// policy/ and sim/testdata/ (the project's policies and the simulator's test scheduler).
std::vector<std::string> DefaultPolicyDirs(const char* argv0);

// The project's policies in the binary's runfiles (policy/NAME_host.so: every scx_policy of
// policy/BUILD when the binary has //policy:policies_host as data), sorted.
std::vector<std::string> ProjectPolicies(const char* argv0);

// The policy names found in `dirs` (host objects NAME_host.so / NAME.so), sorted.
std::vector<std::string> KnownPolicies(const std::vector<std::string>& dirs);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_POLICY_DIRS_H_
