// The ext scheduling class: hosts one sched_ext policy (its `struct sched_ext_ops`, compiled as
// host code) and reproduces the kernel's sched_ext runtime around it (kernel/sched/ext.c and
// ext_idle.c semantics, as summarised in docs/model.md section 2):
//
//  - callback order over a task's life: init_task -> enable -> select_cpu -> runnable ->
//    enqueue; running / stopping / quiescent; disable -> exit_task;
//  - DSQs: the built-in local (one per CPU) and global DSQs, user DSQs from scx_bpf_create_dsq,
//    FIFO or vtime-ordered, with the kernel's errors for mixing the two and for vtime on built-ins;
//  - direct dispatch from select_cpu/enqueue (applied after the callback returns), buffered
//    inserts from dispatch (flushed when it returns, or by dsq_move_to_local);
//  - balance_one's pick order (keep prev with slice; local DSQ; global DSQ; ops.dispatch up to
//    32 loops; keep prev unless SCX_OPS_ENQ_LAST; idle);
//  - scx_bpf_select_cpu_dfl's idle-CPU search with idle claiming, the idle cpumasks, kicks;
//  - slices charged at the tick (update_curr_scx), ops.tick after;
//  - the watchdog (a runnable task not run for timeout_ms: SCX_EXIT_ERROR_STALL), errors that
//    eject the policy with the kernel's exit kind, and ops.exit.
//
// The policy reaches the simulator only through `struct scxtwin_host_api`
// (sim/host/include/scxtwin/host_api.h); ExtClass fills the simulator's entries of that table,
// one per row of scxtwin/kfunc_list.inc.
//
// The class is one object; its code is split along the kernel's seams: ext_class.cc (ext.c's
// enable/disable and task lifecycle, exits, the watchdog), dispatch_queues.cc (ext.c's DSQs,
// enqueue and dispatch, with the DSQ kfuncs), balance_pick.cc (balance_one, pick, put_prev,
// the tick), ext_idle.cc (ext_idle.c: idle tracking, the default CPU selection and its kfuncs),
// dsq_iter.cc (DSQ iterators and moves), cgroups.cc (the cgroup hierarchy, its callbacks and
// kfuncs), kfuncs.cc (the remaining kfuncs, BPF timers and helpers), host_api_table.cc (the
// trampolines). A task's state is task_state.h's enum.
// Single-threaded: callbacks never overlap, so the kernel's races do not exist here.
#ifndef SCXTWIN_SIM_EXT_EXT_CLASS_H_
#define SCXTWIN_SIM_EXT_EXT_CLASS_H_

#include <cerrno>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "scxtwin/host_api.h"
#include "sim/core/sched_class.h"
#include "sim/ext/call_scope.h"
#include "sim/ext/task_state.h"
#include "sim/host/fault_guard.h"

namespace scxtwin::sim {

// How the class reaches the loaded policy.
struct ExtPolicyBinding {
  sched_ext_ops* ops = nullptr;
  // Hands the policy its host API table (PolicyInstance::InstallApi). Required.
  std::function<void(const scxtwin_host_api&)> install_api;
  // A task was freed (PolicyInstance::ForgetTask). Optional.
  std::function<void(const task_struct*)> forget_task;
  // Where in the policy's code a fault happened, "x.so: fn+0x1c (x.bpf.c:42)"
  // (PolicyInstance::DescribeFault). Optional.
  std::function<std::string(const host::CallFault&)> describe_fault;
  // What user space does between loading and attaching, with the host API installed (a
  // loader's SEC("syscall") programs: PolicyInstance's RunProgramsLikeTheLoader). An error
  // fails the attach, as the loader gives up before attaching. Optional.
  std::function<absl::Status()> before_attach;
};

// How the policy's run ended (what ops.exit was given).
struct ExtExit {
  int64_t kind = 0;  // enum scx_exit_kind; 0 (SCX_EXIT_NONE) while it runs
  int64_t exit_code = 0;
  int32_t cpu = -1;
  SimTime time = 0;
  std::string reason;
  std::string msg;
  // The debug dump an error exit (kind >= SCX_EXIT_ERROR) writes (exit_dump.cc): the kernel's
  // scx_dump_state with the policy's ops.dump/dump_cpu/dump_task lines, at most
  // ops.exit_dump_len - 1 bytes (32767 by default); empty for any other exit.
  std::string dump;
};

struct ExtOptions {
  uint64_t seed = 1;            // bpf_get_prandom_u32's stream
  std::ostream* log = nullptr;  // JSON Lines: every callback and kfunc call
};

struct ExtCounters {
  int64_t callbacks = 0;
  int64_t kfuncs = 0;
  int64_t direct_dispatches = 0;
  int64_t dispatch_calls = 0;
  int64_t kicks = 0;
};

class ExtClass final : public SchedClass {
 public:
  ExtClass(ExtPolicyBinding policy, ExtOptions options);
  ~ExtClass() override;

  // SchedClass.
  std::string name() const override;
  absl::Status Init(SchedContext* ctx) override;
  void TaskNew(TaskId t, TaskId parent) override;
  void TaskWakeup(TaskId t, const WakeInfo& wake) override;
  void TaskBlock(TaskId t, int cpu) override;
  void TaskExit(TaskId t, int cpu) override;
  void Tick(int cpu, TaskId curr) override;
  void TaskYield(TaskId t, int cpu) override;
  // scx_can_stop_tick: the task's slice is SCX_SLICE_INF (the kernel's SCX_RQ_CAN_STOP_TICK,
  // set from the slice when the task is picked); never once the policy has exited.
  bool CanStopTick(int cpu, TaskId curr) const override;
  TaskId PickNext(int cpu, TaskId prev) override;
  int64_t nr_queued() const override { return nr_queued_; }
  void OnTimer(uint64_t cookie) override;
  void CpuHotplug(int cpu, bool online) override;
  void TaskChanged(TaskId t, const TaskChange& change) override;  // task_change.cc
  void Finish() override;
  std::vector<TaskId> TakeQueued() override;
  // With a class stack (sim/stack): an RT or fair task takes the CPU; prev, if any, goes back
  // as put_prev_task_scx puts it (the head of the local DSQ with slice left, else
  // ops.enqueue), and the CPU is not idle to the policy. (ops.cpu_release is not called.)
  void CpuTakenByHigher(int cpu, TaskId prev) override;
  // SCX_OPS_SWITCH_PARTIAL: with a class stack only SCHED_EXT tasks are the policy's.
  bool switch_partial() const;
  // A task another class runs (a class stack): the kernel calls ops.init_task (fork) and
  // ops.exit_task for every task while a policy is loaded (scx_fork, sched_ext_free), but
  // ops.enable/disable only for its own.
  void InitForeignTask(TaskId t, TaskId parent);
  void ExitForeignTask(TaskId t);

  // Runs fn at simulated time `at` outside any callback, as user space does after attaching
  // (e.g. a SEC("syscall") program run with bpf_prog_test_run): kfuncs of the "unlocked" set
  // (create_dsq, select_cpu_dfl, exit/error, ...) are allowed; an exit it records ejects.
  // May be called before the run starts (armed then) or during it.
  void CallFromUserSpace(SimTime at, std::function<void()> fn);

  const ExtExit& exit_info() const { return exit_; }
  bool ejected() const { return exit_.kind != 0; }
  const ExtCounters& counters() const { return counters_; }
  // The kernel's event counters (struct scx_event_stats) as scx_bpf_events() reads them.
  const scx_event_stats& events() const { return events_; }
  // The task_struct the policy sees for a task (tests).
  task_struct* task_struct_of(TaskId t) { return &ts_[t]; }

  // ---- the kfuncs and helpers: one per row of scxtwin/kfunc_list.inc ----
  // dispatch_queues.cc
  s32 CreateDsq(u64 dsq_id, s32 node);
  void DestroyDsq(u64 dsq_id);
  void DsqInsert(task_struct* p, u64 dsq_id, u64 slice, u64 enq_flags);
  void DsqInsertVtime(task_struct* p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags);
  bool DsqMoveToLocal(u64 dsq_id, u64 enq_flags);
  s32 DsqNrQueued(u64 dsq_id);
  task_struct* DsqPeek(u64 dsq_id);
  u32 DispatchNrSlots();
  void DispatchCancel();
  u32 ReenqueueLocal();
  // dsq_iter.cc
  int DsqIterNew(bpf_iter_scx_dsq* it, u64 dsq_id, u64 flags);
  task_struct* DsqIterNext(bpf_iter_scx_dsq* it);
  void DsqIterDestroy(bpf_iter_scx_dsq* it);
  void DsqMoveSetSlice(bpf_iter_scx_dsq* it, u64 slice);
  void DsqMoveSetVtime(bpf_iter_scx_dsq* it, u64 vtime);
  bool DsqMove(bpf_iter_scx_dsq* it, task_struct* p, u64 dsq_id, u64 enq_flags);
  bool DsqMoveVtime(bpf_iter_scx_dsq* it, task_struct* p, u64 dsq_id, u64 enq_flags) {
    return DsqMove(it, p, dsq_id, enq_flags | SCX_ENQ_DSQ_PRIQ);
  }
  // ext_idle.cc
  s32 SelectCpuDfl(task_struct* p, s32 prev_cpu, u64 wake_flags, bool* is_idle);
  s32 SelectCpuAnd(task_struct* p, s32 prev_cpu, u64 wake_flags, const cpumask* allowed, u64 flags);
  bool TestAndClearCpuIdle(s32 cpu);
  s32 PickIdleCpu(const cpumask* allowed, int node, u64 flags);
  s32 PickAnyCpu(const cpumask* allowed, int node, u64 flags);
  const cpumask* GetIdleCpumask(int node);
  const cpumask* GetIdleSmtmask(int node);
  const cpumask* PossibleCpumask() const { return &possible_; }
  void PutCpumask(const cpumask*) {}  // masks are the simulator's: nothing to release
  // kfuncs.cc
  void KickCpu(s32 cpu, u64 flags);
  s32 TaskCpu(const task_struct* p);
  bool TaskRunning(const task_struct* p);
  task_struct* TaskFromPid(s32 pid);
  task_struct* CpuCurr(s32 cpu);
  struct cgroup* TaskCgroup(task_struct* p);
  void TaskSetSlice(task_struct* p, u64 slice);
  void TaskSetDsqVtime(task_struct* p, u64 vtime);
  void ExitBpf(s64 code, const char* msg);
  void ErrorBpf(const char* msg);
  // exit_dump.cc: scx_bpf_dump() appends to the dump line being written; allowed only inside
  // ops.dump/dump_cpu/dump_task (else the policy errs, as in the kernel).
  void Dump(const char* msg);
  // scx_bpf_events(): copies the event counters out (at most `size` bytes; the rest zeroed).
  void Events(scx_event_stats* events, size_t size);
  void Printk(const char* msg);
  u32 PrandomU32();
  u64 Now() const;
  long TimerStart(bpf_timer* timer, u64 nsecs, u64 flags);
  long TimerCancel(bpf_timer* timer);
  s32 CurrentCpu() const { return cur_cpu_; }
  u32 NrCpuIds() const;
  u32 NrNodeIds() const { return static_cast<u32>(ctx_->topology().nr_nodes()); }
  int CpuNode(s32 cpu) const {
    return cpu >= 0 && cpu < nr_cpus_ ? ctx_->topology().place(cpu).node : -1;
  }
  // SCX_CPUPERF_ONE: every CPU has the same capacity and runs at full speed.
  u32 CpuperfCap(s32) const { return SCX_CPUPERF_ONE; }
  u32 CpuperfCur(s32) const { return SCX_CPUPERF_ONE; }
  void CpuperfSet(s32, u32) {}
  // cids.cc: the 7.3 cid API. A cid is the CPU of the same number; the hosted scheduler is the
  // root one, holding every cap on every cid, with no sub-schedulers.
  u32 NrCids() const { return NrCpuIds(); }
  s32 CpuToCid(s32 cpu) const { return cpu >= 0 && cpu < nr_cpus_ ? cpu : -EINVAL; }
  s32 CidperfSet(s32 cid, u32 perf);
  void CidOverride(const s32* cpu_to_cid, u32 cpu_to_cid_cnt, const s32* shard_start,
                   u32 shard_start_cnt);
  task_struct* TidToTask(u64 tid);
  s32 SubCaps(u64 cgroup_id, u64 caps, scx_cmask* out);
  s32 SubGrant(u64 cgroup_id, u64 caps, const scx_cmask* cmask, scx_cmask* denied_out);
  void SubRevoke(u64 cgroup_id, u64 caps, const scx_cmask* cmask);
  bool SubDispatch(u64 cgroup_id);
  s32 SubKill(u64 cgroup_id, const char* msg);
  struct cgroup* CgroupFromId(u64 cgid);

  // Cgroups (cgroups.cc; SchedClass's cgroup hooks).
  bool TaskCgroupMove(TaskId t, int cpu, int32_t to) override;
  void CgroupWeightChanged(int32_t cgroup) override;

 private:
  struct Dsq;
  // The class's record of a task beside its task_struct.
  struct ExtTask {
    ExtTaskState state = ExtTaskState::kDisabled;  // see task_state.h
    // Where it is queued (state kUserDsq/kBuiltinDsq), and how: FIFO links or a vtime key.
    Dsq* dsq = nullptr;
    TaskId prev_in_dsq = kNoTask, next_in_dsq = kNoTask;
    bool in_priq = false;
    uint64_t priq_seq = 0;
    u64 priq_vtime = 0;
    // A direct dispatch verdict from select_cpu/enqueue, applied when it is enqueued.
    bool has_ddsp = false;
    u64 ddsp_dsq_id = 0;
    u64 ddsp_enq_flags = 0;
    SimDuration charged = 0;  // sum_exec already charged to the slice
    SimTime runnable_at = 0;  // watchdog
    int32_t cgroup = 0;       // its cgroup as the policy sees it (index in cgroups_)
  };
  // A cgroup as the policy sees it: the kernel objects a policy reads, at stable addresses.
  struct ExtCgroup {
    kernfs_node kn{};
    struct cgroup cg {};
    task_group tg{};  // the cpu controller's state: cg.subsys[cpu_cgrp_id] == &tg.css
    css_set cset{};   // what task_struct.cgroups points at for the tasks in this cgroup
    std::string name;
    bool inited = false;  // ops.cgroup_init succeeded (ops.cgroup_exit is owed)
  };
  struct PriqKey {
    u64 vtime;
    uint64_t seq;
    TaskId task;
    bool operator<(const PriqKey& o) const {
      return vtime != o.vtime ? vtime < o.vtime : seq < o.seq;
    }
  };
  struct Dsq {
    u64 id = 0;
    int32_t local_cpu = -1;  // >= 0: the local DSQ of this CPU
    int32_t nr = 0;
    TaskId head = kNoTask, tail = kNoTask;  // FIFO order
    absl::btree_set<PriqKey> priq;          // vtime order
    uint64_t seq = 0;
    bool builtin() const { return id & SCX_DSQ_FLAG_BUILTIN; }
  };
  // Which callback is running: decides what inserts mean and which kfuncs are allowed.
  enum class Ctx : uint8_t { kNone, kSelectCpu, kEnqueue, kDispatch, kOther, kInit, kUnlocked };
  struct DispatchBufEntry {
    TaskId task;
    u64 dsq_id;
    u64 enq_flags;
  };
  struct PendingTimer {
    bpf_timer* timer = nullptr;
    int cpu = 0;
    EventHandle handle;
  };
  struct IterState {
    Dsq* dsq = nullptr;
    std::vector<TaskId> tasks;  // the DSQ's tasks when the iterator was created
    size_t pos = 0;
    TaskId current = kNoTask;
    u64 slice = 0, vtime = 0;
    bool set_slice = false, set_vtime = false;
  };

  // ABSL_ATTRIBUTE_ALWAYS_INLINE below marks parts cut out of one hot function to be read on
  // their own; they are inlined back into it (BM_Policy measured the difference).

  // ---- ext_class.cc: lifecycle, tasks, exits ----
  TaskId id_of(const task_struct* p) const;
  // Runs one ops callback `call` on `cpu` as `kind`: the call context, the callback counter and
  // the log line {"cb":"`cb`"`fields`} (formatted only with a log). Returns what `call` returns.
  // A fault in the policy's code (SIGSEGV, SIGFPE, ...) ends the call there and ejects the policy
  // with an error naming `cb` (PolicyFault); a value-returning callback then returns 0, which
  // nothing acts on once the ejection is pending.
  template <typename Call, typename... Args>
  auto Callback(const char* cb, int cpu, Ctx kind, Call&& call,
                const absl::FormatSpec<Args...>& fields, const Args&... args) {
    CallScope<Ctx> scope(cur_cpu_, ctx_kind_, cpu, kind);
    ++counters_.callbacks;
    if (opt_.log) LogCallback(cb, absl::StrFormat(fields, args...));
    using Result = decltype(call());
    // The callback's CPU time (cost.ext_callback_ns), charged as the call begins.
    if (callback_ns_ > 0) ctx_->ChargeCpu(cpu, callback_ns_);
    if (by_op_costs_) ctx_->ChargeCpu(cpu, ctx_->costs().ExtCallbackNs(cb));
    if constexpr (std::is_void_v<Result>) {
      if (std::optional<host::CallFault> f = host::RunGuarded(call)) PolicyFault(cb, *f);
    } else {
      Result result{};
      if (std::optional<host::CallFault> f = host::RunGuarded([&] { result = call(); }))
        PolicyFault(cb, *f);
      return result;
    }
  }
  // Ejects the policy for a fault in callback `cb`: SCX_EXIT_ERROR_BPF with the fault's report.
  ABSL_ATTRIBUTE_NOINLINE void PolicyFault(const char* cb, const host::CallFault& fault);
  void LogCallback(const char* cb, const std::string& fields);
  void Log(const char* what, const std::string& fields);
  // Every change of a task's state goes through here: checked against task_state.h's table
  // (one load and a test), aborting on a change the table does not allow.
  void SetState(TaskId t, ExtTaskState to) {
    ExtTask& e = et_[t];
    if (ABSL_PREDICT_FALSE(!TransitionAllowed(e.state, to))) TransitionFailed(t, to);
    e.state = to;
  }
  [[noreturn]] ABSL_ATTRIBUTE_NOINLINE void TransitionFailed(TaskId t, ExtTaskState to) const;
  bool OpsCpuValid(s32 cpu, const char* where);
  // Records the policy's exit (the first one wins); the ejection happens when the running
  // callback has returned (Eject), as the kernel processes exits asynchronously.
  void Error(int64_t kind, const std::string& msg);
  void Eject();
  absl::Status CheckOps();
  absl::Status LoadFailed(const std::string& why);
  void RunOpsInit();
  void SetUpCpus(const Topology& topo);
  void StartWatchdog();
  // check_hotplug_seq: the sequence the loader read at open (ops.hotplug_seq) is stale.
  void CheckHotplugSeq();
  void Watchdog();
  void InitTaskStruct(TaskId t);
  void Wakeup(TaskId t, u64 wake_flags, int call_cpu, u64 enq_flags);
  ABSL_ATTRIBUTE_ALWAYS_INLINE int SelectCpu(TaskId t, u64 wake_flags, int call_cpu);
  int FallbackCpu(TaskId t, int cpu);
  void StopRunning(TaskId t);  // a running task blocks or exits (on its own CPU)
  void QuitTask(TaskId t);     // disable + exit_task
  void CallInitTask(TaskId t, int cpu);
  // refill_task_slice_dfl: the slice the kernel gives a task it places itself.
  void RefillSliceDfl(task_struct* p) {
    p->scx.slice = SCX_SLICE_DFL;
    ++events_.SCX_EV_REFILL_SLICE_DFL;
  }
  bool Placed(TaskId t) const {
    return et_[t].state == ExtTaskState::kBpf || et_[t].dsq != nullptr;
  }

  // ---- exit_dump.cc: the debug dump of an error exit (scx_dump_state) ----
  void WriteDump();
  void DumpCpu(int cpu, std::string* out);
  void DumpTask(TaskId t, char marker, std::string* out);
  // Runs one dump callback with scx_bpf_dump() writing into `out`, each line after `prefix`.
  void RunDumpOp(const char* cb, Ctx kind, std::string* out, const char* prefix,
                 const std::function<void()>& call, const std::string& fields);
  void FlushDumpLine();
  void PutDump(std::string* out, const std::string& line);
  scx_dump_ctx DumpCtx() const;

  // ---- task_change.cc: property changes (affinity, weight) ----
  void SyncTaskProperties(TaskId t);
  bool MigrateOff(int cpu, TaskId prev);
  // The kernel takes a task off and puts it back one way for every property change
  // (sched_change_begin/sched_change_end: affinity, nice, cgroup move) and takes a blocking task
  // off the same way (dequeue_task_scx with DEQUEUE_SLEEP), so the ext class does too: these two
  // are the only place the callbacks around it, and the flags they see, are decided.
  // The core scheduler's queue flags (kernel/sched/sched.h), handed to the policy unchanged:
  // ops.dequeue and ops.quiescent get the DEQUEUE_* ones (plus SCX_DEQ_SCHED_CHANGE when it is
  // not a sleep), ops.runnable and ops.enqueue the ENQUEUE_* ones. sched_change_begin adds
  // NOCLOCK to every change (it updates the rq clock once) and sched_change_end does the same.
  static constexpr u64 kDequeueSave = 0x02;     // = ENQUEUE_RESTORE
  static constexpr u64 kDequeueMove = 0x04;     // = ENQUEUE_MOVE
  static constexpr u64 kDequeueNoclock = 0x08;  // = ENQUEUE_NOCLOCK
  static constexpr u64 kEnqueueRestore = 0x02;
  static constexpr u64 kEnqueueMove = 0x04;
  static constexpr u64 kEnqueueNoclock = 0x08;
  // What BeginChange found: sched_change_ctx's queued (on a DSQ, in the policy or in transit)
  // and running.
  struct ChangeScope {
    bool queued = false;
    bool running = false;
    int cpu = -1;  // the task's CPU when the change began: the callbacks' CPU
  };
  // dequeue_task_scx(deq_flags), then put_prev for a running task: a queued task leaves its
  // queue (ops.dequeue if the policy holds it), a running one stops (ops.stopping(false): the
  // kernel calls it from the dequeue, so put_prev has nothing left to say), then ops.quiescent.
  // A blocked task is left alone. A running task keeps its state (it stays on its CPU).
  ChangeScope BeginChange(TaskId t, u64 deq_flags);
  // enqueue_task_scx(enq_flags), then set_next for a running task: ops.runnable, then a queued
  // task goes through ops.enqueue again (on a CPU it allows), a running one runs on
  // (ops.running: the kernel restores it straight to its local DSQ, without ops.enqueue).
  void EndChange(TaskId t, const ChangeScope& scope, u64 enq_flags);

  // ---- dispatch_queues.cc: DSQs, enqueueing, dispatching ----
  // The one DSQ-id resolver: LOCAL is `local_cpu`'s, LOCAL_ON|cpu that CPU's (if it exists),
  // GLOBAL, or a user DSQ; nullptr if there is no such DSQ.
  Dsq* ResolveDsq(u64 dsq_id, int local_cpu) {
    if (dsq_id == SCX_DSQ_LOCAL) return local_[local_cpu].get();
    if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
      const u64 cpu = dsq_id & SCX_DSQ_LOCAL_CPU_MASK;
      return cpu < static_cast<u64>(nr_cpus_) ? local_[cpu].get() : nullptr;
    }
    if (dsq_id == SCX_DSQ_GLOBAL) return &global_;
    return FindUserDsq(dsq_id);
  }
  Dsq* FindUserDsq(u64 dsq_id);
  Dsq* FindDsqForDispatch(int rq_cpu, u64 dsq_id, TaskId t);
  void EnqueueTask(TaskId t, u64 enq_flags, int call_cpu);  // do_enqueue_task
  void DirectDispatch(TaskId t, u64 enq_flags);
  void DispatchEnqueue(Dsq* dsq, TaskId t, u64 enq_flags);
  ABSL_ATTRIBUTE_ALWAYS_INLINE void LeaveCustody(TaskId t, const Dsq& dsq);
  ABSL_ATTRIBUTE_ALWAYS_INLINE void LinkIntoDsq(Dsq* dsq, TaskId t, u64 enq_flags);
  ABSL_ATTRIBUTE_ALWAYS_INLINE void PreemptForLocal(const Dsq& dsq, TaskId t, u64 enq_flags);
  void DispatchToLocalDsq(Dsq* dst, TaskId t, u64 enq_flags);
  void MoveToDsq(Dsq* dst, TaskId t, u64 enq_flags);
  void DsqRemove(TaskId t);
  TaskId DsqFirst(const Dsq& dsq) const;
  TaskId DsqNextOf(const Dsq& dsq, TaskId t) const;
  bool ConsumeDsq(int cpu, Dsq* dsq);
  void FlushDispatchBuf(int cpu);
  void InsertPreamble(task_struct* p, u64 slice);
  void Commit(task_struct* p, u64 dsq_id, u64 enq_flags);
  bool KfAllowed(Ctx a, Ctx b, Ctx c, const char* kfunc);

  // ---- balance_pick.cc: the CPU side ----
  bool Balance(int cpu, TaskId prev, TaskId on_cpu);
  ABSL_ATTRIBUTE_ALWAYS_INLINE void RunDispatch(int cpu, TaskId on_cpu);
  ABSL_ATTRIBUTE_ALWAYS_INLINE void PutPrev(int cpu, TaskId prev, TaskId next);
  ABSL_ATTRIBUTE_ALWAYS_INLINE void SetNext(int cpu, TaskId next);
  TaskId EjectedWhileSwitching(TaskId prev, TaskId next);
  void ChargeSlice(TaskId t);

  // ---- ext_idle.cc: idle tracking and the default CPU selection ----
  void SetIdle(int cpu, bool idle);
  bool BuiltinIdleTracked() const {
    return !ops_->update_idle || (ops_->flags & SCX_OPS_KEEP_BUILTIN_IDLE);
  }
  // Whether a kfunc may use the built-in idle tracking; if not, the policy errs.
  bool BuiltinIdleEnabled() { return BuiltinIdleTracked() || BuiltinIdleDisabledError(); }
  bool BuiltinIdleDisabledError();
  bool TestAndClearIdle(int cpu);
  bool AnyIdle() const;
  int AnyAndDistribute(const cpumask& a, const cpumask* b, const cpumask* c);
  s32 PickIdleIn(const cpumask* within, const cpumask* allowed, u64 flags);
  s32 SelectCpuImpl(task_struct* p, s32 prev_cpu, u64 wake_flags, const cpumask* allowed,
                    u64 flags);
  const cpumask* NodeMask(const cpumask& all, int node);

  // ---- host_api_table.cc, kfuncs.cc ----
  void FillApi(scxtwin_host_api* api);
  void FireTimer(uint64_t slot);

  // ---- cgroups.cc ----
  void BuildCgroups(const std::vector<Cgroup>& spec);  // at Init, from ctx->cgroups()
  void InitCgroups();  // after ops.init: ops.cgroup_init for each, parents first
  void ExitCgroups();  // at ejection: ops.cgroup_exit for each initialised one, children first
  std::string Path(const ExtCgroup& c) const;
  // Puts task t in cgroup `cgroup` (an index of cgroups_): the class's record and the task's
  // task_struct.cgroups.
  void SetTaskCgroup(TaskId t, int32_t cgroup);

  ExtPolicyBinding policy_;
  // The run's cgroups ([0] the root, kernfs id i + 1 for index i): ops.cgroup_init sees each
  // after ops.init, ops.cgroup_exit when the policy goes.
  std::deque<ExtCgroup> cgroups_;
  sched_ext_ops* ops_ = nullptr;
  ExtOptions opt_;
  SchedContext* ctx_ = nullptr;
  SimDuration callback_ns_ = 0;  // cost.ext_callback_ns, read at Init (without per-op costs)
  bool by_op_costs_ = false;     // cost.ext_callback_ns.<op> set: each callback its own cost
  int nr_cpus_ = 0;
  std::deque<task_struct> ts_;  // indexed by TaskId; stable addresses
  std::deque<ExtTask> et_;
  std::vector<std::unique_ptr<Dsq>> local_;  // per CPU
  Dsq global_;
  absl::flat_hash_map<u64, std::unique_ptr<Dsq>> user_dsqs_;
  cpumask idle_cpus_{}, idle_smts_{}, possible_{};
  std::vector<bool> cpu_idle_notified_;  // last update_idle state reported
  std::vector<bool> in_balance_;
  // The CPU whose prev is being put back at a pick (-1: none), and whether an SCX_KICK_IDLE of
  // that CPU came meanwhile: the kernel's kick runs after the switch, so it wakes the CPU if the
  // pick left it idle (ops.enqueue with SCX_ENQ_LAST inserting elsewhere and kicking).
  int put_prev_cpu_ = -1;
  bool idle_kick_during_put_prev_ = false;
  std::vector<DispatchBufEntry> dispatch_buf_;
  int dispatch_cpu_ = -1;
  int32_t dispatch_nr_tasks_ = 0;  // inserts during one ops.dispatch call
  Ctx ctx_kind_ = Ctx::kNone;
  TaskId ddsp_task_ = kNoTask;  // the task select_cpu/enqueue may direct-dispatch
  bool ddsp_used_ = false;
  int cur_cpu_ = 0;
  uint64_t seq_ = 0;
  int64_t nr_queued_ = 0;
  u32 timeout_ms_ = 0;
  EventHandle watchdog_;
  std::vector<int> rotor_;           // per calling CPU: cpumask_any_and_distribute's last pick
  std::deque<task_struct> idle_ts_;  // per CPU: the idle task (pid 0) scx_bpf_cpu_curr returns
  std::vector<cpumask> llc_masks_, node_masks_;
  cpumask empty_{};
  int mask_words_ = 0;
  bool smt_active_ = false;
  u32 max_batch_ = 32;
  std::vector<PendingTimer> timers_;               // OnTimer cookie = slot + 1 (0 is the watchdog)
  std::vector<std::function<void()>> user_calls_;  // cookie = kUserCallBit | index
  static constexpr uint64_t kUserCallBit = uint64_t{1} << 63;
  std::vector<std::pair<SimTime, size_t>> user_call_times_;  // queued before the run started
  absl::flat_hash_map<const void*, IterState> iters_;
  std::vector<cpumask> node_scratch_;
  uint64_t rng_[4] = {0, 0, 0, 0};
  ExtExit exit_;
  bool exit_pending_ = false;  // an error was recorded inside a callback; eject after it
  bool exited_ = false;        // ops.exit has run
  bool init_done_ = false;
  bool finishing_ = false;  // the run is over: the exit is not a failure of the run
  ExtCounters counters_;
  scx_event_stats events_{};
  // While a dump callback runs: where scx_bpf_dump's lines go (nullptr: none runs), their
  // prefix, the line being written, and whether a line was flushed yet (the first gets a blank
  // line before it). The dump's size bound: appending stops once it is reached.
  std::string* dump_out_ = nullptr;
  const char* dump_prefix_ = "";
  std::string dump_line_;
  bool dump_first_ = true;
  size_t dump_limit_ = 0;
  std::vector<TaskId> limbo_;  // runnable tasks caught mid-enqueue by the ejection
  scxtwin_host_api api_{};
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_EXT_EXT_CLASS_H_
