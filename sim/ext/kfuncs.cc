// The kfuncs and BPF helpers that are neither DSQ nor idle ones: kicks, tasks, exits and output,
// time and randomness, and BPF timers (each runs its callback at its time on the CPU that
// started it).
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "sim/core/json.h"
#include "sim/engine/rng.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

void ExtClass::KickCpu(s32 cpu, u64 flags) {
  ++counters_.kicks;
  if (cpu < 0 || cpu >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", cpu));
    return;
  }
  const TaskId curr = ctx_->curr(cpu);
  if (flags & SCX_KICK_IDLE) {
    // Only an idle CPU (or one already balancing) is kicked; one putting its prev back is
    // kicked after the pick if it goes idle.
    if (cpu == put_prev_cpu_) {
      idle_kick_during_put_prev_ = true;
      return;
    }
    if (curr != kNoTask && !in_balance_[cpu]) return;
    ctx_->Resched(cpu);
    return;
  }
  if ((flags & SCX_KICK_PREEMPT) && curr != kNoTask) ts_[curr].scx.slice = 0;
  ctx_->Resched(cpu);
}

s32 ExtClass::TaskCpu(const task_struct* p) { return ctx_->task(id_of(p)).cpu; }

bool ExtClass::TaskRunning(const task_struct* p) {
  return ctx_->task(id_of(p)).state == TaskState::kRunning;
}

task_struct* ExtClass::TaskFromPid(s32 pid) {
  const TaskId t = pid - 1;
  if (t < 0 || t >= static_cast<TaskId>(ts_.size()) || ctx_->task(t).state == TaskState::kExited)
    return nullptr;
  return &ts_[t];
}

task_struct* ExtClass::CpuCurr(s32 cpu) {
  if (cpu < 0 || cpu >= nr_cpus_) return nullptr;
  const TaskId t = ctx_->curr(cpu);
  return t == kNoTask ? &idle_ts_[cpu] : &ts_[t];
}

void ExtClass::TaskSetSlice(task_struct* p, u64 slice) { p->scx.slice = slice; }
void ExtClass::TaskSetDsqVtime(task_struct* p, u64 vtime) { p->scx.dsq_vtime = vtime; }

void ExtClass::ExitBpf(s64 code, const char* msg) {
  if (exit_.kind != 0) return;
  Error(SCX_EXIT_UNREG_BPF, msg ? msg : "");
  exit_.exit_code = code;
}

void ExtClass::ErrorBpf(const char* msg) { Error(SCX_EXIT_ERROR_BPF, msg ? msg : ""); }

// scx_bpf_events: a smaller struct (an older policy's) gets its leading counters, a larger
// one zeros after ours.
void ExtClass::Events(scx_event_stats* events, size_t size) {
  if (events == nullptr) return;
  std::memset(events, 0, size);
  std::memcpy(events, &events_, std::min(size, sizeof(events_)));
}

void ExtClass::Printk(const char* msg) {
  if (opt_.log) Log("\"printk\":", JsonString(msg ? msg : ""));
}

u32 ExtClass::PrandomU32() { return static_cast<u32>(NextRandom(rng_) >> 32); }
u64 ExtClass::Now() const { return static_cast<u64>(ctx_->now()); }
u32 ExtClass::NrCpuIds() const { return static_cast<u32>(nr_cpus_); }

// ---- BPF timers --------------------------------------------------------------------------------

long ExtClass::TimerStart(bpf_timer* timer, u64 nsecs, u64 flags) {
  if (!timer || !timer->map) return -EINVAL;
  TimerCancel(timer);
  size_t slot = 0;
  while (slot < timers_.size() && timers_[slot].timer) ++slot;
  if (slot == timers_.size()) timers_.emplace_back();
  const SimTime now = ctx_->now();
  const SimTime when =
      (flags & BPF_F_TIMER_ABS) ? static_cast<SimTime>(nsecs) : now + static_cast<SimTime>(nsecs);
  timers_[slot].timer = timer;
  timers_[slot].cpu = cur_cpu_;
  timers_[slot].handle = ctx_->StartTimer(std::max(when, now), slot + 1);
  return 0;
}

long ExtClass::TimerCancel(bpf_timer* timer) {
  for (PendingTimer& t : timers_) {
    if (t.timer == timer) {
      ctx_->CancelTimer(t.handle);
      t.timer = nullptr;
      return 1;  // it was active
    }
  }
  return 0;
}

void ExtClass::FireTimer(uint64_t slot) {
  if (slot >= timers_.size() || !timers_[slot].timer) return;
  bpf_timer* timer = timers_[slot].timer;
  const int cpu = timers_[slot].cpu;
  timers_[slot].timer = nullptr;  // the callback may start it again
  Callback(
      "timer", cpu, Ctx::kOther, [&] { scxtwin_timer_fire(timer); }, "");
  Eject();
}

}  // namespace scxtwin::sim
