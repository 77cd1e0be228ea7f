// A policy's knob and counter tables, as its NAME_KNOBS / NAME_STATS X-macros list them, and the
// checks of `--set NAME=VALUE` against the knob table. One implementation for both twins: the
// kernel loader (//kernel:load, tables generated from NAME.h) and the simulator (//sim, tables
// reported by the host-compiled policy object), so both refuse the same values in the same words.
#ifndef SCXTWIN_BASE_KNOB_TABLE_H_
#define SCXTWIN_BASE_KNOB_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/set_flags.h"

namespace scxtwin {

// KNOB(name_with_unit, default, min, max, "what it does")
struct KnobSpec {
  std::string name;  // with its unit: slice_max_us
  uint64_t default_value;
  uint64_t min;
  uint64_t max;
  std::string help;
};

// STAT(name, "what it counts")
struct StatSpec {
  std::string name;
  std::string help;
};

struct KnobAssignment {
  size_t index;  // into the knob table
  uint64_t value;
};

// Checks one `--set NAME=VALUE` (split by ParseAssignments, base/set_flags.h) for policy `policy`
// with knob table `knobs`. VALUE is a decimal whole number in the knob's [min, max]
// (base/set_value.h). Errors start with "--set 'NAME=VALUE': " and say what was expected: the
// knob names (unknown knob), or the range and the knob's help.
absl::StatusOr<KnobAssignment> ParseKnobAssignment(absl::string_view policy,
                                                   const std::vector<KnobSpec>& knobs,
                                                   absl::string_view name, absl::string_view value);

// Each of `assignments` in turn (the first error wins). A later assignment of a knob wins.
absl::StatusOr<std::vector<KnobAssignment>> ParseKnobAssignments(
    absl::string_view policy, const std::vector<KnobSpec>& knobs,
    const std::vector<Assignment>& assignments);

// "slice_max_us=5000 slice_min_us=500 ...": every knob with the value `value_of(index)` gives.
template <typename ValueOf>
std::string FormatKnobs(const std::vector<KnobSpec>& knobs, ValueOf value_of) {
  std::string out;
  for (size_t i = 0; i < knobs.size(); ++i) {
    if (i) out += ' ';
    out += knobs[i].name + "=" + std::to_string(value_of(i));
  }
  return out;
}

// The `--list` entry of one policy (both CLIs print it):
//   homing
//     knobs:
//       slice_max_us (default 5000, 100..1000000): time slice when no task waits; ...
//     counters:
//       went_home: woken tasks sent back to their idle home CPU from elsewhere
std::string DescribePolicyTables(absl::string_view policy, const std::vector<KnobSpec>& knobs,
                                 const std::vector<StatSpec>& stats);

}  // namespace scxtwin

#endif  // SCXTWIN_BASE_KNOB_TABLE_H_
