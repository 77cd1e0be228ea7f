// Every constant of the EEVDF (fair class) model, in one place, each with its source in
// docs/model.md (section 1 unless noted). The model targets kernels >= 6.15 (the
// 7.x kernels sched_ext policies run on): where docs/model.md gives two kernel generations, the newer one is the default.
#ifndef SCXTWIN_SIM_FAIR_FAIR_PARAMS_H_
#define SCXTWIN_SIM_FAIR_FAIR_PARAMS_H_

#include <cstdint>

#include "sim/engine/time.h"

namespace scxtwin::sim::fair {

// Weight of a nice-0 task: vruntime advances at wall speed for it. docs/model.md 1:
// "vruntime += delta_exec * 1024 / weight (nice-0 weight 1024)".
inline constexpr int64_t kNice0Weight = 1024;

struct FairParams {
  // Normalized base slice. docs/model.md 1: "0.75 ms (<= 6.14), 0.70 ms (>= 6.15)".
  SimDuration base_slice_normalized_ns = 700 * kNsPerUs;
  // The timer tick, for the lag clamp (TICK_NSEC). The machine's HZ (sim/machine/costs.h).
  SimDuration tick_ns = 4 * kNsPerMs;

  // Features (docs/model.md 1), all on in the kernels modeled.
  bool place_lag = true;               // PLACE_LAG: a waking task keeps its lag
  bool place_deadline_initial = true;  // PLACE_DEADLINE_INITIAL: new tasks get half a slice
  bool run_to_parity = true;           // RUN_TO_PARITY: protect curr for its slice
  bool preempt_short = true;           // PREEMPT_SHORT: a shorter-slice wakee cancels that
  bool delay_dequeue = true;           // DELAY_DEQUEUE (6.12+), with DELAY_ZERO
  bool wakeup_preemption = true;
  // Lazy preemption (PREEMPT_LAZY, the cached 7.3 kernel's preemption model: CONFIG_PREEMPT_LAZY=y
  // in its config): the fair class's reschedules of a running task (wakeup preemption, a
  // request ending between ticks) only mark it; the next tick acts on the mark. docs/model.md 1:
  // "lazy preemption may defer it to the tick". Tasks are taken to be in user mode (a vCPU
  // running guest code), where nothing else acts on the mark.
  bool lazy_preemption = true;

  // A task that ran within this long is cache-hot: the balancer leaves it (never at SMT
  // level) unless balancing failed more than cache_nice_tries times. docs/model.md 1:
  // "sysctl_sched_migration_cost = 500 us"; also the newidle threshold on avg_idle.
  SimDuration migration_cost_ns = 500 * kNsPerUs;
  // Periodic balancing. docs/model.md 1: "interval sd_weight ms (x16 busy_factor when the CPU is
  // busy), max 2x; imbalance_pct 117 (110 at SMT level); cache_nice_tries 1 (LLC), 2 (NUMA)".
  int busy_factor = 16;
  int imbalance_pct = 117;
  int imbalance_pct_smt = 110;
  int cache_nice_tries_llc = 1;
  int cache_nice_tries_numa = 2;
  // NOHZ idle balance: a busy CPU whose run queue holds >= this many tasks kicks an idle CPU
  // to balance on behalf of the idle ones. docs/model.md 1: ">= 2 tasks".
  int nohz_kick_nr_running = 2;
  // The cost of a newidle balance pass, compared with avg_idle (max_newidle_lb_cost). The
  // simulator charges no time for balancing, so this is 0 unless set.
  SimDuration newidle_lb_cost_ns = 0;
  // SIS_UTIL: the share of an LLC select_idle_cpu scans is 100 - (util% / 8.5)^2 (0 at >= 85%
  // utilisation). docs/model.md 1. Utilisation here is the share of the LLC's CPUs busy now (the
  // kernel uses PELT averages).
  bool sis_util = true;

  // The base slice for a machine of `nr_cpus`: docs/model.md 1, "scaled by factor =
  // 1 + ilog2(min(online_cpus, 8)): 2-3 CPUs x2, 4-7 x3, >= 8 x4".
  SimDuration BaseSlice(int nr_cpus) const {
    int n = nr_cpus < 8 ? nr_cpus : 8;
    int ilog2 = 0;
    while ((2 << ilog2) <= n) ++ilog2;
    return base_slice_normalized_ns * (1 + ilog2);
  }
};

}  // namespace scxtwin::sim::fair

#endif  // SCXTWIN_SIM_FAIR_FAIR_PARAMS_H_
