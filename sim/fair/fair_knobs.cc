#include "sim/fair/fair_knobs.h"

#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/set_value.h"

namespace scxtwin::sim::fair {
namespace {

struct Knob {
  const char* name;
  int64_t FairParams::*i64 = nullptr;
  int FairParams::*i32 = nullptr;
  bool FairParams::*flag = nullptr;
  int64_t min = 0;
};

const Knob kKnobs[] = {
    {"base_slice_normalized_ns", &FairParams::base_slice_normalized_ns, nullptr, nullptr, 1},
    {"migration_cost_ns", &FairParams::migration_cost_ns, nullptr, nullptr, 0},
    {"newidle_lb_cost_ns", &FairParams::newidle_lb_cost_ns, nullptr, nullptr, 0},
    {"busy_factor", nullptr, &FairParams::busy_factor, nullptr, 1},
    {"imbalance_pct", nullptr, &FairParams::imbalance_pct, nullptr, 100},
    {"imbalance_pct_smt", nullptr, &FairParams::imbalance_pct_smt, nullptr, 100},
    {"cache_nice_tries_llc", nullptr, &FairParams::cache_nice_tries_llc, nullptr, 0},
    {"cache_nice_tries_numa", nullptr, &FairParams::cache_nice_tries_numa, nullptr, 0},
    {"nohz_kick_nr_running", nullptr, &FairParams::nohz_kick_nr_running, nullptr, 1},
    {"place_lag", nullptr, nullptr, &FairParams::place_lag},
    {"place_deadline_initial", nullptr, nullptr, &FairParams::place_deadline_initial},
    {"run_to_parity", nullptr, nullptr, &FairParams::run_to_parity},
    {"preempt_short", nullptr, nullptr, &FairParams::preempt_short},
    {"delay_dequeue", nullptr, nullptr, &FairParams::delay_dequeue},
    {"wakeup_preemption", nullptr, nullptr, &FairParams::wakeup_preemption},
    {"lazy_preemption", nullptr, nullptr, &FairParams::lazy_preemption},
    {"sis_util", nullptr, nullptr, &FairParams::sis_util},
};

std::string Names() {
  std::vector<std::string> n;
  for (const Knob& k : kKnobs) n.push_back(k.name);
  return absl::StrJoin(n, ", ");
}

}  // namespace

absl::Status SetFairKnob(FairParams* params, absl::string_view key, absl::string_view value) {
  absl::ConsumePrefix(&key, "eevdf.");
  for (const Knob& k : kKnobs) {
    if (key != k.name) continue;
    if (k.flag != nullptr) {
      const std::optional<bool> b = ParseBoolValue(value);
      if (!b) {
        return absl::InvalidArgumentError(
            absl::StrCat("eevdf knob ", key, "=", value, ": expected 0, 1, false or true"));
      }
      params->*k.flag = *b;
      return absl::OkStatus();
    }
    const int64_t max = k.i32 != nullptr ? INT32_MAX : INT64_MAX;
    const std::optional<int64_t> v = ParseSignedInRange(value, k.min, max);
    if (!v) {
      return absl::InvalidArgumentError(
          absl::StrCat("eevdf knob ", key, "=", value, ": expected an integer >= ", k.min));
    }
    if (k.i64 != nullptr) {
      params->*k.i64 = *v;
    } else {
      params->*k.i32 = static_cast<int>(*v);
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("eevdf has no knob '", key, "'; expected one of: ", Names()));
}

std::vector<std::string> DescribeFairKnobs(const FairParams& params) {
  std::vector<std::string> out;
  for (const Knob& k : kKnobs) {
    if (k.flag != nullptr) {
      out.push_back(absl::StrCat(k.name, "=", params.*k.flag ? 1 : 0));
    } else if (k.i64 != nullptr) {
      out.push_back(absl::StrCat(k.name, "=", params.*k.i64));
    } else {
      out.push_back(absl::StrCat(k.name, "=", params.*k.i32));
    }
  }
  return out;
}

}  // namespace scxtwin::sim::fair
