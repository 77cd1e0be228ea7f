// The RT class alone (every task FIFO or RR): strict priority, FIFO order within a priority,
// RR's 100 ms slice, and pushing waiting tasks to CPUs with no RT work.
#include "sim/rt/rt_class.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

SimOptions NoHostEffects() {
  SimOptions o;
  o.costs.effects.idle_exit = o.costs.effects.smt = o.costs.effects.freq = false;
  o.costs.effects.halt_poll = o.costs.effects.tick_cost = false;
  return o;
}

struct RtRun {
  std::unique_ptr<WorkloadSpec> spec;
  Topology topo;
  RtClass rt;
  std::unique_ptr<Simulator> sim;
  const Task& task(const std::string& prefix) const {
    for (const Task& t : sim->tasks()) {
      if (t.name.rfind(prefix, 0) == 0) return t;
    }
    ADD_FAILURE() << "no task " << prefix;
    return sim->tasks().front();
  }
};

std::unique_ptr<RtRun> RunRt(const std::string& workload, const char* topo) {
  auto r = std::make_unique<RtRun>();
  auto spec = ParseWorkload(workload, "rt.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  r->spec = *std::move(spec);
  r->topo = *Topology::Parse(topo);
  r->sim = std::make_unique<Simulator>(r->topo, *r->spec, &r->rt, NoHostEffects());
  absl::Status s = r->sim->Run();
  EXPECT_TRUE(s.ok()) << s;
  return r;
}

constexpr SimDuration kMs = kNsPerMs;
// Context switches cost a few microseconds each: the slack of the times below.
constexpr SimDuration kSlack = 100 * kNsPerUs;

TEST(RtClassTest, HigherPriorityPreemptsAtOnce) {
  auto r = RunRt(R"pb(process {
                        name: "p"
                        group {
                          name: "low"
                          policy: FIFO
                          rt_priority: 10
                          program { run { fixed_ns: 50000000 } }
                        }
                        group {
                          name: "high"
                          policy: FIFO
                          rt_priority: 20
                          start { fixed_ns: 10000000 }
                          program { run { fixed_ns: 20000000 } }
                        }
                      })pb",
                 "1");
  const Task& low = r->task("p.0/low");
  const Task& high = r->task("p.0/high");
  EXPECT_LT(high.m.wait_max_ns, kSlack);  // ran the moment it arrived
  EXPECT_NEAR(high.exited_at, 30 * kMs, kSlack);
  EXPECT_NEAR(low.exited_at, 70 * kMs, kSlack);
  EXPECT_EQ(low.m.nr_preempted, 1);
}

TEST(RtClassTest, FifoRunsToCompletionWithinAPriority) {
  auto r = RunRt(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          count: 3
                          policy: FIFO
                          rt_priority: 50
                          program { run { fixed_ns: 300000000 } }
                        }
                      })pb",
                 "1");
  for (int i = 0; i < 3; ++i) {
    const Task& t = r->task("p.0/a." + std::to_string(i));
    EXPECT_EQ(t.m.nr_preempted, 0) << t.name;  // no time slice
    EXPECT_NEAR(t.exited_at, (i + 1) * 300 * kMs, kSlack) << t.name;
  }
}

TEST(RtClassTest, RoundRobinSharesAPriorityIn100msSlices) {
  auto r = RunRt(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          count: 2
                          policy: RR
                          rt_priority: 50
                          program { run { fixed_ns: 250000000 } }
                        }
                      })pb",
                 "1");
  // a.0 [0,100] a.1 [100,200] a.0 [200,300] a.1 [300,400] a.0 [400,450] a.1 [450,500]
  const Task& a0 = r->task("p.0/a.0");
  const Task& a1 = r->task("p.0/a.1");
  EXPECT_EQ(a0.m.nr_preempted, 2);
  EXPECT_EQ(a1.m.nr_preempted, 2);
  // A slice ends at the first tick (every 4 ms) after 100 ms of run: up to 4 ms late each.
  EXPECT_GE(a0.exited_at, 450 * kMs);
  EXPECT_LE(a0.exited_at, 450 * kMs + 4 * 4 * kMs);
  EXPECT_GT(a1.exited_at, a0.exited_at);
  EXPECT_LE(a1.exited_at, 500 * kMs + 4 * 4 * kMs);
}

TEST(RtClassTest, RoundRobinAloneKeepsTheCpu) {
  auto r = RunRt(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          policy: RR
                          rt_priority: 1
                          program { run { fixed_ns: 350000000 } }
                        }
                      })pb",
                 "1");
  EXPECT_EQ(r->task("p.0/a.0").m.nr_preempted, 0);
}

TEST(RtClassTest, WaitingTasksArePushedToIdleCpus) {
  // Four tasks created on CPU 0 at once (their first allowed CPU): each ends up on its own CPU.
  auto r = RunRt(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          count: 4
                          policy: FIFO
                          rt_priority: 5
                          program { run { fixed_ns: 20000000 } }
                        }
                      })pb",
                 "4");
  for (int i = 0; i < 4; ++i) {
    const Task& t = r->task("p.0/a." + std::to_string(i));
    EXPECT_NEAR(t.exited_at, 20 * kMs, kSlack) << t.name;
  }
}

TEST(RtClassTest, PreemptedTaskMovesWhereItCanRun) {
  // Two CPUs: a low-priority task on CPU 0, CPU 1 busy with a mid one; a high one preempts the
  // low one, which waits (no CPU runs below it) until the mid one exits on CPU 1 and pulls it.
  auto r = RunRt(R"pb(process {
                        name: "p"
                        group {
                          name: "low"
                          policy: FIFO
                          rt_priority: 10
                          affinity: "0-1"
                          program { run { fixed_ns: 40000000 } }
                        }
                        group {
                          name: "mid"
                          policy: FIFO
                          rt_priority: 30
                          affinity: "1"
                          program { run { fixed_ns: 20000000 } }
                        }
                        group {
                          name: "high"
                          policy: FIFO
                          rt_priority: 50
                          affinity: "0"
                          start { fixed_ns: 10000000 }
                          program { run { fixed_ns: 100000000 } }
                        }
                      })pb",
                 "2");
  const Task& low = r->task("p.0/low");
  // low: [0,10] on CPU 0, preempted; from 20 ms on CPU 1 (pulled when mid exits): 30 ms more.
  EXPECT_NEAR(low.exited_at, 50 * kMs, kSlack);
  EXPECT_EQ(low.last_ran_cpu, 1);
}

}  // namespace
}  // namespace scxtwin::sim
