// The less common kfuncs: BPF timers, DSQ iterators and moves, per-node idle masks.
#include <algorithm>
#include <cerrno>

#include "absl/strings/str_format.h"
#include "sim/ext/call_scope.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

// ---- BPF timers: each runs its callback at its time on the CPU that started it -----------------

long ExtClass::TimerStart(bpf_timer* timer, u64 nsecs, u64 flags) {
  if (!timer || !timer->map) return -EINVAL;
  TimerCancel(timer);
  size_t slot = 0;
  while (slot < timers_.size() && timers_[slot].timer) ++slot;
  if (slot == timers_.size()) timers_.emplace_back();
  const SimTime now = ctx_->now();
  const SimTime when = (flags & BPF_F_TIMER_ABS) ? static_cast<SimTime>(nsecs) : now + static_cast<SimTime>(nsecs);
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
  {
    CallScope scope(cur_cpu_, reinterpret_cast<uint8_t&>(ctx_kind_), cpu, static_cast<uint8_t>(Ctx::kOther));
    ++counters_.callbacks;
    if (opt_.log) Log("\"cb\":\"timer\"", "");
    scxtwin_timer_fire(timer);
  }
  Eject();
}

// ---- DSQ iterators (bpf_iter_scx_dsq_*) and moves (scx_bpf_dsq_move*) ------------------------
// An iterator sees the tasks queued when it was created (the kernel compares dsq_seq), in queue
// order or reversed; tasks that left the DSQ since are skipped.

ExtClass::Dsq* ExtClass::DsqById(u64 dsq_id) {
  if (dsq_id == SCX_DSQ_GLOBAL) return &global_;
  if (dsq_id == SCX_DSQ_LOCAL) return local_[cur_cpu_].get();
  if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
    const u64 cpu = dsq_id & SCX_DSQ_LOCAL_CPU_MASK;
    return cpu < static_cast<u64>(nr_cpus_) ? local_[cpu].get() : nullptr;
  }
  return FindUserDsq(dsq_id);
}

int ExtClass::DsqIterNew(bpf_iter_scx_dsq* it, u64 dsq_id, u64 flags) {
  IterState& st = iters_[it];
  st = IterState{};
  if (flags & ~static_cast<u64>(SCX_DSQ_ITER_REV)) return -EINVAL;
  Dsq* dsq = DsqById(dsq_id);
  if (!dsq) return -ENOENT;
  st.dsq = dsq;
  for (TaskId t = DsqFirst(*dsq); t != kNoTask; t = DsqNextOf(*dsq, t)) st.tasks.push_back(t);
  if (flags & SCX_DSQ_ITER_REV) std::reverse(st.tasks.begin(), st.tasks.end());
  return 0;
}

task_struct* ExtClass::DsqIterNext(bpf_iter_scx_dsq* it) {
  auto found = iters_.find(it);
  if (found == iters_.end()) return nullptr;
  IterState& st = found->second;
  while (st.pos < st.tasks.size()) {
    const TaskId t = st.tasks[st.pos++];
    if (et_[t].dsq == st.dsq) {
      st.current = t;
      return &ts_[t];
    }
  }
  st.current = kNoTask;
  return nullptr;
}

void ExtClass::DsqIterDestroy(bpf_iter_scx_dsq* it) { iters_.erase(it); }

void ExtClass::DsqMoveSetSlice(bpf_iter_scx_dsq* it, u64 slice) {
  IterState& st = iters_[it];
  st.slice = slice;
  st.set_slice = true;
}

void ExtClass::DsqMoveSetVtime(bpf_iter_scx_dsq* it, u64 vtime) {
  IterState& st = iters_[it];
  st.vtime = vtime;
  st.set_vtime = true;
}

bool ExtClass::DsqMove(bpf_iter_scx_dsq* it, task_struct* p, u64 dsq_id, u64 enq_flags) {
  auto found = iters_.find(it);
  if (found == iters_.end() || !p) return false;
  IterState& st = found->second;
  const TaskId t = id_of(p);
  // Only a task the iterator has seen and that is still where it was can move.
  if (std::find(st.tasks.begin(), st.tasks.begin() + st.pos, t) == st.tasks.begin() + st.pos) return false;
  if (et_[t].dsq != st.dsq) return false;
  if (ctx_kind_ == Ctx::kDispatch) FlushDispatchBuf(dispatch_cpu_);
  if (st.set_slice) p->scx.slice = st.slice;
  if (st.set_vtime) p->scx.dsq_vtime = st.vtime;
  st.set_slice = st.set_vtime = false;
  const int rq = ctx_kind_ == Ctx::kDispatch ? dispatch_cpu_ : cur_cpu_;
  DsqRemove(t);
  Dsq* dst = FindDsqForDispatch(rq, dsq_id, t);
  if (dst->local_cpu >= 0) {
    DispatchToLocalDsq(dst, t, enq_flags);
  } else {
    DispatchEnqueue(dst, t, enq_flags);
  }
  return true;
}

// ---- per-node idle masks --------------------------------------------------------------------

const cpumask* ExtClass::NodeMask(const cpumask& all, int node) {
  if (node < 0 || node >= static_cast<int>(node_masks_.size())) return &all;
  node_scratch_.resize(node_masks_.size());
  cpumask& m = node_scratch_[node];
  for (int w = 0; w < mask_words_; ++w) m.bits[w] = all.bits[w] & node_masks_[node].bits[w];
  return &m;
}

}  // namespace scxtwin::sim
