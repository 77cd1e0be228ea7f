// The simulation loop: one machine, one workload, one scheduling class, one seed.
//
// The simulator owns the event queue, the CPUs and the tasks; it runs each task's compiled
// program (bursts, sleeps, wakes, waits, forks, exits), charges context-switch and migration
// costs from the machine's table, hands runnable tasks to the class and asks it what each CPU
// runs (see sched_class.h). No global state: several simulators can live in one process.
#ifndef SCXTWIN_SIM_CORE_SIMULATOR_H_
#define SCXTWIN_SIM_CORE_SIMULATOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sim/core/histogram.h"
#include "sim/core/observer.h"
#include "sim/core/sched_class.h"
#include "sim/core/task.h"
#include "sim/core/user_half.h"
#include "sim/engine/event_queue.h"
#include "sim/machine/costs.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

struct SimOptions {
  uint64_t seed = 1;
  // Stop here; 0: the workload's duration_ns, and if that is 0 too, when every task has exited
  // (bounded by max_duration).
  SimDuration duration = 0;
  SimDuration max_duration = 600 * kNsPerSec;
  MachineCosts costs;
  // The most tasks a run may create (a fork in an endless loop or a cycle of forks is only
  // bounded here); more ends the run with an error naming --max_tasks.
  int64_t max_tasks = INT32_MAX;
  // No progress: more than this many events (plus 16 per task and process instance) at one
  // simulated instant, or this many ops one task steps through without time passing, ends the
  // run with an error naming the task, its op and its place in the spec (a zero-time loop).
  int64_t max_events_at_one_time = 1 << 20;
  int64_t max_ops_at_one_time = 1 << 20;
  // Check "no task lost" every this many events (0: only at the end).
  int64_t check_every_events = 1 << 16;
  // Takes over every task when the class detaches (an ejected policy), as the kernel's fair
  // class does; nullptr: a detach ends the run. Initialised at set-up, like the class.
  SchedClass* fallback = nullptr;
  // Sees every task creation, wakeup, switch, migration and exit (trace writers). Optional.
  SimObserver* observer = nullptr;
  // The policy's user-space half, which `user_half` ops run (user_half.h); nullptr: a task
  // reaching one ends the run with an error.
  UserHalf* user_half = nullptr;
  // The kernel's nohz_full= CPUs (adaptive ticks): on one of them the tick stops while its task
  // may run without it (SchedClass::CanStopTick); elsewhere it stops only when the CPU idles.
  // Empty (the default): no such CPU.
  CpuSet nohz_full;
};

struct CpuMetrics {
  SimDuration busy_ns = 0;      // running tasks
  SimDuration overhead_ns = 0;  // context switches and idle-state exits
  SimDuration idle_ns = 0;
  int64_t nr_switches = 0;
};

struct InstanceMetrics {
  int32_t process = 0;   // template index
  int32_t instance = 0;  // number within the template
  SimTime arrival = 0;
  SimTime completed = -1;  // when its last task exited (-1: still running at the end)
  int32_t live_tasks = 0;
  int32_t started_groups_pending = 0;
};

// A task still blocked in a wait when the run ended by itself (no duration): a wait nobody
// answered.
struct StuckTask {
  TaskId task = -1;
  std::string name;
  std::string op_path;  // the wait's field path in the spec
  std::string channel;  // "" = the default channel
  int64_t wakes_missing = 0;
  SimTime since = 0;  // when it blocked
};

struct RunResult {
  SimTime end_time = 0;
  bool stopped_by_duration = false;
  bool hit_max_duration = false;
  std::string failure;   // non-empty: the class failed (e.g. the policy was ejected)
  std::string detached;  // non-empty: the class detached (why); the fallback ran from then
  SimTime detached_at = -1;
  int64_t events = 0;
  int64_t context_switches = 0;
  std::vector<CpuMetrics> cpus;
  std::vector<InstanceMetrics> instances;
  Histogram wait_all;
  // Per task group (index: SimGroupIndex), so each kind of task gets its wait distribution.
  std::vector<Histogram> group_wait;
  std::vector<std::string> group_names;  // "process/group", same index
  std::vector<StuckTask> stuck;  // tasks blocked in a wait at the end of a run without duration
};

class Simulator final : public SchedContext {
 public:
  Simulator(const Topology& topology, const WorkloadSpec& spec, SchedClass* sched_class,
            SimOptions options);
  ~Simulator() override;

  // Runs to the end. A failing class is not an error of Run (it is in result().failure);
  // errors are bad setup (e.g. an affinity outside the machine) and broken invariants.
  absl::Status Run();
  const RunResult& result() const { return result_; }
  const std::deque<Task>& tasks() const { return tasks_; }
  const WorkloadSpec& spec() const { return spec_; }
  // Index of a task's group in result().group_wait.
  int group_index(const Task& t) const;

  // SchedContext.
  SimTime now() const override { return queue_.now(); }
  const Topology& topology() const override { return topo_; }
  const MachineCosts& costs() const override { return opt_.costs; }
  const Task& task(TaskId t) const override { return tasks_[t]; }
  Task& mutable_task(TaskId t) override { return tasks_[t]; }
  int32_t nr_tasks() const override { return static_cast<int32_t>(tasks_.size()); }
  TaskId curr(int cpu) const override { return cpus_[cpu].curr; }
  bool cpu_online(int cpu) const override { return online_.Test(cpu); }
  uint64_t hotplug_seq() const override { return hotplug_seq_; }
  void Resched(int cpu) override;
  void SetTaskCpu(TaskId t, int cpu) override { tasks_[t].cpu = cpu; }
  void UpdateCurr(int cpu) override { Account(cpu); }
  void ChargeCpu(int cpu, SimDuration ns) override;
  EventHandle StartTimer(SimTime when, uint64_t cookie) override;
  void CancelTimer(EventHandle& handle) override { queue_.Cancel(handle); }
  void Fail(const std::string& why) override;
  void Detach(const std::string& why) override;
  const std::vector<Cgroup>& cgroups() const override { return cgroups_; }
  // The class scheduling now (the fallback after a detach).
  const SchedClass* active_class() const { return cls_; }

 private:
  enum EventKind : uint32_t {
    kResched,     // target cpu
    kBurstDone,   // target cpu
    kTick,        // target cpu
    kSleepDone,   // target task
    kArrival,     // target process template, arg instance number
    kTaskStart,   // target instance id, arg (group << 32 | index)
    kClassTimer,  // arg cookie
    kStop,
    kRampEnd,  // target cpu: its frequency ramp after idle is over
    kPollEnd,  // target cpu: its vCPU's halt-poll window ran out
    kHotplug,  // target cpu, arg 1: online, 0: offline
    kStall,    // target cpu: its vCPU stops (cost.vcpu_stall)
  };
  // The burst a spinning wait (or a halt-polling vCPU) stands on: longer than any run (a wake
  // ends it, not running out), short enough that no time computed from it overflows.
  static constexpr SimDuration kSpinBurst = SimDuration{1} << 60;
  struct Cpu {
    TaskId curr = kNoTask;
    bool resched_pending = false;
    EventHandle burst_done;
    EventHandle tick;
    SimTime mark = 0;  // CPU time before this is classified
    // Host effects (costs.effects): since when the CPU is idle; how fast its task progresses,
    // in per mille of full speed (SMT sibling busy, frequency ramp); until when it ramps.
    SimTime idle_since = 0;
    int32_t speed_pm = 1000;
    SimTime ramp_until = 0;
    EventHandle ramp_end;
    EventHandle poll_end;
    // Late timers (cost.timer_late): when the timer interrupt in flight comes (-1: none).
    SimTime timer_irq_at = -1;
    // vCPU stalls (cost.vcpu_stall): the last stall's start and end; stopped while
    // stall_from <= now < stall_until.
    SimTime stall_from = -1;
    SimTime stall_until = -1;
    // nohz_full: the running task needs no tick (decided when it was switched in or kept).
    bool tick_stoppable = false;
    // Class overhead (ChargeCpu) owed while no task's work can absorb it (idle, or in the pick):
    // the CPU is busy with it until then, and the next task's work starts no earlier.
    SimTime charged_until = 0;
    bool picking = false;  // inside the class's PickNext for this CPU
  };

  absl::Status Setup();
  void Dispatch(const Event& e);
  void OnArrival(int process, int instance_no);
  TaskId CreateTask(int instance, int group, int index, TaskId parent);
  void StartTask(TaskId t, TaskId parent);  // hands a created task to the class
  void Account(int cpu);
  void Schedule(int cpu, TaskId prev);
  // `wake_delay`: the idle-state exit before the task's work starts (0 from a busy CPU).
  void SwitchIn(int cpu, TaskId next, SimDuration wake_delay);
  // (Re)schedules the running task's burst end from its work left and the CPU's speed.
  void ArmBurst(int cpu);
  // Moves the running task's work `ns` later (CPU overhead) and re-arms its burst end.
  void DelayRunning(int cpu, SimDuration ns);
  // The CPU's speed in per mille: slower with a busy SMT sibling or while ramping.
  int SpeedOf(int cpu) const;
  // Sets the CPU's speed from SpeedOf; re-arms its burst when it changed.
  void UpdateSpeed(int cpu);
  // The CPU went idle or busy: its SMT siblings' speed changes.
  void SiblingsChanged(int cpu);
  // A halt (sleep or wait) of a task; a vCPU thread polls first (cost.halt_poll), else Block.
  void Halt(int cpu, TaskId t);
  // A polling vCPU's halt ends by a wake: it goes on on its CPU.
  void EndPoll(TaskId t);
  // A polling vCPU stops polling (window over, or the CPU must reschedule): it blocks.
  void GiveUpPoll(int cpu);
  // KVM's grow/shrink of the vCPU's poll window at the end of a halt.
  void EndHalt(Task& t);
  // Steps the running task's program until it needs CPU time, blocks or exits.
  void Advance(int cpu, TaskId t);
  void Block(int cpu, TaskId t);
  void Exit(int cpu, TaskId t);
  void WakeOp(TaskId waker, int cpu, const CompiledOp& op, bool sync);
  // One wake of `target`'s channel: ends a wait collecting it when it is the last one needed,
  // else stays pending.
  void Deliver(TaskId target, int32_t channel, TaskId waker, int waker_cpu, bool sync);
  // An interrupt from `sender` that `target` acknowledges on the sender's channel `ack` once it
  // is on a CPU (see workload.proto, Target.ack).
  void Interrupt(TaskId target, TaskId sender, int sender_cpu, const CompiledOp& op);
  void EndSpin(TaskId t);
  // A set_affinity or set_nice op of task `actor`: each target changes (ChangeTask).
  void ChangeOp(TaskId actor, const CompiledOp& op);
  // One property change, as sched_setaffinity / setpriority make it: the Task changes, the class
  // requeues it (TaskChanged), and a running task whose CPU left its affinity is rescheduled
  // off it. `affinity` nullptr: unchanged; a mask with no online CPU changes nothing (EINVAL).
  // `nice` outside -20..19: unchanged.
  void ChangeTask(TaskId t, const CpuSet* affinity, int nice);
  void MakeRunnable(TaskId t, const WakeInfo& info);
  void ArmTick(int cpu);
  // nohz_full: whether the CPU's task lets the tick stop; restarts the tick when it does not.
  void UpdateTickStop(int cpu);
  // Setup: the spec's offline CPUs and hotplug events, checked against the machine.
  absl::Status SetUpHotplug();
  // A CPU goes offline (its task is taken off it, the class moves the rest) or online.
  void Hotplug(int cpu, bool online);
  // Task::affinity from requested_affinity and the online CPUs.
  void EffectiveAffinity(Task& t) const;
  absl::Status CheckTasks() const;
  // Ends the run with `error` (the first one wins): a limit or a stall, not a class failure.
  void Abort(absl::Status error);
  // "task T at PATH (OP)": where a task's program is, for errors.
  std::string Position(TaskId t) const;
  void CollectStuck();
  absl::Status CheckCpuTime() const;
  const CompiledGroup& group_of(const Task& t) const;

  const Topology& topo_;
  const WorkloadSpec& spec_;
  SchedClass* cls_;
  SimOptions opt_;
  SimObserver* obs_;
  EventQueue queue_;
  std::vector<Cpu> cpus_;
  CpuSet online_;
  uint64_t hotplug_seq_ = 0;
  std::deque<Task> tasks_;              // deque: references stay valid as forks append
  std::vector<Cgroup> cgroups_;         // the spec's, with the weights as the run sets them
  std::vector<CpuSet> group_affinity_;  // per (process, group), flattened
  std::vector<int32_t> group_base_;     // process -> first index in group_affinity_
  // set_affinity ops' CPU lists resolved against the machine: per flattened group, per op
  // index of its program (empty for other ops).
  std::vector<std::vector<CpuSet>> op_cpus_;
  // Members of each (instance, group), for wake targets: members_[instance][group].
  std::vector<std::vector<std::vector<TaskId>>> members_;
  std::vector<uint64_t> arrival_rng_;  // 4 words per process template
  // Draws of the late-timer term (cost.timer_late): its own stream, so the workload's draws
  // (the tasks' and arrival streams) are the same with the term on or off.
  uint64_t timer_rng_[4] = {};
  // Late timers: whether the timer event `e` (a tick or a sleep's end) on `cpu` waits for the
  // CPU's late timer interrupt (or, with vCPU stalls, for the CPU to resume); if so it is
  // re-scheduled there (into *handle).
  bool DeferToTimerIrq(int cpu, const Event& e, EventHandle* handle);
  // Draws of the vCPU-stall term (cost.vcpu_stall): its own stream, as the late timers'.
  uint64_t stall_rng_[4] = {};
  bool Stalled(int cpu) const {
    return cpus_[cpu].stall_from <= now() && now() < cpus_[cpu].stall_until;
  }
  // Schedules the CPU's next stall after a drawn running time.
  void ArmStall(int cpu);
  // The CPU stops for a drawn time: its running task's end moves past the stall.
  void StartStall(int cpu);
  RunResult result_;
  int64_t live_tasks_ = 0;
  int64_t blocked_tasks_ = 0;
  int64_t waiting_tasks_ =
      0;  // foreground tasks blocked in a wait (only another task's wake ends it)
  int64_t pending_starts_ = 0;  // arrivals and task starts not yet fired
  // The same two counts without background processes: the run ends when both are 0.
  int64_t fg_live_ = 0;
  int64_t fg_pending_ = 0;
  bool has_foreground_ = false;
  bool stop_ = false;
  bool switch_pending_ = false;  // a detach waits for the current event to finish
  void SwitchToFallback();
  Histogram* wait_hist_ = nullptr;
  absl::Status error_;
  TaskId last_advanced_ = kNoTask;  // the task whose program ran last (named by a stall error)
  int64_t stall_slack_ = 0;         // 16 per process instance of the spec
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_SIMULATOR_H_
