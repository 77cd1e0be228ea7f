#include "tools/twin/compare_sim.h"

#include <cstdio>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sim/run/run_class.h"
#include "sim/run/runner.h"
#include "workloads/runner/sched_metrics.h"

namespace scxtwin::twin {

absl::StatusOr<PolicyRuns> RunSimSide(const SimSide& side, const std::string& policy) {
  PolicyRuns out;
  out.policy = policy;
  for (int r = 1; r <= side.runs; ++r) {
    sim::RunConfig c;
    c.policy = policy;
    c.policy_dirs = side.policy_dirs;
    c.workload = side.workload;
    c.topology = absl::StrCat(side.cpus);
    c.params = side.params;
    c.seed = static_cast<uint64_t>(r);
    c.ftrace = absl::StrCat(side.tmpdir, "/sim-", policy, "-", r, ".txt");
    // The machine being modelled is the guest's: its virtual CPUs under TCG have no idle states,
    // SMT siblings, frequency ramps or KVM halt polling, so the host-effect terms are off (a
    // --sim-set cost.NAME=on below turns one back on).
    c.sets.emplace_back("cost.effects", "off");
    // A knob set for the simulator applies to the policies that have it ("POLICY.K" or "K").
    for (const auto& [k, v] : side.sets) {
      const size_t dot = k.find('.');
      if (absl::StartsWith(k, "cost.")) {
        c.sets.emplace_back(k, v);
      } else if (dot != std::string::npos) {
        if (k.substr(0, dot) == policy) c.sets.emplace_back(k.substr(dot + 1), v);
      } else if (policy != sim::kFairPolicyName) {
        c.sets.emplace_back(k, v);
      }
    }
    auto run = sim::RunSimulation(c);
    if (!run.ok()) return run.status();
    std::ifstream trace(c.ftrace);
    RunMetrics m = FromSched(runner::ReadSchedMetrics(trace, [](int64_t pid) { return pid > 0; }));
    std::remove(c.ftrace.c_str());
    const sim::RunResult& res = (*run)->sim->result();
    double sum = 0;
    for (const sim::InstanceMetrics& im : res.instances) {
      ++m.instances;
      if (im.completed < 0) continue;
      ++m.completed;
      sum += static_cast<double>(im.completed - im.arrival) / 1e6;
    }
    m.completion_ms = m.completed ? sum / static_cast<double>(m.completed) : 0;
    if (const host::PolicyInstance* policy = (*run)->sched->policy()) {
      const auto& table = policy->stat_table();
      const std::vector<uint64_t>& stats = (*run)->sched->stats();
      if (table.size() == stats.size()) {
        for (size_t i = 0; i < table.size(); ++i)
          m.counters[table[i].name] = static_cast<int64_t>(stats[i]);
      }
    }
    out.runs.push_back(std::move(m));
  }
  return out;
}

}  // namespace scxtwin::twin
