#include "kernel/knobs.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scxtwin {
namespace {

std::string KnobNames(const KernelPolicy& policy) {
  std::string names;
  for (const KnobSpec& k : policy.knobs) {
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

absl::StatusOr<std::vector<KnobAssignment>> ParseKnobAssignments(
    const KernelPolicy& policy, const std::vector<std::string>& assignments) {
  std::vector<KnobAssignment> out;
  for (const std::string& a : assignments) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--set '", a, "': expected KNOB=VALUE (knobs of ", policy.name, ": ",
                       KnobNames(policy), ")"));
    }
    absl::string_view name = absl::string_view(a).substr(0, eq);
    absl::string_view text = absl::string_view(a).substr(eq + 1);
    size_t index = policy.knobs.size();
    for (size_t i = 0; i < policy.knobs.size(); ++i) {
      if (policy.knobs[i].name == name) index = i;
    }
    if (index == policy.knobs.size()) {
      return absl::NotFoundError(absl::StrCat("--set '", a, "': policy ", policy.name,
                                              " has no knob '", name,
                                              "' (knobs: ", KnobNames(policy), ")"));
    }
    const KnobSpec& knob = policy.knobs[index];
    uint64_t value = 0;
    if (!AllDigits(text) || !absl::SimpleAtoi(text, &value) || value < knob.min ||
        value > knob.max) {
      return absl::OutOfRangeError(absl::StrFormat(
          "--set '%s': expected a whole number in [%u, %u] for %s (%s)", a, knob.min, knob.max,
          knob.name, knob.help));
    }
    out.push_back(KnobAssignment{index, value});
  }
  return out;
}

}  // namespace scxtwin
