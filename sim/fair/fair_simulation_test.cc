// The fair class driving the real simulator: runs end with every task done and the core's
// invariants intact, CPU time is shared by weight, and the baseline's signature behaviours
// show (a short wakee waits behind a running task's slice; spread on fork).
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/fair/fair_class.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim::fair {
namespace {

TEST(FairSimulation, CpuHogsShareOneCpuEqually) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 3
                            program { run { fixed_ns: 30000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FairClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 90000000);
  // Fair sharing: each finishes within a few slices of the end.
  for (const Task& t : sim.tasks()) EXPECT_GT(t.exited_at, 80000000) << t.name;
  EXPECT_GT(cls.stats().tick_preemptions, 10);
}

TEST(FairSimulation, NiceWeightsSplitCpuTime) {
  // nice -5 (weight 3121) vs nice 0 (1024) hogs on one CPU for 100 ms: ~3:1.
  auto spec = Spec(R"pb(
    duration_ns: 100000000
    process {
      name: "p"
      group {
        name: "heavy"
        nice: -5
        program { run { fixed_ns: 1000000000 } }
      }
      group {
        name: "light"
        program { run { fixed_ns: 1000000000 } }
      }
    })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FairClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  const double ratio = static_cast<double>(sim.tasks()[0].m.run_ns) / sim.tasks()[1].m.run_ns;
  EXPECT_NEAR(ratio, 3121.0 / 1024.0, 0.35);
}

TEST(FairSimulation, ForksSpreadOverIdleCpus) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "parent"
                            program { fork { group: "child" count: 3 } }
                            program { run { fixed_ns: 10000000 } }
                          }
                          group {
                            name: "child"
                            on_fork: true
                            program { run { fixed_ns: 10000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 4, 1);
  FairClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 10000000);  // all four ran in parallel
}

TEST(FairSimulation, PingPongAndSleepsComplete) {
  auto spec = Spec(R"pb(
    process {
      name: "pp"
      instances: 3
      group {
        name: "ping"
        program {
          loop {
            count: 50
            body { run { fixed_ns: 30000 } }
            body { wake { group: "pong" } }
            body { wait: true }
          }
        }
      }
      group {
        name: "pong"
        program {
          loop {
            count: 50
            body { wait: true }
            body { run { fixed_ns: 50000 } }
            body { sleep { fixed_ns: 20000 } }
            body { wake { group: "ping" } }
          }
        }
      }
      group {
        name: "hog"
        program { run { fixed_ns: 20000000 } }
      }
    })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FairClass cls;
  Simulator sim(topo, *spec, &cls, SimOptions());
  ASSERT_TRUE(sim.Run().ok());
  for (const InstanceMetrics& im : sim.result().instances) EXPECT_GE(im.completed, 0);
  for (const Task& t : sim.tasks()) EXPECT_EQ(t.state, TaskState::kExited) << t.name;
}

TEST(FairSimulation, SameSeedSameRun) {
  const char* text = R"pb(
    process {
      name: "b"
      instances: 4
      arrival { poisson_mean_gap_ns: 1000000 }
      group {
        name: "v"
        count: 4
        program {
          loop {
            count: 20
            body { run { exponential { mean_ns: 200000 } } }
            body { sleep { exponential { mean_ns: 300000 } } }
          }
        }
      }
    })pb";
  auto spec = Spec(text);
  Topology topo = Topology::Make(1, 2, 2, 2);
  SimTime ends[2];
  int64_t switches[2];
  for (int i = 0; i < 2; ++i) {
    FairClass cls;
    SimOptions o;
    o.seed = 7;
    Simulator sim(topo, *spec, &cls, o);
    ASSERT_TRUE(sim.Run().ok());
    ends[i] = sim.result().end_time;
    switches[i] = sim.result().context_switches;
  }
  EXPECT_EQ(ends[0], ends[1]);
  EXPECT_EQ(switches[0], switches[1]);
}

TEST(FairSimulation, ShortBurstWaitsBehindABusyCpuWhileAnotherIdles) {
  // Two hogs on two CPUs and a periodic short task that is pinned by nothing: when every CPU
  // is busy a wakee waits up to a tick for the running task's slice; EEVDF does not move it.
  auto spec = Spec(R"pb(
    process {
      name: "p"
      group {
        name: "hog"
        count: 2
        program { run { fixed_ns: 200000000 } }
      }
      group {
        name: "burst"
        program {
          loop {
            count: 100
            body { run { fixed_ns: 20000 } }
            body { sleep { fixed_ns: 1000000 } }
          }
        }
      }
    })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FairClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  const Task& burst = sim.tasks()[2];
  // It waited on average far longer than its 20 us bursts.
  EXPECT_GT(burst.m.wait_ns / std::max<int64_t>(burst.m.waits, 1), 20000);
}

// CPU hotplug: the queue of an offline CPU moves to the CPUs left (migrate_tasks), its running
// task too; an onlined CPU gets work by balancing.
TEST(FairSimulation, OfflineCpuQueueMovesAndOnlinedCpuTakesWork) {
  auto spec = Spec(R"pb(hotplug { at_ns: 10000000 cpu: 1 online: false }
                        hotplug { at_ns: 60000000 cpu: 1 online: true }
                        process {
                          name: "p"
                          group {
                            name: "g"
                            count: 4
                            program { run { fixed_ns: 50000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FairClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  for (const Task& t : sim.tasks()) EXPECT_EQ(t.state, TaskState::kExited) << t.name;
  const RunResult& r = sim.result();
  EXPECT_GE(r.cpus[1].busy_ns, 10000000);  // before going offline
  EXPECT_GT(r.cpus[1].busy_ns, 40000000);  // and again after 60 ms
  EXPECT_LT(r.end_time, 200000000);        // not all on CPU 0
}

}  // namespace
}  // namespace scxtwin::sim::fair
