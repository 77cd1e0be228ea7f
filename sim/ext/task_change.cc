// A task's properties change while the policy schedules it (ext.c's side of the kernel's
// sched_change: dequeue_task_scx, set_cpus_allowed_scx, reweight_task_scx, enqueue_task_scx,
// set_next_task_scx), and the running task that may no longer use its CPU is moved
// (migration_cpu_stop: put_prev_task_scx, then ops.enqueue on a CPU it allows).
#include <algorithm>
#include <cstring>

#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

// The task_struct fields a property change touches, from the simulator's Task.
void ExtClass::SyncTaskProperties(TaskId t) {
  const Task& task = ctx_->task(t);
  task_struct& p = ts_[t];
  std::memset(&p.cpus_mask, 0, sizeof(p.cpus_mask));
  for (size_t w = 0; w < task.affinity.words().size() && w < sizeof(p.cpus_mask.bits) / 8; ++w) {
    p.cpus_mask.bits[w] = task.affinity.words()[w];
  }
  p.nr_cpus_allowed = task.nr_cpus_allowed;
  p.static_prio = 120 + task.nice;
  p.prio = p.normal_prio = p.static_prio;
  p.scx.weight = std::max<u32>(1, (task.weight * 100 + 512) / 1024);  // sched_weight_to_cgroup
}

// sched_change for t: a queued task leaves its queue (ops.dequeue with SCX_DEQ_SCHED_CHANGE if
// the policy holds it, then ops.quiescent), the running one stops (ops.stopping(false),
// ops.quiescent); the change is told (ops.set_cpumask, ops.set_weight); then the queued task is
// enqueued again (ops.runnable, ops.enqueue) on a CPU it allows, and the running one runs on
// (ops.runnable, ops.running). A blocked task only gets the change.
void ExtClass::TaskChanged(TaskId t, const TaskChange& change) {
  if (exited_ || t >= static_cast<TaskId>(et_.size())) return;
  task_struct* p = &ts_[t];
  const ExtTaskState state = et_[t].state;
  const int cpu = ctx_->task(t).cpu;
  const bool running = state == ExtTaskState::kRunning;
  const bool queued = ExtRunnable(state) && !running;
  if (state == ExtTaskState::kDisabled) {
    SyncTaskProperties(t);  // not the policy's task: nothing to tell
    return;
  }
  if (queued) {
    if (ExtInCustody(state) && ops_->dequeue) {
      Callback(
          "dequeue", cpu, Ctx::kOther, [&] { ops_->dequeue(p, SCX_DEQ_SCHED_CHANGE); },
          ",\"pid\":%d,\"deq_flags\":%d", p->pid, SCX_DEQ_SCHED_CHANGE);
    }
    if (et_[t].dsq != nullptr) {
      DsqRemove(t);
    } else {
      --nr_queued_;  // kBpf: only the policy knew where it was
    }
    SetState(t, ExtTaskState::kReady);
  } else if (running) {
    ctx_->UpdateCurr(cpu);
    ChargeSlice(t);
    if (ops_->stopping && !exit_pending_) {
      Callback(
          "stopping", cpu, Ctx::kOther, [&] { ops_->stopping(p, false); },
          ",\"pid\":%d,\"runnable\":false", p->pid);
    }
  }
  if ((queued || running) && ops_->quiescent && !exit_pending_) {
    Callback(
        "quiescent", cpu, Ctx::kOther, [&] { ops_->quiescent(p, 0); },
        ",\"pid\":%d,\"deq_flags\":0", p->pid);
  }
  SyncTaskProperties(t);
  if (change.affinity && ops_->set_cpumask && !exit_pending_) {
    Callback(
        "set_cpumask", cpu, Ctx::kOther, [&] { ops_->set_cpumask(p, p->cpus_ptr); },
        ",\"pid\":%d,\"nr_cpus_allowed\":%d", p->pid, p->nr_cpus_allowed);
  }
  if (change.weight && ops_->set_weight && !exit_pending_) {
    Callback(
        "set_weight", cpu, Ctx::kOther, [&] { ops_->set_weight(p, p->scx.weight); },
        ",\"pid\":%d,\"weight\":%d", p->pid, p->scx.weight);
  }
  if ((queued || running) && ops_->runnable && !exit_pending_) {
    Callback(
        "runnable", cpu, Ctx::kOther, [&] { ops_->runnable(p, 0); }, ",\"pid\":%d,\"enq_flags\":0",
        p->pid);
  }
  if (queued && !exit_pending_) {
    // The stopper would move a task queued on a CPU it no longer allows: queue it on one it does.
    const Task& task = ctx_->task(t);
    if (!task.affinity.Test(task.cpu)) ctx_->SetTaskCpu(t, FallbackCpu(t, task.cpu));
    et_[t].runnable_at = ctx_->now();
    EnqueueTask(t, 0, cpu);
    if (!exit_pending_ && ctx_->curr(task.cpu) == kNoTask) ctx_->Resched(task.cpu);
  } else if (running && ops_->running && !exit_pending_) {
    Callback(
        "running", cpu, Ctx::kOther, [&] { ops_->running(p); }, ",\"pid\":%d", p->pid);
  }
  if (exit_pending_ && queued && !Placed(t)) limbo_.push_back(t);
  Eject();
}

// migration_cpu_stop for prev, running on a CPU its affinity lost: the stopper preempts it
// (put_prev_task_scx: ops.stopping(true)) and move_queued_task queues it on a CPU it allows
// through ops.enqueue. Returns false if the policy was ejected meanwhile (prev is then handed
// over with the queued tasks).
bool ExtClass::MigrateOff(int cpu, TaskId prev) {
  task_struct* pp = &ts_[prev];
  ctx_->UpdateCurr(cpu);
  ChargeSlice(prev);
  if (ops_->stopping) {
    Callback(
        "stopping", cpu, Ctx::kOther, [&] { ops_->stopping(pp, true); },
        ",\"pid\":%d,\"runnable\":true", pp->pid);
  }
  et_[prev].runnable_at = ctx_->now();
  SetState(prev, ExtTaskState::kReady);
  if (exit_pending_) {
    limbo_.push_back(prev);
    return false;
  }
  const int dst = FallbackCpu(prev, cpu);
  ctx_->SetTaskCpu(prev, dst);
  EnqueueTask(prev, 0, cpu);
  if (exit_pending_) {
    if (!Placed(prev)) limbo_.push_back(prev);
    return false;
  }
  if (ctx_->curr(dst) == kNoTask) ctx_->Resched(dst);
  return true;
}

}  // namespace scxtwin::sim
