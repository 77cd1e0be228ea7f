// SchedContext::ChargeCpu: time a class spends on a CPU is CPU overhead (as the context switch
// is), not a task's run time: it delays the running task's work, or the next task's start.
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

constexpr SimDuration kCharge = 100 * kNsPerUs;

// The FIFO class, charging kCharge at each tick (while a task runs) or at each pick.
class ChargingFifo final : public SchedClass {
 public:
  explicit ChargingFifo(bool at_tick) : at_tick_(at_tick) {}
  std::string name() const override { return "charging_fifo"; }
  absl::Status Init(SchedContext* ctx) override {
    ctx_ = ctx;
    return inner_.Init(ctx);
  }
  void TaskNew(TaskId t, TaskId parent) override { inner_.TaskNew(t, parent); }
  void TaskWakeup(TaskId t, const WakeInfo& w) override { inner_.TaskWakeup(t, w); }
  void TaskBlock(TaskId t, int cpu) override { inner_.TaskBlock(t, cpu); }
  void TaskExit(TaskId t, int cpu) override { inner_.TaskExit(t, cpu); }
  void Tick(int cpu, TaskId curr) override {
    if (at_tick_) ctx_->ChargeCpu(cpu, kCharge);
    inner_.Tick(cpu, curr);
  }
  TaskId PickNext(int cpu, TaskId prev) override {
    if (!at_tick_) ctx_->ChargeCpu(cpu, kCharge);
    return inner_.PickNext(cpu, prev);
  }
  int64_t nr_queued() const override { return inner_.nr_queued(); }

 private:
  bool at_tick_;
  SchedContext* ctx_ = nullptr;
  FifoClass inner_{100 * kNsPerMs};  // a slice longer than any run here: no preemption
};

constexpr char kHog[] = R"pb(process {
                               name: "p"
                               group {
                                 name: "g"
                                 program { run { fixed_ns: 10000000 } }
                               }
                             })pb";

// A 10 ms task on one CPU, ticks at 4 and 8 ms (hz 250): each tick's charge pushes its work
// back, so it ends 2 charges late, and the CPU counts them as overhead.
TEST(ChargeCpuTest, ARunningTasksWorkEndsOneChargeLaterPerCharge) {
  auto spec = Spec(kHog);
  Topology topo = Topology::Make(1, 1, 1, 1);
  ChargingFifo cls(/*at_tick=*/true);
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().end_time, 10 * kNsPerMs + 2 * kCharge);
  EXPECT_EQ(sim.result().cpus[0].overhead_ns, 2 * kCharge);
  EXPECT_EQ(sim.result().cpus[0].busy_ns, 10 * kNsPerMs);
  EXPECT_EQ(sim.tasks()[0].m.run_ns, 10 * kNsPerMs);
}

// A charge made in the pick (the CPU idle before it) comes before the picked task's work.
TEST(ChargeCpuTest, AChargeInThePickDelaysThePickedTasksStart) {
  auto spec = Spec(kHog);
  Topology topo = Topology::Make(1, 1, 1, 1);
  ChargingFifo cls(/*at_tick=*/false);
  Simulator sim(topo, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  // One pick before the run (the one after its exit finds nothing and ends the run).
  EXPECT_EQ(sim.result().end_time, 10 * kNsPerMs + kCharge);
  EXPECT_EQ(sim.result().cpus[0].overhead_ns, kCharge);
  EXPECT_EQ(sim.result().cpus[0].busy_ns, 10 * kNsPerMs);
}

}  // namespace
}  // namespace scxtwin::sim
