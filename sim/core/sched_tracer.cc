#include "sim/core/sched_tracer.h"

#include "absl/strings/str_cat.h"

namespace scxtwin::sim {

trace::TaskInfo SchedTracer::Info(const Task& t) const {
  trace::TaskInfo info;
  info.pid = t.pid;
  info.tgid = t.instance < static_cast<int>(leader_pid_.size()) ? leader_pid_[t.instance] : t.pid;
  const int process = t.instance < static_cast<int>(process_of_.size()) ? process_of_[t.instance] : 0;
  info.comm = spec_.processes[process].groups[t.group].name;
  info.prio = 120 + t.nice;
  return info;
}

void SchedTracer::Created(SimTime now, const Task* parent, const Task& t, int process) {
  if (t.instance >= static_cast<int>(leader_pid_.size())) {
    leader_pid_.resize(t.instance + 1, 0);
    process_of_.resize(t.instance + 1, 0);
  }
  if (leader_pid_[t.instance] == 0) {
    // The instance's first task leads its process and "execs" it.
    leader_pid_[t.instance] = t.pid;
    process_of_[t.instance] = process;
    const std::string& name = spec_.processes[process].name;
    w_->Process(t.pid, 0, absl::StrCat("/sim/", name, " #", t.instance));
    w_->Exec(now, t.cpu, Info(t), absl::StrCat("/sim/", name));
    return;
  }
  // A fork, or another starting task of the instance: the leader creates it.
  const trace::TaskInfo child = Info(t);
  trace::TaskInfo from = parent != nullptr ? Info(*parent) : child;
  if (parent == nullptr) from.pid = from.tgid;
  const int cpu = parent != nullptr ? parent->cpu : t.cpu;
  w_->NewTask(now, cpu, from, child, /*thread=*/true);
  w_->WakeupNew(now, cpu, child, t.cpu);
}

void SchedTracer::Woken(SimTime now, const Task& t, const WakeInfo& info) {
  // A wake op runs in the waker on its CPU; a timer's wakeup comes from an interrupt on the
  // CPU the task will run on.
  const bool from_irq = info.waker_cpu < 0;
  w_->Waking(now, from_irq ? t.cpu : info.waker_cpu, Info(t), t.cpu, from_irq);
}

void SchedTracer::Switched(SimTime now, int cpu, const Task* prev, const Task* next) {
  if (prev == nullptr && next == nullptr) return;
  if (next != nullptr && next->last_ran_cpu >= 0 && next->last_ran_cpu != cpu) {
    w_->Migrate(now, cpu, Info(*next), next->last_ran_cpu, cpu);
  }
  trace::PrevState state = trace::PrevState::kRunnable;
  if (prev != nullptr && prev->state == TaskState::kBlocked) state = trace::PrevState::kSleeping;
  if (prev != nullptr && prev->state == TaskState::kExited) state = trace::PrevState::kDead;
  const trace::TaskInfo p = prev != nullptr ? Info(*prev) : trace::TaskInfo();
  const trace::TaskInfo n = next != nullptr ? Info(*next) : trace::TaskInfo();
  w_->Switch(now, cpu, prev != nullptr ? &p : nullptr, state, next != nullptr ? &n : nullptr);
  if (state == trace::PrevState::kDead) w_->Free(now, cpu, p);
}

void SchedTracer::Exited(SimTime now, int cpu, const Task& t) { w_->Exit(now, cpu, Info(t)); }

}  // namespace scxtwin::sim
