#include "policy/knob_table.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

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

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<KnobAssignment> ParseKnobAssignment(absl::string_view policy,
                                                   const std::vector<KnobSpec>& knobs,
                                                   absl::string_view assignment) {
  const size_t eq = assignment.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(absl::StrCat("--set '", assignment,
                                                   "': expected KNOB=VALUE (knobs of ", policy,
                                                   ": ", KnobNames(knobs), ")"));
  }
  const absl::string_view name = assignment.substr(0, eq);
  const absl::string_view text = assignment.substr(eq + 1);
  size_t index = knobs.size();
  for (size_t i = 0; i < knobs.size(); ++i) {
    if (knobs[i].name == name) index = i;
  }
  if (index == knobs.size()) {
    return absl::NotFoundError(absl::StrCat("--set '", assignment, "': policy ", policy,
                                            " has no knob '", name, "' (knobs: ",
                                            KnobNames(knobs), ")"));
  }
  const KnobSpec& knob = knobs[index];
  uint64_t value = 0;
  if (!AllDigits(text) || !absl::SimpleAtoi(text, &value) || value < knob.min ||
      value > knob.max) {
    return absl::OutOfRangeError(
        absl::StrFormat("--set '%s': expected a whole number in [%u, %u] for %s (%s)",
                        assignment, knob.min, knob.max, knob.name, knob.help));
  }
  return KnobAssignment{index, value};
}

absl::StatusOr<std::vector<KnobAssignment>> ParseKnobAssignments(
    absl::string_view policy, const std::vector<KnobSpec>& knobs,
    const std::vector<std::string>& assignments) {
  std::vector<KnobAssignment> out;
  for (const std::string& a : assignments) {
    absl::StatusOr<KnobAssignment> one = ParseKnobAssignment(policy, knobs, a);
    if (!one.ok()) return one.status();
    out.push_back(*one);
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
