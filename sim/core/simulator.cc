#include "sim/core/simulator.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sim/engine/rng.h"
#include "sim/workload/dist.h"

namespace scxtwin::sim {

uint32_t NiceToWeight(int nice) {
  // kernel/sched/core.c: sched_prio_to_weight[40].
  static constexpr uint32_t kWeights[40] = {
      88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904,
      3906,  3121,  2501,  1991,  1586,  1277,  1024,  820,   655,   526,   423,  335,  272,  215,
      172,   137,   110,   87,    70,    56,    45,    36,    29,    23,    18,   15,
  };
  return kWeights[std::clamp(nice, -20, 19) + 20];
}

Simulator::Simulator(const Topology& topology, const WorkloadSpec& spec, SchedClass* sched_class,
                     SimOptions options)
    : topo_(topology),
      spec_(spec),
      cls_(sched_class),
      opt_(std::move(options)),
      obs_(opt_.observer) {
  // The spec's cgroups (a hand-built spec without them has the root only).
  for (const CompiledCgroup& c : spec_.cgroups)
    cgroups_.push_back({c.path, c.parent, c.level, c.weight});
  if (cgroups_.empty()) cgroups_.emplace_back();
}

Simulator::~Simulator() = default;

int Simulator::group_index(const Task& t) const {
  return group_base_[result_.instances[t.instance].process] + t.group;
}

const CompiledGroup& Simulator::group_of(const Task& t) const {
  return spec_.processes[result_.instances[t.instance].process].groups[t.group];
}

absl::Status Simulator::Setup() {
  const int n = topo_.nr_cpus();
  cpus_.assign(n, Cpu{});
  result_.cpus.assign(n, CpuMetrics{});
  wait_hist_ = &result_.wait_all;
  SeedStream(timer_rng_, opt_.seed, 0x7173e1a7e, 0);
  SeedStream(stall_rng_, opt_.seed, 0x57a11ed, 0);
  if (opt_.costs.effects.Stalls()) {
    for (int c = 0; c < n; ++c) ArmStall(c);
  }
  for (size_t p = 0; p < spec_.processes.size(); ++p) {
    group_base_.push_back(static_cast<int32_t>(group_affinity_.size()));
    const CompiledProcess& proc = spec_.processes[p];
    if (!proc.background) has_foreground_ = true;
    for (size_t g = 0; g < proc.groups.size(); ++g) {
      SCX_ASSIGN_OR_RETURN(auto set, ParseCpuList(proc.groups[g].affinity, n,
                                                  absl::StrCat(spec_.file, ": process[", p,
                                                               "].group[", g, "].affinity")));
      group_affinity_.push_back(std::move(set));
      const CompiledGroup& grp = proc.groups[g];
      std::vector<CpuSet>& cpus = op_cpus_.emplace_back(grp.program.size());
      for (size_t i = 0; i < grp.program.size(); ++i) {
        if (grp.program[i].kind != CompiledOp::kSetAffinity) continue;
        SCX_ASSIGN_OR_RETURN(cpus[i], ParseCpuList(*grp.program[i].cpus, n,
                                                   absl::StrCat(spec_.file, ": ", grp.op_paths[i],
                                                                ".set_affinity.cpus")));
      }
      result_.group_names.push_back(absl::StrCat(proc.name, "/", proc.groups[g].name));
    }
    // Arrivals: one stream per process template.
    arrival_rng_.resize(arrival_rng_.size() + 4);
    SeedStream(&arrival_rng_[arrival_rng_.size() - 4], opt_.seed, 0xa771a1, p);
    stall_slack_ += 16 * static_cast<int64_t>(proc.instances);
    SimTime t = proc.poisson ? 0 : proc.at_ns;
    for (int i = 0; i < proc.instances; ++i) {
      if (proc.poisson) {
        workload::Dist gap;
        gap.mutable_exponential()->set_mean_ns(proc.poisson_mean_gap_ns);
        t += SampleDist(gap, &arrival_rng_[arrival_rng_.size() - 4]);
      }
      queue_.Schedule(t, kArrival, static_cast<int32_t>(p), static_cast<uint64_t>(i));
      ++pending_starts_;
      if (!proc.background) ++fg_pending_;
    }
  }
  result_.group_wait.resize(group_affinity_.size());
  SCX_RETURN_IF_ERROR(SetUpHotplug());
  SimDuration duration = opt_.duration ? opt_.duration : spec_.proto.duration_ns();
  if (duration > 0) {
    queue_.Schedule(duration, kStop, 0, 1);
  } else {
    queue_.Schedule(opt_.max_duration, kStop, 0, 2);
  }
  if (opt_.fallback) {
    SCX_RETURN_IF_ERROR(opt_.fallback->Init(this));
  }
  return cls_->Init(this);
}

absl::Status Simulator::Run() {
  SCX_RETURN_IF_ERROR(Setup());
  Event e;
  int64_t until_check = opt_.check_every_events;
  const bool until_duration = (opt_.duration ? opt_.duration : spec_.proto.duration_ns()) > 0;
  SimTime instant = -1;  // the time of the events counted in at_instant
  int64_t at_instant = 0;
  while (!stop_ && queue_.Pop(&e)) {
    ++result_.events;
    if (e.time != instant) {
      instant = e.time;
      at_instant = 0;
    } else if (++at_instant > opt_.max_events_at_one_time + stall_slack_ +
                                  16 * static_cast<int64_t>(tasks_.size())) {
      Abort(absl::InvalidArgumentError(absl::StrCat(
          spec_.file, ": no progress: simulated time stayed at ", instant, " ns for ", at_instant,
          " events; last stepped: ", Position(last_advanced_),
          "; expected a program whose loops let time pass (a run or sleep of at least 1 ns)")));
      break;
    }
    Dispatch(e);
    if (switch_pending_) SwitchToFallback();
    if (opt_.check_every_events > 0 && --until_check == 0 && error_.ok()) {
      until_check = opt_.check_every_events;
      SCX_RETURN_IF_ERROR(CheckTasks());
    }
    if (!stop_ && (has_foreground_ ? fg_live_ == 0 && fg_pending_ == 0
                                   : live_tasks_ == 0 && pending_starts_ == 0)) {
      // Every task (but the background's) has exited and nothing will arrive: the run is over.
      break;
    }
    const int64_t live = has_foreground_ ? fg_live_ : live_tasks_;
    const int64_t pending = has_foreground_ ? fg_pending_ : pending_starts_;
    if (live > 0 && waiting_tasks_ == live && pending == 0 && !until_duration && !stop_) {
      // Every live task waits for a wake only another task could send: nothing of the workload
      // can happen any more (the class's timers cannot end a wait). A run without a duration
      // ends here; the tasks are reported stuck.
      break;
    }
  }
  result_.end_time = queue_.now();
  for (int c = 0; c < topo_.nr_cpus(); ++c) Account(c);
  if (obs_) obs_->End(result_.end_time);
  cls_->Finish();
  if (!error_.ok()) return error_;
  if (!result_.stopped_by_duration && result_.failure.empty()) CollectStuck();
  if (queue_.past_schedules() != 0) {
    return absl::InternalError(
        absl::StrCat("invariant: ", queue_.past_schedules(), " events were scheduled in the past"));
  }
  if (result_.failure.empty()) {
    SCX_RETURN_IF_ERROR(CheckTasks());
  }
  return CheckCpuTime();
}

void Simulator::Dispatch(const Event& e) {
  switch (static_cast<EventKind>(e.kind)) {
    case kResched: {
      Cpu& c = cpus_[e.target];
      if (Stalled(e.target)) {
        // A stopped vCPU takes the request (a wake's IPI, a preemption) when it resumes.
        queue_.Schedule(c.stall_until, kResched, e.target);
        break;
      }
      c.resched_pending = false;
      if (c.curr != kNoTask && tasks_[c.curr].polling) {
        // KVM polls only while nothing else wants the CPU (need_resched ends the poll).
        queue_.Cancel(c.poll_end);
        GiveUpPoll(e.target);
        break;
      }
      Schedule(e.target, c.curr);
      break;
    }
    case kBurstDone: {
      Cpu& c = cpus_[e.target];
      Account(e.target);
      if (const Task& t = tasks_[c.curr]; t.burst_left > 0 && !t.spinning && !t.polling) {
        // The CPU slowed down (or a tick added work) since the end was armed: not done yet.
        ArmBurst(e.target);
        break;
      }
      Advance(e.target, c.curr);
      break;
    }
    case kTick: {
      Cpu& c = cpus_[e.target];
      if (c.curr == kNoTask) break;  // the tick stops on an idle CPU (NOHZ)
      if (DeferToTimerIrq(e.target, e, &c.tick)) break;
      Account(e.target);
      // The next tick on the grid (a late tick does not shift the ones after it), unless the
      // CPU is nohz_full and its task needs none: this tick is the last, as the kernel stops
      // the tick on the way out of the interrupt.
      if (!c.tick_stoppable) {
        const SimDuration period = opt_.costs.tick_ns();
        c.tick = queue_.Schedule((now() / period + 1) * period, kTick, e.target);
      }
      if (const SimDuration cost = opt_.costs.effects.TickCost(); cost > 0) {
        Task& t = tasks_[c.curr];
        // The tick handler's time comes out of the running task's; its burst end, now early,
        // re-arms itself when it fires.
        if (!t.spinning && !t.polling) t.burst_left += cost;
      }
      cls_->Tick(e.target, c.curr);
      break;
    }
    case kSleepDone: {
      if (DeferToTimerIrq(tasks_[e.target].cpu, e, &tasks_[e.target].sleep_timer)) break;
      tasks_[e.target].sleep_until = -1;
      if (tasks_[e.target].polling) {
        EndPoll(e.target);
        break;
      }
      --blocked_tasks_;
      MakeRunnable(e.target, WakeInfo{});
      break;
    }
    case kArrival:
      --pending_starts_;
      if (!spec_.processes[e.target].background) --fg_pending_;
      OnArrival(e.target, static_cast<int>(e.arg));
      break;
    case kTaskStart: {
      --pending_starts_;
      if (!spec_.processes[result_.instances[e.target].process].background) --fg_pending_;
      --result_.instances[e.target].started_groups_pending;
      TaskId t = CreateTask(e.target, static_cast<int>(e.arg >> 32),
                            static_cast<int>(e.arg & 0xffffffff), kNoTask);
      if (t != kNoTask) StartTask(t, kNoTask);
      break;
    }
    case kClassTimer:
      cls_->OnTimer(e.arg);
      break;
    case kStop:
      stop_ = true;
      result_.stopped_by_duration = e.arg == 1;
      result_.hit_max_duration = e.arg == 2;
      break;
    case kRampEnd:
      UpdateSpeed(e.target);
      break;
    case kPollEnd:
      GiveUpPoll(e.target);
      break;
    case kHotplug:
      Hotplug(e.target, e.arg != 0);
      break;
    case kStall:
      StartStall(e.target);
      break;
  }
}

absl::Status Simulator::SetUpHotplug() {
  const int n = topo_.nr_cpus();
  online_ = CpuSet(n, /*full=*/true);
  hotplug_seq_ = static_cast<uint64_t>(n);  // each CPU came online at boot
  const workload::Workload& w = spec_.proto;
  if (!w.offline_cpus().empty()) {
    SCX_ASSIGN_OR_RETURN(
        CpuSet off, ParseCpuList(w.offline_cpus(), n, absl::StrCat(spec_.file, ": offline_cpus")));
    if (off.Count() == n) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec_.file, ": offline_cpus '", w.offline_cpus(),
                       "' takes every CPU offline; expected at least one online CPU"));
    }
    for (int c = off.First(); c >= 0; c = off.Next(c + 1)) {
      online_.Clear(c);
      ++hotplug_seq_;
    }
  }
  // Replayed on a copy of the online set, so that each event is checked where it happens.
  CpuSet online = online_;
  for (int i = 0; i < w.hotplug_size(); ++i) {
    const workload::Hotplug& h = w.hotplug(i);
    const std::string where = absl::StrCat(spec_.file, ": hotplug[", i, "]");
    if (h.cpu() >= n) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".cpu ", h.cpu(), " is outside the machine; expected 0..", n - 1));
    }
    if (online.Test(h.cpu()) == h.online()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": cpu ", h.cpu(), " is already ",
                                                     h.online() ? "online" : "offline",
                                                     "; expected a change"));
    }
    if (!h.online() && online.Count() == 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": cpu ", h.cpu(), " is the last online CPU; expected one to stay online"));
    }
    if (h.online()) {
      online.Set(h.cpu());
    } else {
      online.Clear(h.cpu());
    }
    queue_.Schedule(h.at_ns(), kHotplug, h.cpu(), h.online() ? 1 : 0);
  }
  return absl::OkStatus();
}

void Simulator::EffectiveAffinity(Task& t) const {
  t.affinity = t.requested_affinity;
  bool any = false;
  for (int c = t.affinity.First(); c >= 0; c = t.affinity.Next(c + 1)) {
    if (online_.Test(c)) {
      any = true;
    } else {
      t.affinity.Clear(c);
    }
  }
  if (!any) {
    // No allowed CPU is online: select_fallback_rq widens the task's affinity for good
    // (cpuset_cpus_allowed_fallback, "no longer affine to cpuN").
    t.requested_affinity = CpuSet(topo_.nr_cpus(), /*full=*/true);
    t.nr_cpus_allowed = topo_.nr_cpus();
    t.affinity = online_;
  }
}

// kernel/sched/core.c __sched_setaffinity / set_user_nice: the task changes under its run queue's
// lock, the class taking it off and back (TaskChanged); a running task that may no longer use
// its CPU is then moved by the stopper (here: its CPU reschedules, and the class moves it).
void Simulator::ChangeTask(TaskId id, const CpuSet* affinity, int nice) {
  Task& t = tasks_[id];
  if (t.state == TaskState::kExited) return;
  TaskChange change;
  if (affinity != nullptr && !(*affinity == t.requested_affinity)) {
    bool any_online = false;
    for (int c = affinity->First(); c >= 0 && !any_online; c = affinity->Next(c + 1)) {
      any_online = online_.Test(c);
    }
    if (any_online) {  // else sched_setaffinity fails with EINVAL: nothing changes
      t.requested_affinity = *affinity;
      t.nr_cpus_allowed = affinity->Count();
      EffectiveAffinity(t);
      change.affinity = true;
    }
  }
  if (nice >= -20 && nice <= 19 && nice != t.nice) {
    t.nice = nice;
    t.weight = NiceToWeight(nice);
    change.weight = true;
  }
  if (!change.affinity && !change.weight) return;
  cls_->TaskChanged(id, change);
  if (stop_) return;
  if (t.state == TaskState::kRunning && !t.affinity.Test(t.cpu)) Resched(t.cpu);
}

// kernel/sched/core.c sched_cpu_deactivate/sched_cpu_dying (offline: the CPU's task and queue
// move away) and sched_cpu_activate (online); each bumps the hotplug sequence.
void Simulator::Hotplug(int cpu, bool online) {
  if (stop_) return;
  ++hotplug_seq_;
  Cpu& c = cpus_[cpu];
  if (online) {
    online_.Set(cpu);
    for (Task& t : tasks_) {
      if (t.state != TaskState::kExited) EffectiveAffinity(t);
    }
    Account(cpu);
    c.idle_since = now();
    cls_->CpuHotplug(cpu, true);
    Resched(cpu);
    return;
  }
  online_.Clear(cpu);
  for (Task& t : tasks_) {
    if (t.state != TaskState::kExited) EffectiveAffinity(t);
  }
  if (c.curr != kNoTask && tasks_[c.curr].polling) {
    queue_.Cancel(c.poll_end);
    GiveUpPoll(cpu);  // the vCPU thread stops polling and blocks
  }
  if (c.curr != kNoTask) {
    Schedule(cpu, c.curr);  // the class requeues it: an offline CPU picks nothing
  } else {
    Account(cpu);
  }
  cls_->CpuHotplug(cpu, false);
}

void Simulator::OnArrival(int process, int instance_no) {
  const CompiledProcess& proc = spec_.processes[process];
  const int instance = static_cast<int>(result_.instances.size());
  InstanceMetrics im;
  im.process = process;
  im.instance = instance_no;
  im.arrival = now();
  result_.instances.push_back(im);
  members_.emplace_back(proc.groups.size());
  uint64_t* rng = &arrival_rng_[4 * process];
  for (size_t g = 0; g < proc.groups.size(); ++g) {
    const CompiledGroup& grp = proc.groups[g];
    if (grp.on_fork) continue;
    const int count = grp.per_cpu ? topo_.nr_cpus() : grp.count;
    for (int i = 0; i < count; ++i) {
      const SimDuration delay = grp.start ? SampleDist(*grp.start, rng) : 0;
      const uint64_t arg = (static_cast<uint64_t>(g) << 32) | static_cast<uint32_t>(i);
      if (delay == 0) {
        TaskId t = CreateTask(instance, static_cast<int>(g), i, kNoTask);
        if (t == kNoTask) return;
        StartTask(t, kNoTask);
      } else {
        // Counted live from now so the instance does not look complete before it starts.
        ++result_.instances[instance].started_groups_pending;
        queue_.Schedule(now() + delay, kTaskStart, instance, arg);
        ++pending_starts_;
        if (!proc.background) ++fg_pending_;
      }
    }
  }
}

TaskId Simulator::CreateTask(int instance, int group, int index, TaskId parent) {
  InstanceMetrics& im = result_.instances[instance];
  const CompiledProcess& proc = spec_.processes[im.process];
  const CompiledGroup& grp = proc.groups[group];
  if (static_cast<int64_t>(tasks_.size()) >= opt_.max_tasks) {
    Abort(absl::InvalidArgumentError(
        absl::StrCat(spec_.file, ": tasks created ", tasks_.size() + 1, " (by ",
                     parent == kNoTask ? "an arrival" : Position(parent), ") is above the limit ",
                     opt_.max_tasks, "; expected at most ", opt_.max_tasks,
                     " (--max_tasks=N raises the limit)")));
    return kNoTask;
  }
  const TaskId id = static_cast<TaskId>(tasks_.size());
  tasks_.emplace_back();
  Task& t = tasks_.back();
  t.id = id;
  t.pid = id + 1;
  t.name = absl::StrCat(proc.name, ".", im.instance, "/", grp.name, ".", index);
  t.instance = instance;
  t.process = result_.instances[instance].process;
  t.group = group;
  t.index = index;
  t.parent = parent;
  t.cgroup = grp.cgroup;
  t.nice = grp.nice;
  t.weight = NiceToWeight(grp.nice);
  t.affinity = group_affinity_[group_base_[im.process] + group];
  if (grp.per_cpu) {
    t.affinity = CpuSet(topo_.nr_cpus());
    t.affinity.Set(index % topo_.nr_cpus());
  }
  t.nr_cpus_allowed = t.affinity.Count();
  t.requested_affinity = t.affinity;
  EffectiveAffinity(t);
  t.working_set = grp.working_set;
  t.policy = static_cast<SchedPolicy>(grp.policy);
  t.rt_priority = grp.rt_priority;
  t.state = TaskState::kRunnable;
  t.cpu = parent != kNoTask ? tasks_[parent].cpu : t.affinity.First();
  if (!t.affinity.Test(t.cpu)) t.cpu = t.affinity.First();
  t.created_at = now();
  t.runnable_since = now();
  SeedStream(t.rng_state, opt_.seed, (static_cast<uint64_t>(instance) << 20) | group, index);
  SeedStream(t.irq_rng_state, opt_.seed,
             (static_cast<uint64_t>(instance) << 20) | group | (uint64_t{1} << 63), index);
  t.next_rr.assign(proc.groups.size(), 0);
  t.pending.assign(grp.channels.size(), 0);
  t.acks_expected.assign(grp.channels.size(), 0);
  members_[instance][group].push_back(id);
  ++im.live_tasks;
  ++live_tasks_;
  if (!proc.background) ++fg_live_;
  return id;
}

void Simulator::StartTask(TaskId t, TaskId parent) {
  if (obs_) obs_->TaskNew(now(), tasks_[t], parent == kNoTask ? nullptr : &tasks_[parent]);
  cls_->TaskNew(t, parent);
  if (obs_) obs_->Wakeup(now(), tasks_[t], tasks_[t].cpu, true);
}

void Simulator::Account(int cpu) {
  Cpu& c = cpus_[cpu];
  const SimTime t = now();
  if (t <= c.mark) return;
  CpuMetrics& m = result_.cpus[cpu];
  if (c.curr == kNoTask) {
    // Class overhead charged while idle (ChargeCpu) is not idle time.
    const SimTime busy_to = std::clamp(c.charged_until, c.mark, t);
    m.overhead_ns += busy_to - c.mark;
    m.idle_ns += t - busy_to;
  } else {
    Task& task = tasks_[c.curr];
    const SimTime work_from = std::max(c.mark, task.exec_start);
    if (work_from > c.mark) m.overhead_ns += std::min(t, work_from) - c.mark;
    if (t > work_from) {
      const SimDuration d = t - work_from;
      m.busy_ns += d;
      task.sum_exec += d;
      task.m.run_ns += d;
      // A stopped vCPU's task does no work, though its run time counts (the guest's clock runs
      // on). The CPU is accounted when a stall starts, so only the last stall can overlap.
      SimDuration w = d;
      if (c.stall_until > work_from && c.stall_from < t)
        w -= std::min(t, c.stall_until) - std::max(work_from, c.stall_from);
      // Work done: the CPU time at the CPU's speed (slower with a busy SMT sibling or ramping),
      // rounded up so that a burst armed for its exact wall time (ArmBurst) is done when it ends.
      task.burst_left -= c.speed_pm == 1000 ? w : (w * c.speed_pm + 999) / 1000;
    }
  }
  c.mark = t;
}

void Simulator::Resched(int cpu) {
  Cpu& c = cpus_[cpu];
  if (c.resched_pending) return;
  c.resched_pending = true;
  queue_.Schedule(now(), kResched, cpu);
}

EventHandle Simulator::StartTimer(SimTime when, uint64_t cookie) {
  return queue_.Schedule(when, kClassTimer, 0, cookie);
}

void Simulator::Fail(const std::string& why) {
  if (result_.failure.empty()) result_.failure = why;
  stop_ = true;
}

void Simulator::Detach(const std::string& why) {
  if (!opt_.fallback || cls_ == opt_.fallback) return Fail(why);
  if (result_.detached.empty()) {
    result_.detached = why;
    result_.detached_at = now();
  }
  switch_pending_ = true;
}

void Simulator::SwitchToFallback() {
  switch_pending_ = false;
  SchedClass* old = cls_;
  const std::vector<TaskId> queued = old->TakeQueued();
  old->Finish();
  cls_ = opt_.fallback;
  for (TaskId t : queued) cls_->TaskWakeup(t, WakeInfo{});
  // Every CPU looks for work in the new class (idle ones), or keeps its task (busy ones).
  for (int c = 0; c < topo_.nr_cpus(); ++c) Resched(c);
}

// The guest's timers (cost.timer_late): a timer that expires on a CPU is taken in that CPU's
// timer interrupt, which comes late by a draw from the measured lateness; every timer of the CPU
// that expires before it comes (the tick, other sleepers' ends) is taken in the same interrupt,
// as an emulated CPU takes its overdue timers together when its host thread runs.
bool Simulator::DeferToTimerIrq(int cpu, const Event& e, EventHandle* handle) {
  const HostEffects& fx = opt_.costs.effects;
  if (cpu >= 0 && Stalled(cpu)) {
    // A stopped vCPU takes its overdue timers together when it resumes.
    *handle = queue_.Schedule(cpus_[cpu].stall_until, e.kind, e.target, e.arg);
    return true;
  }
  if (!fx.timer_late || cpu < 0) return false;
  Cpu& c = cpus_[cpu];
  if (c.timer_irq_at == now()) return false;  // the interrupt: take the timer now
  if (c.timer_irq_at < now()) {
    c.timer_irq_at = now() + fx.TimerLate(NextUnit(timer_rng_));
    if (c.timer_irq_at == now()) return false;
  }
  *handle = queue_.Schedule(c.timer_irq_at, e.kind, e.target, e.arg);
  return true;
}

void Simulator::ArmTick(int cpu) {
  Cpu& c = cpus_[cpu];
  if (queue_.IsPending(c.tick)) return;
  // Ticks sit on one global grid (multiples of the tick period), as with a periodic timer.
  const SimDuration period = opt_.costs.tick_ns();
  c.tick = queue_.Schedule((now() / period + 1) * period, kTick, cpu);
}

void Simulator::UpdateTickStop(int cpu) {
  Cpu& c = cpus_[cpu];
  c.tick_stoppable =
      c.curr != kNoTask && opt_.nohz_full.Test(cpu) && cls_->CanStopTick(cpu, c.curr);
  // A stopped tick comes back (the kernel's tick dependency set): on the grid, as it left it.
  if (!c.tick_stoppable) ArmTick(cpu);
}

void Simulator::Schedule(int cpu, TaskId prev) {
  if (stop_) return;
  if (!online_.Test(cpu) && cpus_[cpu].curr == kNoTask) return;  // offline: runs nothing
  Account(cpu);
  Cpu& c = cpus_[cpu];
  c.picking = true;
  const TaskId next = cls_->PickNext(cpu, prev);
  c.picking = false;
  if (stop_) return;
  if (next != kNoTask && !online_.Test(cpu)) {
    return Abort(absl::InternalError(absl::StrCat("invariant: class ", cls_->name(),
                                                  " picked task ", next, " on offline cpu ", cpu)));
  }
  if (next != kNoTask && next == prev) {
    if (!tasks_[prev].affinity.Test(cpu)) {
      return Abort(
          absl::InternalError(absl::StrCat("invariant: class ", cls_->name(), " kept task ", prev,
                                           " on cpu ", cpu, " outside its affinity")));
    }
    // Its slice may have changed at the pick (nohz_full CPUs only: elsewhere the tick runs on).
    if (opt_.nohz_full.Test(cpu)) UpdateTickStop(cpu);
    // The pick's callbacks were charged to the CPU; the kept task's work absorbs them.
    if (c.charged_until > now()) {
      DelayRunning(cpu, c.charged_until - now());
      c.charged_until = now();
    }
    return;  // keep running; no switch, no cost
  }
  const TaskId prev_task = c.curr;
  if (c.curr != kNoTask) {
    queue_.Cancel(c.burst_done);
    Task& old = tasks_[c.curr];
    old.last_ran_end = now();
    if (old.state == TaskState::kRunning) {  // preempted while runnable
      old.state = TaskState::kRunnable;
      old.runnable_since = now();
      ++old.m.nr_preempted;
    }
    c.curr = kNoTask;
  }
  if (obs_ && (prev_task != kNoTask || next != kNoTask)) {
    // As the kernel does, sched_migrate_task comes before the switch to the moved task.
    if (next != kNoTask && tasks_[next].last_ran_cpu >= 0 && tasks_[next].last_ran_cpu != cpu) {
      obs_->Migrate(now(), tasks_[next], tasks_[next].last_ran_cpu, cpu);
    }
    const Task* p = prev_task == kNoTask ? nullptr : &tasks_[prev_task];
    obs_->Switch(now(), cpu, p, p ? p->state : TaskState::kRunnable,
                 next == kNoTask ? nullptr : &tasks_[next]);
  }
  if (next == kNoTask) {
    // The pending tick stays: it finds the CPU idle and stops (cheaper than cancel + re-arm
    // when the CPU is busy again within the period).
    if (prev_task != kNoTask) {
      c.idle_since = now();
      SiblingsChanged(cpu);
    }
    return;
  }
  SimDuration wake_delay = 0;
  if (prev_task == kNoTask) {
    // Leaving idle: the idle state's exit latency, and a slow start if it idled long enough.
    const HostEffects& fx = opt_.costs.effects;
    const SimDuration idle_for = now() - c.idle_since;
    wake_delay = fx.IdleExitLatency(idle_for);
    if (fx.FreqRamps() && idle_for >= fx.freq_idle_ns) {
      c.ramp_until = now() + fx.freq_ramp_ns;
      queue_.Cancel(c.ramp_end);
      c.ramp_end = queue_.Schedule(c.ramp_until, kRampEnd, cpu);
    }
  }
  SwitchIn(cpu, next, wake_delay);
  if (prev_task == kNoTask) SiblingsChanged(cpu);
}

void Simulator::ArmBurst(int cpu) {
  Cpu& c = cpus_[cpu];
  const Task& t = tasks_[c.curr];
  if (t.spinning || t.polling) return;  // no end of their own: a wake ends them
  queue_.Cancel(c.burst_done);
  SimDuration wall = std::max<SimDuration>(t.burst_left, 0);
  if (c.speed_pm != 1000) wall = (wall * 1000 + c.speed_pm - 1) / c.speed_pm;
  SimTime from = std::max(now(), t.exec_start);
  if (c.stall_from <= from && from < c.stall_until) from = c.stall_until;  // stopped until then
  c.burst_done = queue_.Schedule(from + wall, kBurstDone, cpu);
}

void Simulator::ArmStall(int cpu) {
  // Exponential running time between stalls: a host that deschedules the vCPU's thread at
  // moments that do not depend on what the guest runs.
  const double u = NextUnit(stall_rng_);
  const double gap = -std::log1p(-std::min(u, 1.0 - 1e-12)) *
                     static_cast<double>(opt_.costs.effects.VcpuStallMeanGap());
  const SimTime from = std::max(now(), cpus_[cpu].stall_until);
  queue_.Schedule(from + std::max<SimDuration>(1, static_cast<SimDuration>(gap)), kStall, cpu);
}

void Simulator::StartStall(int cpu) {
  Account(cpu);  // the work before the stall
  Cpu& c = cpus_[cpu];
  c.stall_from = now();
  c.stall_until =
      now() + std::max<SimDuration>(1, opt_.costs.effects.VcpuStall(NextUnit(stall_rng_)));
  if (obs_) obs_->VcpuStall(now(), cpu, c.stall_until);
  if (c.curr != kNoTask) ArmBurst(cpu);  // its end moves past the stall
  ArmStall(cpu);
}

void Simulator::ChargeCpu(int cpu, SimDuration ns) {
  if (ns <= 0 || cpu < 0 || cpu >= topo_.nr_cpus()) return;
  Cpu& c = cpus_[cpu];
  // A running task's work absorbs the overhead at once; otherwise (idle, in the pick, or the
  // task leaving the CPU) the CPU owes it and the next task starts after it.
  if (c.curr != kNoTask && !c.picking && tasks_[c.curr].state == TaskState::kRunning) {
    DelayRunning(cpu, ns);
    return;
  }
  Account(cpu);
  c.charged_until = std::max(now(), c.charged_until) + ns;
}

void Simulator::DelayRunning(int cpu, SimDuration ns) {
  Account(cpu);
  Task& t = tasks_[cpus_[cpu].curr];
  t.exec_start = std::max(now(), t.exec_start) + ns;
  ArmBurst(cpu);
}

int Simulator::SpeedOf(int cpu) const {
  bool sibling_busy = false;
  if (topo_.smt() > 1 && opt_.costs.effects.smt) {
    for (int32_t s : topo_.core_cpus(cpu)) sibling_busy |= s != cpu && cpus_[s].curr != kNoTask;
  }
  return opt_.costs.effects.SpeedPermille(sibling_busy, now() < cpus_[cpu].ramp_until);
}

void Simulator::UpdateSpeed(int cpu) {
  Cpu& c = cpus_[cpu];
  const int speed = SpeedOf(cpu);
  if (speed == c.speed_pm) return;
  if (c.curr == kNoTask) {
    c.speed_pm = speed;
    return;
  }
  Account(cpu);  // the work so far at the old speed
  const bool faster = speed > c.speed_pm;
  c.speed_pm = speed;
  // Faster: the burst ends earlier, re-arm now. Slower: the armed end comes early and re-arms
  // itself then (kBurstDone), which spares the event queue a cancelled entry.
  if (faster) ArmBurst(cpu);
}

void Simulator::SiblingsChanged(int cpu) {
  if (topo_.smt() <= 1 || !opt_.costs.effects.smt) return;
  for (int32_t s : topo_.core_cpus(cpu)) {
    if (s != cpu) UpdateSpeed(s);
  }
}

void Simulator::SwitchIn(int cpu, TaskId next, SimDuration wake_delay) {
  Cpu& c = cpus_[cpu];
  Task& t = tasks_[next];
  if (t.state != TaskState::kRunnable || !t.affinity.Test(cpu)) {
    Fail(absl::StrCat("invariant: the class picked task ", t.name, " for cpu ", cpu, " but it is ",
                      t.state == TaskState::kRunnable ? "not allowed there" : "not runnable"));
    return;
  }
  const SimDuration waited = now() - t.runnable_since;
  wait_hist_->Add(waited);
  result_.group_wait[group_index(t)].Add(waited);
  t.m.wait_ns += waited;
  t.m.wait_max_ns = std::max(t.m.wait_max_ns, waited);
  ++t.m.waits;
  ++t.m.nr_switches;
  ++result_.cpus[cpu].nr_switches;
  ++result_.context_switches;
  if (t.last_ran_cpu >= 0 && t.last_ran_cpu != cpu) {
    const Distance d = topo_.distance(t.last_ran_cpu, cpu);
    ++t.m.migrations[static_cast<int>(d)];
    if (now() - t.last_ran_end < opt_.costs.cache_hot_ns) {
      const SimDuration refill = opt_.costs.refill(d, t.working_set);
      t.burst_left += refill;
      t.m.refill_ns += refill;
    }
  }
  t.state = TaskState::kRunning;
  t.cpu = cpu;
  t.last_ran_cpu = cpu;
  // Class overhead still owed by the CPU (ChargeCpu while idle or in the pick) comes first.
  t.exec_start = std::max(now(), c.charged_until) + opt_.costs.context_switch_ns + wake_delay;
  c.curr = next;
  c.mark = now();
  // The speed the task starts at (its sibling may be busy, the CPU may be ramping).
  c.speed_pm = SpeedOf(cpu);
  // A spinning task has no end to its burst: the last wake it waits for ends it (EndSpin).
  ArmBurst(cpu);
  // The tick runs while the CPU is busy; a pending one from before is kept. On a nohz_full CPU a
  // task that needs no tick leaves it stopped (after idle) or lets the pending one be the last.
  UpdateTickStop(cpu);
  // On a CPU now: acknowledge the interrupts that came while it was not.
  if (!t.acks_owed.empty()) {
    for (size_t i = 0; i < t.acks_owed.size(); ++i) {
      Deliver(t.acks_owed[i].first, t.acks_owed[i].second, next, cpu, false);
    }
    t.acks_owed.clear();
  }
}

void Simulator::MakeRunnable(TaskId id, const WakeInfo& info) {
  Task& t = tasks_[id];
  if (obs_)
    obs_->Waking(now(), t, info.waker == kNoTask ? nullptr : &tasks_[info.waker], info.waker_cpu);
  t.state = TaskState::kRunnable;
  t.runnable_since = now();
  ++t.m.wakeups;
  if (t.halt_start >= 0) EndHalt(t);
  cls_->TaskWakeup(id, info);
  if (obs_) obs_->Wakeup(now(), tasks_[id], tasks_[id].cpu, false);
}

void Simulator::Halt(int cpu, TaskId id) {
  Task& t = tasks_[id];
  const HostEffects& fx = opt_.costs.effects;
  if (!group_of(t).halt_poll || !fx.HaltPolls()) return Block(cpu, id);
  t.halt_start = now();
  if (t.halt_poll_window <= 0) return Block(cpu, id);
  // Poll: stay on the CPU, busy to the scheduler, until a wake, the window's end or a resched.
  t.polling = true;
  t.burst_left = kSpinBurst;
  queue_.Cancel(cpus_[cpu].burst_done);
  cpus_[cpu].poll_end = queue_.Schedule(now() + t.halt_poll_window, kPollEnd, cpu);
}

void Simulator::EndPoll(TaskId id) {
  Task& t = tasks_[id];
  const int cpu = t.cpu;
  queue_.Cancel(cpus_[cpu].poll_end);
  Account(cpu);
  t.polling = false;
  EndHalt(t);
  t.burst_left = 0;
  ArmBurst(cpu);  // goes on with its program at once
}

void Simulator::GiveUpPoll(int cpu) {
  const TaskId id = cpus_[cpu].curr;
  Task& t = tasks_[id];
  Account(cpu);
  t.polling = false;
  t.burst_left = 0;
  Block(cpu, id);
}

void Simulator::EndHalt(Task& t) {
  t.halt_poll_window = opt_.costs.effects.NextHaltPoll(t.halt_poll_window, now() - t.halt_start);
  t.halt_start = -1;
}

void Simulator::Block(int cpu, TaskId id) {
  Task& t = tasks_[id];
  t.state = TaskState::kBlocked;
  t.last_ran_end = now();
  ++blocked_tasks_;
  cls_->TaskBlock(id, cpu);
  Schedule(cpu, kNoTask);
}

void Simulator::Exit(int cpu, TaskId id) {
  Task& t = tasks_[id];
  t.state = TaskState::kExited;
  t.exited_at = now();
  t.last_ran_end = now();
  --live_tasks_;
  if (!spec_.processes[t.process].background) --fg_live_;
  InstanceMetrics& im = result_.instances[t.instance];
  if (--im.live_tasks == 0 && im.started_groups_pending == 0) im.completed = now();
  if (obs_) obs_->Exit(now(), t);
  cls_->TaskExit(id, cpu);
  Schedule(cpu, kNoTask);
}

void Simulator::Abort(absl::Status error) {
  if (error_.ok()) error_ = std::move(error);
  stop_ = true;
}

namespace {

// The field path of the op a task's cursor last stepped (it has moved past it).
std::string OpPath(const CompiledGroup& g, const ProgramCursor& cursor, const CompiledOp** op) {
  const int32_t pc =
      std::clamp<int32_t>(cursor.pc - 1, 0, static_cast<int32_t>(g.program.size()) - 1);
  *op = &g.program[pc];
  return pc < static_cast<int32_t>(g.op_paths.size()) ? g.op_paths[pc]
                                                      : absl::StrCat("program op ", pc);
}

}  // namespace

std::string Simulator::Position(TaskId id) const {
  if (id == kNoTask) return "no task";
  const Task& t = tasks_[id];
  const CompiledOp* op = nullptr;
  const std::string path = OpPath(group_of(t), t.cursor, &op);
  return absl::StrCat("task ", t.name, " at ", path, " (", OpName(*op), ")");
}

void Simulator::CollectStuck() {
  for (const Task& t : tasks_) {
    if (t.state != TaskState::kBlocked || !t.waiting) continue;
    if (has_foreground_ && spec_.processes[t.process].background) continue;  // not the run's to end
    const CompiledGroup& g = group_of(t);
    const CompiledOp* op = nullptr;
    StuckTask s;
    s.task = t.id;
    s.name = t.name;
    s.op_path = OpPath(g, t.cursor, &op);
    s.channel = g.channels[t.wait_channel];
    s.wakes_missing = t.wait_left;
    s.since = t.last_ran_end;
    result_.stuck.push_back(std::move(s));
  }
}

absl::Status Simulator::CheckTasks() const {
  int64_t running = 0;
  for (const Cpu& c : cpus_) running += c.curr != kNoTask;
  const int64_t queued = cls_->nr_queued();
  if (running + blocked_tasks_ + queued != live_tasks_) {
    return absl::InternalError(absl::StrCat(
        "invariant: task lost at t=", now(), ": ", live_tasks_, " live tasks but ", running,
        " running + ", blocked_tasks_, " blocked + ", queued, " queued in class ", cls_->name()));
  }
  return absl::OkStatus();
}

absl::Status Simulator::CheckCpuTime() const {
  SimDuration task_time = 0;
  for (const Task& t : tasks_) task_time += t.m.run_ns;
  SimDuration busy = 0;
  for (int c = 0; c < topo_.nr_cpus(); ++c) {
    const CpuMetrics& m = result_.cpus[c];
    busy += m.busy_ns;
    if (m.busy_ns + m.overhead_ns + m.idle_ns != result_.end_time) {
      return absl::InternalError(absl::StrCat("invariant: cpu ", c, " accounts ",
                                              m.busy_ns + m.overhead_ns + m.idle_ns, " ns of ",
                                              result_.end_time));
    }
  }
  if (busy != task_time) {
    return absl::InternalError(
        absl::StrCat("invariant: CPUs ran tasks for ", busy, " ns but tasks ran ", task_time));
  }
  return absl::OkStatus();
}

}  // namespace scxtwin::sim
