// Property test: random workloads on random machines under a real host-compiled policy keep
// every invariant the core checks (time never goes back, no task lost, CPU time conserved),
// and end with the policy unregistered normally.
#include <fstream>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "sim/run/runner.h"

namespace scxtwin::sim {
namespace {

std::string RandomWorkload(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  const char* works[] = {"WS_TINY", "WS_SMALL", "WS_MEDIUM", "WS_LARGE"};
  std::string groups;
  const int ngroups = 1 + pick(3);
  for (int g = 0; g < ngroups; ++g) {
    std::string body =
        absl::StrFormat("body { run { exponential { mean_ns: %d } } } ", 5000 + pick(200000));
    switch (pick(3)) {
      case 0:
        body += absl::StrFormat("body { sleep { uniform { min_ns: 0 max_ns: %d } } } ",
                                1 + pick(500000));
        break;
      case 1:
        body += "body { wake { group: \"g0\" pick: NEXT } } body { wait: true } ";
        break;
      default:
        body += absl::StrFormat(
            "body { fork { group: \"kid\" count: %d } } body { sleep { fixed_ns: %d } } ",
            1 + pick(3), 10000 + pick(100000));
        break;
    }
    groups += absl::StrFormat(
        "group { name: \"g%d\" count: %d nice: %d working_set: %s %s program { loop { count: %d %s "
        "} } }\n",
        g, 1 + pick(40), pick(40) - 20, works[pick(4)], pick(4) == 0 ? "affinity: \"0\"" : "",
        1 + pick(50), body);
  }
  groups +=
      "group { name: \"kid\" on_fork: true program { run { uniform { min_ns: 1000 max_ns: 300000 } "
      "} } }\n";
  // g0 gets woken by others: it also waits for them sometimes; make sure it ends by itself too.
  return absl::StrFormat(
      "name: \"random\" description: \"r\" duration_ns: %d\n"
      "process { name: \"p\" instances: %d arrival { poisson_mean_gap_ns: %d } %s }\n",
      50000000 + pick(100000000), 1 + pick(4), 1 + pick(5000000), groups);
}

TEST(InvariantsTest, RandomWorkloadsAndMachines) {
  const char* topologies[] = {"1", "2", "4", "1x1x2x2", "2x2x2x2", "1x2x4x2", "2x1x3x1", "8"};
  std::mt19937_64 rng(20261129);
  const std::string dir = std::getenv("TEST_TMPDIR");
  for (int i = 0; i < 60; ++i) {
    const std::string path = absl::StrCat(dir, "/w", i, ".textpb");
    std::ofstream(path) << RandomWorkload(rng);
    RunConfig c;
    c.policy = "wvtime";
    c.policy_dirs = {absl::StrCat(std::getenv("TEST_SRCDIR"), "/scxtwin/sim/testdata")};
    c.workload = path;
    c.topology = topologies[rng() % 8];
    c.seed = rng();
    c.sets = {{"slice_ns", absl::StrCat(100000 + rng() % 20000000)}};
    auto run = RunSimulation(c);
    ASSERT_TRUE(run.ok()) << "case " << i << " on " << c.topology << ": " << run.status();
    EXPECT_EQ((*run)->sched->ext()->exit_info().kind, SCX_EXIT_UNREG)
        << i << ": " << (*run)->sched->ext()->exit_info().msg;
    EXPECT_TRUE((*run)->sim->result().failure.empty()) << i;
    EXPECT_GT((*run)->sim->result().context_switches, 0) << i;
  }
}

}  // namespace
}  // namespace scxtwin::sim
