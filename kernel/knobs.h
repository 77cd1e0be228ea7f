// Knob assignments from the command line (`--set NAME=VALUE`), checked against a policy's knob
// table before anything is loaded: unknown names, non-numbers and out-of-range values are errors.
#ifndef SCXTWIN_KERNEL_KNOBS_H_
#define SCXTWIN_KERNEL_KNOBS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "kernel/policy_registry.h"

namespace scxtwin {

struct KnobAssignment {
  size_t index;  // into KernelPolicy::knobs
  uint64_t value;
};

// Parses each "NAME=VALUE" of `assignments` for `policy`. VALUE is a decimal unsigned integer in
// the knob's [min, max]. A later assignment of the same knob wins. The error names the offending
// assignment and what was expected.
absl::StatusOr<std::vector<KnobAssignment>> ParseKnobAssignments(
    const KernelPolicy& policy, const std::vector<std::string>& assignments);

// "slice_max_us=5000 slice_min_us=500 ...": every knob with the value `value_of(index)` gives.
template <typename ValueOf>
std::string FormatKnobs(const KernelPolicy& policy, ValueOf value_of) {
  std::string out;
  for (size_t i = 0; i < policy.knobs.size(); ++i) {
    if (i) out += ' ';
    out += policy.knobs[i].name + "=" + std::to_string(value_of(i));
  }
  return out;
}

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_KNOBS_H_
