// The ext class's lifecycle (kernel/sched/ext.c): attaching the policy (ops.init and the checks
// of its ops), a task's life in it (init_task, enable, wakeup, block, exit, disable), user-space
// calls, the watchdog, and the exits that eject the policy.
#include "sim/ext/ext_class.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/core/json.h"
#include "sim/engine/rng.h"

namespace scxtwin::sim {
namespace {

constexpr u32 kDefaultDispatchBatch = 32;     // SCX_DSP_DFL_MAX_BATCH
constexpr u32 kWatchdogMaxTimeoutMs = 30000;  // SCX_WATCHDOG_MAX_TIMEOUT (30 s)
constexpr uint32_t kPfIdle = 0x00000002;      // PF_IDLE

// Reasons ops.exit reports, per exit kind (kernel/sched/ext.c scx_exit_reason()).
const char* ExitReason(int64_t kind) {
  switch (kind) {
    case SCX_EXIT_UNREG:
      return "unregistered from user space";
    case SCX_EXIT_UNREG_BPF:
      return "unregistered from BPF";
    case SCX_EXIT_UNREG_KERN:
      return "unregistered from the main kernel";
    case SCX_EXIT_SYSRQ:
      return "disabled by sysrq-S";
    case SCX_EXIT_ERROR:
      return "runtime error";
    case SCX_EXIT_ERROR_BPF:
      return "scx_bpf_error";
    case SCX_EXIT_ERROR_STALL:
      return "runnable task stall";
    default:
      return "<UNKNOWN>";
  }
}

inline void MaskSetBit(cpumask& m, int cpu) { m.bits[cpu / 64] |= 1UL << (cpu % 64); }

}  // namespace

ExtClass::ExtClass(ExtPolicyBinding policy, ExtOptions options)
    : policy_(std::move(policy)), ops_(policy_.ops), opt_(options) {}

ExtClass::~ExtClass() = default;

std::string ExtClass::name() const { return absl::StrCat("ext:", ops_ ? ops_->name : "?"); }

void ExtClass::Log(const char* what, const std::string& fields) {
  *opt_.log << "{\"t\":" << ctx_->now() << ",\"cpu\":" << cur_cpu_ << "," << what << fields
            << "}\n";
}

void ExtClass::LogCallback(const char* cb, const std::string& fields) {
  *opt_.log << "{\"t\":" << ctx_->now() << ",\"cpu\":" << cur_cpu_ << ",\"cb\":\"" << cb << "\""
            << fields << "}\n";
}

TaskId ExtClass::id_of(const task_struct* p) const {
  return static_cast<TaskId>(reinterpret_cast<intptr_t>(p->scxtwin_task)) - 1;
}

void ExtClass::Error(int64_t kind, const std::string& msg) {
  if (exit_.kind != 0) return;  // the first exit wins, as in scx_exit()
  exit_.kind = kind;
  exit_.reason = ExitReason(kind);
  exit_.msg = msg;
  exit_.cpu = cur_cpu_;
  exit_.time = ctx_->now();
  exit_pending_ = true;
  if (opt_.log) Log("\"exit\":", absl::StrFormat("%d,\"msg\":%s", kind, JsonString(msg)));
}

void ExtClass::PolicyFault(const char* cb, const host::CallFault& fault) {
  const std::string callback = std::strcmp(cb, "timer") == 0  ? "the bpf_timer callback"
                               : std::strcmp(cb, "user") == 0 ? "a program run from user space"
                                                              : absl::StrCat("ops.", cb);
  Error(SCX_EXIT_ERROR_BPF,
        host::FaultReport(callback, fault,
                          policy_.describe_fault ? policy_.describe_fault(fault) : ""));
}

void ExtClass::TransitionFailed(TaskId t, ExtTaskState to) const {
  AbortTransition(ts_[t].pid, ts_[t].comm, et_[t].state, to);
}

bool ExtClass::OpsCpuValid(s32 cpu, const char* where) {
  if (cpu >= 0 && cpu < nr_cpus_) return true;
  Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", cpu, where ? " " : "", where ? where : ""));
  return false;
}

void ExtClass::Eject() {
  if (exited_ || !exit_pending_) return;
  exit_pending_ = false;
  exited_ = true;
  // An error exit first writes the debug dump, with the tasks still where the error found them
  // (scx_error_irq_workfn runs scx_dump_state before the disable work).
  if (exit_.kind >= SCX_EXIT_ERROR) WriteDump();
  // Every task leaves the policy (scx_disable_workfn: disable + exit_task each), then ops.exit.
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) QuitTask(t);
  ExitCgroups();
  if (ops_->exit) {
    scx_exit_info ei{};
    ei.kind = static_cast<scx_exit_kind>(exit_.kind);
    ei.exit_code = exit_.exit_code;
    ei.exit_cpu = exit_.cpu;
    ei.reason = exit_.reason.c_str();
    std::string msg = exit_.msg;
    ei.msg = msg.data();
    std::string dump = exit_.dump;  // empty (the kernel's zeroed buffer) unless an error's dump
    ei.dump = dump.data();
    Callback(
        "exit", 0, Ctx::kInit, [&] { ops_->exit(&ei); }, ",\"kind\":%d", exit_.kind);
  }
  if (ctx_ && !finishing_) {
    ctx_->Detach(absl::StrFormat("policy %s exited: %s (kind %d, %s)%s%s", ops_->name, exit_.reason,
                                 exit_.kind, ExitReason(exit_.kind), exit_.msg.empty() ? "" : ": ",
                                 exit_.msg));
  }
}

// ---------------------------------------------------------------------------------------------
// Attaching the policy.

absl::Status ExtClass::Init(SchedContext* ctx) {
  ctx_ = ctx;
  by_op_costs_ = !ctx->costs().ext_callback_ns_by_op.empty();
  callback_ns_ = by_op_costs_ ? 0 : ctx->costs().ext_callback_ns;
  const Topology& topo = ctx->topology();
  nr_cpus_ = topo.nr_cpus();
  if (!ops_) return absl::InvalidArgumentError("ext class: no sched_ext_ops");
  if (nr_cpus_ > SCXTWIN_MAX_CPUS) {
    return absl::InvalidArgumentError(
        absl::StrCat("ext class: ", nr_cpus_, " CPUs; host mode supports ", SCXTWIN_MAX_CPUS));
  }
  SeedStream(rng_, opt_.seed, 0x5c7e, 0);
  SetUpCpus(topo);
  BuildCgroups(ctx->cgroups());
  FillApi(&api_);
  policy_.install_api(api_);
  if (policy_.before_attach) {
    if (absl::Status s = policy_.before_attach(); !s.ok()) return s;
  }
  if (absl::Status s = CheckOps(); !s.ok()) return s;
  timeout_ms_ = ops_->timeout_ms ? ops_->timeout_ms : kWatchdogMaxTimeoutMs;
  max_batch_ = ops_->dispatch_max_batch ? ops_->dispatch_max_batch : kDefaultDispatchBatch;
  RunOpsInit();
  if (exit_pending_) {
    Eject();
    return absl::OkStatus();
  }
  // Online CPUs start idle; CPUs offline from the start never are.
  for (int c = 0; c < nr_cpus_; ++c) {
    if (!ctx_->cpu_online(c)) SetIdle(c, false);
  }
  CheckHotplugSeq();
  if (exit_pending_) {
    Eject();
    return absl::OkStatus();
  }
  StartWatchdog();
  // scx_enable() ends by rescheduling every CPU (scx_bypass(false)): an idle one goes through
  // balance once, so ops.dispatch(cpu, NULL) sees each idle CPU. A policy that tracks idle CPUs
  // itself (ops.update_idle, built-in tracking off) learns the CPUs idle since before it
  // attached only there (scx_qmap): no update_idle is due for a CPU that stays idle. Only those
  // policies get this pass; the others' runs stay as they were, and scx_pair, which reads the
  // clock in that dispatch, would see 0 where a kernel's clock has run since boot
  // (sim/host/README.md).
  if (!BuiltinIdleTracked()) {
    for (int cpu = 0; cpu < nr_cpus_; ++cpu) {
      if (ctx_->curr(cpu) == kNoTask) ctx_->Resched(cpu);
    }
  }
  for (const auto& [at, index] : user_call_times_) ctx_->StartTimer(at, kUserCallBit | index);
  user_call_times_.clear();
  return absl::OkStatus();
}

// The local DSQs, the idle masks (every CPU idle), the idle tasks and the topology's masks.
void ExtClass::SetUpCpus(const Topology& topo) {
  for (int c = 0; c < nr_cpus_; ++c) {
    auto d = std::make_unique<Dsq>();
    d->id = SCX_DSQ_LOCAL_ON | static_cast<u64>(c);
    d->local_cpu = c;
    local_.push_back(std::move(d));
    MaskSetBit(idle_cpus_, c);
    MaskSetBit(idle_smts_, c);
    MaskSetBit(possible_, c);
  }
  global_.id = SCX_DSQ_GLOBAL;
  cpu_idle_notified_.assign(nr_cpus_, true);
  in_balance_.assign(nr_cpus_, false);
  rotor_.assign(nr_cpus_, -1);
  for (int c = 0; c < nr_cpus_; ++c) {
    idle_ts_.emplace_back();
    task_struct& it = idle_ts_.back();
    it.flags = kPfIdle;
    it.pid = 0;
    absl::SNPrintF(it.comm, sizeof(it.comm), "swapper/%d", c);
  }
  for (int l = 0; l < topo.nr_llcs(); ++l) llc_masks_.emplace_back();
  for (int n = 0; n < topo.nr_nodes(); ++n) node_masks_.emplace_back();
  for (int c = 0; c < nr_cpus_; ++c) {
    MaskSetBit(llc_masks_[topo.place(c).llc], c);
    MaskSetBit(node_masks_[topo.place(c).node], c);
  }
  mask_words_ = (nr_cpus_ + 63) / 64;
  smt_active_ = topo.smt() > 1;
}

// Checks of the struct_ops members at load (bpf_scx_init_member): the attach itself fails, no
// scheduler exists, ops.exit is not called.
absl::Status ExtClass::CheckOps() {
  if (ops_->name[0] == '\0') return LoadFailed("ops.name is empty");
  if (ops_->timeout_ms > kWatchdogMaxTimeoutMs) {
    return LoadFailed(absl::StrCat("timeout_ms ", ops_->timeout_ms, " exceeds the maximum ",
                                   kWatchdogMaxTimeoutMs));
  }
  if (ops_->flags & ~static_cast<u64>(SCX_OPS_ALL_FLAGS)) {
    return LoadFailed(absl::StrFormat("invalid ops flags 0x%x", ops_->flags));
  }
  return absl::OkStatus();
}

absl::Status ExtClass::LoadFailed(const std::string& why) {
  exit_.kind = SCX_EXIT_ERROR;
  exit_.reason = ExitReason(SCX_EXIT_ERROR);
  exit_.msg = why;
  exited_ = true;
  return absl::FailedPreconditionError(
      absl::StrCat("attaching policy '", ops_->name, "' failed: ", why));
}

// scx_enable(): ops.init, then validate_ops. A failure there happens after the scheduler exists:
// the attach succeeds and the scheduler exits at once through ops.exit (7.3), and every task
// stays with (or goes to) the fair class: the fallback, or the run ends.
void ExtClass::RunOpsInit() {
  init_done_ = true;
  if (ops_->init) {
    const s32 ret = Callback(
        "init", 0, Ctx::kInit, [&] { return ops_->init(); }, "");
    if (ret != 0 && !exit_pending_)
      Error(SCX_EXIT_ERROR, absl::StrCat("ops.init() failed (", ret, ")"));
  }
  // scx_cgroup_init(): every cgroup, parents first, with its weight.
  if (!exit_pending_) InitCgroups();
  if (!exit_pending_ && (ops_->flags & SCX_OPS_ENQ_LAST) && !ops_->enqueue) {
    Error(SCX_EXIT_ERROR, "SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented");
  }
  if (!exit_pending_ && (ops_->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE) && ops_->update_idle &&
      !(ops_->flags & SCX_OPS_KEEP_BUILTIN_IDLE)) {
    Error(SCX_EXIT_ERROR, "SCX_OPS_BUILTIN_IDLE_PER_NODE requires CPU idle selection enabled");
  }
}

// Tasks keep running after a mismatch until the exit is processed (the kernel's exit is
// asynchronous); here the policy is ejected once the attach is over.
void ExtClass::CheckHotplugSeq() {
  const u64 expected = ops_->hotplug_seq;
  const u64 actual = ctx_->hotplug_seq();
  if (expected == 0 || expected == actual) return;
  Error(SCX_EXIT_UNREG_KERN,
        absl::StrFormat("expected hotplug seq %u did not match actual %u", expected, actual));
  exit_.exit_code = SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG;
}

// handle_hotplug (kernel/sched/ext.c): ops.cpu_online/ops.cpu_offline if the policy has it,
// else the scheduler exits with SCX_EXIT_UNREG_KERN and a restart request; then, going offline,
// the tasks queued on the CPU's local DSQ move to a CPU they may run on and are enqueued again
// (migrate_tasks: ops.enqueue, no ops.runnable).
void ExtClass::CpuHotplug(int cpu, bool online) {
  if (exited_) return;
  void (*cb)(s32) = online ? ops_->cpu_online : ops_->cpu_offline;
  if (cb) {
    Callback(
        online ? "cpu_online" : "cpu_offline", cpu, Ctx::kUnlocked, [&] { cb(cpu); },
        ",\"target\":%d", cpu);
  } else {
    cur_cpu_ = cpu;
    Error(SCX_EXIT_UNREG_KERN, absl::StrFormat("cpu %d going %s, exiting scheduler", cpu,
                                               online ? "online" : "offline"));
    if (exit_.kind == SCX_EXIT_UNREG_KERN)
      exit_.exit_code = SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG;
  }
  // An online CPU comes up idle; an offline one is never idle.
  SetIdle(cpu, online);
  if (!online && !exit_pending_) {
    Dsq& local = *local_[cpu];
    while (!exit_pending_ && local.nr > 0) {
      const TaskId t = DsqFirst(local);
      DsqRemove(t);
      SetState(t, ExtTaskState::kReady);
      ctx_->SetTaskCpu(t, FallbackCpu(t, cpu));
      EnqueueTask(t, 0, cpu);
    }
  }
  Eject();
}

void ExtClass::StartWatchdog() {
  const SimDuration period = static_cast<SimDuration>(timeout_ms_) * kNsPerMs / 2;
  watchdog_ = ctx_->StartTimer(ctx_->now() + period, 0);
}

void ExtClass::OnTimer(uint64_t cookie) {
  if (exited_) return;
  if (cookie & kUserCallBit) {
    const size_t i = cookie & ~kUserCallBit;
    std::function<void()> fn = std::move(user_calls_[i]);
    user_calls_[i] = nullptr;
    {
      CallScope<Ctx> scope(cur_cpu_, ctx_kind_, 0, Ctx::kUnlocked);
      if (opt_.log) Log("\"user\":\"call\"", "");
      if (std::optional<host::CallFault> f = host::RunGuarded(fn)) PolicyFault("user", *f);
    }
    Eject();
    return;
  }
  if (cookie != 0) return FireTimer(cookie - 1);
  Watchdog();
}

// scx_watchdog_workfn -> check_rq_for_timeouts: a task runnable and not run for longer than the
// timeout ejects the policy.
void ExtClass::Watchdog() {
  const SimDuration timeout = static_cast<SimDuration>(timeout_ms_) * kNsPerMs;
  const SimTime now = ctx_->now();
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) {
    const ExtTask& e = et_[t];
    if (!ExtRunnable(e.state) || ctx_->task(t).state != TaskState::kRunnable) continue;
    if (now - e.runnable_at > timeout) {
      const Task& task = ctx_->task(t);
      const SimDuration late = now - e.runnable_at;
      cur_cpu_ = task.cpu;
      Error(SCX_EXIT_ERROR_STALL,
            absl::StrFormat("%s[%d] failed to run for %d.%03ds", ts_[t].comm, ts_[t].pid,
                            late / kNsPerSec, (late % kNsPerSec) / kNsPerMs));
      Eject();
      return;
    }
  }
  StartWatchdog();
}

void ExtClass::CallFromUserSpace(SimTime at, std::function<void()> fn) {
  user_calls_.push_back(std::move(fn));
  if (ctx_ && init_done_) {
    ctx_->StartTimer(at, kUserCallBit | (user_calls_.size() - 1));
  } else {
    user_call_times_.push_back({at, user_calls_.size() - 1});  // armed when the run starts
  }
}

void ExtClass::Finish() {
  if (exited_ || !ctx_) return;
  if (init_done_) {
    // The run ends like a loader detaching on SIGINT: unregistered from user space.
    finishing_ = true;
    Error(SCX_EXIT_UNREG, "");
  }
  Eject();
}

// ---------------------------------------------------------------------------------------------
// A task's life.

void ExtClass::InitTaskStruct(TaskId t) {
  while (static_cast<TaskId>(ts_.size()) <= t) {
    ts_.emplace_back();
    et_.emplace_back();
  }
  const Task& task = ctx_->task(t);
  task_struct& p = ts_[t];
  std::memset(&p, 0, sizeof(p));
  p.pid = task.pid;
  p.tgid = task.pid;
  p.scx.tid = static_cast<u64>(task.pid);  // never reused: a pid is a task's for the whole run
  std::string comm = task.name.substr(task.name.find('/') + 1);
  absl::SNPrintF(p.comm, sizeof(p.comm), "%s", comm);
  p.static_prio = 120 + task.nice;
  p.prio = p.normal_prio = p.static_prio;
  for (size_t w = 0; w < task.affinity.words().size() && w < sizeof(p.cpus_mask.bits) / 8; ++w) {
    p.cpus_mask.bits[w] = task.affinity.words()[w];
  }
  p.cpus_ptr = &p.cpus_mask;
  p.nr_cpus_allowed = task.nr_cpus_allowed;
  // The kernel's real_parent is never NULL: the forking task, or for a task the workload starts
  // the idle task (pid 0), whose children the kernel's first tasks are. Each task leads its own
  // thread group (tgid == pid).
  p.real_parent = task.parent != kNoTask && task.parent < t ? &ts_[task.parent] : &idle_ts_[0];
  p.group_leader = &p;
  p.scx.weight = std::max<u32>(1, (task.weight * 100 + 512) / 1024);  // sched_weight_to_cgroup
  p.scx.slice = SCX_SLICE_DFL;
  p.scx.dsq_vtime = 0;
  p.scx.ddsp_dsq_id = SCX_DSQ_INVALID;
  p.scx.sticky_cpu = -1;
  p.scx.holding_cpu = -1;
  p.scxtwin_task = reinterpret_cast<void*>(static_cast<intptr_t>(t) + 1);
  et_[t] = ExtTask{};
}

void ExtClass::TaskNew(TaskId t, TaskId parent) {
  if (exited_) {
    limbo_.push_back(t);  // the policy is gone; the fallback class takes it
    return;
  }
  InitTaskStruct(t);
  SetTaskCgroup(t, ctx_->task(t).cgroup);
  const int cpu = parent != kNoTask ? ctx_->task(parent).cpu : ctx_->task(t).cpu;
  task_struct* p = &ts_[t];
  CallInitTask(t, cpu);
  if (ops_->enable && !exit_pending_) {
    Callback(
        "enable", cpu, Ctx::kOther, [&] { ops_->enable(p); }, ",\"pid\":%d", p->pid);
  }
  // scx_enable_task: the policy learns the task's weight once it is enabled.
  if (ops_->set_weight && !exit_pending_) {
    Callback(
        "set_weight", cpu, Ctx::kOther, [&] { ops_->set_weight(p, p->scx.weight); },
        ",\"pid\":%d,\"weight\":%d", p->pid, p->scx.weight);
  }
  if (!exit_pending_) {
    SetState(t, ExtTaskState::kQuiescent);
    Wakeup(t, SCX_WAKE_FORK, cpu, 0);
  }
  if (exit_pending_ && !Placed(t)) limbo_.push_back(t);
  Eject();
}

void ExtClass::CallInitTask(TaskId t, int cpu) {
  if (!ops_->init_task) return;
  task_struct* p = &ts_[t];
  scx_init_task_args args{};
  args.fork = true;
  args.cgroup = &cgroups_[et_[t].cgroup].cg;
  Callback(
      "init_task", cpu, Ctx::kOther,
      [&] {
        const s32 ret = ops_->init_task(p, &args);
        if (ret != 0 && opt_.log)
          Log("\"note\":\"init_task failed; the fork proceeds\"",
              absl::StrFormat(",\"ret\":%d", ret));
      },
      ",\"pid\":%d,\"fork\":true", p->pid);
}

bool ExtClass::switch_partial() const { return (ops_->flags & SCX_OPS_SWITCH_PARTIAL) != 0; }

void ExtClass::InitForeignTask(TaskId t, TaskId parent) {
  if (exited_) return;
  InitTaskStruct(t);
  SetTaskCgroup(t, ctx_->task(t).cgroup);
  CallInitTask(t, parent != kNoTask ? ctx_->task(parent).cpu : ctx_->task(t).cpu);
  Eject();
}

void ExtClass::ExitForeignTask(TaskId t) {
  if (exited_ || t >= static_cast<TaskId>(ts_.size())) return;
  task_struct* p = &ts_[t];
  if (ops_->exit_task) {
    scx_exit_task_args args{};
    Callback(
        "exit_task", ctx_->task(t).cpu, Ctx::kOther, [&] { ops_->exit_task(p, &args); },
        ",\"pid\":%d", p->pid);
  }
  if (policy_.forget_task) policy_.forget_task(p);
  Eject();
}

void ExtClass::TaskWakeup(TaskId t, const WakeInfo& wake) {
  if (exited_) {
    limbo_.push_back(t);
    return;
  }
  const int cpu = wake.waker_cpu >= 0 ? wake.waker_cpu : ctx_->task(t).cpu;
  Wakeup(t, SCX_WAKE_TTWU | (wake.sync ? SCX_WAKE_SYNC : 0), cpu, SCX_ENQ_WAKEUP);
  if (exit_pending_ && !Placed(t)) limbo_.push_back(t);
  Eject();
}

// try_to_wake_up / wake_up_new_task: select_task_rq_scx, then enqueue_task_scx on that CPU,
// then wakeup_preempt (an idle CPU reschedules).
void ExtClass::Wakeup(TaskId t, u64 wake_flags, int call_cpu, u64 enq_flags) {
  const Task& task = ctx_->task(t);
  task_struct* p = &ts_[t];
  int cpu = task.cpu;
  if (task.nr_cpus_allowed > 1) {
    cpu = SelectCpu(t, wake_flags, call_cpu);
    if (!task.affinity.Test(cpu)) cpu = FallbackCpu(t, cpu);  // select_fallback_rq
    // enqueue_task_scx: the task lands elsewhere than ops.select_cpu said (an invalid or a
    // disallowed CPU).
    if (ops_->select_cpu && !exit_pending_ && cpu != p->scx.selected_cpu)
      ++events_.SCX_EV_SELECT_CPU_FALLBACK;
  } else {
    cpu = task.affinity.First();
  }
  if (exit_pending_) return;
  ctx_->SetTaskCpu(t, cpu);
  SetState(t, ExtTaskState::kReady);
  et_[t].runnable_at = ctx_->now();
  if (ops_->runnable) {
    Callback(
        "runnable", call_cpu, Ctx::kOther, [&] { ops_->runnable(p, enq_flags); },
        ",\"pid\":%d,\"enq_flags\":%d", p->pid, enq_flags);
  }
  if (exit_pending_) return;
  EnqueueTask(t, enq_flags, call_cpu);
  if (ctx_->curr(cpu) == kNoTask) ctx_->Resched(cpu);
}

// select_task_rq_scx: ops.select_cpu, or the default selection (an idle CPU found by it gets
// the task directly).
int ExtClass::SelectCpu(TaskId t, u64 wake_flags, int call_cpu) {
  task_struct* p = &ts_[t];
  const int prev_cpu = ctx_->task(t).cpu;
  if (ops_->select_cpu) {
    ddsp_task_ = t;
    ddsp_used_ = false;
    const s32 ret = Callback(
        "select_cpu", call_cpu, Ctx::kSelectCpu,
        [&] { return ops_->select_cpu(p, prev_cpu, wake_flags); },
        ",\"pid\":%d,\"prev_cpu\":%d,\"wake_flags\":%d", p->pid, prev_cpu, wake_flags);
    ddsp_task_ = kNoTask;
    p->scx.selected_cpu = ret;
    return OpsCpuValid(ret, "from ops.select_cpu()") ? ret : prev_cpu;
  }
  CallScope<Ctx> scope(cur_cpu_, ctx_kind_, call_cpu, Ctx::kSelectCpu);
  const s32 idle = SelectCpuImpl(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
  if (idle < 0) return prev_cpu;
  RefillSliceDfl(p);
  ExtTask& e = et_[t];
  e.has_ddsp = true;
  e.ddsp_dsq_id = SCX_DSQ_LOCAL;
  e.ddsp_enq_flags = 0;
  return idle;
}

int ExtClass::FallbackCpu(TaskId t, int cpu) {
  const Task& task = ctx_->task(t);
  const Topology& topo = ctx_->topology();
  // Nearest allowed CPU: same node first (select_fallback_rq), else any.
  for (int c : topo.node_cpus(cpu)) {
    if (task.affinity.Test(c)) return c;
  }
  return task.affinity.First();
}

void ExtClass::TaskBlock(TaskId t, int cpu) {
  if (exited_) return;
  StopRunning(t);
  Eject();
}

// dequeue_task_scx(SLEEP) of the running task (BeginChange: stopping(false), then quiescent);
// it stays off its queue.
void ExtClass::StopRunning(TaskId t) {
  BeginChange(t, SCX_DEQ_SLEEP);
  SetState(t, ExtTaskState::kQuiescent);
}

void ExtClass::TaskExit(TaskId t, int cpu) {
  if (exited_) return;
  StopRunning(t);
  if (!exit_pending_) QuitTask(t);
  Eject();
}

// scx_disable_task (ops.disable) and scx_exit_task (ops.exit_task). A task the policy still
// queues or runs when it leaves keeps that state until the fallback class takes it.
void ExtClass::QuitTask(TaskId t) {
  ExtTask& e = et_[t];
  if (e.state == ExtTaskState::kDisabled) return;
  task_struct* p = &ts_[t];
  const int cpu = ctx_->task(t).cpu;
  if (ops_->disable) {
    Callback(
        "disable", cpu, Ctx::kOther, [&] { ops_->disable(p); }, ",\"pid\":%d", p->pid);
  }
  if (ops_->exit_task) {
    scx_exit_task_args args{};
    args.cancelled = false;
    Callback(
        "exit_task", cpu, Ctx::kOther, [&] { ops_->exit_task(p, &args); }, ",\"pid\":%d", p->pid);
  }
  if (e.state == ExtTaskState::kQuiescent) SetState(t, ExtTaskState::kDisabled);
  if (policy_.forget_task) policy_.forget_task(p);
}

}  // namespace scxtwin::sim
