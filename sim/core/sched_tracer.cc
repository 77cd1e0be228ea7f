#include "sim/core/sched_tracer.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace scxtwin::sim {

trace::TaskInfo SchedTracer::Info(const Task& t) const {
  trace::TaskInfo info;
  info.pid = t.pid;
  info.tgid = t.instance < static_cast<int>(leader_pid_.size()) && leader_pid_[t.instance] != 0
                  ? leader_pid_[t.instance]
                  : t.pid;
  info.comm = spec_.processes[t.process].groups[t.group].name;
  info.prio = 120 + t.nice;
  return info;
}

void SchedTracer::TaskNew(SimTime now, const Task& t, const Task* parent) {
  if (t.instance >= static_cast<int>(leader_pid_.size())) leader_pid_.resize(t.instance + 1, 0);
  if (leader_pid_[t.instance] == 0) {
    // The instance's first task leads its process and "execs" it.
    leader_pid_[t.instance] = t.pid;
    const std::string& name = spec_.processes[t.process].name;
    w_->Process(t.pid, 0, absl::StrCat("/sim/", name, " #", t.instance));
    w_->Exec(now, t.cpu, Info(t), absl::StrCat("/sim/", name));
    return;
  }
  // A fork, or another starting task of the instance: the leader creates it.
  const trace::TaskInfo child = Info(t);
  trace::TaskInfo from = parent != nullptr ? Info(*parent) : child;
  if (parent == nullptr) from.pid = from.tgid;
  new_task_cpu_ = parent != nullptr ? parent->cpu : t.cpu;
  w_->NewTask(now, new_task_cpu_, from, child, /*thread=*/true);
}

void SchedTracer::Waking(SimTime now, const Task& t, const Task* waker, int cpu) {
  waker_cpu_ = cpu;  // written out by Wakeup, once the class has chosen the target CPU
}

void SchedTracer::Wakeup(SimTime now, const Task& t, int target_cpu, bool is_new) {
  if (is_new) {
    // sched_wakeup_new is emitted on the CPU of the fork (the leader's for starting tasks).
    if (leader_pid_[t.instance] != t.pid) w_->WakeupNew(now, new_task_cpu_, Info(t), target_cpu);
    return;
  }
  // A wake op runs in the waker on its CPU; a timer's wakeup comes from an interrupt on the
  // CPU the task will run on.
  const bool from_irq = waker_cpu_ < 0;
  w_->Waking(now, from_irq ? target_cpu : waker_cpu_, Info(t), target_cpu, from_irq);
}

void SchedTracer::Switch(SimTime now, int cpu, const Task* prev, TaskState prev_state,
                         const Task* next) {
  if (prev == nullptr && next == nullptr) return;
  trace::PrevState state = trace::PrevState::kRunnable;
  if (prev != nullptr && prev_state == TaskState::kBlocked) state = trace::PrevState::kSleeping;
  if (prev != nullptr && prev_state == TaskState::kExited) state = trace::PrevState::kDead;
  const trace::TaskInfo p = prev != nullptr ? Info(*prev) : trace::TaskInfo();
  const trace::TaskInfo n = next != nullptr ? Info(*next) : trace::TaskInfo();
  w_->Switch(now, cpu, prev != nullptr ? &p : nullptr, state, next != nullptr ? &n : nullptr);
  if (state == trace::PrevState::kDead) w_->Free(now, cpu, p);
}

void SchedTracer::Migrate(SimTime now, const Task& t, int orig_cpu, int dest_cpu) {
  w_->Migrate(now, dest_cpu, Info(t), orig_cpu, dest_cpu);
}

void SchedTracer::Exit(SimTime now, const Task& t) { w_->Exit(now, t.cpu, Info(t)); }

}  // namespace scxtwin::sim
