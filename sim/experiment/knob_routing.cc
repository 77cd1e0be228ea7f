#include "sim/experiment/knob_routing.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace scxtwin::experiment {
namespace {

bool Has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string KnobList(const std::vector<std::string>& knobs) {
  return knobs.empty() ? "none" : absl::StrJoin(knobs, ", ");
}

}  // namespace

std::string PolicyLabel(const std::string& policy_arg) {
  absl::string_view label = policy_arg;
  if (absl::StrContains(label, '/') || absl::EndsWith(label, ".so")) {
    if (size_t slash = label.rfind('/'); slash != absl::string_view::npos)
      label.remove_prefix(slash + 1);
    if (!absl::ConsumeSuffix(&label, "_host.so")) absl::ConsumeSuffix(&label, ".so");
  }
  return std::string(label);
}

absl::StatusOr<std::vector<std::vector<KnobSet>>> RouteSets(
    const std::vector<std::string>& labels, const std::vector<std::vector<std::string>>& knobs,
    const std::vector<KnobSet>& sets) {
  std::vector<std::vector<KnobSet>> routed(labels.size());
  for (const auto& [key, value] : sets) {
    const std::string what = absl::StrCat("--set ", key, "=", value);
    if (absl::StartsWith(key, "cost.")) {
      for (auto& r : routed) r.emplace_back(key, value);
      continue;
    }
    if (const size_t dot = key.find('.'); dot != std::string::npos) {
      const std::string prefix = key.substr(0, dot), knob = key.substr(dot + 1);
      const auto it = std::find(labels.begin(), labels.end(), prefix);
      if (it == labels.end()) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": '", prefix,
                                                       "' is not a chosen policy (",
                                                       absl::StrJoin(labels, ", "), ") nor cost"));
      }
      const size_t i = static_cast<size_t>(it - labels.begin());
      if (!Has(knobs[i], knob)) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": policy ", prefix, " has no knob '",
                                                       knob, "' (its knobs: ", KnobList(knobs[i]),
                                                       ")"));
      }
      routed[i].emplace_back(knob, value);
      continue;
    }
    bool reached = false;
    for (size_t i = 0; i < labels.size(); ++i) {
      if (!Has(knobs[i], key)) continue;
      routed[i].emplace_back(key, value);
      reached = true;
    }
    if (!reached) {
      std::vector<std::string> each;
      for (size_t i = 0; i < labels.size(); ++i)
        each.push_back(absl::StrCat(labels[i], ": ", KnobList(knobs[i])));
      return absl::InvalidArgumentError(absl::StrCat(what, ": unknown knob '", key,
                                                     "': no chosen policy has it (",
                                                     absl::StrJoin(each, "; "), ")"));
    }
  }
  return routed;
}

}  // namespace scxtwin::experiment
