// A task's properties change while the policy schedules it (ext.c's side of the kernel's
// sched_change: dequeue_task_scx, set_cpus_allowed_scx, reweight_task_scx, enqueue_task_scx,
// set_next_task_scx), and the running task that may no longer use its CPU is moved
// (migration_cpu_stop: put_prev_task_scx, then ops.enqueue on a CPU it allows). BeginChange and
// EndChange, the ext class's sched_change, serve every change (the cgroup move in cgroups.cc
// too) and a running task blocking or exiting (ext_class.cc).
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

// sched_change_begin: dequeue_task_scx, whose deq_flags are the core's plus
// SCX_DEQ_SCHED_CHANGE for anything but a sleep; put_prev_task_scx has nothing to add for a
// running task, whose ops.stopping the dequeue already called.
ExtClass::ChangeScope ExtClass::BeginChange(TaskId t, u64 deq_flags) {
  ChangeScope scope;
  const ExtTaskState state = et_[t].state;
  scope.cpu = ctx_->task(t).cpu;
  scope.running = state == ExtTaskState::kRunning;
  scope.queued = ExtRunnable(state) && !scope.running;
  if (!scope.queued && !scope.running) return scope;
  if (!(deq_flags & SCX_DEQ_SLEEP)) deq_flags |= SCX_DEQ_SCHED_CHANGE;
  task_struct* p = &ts_[t];
  const int cpu = scope.cpu;
  if (scope.queued) {
    if (ExtInCustody(state) && ops_->dequeue) {
      Callback(
          "dequeue", cpu, Ctx::kOther, [&] { ops_->dequeue(p, deq_flags); },
          ",\"pid\":%d,\"deq_flags\":%d", p->pid, deq_flags);
    }
    if (et_[t].dsq != nullptr) {
      DsqRemove(t);
    } else {
      --nr_queued_;  // kBpf: only the policy knew where it was
    }
    SetState(t, ExtTaskState::kReady);
  } else {
    ctx_->UpdateCurr(cpu);
    ChargeSlice(t);
    if (ops_->stopping) {
      Callback(
          "stopping", cpu, Ctx::kOther, [&] { ops_->stopping(p, false); },
          ",\"pid\":%d,\"runnable\":false", p->pid);
    }
  }
  if (ops_->quiescent) {
    Callback(
        "quiescent", cpu, Ctx::kOther, [&] { ops_->quiescent(p, deq_flags); },
        ",\"pid\":%d,\"deq_flags\":%d", p->pid, deq_flags);
  }
  return scope;
}

// sched_change_end: enqueue_task_scx (ops.runnable; ops.enqueue for a task that was queued, on
// a CPU it allows, as the stopper would move it), then set_next_task_scx (ops.running) for the
// running one. Nothing more reaches a policy whose exit is pending; a queued task it did not
// place then goes to the fallback class with the others.
void ExtClass::EndChange(TaskId t, const ChangeScope& scope, u64 enq_flags) {
  if (!scope.queued && !scope.running) return;
  task_struct* p = &ts_[t];
  if (ops_->runnable && !exit_pending_) {
    Callback(
        "runnable", scope.cpu, Ctx::kOther, [&] { ops_->runnable(p, enq_flags); },
        ",\"pid\":%d,\"enq_flags\":%d", p->pid, enq_flags);
  }
  if (scope.queued) {
    if (!exit_pending_) {
      const Task& task = ctx_->task(t);
      if (!task.affinity.Test(task.cpu)) ctx_->SetTaskCpu(t, FallbackCpu(t, task.cpu));
      // runnable_at stays: the kernel's dequeue for a change keeps it (ops_dequeue), so a task
      // changed while it waits is still watched from when it began to wait.
      EnqueueTask(t, enq_flags, scope.cpu);
      if (!exit_pending_ && ctx_->curr(task.cpu) == kNoTask) ctx_->Resched(task.cpu);
    }
    if (exit_pending_ && !Placed(t)) limbo_.push_back(t);
  } else if (ops_->running && !exit_pending_) {
    Callback(
        "running", scope.cpu, Ctx::kOther, [&] { ops_->running(p); }, ",\"pid\":%d", p->pid);
  }
}

// A property change of t (sched_setaffinity: __do_set_cpus_allowed with DEQUEUE_SAVE;
// set_user_nice with DEQUEUE_SAVE | DEQUEUE_NOCLOCK; NOCLOCK either way once sched_change_begin
// has run) between BeginChange and EndChange: the policy is told (ops.set_cpumask,
// ops.set_weight). A blocked task only gets the change.
void ExtClass::TaskChanged(TaskId t, const TaskChange& change) {
  if (exited_ || t >= static_cast<TaskId>(et_.size())) return;
  if (et_[t].state == ExtTaskState::kDisabled) {
    SyncTaskProperties(t);  // not the policy's task: nothing to tell
    return;
  }
  task_struct* p = &ts_[t];
  const ChangeScope scope = BeginChange(t, kDequeueSave | kDequeueNoclock);
  const int cpu = scope.cpu;
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
  EndChange(t, scope, kEnqueueRestore | kEnqueueNoclock);
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
