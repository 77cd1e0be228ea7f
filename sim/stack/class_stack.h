// Several scheduling classes on one machine, in the kernel's order: a SchedClass that the core
// runs like any other and that asks its member classes, per CPU, in turn (kernel/sched/core.c
// __pick_next_task: stop > deadline > rt > fair > ext > idle).
//
// Each task belongs to the class its policy names (Task::policy, sched_setscheduler):
//   FIFO, RR  the RT class;
//   EXT       the ext class when one is loaded, else fair;
//   NORMAL    the ext class when one is loaded without SCX_OPS_SWITCH_PARTIAL, else fair.
// With an ext class, every task gets ops.init_task at creation and ops.exit_task at exit (the
// kernel's scx_fork/sched_ext_free); only the ext class's own tasks get enable/disable.
//
// A member class sees the machine through its own SchedContext: curr(cpu) is kNoTask unless
// the CPU runs one of its tasks, its timers come back to it, and a Detach (an ejected ext
// policy) moves its tasks to the fair class once the current event is over, as the kernel does.
// When a class above takes a CPU, the class whose task ran there gets CpuTakenByHigher.
//
// Deadline servers (kernel/sched/deadline.c, dl_server; 7.x's fair_server and ext_server): per
// CPU and served class (fair, ext) a reservation of `server_runtime` per `server_period` (50 ms
// per 1 s, the kernel's defaults) that runs the class above RT when it is starved. Deferred, as
// the kernel's: it starts when the class gets a runnable task on the CPU, and the class's tasks
// running there the ordinary way consume its runtime; only when the runtime left can no longer
// be delivered otherwise (zero laxity: deadline - runtime left) does it run the class at
// deadline priority until the runtime is used; at the deadline it is replenished for a new
// period, deferred again, or stops when the class has nothing runnable on the CPU.
#ifndef SCXTWIN_SIM_STACK_CLASS_STACK_H_
#define SCXTWIN_SIM_STACK_CLASS_STACK_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/core/sched_class.h"

namespace scxtwin::sim {

struct ClassStackOptions {
  SchedClass* rt = nullptr;    // required
  SchedClass* fair = nullptr;  // required
  SchedClass* ext = nullptr;   // optional: a loaded sched_ext policy
  // SCX_OPS_SWITCH_PARTIAL: NORMAL tasks stay in fair; only EXT ones go to the ext class.
  bool switch_partial = false;
  // The ext class's init_task / exit_task for a task another class runs (ExtClass's
  // InitForeignTask / ExitForeignTask); unset: none.
  std::function<void(TaskId t, TaskId parent)> ext_foreign_new;
  std::function<void(TaskId t)> ext_foreign_exit;
  // An ejected ext policy's tasks go on in fair (the kernel's scx_disable); off: the ejection
  // ends the run (SchedContext::Fail).
  bool ejected_to_fair = true;
  // The deadline servers of the fair and ext classes; off: a starved class starves.
  bool servers = true;
  SimDuration server_runtime = 50 * kNsPerMs;
  SimDuration server_period = kNsPerSec;
};

class ClassStack final : public SchedClass {
 public:
  enum Member : int8_t { kRt = 0, kFair = 1, kExt = 2, kNumMembers = 3 };
  // Deadline-server accounting of one served class on one CPU.
  struct ServerStats {
    int64_t activations = 0;    // zero-laxity points reached with the class starved
    SimDuration served_ns = 0;  // CPU time its class ran through the server (above RT)
  };

  explicit ClassStack(ClassStackOptions options);
  ~ClassStack() override;
  std::string name() const override;
  absl::Status Init(SchedContext* ctx) override;
  void TaskNew(TaskId t, TaskId parent) override;
  void TaskWakeup(TaskId t, const WakeInfo& wake) override;
  void TaskBlock(TaskId t, int cpu) override;
  void TaskExit(TaskId t, int cpu) override;
  void Tick(int cpu, TaskId curr) override;
  void TaskYield(TaskId t, int cpu) override;
  void TaskChanged(TaskId t, const TaskChange& change) override;
  bool CanStopTick(int cpu, TaskId curr) const override;
  TaskId PickNext(int cpu, TaskId prev) override;
  int64_t nr_queued() const override;
  void CpuHotplug(int cpu, bool online) override;
  bool TaskCgroupMove(TaskId t, int cpu, int32_t to) override;
  void CgroupWeightChanged(int32_t cgroup) override;
  void OnTimer(uint64_t cookie) override;
  void Finish() override;

  // The member class a task belongs to now.
  Member owner(TaskId t) const { return static_cast<Member>(owner_[t]); }
  const ServerStats& server_stats(Member m, int cpu) const { return servers_[m][cpu].stats; }
  // Non-empty once the ext class detached (its policy was ejected): why, and when.
  const std::string& ext_detached() const { return ext_detached_; }
  SimTime ext_detached_at() const { return ext_detached_at_; }

 private:
  class MemberContext;
  enum class ServerState : uint8_t { kOff, kDeferred, kReady, kThrottled };
  struct Server {
    ServerState state = ServerState::kOff;
    SimDuration runtime = 0;
    SimTime deadline = 0;
    EventHandle timer;   // zero laxity (deferred), deadline (ready, throttled)
    EventHandle budget;  // the runtime's end while its class runs through it
    ServerStats stats;
  };
  // Timer cookies of the stack's own: kind in the low bits, then member and CPU.
  enum TimerKind : uint64_t { kMemberTimer = 0, kServerTimer = 1, kBudgetTimer = 2, kDetach = 3 };

  SchedClass* cls(int m) const { return members_[m]; }
  Member PolicyOwner(TaskId t) const;
  bool Served(int m) const { return opt_.servers && (m == kFair || m == kExt) && members_[m]; }
  // Asks member m for cpu's next task (prev only if it is m's).
  TaskId Ask(int m, int cpu, TaskId prev, int prev_m, bool* asked_prev);
  // Server bookkeeping: a served class's runnable tasks per CPU (task_cpu), its run time.
  void Count(TaskId t);
  void Uncount(TaskId t);
  void MoveCount(TaskId t, int cpu);
  void ChargeRun(int cpu);
  void StartServer(int m, int cpu);
  void ArmServer(int m, int cpu, SimTime when);
  void ServerTimer(int m, int cpu);
  void Throttle(int m, int cpu);
  uint64_t Cookie(TimerKind kind, int m, int cpu) const;
  void SwitchExtToFair();

  ClassStackOptions opt_;
  std::array<SchedClass*, kNumMembers> members_{};
  std::array<std::unique_ptr<MemberContext>, kNumMembers> ctxs_;
  SchedContext* ctx_ = nullptr;
  std::vector<int8_t> owner_;     // by TaskId
  std::vector<int32_t> counted_;  // by TaskId: the CPU it is counted on (-1: not counted)
  std::array<std::vector<int32_t>, kNumMembers> nr_;  // per member, per CPU
  std::array<std::vector<Server>, kNumMembers> servers_;
  // What each CPU runs, for the servers: the task, its member, sum_exec charged up to, and
  // whether it runs through its class's server.
  struct Running {
    TaskId task = kNoTask;
    int8_t member = -1;
    bool via_server = false;
    SimDuration charged = 0;
  };
  std::vector<Running> running_;
  // Member timers: the stack's cookie -> (member, the member's cookie).
  absl::flat_hash_map<uint64_t, std::pair<int, uint64_t>> timers_;
  uint64_t next_timer_ = 0;
  bool ext_gone_ = false;
  std::string ext_detached_;
  SimTime ext_detached_at_ = -1;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_STACK_CLASS_STACK_H_
