#include "base/knob_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/set_value.h"
#include "base/status_macros.h"

namespace scxtwin {
namespace {

std::string KnobNames(const std::vector<KnobSpec>& knobs) {
  std::string names;
  for (const KnobSpec& k : knobs) {
    if (!names.empty()) names += ", ";
    names += k.name;
  }
  return names.empty() ? "none" : names;
}

}  // namespace

absl::StatusOr<KnobAssignment> ParseKnobAssignment(absl::string_view policy,
                                                   const std::vector<KnobSpec>& knobs,
                                                   absl::string_view name,
                                                   absl::string_view value) {
  const std::string assignment = absl::StrCat(name, "=", value);
  size_t index = knobs.size();
  for (size_t i = 0; i < knobs.size(); ++i) {
    if (knobs[i].name == name) index = i;
  }
  if (index == knobs.size()) {
    return absl::NotFoundError(absl::StrCat("--set '", assignment, "': policy ", policy,
                                            " has no knob '", name, "' (knobs: ", KnobNames(knobs),
                                            ")"));
  }
  const KnobSpec& knob = knobs[index];
  const std::optional<uint64_t> parsed = ParseUnsignedInRange(value, knob.min, knob.max);
  if (!parsed) {
    return absl::OutOfRangeError(
        absl::StrFormat("--set '%s': expected a whole number in [%u, %u] for %s (%s)", assignment,
                        knob.min, knob.max, knob.name, knob.help));
  }
  return KnobAssignment{index, *parsed};
}

absl::StatusOr<std::vector<KnobAssignment>> ParseKnobAssignments(
    absl::string_view policy, const std::vector<KnobSpec>& knobs,
    const std::vector<Assignment>& assignments) {
  std::vector<KnobAssignment> out;
  for (const auto& [name, value] : assignments) {
    SCX_ASSIGN_OR_RETURN(KnobAssignment one, ParseKnobAssignment(policy, knobs, name, value));
    out.push_back(one);
  }
  return out;
}

std::string DescribePolicyTables(absl::string_view policy, const std::vector<KnobSpec>& knobs,
                                 const std::vector<StatSpec>& stats) {
  std::string out = absl::StrCat(policy, "\n  knobs:\n");
  for (const KnobSpec& k : knobs) {
    absl::StrAppend(&out, "    ", k.name, " (default ", k.default_value, ", ", k.min, "..", k.max,
                    "): ", k.help, "\n");
  }
  absl::StrAppend(&out, "  counters:\n");
  for (const StatSpec& s : stats) absl::StrAppend(&out, "    ", s.name, ": ", s.help, "\n");
  return out;
}

}  // namespace scxtwin
