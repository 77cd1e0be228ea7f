#include "sim/fair/fair_class.h"

#include <algorithm>

namespace scxtwin::sim::fair {

FairClass::FairClass(FairParams params) : params_(params) {}

absl::Status FairClass::Init(SchedContext* ctx) {
  ctx_ = ctx;
  const int n = ctx->topology().nr_cpus();
  params_.tick_ns = ctx->costs().tick_ns();
  base_slice_ = params_.BaseSlice(n);
  // A class serves one run: Init starts from scratch.
  rqs_.clear();
  ents_.clear();
  recent_used_cpu_.clear();
  stats_ = BalanceStats();
  nohz_next_balance_ = 0;
  for (int c = 0; c < n; ++c) rqs_.push_back(std::make_unique<RunQueue>(&params_));
  domains_ = std::make_unique<SchedDomains>(ctx->topology(), params_);
  // The kernel starts avg_idle at 2 * sysctl_sched_migration_cost.
  avg_idle_.assign(n, 2 * params_.migration_cost_ns);
  idle_stamp_.assign(n, 0);
  lazy_resched_.assign(n, false);
  nr_idle_scan_.assign(ctx->topology().nr_llcs(), 0);
  for (int c = 0; c < n; ++c) {
    nr_idle_scan_[ctx->topology().place(c).llc] = ctx->topology().llc_cpus(c).size();
  }
  return absl::OkStatus();
}

Entity& FairClass::Ent(TaskId t) {
  while (static_cast<TaskId>(ents_.size()) <= t) {
    Entity e;
    e.id = static_cast<int32_t>(ents_.size());
    ents_.push_back(e);
    recent_used_cpu_.push_back(-1);
  }
  return ents_[t];
}

void FairClass::InitEntity(TaskId t) {
  Entity& e = Ent(t);
  if (e.slice != 0) return;
  e.weight = ctx_->task(t).weight;
  e.slice = base_slice_;
  e.vlag = 0;
  e.exec_seen = ctx_->task(t).sum_exec;
}

void FairClass::AdoptRunning(int cpu, TaskId t) {
  Entity& e = Ent(t);
  if (e.on_rq) return;
  InitEntity(t);
  e.exec_seen = ctx_->task(t).sum_exec;
  Enqueue(cpu, &e, /*initial=*/false);
  Rq(cpu).SetCurr(&e);
}

bool FairClass::Idle(int cpu) const {
  return ctx_->curr(cpu) == kNoTask && rqs_[cpu]->nr_runnable() == 0;
}

bool FairClass::SharesCache(int a, int b) const {
  return ctx_->topology().place(a).llc == ctx_->topology().place(b).llc;
}

int64_t FairClass::nr_queued() const {
  int64_t n = 0;
  for (const auto& rq : rqs_) n += rq->nr_runnable() - (rq->curr() != nullptr ? 1 : 0);
  return n;
}

void FairClass::UpdateCurr(int cpu, bool from_tick) {
  ctx_->UpdateCurr(cpu);
  RunQueue& rq = Rq(cpu);
  if (rq.curr() == nullptr) return;
  if (rq.UpdateCurr(ctx_->task(rq.curr()->id).sum_exec)) {
    // The request ended with others runnable: without HRTICK this is seen at the tick or
    // whenever the queue is touched (docs/model.md 1).
    if (from_tick) ++stats_.tick_preemptions;
    ReschedCurr(cpu, from_tick);
  }
}

void FairClass::ReschedCurr(int cpu, bool from_tick) {
  if (from_tick || !params_.lazy_preemption) {
    ctx_->Resched(cpu);
    return;
  }
  if (!lazy_resched_[cpu]) ++stats_.lazy_deferrals;
  lazy_resched_[cpu] = true;
}

void FairClass::Enqueue(int cpu, Entity* e, bool initial) {
  // enqueue_entity brings curr up to date first, so V includes what it ran until now.
  UpdateCurr(cpu, false);
  e->cpu = cpu;
  Rq(cpu).Enqueue(e, initial);
  ctx_->SetTaskCpu(e->id, cpu);
}

void FairClass::CheckPreempt(int cpu, Entity* wakee) {
  const TaskId curr = ctx_->curr(cpu);
  if (curr == kNoTask) {
    ctx_->Resched(cpu);
    return;
  }
  if (!params_.wakeup_preemption) return;
  UpdateCurr(cpu, false);
  RunQueue& rq = Rq(cpu);
  if (rq.curr() == nullptr) return;
  // PREEMPT_SHORT (docs/model.md 1): a wakee with a shorter slice cancels curr's protection.
  if (params_.preempt_short && wakee->slice < rq.curr()->slice) rq.CancelProtection();
  // docs/model.md 1: "preempt iff the wakee would be picked".
  if (rq.Pick() == wakee) {
    ++stats_.wakeup_preemptions;
    ReschedCurr(cpu, false);
  }
}

void FairClass::TaskNew(TaskId t, TaskId parent) {
  InitEntity(t);
  Entity& e = Ent(t);
  const Task& task = ctx_->task(t);
  const int from = parent != kNoTask ? ctx_->task(parent).cpu : task.cpu;
  const int cpu = SelectForkCpu(t, from);
  Enqueue(cpu, &e, /*initial=*/true);
  CheckPreempt(cpu, &e);
}

void FairClass::TaskWakeup(TaskId t, const WakeInfo& wake) {
  InitEntity(t);
  Entity& e = Ent(t);
  e.exec_seen = ctx_->task(t).sum_exec;
  if (e.on_rq && e.delayed) {
    // Still queued (DELAY_DEQUEUE): woken in place, no CPU choice (docs/model.md 1).
    Rq(e.cpu).Requeue(&e);
    CheckPreempt(e.cpu, &e);
    return;
  }
  const int cpu = SelectWakeCpu(t, wake);
  Enqueue(cpu, &e, /*initial=*/false);
  CheckPreempt(cpu, &e);
}

void FairClass::TaskBlock(TaskId t, int cpu) {
  AdoptRunning(cpu, t);
  UpdateCurr(cpu, false);
  Entity& e = Ent(t);
  if (Rq(cpu).DequeueSleep(&e)) ++stats_.delayed_dequeues;
}

void FairClass::TaskExit(TaskId t, int cpu) {
  AdoptRunning(cpu, t);
  UpdateCurr(cpu, false);
  Rq(cpu).Remove(&Ent(t));
}

void FairClass::Tick(int cpu, TaskId curr) {
  AdoptRunning(cpu, curr);
  UpdateCurr(cpu, true);
  // The tick turns a lazy reschedule mark into a reschedule.
  if (lazy_resched_[cpu]) ctx_->Resched(cpu);
  TriggerLoadBalance(cpu);
  // NOHZ idle balance (docs/model.md 1): a queue with >= 2 tasks kicks the idle CPUs' balancing.
  if (Rq(cpu).nr_runnable() >= params_.nohz_kick_nr_running && ctx_->now() >= nohz_next_balance_) {
    NohzIdleBalance();
  }
}

TaskId FairClass::PickNext(int cpu, TaskId prev) {
  RunQueue& rq = Rq(cpu);
  if (!ctx_->cpu_online(cpu)) {
    // Going offline: prev goes back to the queue, which CpuHotplug empties.
    if (prev != kNoTask) {
      AdoptRunning(cpu, prev);
      UpdateCurr(cpu, false);
    }
    rq.PutPrev();
    return kNoTask;
  }
  lazy_resched_[cpu] = false;  // any pass through the scheduler consumes the mark
  if (prev != kNoTask && !ctx_->task(prev).affinity.Test(cpu)) {
    // Its affinity lost this CPU: the stopper moves it (migration_cpu_stop), then the CPU picks.
    AdoptRunning(cpu, prev);
    UpdateCurr(cpu, false);
    MoveToAllowed(&Ent(prev), cpu);
    prev = kNoTask;
  }
  if (prev != kNoTask) {
    AdoptRunning(cpu, prev);
    UpdateCurr(cpu, false);
  } else {
    rq.PutPrev();
  }
  bool balanced = false;
  for (;;) {
    Entity* e = rq.Pick();
    if (e != nullptr && e->delayed) {
      // A delayed task reached the front: its dequeue completes now (docs/model.md 1).
      rq.FinishDelayed(e);
      continue;
    }
    if (e != nullptr) {
      rq.SetCurr(e);
      if (idle_stamp_[cpu] != 0) {
        // avg_idle: an 8-sample running mean of idle periods, capped at twice the migration
        // cost (the kernel's update of rq->avg_idle).
        const SimDuration idle = ctx_->now() - idle_stamp_[cpu];
        avg_idle_[cpu] += (idle - avg_idle_[cpu]) / 8;
        avg_idle_[cpu] = std::min(avg_idle_[cpu], 2 * params_.migration_cost_ns);
        idle_stamp_[cpu] = 0;
      }
      return e->id;
    }
    if (balanced || prev != kNoTask) break;
    balanced = true;
    // The CPU would go idle: a newidle pass first. A task it pulls ends no idle period (the
    // kernel clears idle_stamp without sampling avg_idle).
    const SimTime stamp = idle_stamp_[cpu];
    idle_stamp_[cpu] = 0;
    if (!NewidleBalance(cpu)) {
      idle_stamp_[cpu] = stamp;
      break;
    }
  }
  if (idle_stamp_[cpu] == 0) idle_stamp_[cpu] = std::max<SimTime>(ctx_->now(), 1);
  return kNoTask;
}

void FairClass::CpuTakenByHigher(int cpu, TaskId prev) {
  if (prev == kNoTask) return;
  AdoptRunning(cpu, prev);
  UpdateCurr(cpu, false);
  Rq(cpu).PutPrev();
}

// sched_cpu_dying -> migrate_tasks: every task queued on an offline CPU moves to the nearest
// CPU it may run on (select_fallback_rq: its node first); a delayed dequeue completes.
void FairClass::CpuHotplug(int cpu, bool online) {
  if (online) return;  // an onlined CPU gets work from wakeups and balancing
  RunQueue& from = Rq(cpu);
  const std::vector<Entity*> queued = from.queued();
  for (Entity* e : queued) {
    if (e->delayed) {
      from.FinishDelayed(e);
      continue;
    }
    MoveToAllowed(e, cpu);
  }
}

int FairClass::NearestAllowed(TaskId t, int from) const {
  const CpuSet& allowed = ctx_->task(t).affinity;
  for (int c : ctx_->topology().node_cpus(from)) {
    if (allowed.Test(c)) return c;
  }
  return allowed.First();
}

void FairClass::MoveToAllowed(Entity* e, int from) {
  const int dst = NearestAllowed(e->id, from);
  Rq(from).Remove(e);  // its lag saved: placed on dst by PLACE_LAG
  Enqueue(dst, e, /*initial=*/false);
  CheckPreempt(dst, e);
}

// sched_change for a fair task: set_user_nice's reweight_entity keeps its lag; a new affinity
// moves a queued task off a CPU it no longer allows (a delayed dequeue there completes first);
// the running one moves when its CPU reschedules (PickNext).
void FairClass::TaskChanged(TaskId t, const TaskChange& change) {
  Entity& e = Ent(t);
  if (e.slice == 0) return;  // never seen: InitEntity reads the new weight when it is
  const Task& task = ctx_->task(t);
  if (change.weight) {
    if (e.on_rq) UpdateCurr(e.cpu, false);  // curr's time so far at its old weight
    Rq(e.cpu < 0 ? 0 : e.cpu).Reweight(&e, task.weight);
    // prio_changed_fair: the queue's order changed; a waiting task may now be the one to run.
    if (e.on_rq && !e.delayed && task.state == TaskState::kRunnable) CheckPreempt(e.cpu, &e);
  }
  if (change.affinity && e.on_rq && !task.affinity.Test(e.cpu)) {
    if (e.delayed) {
      Rq(e.cpu).FinishDelayed(&e);
    } else if (task.state == TaskState::kRunnable) {
      MoveToAllowed(&e, e.cpu);
    }
  }
}

}  // namespace scxtwin::sim::fair
