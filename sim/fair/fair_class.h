// The fair class (EEVDF), Linux's default scheduler, as the simulator's baseline
// (--policy=eevdf). Each rule cites docs/model.md section 1; constants are in
// fair_params.h. Split by responsibility:
//   eevdf_rq.*       one CPU's queue: vruntime, lag, eligibility, placement, pick
//   fair_class.cc    the class protocol: enqueue/dequeue, wakeup and tick preemption, pick
//   fair_select.cc   wakeup and fork CPU choice (wake_affine, select_idle_sibling, find_idlest)
//   fair_balance.cc  periodic, NOHZ-idle and newidle load balancing with the cache-hot rule
// Not modeled: cgroups, PELT (loads and utilisation are instantaneous), wake_wide, active
// balance of a running task, misfit/asym capacity, HRTICK, PLACE_REL_DEADLINE.
#ifndef SCXTWIN_SIM_FAIR_FAIR_CLASS_H_
#define SCXTWIN_SIM_FAIR_FAIR_CLASS_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/sched_class.h"
#include "sim/fair/eevdf_rq.h"
#include "sim/fair/fair_params.h"
#include "sim/fair/sched_domains.h"

namespace scxtwin::sim::fair {

// What a balancing pass did, for tests and statistics.
struct BalanceStats {
  int64_t periodic_moves = 0;
  int64_t nohz_moves = 0;
  int64_t newidle_moves = 0;
  int64_t hot_skips = 0;  // candidates left where they were by the cache-hot rule
  int64_t wakeup_preemptions = 0;
  int64_t lazy_deferrals = 0;  // reschedules left to the next tick by lazy preemption
  int64_t tick_preemptions = 0;
  int64_t delayed_dequeues = 0;
};

class FairClass final : public SchedClass {
 public:
  explicit FairClass(FairParams params = FairParams());
  std::string name() const override { return "eevdf"; }
  absl::Status Init(SchedContext* ctx) override;
  void TaskNew(TaskId t, TaskId parent) override;
  void TaskWakeup(TaskId t, const WakeInfo& wake) override;
  void TaskBlock(TaskId t, int cpu) override;
  void TaskExit(TaskId t, int cpu) override;
  void Tick(int cpu, TaskId curr) override;
  TaskId PickNext(int cpu, TaskId prev) override;
  int64_t nr_queued() const override;
  void CpuHotplug(int cpu, bool online) override;
  // An RT task (sim/stack) takes the CPU: the running fair task goes back among the queued.
  void CpuTakenByHigher(int cpu, TaskId prev) override;
  void TaskChanged(TaskId t, const TaskChange& change) override;

  // Introspection for tests.
  const RunQueue& rq(int cpu) const { return *rqs_[cpu]; }
  const Entity& entity(TaskId t) const { return ents_[t]; }
  const BalanceStats& stats() const { return stats_; }
  const FairParams& params() const { return params_; }
  // Knobs may change between runs' decisions (tests; --set eevdf.NAME=VALUE before Init).
  FairParams& mutable_params() { return params_; }
  SimDuration base_slice() const { return base_slice_; }
  const SchedDomains& domains() const { return *domains_; }

  // Wakeup CPU choice (fair_select.cc). Public so tests can pin each rule.
  int SelectWakeCpu(TaskId t, const WakeInfo& wake);
  int SelectForkCpu(TaskId t, int from_cpu);
  // One balancing attempt of `cpu` at its domain `level` (fair_balance.cc): tasks pulled.
  enum class IdleType { kNotIdle, kIdle, kNewlyIdle };
  int LoadBalance(int cpu, int level, IdleType idle);

 private:
  Entity& Ent(TaskId t);
  // Weight and slice of a task the class meets for the first time.
  void InitEntity(TaskId t);
  // A fallback class takes over a run mid-way (an ejected sched_ext policy): a task running on
  // `cpu` it was never given becomes that queue's curr.
  void AdoptRunning(int cpu, TaskId t);
  RunQueue& Rq(int cpu) { return *rqs_[cpu]; }
  // Brings the running task's vruntime up to date; reschedules the CPU if its request ended
  // with others waiting (tick preemption, docs/model.md 1).
  void UpdateCurr(int cpu, bool from_tick);
  // Reschedules a running fair task: at once, or (lazy preemption) at the CPU's next tick.
  void ReschedCurr(int cpu, bool from_tick);
  // wakeup_preempt: an idle CPU picks; a busy one is preempted iff the wakee would be picked.
  void CheckPreempt(int cpu, Entity* wakee);
  void Enqueue(int cpu, Entity* e, bool initial);
  // A CPU with nothing running and nothing queued (available_idle_cpu).
  bool Idle(int cpu) const;
  bool SharesCache(int a, int b) const;
  // select_fallback_rq: the CPU nearest `from` that t may run on (its node first, then any).
  int NearestAllowed(TaskId t, int from) const;
  // The stopper's move_queued_task: t leaves queue `from` for the nearest CPU it may run on.
  void MoveToAllowed(Entity* e, int from);

  // fair_select.cc
  int WakeAffine(TaskId t, int this_cpu, int prev_cpu, bool sync, TaskId waker);
  int SelectIdleSibling(TaskId t, int prev, int target);
  int SelectIdleCpu(TaskId t, int target, bool has_idle_core);
  bool CoreIdle(int cpu) const;

  // fair_balance.cc
  void TriggerLoadBalance(int cpu);
  void NohzIdleBalance();
  bool NewidleBalance(int cpu);
  bool CanMigrate(TaskId t, int dst, const DomainState& d, bool* hot) const;
  void UpdateIdleScan(int llc, int busy, int nr_cpus);

  FairParams params_;
  SchedContext* ctx_ = nullptr;
  SimDuration base_slice_ = 0;
  std::vector<std::unique_ptr<RunQueue>> rqs_;
  std::deque<Entity> ents_;  // by TaskId; a deque keeps addresses stable as tasks are added
  std::vector<int32_t> recent_used_cpu_;
  std::unique_ptr<SchedDomains> domains_;
  // Newidle balancing (docs/model.md 1): avg_idle per CPU and when the CPU went idle.
  std::vector<SimDuration> avg_idle_;
  std::vector<SimTime> idle_stamp_;
  // TIF_NEED_RESCHED_LAZY per CPU: a reschedule the next tick will act on.
  std::vector<bool> lazy_resched_;
  SimTime nohz_next_balance_ = 0;
  // SIS_UTIL's scan budget per LLC, refreshed by load balancing at the LLC level (as the
  // kernel's update_idle_cpu_scan is); starts at the whole LLC.
  std::vector<int> nr_idle_scan_;
  BalanceStats stats_;
};

}  // namespace scxtwin::sim::fair

#endif  // SCXTWIN_SIM_FAIR_FAIR_CLASS_H_
