// A minimal scheduling class: one global FIFO, a fixed time slice checked at the tick, idle CPUs
// woken on enqueue. It is the core's test double and a reference point, not a model of Linux.
#ifndef SCXTWIN_SIM_CORE_FIFO_CLASS_H_
#define SCXTWIN_SIM_CORE_FIFO_CLASS_H_

#include <deque>
#include <vector>

#include "sim/core/sched_class.h"

namespace scxtwin::sim {

class FifoClass final : public SchedClass {
 public:
  explicit FifoClass(SimDuration slice_ns = 4 * kNsPerMs) : slice_ns_(slice_ns) {}
  std::string name() const override { return "fifo"; }
  absl::Status Init(SchedContext* ctx) override;
  void TaskNew(TaskId t, TaskId parent) override { Enqueue(t); }
  void TaskWakeup(TaskId t, const WakeInfo&) override { Enqueue(t); }
  void TaskBlock(TaskId, int) override {}
  void TaskExit(TaskId, int) override {}
  void Tick(int cpu, TaskId curr) override;
  TaskId PickNext(int cpu, TaskId prev) override;
  int64_t nr_queued() const override { return static_cast<int64_t>(queue_.size()); }
  void CpuHotplug(int cpu, bool online) override;
  void TaskChanged(TaskId t, const TaskChange& change) override;

 private:
  void Enqueue(TaskId t);
  // Asks the first idle CPU t may run on to pick.
  void Kick(TaskId t);
  SchedContext* ctx_ = nullptr;
  SimDuration slice_ns_;
  std::deque<TaskId> queue_;
  std::vector<SimDuration> slice_start_;  // per CPU: the running task's sum_exec at switch-in
  std::vector<bool> kicked_;              // per CPU: an idle CPU already asked to pick
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_FIFO_CLASS_H_
