// The CPU side of the ext class (kernel/sched/ext.c): the tick, balance_one, picking the next
// task, put_prev, and handing the queued tasks over when the policy has left.
#include <algorithm>
#include <vector>

#include "sim/ext/ext_class.h"

namespace scxtwin::sim {
namespace {
constexpr u32 kDispatchMaxLoops = 32;  // SCX_DSP_MAX_LOOPS
}  // namespace

void ExtClass::Tick(int cpu, TaskId curr) {
  if (exited_) return;
  ChargeSlice(curr);
  if (ops_->tick) {
    Callback(
        "tick", cpu, Ctx::kOther, [&] { ops_->tick(&ts_[curr]); }, ",\"pid\":%d,\"slice\":%d",
        ts_[curr].pid, ts_[curr].scx.slice);
  }
  if (ts_[curr].scx.slice == 0) ctx_->Resched(cpu);
  Eject();
}

// yield_task_scx: ops.yield(p, NULL) if the policy has one, else the slice ends (the task goes
// back through ops.enqueue when the CPU reschedules, with nothing else to run as well).
void ExtClass::TaskYield(TaskId t, int cpu) {
  if (exited_) return;
  task_struct* p = &ts_[t];
  if (ops_->yield) {
    Callback(
        "yield", cpu, Ctx::kOther, [&] { ops_->yield(p, nullptr); }, ",\"pid\":%d", p->pid);
  } else {
    p->scx.slice = 0;
  }
  Eject();
}

bool ExtClass::CanStopTick(int cpu, TaskId curr) const {
  return !exited_ && ts_[curr].scx.slice == SCX_SLICE_INF;
}

void ExtClass::ChargeSlice(TaskId t) {
  ExtTask& e = et_[t];
  const SimDuration sum = ctx_->task(t).sum_exec;
  const u64 delta = static_cast<u64>(sum - e.charged);
  e.charged = sum;
  // update_curr_scx's update_curr_common: the task's CPU time so far. A simulated task spends all
  // of it in user mode (the kernel samples utime/stime at ticks; here they are exact).
  ts_[t].se.sum_exec_runtime = static_cast<u64>(sum);
  ts_[t].utime = static_cast<u64>(sum);
  u64& slice = ts_[t].scx.slice;
  if (slice != SCX_SLICE_INF) slice -= std::min(slice, delta);
}

TaskId ExtClass::PickNext(int cpu, TaskId prev) {
  if (exited_) return prev;
  const TaskId on_cpu = ctx_->curr(cpu);  // prev, or the task that just blocked/exited
  if (!ctx_->cpu_online(cpu)) {
    // Going offline: prev is put back (CpuHotplug then moves the local DSQ away).
    if (prev != kNoTask) {
      ctx_->UpdateCurr(cpu);
      ChargeSlice(prev);
      PutPrev(cpu, prev, kNoTask);
    }
    if (exit_pending_) return EjectedWhileSwitching(prev, kNoTask);
    return kNoTask;
  }
  if (prev != kNoTask && !ctx_->task(prev).affinity.Test(cpu)) {
    // Its affinity lost this CPU (a property change): it moves before the CPU picks.
    if (!MigrateOff(cpu, prev)) {
      Eject();
      return kNoTask;
    }
    prev = kNoTask;
  }
  in_balance_[cpu] = true;
  const bool keep = Balance(cpu, prev, on_cpu);
  in_balance_[cpu] = false;
  if (exit_pending_) {
    Eject();
    return prev;
  }
  if (keep) {
    if (ts_[prev].scx.slice == 0) RefillSliceDfl(&ts_[prev]);
    return prev;
  }
  const TaskId next = DsqFirst(*local_[cpu]);
  if (next != kNoTask) {
    DsqRemove(next);
    SetState(next, ExtTaskState::kRunning);
  }
  if (prev != kNoTask) {
    put_prev_cpu_ = cpu;
    PutPrev(cpu, prev, next);
    put_prev_cpu_ = -1;
  }
  SetNext(cpu, next);
  if (idle_kick_during_put_prev_) {
    idle_kick_during_put_prev_ = false;
    if (next == kNoTask) ctx_->Resched(cpu);
  }
  if (exit_pending_) return EjectedWhileSwitching(prev, next);
  return next;
}

// balance_one: whether prev keeps the CPU. Prev with slice left stays; else the local DSQ, the
// global DSQ, then ops.dispatch (up to kDispatchMaxLoops rounds while it inserts); with nothing
// found prev stays unless SCX_OPS_ENQ_LAST.
bool ExtClass::Balance(int cpu, TaskId prev, TaskId on_cpu) {
  if (prev != kNoTask) {
    ctx_->UpdateCurr(cpu);
    ChargeSlice(prev);
    if (ts_[prev].scx.slice != 0) return true;
  }
  const Dsq& local = *local_[cpu];
  bool has = local.nr > 0 || ConsumeDsq(cpu, &global_);
  if (!has && ops_->dispatch) {
    u32 loops = kDispatchMaxLoops;
    do {
      RunDispatch(cpu, on_cpu);
      if (exit_pending_) break;
      if (prev != kNoTask && ts_[prev].scx.slice != 0) return true;
      if (local.nr > 0 || ConsumeDsq(cpu, &global_)) {
        has = true;
        break;
      }
      if (--loops == 0) {
        ctx_->Resched(cpu);  // scx_kick_cpu(self): try again later instead of looping
        break;
      }
    } while (dispatch_nr_tasks_ > 0);
  }
  if (has || prev == kNoTask || (ops_->flags & SCX_OPS_ENQ_LAST)) return false;
  ++events_.SCX_EV_DISPATCH_KEEP_LAST;  // nothing else to run: prev keeps the CPU
  return true;
}

// One ops.dispatch call, then its buffered inserts.
void ExtClass::RunDispatch(int cpu, TaskId on_cpu) {
  dispatch_nr_tasks_ = 0;
  dispatch_cpu_ = cpu;
  ++counters_.dispatch_calls;
  task_struct* p = on_cpu != kNoTask ? &ts_[on_cpu] : nullptr;
  Callback(
      "dispatch", cpu, Ctx::kDispatch, [&] { ops_->dispatch(cpu, p); }, ",\"prev\":%d",
      p ? p->pid : -1);
  FlushDispatchBuf(cpu);
  dispatch_cpu_ = -1;
}

// put_prev_task_scx: stopping(true), then back to the policy (or the local DSQ's head if it
// still has slice, i.e. preempted).
void ExtClass::PutPrev(int cpu, TaskId prev, TaskId next) {
  task_struct* pp = &ts_[prev];
  if (ops_->stopping) {
    Callback(
        "stopping", cpu, Ctx::kOther, [&] { ops_->stopping(pp, true); },
        ",\"pid\":%d,\"runnable\":true", pp->pid);
  }
  et_[prev].runnable_at = ctx_->now();
  if (exit_pending_) return;
  if (pp->scx.slice != 0) {
    DispatchEnqueue(local_[cpu].get(), prev, SCX_ENQ_HEAD);
  } else {
    SetState(prev, ExtTaskState::kReady);
    EnqueueTask(prev, next == kNoTask ? SCX_ENQ_LAST : 0, cpu);
  }
}

// set_next_task_scx (ops.running), or the CPU goes idle.
void ExtClass::SetNext(int cpu, TaskId next) {
  if (next == kNoTask) {
    SetIdle(cpu, true);
    if (local_[cpu]->nr > 0) ctx_->Resched(cpu);  // put_prev left work here: look again
    return;
  }
  et_[next].charged = ctx_->task(next).sum_exec;
  SetIdle(cpu, false);
  if (ops_->running) {
    Callback(
        "running", cpu, Ctx::kOther, [&] { ops_->running(&ts_[next]); }, ",\"pid\":%d",
        ts_[next].pid);
  }
}

void ExtClass::CpuTakenByHigher(int cpu, TaskId prev) {
  if (exited_) return;
  if (prev != kNoTask) {
    ctx_->UpdateCurr(cpu);
    ChargeSlice(prev);
    PutPrev(cpu, prev, /*next=*/prev);  // next is another class's: not SCX_ENQ_LAST
  }
  if (!exit_pending_) SetIdle(cpu, false);
  Eject();
}

// Ejected while switching: keep prev (if any) running, hand next back with the rest.
TaskId ExtClass::EjectedWhileSwitching(TaskId prev, TaskId next) {
  if (next != kNoTask && next != prev) limbo_.push_back(next);
  if (prev != kNoTask && !Placed(prev)) {
    Eject();
    return prev;
  }
  Eject();
  return kNoTask;
}

std::vector<TaskId> ExtClass::TakeQueued() {
  std::vector<TaskId> out = limbo_;
  limbo_.clear();
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) {
    ExtTask& e = et_[t];
    if (e.dsq) {
      DsqRemove(t);
    } else if (e.state == ExtTaskState::kBpf) {
      --nr_queued_;
    } else {
      continue;
    }
    SetState(t, ExtTaskState::kDisabled);
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace scxtwin::sim
