// The fair class as the run's fallback: when the scheduling class detaches mid-run (an ejected
// sched_ext policy), the core hands it the queued tasks while others are still running on
// CPUs; it adopts those as they meet it (PickNext, Tick, block, exit) and the workload completes,
// as the kernel's fair class takes every task back.
#include <deque>
#include <vector>

#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/fair/fair_class.h"

namespace scxtwin::sim::fair {
namespace {

// A global FIFO that detaches at its first tick at or after `detach_at`.
class DetachingFifo final : public SchedClass {
 public:
  explicit DetachingFifo(SimTime detach_at) : detach_at_(detach_at) {}
  std::string name() const override { return "detaching_fifo"; }
  absl::Status Init(SchedContext* ctx) override {
    ctx_ = ctx;
    return absl::OkStatus();
  }
  void TaskNew(TaskId t, TaskId) override { Enqueue(t); }
  void TaskWakeup(TaskId t, const WakeInfo&) override { Enqueue(t); }
  void TaskBlock(TaskId, int) override {}
  void TaskExit(TaskId, int) override {}
  void Tick(int, TaskId) override {
    if (!detached_ && ctx_->now() >= detach_at_) {
      detached_ = true;
      ctx_->Detach("test: detached");
    }
  }
  TaskId PickNext(int cpu, TaskId prev) override {
    if (prev != kNoTask) return prev;
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (!ctx_->task(*it).affinity.Test(cpu)) continue;
      TaskId t = *it;
      queue_.erase(it);
      return t;
    }
    return kNoTask;
  }
  int64_t nr_queued() const override { return static_cast<int64_t>(queue_.size()); }
  std::vector<TaskId> TakeQueued() override {
    std::vector<TaskId> out(queue_.begin(), queue_.end());
    queue_.clear();
    return out;
  }

 private:
  void Enqueue(TaskId t) {
    queue_.push_back(t);
    for (int c = 0; c < ctx_->topology().nr_cpus(); ++c) {
      if (ctx_->curr(c) == kNoTask) {
        ctx_->Resched(c);
        return;
      }
    }
  }
  SchedContext* ctx_ = nullptr;
  SimTime detach_at_;
  bool detached_ = false;
  std::deque<TaskId> queue_;
};

TEST(FairFallback, TakesOverQueuedAndRunningTasksMidRun) {
  auto spec = ParseWorkload(R"pb(
                              process {
                                name: "p"
                                group {
                                  name: "hog"
                                  count: 4
                                  program { run { fixed_ns: 30000000 } }
                                }
                                group {
                                  name: "io"
                                  count: 4
                                  program {
                                    loop {
                                      count: 20
                                      body { run { fixed_ns: 200000 } }
                                      body { sleep { fixed_ns: 500000 } }
                                    }
                                  }
                                }
                              })pb",
                            "fallback.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  Topology topo = Topology::Make(1, 1, 4, 1);
  DetachingFifo first(10 * kNsPerMs);
  FairClass fair;
  SimOptions o;
  o.fallback = &fair;
  Simulator sim(topo, **spec, &first, o);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_FALSE(sim.result().detached.empty());
  EXPECT_TRUE(sim.result().failure.empty()) << sim.result().failure;
  EXPECT_EQ(sim.active_class(), &fair);
  for (const Task& t : sim.tasks()) {
    EXPECT_EQ(t.state, TaskState::kExited) << t.name;
  }
  EXPECT_EQ(fair.nr_queued(), 0);
  // The fair class shared the CPUs after the switch: hogs were preempted at ticks.
  EXPECT_GT(fair.stats().tick_preemptions, 0);
}

}  // namespace
}  // namespace scxtwin::sim::fair
