// A SchedContext without a simulator, for testing the fair class's rules one call at a time:
// the test sets the clock, who runs where and each task's CPU time, and reads the reschedules
// the class asked for.
#ifndef SCXTWIN_SIM_FAIR_FAKE_CONTEXT_H_
#define SCXTWIN_SIM_FAIR_FAKE_CONTEXT_H_

#include <deque>
#include <set>
#include <string>
#include <vector>

#include "sim/core/sched_class.h"

namespace scxtwin::sim::fair {

class FakeContext final : public SchedContext {
 public:
  explicit FakeContext(Topology topo) : topo_(std::move(topo)), curr_(topo_.nr_cpus(), kNoTask) {}

  TaskId AddTask(int cpu = 0) {
    Task t;
    t.id = static_cast<TaskId>(tasks_.size());
    t.pid = t.id + 1;
    t.affinity = CpuSet(topo_.nr_cpus(), true);
    t.nr_cpus_allowed = topo_.nr_cpus();
    t.cpu = cpu;
    tasks_.push_back(t);
    return t.id;
  }
  void set_now(SimTime t) { now_ = t; }
  void set_curr(int cpu, TaskId t) {
    curr_[cpu] = t;
    if (t != kNoTask) {
      tasks_[t].state = TaskState::kRunning;
      tasks_[t].cpu = cpu;
      tasks_[t].last_ran_cpu = cpu;
    }
  }
  // Reschedules asked for since the last call.
  std::set<int> TakeResched() {
    std::set<int> r;
    r.swap(resched_);
    return r;
  }
  MachineCosts& mutable_costs() { return costs_; }

  SimTime now() const override { return now_; }
  const Topology& topology() const override { return topo_; }
  const MachineCosts& costs() const override { return costs_; }
  const Task& task(TaskId t) const override { return tasks_[t]; }
  Task& mutable_task(TaskId t) override { return tasks_[t]; }
  int32_t nr_tasks() const override { return static_cast<int32_t>(tasks_.size()); }
  TaskId curr(int cpu) const override { return curr_[cpu]; }
  void Resched(int cpu) override { resched_.insert(cpu); }
  void SetTaskCpu(TaskId t, int cpu) override { tasks_[t].cpu = cpu; }
  void UpdateCurr(int) override {}
  EventHandle StartTimer(SimTime, uint64_t) override { return EventHandle(); }
  void CancelTimer(EventHandle&) override {}
  void Fail(const std::string& why) override { failure = why; }
  void Detach(const std::string& why) override { failure = why; }

  std::string failure;

 private:
  Topology topo_;
  MachineCosts costs_;
  std::deque<Task> tasks_;
  std::vector<TaskId> curr_;
  std::set<int> resched_;
  SimTime now_ = 1;
};

}  // namespace scxtwin::sim::fair

#endif  // SCXTWIN_SIM_FAIR_FAKE_CONTEXT_H_
