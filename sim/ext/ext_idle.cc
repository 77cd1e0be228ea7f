// Idle tracking and the default CPU selection (kernel/sched/ext_idle.c): the idle cpumasks,
// ops.update_idle, scx_select_cpu_dfl's search with idle claiming, and the idle kfuncs.
#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {
namespace {

inline bool MaskTest(const cpumask& m, int cpu) { return (m.bits[cpu / 64] >> (cpu % 64)) & 1; }
inline void MaskSet(cpumask& m, int cpu) { m.bits[cpu / 64] |= 1UL << (cpu % 64); }
inline void MaskClear(cpumask& m, int cpu) { m.bits[cpu / 64] &= ~(1UL << (cpu % 64)); }

}  // namespace

// The built-in idle tracking (__scx_update_idle) and ops.update_idle on transitions.
void ExtClass::SetIdle(int cpu, bool idle) {
  if (BuiltinIdleTracked()) {
    const std::vector<int32_t>& core = ctx_->topology().core_cpus(cpu);
    if (idle) {
      MaskSet(idle_cpus_, cpu);
      bool whole = true;
      for (int c : core) whole = whole && MaskTest(idle_cpus_, c);
      if (whole) {
        for (int c : core) MaskSet(idle_smts_, c);
      }
    } else {
      MaskClear(idle_cpus_, cpu);
      for (int c : core) MaskClear(idle_smts_, c);
    }
  }
  if (cpu_idle_notified_[cpu] != idle) {
    cpu_idle_notified_[cpu] = idle;
    if (ops_->update_idle) {
      Callback(
          "update_idle", cpu, Ctx::kOther, [&] { ops_->update_idle(cpu, idle); }, ",\"idle\":%s",
          idle ? "true" : "false");
    }
  }
}

bool ExtClass::BuiltinIdleDisabledError() {
  Error(SCX_EXIT_ERROR, "built-in idle tracking is disabled");
  return false;
}

bool ExtClass::TestAndClearIdle(int cpu) {
  if (smt_active_) {
    // Claiming one CPU of a core makes the core not wholly idle.
    for (int c : ctx_->topology().core_cpus(cpu)) MaskClear(idle_smts_, c);
  }
  if (!MaskTest(idle_cpus_, cpu)) return false;
  MaskClear(idle_cpus_, cpu);
  return true;
}

bool ExtClass::AnyIdle() const {
  for (int w = 0; w < mask_words_; ++w) {
    if (idle_cpus_.bits[w]) return true;
  }
  return false;
}

// cpumask_any_and_distribute(a & b & c): the next set CPU after this CPU's last pick.
int ExtClass::AnyAndDistribute(const cpumask& a, const cpumask* b, const cpumask* c) {
  int& prev = rotor_[cur_cpu_ >= 0 && cur_cpu_ < nr_cpus_ ? cur_cpu_ : 0];
  const int start = prev + 1;
  for (int pass = 0; pass < 2; ++pass) {
    const int lo = pass == 0 ? start : 0;
    const int hi = pass == 0 ? nr_cpus_ : std::min(start, nr_cpus_);
    for (int w = lo / 64; w * 64 < hi; ++w) {
      unsigned long bits = a.bits[w];
      if (b) bits &= b->bits[w];
      if (c) bits &= c->bits[w];
      if (w == lo / 64) bits &= ~0UL << (lo % 64);
      while (bits) {
        const int cpu = w * 64 + __builtin_ctzl(bits);
        if (cpu >= hi) break;
        prev = cpu;
        return cpu;
      }
    }
  }
  return -1;
}

// scx_pick_idle_cpu: a wholly idle core first (with SMT), then any idle CPU; claims it.
s32 ExtClass::PickIdleIn(const cpumask* within, const cpumask* allowed, u64 flags) {
  for (;;) {
    int cpu = -1;
    if (smt_active_) {
      cpu = AnyAndDistribute(idle_smts_, within, allowed);
      if (cpu < 0 && (flags & SCX_PICK_IDLE_CORE)) return -EBUSY;
    }
    if (cpu < 0) cpu = AnyAndDistribute(idle_cpus_, within, allowed);
    if (cpu < 0) return -EBUSY;
    if (TestAndClearIdle(cpu)) return cpu;
  }
}

// scx_select_cpu_dfl: an idle CPU near prev_cpu (claimed), or -EBUSY.
s32 ExtClass::SelectCpuImpl(task_struct* p, s32 prev_cpu, u64 wake_flags, const cpumask* allowed,
                            u64 flags) {
  (void)p;
  const Topology& topo = ctx_->topology();
  const bool prev_ok = prev_cpu >= 0 && prev_cpu < nr_cpus_ && MaskTest(*allowed, prev_cpu);
  const cpumask* llc =
      topo.nr_llcs() > 1 && prev_ok ? &llc_masks_[topo.place(prev_cpu).llc] : nullptr;
  const cpumask* node =
      topo.nr_nodes() > 1 && prev_ok ? &node_masks_[topo.place(prev_cpu).node] : nullptr;
  s32 cpu;
  if (wake_flags & SCX_WAKE_SYNC) {
    const int waker = cur_cpu_;
    // The waker's CPU shares the cache with prev and prev is idle: stay.
    if (prev_ok && topo.place(waker).llc == topo.place(prev_cpu).llc && TestAndClearIdle(prev_cpu))
      return prev_cpu;
    // The waker's local DSQ is empty and some CPU idles: take the waker's CPU.
    if (local_[waker]->nr == 0 && AnyIdle() && MaskTest(*allowed, waker)) return waker;
  }
  // Every search below looks for an idle bit: none set, none found (the fast path of a busy
  // machine; the result is the kernel's).
  if (!AnyIdle()) return -EBUSY;
  if (smt_active_) {
    if (prev_ok && MaskTest(idle_smts_, prev_cpu) && TestAndClearIdle(prev_cpu)) return prev_cpu;
    if (llc && (cpu = PickIdleIn(llc, allowed, SCX_PICK_IDLE_CORE)) >= 0) return cpu;
    if (node && (cpu = PickIdleIn(node, allowed, SCX_PICK_IDLE_CORE)) >= 0) return cpu;
    if ((cpu = PickIdleIn(nullptr, allowed, flags | SCX_PICK_IDLE_CORE)) >= 0) return cpu;
    if (flags & SCX_PICK_IDLE_CORE) return -EBUSY;
  }
  if (prev_ok && TestAndClearIdle(prev_cpu)) return prev_cpu;
  if (smt_active_ && prev_ok) {
    for (int c : topo.core_cpus(prev_cpu)) {
      if (c != prev_cpu && MaskTest(*allowed, c) && TestAndClearIdle(c)) return c;
    }
  }
  if (llc && (cpu = PickIdleIn(llc, allowed, 0)) >= 0) return cpu;
  if (node && (cpu = PickIdleIn(node, allowed, 0)) >= 0) return cpu;
  return PickIdleIn(nullptr, allowed, flags);
}

// The per-node view of an idle mask (scratch storage per node).
const cpumask* ExtClass::NodeMask(const cpumask& all, int node) {
  if (node < 0 || node >= static_cast<int>(node_masks_.size())) return &all;
  node_scratch_.resize(node_masks_.size());
  cpumask& m = node_scratch_[node];
  for (int w = 0; w < mask_words_; ++w) m.bits[w] = all.bits[w] & node_masks_[node].bits[w];
  return &m;
}

// ---------------------------------------------------------------------------------------------
// The idle kfuncs.

s32 ExtClass::SelectCpuDfl(task_struct* p, s32 prev_cpu, u64 wake_flags, bool* is_idle) {
  *is_idle = false;
  if (prev_cpu < 0 || prev_cpu >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", prev_cpu));
    return prev_cpu;
  }
  if (!BuiltinIdleEnabled()) return prev_cpu;
  if (ctx_kind_ != Ctx::kUnlocked &&
      !KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kInit, "scx_bpf_select_cpu_dfl")) {
    return prev_cpu;
  }
  const s32 cpu = SelectCpuImpl(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
  if (cpu >= 0) {
    *is_idle = true;
    return cpu;
  }
  return prev_cpu;
}

s32 ExtClass::SelectCpuAnd(task_struct* p, s32 prev_cpu, u64 wake_flags, const cpumask* cpus,
                           u64 flags) {
  if (prev_cpu < 0 || prev_cpu >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid CPU ", prev_cpu));
    return -EINVAL;
  }
  if (!BuiltinIdleEnabled()) return -EBUSY;
  if (ctx_kind_ != Ctx::kUnlocked &&
      !KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kInit, "scx_bpf_select_cpu_and")) {
    return -EPERM;
  }
  cpumask both = *p->cpus_ptr;
  for (int w = 0; w < mask_words_; ++w) both.bits[w] &= cpus->bits[w];
  return SelectCpuImpl(p, prev_cpu, wake_flags, &both, flags);
}

bool ExtClass::TestAndClearCpuIdle(s32 cpu) {
  if (!BuiltinIdleEnabled()) return false;
  if (!OpsCpuValid(cpu, nullptr)) return false;
  return TestAndClearIdle(cpu);
}

// scx_pick_idle_cpu(_node): the given node first; other nodes too unless SCX_PICK_IDLE_IN_NODE.
s32 ExtClass::PickIdleCpu(const cpumask* allowed, int node, u64 flags) {
  if (!BuiltinIdleEnabled()) return -EBUSY;
  if (node >= 0 && node < static_cast<int>(node_masks_.size())) {
    const s32 cpu = PickIdleIn(&node_masks_[node], allowed, flags);
    if (cpu >= 0 || (flags & SCX_PICK_IDLE_IN_NODE)) return cpu;
  }
  return PickIdleIn(nullptr, allowed, flags);
}

// scx_bpf_pick_any_cpu(_node): an idle CPU if any, else any allowed CPU (of the node with
// SCX_PICK_IDLE_IN_NODE).
s32 ExtClass::PickAnyCpu(const cpumask* allowed, int node, u64 flags) {
  if (BuiltinIdleTracked()) {
    const s32 cpu = PickIdleCpu(allowed, node, flags);
    if (cpu >= 0) return cpu;
  }
  const bool in_node =
      (flags & SCX_PICK_IDLE_IN_NODE) && node >= 0 && node < static_cast<int>(node_masks_.size());
  const int c = AnyAndDistribute(in_node ? node_masks_[node] : possible_, allowed, nullptr);
  return c >= 0 ? c : -EBUSY;
}

const cpumask* ExtClass::GetIdleCpumask(int node) {
  if (!BuiltinIdleEnabled()) return &empty_;
  if (node >= 0 && !(ops_->flags & SCX_OPS_BUILTIN_IDLE_PER_NODE)) {
    Error(SCX_EXIT_ERROR, "per-node idle tracking is disabled");
    return &empty_;
  }
  return node >= 0 ? NodeMask(idle_cpus_, node) : &idle_cpus_;
}

const cpumask* ExtClass::GetIdleSmtmask(int node) {
  if (!BuiltinIdleEnabled()) return &empty_;
  const cpumask& all = smt_active_ ? idle_smts_ : idle_cpus_;
  return node >= 0 ? NodeMask(all, node) : &all;
}

}  // namespace scxtwin::sim
