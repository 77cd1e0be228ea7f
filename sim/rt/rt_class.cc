#include "sim/rt/rt_class.h"

#include <algorithm>

namespace scxtwin::sim {

absl::Status RtClass::Init(SchedContext* ctx) {
  ctx_ = ctx;
  queues_.assign(ctx->topology().nr_cpus(), {});
  return absl::OkStatus();
}

RtClass::RtTask& RtClass::Rt(TaskId t) {
  if (t >= static_cast<TaskId>(rt_.size())) rt_.resize(t + 1);
  return rt_[t];
}

int RtClass::TopPrio(int cpu) const {
  int top = queues_[cpu].empty() ? 0 : -queues_[cpu].begin()->neg_prio;
  // curr is this class's running task only (a stack hides the other classes' ones).
  if (const TaskId curr = ctx_->curr(cpu); curr != kNoTask) top = std::max(top, prio(curr));
  return top;
}

int RtClass::LowestCpu(TaskId t, int from, int skip) const {
  const Task& task = ctx_->task(t);
  const int n = ctx_->topology().nr_cpus();
  int best = -1;
  int best_prio = prio(t);  // only CPUs whose RT work it would come before
  for (int i = 0; i < n; ++i) {
    const int c = (from + i) % n;
    if (c == skip || !task.affinity.Test(c) || !ctx_->cpu_online(c)) continue;
    const int p = TopPrio(c);
    if (p < best_prio) {
      best = c;
      best_prio = p;
      if (p == 0) break;
    }
  }
  return best;
}

int RtClass::SelectCpu(TaskId t) const {
  const Task& task = ctx_->task(t);
  int cpu = task.cpu;
  if (cpu < 0 || !task.affinity.Test(cpu)) cpu = task.affinity.First();
  if (TopPrio(cpu) < prio(t)) return cpu;
  const int lowest = LowestCpu(t, cpu, -1);
  return lowest >= 0 ? lowest : cpu;
}

void RtClass::Enqueue(int cpu, TaskId t, bool head) {
  RtTask& r = Rt(t);
  r.cpu = cpu;
  r.seq = head ? --head_seq_ : ++seq_;
  queues_[cpu].insert(Key{-prio(t), r.seq, t});
  ++nr_queued_;
  ctx_->SetTaskCpu(t, cpu);
}

void RtClass::Dequeue(TaskId t) {
  RtTask& r = Rt(t);
  queues_[r.cpu].erase(Key{-prio(t), r.seq, t});
  r.cpu = -1;
  --nr_queued_;
}

void RtClass::CheckPreempt(int cpu, TaskId t) {
  const TaskId curr = ctx_->curr(cpu);
  if (curr == kNoTask || prio(curr) < prio(t)) ctx_->Resched(cpu);
}

void RtClass::TaskNew(TaskId t, TaskId parent) {
  Rt(t) = RtTask{};
  const int cpu = SelectCpu(t);
  Enqueue(cpu, t, /*head=*/false);
  CheckPreempt(cpu, t);
}

void RtClass::TaskWakeup(TaskId t, const WakeInfo& wake) {
  const int cpu = SelectCpu(t);
  Enqueue(cpu, t, /*head=*/false);
  CheckPreempt(cpu, t);
}

void RtClass::Charge(TaskId t) {
  RtTask& r = Rt(t);
  const SimDuration sum = ctx_->task(t).sum_exec;
  if (ctx_->task(t).policy == SchedPolicy::kRr) r.slice_left -= sum - r.charged;
  r.charged = sum;
}

// task_tick_rt: an RR task whose slice ran out gets a new one and goes behind its equals.
void RtClass::Tick(int cpu, TaskId curr) {
  Charge(curr);
  RtTask& r = Rt(curr);
  if (ctx_->task(curr).policy != SchedPolicy::kRr || r.slice_left > 0) return;
  r.slice_left = kRrSlice;
  if (!queues_[cpu].empty() && -queues_[cpu].begin()->neg_prio == prio(curr)) {
    r.to_tail = true;
    ctx_->Resched(cpu);
  }
}

void RtClass::TaskYield(TaskId t, int cpu) { Rt(t).to_tail = true; }

TaskId RtClass::Pull(int cpu) {
  const int n = ctx_->topology().nr_cpus();
  const Key* best = nullptr;
  for (int c = 0; c < n; ++c) {
    // Only from a CPU busy with RT work: elsewhere the queued task is about to run anyway.
    if (c == cpu || queues_[c].empty() || ctx_->curr(c) == kNoTask) continue;
    for (const Key& k : queues_[c]) {
      if (best != nullptr && k.neg_prio >= best->neg_prio) break;  // cannot beat the best
      if (ctx_->task(k.t).affinity.Test(cpu)) {
        best = &k;
        break;
      }
    }
  }
  if (best == nullptr) return kNoTask;
  const TaskId t = best->t;
  Dequeue(t);
  return t;
}

TaskId RtClass::PickNext(int cpu, TaskId prev) {
  if (!ctx_->cpu_online(cpu)) {
    if (prev != kNoTask) Enqueue(cpu, prev, /*head=*/true);  // CpuHotplug moves it on
    return kNoTask;
  }
  std::set<Key>& q = queues_[cpu];
  if (prev != kNoTask) {
    RtTask& r = Rt(prev);
    const int top = q.empty() ? 0 : -q.begin()->neg_prio;
    if (r.to_tail) {
      r.to_tail = false;
      if (top < prio(prev)) return prev;
      Enqueue(cpu, prev, /*head=*/false);
    } else if (top > prio(prev)) {
      Enqueue(cpu, prev, /*head=*/true);  // a preempted task keeps its place
    } else {
      return prev;
    }
  }
  TaskId next = kNoTask;
  if (!q.empty()) {
    next = q.begin()->t;
    Dequeue(next);
  } else {
    next = Pull(cpu);
  }
  if (next == kNoTask) return kNoTask;
  Rt(next).charged = ctx_->task(next).sum_exec;
  ctx_->SetTaskCpu(next, cpu);
  PushFrom(cpu);
  return next;
}

// push_rt_tasks: the tasks left waiting on cpu move to CPUs where they would run at once.
void RtClass::PushFrom(int cpu) {
  std::vector<TaskId> waiting;
  for (const Key& k : queues_[cpu]) waiting.push_back(k.t);
  for (TaskId t : waiting) {
    const int to = LowestCpu(t, cpu + 1, cpu);
    if (to < 0) continue;
    Dequeue(t);
    Enqueue(to, t, /*head=*/false);
    CheckPreempt(to, t);
  }
}

std::vector<TaskId> RtClass::TakeQueued() {
  std::vector<TaskId> out;
  for (std::set<Key>& q : queues_) {
    for (const Key& k : q) {
      out.push_back(k.t);
      rt_[k.t].cpu = -1;
    }
    q.clear();
  }
  nr_queued_ = 0;
  std::sort(out.begin(), out.end());
  return out;
}

void RtClass::CpuHotplug(int cpu, bool online) {
  if (online) return;
  std::vector<TaskId> moving;
  for (const Key& k : queues_[cpu]) moving.push_back(k.t);
  for (TaskId t : moving) {
    Dequeue(t);
    const int to = SelectCpu(t);
    Enqueue(to, t, /*head=*/false);
    CheckPreempt(to, t);
  }
}

void RtClass::CpuTakenByHigher(int cpu, TaskId prev) {
  if (prev != kNoTask) Enqueue(cpu, prev, /*head=*/true);
}

std::vector<TaskId> RtClass::Queued(int cpu) const {
  std::vector<TaskId> out;
  for (const Key& k : queues_[cpu]) out.push_back(k.t);
  return out;
}

}  // namespace scxtwin::sim
