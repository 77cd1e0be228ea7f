// Fuzzes the command line's parsers: `--set` taken out of argv and split (base/set_flags.h, the
// value grammar of base/set_value.h), its values (machine costs, the fair class's knobs, a
// project policy's knob table, and the routing of POLICY.KNOB to policies) and `--param` (a
// spec's params with bounds and whole-number checks). The input is lines of K=V; the first
// byte picks the parser. Properties: no crash, no sanitizer report, and a value a parser accepts
// reads back as written (costs, knob table).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "base/knob_table.h"
#include "base/set_flags.h"
#include "base/set_value.h"
#include "sim/experiment/knob_routing.h"
#include "sim/fair/fair_knobs.h"
#include "sim/machine/costs.h"
#include "sim/workload/spec.h"

namespace {

// A spec with params of every kind the loader checks (integer, bounded, scaling a time).
constexpr char kParamSpec[] = R"pb(
  name: "params"
  param { name: "vcpus" default_value: 4 min: 1 max: 64 integer: true }
  param { name: "scale" default_value: 1 min: 0.001 max: 1000 }
  param { name: "rounds" default_value: 3 min: 0 integer: true }
  process {
    name: "p"
    instances_param { name: "vcpus" }
    group {
      name: "g"
      count_param { name: "vcpus" multiply: 2 }
      program {
        loop {
          count_param { name: "rounds" }
          body { run { fixed_ns: 1000 scale_param: "scale" } }
        }
      }
    }
  }
)pb";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int which = data[0] % 5;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::pair<std::string, std::string>> kvs;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    kvs.push_back(std::move(kv));
  }
  switch (which) {
    case 0: {  // --set cost.NAME=V and the fair class's knobs
      scxtwin::sim::MachineCosts costs;
      scxtwin::sim::fair::FairParams params;
      for (const auto& [k, v] : kvs) {
        absl::string_view key = k;
        if (absl::ConsumePrefix(&key, "cost.")) {
          (void)costs.Set(key, v);
        } else {
          (void)scxtwin::sim::fair::SetFairKnob(&params, k, v);
        }
      }
      (void)costs.Describe();
      (void)scxtwin::sim::fair::DescribeFairKnobs(params);
      break;
    }
    case 1: {  // --set on a project policy's knob table
      const std::vector<scxtwin::KnobSpec> knobs = {
          {"slice_max_us", 5000, 100, 1000000, "longest slice"},
          {"slice_min_us", 500, 1, 100000, "shortest slice"},
          {"home_bias", 1, 0, 1, "prefer home"},
          {"big_ns", 1ULL << 40, 0, UINT64_MAX, "any value"},
      };
      for (const auto& [k, v] : kvs) {
        auto r = scxtwin::ParseKnobAssignment("fuzz", knobs, k, v);
        if (r.ok() && (r->index >= knobs.size() || r->value < knobs[r->index].min ||
                       r->value > knobs[r->index].max)) {
          abort();  // accepted a value outside the knob's range
        }
      }
      (void)scxtwin::ParseKnobAssignments("fuzz", knobs, kvs);
      break;
    }
    case 2: {  // --set [POLICY.]KNOB routed over several policies
      const std::vector<std::string> labels = {"eevdf", "homing", "vtime"};
      const std::vector<std::vector<std::string>> knobs = {
          {"base_slice_ns", "sis_util"}, {"slice_max_us", "home_bias"}, {"slice_max_us"}};
      (void)scxtwin::experiment::RouteSets(labels, knobs, kvs);
      break;
    }
    case 4: {  // the command line itself: --set/--param taken out of argv, split into NAME=VALUE
      std::vector<std::string> words = absl::StrSplit(text, ' ');
      std::vector<char*> args;
      for (std::string& w : words) args.push_back(w.data());
      const size_t before = args.size();
      auto values = scxtwin::TakeRepeatedFlag(&args, "set", "K=V");
      if (!values.ok() && args.size() != before) abort();  // an error leaves args unchanged
      if (values.ok()) {
        auto items = scxtwin::ParseAssignments(*values, "set", "K=V");
        if (items.ok()) {
          for (const auto& [k, v] : *items) {
            if (k.empty()) abort();  // every item has a NAME
            auto n = scxtwin::ParseUnsignedInRange(v, 10, 1000);
            if (n && (*n < 10 || *n > 1000)) abort();
            auto m = scxtwin::ParseSignedInRange(v, -5, 5, scxtwin::NumberBase::kDecimalOrHex);
            if (m && (*m < -5 || *m > 5)) abort();
            (void)scxtwin::ParseBoolValue(v);
          }
        }
      }
      break;
    }
    case 3: {  // --param NAME=VALUE
      auto spec = scxtwin::sim::ParseWorkload(kParamSpec, "params.textpb", kvs);
      if (spec.ok()) {
        for (const auto& p : (*spec)->params) {
          if (p.name == "vcpus" && (p.value < 1 || p.value > 64))
            abort();  // accepted out of bounds
        }
      }
      break;
    }
  }
  return 0;
}
