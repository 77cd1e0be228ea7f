// One CPU's EEVDF run queue (the kernel's cfs_rq, flat: no cgroups), and the per-task
// scheduling entity. Pure arithmetic on virtual time, no simulator: every rule of docs/model.md 1
// that concerns a single queue lives here and is unit tested on its own.
//
// Entity states: not on a queue (blocked, or new) -> queued (runnable, waiting) <-> curr
// (running) -> queued again (preempted) or off (blocked: its lag saved) or delayed (blocked
// while not eligible: DELAY_DEQUEUE keeps it queued until it is picked, then it leaves with
// its lag clipped to 0, or until it is woken, when it stays where it is).
#ifndef SCXTWIN_SIM_FAIR_EEVDF_RQ_H_
#define SCXTWIN_SIM_FAIR_EEVDF_RQ_H_

#include <cstdint>
#include <vector>

#include "sim/fair/fair_params.h"

namespace scxtwin::sim::fair {

struct Entity {
  int32_t id = -1;
  int64_t weight = kNice0Weight;
  int64_t slice = 0;      // ns of CPU time per request
  int64_t vruntime = 0;   // virtual ns
  int64_t deadline = 0;   // virtual ns: vruntime + slice * 1024 / weight at the request's start
  int64_t vlag = 0;       // V - vruntime, saved when it left a queue
  int64_t vprot = 0;      // RUN_TO_PARITY: protected while vruntime < vprot
  int64_t exec_seen = 0;  // the task's sum_exec already turned into vruntime
  int32_t cpu = -1;       // the queue it is on (or was last on)
  bool on_rq = false;     // queued, running or delayed on queue `cpu`
  bool delayed = false;   // DELAY_DEQUEUE: blocked but still queued
};

// delta * 1024 / weight: the kernel's calc_delta_fair (docs/model.md 1).
inline int64_t CalcDeltaFair(int64_t delta, const Entity& e) {
  return e.weight == kNice0Weight ? delta : delta * kNice0Weight / e.weight;
}

class RunQueue {
 public:
  explicit RunQueue(const FairParams* params) : params_(params) {}

  // V: the weight-averaged vruntime of every entity on the queue, curr and delayed ones
  // included (docs/model.md 1). An empty queue keeps its last V.
  int64_t AvgVruntime() const;
  // docs/model.md 1: eligible iff vruntime <= V (computed exactly, without dividing).
  bool Eligible(const Entity& e) const;

  // update_curr: charges curr the CPU time it used up to `sum_exec` (its task's total). When
  // its vruntime reaches its deadline the request ends: a new deadline one slice later
  // (docs/model.md 1, "renewed when vruntime reaches it"). Returns true when that happened while
  // other tasks are runnable here, i.e. curr should be rescheduled.
  bool UpdateCurr(int64_t sum_exec);

  // Puts `e` on the queue, placed by PLACE_LAG from its saved vlag (0 for a new task), with
  // half a slice as its first deadline when `initial` (PLACE_DEADLINE_INITIAL).
  void Enqueue(Entity* e, bool initial);
  // A running or queued task blocks. With DELAY_DEQUEUE, a task that is not eligible stays
  // queued as delayed (returns true); else it leaves with its lag saved.
  bool DequeueSleep(Entity* e);
  // Takes `e` off the queue for good (exit) or to move it (migration: its lag is saved, so
  // Enqueue on another queue places it by PLACE_LAG).
  void Remove(Entity* e);
  // A delayed entity is woken: it stays queued (DELAY_ZERO: re-placed at V if its lag turned
  // positive).
  void Requeue(Entity* e);

  // reweight_entity: `e` (queued, curr, delayed, or off any queue) gets a new weight. Its lag
  // lag_i = w_i * vlag and its relative deadline are kept in weight terms (vlag and the
  // deadline's distance scale by old / new weight); a queued entity is placed again from that
  // lag (PLACE_LAG). Curr must be up to date (UpdateCurr) first.
  void Reweight(Entity* e, int64_t weight);

  // pick_eevdf: the eligible entity with the earliest deadline, curr included; with
  // RUN_TO_PARITY a protected, eligible curr is kept. May return a delayed entity (the caller
  // finishes its dequeue with FinishDelayed and picks again). nullptr: empty.
  Entity* Pick() const;
  // Finishes a delayed dequeue: off the queue, lag saved and clipped to <= 0 (DELAY_ZERO).
  void FinishDelayed(Entity* e);

  // curr changes: the previous curr (if still runnable) becomes queued; `next` (queued here)
  // runs, protected for one slice (RUN_TO_PARITY).
  void SetCurr(Entity* next);
  // curr stops being curr without blocking (the CPU picked another): back among the queued.
  void PutPrev();

  // PREEMPT_SHORT: a wakee with a shorter slice than curr's cancels curr's protection.
  void CancelProtection() {
    if (curr_ != nullptr) curr_->vprot = curr_->vruntime;
  }

  Entity* curr() const { return curr_; }
  const std::vector<Entity*>& queued() const { return queued_; }  // curr not included
  // Runnable here: queued non-delayed plus curr.
  int nr_runnable() const { return nr_runnable_; }
  int64_t runnable_load() const { return runnable_load_; }
  int64_t min_vruntime() const { return min_vruntime_; }

 private:
  void SaveLag(Entity* e);
  void Place(Entity* e, bool initial);
  void Erase(Entity* e);
  void UpdateMinVruntime();
  int64_t LagLimit(const Entity& e) const;

  const FairParams* params_;
  std::vector<Entity*> queued_;
  Entity* curr_ = nullptr;
  int nr_runnable_ = 0;
  int64_t runnable_load_ = 0;
  int64_t min_vruntime_ = 0;  // monotonic; V of an empty queue
};

}  // namespace scxtwin::sim::fair

#endif  // SCXTWIN_SIM_FAIR_EEVDF_RQ_H_
