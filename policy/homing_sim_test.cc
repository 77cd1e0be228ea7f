// homing in the simulator: a task in a long CPU burst keeps its fair share among tasks that
// wake up often but are mostly busy (policy/testdata/long_burst_among_nappers.textpb).
// The deadline's run-time term must not treat a 200 us nap as the end of a burst.
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/run/runner.h"

namespace scxtwin::sim {
namespace {

constexpr int64_t kMs = 1000000;

std::string Runfile(const std::string& path) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/scxtwin/", path);
}

struct LongBurst {
  int64_t completion_ns = -1;  // arrival to exit of the long burst's process
  int64_t max_wait_ns = -1;    // its longest runnable-to-running wait
};

LongBurst RunLongBurst() {
  RunConfig c;
  c.policy = "homing";
  c.policy_dirs = {Runfile("policy")};
  c.workload = Runfile("policy/testdata/long_burst_among_nappers.textpb");
  c.topology = "4";
  auto run = RunSimulation(c);
  EXPECT_TRUE(run.ok()) << run.status();
  LongBurst out;
  if (!run.ok()) return out;
  const RunResult& r = (*run)->sim->result();
  EXPECT_TRUE(r.failure.empty()) << r.failure;
  for (const InstanceMetrics& m : r.instances)
    if ((*run)->spec->processes[m.process].name == "long" && m.completed >= 0)
      out.completion_ns = m.completed - m.arrival;
  for (size_t g = 0; g < r.group_names.size(); ++g)
    if (r.group_names[g] == "long/burst") out.max_wait_ns = r.group_wait[g].max();
  return out;
}

TEST(HomingSimTest, LongBurstKeepsItsShareAmongNappers) {
  const LongBurst b = RunLongBurst();
  ASSERT_GE(b.completion_ns, 0) << "the long burst never finished";
  // Fair share: 10 ms asleep, then 40 ms of work at 4/9 of a CPU = 100 ms; allow 15%.
  EXPECT_LT(b.completion_ns, 115 * kMs);
  // A few ticks (4 ms at hz=250), not the tens of ms of being queued behind every napper.
  EXPECT_LT(b.max_wait_ns, 16 * kMs);
}

// Two CPU-bound tasks on 2 CPUs each get a CPU of their own: done in 1.5 s, not the 3 s of
// sharing one (the VM's homing_hotplug_test checks the same with CPU 1 onlined after attach).
TEST(HomingSimTest, TwoHogsUseBothCpus) {
  RunConfig c;
  c.policy = "homing";
  c.policy_dirs = {Runfile("policy")};
  c.workload = Runfile("policy/testdata/two_hogs.textpb");
  c.topology = "2";
  auto run = RunSimulation(c);
  ASSERT_TRUE(run.ok()) << run.status();
  const RunResult& r = (*run)->sim->result();
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_LT(r.instances[0].completed - r.instances[0].arrival, 1600 * kMs);
  for (const CpuMetrics& m : r.cpus) EXPECT_GT(m.busy_ns, 1400 * kMs);
}

// The same with CPU 1 offline when homing attaches and onlined at 100 ms: homing stays attached
// (it has ops.cpu_online), CPU 1 takes a hog, and both finish near 1.6 s rather than 3 s.
TEST(HomingSimTest, TwoHogsUseCpu1OnlinedAfterAttach) {
  RunConfig c;
  c.policy = "homing";
  c.policy_dirs = {Runfile("policy")};
  c.workload = Runfile("policy/testdata/two_hogs_cpu1_onlined.textpb");
  c.topology = "2";
  auto run = RunSimulation(c);
  ASSERT_TRUE(run.ok()) << run.status();
  const RunResult& r = (*run)->sim->result();
  EXPECT_TRUE(r.detached.empty()) << r.detached;
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_LT(r.instances[0].completed - r.instances[0].arrival, 1700 * kMs);
  ASSERT_EQ(r.cpus.size(), 2u);
  EXPECT_GT(r.cpus[0].busy_ns, 1400 * kMs);
  EXPECT_GT(r.cpus[1].busy_ns, 1300 * kMs);  // from 100 ms on
}

}  // namespace
}  // namespace scxtwin::sim
