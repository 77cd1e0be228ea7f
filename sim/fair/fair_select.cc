// Which CPU a waking or new task goes to (select_task_rq_fair), docs/model.md 1: wake_affine
// between the waker's CPU and the task's previous one, then select_idle_sibling around that
// target; forks take the slow path (find_idlest).
#include <algorithm>

#include "sim/fair/fair_class.h"

namespace scxtwin::sim::fair {

int FairClass::SelectWakeCpu(TaskId t, const WakeInfo& wake) {
  const Task& task = ctx_->task(t);
  int prev = Ent(t).cpu >= 0 ? Ent(t).cpu : task.cpu;
  if (!task.affinity.Test(prev)) prev = task.affinity.First();
  if (task.nr_cpus_allowed == 1) return prev;
  int target = prev;
  // A timer wakeup runs on the CPU the timer was armed on: the task's own (no affine choice).
  const int this_cpu = wake.waker_cpu;
  if (this_cpu >= 0 && this_cpu != prev && task.affinity.Test(this_cpu)) {
    target = WakeAffine(t, this_cpu, prev, wake.sync, wake.waker);
  }
  return SelectIdleSibling(t, prev, target);
}

int FairClass::WakeAffine(TaskId t, int this_cpu, int prev_cpu, bool sync, TaskId waker) {
  // wake_affine_idle: an idle waker CPU sharing the cache wins unless prev is idle too; a
  // sync waker about to sleep hands over its CPU; an idle prev wins.
  if (Idle(this_cpu) && SharesCache(this_cpu, prev_cpu)) {
    return Idle(prev_cpu) ? prev_cpu : this_cpu;
  }
  if (sync && Rq(this_cpu).nr_runnable() == 1) return this_cpu;
  if (Idle(prev_cpu)) return prev_cpu;
  // wake_affine_weight, on the instantaneous runnable loads: the waker's CPU only if it stays
  // lighter than prev's by half the domain's imbalance margin.
  int pct = params_.imbalance_pct;
  for (const DomainState& d : domains_->of(this_cpu)) {
    const auto& span = d.shape->span;
    if (std::binary_search(span.begin(), span.end(), prev_cpu)) {
      pct = d.shape->imbalance_pct;
      break;
    }
  }
  int64_t this_load = Rq(this_cpu).runnable_load();
  if (sync && waker != kNoTask) this_load -= ctx_->task(waker).weight;
  if (sync && this_load <= 0) return this_cpu;
  this_load += Ent(t).weight;
  const int64_t prev_load = Rq(prev_cpu).runnable_load();
  return this_load * 100 < prev_load * (100 + (pct - 100) / 2) ? this_cpu : prev_cpu;
}

bool FairClass::CoreIdle(int cpu) const {
  for (int32_t c : ctx_->topology().core_cpus(cpu)) {
    if (!Idle(c)) return false;
  }
  return true;
}

int FairClass::SelectIdleSibling(TaskId t, int prev, int target) {
  const Task& task = ctx_->task(t);
  const CpuSet& allowed = task.affinity;
  // docs/model.md 1, first match wins: target if idle; prev if idle and cache-shared;
  if (allowed.Test(target) && Idle(target)) return target;
  if (prev != target && SharesCache(prev, target) && allowed.Test(prev) && Idle(prev)) {
    return prev;
  }
  // (the per-CPU kthread waker case does not arise: the simulator has no kthreads)
  // recent_used_cpu;
  const int recent = recent_used_cpu_[t];
  recent_used_cpu_[t] = prev;
  if (recent >= 0 && recent != prev && recent != target && SharesCache(recent, target) &&
      allowed.Test(recent) && Idle(recent)) {
    return recent;
  }
  // an idle SMT sibling of prev when no whole core is idle;
  bool has_idle_core = false;
  if (ctx_->topology().smt() > 1) {
    for (int32_t c : ctx_->topology().llc_cpus(target)) {
      if (ctx_->topology().core_cpus(c).front() == c && CoreIdle(c)) {
        has_idle_core = true;
        break;
      }
    }
    if (!has_idle_core && SharesCache(prev, target)) {
      for (int32_t c : ctx_->topology().core_cpus(prev)) {
        if (c != prev && allowed.Test(c) && Idle(c)) return c;
      }
    }
  }
  // the LLC scan; else target.
  const int i = SelectIdleCpu(t, target, has_idle_core);
  return i >= 0 ? i : target;
}

int FairClass::SelectIdleCpu(TaskId t, int target, bool has_idle_core) {
  const CpuSet& allowed = ctx_->task(t).affinity;
  const std::vector<int32_t>& llc = ctx_->topology().llc_cpus(target);
  const int n = static_cast<int>(llc.size());
  int budget = n;
  if (!has_idle_core && params_.sis_util) {
    // SIS_UTIL (docs/model.md 1): the budget the last LLC-level balance left (UpdateIdleScan).
    budget = nr_idle_scan_[ctx_->topology().place(target).llc];
    if (budget == 0) return -1;
  }
  // for_each_cpu_wrap from target + 1 over the LLC.
  const int start =
      static_cast<int>(std::upper_bound(llc.begin(), llc.end(), target) - llc.begin());
  for (int k = 0; k < n; ++k) {
    const int c = llc[(start + k) % n];
    if (!allowed.Test(c)) continue;
    if (has_idle_core) {
      // A whole idle core first (docs/model.md 1).
      if (CoreIdle(c)) return c;
    } else {
      if (--budget < 0) break;
      if (Idle(c)) return c;
    }
  }
  return -1;
}

int FairClass::SelectForkCpu(TaskId t, int from_cpu) {
  // The slow path (find_idlest): from the top domain down, the group with the most idle
  // allowed CPUs (then the fewest runnable tasks; the local group on ties), and in the last
  // group its idle CPU, else its least loaded one.
  const CpuSet& allowed = ctx_->task(t).affinity;
  if (!allowed.Test(from_cpu)) from_cpu = allowed.First();
  int cpu = from_cpu;
  const auto& doms = domains_->of(from_cpu);
  for (int lvl = static_cast<int>(doms.size()) - 1; lvl >= 0; --lvl) {
    // Re-read this CPU's domains: descending moves to the chosen group's CPU.
    const DomainState& d = domains_->of(cpu)[lvl];
    int best = -1, best_idle = -1;
    int64_t best_nr = 0;
    for (size_t g = 0; g < d.shape->groups.size(); ++g) {
      int idle = 0, allowed_cpus = 0;
      int64_t nr = 0;
      for (int32_t c : d.shape->groups[g]) {
        if (!allowed.Test(c)) continue;
        ++allowed_cpus;
        idle += Idle(c);
        nr += Rq(c).nr_runnable();
      }
      if (allowed_cpus == 0) continue;
      const bool local = static_cast<int>(g) == d.local_group;
      if (best < 0 || idle > best_idle || (idle == best_idle && nr < best_nr) ||
          (idle == best_idle && nr == best_nr && local)) {
        best = static_cast<int>(g);
        best_idle = idle;
        best_nr = nr;
      }
    }
    if (best < 0) break;
    const auto& grp = d.shape->groups[best];
    if (std::find(grp.begin(), grp.end(), cpu) == grp.end()) {
      for (int32_t c : grp) {
        if (allowed.Test(c)) {
          cpu = c;
          break;
        }
      }
    }
    if (lvl == 0) {
      // The lowest group: an idle CPU (this one first), else the least loaded.
      int pick = -1;
      if (allowed.Test(cpu) && Idle(cpu)) pick = cpu;
      for (int32_t c : grp) {
        if (pick >= 0) break;
        if (allowed.Test(c) && Idle(c)) pick = c;
      }
      if (pick < 0) {
        for (int32_t c : grp) {
          if (allowed.Test(c) && (pick < 0 || Rq(c).nr_runnable() < Rq(pick).nr_runnable())) {
            pick = c;
          }
        }
      }
      cpu = pick;
    }
  }
  return allowed.Test(cpu) ? cpu : allowed.First();
}

}  // namespace scxtwin::sim::fair
