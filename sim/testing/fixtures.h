// Fixtures the simulator's tests share, so that every test builds its workloads and its
// cost-free machine the same way.
#ifndef SCXTWIN_SIM_TESTING_FIXTURES_H_
#define SCXTWIN_SIM_TESTING_FIXTURES_H_

#include <memory>
#include <utility>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

// A workload written inline in a test; a parse error fails the calling test.
inline std::unique_ptr<WorkloadSpec> Spec(absl::string_view text) {
  auto s = ParseWorkload(text, "test.textpb");
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

// Every host effect switched off (the machine of the cost table alone).
inline HostEffects NoEffects() {
  HostEffects fx;
  fx.idle_exit = fx.smt = fx.freq = fx.halt_poll = fx.tick_cost = fx.timer_late = false;
  return fx;
}

// Free context switches and migration refills, and no host effects (idle exits, SMT, frequency,
// halt polling), so that the times a test sees are the programs' own.
inline SimOptions ZeroCost() {
  SimOptions o;
  o.costs.context_switch_ns = 0;
  for (auto& row : o.costs.refill_ns) row.fill(0);
  o.costs.effects = NoEffects();
  return o;
}

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_TESTING_FIXTURES_H_
