#include "sim/core/simulator.h"

#include <algorithm>
#include <map>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

TEST(SimulatorTest, SingleBurstRunsToCompletion) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 1
                            program { run { fixed_ns: 1000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 1000000);
  ASSERT_EQ(sim.tasks().size(), 1u);
  EXPECT_EQ(sim.tasks()[0].m.run_ns, 1000000);
  EXPECT_EQ(sim.tasks()[0].state, TaskState::kExited);
  ASSERT_EQ(sim.result().instances.size(), 1u);
  EXPECT_EQ(sim.result().instances[0].completed, 1000000);
}

TEST(SimulatorTest, AYieldTheClassAnswersWithTheSameTaskGoesOn) {
  // The FIFO class keeps a yielding task with slice left: its program goes on at once.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 2
                            program {
                              loop {
                                count: 3
                                body { run { fixed_ns: 1000000 } }
                                body { yield: true }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 6000000);
  for (const Task& t : sim.tasks()) EXPECT_EQ(t.state, TaskState::kExited);
}

// Records each pass and answers with a cost; ends the loop after `passes` passes.
class CountingHalf final : public UserHalf {
 public:
  explicit CountingHalf(int passes) : passes_(passes) {}
  PassResult Pass(TaskId t, int cpu, SimTime now) override {
    times.push_back(now);
    PassResult r;
    r.cpu_ns = 1000 * static_cast<SimDuration>(times.size());
    r.exit = static_cast<int>(times.size()) > passes_;
    return r;
  }
  std::vector<SimTime> times;

 private:
  int passes_;
};

TEST(SimulatorTest, AUserHalfPassRunsForTheTimeItStates) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "half"
                            program {
                              loop {
                                body { user_half: true }
                                body { yield: true }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  CountingHalf half(3);
  SimOptions options = ZeroCost();
  options.user_half = &half;
  Simulator sim(topo, *spec, &cls, options);
  ASSERT_TRUE(sim.Run().ok());
  // Passes of 1, 2 and 3 us back to back; the fourth ends the loop and the task.
  EXPECT_EQ(half.times, (std::vector<SimTime>{0, 1000, 3000, 6000}));
  EXPECT_EQ(sim.tasks()[0].m.run_ns, 6000);
  EXPECT_EQ(sim.tasks()[0].state, TaskState::kExited);
}

TEST(SimulatorTest, AUserHalfOpWithoutAHalfIsAnError) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program { user_half: true }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  const absl::Status s = sim.Run();
  EXPECT_NE(s.message().find("a user_half op, but the run's policy has no user-space half"),
            std::string::npos)
      << s;
}

TEST(SimulatorTest, MoreTasksThanCpusQueueAndShare) {
  // 4 tasks of 10 ms on 2 CPUs with a 4 ms slice: the makespan is 20 ms of CPU per CPU.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 4
                            program { run { fixed_ns: 10000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 20000000);
  for (const Task& t : sim.tasks()) {
    EXPECT_EQ(t.m.run_ns, 10000000);
    // Never blocked: every instant of its life it either ran or waited.
    EXPECT_EQ(t.m.wait_ns, t.exited_at - t.created_at - t.m.run_ns);
  }
  EXPECT_GT(sim.result().context_switches, 4);
  for (const CpuMetrics& c : sim.result().cpus) EXPECT_EQ(c.idle_ns, 0);
}

TEST(SimulatorTest, WakeWaitPingPongWithPendingWakes) {
  // pong waits first; ping's first wake may arrive before pong waits (pending wake counted).
  auto spec = Spec(R"pb(
    process {
      name: "pp"
      group {
        name: "ping"
        program {
          loop {
            count: 5
            body { run { fixed_ns: 1000 } }
            body { wake { group: "pong" } }
            body { wait: true }
          }
        }
      }
      group {
        name: "pong"
        program {
          loop {
            count: 5
            body { wait: true }
            body { run { fixed_ns: 2000 } }
            body { wake { group: "ping" } }
          }
        }
      }
    })pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.tasks()[0].m.run_ns, 5000);
  EXPECT_EQ(sim.tasks()[1].m.run_ns, 10000);
  EXPECT_EQ(sim.result().end_time, 15000);  // strictly alternating on one CPU
  EXPECT_EQ(sim.tasks()[0].state, TaskState::kExited);
  EXPECT_EQ(sim.tasks()[1].state, TaskState::kExited);
}

TEST(SimulatorTest, SleepsForksAndArrivals) {
  auto spec = Spec(R"pb(
    process {
      name: "boot"
      instances: 3
      arrival { at_ns: 1000 }
      group {
        name: "main"
        program { run { fixed_ns: 100 } }
        program { fork { group: "worker" count: 2 } }
        program { sleep { fixed_ns: 5000 } }
        program { run { fixed_ns: 100 } }
      }
      group {
        name: "worker"
        on_fork: true
        program { run { fixed_ns: 3000 } }
      }
    })pb");
  Topology topo = Topology::Make(1, 1, 8, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.tasks().size(), 9u);
  for (const InstanceMetrics& im : sim.result().instances) {
    EXPECT_EQ(im.arrival, 1000);
    EXPECT_EQ(im.completed, 1000 + 100 + 5000 + 100);
  }
}

TEST(SimulatorTest, ContextSwitchAndMigrationCostsAreCharged) {
  // One task alternating run/sleep on a 2-CPU machine: FIFO wakes the first idle CPU (cpu 0)
  // every time, so no migration; each of the 4 switch-ins (the last one runs to the exit)
  // costs 1500 ns before the task's work starts.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                count: 3
                                body { run { fixed_ns: 1000 } }
                                body { sleep { fixed_ns: 1000 } }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  SimOptions o;  // default costs
  Simulator sim(topo, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 4 * 1500 + 3 * 1000 + 3 * 1000);
  EXPECT_EQ(sim.result().cpus[0].overhead_ns, 4 * 1500);
  EXPECT_EQ(sim.tasks()[0].m.migrations[static_cast<int>(Distance::kSameLlc)], 0);
}

TEST(SimulatorTest, DurationStopsAForeverLoop) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 3
                            program {
                              loop {
                                body { run { exponential { mean_ns: 50000 } } }
                                body { sleep { fixed_ns: 20000 } }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  SimOptions o;
  o.duration = 50 * kNsPerMs;
  Simulator sim(topo, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_TRUE(sim.result().stopped_by_duration);
  EXPECT_EQ(sim.result().end_time, 50 * kNsPerMs);
  EXPECT_GT(sim.result().wait_all.count(), 100);
}

TEST(SimulatorTest, AffinityOutsideMachineIsASetupError) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            affinity: "7"
                            program { run { fixed_ns: 1 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, SimOptions{});
  auto s = sim.Run();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("test.textpb: process[0].group[0].affinity: CPU 7"), std::string::npos)
      << s;
}

TEST(SimulatorTest, PoissonArrivalsAreSeededAndSpreadAtTheMeanGap) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          instances: 400
                          arrival { poisson_mean_gap_ns: 1000000 }
                          group {
                            name: "g"
                            program { run { fixed_ns: 1000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 4, 1);
  auto arrivals = [&](uint64_t seed) {
    FifoClass cls;
    SimOptions o = ZeroCost();
    o.seed = seed;
    Simulator sim(topo, *spec, &cls, o);
    EXPECT_TRUE(sim.Run().ok());
    std::vector<SimTime> t;
    for (const InstanceMetrics& im : sim.result().instances) t.push_back(im.arrival);
    return t;
  };
  const std::vector<SimTime> a = arrivals(3), b = arrivals(3), c = arrivals(4);
  ASSERT_EQ(a.size(), 400u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_NEAR(static_cast<double>(a.back()) / 400, 1000000, 150000);  // mean gap
}

TEST(SimulatorTest, WakeTargetsAllNextAndWaiting) {
  // Three members each wait twice. The waker wakes ALL (each once), then NEXT twice (members 0
  // and 1 again), then WAITING: the only member still blocked in wait is 2. Every member ends.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "waker"
                            program { sleep { fixed_ns: 1000 } }
                            program { wake { group: "w" pick: ALL } }
                            program { sleep { fixed_ns: 1000 } }
                            program { wake { group: "w" pick: NEXT } }
                            program { wake { group: "w" pick: NEXT } }
                            program { sleep { fixed_ns: 1000 } }
                            program { wake { group: "w" pick: WAITING } }
                          }
                          group {
                            name: "w"
                            count: 3
                            program { wait: true }
                            program { run { fixed_ns: 10 } }
                            program { wait: true }
                            program { run { fixed_ns: 10 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 4, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  // ALL woke each once; NEXT woke 0 and 1 again; WAITING woke 2 (the only one still waiting).
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(sim.tasks()[i].state, TaskState::kExited) << i;
    EXPECT_EQ(sim.tasks()[i].m.wakeups, 2) << i;
  }
}

// Runs every task on the CPU after the one it last ran on: each switch-in is a migration.
class RotatingClass final : public SchedClass {
 public:
  std::string name() const override { return "rotating"; }
  absl::Status Init(SchedContext* ctx) override {
    ctx_ = ctx;
    return absl::OkStatus();
  }
  void TaskNew(TaskId t, TaskId) override { Place(t); }
  void TaskWakeup(TaskId t, const WakeInfo&) override { Place(t); }
  void TaskBlock(TaskId, int) override {}
  void TaskExit(TaskId, int) override {}
  void Tick(int, TaskId) override {}
  TaskId PickNext(int cpu, TaskId prev) override {
    if (prev != kNoTask) return prev;
    TaskId t = queued_[cpu];
    queued_[cpu] = kNoTask;
    return t;
  }
  int64_t nr_queued() const override {
    int64_t n = 0;
    for (auto& [cpu, t] : queued_) n += t != kNoTask;
    return n;
  }

 private:
  void Place(TaskId t) {
    const Task& task = ctx_->task(t);
    const int cpu =
        task.last_ran_cpu < 0 ? 0 : (task.last_ran_cpu + 1) % ctx_->topology().nr_cpus();
    queued_[cpu] = t;
    ctx_->Resched(cpu);
  }
  SchedContext* ctx_ = nullptr;
  std::map<int, TaskId> queued_;
};

TEST(SimulatorTest, MigrationsAreCountedByDistanceAndHotOnesPayTheRefill) {
  // 2x1x2x2: cpu 0,1 node 0 (cores 0,1), cpu 2,3 node 1 (cores 2,3); cpu c+4 is c's sibling.
  // The task runs 1 us, sleeps 100 us (hot), runs on the next CPU... 8 runs: cpus 0..7.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            working_set: WS_MEDIUM
                            program {
                              loop {
                                count: 8
                                body { run { fixed_ns: 1000 } }
                                body { sleep { fixed_ns: 100000 } }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(2, 1, 2, 2);
  RotatingClass cls;
  SimOptions o = ZeroCost();
  o.costs = MachineCosts{};
  o.costs.context_switch_ns = 0;
  Simulator sim(topo, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  const Task& t = sim.tasks()[0];
  // Moves 0->1 llc, 1->2 node, 2->3 llc, 3->4 node (3 is node 1, 4 is core 0), 4->5 llc,
  // 5->6 node, 6->7 llc, 7->0 node (the final switch-in to run the exit).
  EXPECT_EQ(t.m.migrations[static_cast<int>(Distance::kSameLlc)], 4);
  EXPECT_EQ(t.m.migrations[static_cast<int>(Distance::kOtherNode)], 4);
  const MachineCosts c;
  EXPECT_EQ(t.m.refill_ns, 4 * c.refill(Distance::kSameLlc, WorkingSet::kMedium) +
                               4 * c.refill(Distance::kOtherNode, WorkingSet::kMedium));
  EXPECT_EQ(t.m.run_ns, 8 * 1000 + t.m.refill_ns);
}

TEST(SimulatorTest, ColdTasksMigrateWithoutRefill) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                count: 3
                                body { run { fixed_ns: 1000 } }
                                body { sleep { fixed_ns: 1000000 } }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 4, 1);
  RotatingClass cls;
  Simulator sim2(topo, *spec, &cls, SimOptions{});
  ASSERT_TRUE(sim2.Run().ok());
  EXPECT_EQ(sim2.tasks()[0].m.migrations[static_cast<int>(Distance::kSameLlc)], 3);
  EXPECT_EQ(sim2.tasks()[0].m.refill_ns, 0);  // slept 1 ms > the 500 us hot window
}

// The observer sees a consistent story: per CPU, each switch's prev is the previous switch's
// next; every waking is followed by its wakeup; every task is new once and exits once.
class Recorder final : public SimObserver {
 public:
  void TaskNew(SimTime, const Task& t, const Task*) override { ++news[t.id]; }
  void Waking(SimTime, const Task& t, const Task*, int) override { waking = t.id; }
  void Wakeup(SimTime, const Task& t, int cpu, bool is_new) override {
    if (!is_new) {
      EXPECT_EQ(waking, t.id);
      waking = kNoTask;
    }
    EXPECT_GE(cpu, 0);
  }
  void Switch(SimTime t, int cpu, const Task* prev, TaskState state, const Task* next) override {
    EXPECT_GE(t, last_t);
    last_t = t;
    auto [it, fresh] = on_cpu.emplace(cpu, kNoTask);  // every CPU starts idle
    TaskId& on = it->second;
    EXPECT_EQ(prev ? prev->id : kNoTask, on) << "cpu " << cpu;
    on = next ? next->id : kNoTask;
    ++switches;
    if (prev && state == TaskState::kExited) ++exits_switched;
  }
  void Exit(SimTime, const Task& t) override { ++exits[t.id]; }
  void End(SimTime) override { ended = true; }
  std::map<TaskId, int> news, exits;
  std::map<int, TaskId> on_cpu;
  TaskId waking = kNoTask;
  SimTime last_t = 0;
  int switches = 0, exits_switched = 0;
  bool ended = false;
};

TEST(SimulatorTest, ObserverSeesAConsistentTrace) {
  auto spec = Spec(R"pb(
    process {
      name: "pp"
      instances: 3
      group {
        name: "ping"
        program {
          loop {
            count: 20
            body { run { fixed_ns: 1000 } }
            body { wake { group: "pong" } }
            body { wait: true }
          }
        }
      }
      group {
        name: "pong"
        program {
          loop {
            count: 20
            body { wait: true }
            body { run { exponential { mean_ns: 3000 } } }
            body { wake { group: "ping" } }
          }
        }
      }
      group {
        name: "forker"
        program { fork { group: "kid" count: 3 } }
        program { sleep { fixed_ns: 5000 } }
      }
      group {
        name: "kid"
        on_fork: true
        program { run { fixed_ns: 20000 } }
      }
    })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Recorder rec;
  SimOptions o;
  o.observer = &rec;
  Simulator sim(topo, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_TRUE(rec.ended);
  EXPECT_EQ(rec.news.size(), sim.tasks().size());
  EXPECT_EQ(rec.exits.size(), sim.tasks().size());
  EXPECT_EQ(rec.exits_switched, static_cast<int>(sim.tasks().size()));
  // Every switch-in of a task is a context switch; the rest are switches to idle.
  EXPECT_GT(rec.switches, sim.result().context_switches);
  for (auto& [cpu, t] : rec.on_cpu)
    EXPECT_EQ(t, kNoTask) << "cpu " << cpu << " not idle at the end";
}

// A class that forgets a task must trip the no-task-lost invariant.
class LosingClass final : public SchedClass {
 public:
  std::string name() const override { return "losing"; }
  absl::Status Init(SchedContext*) override { return absl::OkStatus(); }
  void TaskNew(TaskId, TaskId) override {}
  void TaskWakeup(TaskId, const WakeInfo&) override {}
  void TaskBlock(TaskId, int) override {}
  void TaskExit(TaskId, int) override {}
  void Tick(int, TaskId) override {}
  TaskId PickNext(int, TaskId prev) override { return prev; }
  int64_t nr_queued() const override { return 0; }
};

TEST(SimulatorTest, LostTaskIsDetected) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program { run { fixed_ns: 1 } }
                          }
                        }
                        duration_ns: 1000)pb");
  Topology topo = Topology::Make(1, 1, 1, 1);
  LosingClass cls;
  Simulator sim(topo, *spec, &cls, SimOptions{});
  auto s = sim.Run();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("task lost"), std::string::npos) << s;
}

}  // namespace
}  // namespace scxtwin::sim
