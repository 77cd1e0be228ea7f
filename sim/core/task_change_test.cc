// Task property changes in the core (workload `set_affinity` / `set_nice` ops): the Task changes
// (affinity, requested_affinity, nr_cpus_allowed, nice, weight), the class is told, a running
// task that lost its CPU moves, and a mask with no online CPU changes nothing.
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

constexpr SimDuration kMs = kNsPerMs;

// Counts the TaskChanged calls a FIFO class gets.
class CountingFifo final : public SchedClass {
 public:
  std::string name() const override { return "counting_fifo"; }
  absl::Status Init(SchedContext* ctx) override { return fifo_.Init(ctx); }
  void TaskNew(TaskId t, TaskId parent) override { fifo_.TaskNew(t, parent); }
  void TaskWakeup(TaskId t, const WakeInfo& w) override { fifo_.TaskWakeup(t, w); }
  void TaskBlock(TaskId t, int cpu) override { fifo_.TaskBlock(t, cpu); }
  void TaskExit(TaskId t, int cpu) override { fifo_.TaskExit(t, cpu); }
  void Tick(int cpu, TaskId curr) override { fifo_.Tick(cpu, curr); }
  TaskId PickNext(int cpu, TaskId prev) override { return fifo_.PickNext(cpu, prev); }
  int64_t nr_queued() const override { return fifo_.nr_queued(); }
  void TaskChanged(TaskId t, const TaskChange& c) override {
    affinity_changes += c.affinity;
    weight_changes += c.weight;
    fifo_.TaskChanged(t, c);
  }
  int affinity_changes = 0;
  int weight_changes = 0;

 private:
  FifoClass fifo_;
};

TEST(TaskChangeTest, RunningTaskThatLosesItsCpuMoves) {
  // A 100 ms hog on CPU 0 of 2; at 10 ms a controller moves it to CPU 1, where it finishes.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "hog"
                            affinity: "0"
                            program { run { fixed_ns: 100000000 } }
                          }
                          group {
                            name: "ctl"
                            affinity: "1"
                            program { sleep { fixed_ns: 10000000 } }
                            program {
                              set_affinity {
                                cpus: "1"
                                target { group: "hog" pick: ALL }
                              }
                            }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  CountingFifo cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().cpus[0].busy_ns, 10 * kMs);
  EXPECT_EQ(sim.result().cpus[1].busy_ns, 90 * kMs);
  const Task& hog = sim.tasks()[0];
  EXPECT_EQ(hog.affinity.Count(), 1);
  EXPECT_TRUE(hog.affinity.Test(1));
  EXPECT_TRUE(hog.requested_affinity.Test(1));
  EXPECT_FALSE(hog.requested_affinity.Test(0));
  EXPECT_EQ(hog.nr_cpus_allowed, 1);
  EXPECT_EQ(cls.affinity_changes, 1);
  EXPECT_EQ(cls.weight_changes, 0);
}

TEST(TaskChangeTest, SelfChangeAndNiceSetWeight) {
  // The task pins itself to CPU 1 and renices itself; setting the same values again is no
  // change (the class is not told).
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            affinity: "0"
                            program { run { fixed_ns: 1000000 } }
                            program { set_affinity { cpus: "1" } }
                            program { set_nice { nice: 5 } }
                            program { set_affinity { cpus: "1" } }
                            program { set_nice { nice: 5 } }
                            program { run { fixed_ns: 1000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  CountingFifo cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().cpus[0].busy_ns, 1 * kMs);
  EXPECT_EQ(sim.result().cpus[1].busy_ns, 1 * kMs);
  EXPECT_EQ(sim.tasks()[0].nice, 5);
  EXPECT_EQ(sim.tasks()[0].weight, NiceToWeight(5));
  EXPECT_EQ(cls.affinity_changes, 1);
  EXPECT_EQ(cls.weight_changes, 1);
}

TEST(TaskChangeTest, MaskWithNoOnlineCpuFailsLikeTheSystemCall) {
  // CPU 1 is offline: sched_setaffinity to {1} fails with EINVAL, the task stays where it is.
  auto spec = Spec(R"pb(offline_cpus: "1"
                        process {
                          name: "p"
                          group {
                            name: "g"
                            program { set_affinity { cpus: "1" } }
                            program { run { fixed_ns: 1000000 } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  CountingFifo cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(cls.affinity_changes, 0);
  EXPECT_EQ(sim.tasks()[0].requested_affinity.Count(), 2);
}

TEST(TaskChangeTest, CpuOutsideTheMachineIsASetupError) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program { set_affinity { cpus: "0-7" } }
                          }
                        })pb");
  Topology topo = Topology::Make(1, 1, 2, 1);
  FifoClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  absl::Status s = sim.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("process[0].group[0].program[0].set_affinity.cpus"), std::string::npos)
      << s;
  EXPECT_NE(s.message().find("CPU 7"), std::string::npos) << s;
}

}  // namespace
}  // namespace scxtwin::sim
