// The simulator's guards against runs that would never end or never move: no progress at one
// simulated instant, a task count past max_tasks, and tasks stuck in a wait at the end.
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

TEST(ProgressTest, ZeroTimeOpsAtOneInstantAreAnErrorNamingTheTaskAndOp) {
  // A finite loop the spec check lets through (it ends), but of a billion zero-length runs.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                count: 1000000000
                                body { run { uniform { min_ns: 0 max_ns: 0 } } }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  SimOptions o = ZeroCost();
  o.max_ops_at_one_time = 1000;
  Simulator sim(topo, *spec, &cls, o);
  const absl::Status s = sim.Run();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "test.textpb: no progress: task p.0/g.0 at process[0].group[0].program[0].loop.body[0] "
            "(run) stepped 1000 "
            "ops at 0 ns without simulated time passing; expected a program whose loops let time "
            "pass (a run or sleep "
            "of at least 1 ns)");
}

TEST(ProgressTest, EventsAtOneInstantAreAnErrorNamingTheLastTask) {
  // Zero-length sleeps with free context switches: every iteration is events at t=0.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                count: 1000000000
                                body { sleep { fixed_ns: 0 } }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  SimOptions o = ZeroCost();
  o.max_events_at_one_time = 1000;
  Simulator sim(topo, *spec, &cls, o);
  const absl::Status s = sim.Run();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("test.textpb: no progress: simulated time stayed at 0 ns for "),
            std::string::npos)
      << s;
  EXPECT_NE(
      s.message().find(
          "last stepped: task p.0/g.0 at process[0].group[0].program[0].loop.body[0] (sleep)"),
      std::string::npos)
      << s;
}

TEST(ProgressTest, ManyEventsAtOneInstantFromManyTasksAreNotAStall) {
  // 3000 tasks all starting at t=0 make thousands of events at one instant: the bound grows with
  // the tasks, so this is no stall.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 3000
                            program { run { fixed_ns: 1000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  SimOptions o = ZeroCost();
  o.max_events_at_one_time = 100;
  Simulator sim(topo, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 1500 * 1000);
}

TEST(ProgressTest, TasksPastMaxTasksEndTheRun) {
  auto spec = Spec(R"pb(duration_ns: 1000000000
                        process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                body { fork { group: "c" } }
                                body { run { fixed_ns: 10 } }
                              }
                            }
                          }
                          group {
                            name: "c"
                            on_fork: true
                            program { sleep { fixed_ns: 1000000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  SimOptions o = ZeroCost();
  o.max_tasks = 50;
  Simulator sim(topo, *spec, &cls, o);
  const absl::Status s = sim.Run();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "test.textpb: tasks created 51 (by task p.0/g.0 at "
            "process[0].group[0].program[0].loop.body[0] (fork)) is "
            "above the limit 50; expected at most 50 (--max_tasks=N raises the limit)");
}

TEST(ProgressTest, TasksLeftInAWaitAreStuckAndTheRunEndsThere) {
  // Two tasks wait for wakes nobody sends; the third exits. Without a duration the run ends
  // when nothing of the workload can happen any more, and lists them.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "a"
                            count: 2
                            channel: "c"
                            program { run { fixed_ns: 1000 } }
                            program { wait_on { channel: "c" count: 2 } }
                          }
                          group {
                            name: "b"
                            program { run { fixed_ns: 5000 } }
                            program { wake { group: "a" pick: INDEX index: 1 channel: "c" } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 4, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  const RunResult& r = sim.result();
  EXPECT_EQ(r.end_time, 5000);
  EXPECT_FALSE(r.hit_max_duration);
  ASSERT_EQ(r.stuck.size(), 2u);
  EXPECT_EQ(r.stuck[0].name, "p.0/a.0");
  EXPECT_EQ(r.stuck[0].op_path, "process[0].group[0].program[1]");
  EXPECT_EQ(r.stuck[0].channel, "c");
  EXPECT_EQ(r.stuck[0].wakes_missing, 2);
  EXPECT_EQ(r.stuck[0].since, 1000);
  EXPECT_EQ(r.stuck[1].name, "p.0/a.1");
  EXPECT_EQ(r.stuck[1].wakes_missing, 1);  // b's wake came
}

TEST(ProgressTest, WaitsAtTheEndOfARunWithADurationAreNotStuck) {
  // A server waiting for the next request when the planned end comes is not stuck.
  auto spec = Spec(R"pb(duration_ns: 100000
                        process {
                          name: "p"
                          group {
                            name: "server"
                            program { wait: true }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 100000);
  EXPECT_TRUE(sim.result().stopped_by_duration);
  EXPECT_TRUE(sim.result().stuck.empty());
}

}  // namespace
}  // namespace scxtwin::sim
