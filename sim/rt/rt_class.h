// The real-time class (SCHED_FIFO and SCHED_RR, kernel/sched/rt.c): strict priority per CPU,
// above the fair and ext classes when several classes share the machine (sim/stack/).
//
// Per CPU one queue ordered by rt_priority (higher first), FIFO within a priority. A waking task
// goes to its CPU unless that CPU runs or queues an RT task of at least its priority, then to a
// CPU with no RT work it may use (find_lowest_rq, simplified: the first such CPU from its own
// on); it preempts a lower-priority or non-RT task there. A task preempted by a higher priority
// keeps its place at the head of its priority and is pushed to a CPU with no RT work if there is
// one (push_rt_task); a CPU about to leave RT pulls the best task queued elsewhere that may run
// on it (pull_rt_task). SCHED_RR tasks get a 100 ms slice (RR_TIMESLICE), charged at each tick;
// when it runs out the task goes to the tail of its priority if another one waits there.
// sched_yield puts a task at the tail of its priority. Not modelled: RT throttling
// (sched_rt_runtime_us; the deadline servers of sim/stack give lower classes their share),
// priority inheritance, cpupri's exact CPU choice.
#ifndef SCXTWIN_SIM_RT_RT_CLASS_H_
#define SCXTWIN_SIM_RT_RT_CLASS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/core/sched_class.h"

namespace scxtwin::sim {

class RtClass final : public SchedClass {
 public:
  static constexpr SimDuration kRrSlice = 100 * kNsPerMs;  // RR_TIMESLICE (100 ms at any HZ)

  std::string name() const override { return "rt"; }
  absl::Status Init(SchedContext* ctx) override;
  void TaskNew(TaskId t, TaskId parent) override;
  void TaskWakeup(TaskId t, const WakeInfo& wake) override;
  void TaskBlock(TaskId t, int cpu) override {}
  void TaskExit(TaskId t, int cpu) override {}
  void Tick(int cpu, TaskId curr) override;
  void TaskYield(TaskId t, int cpu) override;
  TaskId PickNext(int cpu, TaskId prev) override;
  int64_t nr_queued() const override { return nr_queued_; }
  std::vector<TaskId> TakeQueued() override;
  void CpuHotplug(int cpu, bool online) override;
  void CpuTakenByHigher(int cpu, TaskId prev) override;

  // Introspection for tests: the tasks queued on cpu, in pick order.
  std::vector<TaskId> Queued(int cpu) const;
  // RR slice left of a task.
  SimDuration slice_left(TaskId t) const { return rt_[t].slice_left; }

 private:
  struct Key {
    int32_t neg_prio;  // -rt_priority: the set's first entry is the highest priority
    int64_t seq;       // FIFO within a priority; a head insert takes a smaller one
    TaskId t;
    bool operator<(const Key& o) const {
      if (neg_prio != o.neg_prio) return neg_prio < o.neg_prio;
      if (seq != o.seq) return seq < o.seq;
      return t < o.t;
    }
  };
  struct RtTask {
    int32_t cpu = -1;  // the queue holding it (-1: none: running, blocked or new)
    int64_t seq = 0;
    SimDuration slice_left = kRrSlice;
    SimDuration charged = 0;  // sum_exec at the last charge
    bool to_tail = false;     // slice ran out or it yielded: behind its equals at the next pick
  };

  RtTask& Rt(TaskId t);
  int prio(TaskId t) const { return ctx_->task(t).rt_priority; }
  // The priority of the RT work cpu runs or queues first (0: none).
  int TopPrio(int cpu) const;
  int SelectCpu(TaskId t) const;
  // find_lowest_rq: an online CPU t may use (not `skip`) whose RT work is below t's priority,
  // the lowest first (none at all ends the search), searching from `from`; -1 if none.
  int LowestCpu(TaskId t, int from, int skip) const;
  void Enqueue(int cpu, TaskId t, bool head);
  void Dequeue(TaskId t);
  // The new task on cpu preempts what runs there if it comes first.
  void CheckPreempt(int cpu, TaskId t);
  // pull_rt_task: the best task queued on another CPU that may run on cpu, or kNoTask.
  TaskId Pull(int cpu);
  void PushFrom(int cpu);
  void Charge(TaskId t);

  SchedContext* ctx_ = nullptr;
  std::vector<std::set<Key>> queues_;
  std::vector<RtTask> rt_;
  int64_t seq_ = 0;       // tail inserts count up from here
  int64_t head_seq_ = 0;  // head inserts count down from here
  int64_t nr_queued_ = 0;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RT_RT_CLASS_H_
