// The scheduling-class interface: how a scheduler plugs into the simulator core.
//
// The core owns time, CPUs and tasks (their programs, states and accounting). A class owns only
// the runnable tasks the core hands it and decides which one each CPU runs next. Two classes
// implement this: the ext class (sim/ext/), which hosts a sched_ext policy, and the fair class
// (sim/fair/), an EEVDF model. One class schedules every task of a run; that class may be a
// stack (sim/stack/) that runs several classes in the kernel's order, each task in the one its
// policy names.
//
// Protocol (every call happens at ctx->now(); none may block or advance time):
//   Init            once, before any task exists.
//   TaskNew(t)      t was created (fork or process arrival) and is runnable; the class takes it.
//   TaskWakeup(t)   t was blocked and is runnable again; the class takes it.
//   TaskBlock(t)    t, running on cpu, blocks (sleep or wait): the class lets go of it. The core
//                   then calls PickNext(cpu, kNoTask).
//   TaskExit(t)     t, running on cpu, ended: the class forgets it. Then PickNext(cpu, kNoTask).
//   Tick(cpu, t)    the periodic tick on a CPU running t (t.sum_exec is up to date).
//   CanStopTick(cpu, t)
//                   whether the tick may stop while t runs alone on cpu, a nohz_full CPU
//                   (SimOptions::nohz_full): asked when t is switched in or kept at a pick.
//   TaskYield(t, cpu)
//                   t, running on cpu, yields (sched_yield); then PickNext(cpu, t).
//   CpuHotplug(cpu, online)
//                   CPU hotplug. Offline: the core has taken the CPU's task off it first (a
//                   PickNext on an offline CPU must requeue prev and return kNoTask), and every
//                   task's affinity has lost the CPU; the class moves the runnable tasks it
//                   holds for that CPU to online ones. Online: the CPU may run tasks again (the
//                   core reschedules it after the call).
//   TaskChanged(t, change)
//                   a property of t changed (sched_setaffinity, setpriority) while it runs, is
//                   queued or blocks; the core has already updated the Task (affinity,
//                   requested_affinity, nr_cpus_allowed, nice, weight). The class does what the
//                   kernel's sched_change does: a queued task is taken off its queue, changed and
//                   queued again on a CPU it allows; a blocked one only changes. A running task
//                   stays on its CPU; if that CPU left its affinity, the core then reschedules
//                   the CPU (PickNext(cpu, t)), and the class moves t to a CPU it allows.
//   PickNext(cpu, prev)
//                   the CPU reschedules (after ctx->Resched(cpu), or because its task blocked,
//                   exited, or the CPU was idle and got work). prev is the task still running
//                   there and runnable, or kNoTask. Return prev to keep it running, another
//                   runnable task the class holds (the core switches to it, prev goes back to the
//                   class, which must have requeued it), or kNoTask to idle (prev likewise requeued).
//                   A returned task must allow the CPU (its affinity).
// Requests a class makes of the core go through SchedContext: Resched(cpu) asks the CPU to call
// PickNext soon (at the same instant, after the current call returns; repeated requests merge),
// StartTimer/OnTimer give the class its own timers, SetTaskCpu records the run queue a task sits
// on (scx_bpf_task_cpu / task_cpu), Fail ends the run with an error, Detach hands every task to
// the run's fallback class (a policy that was ejected; see TakeQueued). After a switch, the
// fallback's PickNext may see as prev a running task it was never given: it is runnable.
// Invariant the core checks: every live task is running, blocked, or counted by nr_queued().
#ifndef SCXTWIN_SIM_CORE_SCHED_CLASS_H_
#define SCXTWIN_SIM_CORE_SCHED_CLASS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/core/task.h"
#include "sim/engine/event_queue.h"
#include "sim/engine/time.h"
#include "sim/machine/costs.h"
#include "sim/machine/topology.h"

namespace scxtwin::sim {

// Wakeup details a class may use (mirrors SCX_WAKE_* / the fair class's wake flags).
struct WakeInfo {
  int32_t waker_cpu = -1;  // CPU of the waking task, -1 for a timer
  TaskId waker = kNoTask;
  bool sync = false;  // the waker is about to block (WF_SYNC)
};

// What a property change of a task altered (SchedClass::TaskChanged).
struct TaskChange {
  bool affinity = false;  // sched_setaffinity: Task::affinity and requested_affinity
  bool weight = false;    // setpriority: Task::nice and weight
};

class SchedContext {
 public:
  virtual ~SchedContext() = default;
  virtual SimTime now() const = 0;
  virtual const Topology& topology() const = 0;
  virtual const MachineCosts& costs() const = 0;
  virtual const Task& task(TaskId t) const = 0;
  virtual Task& mutable_task(TaskId t) = 0;
  virtual int32_t nr_tasks() const = 0;  // ids are 0..nr_tasks()-1 (exited ones included)
  // The task running on cpu, or kNoTask when idle.
  virtual TaskId curr(int cpu) const = 0;
  // CPU hotplug: an offline CPU runs nothing and is in no task's affinity (Task::affinity).
  virtual bool cpu_online(int cpu) const { return true; }
  // The kernel's scx_hotplug_seq: incremented by every CPU going on- or offline, boot included.
  virtual uint64_t hotplug_seq() const { return 0; }
  virtual void Resched(int cpu) = 0;
  virtual void SetTaskCpu(TaskId t, int cpu) = 0;
  // Brings the running task's sum_exec up to now (the class's update_curr).
  virtual void UpdateCurr(int cpu) = 0;
  // `ns` of CPU time the class spent on `cpu` now (a sched_ext callback, cost.ext_callback_ns):
  // overhead of the CPU, as the context switch is; its running task's work, or the next task's
  // start, comes that much later.
  virtual void ChargeCpu(int cpu, SimDuration ns) {}
  // Calls the class's OnTimer(cookie) at `when` (watchdogs, BPF timers). Returns a handle
  // for CancelTimer.
  virtual EventHandle StartTimer(SimTime when, uint64_t cookie) = 0;
  virtual void CancelTimer(EventHandle& handle) = 0;
  // Ends the run: the class can no longer schedule (kind/message go to the report).
  virtual void Fail(const std::string& why) = 0;
  // The class gives up scheduling (a sched_ext policy was ejected). With a fallback class
  // configured, the core moves every task to it once the current call returns (the kernel
  // moves them to the fair class); without one, this is Fail(why).
  virtual void Detach(const std::string& why) = 0;
  // The run's cgroups: [0] is the root, each one after its parent, weights as of now.
  virtual const std::vector<Cgroup>& cgroups() const {
    static const std::vector<Cgroup>* const kRootOnly = new std::vector<Cgroup>(1);
    return *kRootOnly;
  }
};

class SchedClass {
 public:
  virtual ~SchedClass() = default;
  virtual std::string name() const = 0;
  virtual absl::Status Init(SchedContext* ctx) = 0;
  virtual void TaskNew(TaskId t, TaskId parent) = 0;
  virtual void TaskWakeup(TaskId t, const WakeInfo& wake) = 0;
  virtual void TaskBlock(TaskId t, int cpu) = 0;
  virtual void TaskExit(TaskId t, int cpu) = 0;
  virtual void Tick(int cpu, TaskId curr) = 0;
  // t, running on cpu, calls sched_yield(): it stays runnable. The core then reschedules the
  // CPU (PickNext(cpu, t)); a class that keeps t there lets it go on with its program.
  virtual void TaskYield(TaskId t, int cpu) {}
  // The kernel's sched_can_stop_tick() for t running on a nohz_full CPU: false keeps the tick.
  virtual bool CanStopTick(int cpu, TaskId curr) const { return false; }
  virtual TaskId PickNext(int cpu, TaskId prev) = 0;
  // Runnable tasks the class holds (not running): the core's no-task-lost check.
  virtual int64_t nr_queued() const = 0;
  // After Detach: hands back the runnable tasks it holds (not running), in a fixed order, and
  // forgets them. The core gives them to the fallback class.
  virtual std::vector<TaskId> TakeQueued() { return {}; }
  // A property of t changed (see the protocol above).
  virtual void TaskChanged(TaskId t, const TaskChange& change) {}
  // A CPU went offline or online (see the protocol above).
  virtual void CpuHotplug(int cpu, bool online) {}
  // Several classes on one CPU (sim/stack): a class above this one takes cpu. prev is this
  // class's task running there, still runnable, which it must requeue as preempted
  // (put_prev_task), or kNoTask when this class had the CPU idle; either way the CPU is busy
  // for this class until its next PickNext there.
  virtual void CpuTakenByHigher(int cpu, TaskId prev) {}
  // A timer the class started with ctx->StartTimer is due.
  virtual void OnTimer(uint64_t cookie) {}
  // Called once when the run ends (the ext class reports the policy's exit here).
  virtual void Finish() {}
  // Cgroups. t moves to cgroup `to` (Task::cgroup is still the one it leaves). The core calls
  // it only for a workload op, so t is running on cpu; a class must not rely on that (the ext
  // class also moves a queued or blocked task, as a write to cgroup.procs would). false refuses
  // the move (the ext class's ops.cgroup_prep_move failed): t stays.
  virtual bool TaskCgroupMove(TaskId t, int cpu, int32_t to) { return true; }
  // A cgroup's weight changed (ctx->cgroups() has the new one).
  virtual void CgroupWeightChanged(int32_t cgroup) {}
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_SCHED_CLASS_H_
