// Adaptive ticks (SimOptions::nohz_full): on a nohz_full CPU the tick stops while the class says
// its task needs none, and comes back for a task that does; other CPUs tick while busy.
#include <deque>
#include <vector>

#include "gtest/gtest.h"
#include "sim/core/sched_class.h"
#include "sim/core/simulator.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

// Per-CPU FIFO queues (a task queues on the first CPU it allows), run to completion, every tick
// recorded; a task of group 0 may run without the tick (the ext class's infinite slice).
class TickRecordingClass final : public SchedClass {
 public:
  std::string name() const override { return "tick_recording"; }
  absl::Status Init(SchedContext* ctx) override {
    ctx_ = ctx;
    queues_.resize(ctx->topology().nr_cpus());
    ticks_.resize(ctx->topology().nr_cpus());
    return absl::OkStatus();
  }
  void TaskNew(TaskId t, TaskId) override { Enqueue(t); }
  void TaskWakeup(TaskId t, const WakeInfo&) override { Enqueue(t); }
  void TaskBlock(TaskId, int) override {}
  void TaskExit(TaskId, int) override {}
  void Tick(int cpu, TaskId) override { ticks_[cpu].push_back(ctx_->now()); }
  bool CanStopTick(int, TaskId curr) const override { return ctx_->task(curr).group == 0; }
  TaskId PickNext(int cpu, TaskId prev) override {
    if (prev != kNoTask) return prev;
    if (queues_[cpu].empty()) return kNoTask;
    const TaskId t = queues_[cpu].front();
    queues_[cpu].pop_front();
    return t;
  }
  int64_t nr_queued() const override {
    int64_t n = 0;
    for (const auto& q : queues_) n += static_cast<int64_t>(q.size());
    return n;
  }
  // Ticks on cpu at times in [from, to).
  int Ticks(int cpu, SimTime from, SimTime to) const {
    int n = 0;
    for (SimTime t : ticks_[cpu]) n += t >= from && t < to;
    return n;
  }

 private:
  void Enqueue(TaskId t) {
    const int cpu = ctx_->task(t).affinity.First();
    ctx_->SetTaskCpu(t, cpu);
    queues_[cpu].push_back(t);
    if (ctx_->curr(cpu) == kNoTask) ctx_->Resched(cpu);
  }
  SchedContext* ctx_ = nullptr;
  std::vector<std::deque<TaskId>> queues_;
  std::vector<std::vector<SimTime>> ticks_;
};

// CPU 1: a task that needs no tick for 0-40 ms, then after idling one that needs it for 60-100 ms;
// CPU 0: one that needs no tick either, 0-40 ms (CPU 0 is not nohz_full). 250 Hz: a tick every
// 4 ms on the global grid, so 9 ticks inside each 40 ms run (4..36 ms, 64..96 ms).
constexpr SimDuration kMs = kNsPerMs;
std::unique_ptr<WorkloadSpec> TwoCpuSpec() {
  return Spec(R"pb(process {
                     name: "p"
                     group {
                       name: "tickless"
                       affinity: "1"
                       program { run { fixed_ns: 40000000 } }
                     }
                     group {
                       name: "ticking"
                       affinity: "1"
                       start { fixed_ns: 60000000 }
                       program { run { fixed_ns: 40000000 } }
                     }
                     group {
                       name: "housekeeping"
                       affinity: "0"
                       program { run { fixed_ns: 40000000 } }
                     }
                   })pb");
}

TEST(NohzTickTest, TheTickStopsOnANohzFullCpuAndRestartsForATaskThatNeedsIt) {
  auto spec = TwoCpuSpec();
  Topology topo = Topology::Make(1, 1, 2, 1);
  TickRecordingClass cls;
  SimOptions opt = ZeroCost();
  opt.nohz_full = CpuSet(2);
  opt.nohz_full.Set(1);
  Simulator sim(topo, *spec, &cls, opt);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(cls.Ticks(1, 0, 40 * kMs), 0) << "the tickless task on nohz_full CPU 1";
  EXPECT_EQ(cls.Ticks(1, 60 * kMs, 100 * kMs), 9) << "the next task needs the tick: it restarts";
  // The group-0 task on CPU 0 would let the tick stop, but CPU 0 is not nohz_full.
  EXPECT_EQ(cls.Ticks(0, 0, 40 * kMs), 9);
}

TEST(NohzTickTest, WithoutNohzFullEveryBusyCpuTicks) {
  auto spec = TwoCpuSpec();
  Topology topo = Topology::Make(1, 1, 2, 1);
  TickRecordingClass cls;
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(cls.Ticks(1, 0, 40 * kMs), 9);
  EXPECT_EQ(cls.Ticks(1, 60 * kMs, 100 * kMs), 9);
  EXPECT_EQ(cls.Ticks(0, 0, 40 * kMs), 9);
}

}  // namespace
}  // namespace scxtwin::sim
