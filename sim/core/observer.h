// What happens in a run, as the kernel's sched tracepoints would show it: for trace writers
// (Perfetto, ftrace text) and other observers. Set SimOptions::observer; every call happens at
// the simulated time given, in time order. The core never depends on an observer.
#ifndef SCXTWIN_SIM_CORE_OBSERVER_H_
#define SCXTWIN_SIM_CORE_OBSERVER_H_

#include "sim/core/task.h"
#include "sim/engine/time.h"

namespace scxtwin::sim {

class SimObserver {
 public:
  virtual ~SimObserver() = default;
  // A task was created (task_newtask; parent is null for a task of an arriving process).
  virtual void TaskNew(SimTime t, const Task& task, const Task* parent) {}
  // A blocked task is being woken (sched_waking): waker is null for a timer; cpu is where the
  // waker runs (-1 for a timer). Called before the scheduling class places it.
  virtual void Waking(SimTime t, const Task& task, const Task* waker, int cpu) {}
  // The task is runnable on target_cpu's run queue (sched_wakeup, or sched_wakeup_new when
  // is_new).
  virtual void Wakeup(SimTime t, const Task& task, int target_cpu, bool is_new) {}
  // A CPU switches from prev to next (sched_switch); null is the idle task. prev_state is
  // prev's state after the switch: kRunnable (preempted), kBlocked or kExited.
  virtual void Switch(SimTime t, int cpu, const Task* prev, TaskState prev_state,
                      const Task* next) {}
  // A task starts running on another CPU than it last ran on (sched_migrate_task); called just
  // before the Switch to it, in the kernel's order.
  virtual void Migrate(SimTime t, const Task& task, int orig_cpu, int dest_cpu) {}
  // A task exited (sched_process_exit, then sched_process_free).
  virtual void Exit(SimTime t, const Task& task) {}
  // The CPU's vCPU stops from t until `until` (cost.vcpu_stall; no tracepoint: the guest does
  // not see it).
  virtual void VcpuStall(SimTime t, int cpu, SimTime until) {}
  // The run ended at t (close every CPU's track).
  virtual void End(SimTime t) {}
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_OBSERVER_H_
