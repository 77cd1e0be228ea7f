// CPU hotplug in the core (workload `hotplug` events and `offline_cpus`): an offline CPU runs
// nothing, its task moves to an online CPU, a task pinned to it runs elsewhere until it is back,
// an onlined CPU takes work, and bad events are setup errors naming the event.
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

constexpr SimDuration kMs = kNsPerMs;

TEST(HotplugTest, OfflineCpuRunsNothingAndItsTaskMoves) {
  // Two 100 ms hogs on 2 CPUs; CPU 1 goes offline at 10 ms: its hog finishes on CPU 0.
  auto spec = Spec(R"pb(hotplug { at_ns: 10000000 cpu: 1 online: false }
                        process {
                          name: "p"
                          group {
                            name: "g"
                            count: 2
                            program { run { fixed_ns: 100000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().cpus[1].busy_ns, 10 * kMs);
  EXPECT_EQ(sim.result().end_time, 190 * kMs);  // 200 ms of work, 10 of it on CPU 1
  for (const Task& t : sim.tasks()) EXPECT_EQ(t.state, TaskState::kExited);
  EXPECT_FALSE(sim.cpu_online(1));
  EXPECT_EQ(sim.hotplug_seq(), 3u);  // two CPUs at boot, one going offline
}

TEST(HotplugTest, TaskPinnedToAnOfflineCpuRunsOnAnOnlineOne) {
  // select_fallback_rq: no allowed CPU is online, so the task's affinity is widened to every
  // CPU, and stays so when its CPU comes back.
  auto spec = Spec(R"pb(hotplug { at_ns: 10000000 cpu: 1 online: false }
                        hotplug { at_ns: 30000000 cpu: 1 online: true }
                        process {
                          name: "p"
                          group {
                            name: "pinned"
                            affinity: "1"
                            program { run { fixed_ns: 50000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 50 * kMs);         // never waits: CPU 0 takes it at once
  EXPECT_EQ(sim.result().cpus[0].busy_ns, 40 * kMs);  // until it runs out (no reason to leave)
  EXPECT_EQ(sim.tasks()[0].affinity.Count(), 2);
  EXPECT_EQ(sim.tasks()[0].nr_cpus_allowed, 2);
}

TEST(HotplugTest, OnlinedCpuTakesQueuedWork) {
  auto spec = Spec(R"pb(offline_cpus: "1"
                        hotplug { at_ns: 20000000 cpu: 1 online: true }
                        process {
                          name: "p"
                          group {
                            name: "g"
                            count: 2
                            program { run { fixed_ns: 100000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  // 20 ms shared on CPU 0, then one hog per CPU.
  EXPECT_GT(sim.result().cpus[1].busy_ns, 85 * kMs);
  EXPECT_LT(sim.result().end_time, 115 * kMs);
  EXPECT_EQ(sim.hotplug_seq(), 4u);  // boot 2, offline at start 1, online 1
}

std::string SetupError(const std::string& text) {
  auto spec = Spec(text);
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  absl::Status s = sim.Run();
  return s.ok() ? "ok" : std::string(s.message());
}

constexpr char kOneTask[] = R"pb(
  process {
    name: "p"
    group {
      name: "g"
      program { run { fixed_ns: 1000000 } }
    }
  })pb";

TEST(HotplugTest, BadEventsAreSetupErrors) {
  EXPECT_EQ(SetupError(std::string("hotplug { at_ns: 1 cpu: 2 online: false }") + kOneTask),
            "test.textpb: hotplug[0].cpu 2 is outside the machine; expected 0..1");
  EXPECT_EQ(SetupError(std::string("hotplug { at_ns: 1 cpu: 1 online: true }") + kOneTask),
            "test.textpb: hotplug[0]: cpu 1 is already online; expected a change");
  EXPECT_EQ(SetupError(std::string("offline_cpus: \"0\" hotplug { at_ns: 1 cpu: 1 online: false "
                                   "}") +
                       kOneTask),
            "test.textpb: hotplug[0]: cpu 1 is the last online CPU; expected one to stay online");
  EXPECT_EQ(SetupError(std::string("offline_cpus: \"0-1\"") + kOneTask),
            "test.textpb: offline_cpus '0-1' takes every CPU offline; expected at least one "
            "online CPU");
}

}  // namespace
}  // namespace scxtwin::sim
