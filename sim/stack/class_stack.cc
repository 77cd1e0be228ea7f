#include "sim/stack/class_stack.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace scxtwin::sim {

// A member's view of the machine: its own running tasks only, its timers routed back to it.
class ClassStack::MemberContext final : public SchedContext {
 public:
  MemberContext(ClassStack* stack, int member) : s_(stack), m_(member) {}
  SimTime now() const override { return s_->ctx_->now(); }
  const Topology& topology() const override { return s_->ctx_->topology(); }
  const MachineCosts& costs() const override { return s_->ctx_->costs(); }
  const Task& task(TaskId t) const override { return s_->ctx_->task(t); }
  Task& mutable_task(TaskId t) override { return s_->ctx_->mutable_task(t); }
  int32_t nr_tasks() const override { return s_->ctx_->nr_tasks(); }
  TaskId curr(int cpu) const override {
    const TaskId t = s_->ctx_->curr(cpu);
    return t != kNoTask && s_->owner_[t] == m_ ? t : kNoTask;
  }
  bool cpu_online(int cpu) const override { return s_->ctx_->cpu_online(cpu); }
  const std::vector<Cgroup>& cgroups() const override { return s_->ctx_->cgroups(); }
  uint64_t hotplug_seq() const override { return s_->ctx_->hotplug_seq(); }
  void Resched(int cpu) override { s_->ctx_->Resched(cpu); }
  void SetTaskCpu(TaskId t, int cpu) override {
    s_->MoveCount(t, cpu);
    s_->ctx_->SetTaskCpu(t, cpu);
  }
  void UpdateCurr(int cpu) override { s_->ctx_->UpdateCurr(cpu); }
  EventHandle StartTimer(SimTime when, uint64_t cookie) override {
    const uint64_t id = s_->next_timer_++;
    s_->timers_[id] = {m_, cookie};
    return s_->ctx_->StartTimer(when, (id << 2) | kMemberTimer);
  }
  void CancelTimer(EventHandle& handle) override { s_->ctx_->CancelTimer(handle); }
  void Fail(const std::string& why) override { s_->ctx_->Fail(why); }
  void Detach(const std::string& why) override {
    if (m_ != kExt || !s_->opt_.ejected_to_fair) return s_->ctx_->Fail(why);
    // The kernel moves every ext task to the fair class (scx_disable), once this call is over.
    if (!s_->ext_detached_.empty()) return;
    s_->ext_detached_ = why;
    s_->ext_detached_at_ = now();
    s_->ctx_->StartTimer(now(), kDetach);
  }

 private:
  ClassStack* s_;
  int m_;
};

ClassStack::ClassStack(ClassStackOptions options) : opt_(std::move(options)) {
  members_ = {opt_.rt, opt_.fair, opt_.ext};
}

ClassStack::~ClassStack() = default;

std::string ClassStack::name() const {
  std::string out;
  for (SchedClass* c : members_) {
    if (c != nullptr) absl::StrAppend(&out, out.empty() ? "" : "+", c->name());
  }
  return out;
}

absl::Status ClassStack::Init(SchedContext* ctx) {
  if (opt_.rt == nullptr || opt_.fair == nullptr) {
    return absl::InvalidArgumentError("class stack: an RT and a fair class are required");
  }
  ctx_ = ctx;
  const int n = ctx->topology().nr_cpus();
  running_.assign(n, Running{});
  for (int m = 0; m < kNumMembers; ++m) {
    nr_[m].assign(n, 0);
    servers_[m].assign(n, Server{});
    if (members_[m] == nullptr) continue;
    ctxs_[m] = std::make_unique<MemberContext>(this, m);
    if (absl::Status s = members_[m]->Init(ctxs_[m].get()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

ClassStack::Member ClassStack::PolicyOwner(TaskId t) const {
  const bool ext = members_[kExt] != nullptr && !ext_gone_;
  switch (ctx_->task(t).policy) {
    case SchedPolicy::kFifo:
    case SchedPolicy::kRr:
      return kRt;
    case SchedPolicy::kExt:
      return ext ? kExt : kFair;
    case SchedPolicy::kNormal:
      break;
  }
  return ext && !opt_.switch_partial ? kExt : kFair;
}

void ClassStack::TaskNew(TaskId t, TaskId parent) {
  if (t >= static_cast<TaskId>(owner_.size())) {
    owner_.resize(t + 1, kFair);
    counted_.resize(t + 1, -1);
  }
  const Member m = PolicyOwner(t);
  owner_[t] = m;
  if (m != kExt && members_[kExt] && !ext_gone_ && opt_.ext_foreign_new) {
    opt_.ext_foreign_new(t, parent);
  }
  cls(m)->TaskNew(t, parent);
  Count(t);
}

void ClassStack::TaskWakeup(TaskId t, const WakeInfo& wake) {
  cls(owner_[t])->TaskWakeup(t, wake);
  Count(t);
}

void ClassStack::TaskBlock(TaskId t, int cpu) {
  ChargeRun(cpu);
  running_[cpu] = Running{};
  cls(owner_[t])->TaskBlock(t, cpu);
  Uncount(t);
}

void ClassStack::TaskExit(TaskId t, int cpu) {
  ChargeRun(cpu);
  running_[cpu] = Running{};
  const int m = owner_[t];
  cls(m)->TaskExit(t, cpu);
  Uncount(t);
  if (m != kExt && members_[kExt] && !ext_gone_ && opt_.ext_foreign_exit) opt_.ext_foreign_exit(t);
}

void ClassStack::Tick(int cpu, TaskId curr) {
  ChargeRun(cpu);
  cls(owner_[curr])->Tick(cpu, curr);
}

void ClassStack::TaskYield(TaskId t, int cpu) { cls(owner_[t])->TaskYield(t, cpu); }

// The tick of a nohz_full CPU: as the class of the task running there says (only the ext class
// stops it; the RT and fair classes here keep it, see sim/README.md).
bool ClassStack::CanStopTick(int cpu, TaskId curr) const {
  return cls(owner_[curr])->CanStopTick(cpu, curr);
}

// A property change stays in the task's class (its policy is unchanged).
void ClassStack::TaskChanged(TaskId t, const TaskChange& change) {
  cls(owner_[t])->TaskChanged(t, change);
}

TaskId ClassStack::Ask(int m, int cpu, TaskId prev, int prev_m, bool* asked_prev) {
  const TaskId p = prev_m == m ? prev : kNoTask;
  if (p != kNoTask) *asked_prev = true;
  return cls(m)->PickNext(cpu, p);
}

TaskId ClassStack::PickNext(int cpu, TaskId prev) {
  ChargeRun(cpu);
  const int prev_m = prev == kNoTask ? -1 : owner_[prev];
  if (!ctx_->cpu_online(cpu)) {
    // Going offline: prev's class puts it back; CpuHotplug moves the queues.
    if (prev != kNoTask) cls(prev_m)->PickNext(cpu, prev);
    running_[cpu] = Running{};
    return kNoTask;
  }
  bool asked_prev = false;
  std::array<bool, kNumMembers> asked{};
  int chosen = -1;
  TaskId next = kNoTask;
  bool via_server = false;
  // Servers past their zero-laxity point run their class first, earliest deadline first.
  int ready[2];
  int nr_ready = 0;
  for (int m : {kFair, kExt}) {
    if (Served(m) && servers_[m][cpu].state == ServerState::kReady) ready[nr_ready++] = m;
  }
  if (nr_ready == 2 && servers_[ready[1]][cpu].deadline < servers_[ready[0]][cpu].deadline) {
    std::swap(ready[0], ready[1]);
  }
  for (int i = 0; i < nr_ready && chosen < 0; ++i) {
    const int m = ready[i];
    asked[m] = true;
    next = Ask(m, cpu, prev, prev_m, &asked_prev);
    if (next != kNoTask) {
      chosen = m;
      via_server = true;
    }
  }
  for (int m = 0; m < kNumMembers && chosen < 0; ++m) {
    if (members_[m] == nullptr || asked[m] || (m == kExt && ext_gone_)) continue;
    asked[m] = true;
    next = Ask(m, cpu, prev, prev_m, &asked_prev);
    if (next != kNoTask) chosen = m;
  }
  // prev's class was not asked (a class above it, or a server, took the CPU): it requeues prev.
  if (prev != kNoTask && !asked_prev) cls(prev_m)->CpuTakenByHigher(cpu, prev);
  // The ext class's idle tracking: the CPU is busy with another class's task.
  if (next != kNoTask && chosen != kExt && prev_m != kExt && members_[kExt] && !ext_gone_) {
    cls(kExt)->CpuTakenByHigher(cpu, kNoTask);
  }
  for (int m : {kFair, kExt}) ctx_->CancelTimer(servers_[m][cpu].budget);
  if (next == kNoTask) {
    running_[cpu] = Running{};
    return kNoTask;
  }
  MoveCount(next, cpu);
  running_[cpu] = Running{next, static_cast<int8_t>(chosen), via_server, ctx_->task(next).sum_exec};
  if (via_server) {
    Server& s = servers_[chosen][cpu];
    s.budget = ctx_->StartTimer(ctx_->now() + s.runtime, Cookie(kBudgetTimer, chosen, cpu));
  }
  return next;
}

int64_t ClassStack::nr_queued() const {
  int64_t n = 0;
  for (int m = 0; m < kNumMembers; ++m) {
    if (members_[m] != nullptr) n += members_[m]->nr_queued();
  }
  return n;
}

void ClassStack::CpuHotplug(int cpu, bool online) {
  for (int m = 0; m < kNumMembers; ++m) {
    if (members_[m] != nullptr && !(m == kExt && ext_gone_)) members_[m]->CpuHotplug(cpu, online);
  }
}

// A cgroup move: the ext policy hears of every task's, as the kernel's scx_cgroup_can_attach
// (ops.cgroup_prep_move, whose error refuses the move) and sched_move_task (ops.cgroup_move)
// call them for every task that changes cgroup, whatever its class; the task's own class takes
// it off and puts it back around the move. For another class's task the ext class only calls
// the two; for its own it does the whole move.
bool ClassStack::TaskCgroupMove(TaskId t, int cpu, int32_t to) {
  const int m = owner_[t];
  if (m != kExt && members_[kExt] != nullptr && !ext_gone_ &&
      !cls(kExt)->TaskCgroupMove(t, cpu, to)) {
    return false;
  }
  return cls(m)->TaskCgroupMove(t, cpu, to);
}

void ClassStack::CgroupWeightChanged(int32_t cgroup) {
  for (int m = 0; m < kNumMembers; ++m) {
    if (members_[m] != nullptr && !(m == kExt && ext_gone_))
      members_[m]->CgroupWeightChanged(cgroup);
  }
}

uint64_t ClassStack::Cookie(TimerKind kind, int m, int cpu) const {
  return kind | (static_cast<uint64_t>(m) << 2) | (static_cast<uint64_t>(cpu) << 4);
}

void ClassStack::OnTimer(uint64_t cookie) {
  const auto kind = static_cast<TimerKind>(cookie & 3);
  const int m = static_cast<int>((cookie >> 2) & 3);
  const int cpu = static_cast<int>(cookie >> 4);
  switch (kind) {
    case kMemberTimer: {
      auto it = timers_.find(cookie >> 2);
      if (it == timers_.end()) return;
      const auto [member, inner] = it->second;
      timers_.erase(it);
      cls(member)->OnTimer(inner);
      return;
    }
    case kServerTimer:
      return ServerTimer(m, cpu);
    case kBudgetTimer:
      return ChargeRun(cpu);
    case kDetach:
      return SwitchExtToFair();
  }
}

void ClassStack::Finish() {
  for (int m = 0; m < kNumMembers; ++m) {
    if (members_[m] != nullptr && !(m == kExt && ext_gone_)) members_[m]->Finish();
  }
}

// scx_disable: every task of the ext class goes to fair; the running ones stay where they run
// (fair's PickNext adopts them as prev).
void ClassStack::SwitchExtToFair() {
  if (ext_gone_) return;
  const std::vector<TaskId> queued = cls(kExt)->TakeQueued();
  cls(kExt)->Finish();
  ext_gone_ = true;
  for (TaskId t = 0; t < static_cast<TaskId>(owner_.size()); ++t) {
    if (owner_[t] != kExt) continue;
    Uncount(t);
    owner_[t] = kFair;
    if (ctx_->task(t).state == TaskState::kRunning) Count(t);
  }
  for (Running& r : running_) {
    if (r.member == kExt) {
      r.member = kFair;
      r.via_server = false;
    }
  }
  for (TaskId t : queued) {
    cls(kFair)->TaskWakeup(t, WakeInfo{});
    Count(t);
  }
  for (int c = 0; c < ctx_->topology().nr_cpus(); ++c) ctx_->Resched(c);
}

// --- Deadline servers -------------------------------------------------------------------

void ClassStack::Count(TaskId t) {
  const int m = owner_[t];
  if (!Served(m)) return;
  const int cpu = ctx_->task(t).cpu;
  counted_[t] = cpu;
  if (nr_[m][cpu]++ == 0 && servers_[m][cpu].state == ServerState::kOff) StartServer(m, cpu);
}

void ClassStack::Uncount(TaskId t) {
  if (counted_[t] < 0) return;
  --nr_[owner_[t]][counted_[t]];
  counted_[t] = -1;
}

void ClassStack::MoveCount(TaskId t, int cpu) {
  if (t >= static_cast<TaskId>(counted_.size()) || counted_[t] < 0 || counted_[t] == cpu) return;
  const int m = owner_[t];
  --nr_[m][counted_[t]];
  counted_[t] = cpu;
  if (nr_[m][cpu]++ == 0 && servers_[m][cpu].state == ServerState::kOff) StartServer(m, cpu);
}

void ClassStack::StartServer(int m, int cpu) {
  Server& s = servers_[m][cpu];
  s.deadline = ctx_->now() + opt_.server_period;
  s.runtime = opt_.server_runtime;
  s.state = ServerState::kDeferred;
  ArmServer(m, cpu, s.deadline - s.runtime);
}

void ClassStack::ArmServer(int m, int cpu, SimTime when) {
  Server& s = servers_[m][cpu];
  ctx_->CancelTimer(s.timer);
  s.timer = ctx_->StartTimer(std::max(when, ctx_->now()), Cookie(kServerTimer, m, cpu));
}

// update_curr's dl_server_update: the served class's run time on the CPU, through the server
// or not, uses the server's runtime.
void ClassStack::ChargeRun(int cpu) {
  Running& r = running_[cpu];
  if (r.task == kNoTask) return;
  ctx_->UpdateCurr(cpu);
  const SimDuration sum = ctx_->task(r.task).sum_exec;
  const SimDuration delta = sum - r.charged;
  r.charged = sum;
  if (!Served(r.member)) return;
  Server& s = servers_[r.member][cpu];
  if (r.via_server) s.stats.served_ns += delta;
  if (s.state != ServerState::kDeferred && s.state != ServerState::kReady) return;
  s.runtime -= delta;
  if (s.runtime <= 0) Throttle(r.member, cpu);
}

void ClassStack::Throttle(int m, int cpu) {
  Server& s = servers_[m][cpu];
  s.state = ServerState::kThrottled;
  ctx_->CancelTimer(s.budget);
  ArmServer(m, cpu, s.deadline);  // replenished then
  Running& r = running_[cpu];
  if (r.via_server && r.member == m) {
    r.via_server = false;
    ctx_->Resched(cpu);  // its turn above RT is over
  }
}

void ClassStack::ServerTimer(int m, int cpu) {
  Server& s = servers_[m][cpu];
  Running& r = running_[cpu];
  switch (s.state) {
    case ServerState::kOff:
      return;
    case ServerState::kDeferred:
      // Zero laxity: the runtime left is only delivered if the server runs now.
      if (nr_[m][cpu] == 0) {
        s.state = ServerState::kOff;
        return;
      }
      s.state = ServerState::kReady;
      ++s.stats.activations;
      ArmServer(m, cpu, s.deadline);
      ctx_->Resched(cpu);
      return;
    case ServerState::kReady:
    case ServerState::kThrottled:
      // The deadline: a new period, deferred again, or off with nothing to serve.
      ChargeRun(cpu);
      if (r.via_server && r.member == m) {
        r.via_server = false;
        ctx_->CancelTimer(s.budget);
        ctx_->Resched(cpu);
      }
      if (nr_[m][cpu] == 0) {
        s.state = ServerState::kOff;
        return;
      }
      StartServer(m, cpu);
      return;
  }
}

}  // namespace scxtwin::sim
