// Target.WAITING_ONLY: the wake reaches a member blocked in `wait`, or nobody; it is never
// kept pending (unlike WAITING, which falls back to round robin and leaves a pending wake).
#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

// `a` wakes `b` while b still runs (nobody waits), then again 200 us later when b waits.
constexpr char kSpec[] = R"pb(
  name: "pick"
  process {
    name: "p"
    group {
      name: "a"
      program { run { fixed_ns: 10000 } }
      program { wake { group: "b" pick: PICK } }
      program { sleep { fixed_ns: 200000 } }
      program { wake { group: "b" pick: PICK } }
    }
    group {
      name: "b"
      program { run { fixed_ns: 100000 } }
      program { wait: true }
      program { run { fixed_ns: 10000 } }
    }
  })pb";

const Task& RunB(const std::string& pick, std::unique_ptr<WorkloadSpec>* keep,
                 std::unique_ptr<Simulator>* sim, FifoClass* cls, const Topology& topo) {
  std::string text = kSpec;
  for (size_t at; (at = text.find("PICK")) != std::string::npos;) text.replace(at, 4, pick);
  auto spec = ParseWorkload(text, "pick.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  *keep = *std::move(spec);
  SimOptions o;
  o.costs.context_switch_ns = 0;
  *sim = std::make_unique<Simulator>(topo, **keep, cls, o);
  EXPECT_TRUE((*sim)->Run().ok());
  return (*sim)->tasks()[1];
}

TEST(WakePickTest, WaitingOnlyDropsAWakeNobodyWaitsFor) {
  const Topology topo = *Topology::Parse("2");
  std::unique_ptr<WorkloadSpec> spec;
  std::unique_ptr<Simulator> sim;
  FifoClass cls;
  const Task& b = RunB("WAITING_ONLY", &spec, &sim, &cls, topo);
  EXPECT_EQ(b.state, TaskState::kExited);
  EXPECT_EQ(b.m.wakeups, 1);       // blocked once, woken by the second wake
  EXPECT_GE(b.exited_at, 210000);  // not before a's second wake
}

TEST(WakePickTest, WaitingKeepsTheWakePending) {
  const Topology topo = *Topology::Parse("2");
  std::unique_ptr<WorkloadSpec> spec;
  std::unique_ptr<Simulator> sim;
  FifoClass cls;
  const Task& b = RunB("WAITING", &spec, &sim, &cls, topo);
  EXPECT_EQ(b.m.wakeups, 0);  // its wait consumed the pending wake
  EXPECT_LT(b.exited_at, 200000);
}

}  // namespace
}  // namespace scxtwin::sim
