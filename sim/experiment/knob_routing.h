// Which policy of an experiment each `--set K=V` reaches. With several policies in one
// command, a knob is meant for some of them:
//   cost.NAME=V     a machine cost: every policy (the machine is shared)
//   POLICY.KNOB=V   that policy only (POLICY as the table names it, e.g. homing.slice_max_us)
//   KNOB=V          every chosen policy that has a knob of that name
// A knob that no chosen policy has, or a POLICY prefix that is not one of them, is an error
// naming it, rather than a setting that silently reaches nothing.
#ifndef SCXTWIN_SIM_EXPERIMENT_KNOB_ROUTING_H_
#define SCXTWIN_SIM_EXPERIMENT_KNOB_ROUTING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace scxtwin::experiment {

using KnobSet = std::pair<std::string, std::string>;  // (key, value) of one --set

// The label a policy argument gets in tables and in knob prefixes: the name as given, or for
// a path to a host object its file name without "_host.so" / ".so".
std::string PolicyLabel(const std::string& policy_arg);

// Routes `sets` to the policies `labels` (knobs[i]: the knob names policy i has). Returns,
// per policy, its sets in the order given, with the POLICY. prefix removed.
absl::StatusOr<std::vector<std::vector<KnobSet>>> RouteSets(
    const std::vector<std::string>& labels, const std::vector<std::vector<std::string>>& knobs,
    const std::vector<KnobSet>& sets);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_KNOB_ROUTING_H_
