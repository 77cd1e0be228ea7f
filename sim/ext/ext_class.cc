#include "sim/ext/ext_class.h"
#include "sim/core/json.h"
#include "sim/ext/call_scope.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/engine/rng.h"

namespace scxtwin::sim {
namespace {

constexpr u32 kDispatchMaxLoops = 32;          // SCX_DSP_MAX_LOOPS
constexpr u32 kDefaultDispatchBatch = 32;      // SCX_DSP_DFL_MAX_BATCH
constexpr u32 kWatchdogMaxTimeoutMs = 30000;   // SCX_WATCHDOG_MAX_TIMEOUT (30 s)
constexpr uint32_t kPfIdle = 0x00000002;       // PF_IDLE

// Reasons ops.exit reports, per exit kind (kernel/sched/ext.c scx_exit_reason()).
const char* ExitReason(int64_t kind) {
  switch (kind) {
    case SCX_EXIT_UNREG: return "unregistered from user space";
    case SCX_EXIT_UNREG_BPF: return "unregistered from BPF";
    case SCX_EXIT_UNREG_KERN: return "unregistered from the main kernel";
    case SCX_EXIT_SYSRQ: return "disabled by sysrq-S";
    case SCX_EXIT_ERROR: return "runtime error";
    case SCX_EXIT_ERROR_BPF: return "scx_bpf_error";
    case SCX_EXIT_ERROR_STALL: return "runnable task stall";
    default: return "<UNKNOWN>";
  }
}

inline bool MaskTest(const cpumask& m, int cpu) {
  return (m.bits[cpu / 64] >> (cpu % 64)) & 1;
}
inline void MaskSet(cpumask& m, int cpu) { m.bits[cpu / 64] |= 1UL << (cpu % 64); }
inline void MaskClear(cpumask& m, int cpu) { m.bits[cpu / 64] &= ~(1UL << (cpu % 64)); }

}  // namespace

#define EXT_SCOPE(cpu, kind)                                                        \
  CallScope scope_##__LINE__(cur_cpu_, reinterpret_cast<uint8_t&>(ctx_kind_), (cpu), \
                             static_cast<uint8_t>(kind))

ExtClass::ExtClass(ExtPolicyBinding policy, ExtOptions options)
    : policy_(std::move(policy)), ops_(policy_.ops), opt_(options) {}

ExtClass::~ExtClass() = default;

std::string ExtClass::name() const { return absl::StrCat("ext:", ops_ ? ops_->name : "?"); }

void ExtClass::Log(const char* what, const std::string& fields) {
  *opt_.log << "{\"t\":" << ctx_->now() << ",\"cpu\":" << cur_cpu_ << "," << what << fields << "}\n";
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

bool ExtClass::OpsCpuValid(s32 cpu, const char* where) {
  if (cpu >= 0 && cpu < nr_cpus_) return true;
  Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", cpu, where ? " " : "", where ? where : ""));
  return false;
}

void ExtClass::Eject() {
  if (exited_ || !exit_pending_) return;
  exit_pending_ = false;
  exited_ = true;
  // Every task leaves the policy (scx_disable_workfn: disable + exit_task each), then ops.exit.
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) {
    if (et_[t].enabled) QuitTask(t);
  }
  if (ops_->exit) {
    scx_exit_info ei{};
    ei.kind = static_cast<scx_exit_kind>(exit_.kind);
    ei.exit_code = exit_.exit_code;
    ei.exit_cpu = exit_.cpu;
    ei.reason = exit_.reason.c_str();
    std::string msg = exit_.msg;
    ei.msg = msg.data();
    EXT_SCOPE(0, Ctx::kInit);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"exit\"", absl::StrFormat(",\"kind\":%d", exit_.kind));
    ops_->exit(&ei);
  }
  if (ctx_ && !finishing_) {
    ctx_->Detach(absl::StrFormat("policy %s exited: %s (kind %d, %s)%s%s", ops_->name, exit_.reason,
                               exit_.kind, ExitReason(exit_.kind), exit_.msg.empty() ? "" : ": ",
                               exit_.msg));
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up and tasks.

absl::Status ExtClass::Init(SchedContext* ctx) {
  ctx_ = ctx;
  const Topology& topo = ctx->topology();
  nr_cpus_ = topo.nr_cpus();
  if (!ops_) return absl::InvalidArgumentError("ext class: no sched_ext_ops");
  if (nr_cpus_ > SCXTWIN_MAX_CPUS) {
    return absl::InvalidArgumentError(absl::StrCat("ext class: ", nr_cpus_, " CPUs; host mode supports ", SCXTWIN_MAX_CPUS));
  }
  SeedStream(rng_, opt_.seed, 0x5c7e, 0);
  for (int c = 0; c < nr_cpus_; ++c) {
    auto d = std::make_unique<Dsq>();
    d->id = SCX_DSQ_LOCAL_ON | static_cast<u64>(c);
    d->local_cpu = c;
    local_.push_back(std::move(d));
    MaskSet(idle_cpus_, c);
    MaskSet(idle_smts_, c);
    MaskSet(possible_, c);
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
    MaskSet(llc_masks_[topo.place(c).llc], c);
    MaskSet(node_masks_[topo.place(c).node], c);
  }
  mask_words_ = (nr_cpus_ + 63) / 64;
  smt_active_ = topo.smt() > 1;

  FillApi(&api_);
  policy_.install_api(api_);

  // Checks of the struct_ops members at load (bpf_scx_init_member): the attach itself fails,
  // no scheduler exists, ops.exit is not called.
  auto load_fail = [&](const std::string& why) {
    exit_.kind = SCX_EXIT_ERROR;
    exit_.reason = ExitReason(SCX_EXIT_ERROR);
    exit_.msg = why;
    exited_ = true;
    return absl::FailedPreconditionError(absl::StrCat("attaching policy '", ops_->name, "' failed: ", why));
  };
  if (ops_->name[0] == '\0') return load_fail("ops.name is empty");
  if (ops_->timeout_ms > kWatchdogMaxTimeoutMs) {
    return load_fail(absl::StrCat("timeout_ms ", ops_->timeout_ms, " exceeds the maximum ", kWatchdogMaxTimeoutMs));
  }
  if (ops_->flags & ~static_cast<u64>(SCX_OPS_ALL_FLAGS)) {
    return load_fail(absl::StrFormat("invalid ops flags 0x%x", ops_->flags));
  }
  timeout_ms_ = ops_->timeout_ms ? ops_->timeout_ms : kWatchdogMaxTimeoutMs;
  max_batch_ = ops_->dispatch_max_batch ? ops_->dispatch_max_batch : kDefaultDispatchBatch;
  // scx_enable(): ops.init, then validate_ops. A failure there happens after the scheduler
  // exists: the attach succeeds and the scheduler exits at once through ops.exit (7.3), and
  // every task stays with (or goes to) the fair class: the fallback, or the run ends.
  init_done_ = true;
  if (ops_->init) {
    s32 ret;
    {
      EXT_SCOPE(0, Ctx::kInit);
      ++counters_.callbacks;
      if (opt_.log) Log("\"cb\":\"init\"", "");
      ret = ops_->init();
    }
    if (ret != 0 && !exit_pending_) Error(SCX_EXIT_ERROR, absl::StrCat("ops.init() failed (", ret, ")"));
  }
  if (!exit_pending_ && (ops_->flags & SCX_OPS_ENQ_LAST) && !ops_->enqueue) {
    Error(SCX_EXIT_ERROR, "SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented");
  }
  if (!exit_pending_ && (ops_->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE) && ops_->update_idle &&
      !(ops_->flags & SCX_OPS_KEEP_BUILTIN_IDLE)) {
    Error(SCX_EXIT_ERROR, "SCX_OPS_BUILTIN_IDLE_PER_NODE requires CPU idle selection enabled");
  }
  if (exit_pending_) {
    Eject();
    return absl::OkStatus();
  }
  StartWatchdog();
  for (const auto& [at, index] : user_call_times_) ctx_->StartTimer(at, kUserCallBit | index);
  user_call_times_.clear();
  return absl::OkStatus();
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
      EXT_SCOPE(0, Ctx::kUnlocked);
      if (opt_.log) Log("\"user\":\"call\"", "");
      fn();
    }
    Eject();
    return;
  }
  if (cookie != 0) return FireTimer(cookie - 1);
  // The watchdog (scx_watchdog_workfn -> check_rq_for_timeouts): a task runnable and not run
  // for longer than the timeout ejects the policy.
  const SimDuration timeout = static_cast<SimDuration>(timeout_ms_) * kNsPerMs;
  const SimTime now = ctx_->now();
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) {
    const ExtTask& e = et_[t];
    if (!e.queued || ctx_->task(t).state != TaskState::kRunnable) continue;
    if (now - e.runnable_at > timeout) {
      const Task& task = ctx_->task(t);
      const SimDuration late = now - e.runnable_at;
      cur_cpu_ = task.cpu;
      Error(SCX_EXIT_ERROR_STALL, absl::StrFormat("%s[%d] failed to run for %d.%03ds", ts_[t].comm, ts_[t].pid,
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
  std::string comm = task.name.substr(task.name.find('/') + 1);
  absl::SNPrintF(p.comm, sizeof(p.comm), "%s", comm);
  p.static_prio = 120 + task.nice;
  p.prio = p.normal_prio = p.static_prio;
  for (size_t w = 0; w < task.affinity.words().size() && w < sizeof(p.cpus_mask.bits) / 8; ++w) {
    p.cpus_mask.bits[w] = task.affinity.words()[w];
  }
  p.cpus_ptr = &p.cpus_mask;
  p.nr_cpus_allowed = task.nr_cpus_allowed;
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
  const int cpu = parent != kNoTask ? ctx_->task(parent).cpu : ctx_->task(t).cpu;
  task_struct* p = &ts_[t];
  if (ops_->init_task) {
    scx_init_task_args args{};
    args.fork = true;
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"init_task\"", absl::StrFormat(",\"pid\":%d,\"fork\":true", p->pid));
    const s32 ret = ops_->init_task(p, &args);
    if (ret != 0 && opt_.log) Log("\"note\":\"init_task failed; the fork proceeds\"", absl::StrFormat(",\"ret\":%d", ret));
  }
  if (ops_->enable && !exit_pending_) {
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"enable\"", absl::StrFormat(",\"pid\":%d", p->pid));
    ops_->enable(p);
  }
  if (!exit_pending_) {
    et_[t].enabled = true;
    Wakeup(t, SCX_WAKE_FORK, cpu, 0);
  }
  if (exit_pending_ && !Placed(t)) limbo_.push_back(t);
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
  ExtTask& e = et_[t];
  const int prev_cpu = task.cpu;
  int cpu = prev_cpu;
  if (task.nr_cpus_allowed > 1) {
    if (ops_->select_cpu) {
      s32 ret;
      {
        EXT_SCOPE(call_cpu, Ctx::kSelectCpu);
        ddsp_task_ = t;
        ddsp_used_ = false;
        ++counters_.callbacks;
        if (opt_.log) Log("\"cb\":\"select_cpu\"", absl::StrFormat(",\"pid\":%d,\"prev_cpu\":%d,\"wake_flags\":%d", p->pid, prev_cpu, wake_flags));
        ret = ops_->select_cpu(p, prev_cpu, wake_flags);
        ddsp_task_ = kNoTask;
      }
      p->scx.selected_cpu = ret;
      cpu = OpsCpuValid(ret, "from ops.select_cpu()") ? ret : prev_cpu;
    } else {
      EXT_SCOPE(call_cpu, Ctx::kSelectCpu);
      const s32 idle = SelectCpuImpl(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
      if (idle >= 0) {
        // No ops.select_cpu: an idle CPU found by the default selection gets the task directly.
        p->scx.slice = SCX_SLICE_DFL;
        e.has_ddsp = true;
        e.ddsp_dsq_id = SCX_DSQ_LOCAL;
        e.ddsp_enq_flags = 0;
        cpu = idle;
      }
    }
    if (!task.affinity.Test(cpu)) cpu = FallbackCpu(t, cpu);  // select_fallback_rq
  } else {
    cpu = task.affinity.First();
  }
  if (exit_pending_) return;
  ctx_->SetTaskCpu(t, cpu);
  e.queued = true;
  e.runnable_at = ctx_->now();
  if (ops_->runnable) {
    EXT_SCOPE(call_cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"runnable\"", absl::StrFormat(",\"pid\":%d,\"enq_flags\":%d", p->pid, enq_flags));
    ops_->runnable(p, enq_flags);
  }
  if (exit_pending_) return;
  EnqueueTask(t, enq_flags, call_cpu);
  if (ctx_->curr(cpu) == kNoTask) ctx_->Resched(cpu);
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
  StopRunning(t, cpu);
  Eject();
}

// dequeue_task_scx(SLEEP) of the running task: stopping(false), then quiescent.
void ExtClass::StopRunning(TaskId t, int cpu) {
  task_struct* p = &ts_[t];
  ctx_->UpdateCurr(cpu);
  ChargeSlice(t);
  if (ops_->stopping) {
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"stopping\"", absl::StrFormat(",\"pid\":%d,\"runnable\":false", p->pid));
    ops_->stopping(p, false);
  }
  if (ops_->quiescent) {
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"quiescent\"", absl::StrFormat(",\"pid\":%d,\"deq_flags\":%d", p->pid, SCX_DEQ_SLEEP));
    ops_->quiescent(p, SCX_DEQ_SLEEP);
  }
  et_[t].queued = false;
}

void ExtClass::TaskExit(TaskId t, int cpu) {
  if (exited_) return;
  StopRunning(t, cpu);
  if (!exit_pending_) QuitTask(t);
  Eject();
}

void ExtClass::QuitTask(TaskId t) {
  ExtTask& e = et_[t];
  if (!e.enabled) return;
  task_struct* p = &ts_[t];
  const int cpu = ctx_->task(t).cpu;
  if (ops_->disable) {
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"disable\"", absl::StrFormat(",\"pid\":%d", p->pid));
    ops_->disable(p);
  }
  if (ops_->exit_task) {
    scx_exit_task_args args{};
    args.cancelled = false;
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"exit_task\"", absl::StrFormat(",\"pid\":%d", p->pid));
    ops_->exit_task(p, &args);
  }
  e.enabled = false;
  if (policy_.forget_task) policy_.forget_task(p);
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
// Enqueueing and DSQs.

// do_enqueue_task: a pending direct dispatch, else ops.enqueue, else the global DSQ.
void ExtClass::EnqueueTask(TaskId t, u64 enq_flags, int call_cpu) {
  ExtTask& e = et_[t];
  task_struct* p = &ts_[t];
  if (e.has_ddsp) return DirectDispatch(t, enq_flags);
  if (!ops_->enqueue) {
    p->scx.slice = SCX_SLICE_DFL;
    DispatchEnqueue(&global_, t, enq_flags);
    return;
  }
  {
    EXT_SCOPE(call_cpu, Ctx::kEnqueue);
    ddsp_task_ = t;
    ddsp_used_ = false;
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"enqueue\"", absl::StrFormat(",\"pid\":%d,\"enq_flags\":%d", p->pid, enq_flags));
    ops_->enqueue(p, enq_flags);
    ddsp_task_ = kNoTask;
  }
  if (e.has_ddsp) return DirectDispatch(t, enq_flags);
  e.custody = Custody::kBpf;
  e.in_custody = true;
  ++nr_queued_;
}

void ExtClass::DirectDispatch(TaskId t, u64 enq_flags) {
  ExtTask& e = et_[t];
  e.has_ddsp = false;
  ++counters_.direct_dispatches;
  const u64 flags = enq_flags | e.ddsp_enq_flags;
  const int rq = ctx_->task(t).cpu;
  Dsq* dsq = FindDsqForDispatch(rq, e.ddsp_dsq_id, t);
  ts_[t].scx.ddsp_dsq_id = SCX_DSQ_INVALID;
  if (dsq->local_cpu >= 0 && dsq->local_cpu != rq) {
    DispatchToLocalDsq(dsq, t, flags);
  } else {
    DispatchEnqueue(dsq, t, flags);
  }
}

ExtClass::Dsq* ExtClass::FindUserDsq(u64 dsq_id) {
  auto it = user_dsqs_.find(dsq_id);
  return it == user_dsqs_.end() ? nullptr : it->second.get();
}

// find_dsq_for_dispatch: LOCAL is the given run queue's; bad ids are errors (global fallback).
ExtClass::Dsq* ExtClass::FindDsqForDispatch(int rq_cpu, u64 dsq_id, TaskId t) {
  if (dsq_id == SCX_DSQ_LOCAL) return local_[rq_cpu].get();
  if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
    const s64 cpu = static_cast<s64>(dsq_id & SCX_DSQ_LOCAL_CPU_MASK);
    if (!OpsCpuValid(static_cast<s32>(cpu >= nr_cpus_ ? -1 : cpu), "in SCX_DSQ_LOCAL_ON dispatch verdict")) {
      return &global_;
    }
    return local_[cpu].get();
  }
  if (dsq_id == SCX_DSQ_GLOBAL) return &global_;
  Dsq* dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? nullptr : FindUserDsq(dsq_id);
  if (!dsq) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("non-existent DSQ 0x%x for %s[%d]", dsq_id, ts_[t].comm, ts_[t].pid));
    return &global_;
  }
  return dsq;
}

// dispatch_enqueue: FIFO or vtime insert, the mixing errors, and a local DSQ's resched.
void ExtClass::DispatchEnqueue(Dsq* dsq, TaskId t, u64 enq_flags) {
  ExtTask& e = et_[t];
  task_struct* p = &ts_[t];
  if (!dsq->builtin()) {
    e.in_custody = true;
  } else if (e.in_custody) {
    // The task leaves the policy's custody for a terminal DSQ: ops.dequeue(p, 0) first.
    e.in_custody = false;
    if (ops_->dequeue) {
      EXT_SCOPE(cur_cpu_, Ctx::kOther);
      ++counters_.callbacks;
      if (opt_.log) Log("\"cb\":\"dequeue\"", absl::StrFormat(",\"pid\":%d,\"deq_flags\":0", p->pid));
      ops_->dequeue(p, 0);
    }
  }
  if (dsq->builtin() && (enq_flags & SCX_ENQ_DSQ_PRIQ)) {
    Error(SCX_EXIT_ERROR, "cannot use vtime ordering for built-in DSQs");
    enq_flags &= ~static_cast<u64>(SCX_ENQ_DSQ_PRIQ);
  }
  if (enq_flags & SCX_ENQ_DSQ_PRIQ) {
    if (dsq->priq.empty() && dsq->head != kNoTask) {
      Error(SCX_EXIT_ERROR, absl::StrFormat("DSQ 0x%x already had FIFO-enqueued tasks", dsq->id));
    }
    e.priq_vtime = p->scx.dsq_vtime;
    e.priq_seq = ++seq_;
    e.in_priq = true;
    dsq->priq.insert(PriqKey{e.priq_vtime, e.priq_seq, t});
  } else {
    if (!dsq->priq.empty()) {
      Error(SCX_EXIT_ERROR, absl::StrFormat("DSQ 0x%x already had PRIQ-enqueued tasks", dsq->id));
    }
    e.in_priq = false;
    if (enq_flags & (SCX_ENQ_HEAD | SCX_ENQ_PREEMPT)) {
      e.prev_in_dsq = kNoTask;
      e.next_in_dsq = dsq->head;
      if (dsq->head != kNoTask) et_[dsq->head].prev_in_dsq = t; else dsq->tail = t;
      dsq->head = t;
    } else {
      e.next_in_dsq = kNoTask;
      e.prev_in_dsq = dsq->tail;
      if (dsq->tail != kNoTask) et_[dsq->tail].next_in_dsq = t; else dsq->head = t;
      dsq->tail = t;
    }
  }
  ++dsq->seq;
  p->scx.dsq_seq = static_cast<u32>(dsq->seq);
  ++dsq->nr;
  e.dsq = dsq;
  ++nr_queued_;
  if (dsq->local_cpu >= 0) {
    const int cpu = dsq->local_cpu;
    if (in_balance_[cpu]) return;  // the CPU is already looking for work
    const TaskId curr = ctx_->curr(cpu);
    bool preempt = false;
    if ((enq_flags & SCX_ENQ_PREEMPT) && curr != t && curr != kNoTask) {
      ts_[curr].scx.slice = 0;
      preempt = true;
    }
    if (preempt || curr == kNoTask) ctx_->Resched(cpu);
  }
}

// dispatch_to_local_dsq: moving a task onto another CPU's local DSQ checks its affinity.
void ExtClass::DispatchToLocalDsq(Dsq* dst, TaskId t, u64 enq_flags) {
  const int dst_cpu = dst->local_cpu;
  const Task& task = ctx_->task(t);
  if (dst_cpu != task.cpu && !task.affinity.Test(dst_cpu)) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("SCX_DSQ_LOCAL[_ON] target CPU %d not allowed for %s[%d]", dst_cpu,
                                          ts_[t].comm, ts_[t].pid));
    DispatchEnqueue(&global_, t, enq_flags);
    return;
  }
  ctx_->SetTaskCpu(t, dst_cpu);
  DispatchEnqueue(dst, t, enq_flags);
}

void ExtClass::DsqRemove(TaskId t) {
  ExtTask& e = et_[t];
  Dsq* dsq = e.dsq;
  if (!dsq) return;
  if (e.in_priq) {
    // Mostly the first task leaves: erase it by iterator, without a search.
    if (dsq->priq.begin()->task == t) {
      dsq->priq.erase(dsq->priq.begin());
    } else {
      dsq->priq.erase(PriqKey{e.priq_vtime, e.priq_seq, t});
    }
  } else {
    if (e.prev_in_dsq != kNoTask) et_[e.prev_in_dsq].next_in_dsq = e.next_in_dsq; else dsq->head = e.next_in_dsq;
    if (e.next_in_dsq != kNoTask) et_[e.next_in_dsq].prev_in_dsq = e.prev_in_dsq; else dsq->tail = e.prev_in_dsq;
  }
  e.prev_in_dsq = e.next_in_dsq = kNoTask;
  e.dsq = nullptr;
  --dsq->nr;
  --nr_queued_;
}

TaskId ExtClass::DsqFirst(const Dsq& dsq) const {
  if (!dsq.priq.empty()) return dsq.priq.begin()->task;
  return dsq.head;
}

TaskId ExtClass::DsqNextOf(const Dsq& dsq, TaskId t) const {
  const ExtTask& e = et_[t];
  if (e.in_priq) {
    auto it = dsq.priq.upper_bound(PriqKey{e.priq_vtime, e.priq_seq, t});
    return it == dsq.priq.end() ? kNoTask : it->task;
  }
  return e.next_in_dsq;
}

// consume_dispatch_q: the first task of the DSQ that may run on cpu moves to its local DSQ.
bool ExtClass::ConsumeDsq(int cpu, Dsq* dsq) {
  for (TaskId t = DsqFirst(*dsq); t != kNoTask; t = DsqNextOf(*dsq, t)) {
    if (!ctx_->task(t).affinity.Test(cpu)) continue;
    DsqRemove(t);
    ctx_->SetTaskCpu(t, cpu);
    DispatchEnqueue(local_[cpu].get(), t, 0);
    return true;
  }
  return false;
}

void ExtClass::FlushDispatchBuf(int cpu) {
  // Entries may be appended while flushing (an error path never does); index, not iterators.
  for (size_t i = 0; i < dispatch_buf_.size(); ++i) {
    const DispatchBufEntry ent = dispatch_buf_[i];
    ExtTask& e = et_[ent.task];
    if (e.custody != Custody::kBpf) continue;  // no longer the policy's (finish_dispatch)
    e.custody = Custody::kNone;
    --nr_queued_;
    Dsq* dsq = FindDsqForDispatch(cpu, ent.dsq_id, ent.task);
    if (dsq->local_cpu >= 0) {
      DispatchToLocalDsq(dsq, ent.task, ent.enq_flags);
    } else {
      DispatchEnqueue(dsq, ent.task, ent.enq_flags);
    }
  }
  dispatch_buf_.clear();
}

void ExtClass::ChargeSlice(TaskId t) {
  ExtTask& e = et_[t];
  const SimDuration sum = ctx_->task(t).sum_exec;
  const u64 delta = static_cast<u64>(sum - e.charged);
  e.charged = sum;
  u64& slice = ts_[t].scx.slice;
  if (slice != SCX_SLICE_INF) slice -= std::min(slice, delta);
}

// ---------------------------------------------------------------------------------------------
// The CPU side: tick, balance and pick.

void ExtClass::Tick(int cpu, TaskId curr) {
  if (exited_) return;
  ChargeSlice(curr);
  if (ops_->tick) {
    EXT_SCOPE(cpu, Ctx::kOther);
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"tick\"", absl::StrFormat(",\"pid\":%d,\"slice\":%d", ts_[curr].pid, ts_[curr].scx.slice));
    ops_->tick(&ts_[curr]);
  }
  if (ts_[curr].scx.slice == 0) ctx_->Resched(cpu);
  Eject();
}

TaskId ExtClass::PickNext(int cpu, TaskId prev) {
  if (exited_) return prev;
  const TaskId on_cpu = ctx_->curr(cpu);  // prev, or the task that just blocked/exited
  Dsq* local = local_[cpu].get();
  in_balance_[cpu] = true;
  bool keep = false, has = false;
  if (prev != kNoTask) {
    ctx_->UpdateCurr(cpu);
    ChargeSlice(prev);
    keep = ts_[prev].scx.slice != 0;
  }
  if (!keep) {
    has = local->nr > 0 || ConsumeDsq(cpu, &global_);
    if (!has && ops_->dispatch) {
      u32 loops = kDispatchMaxLoops;
      do {
        dispatch_nr_tasks_ = 0;
        dispatch_cpu_ = cpu;
        {
          EXT_SCOPE(cpu, Ctx::kDispatch);
          ++counters_.callbacks;
          ++counters_.dispatch_calls;
          if (opt_.log) Log("\"cb\":\"dispatch\"", absl::StrFormat(",\"prev\":%d", on_cpu == kNoTask ? -1 : ts_[on_cpu].pid));
          ops_->dispatch(cpu, on_cpu != kNoTask ? &ts_[on_cpu] : nullptr);
        }
        FlushDispatchBuf(cpu);
        dispatch_cpu_ = -1;
        if (exit_pending_) break;
        if (prev != kNoTask && ts_[prev].scx.slice != 0) { keep = true; break; }
        if (local->nr > 0 || ConsumeDsq(cpu, &global_)) { has = true; break; }
        if (--loops == 0) {
          ctx_->Resched(cpu);  // scx_kick_cpu(self): try again later instead of looping
          break;
        }
      } while (dispatch_nr_tasks_ > 0);
    }
    if (!keep && !has && prev != kNoTask && !(ops_->flags & SCX_OPS_ENQ_LAST)) keep = true;
  }
  in_balance_[cpu] = false;
  if (exit_pending_) {
    Eject();
    return prev;
  }
  if (keep) {
    if (ts_[prev].scx.slice == 0) ts_[prev].scx.slice = SCX_SLICE_DFL;  // refill_task_slice_dfl
    return prev;
  }
  const TaskId next = DsqFirst(*local);
  if (next != kNoTask) DsqRemove(next);
  if (prev != kNoTask) {
    // put_prev_task_scx: stopping(true), then back to the policy (or the local DSQ's head if
    // it still has slice, i.e. preempted).
    task_struct* pp = &ts_[prev];
    if (ops_->stopping) {
      EXT_SCOPE(cpu, Ctx::kOther);
      ++counters_.callbacks;
      if (opt_.log) Log("\"cb\":\"stopping\"", absl::StrFormat(",\"pid\":%d,\"runnable\":true", pp->pid));
      ops_->stopping(pp, true);
    }
    et_[prev].runnable_at = ctx_->now();
    if (!exit_pending_) {
      if (pp->scx.slice != 0) {
        DispatchEnqueue(local, prev, SCX_ENQ_HEAD);
      } else {
        EnqueueTask(prev, next == kNoTask ? SCX_ENQ_LAST : 0, cpu);
      }
    }
  }
  if (next != kNoTask) {
    et_[next].charged = ctx_->task(next).sum_exec;
    SetIdle(cpu, false);
    if (ops_->running) {
      EXT_SCOPE(cpu, Ctx::kOther);
      ++counters_.callbacks;
      if (opt_.log) Log("\"cb\":\"running\"", absl::StrFormat(",\"pid\":%d", ts_[next].pid));
      ops_->running(&ts_[next]);
    }
  } else {
    SetIdle(cpu, true);
    if (local->nr > 0) ctx_->Resched(cpu);  // put_prev left work here: look again
  }
  if (exit_pending_) {
    // Ejected while switching: keep prev (if any) running, hand next back with the rest.
    if (next != kNoTask && next != prev) limbo_.push_back(next);
    if (prev != kNoTask && !Placed(prev)) {
      Eject();
      return prev;
    }
    Eject();
    return kNoTask;
  }
  return next;
}

std::vector<TaskId> ExtClass::TakeQueued() {
  std::vector<TaskId> out = limbo_;
  limbo_.clear();
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) {
    ExtTask& e = et_[t];
    if (e.dsq) DsqRemove(t);
    else if (e.custody == Custody::kBpf) --nr_queued_;
    else continue;
    e.custody = Custody::kNone;
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The built-in idle tracking (ext_idle.c __scx_update_idle) and ops.update_idle on transitions.
void ExtClass::SetIdle(int cpu, bool idle) {
  if (BuiltinIdleTracked()) {
    const std::vector<int32_t>& core = ctx_->topology().core_cpus(cpu);
    if (idle) {
      MaskSet(idle_cpus_, cpu);
      bool whole = true;
      for (int c : core) whole = whole && MaskTest(idle_cpus_, c);
      if (whole) {
        for (int c : core) MaskSet(idle_smts_, c);
      }
    } else {
      MaskClear(idle_cpus_, cpu);
      for (int c : core) MaskClear(idle_smts_, c);
    }
  }
  if (cpu_idle_notified_[cpu] != idle) {
    cpu_idle_notified_[cpu] = idle;
    if (ops_->update_idle) {
      EXT_SCOPE(cpu, Ctx::kOther);
      ++counters_.callbacks;
      if (opt_.log) Log("\"cb\":\"update_idle\"", absl::StrFormat(",\"idle\":%s", idle ? "true" : "false"));
      ops_->update_idle(cpu, idle);
    }
  }
}

bool ExtClass::BuiltinIdleTracked() const {
  return !ops_->update_idle || (ops_->flags & SCX_OPS_KEEP_BUILTIN_IDLE);
}

bool ExtClass::BuiltinIdleEnabled() {
  if (BuiltinIdleTracked()) return true;
  Error(SCX_EXIT_ERROR, "built-in idle tracking is disabled");
  return false;
}

bool ExtClass::KfAllowed(Ctx a, Ctx b, Ctx c, const char* kfunc) {
  if (ctx_kind_ == a || ctx_kind_ == b || ctx_kind_ == c) return true;
  Error(SCX_EXIT_ERROR, absl::StrCat(kfunc, "() called from a disallowed operation"));
  return false;
}

// ---------------------------------------------------------------------------------------------
// Idle CPU selection (ext_idle.c).

bool ExtClass::TestAndClearIdle(int cpu) {
  if (smt_active_) {
    // Claiming one CPU of a core makes the core not wholly idle.
    for (int c : ctx_->topology().core_cpus(cpu)) MaskClear(idle_smts_, c);
  }
  if (!MaskTest(idle_cpus_, cpu)) return false;
  MaskClear(idle_cpus_, cpu);
  return true;
}

// cpumask_any_and_distribute(a & b & c): the next set CPU after this CPU's last pick.
int ExtClass::AnyAndDistribute(const cpumask& a, const cpumask* b, const cpumask* c) {
  int& prev = rotor_[cur_cpu_ >= 0 && cur_cpu_ < nr_cpus_ ? cur_cpu_ : 0];
  const int start = prev + 1;
  for (int pass = 0; pass < 2; ++pass) {
    const int lo = pass == 0 ? start : 0;
    const int hi = pass == 0 ? nr_cpus_ : std::min(start, nr_cpus_);
    for (int w = lo / 64; w * 64 < hi; ++w) {
      unsigned long bits = a.bits[w];
      if (b) bits &= b->bits[w];
      if (c) bits &= c->bits[w];
      if (w == lo / 64) bits &= ~0UL << (lo % 64);
      while (bits) {
        const int cpu = w * 64 + __builtin_ctzl(bits);
        if (cpu >= hi) break;
        prev = cpu;
        return cpu;
      }
    }
  }
  return -1;
}

// scx_pick_idle_cpu: a wholly idle core first (with SMT), then any idle CPU; claims it.
s32 ExtClass::PickIdleIn(const cpumask* within, const cpumask* allowed, u64 flags) {
  for (;;) {
    int cpu = -1;
    if (smt_active_) {
      cpu = AnyAndDistribute(idle_smts_, within, allowed);
      if (cpu < 0 && (flags & SCX_PICK_IDLE_CORE)) return -EBUSY;
    }
    if (cpu < 0) cpu = AnyAndDistribute(idle_cpus_, within, allowed);
    if (cpu < 0) return -EBUSY;
    if (TestAndClearIdle(cpu)) return cpu;
  }
}

s32 ExtClass::SelectCpuImpl(task_struct* p, s32 prev_cpu, u64 wake_flags, const cpumask* allowed, u64 flags) {
  const Topology& topo = ctx_->topology();
  const bool prev_ok = prev_cpu >= 0 && prev_cpu < nr_cpus_ && MaskTest(*allowed, prev_cpu);
  const cpumask* llc = topo.nr_llcs() > 1 && prev_ok ? &llc_masks_[topo.place(prev_cpu).llc] : nullptr;
  const cpumask* node = topo.nr_nodes() > 1 && prev_ok ? &node_masks_[topo.place(prev_cpu).node] : nullptr;
  s32 cpu;
  if (wake_flags & SCX_WAKE_SYNC) {
    const int waker = cur_cpu_;
    // The waker's CPU shares the cache with prev and prev is idle: stay.
    if (prev_ok && topo.place(waker).llc == topo.place(prev_cpu).llc && TestAndClearIdle(prev_cpu)) return prev_cpu;
    // The waker's local DSQ is empty and some CPU idles: take the waker's CPU.
    bool any_idle = false;
    for (int w = 0; w < mask_words_; ++w) any_idle = any_idle || idle_cpus_.bits[w];
    if (local_[waker]->nr == 0 && any_idle && MaskTest(*allowed, waker)) return waker;
  }
  // Every search below looks for an idle bit: none set, none found (the fast path of a busy
  // machine; the result is the kernel's).
  bool any_idle = false;
  for (int w = 0; w < mask_words_ && !any_idle; ++w) any_idle = idle_cpus_.bits[w] != 0;
  if (!any_idle) return -EBUSY;
  if (smt_active_) {
    if (prev_ok && MaskTest(idle_smts_, prev_cpu) && TestAndClearIdle(prev_cpu)) return prev_cpu;
    if (llc && (cpu = PickIdleIn(llc, allowed, SCX_PICK_IDLE_CORE)) >= 0) return cpu;
    if (node && (cpu = PickIdleIn(node, allowed, SCX_PICK_IDLE_CORE)) >= 0) return cpu;
    if ((cpu = PickIdleIn(nullptr, allowed, flags | SCX_PICK_IDLE_CORE)) >= 0) return cpu;
    if (flags & SCX_PICK_IDLE_CORE) return -EBUSY;
  }
  if (prev_ok && TestAndClearIdle(prev_cpu)) return prev_cpu;
  if (smt_active_ && prev_ok) {
    for (int c : topo.core_cpus(prev_cpu)) {
      if (c != prev_cpu && MaskTest(*allowed, c) && TestAndClearIdle(c)) return c;
    }
  }
  if (llc && (cpu = PickIdleIn(llc, allowed, 0)) >= 0) return cpu;
  if (node && (cpu = PickIdleIn(node, allowed, 0)) >= 0) return cpu;
  return PickIdleIn(nullptr, allowed, flags);
}

// ---------------------------------------------------------------------------------------------
// kfuncs.

s32 ExtClass::CreateDsq(u64 dsq_id, s32 node) {
  if (dsq_id & SCX_DSQ_FLAG_BUILTIN) return -EINVAL;
  if (node < -1 || node >= ctx_->topology().nr_nodes()) return -EINVAL;
  auto& slot = user_dsqs_[dsq_id];
  if (slot) return -EEXIST;
  slot = std::make_unique<Dsq>();
  slot->id = dsq_id;
  return 0;
}

void ExtClass::DestroyDsq(u64 dsq_id) {
  auto it = user_dsqs_.find(dsq_id);
  if (it == user_dsqs_.end()) return;
  if (it->second->nr > 0) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("attempting to destroy in-use DSQ 0x%x (nr=%d)", dsq_id, it->second->nr));
    return;
  }
  user_dsqs_.erase(it);
}

void ExtClass::InsertPreamble(task_struct* p, u64 dsq_id, u64 slice, u64 enq_flags) {
  (void)dsq_id;
  (void)enq_flags;
  if (slice) {
    p->scx.slice = slice;
  } else if (!p->scx.slice) {
    p->scx.slice = 1;
  }
}

void ExtClass::DsqInsert(task_struct* p, u64 dsq_id, u64 slice, u64 enq_flags) {
  if (!p) return Error(SCX_EXIT_ERROR, "scx_bpf_dsq_insert() called with NULL task");
  if (!KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kDispatch, "scx_bpf_dsq_insert")) return;
  InsertPreamble(p, dsq_id, slice, enq_flags);
  Commit(p, dsq_id, enq_flags);
}

void ExtClass::DsqInsertVtime(task_struct* p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) {
  if (!p) return Error(SCX_EXIT_ERROR, "scx_bpf_dsq_insert_vtime() called with NULL task");
  if (!KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kDispatch, "scx_bpf_dsq_insert_vtime")) return;
  InsertPreamble(p, dsq_id, slice, enq_flags);
  p->scx.dsq_vtime = vtime;
  Commit(p, dsq_id, enq_flags | SCX_ENQ_DSQ_PRIQ);
}

// scx_dsq_insert_commit: direct dispatch inside select_cpu/enqueue, else the dispatch buffer.
void ExtClass::Commit(task_struct* p, u64 dsq_id, u64 enq_flags) {
  const TaskId t = id_of(p);
  if (ctx_kind_ == Ctx::kSelectCpu || ctx_kind_ == Ctx::kEnqueue) {
    if (ddsp_used_) {
      return Error(SCX_EXIT_ERROR, absl::StrFormat("%s[%d] already direct-dispatched", p->comm, p->pid));
    }
    if (t != ddsp_task_) {
      const task_struct* q = ddsp_task_ != kNoTask ? &ts_[ddsp_task_] : p;
      return Error(SCX_EXIT_ERROR, absl::StrFormat("scheduling for %s[%d] but trying to direct-dispatch %s[%d]",
                                                   q->comm, q->pid, p->comm, p->pid));
    }
    ddsp_used_ = true;
    ExtTask& e = et_[t];
    e.has_ddsp = true;
    e.ddsp_dsq_id = dsq_id;
    e.ddsp_enq_flags = enq_flags;
    p->scx.ddsp_dsq_id = dsq_id;
    p->scx.ddsp_enq_flags = enq_flags;
    return;
  }
  if (dispatch_buf_.size() >= max_batch_) return Error(SCX_EXIT_ERROR, "dispatch buffer overflow");
  dispatch_buf_.push_back(DispatchBufEntry{t, dsq_id, enq_flags});
  ++dispatch_nr_tasks_;
}

bool ExtClass::DsqMoveToLocal(u64 dsq_id, u64 enq_flags) {
  (void)enq_flags;
  if (!KfAllowed(Ctx::kDispatch, Ctx::kDispatch, Ctx::kDispatch, "scx_bpf_dsq_move_to_local")) return false;
  const int cpu = dispatch_cpu_;
  FlushDispatchBuf(cpu);
  Dsq* dsq = (dsq_id & SCX_DSQ_FLAG_BUILTIN) ? nullptr : FindUserDsq(dsq_id);
  if (!dsq) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("invalid DSQ ID 0x%016x", dsq_id));
    return false;
  }
  return ConsumeDsq(cpu, dsq);
}

s32 ExtClass::DsqNrQueued(u64 dsq_id) {
  if (dsq_id == SCX_DSQ_LOCAL) return local_[cur_cpu_]->nr;
  if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
    const u64 cpu = dsq_id & SCX_DSQ_LOCAL_CPU_MASK;
    if (cpu >= static_cast<u64>(nr_cpus_)) return -ENOENT;
    return local_[cpu]->nr;
  }
  if (dsq_id == SCX_DSQ_GLOBAL) return global_.nr;
  Dsq* dsq = FindUserDsq(dsq_id);
  return dsq ? dsq->nr : -ENOENT;
}

task_struct* ExtClass::DsqPeek(u64 dsq_id) {
  Dsq* dsq = nullptr;
  if (dsq_id == SCX_DSQ_GLOBAL) dsq = &global_;
  else if (dsq_id == SCX_DSQ_LOCAL) dsq = local_[cur_cpu_].get();
  else dsq = FindUserDsq(dsq_id);
  if (!dsq) return nullptr;
  const TaskId t = DsqFirst(*dsq);
  return t == kNoTask ? nullptr : &ts_[t];
}

u32 ExtClass::DispatchNrSlots() {
  if (!KfAllowed(Ctx::kDispatch, Ctx::kDispatch, Ctx::kDispatch, "scx_bpf_dispatch_nr_slots")) return 0;
  return max_batch_ - static_cast<u32>(dispatch_buf_.size());
}

void ExtClass::DispatchCancel() {
  if (!KfAllowed(Ctx::kDispatch, Ctx::kDispatch, Ctx::kDispatch, "scx_bpf_dispatch_cancel")) return;
  if (dispatch_buf_.empty()) return Error(SCX_EXIT_ERROR, "dispatch buffer underflow");
  dispatch_buf_.pop_back();
  --dispatch_nr_tasks_;
}

u32 ExtClass::ReenqueueLocal() {
  const int cpu = cur_cpu_;
  Dsq* local = local_[cpu].get();
  std::vector<TaskId> tasks;
  for (TaskId t = DsqFirst(*local); t != kNoTask; t = DsqNextOf(*local, t)) tasks.push_back(t);
  for (TaskId t : tasks) {
    DsqRemove(t);
    EnqueueTask(t, SCX_ENQ_REENQ, cpu);
  }
  return static_cast<u32>(tasks.size());
}

s32 ExtClass::SelectCpuDfl(task_struct* p, s32 prev_cpu, u64 wake_flags, bool* is_idle) {
  *is_idle = false;
  if (prev_cpu < 0 || prev_cpu >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", prev_cpu));
    return prev_cpu;
  }
  if (!BuiltinIdleEnabled()) return prev_cpu;
  if (ctx_kind_ != Ctx::kUnlocked && !KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kInit, "scx_bpf_select_cpu_dfl")) {
    return prev_cpu;
  }
  const s32 cpu = SelectCpuImpl(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
  if (cpu >= 0) {
    *is_idle = true;
    return cpu;
  }
  return prev_cpu;
}

s32 ExtClass::SelectCpuAnd(task_struct* p, s32 prev_cpu, u64 wake_flags, const cpumask* cpus, u64 flags) {
  if (prev_cpu < 0 || prev_cpu >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", prev_cpu));
    return -EINVAL;
  }
  if (!BuiltinIdleEnabled()) return -EBUSY;
  if (ctx_kind_ != Ctx::kUnlocked && !KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kInit, "scx_bpf_select_cpu_and")) {
    return -EPERM;
  }
  cpumask both = *p->cpus_ptr;
  for (int w = 0; w < mask_words_; ++w) both.bits[w] &= cpus->bits[w];
  return SelectCpuImpl(p, prev_cpu, wake_flags, &both, flags);
}

bool ExtClass::TestAndClearCpuIdle(s32 cpu) {
  if (!BuiltinIdleEnabled()) return false;
  if (!OpsCpuValid(cpu, nullptr)) return false;
  return TestAndClearIdle(cpu);
}

// scx_pick_idle_cpu(_node): the given node first; other nodes too unless SCX_PICK_IDLE_IN_NODE.
s32 ExtClass::PickIdleCpu(const cpumask* allowed, int node, u64 flags) {
  if (!BuiltinIdleEnabled()) return -EBUSY;
  if (node >= 0 && node < static_cast<int>(node_masks_.size())) {
    const s32 cpu = PickIdleIn(&node_masks_[node], allowed, flags);
    if (cpu >= 0 || (flags & SCX_PICK_IDLE_IN_NODE)) return cpu;
  }
  return PickIdleIn(nullptr, allowed, flags);
}

// scx_bpf_pick_any_cpu(_node): an idle CPU if any, else any allowed CPU (of the node with
// SCX_PICK_IDLE_IN_NODE).
s32 ExtClass::PickAnyCpu(const cpumask* allowed, int node, u64 flags) {
  if (BuiltinIdleTracked()) {
    const s32 cpu = PickIdleCpu(allowed, node, flags);
    if (cpu >= 0) return cpu;
  }
  const bool in_node = (flags & SCX_PICK_IDLE_IN_NODE) && node >= 0 && node < static_cast<int>(node_masks_.size());
  const int c = AnyAndDistribute(in_node ? node_masks_[node] : possible_, allowed, nullptr);
  return c >= 0 ? c : -EBUSY;
}

const cpumask* ExtClass::GetIdleCpumask(int node) {
  if (!BuiltinIdleEnabled()) return &empty_;
  if (node >= 0 && !(ops_->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE)) {
    Error(SCX_EXIT_ERROR, "per-node idle tracking is disabled");
    return &empty_;
  }
  return node >= 0 ? NodeMask(idle_cpus_, node) : &idle_cpus_;
}

const cpumask* ExtClass::GetIdleSmtmask(int node) {
  if (!BuiltinIdleEnabled()) return &empty_;
  const cpumask& all = smt_active_ ? idle_smts_ : idle_cpus_;
  return node >= 0 ? NodeMask(all, node) : &all;
}

void ExtClass::KickCpu(s32 cpu, u64 flags) {
  ++counters_.kicks;
  if (cpu < 0 || cpu >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", cpu));
    return;
  }
  const TaskId curr = ctx_->curr(cpu);
  if (flags & SCX_KICK_IDLE) {
    // Only an idle CPU (or one already balancing) is kicked.
    if (curr != kNoTask && !in_balance_[cpu]) return;
    ctx_->Resched(cpu);
    return;
  }
  if ((flags & SCX_KICK_PREEMPT) && curr != kNoTask) ts_[curr].scx.slice = 0;
  ctx_->Resched(cpu);
}

s32 ExtClass::TaskCpu(const task_struct* p) { return ctx_->task(id_of(p)).cpu; }

bool ExtClass::TaskRunning(const task_struct* p) {
  return ctx_->task(id_of(p)).state == TaskState::kRunning;
}

task_struct* ExtClass::TaskFromPid(s32 pid) {
  const TaskId t = pid - 1;
  if (t < 0 || t >= static_cast<TaskId>(ts_.size()) || ctx_->task(t).state == TaskState::kExited) return nullptr;
  return &ts_[t];
}

task_struct* ExtClass::CpuCurr(s32 cpu) {
  if (cpu < 0 || cpu >= nr_cpus_) return nullptr;
  const TaskId t = ctx_->curr(cpu);
  return t == kNoTask ? &idle_ts_[cpu] : &ts_[t];
}

void ExtClass::TaskSetSlice(task_struct* p, u64 slice) { p->scx.slice = slice; }
void ExtClass::TaskSetDsqVtime(task_struct* p, u64 vtime) { p->scx.dsq_vtime = vtime; }

void ExtClass::ExitBpf(s64 code, const char* msg) {
  if (exit_.kind != 0) return;
  Error(SCX_EXIT_UNREG_BPF, msg ? msg : "");
  exit_.exit_code = code;
}

void ExtClass::ErrorBpf(const char* msg) { Error(SCX_EXIT_ERROR_BPF, msg ? msg : ""); }

void ExtClass::Printk(const char* msg) {
  if (opt_.log) Log("\"printk\":", JsonString(msg ? msg : ""));
}

u32 ExtClass::PrandomU32() { return static_cast<u32>(NextRandom(rng_) >> 32); }
u64 ExtClass::Now() const { return static_cast<u64>(ctx_->now()); }
u32 ExtClass::NrCpuIds() const { return static_cast<u32>(nr_cpus_); }

}  // namespace scxtwin::sim
