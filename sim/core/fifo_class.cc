#include "sim/core/fifo_class.h"

namespace scxtwin::sim {

absl::Status FifoClass::Init(SchedContext* ctx) {
  ctx_ = ctx;
  slice_start_.assign(ctx->topology().nr_cpus(), 0);
  kicked_.assign(ctx->topology().nr_cpus(), false);
  return absl::OkStatus();
}

void FifoClass::Enqueue(TaskId t) {
  queue_.push_back(t);
  Kick(t);
}

void FifoClass::Kick(TaskId t) {
  const Task& task = ctx_->task(t);
  // Wake the first idle CPU the task may run on.
  for (int c = task.affinity.First(); c >= 0; c = task.affinity.Next(c + 1)) {
    if (ctx_->curr(c) == kNoTask && !kicked_[c]) {
      kicked_[c] = true;
      ctx_->Resched(c);
      return;
    }
  }
}

void FifoClass::Tick(int cpu, TaskId curr) {
  if (ctx_->task(curr).sum_exec - slice_start_[cpu] >= slice_ns_ && !queue_.empty()) {
    ctx_->Resched(cpu);
  }
}

// Offline: the CPU's task went back to the queue (PickNext); an idle CPU it may use takes it.
void FifoClass::CpuHotplug(int cpu, bool online) {
  if (online) return;
  for (TaskId t : queue_) Kick(t);
}

// A queued task keeps its place in the FIFO; with a new affinity an idle CPU it may now use
// takes it. A running one that lost its CPU goes back to the queue in PickNext.
void FifoClass::TaskChanged(TaskId t, const TaskChange& change) {
  if (change.affinity && ctx_->task(t).state == TaskState::kRunnable) Kick(t);
}

TaskId FifoClass::PickNext(int cpu, TaskId prev) {
  kicked_[cpu] = false;
  if (prev != kNoTask && ctx_->cpu_online(cpu) && !ctx_->task(prev).affinity.Test(cpu)) {
    queue_.push_back(prev);  // its affinity no longer has this CPU: it moves
    Kick(prev);
    prev = kNoTask;
  }
  if (!ctx_->cpu_online(cpu)) {
    if (prev != kNoTask) queue_.push_back(prev);
    return kNoTask;
  }
  if (prev != kNoTask && ctx_->task(prev).sum_exec - slice_start_[cpu] < slice_ns_) return prev;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (!ctx_->task(*it).affinity.Test(cpu)) continue;
    const TaskId next = *it;
    queue_.erase(it);
    if (prev != kNoTask) queue_.push_back(prev);
    slice_start_[cpu] = ctx_->task(next).sum_exec;
    return next;
  }
  if (prev != kNoTask) slice_start_[cpu] = ctx_->task(prev).sum_exec;
  return prev;
}

}  // namespace scxtwin::sim
