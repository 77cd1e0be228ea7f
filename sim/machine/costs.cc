#include "sim/machine/costs.h"

#include <cstdint>
#include <optional>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/set_value.h"

namespace scxtwin::sim {
namespace {

constexpr const char* kExtCallbackNames[] = {
    "select_cpu",  "enqueue",     "dequeue",     "dispatch",          "tick",
    "runnable",    "running",     "stopping",    "quiescent",         "yield",
    "set_weight",  "set_cpumask", "update_idle", "init_task",         "exit_task",
    "enable",      "disable",     "cgroup_init", "cgroup_exit",       "cgroup_prep_move",
    "cgroup_move", "cpu_online",  "cpu_offline", "cgroup_set_weight", "init",
    "exit",        "timer"};

}  // namespace

absl::Span<const char* const> ExtCallbackNames() { return kExtCallbackNames; }

bool IsExtCallbackName(absl::string_view op) {
  return absl::c_any_of(kExtCallbackNames, [&](const char* n) { return op == n; });
}

const char* WorkingSetName(WorkingSet ws) {
  switch (ws) {
    case WorkingSet::kTiny:
      return "tiny";
    case WorkingSet::kSmall:
      return "small";
    case WorkingSet::kMedium:
      return "medium";
    case WorkingSet::kLarge:
      return "large";
  }
  return "?";
}

absl::Status MachineCosts::Set(absl::string_view key, absl::string_view value) {
  if (absl::Status s = effects.Set(key, value); !absl::IsNotFound(s)) return s;
  const std::optional<int64_t> parsed = ParseSignedInRange(value, 0, INT64_MAX);
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("cost '", key, "': value '", value, "' is not a non-negative integer"));
  }
  const int64_t v = *parsed;
  if (key == "hz") {
    if (v < 1 || v > 10000) {
      return absl::InvalidArgumentError(absl::StrCat("cost 'hz': ", v, " is outside 1..10000"));
    }
    hz = v;
    return absl::OkStatus();
  }
  if (key == "context_switch_ns") {
    context_switch_ns = v;
    return absl::OkStatus();
  }
  if (absl::StartsWith(key, "ext_callback_ns.")) {
    const absl::string_view op = key.substr(16);
    if (!IsExtCallbackName(op)) {
      return absl::InvalidArgumentError(absl::StrCat("cost '", key, "': unknown callback '", op,
                                                     "'; expected a sched_ext_ops callback (",
                                                     absl::StrJoin(kExtCallbackNames, ", "), ")"));
    }
    for (auto& [name, ns] : ext_callback_ns_by_op) {
      if (name == op) {
        ns = v;
        return absl::OkStatus();
      }
    }
    ext_callback_ns_by_op.emplace_back(std::string(op), v);
    return absl::OkStatus();
  }
  if (key == "ext_callback_ns") {
    ext_callback_ns = v;
    return absl::OkStatus();
  }
  if (key == "cache_hot_ns") {
    cache_hot_ns = v;
    return absl::OkStatus();
  }
  for (int d = 0; d < kNumDistances; ++d) {
    for (int w = 0; w < kNumWorkingSets; ++w) {
      if (key == absl::StrCat("refill_ns.", DistanceName(static_cast<Distance>(d)), ".",
                              WorkingSetName(static_cast<WorkingSet>(w)))) {
        refill_ns[d][w] = v;
        return absl::OkStatus();
      }
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown cost '", key,
      "'; expected hz, context_switch_ns, ext_callback_ns[.<callback>], cache_hot_ns or "
      "refill_ns.<same_llc|other_llc|other_node|smt_sibling>.<tiny|small|medium|"
      "large>, or a host effect: ",
      HostEffects::Keys()));
}

SimDuration MachineCosts::ExtCallbackNs(const char* op) const {
  for (const auto& [name, ns] : ext_callback_ns_by_op)
    if (name == op) return ns;
  return ext_callback_ns;
}

std::vector<std::string> MachineCosts::Describe() const {
  std::vector<std::string> out = {absl::StrCat("hz=", hz),
                                  absl::StrCat("context_switch_ns=", context_switch_ns),
                                  absl::StrCat("cache_hot_ns=", cache_hot_ns)};
  // Listed only when set, so that the outputs of runs that leave it at 0 stay as they were.
  if (ext_callback_ns != 0) out.push_back(absl::StrCat("ext_callback_ns=", ext_callback_ns));
  for (const auto& [op, ns] : ext_callback_ns_by_op)
    out.push_back(absl::StrCat("ext_callback_ns.", op, "=", ns));
  for (int d = 1; d < kNumDistances; ++d) {
    for (int w = 0; w < kNumWorkingSets; ++w) {
      out.push_back(absl::StrCat("refill_ns.", DistanceName(static_cast<Distance>(d)), ".",
                                 WorkingSetName(static_cast<WorkingSet>(w)), "=", refill_ns[d][w]));
    }
  }
  for (std::string& e : effects.Describe()) out.push_back(std::move(e));
  return out;
}

}  // namespace scxtwin::sim
