#include "sim/fair/eevdf_rq.h"

#include <algorithm>

namespace scxtwin::sim::fair {
namespace {

// The queue's weighted vruntime sum, relative to `base` to keep it small: V = base + s / w.
struct Sums {
  __int128 s = 0;
  int64_t w = 0;
  int64_t base = 0;
};

template <typename Fn>
void ForEachOnQueue(const std::vector<Entity*>& queued, Entity* curr, Fn fn) {
  if (curr != nullptr) fn(*curr);
  for (Entity* e : queued) fn(*e);
}

Sums Sum(const std::vector<Entity*>& queued, Entity* curr, int64_t base) {
  Sums sums;
  sums.base = base;
  ForEachOnQueue(queued, curr, [&](const Entity& e) {
    sums.s += static_cast<__int128>(e.vruntime - base) * e.weight;
    sums.w += e.weight;
  });
  return sums;
}

// vruntime <= V, i.e. (v - base) * W <= S (docs/model.md 1).
bool EligibleIn(const Sums& sums, const Entity& e) {
  if (sums.w == 0) return true;
  return static_cast<__int128>(e.vruntime - sums.base) * sums.w <= sums.s;
}

}  // namespace

int64_t RunQueue::AvgVruntime() const {
  Sums sums = Sum(queued_, curr_, min_vruntime_);
  if (sums.w == 0) return min_vruntime_;
  __int128 avg = sums.s;
  if (avg < 0) avg -= sums.w - 1;  // round toward minus infinity, as the kernel does
  return min_vruntime_ + static_cast<int64_t>(avg / sums.w);
}

bool RunQueue::Eligible(const Entity& e) const {
  return EligibleIn(Sum(queued_, curr_, min_vruntime_), e);
}

int64_t RunQueue::LagLimit(const Entity& e) const {
  // docs/model.md 1: vlag is clamped to +-calc_delta_fair(max(2*slice, TICK_NSEC)).
  return CalcDeltaFair(std::max(2 * e.slice, params_->tick_ns), e);
}

void RunQueue::UpdateMinVruntime() {
  bool any = false;
  int64_t lowest = 0;
  ForEachOnQueue(queued_, curr_, [&](const Entity& e) {
    if (!any || e.vruntime < lowest) lowest = e.vruntime;
    any = true;
  });
  if (any && lowest > min_vruntime_) min_vruntime_ = lowest;
}

bool RunQueue::UpdateCurr(int64_t sum_exec) {
  if (curr_ == nullptr) return false;
  const int64_t delta = sum_exec - curr_->exec_seen;
  if (delta <= 0) return false;
  curr_->exec_seen = sum_exec;
  curr_->vruntime += CalcDeltaFair(delta, *curr_);
  UpdateMinVruntime();
  if (curr_->vruntime < curr_->deadline) return false;
  // The request is done: a new one, a slice long (docs/model.md 1).
  curr_->deadline = curr_->vruntime + CalcDeltaFair(curr_->slice, *curr_);
  return nr_runnable_ > 1;
}

void RunQueue::Place(Entity* e, bool initial) {
  const Sums sums = Sum(queued_, curr_, min_vruntime_);
  const int64_t v_avg = AvgVruntime();
  int64_t lag = 0;
  // PLACE_LAG (docs/model.md 1): v = V - vlag * (W + w) / W, so that once e is counted in V its
  // lag is still vlag. Only with other entities on the queue.
  if (params_->place_lag && sums.w > 0 && e->vlag != 0) {
    lag = static_cast<int64_t>(static_cast<__int128>(e->vlag) * (sums.w + e->weight) / sums.w);
  }
  e->vruntime = v_avg - lag;
  int64_t vslice = CalcDeltaFair(e->slice, *e);
  // PLACE_DEADLINE_INITIAL (docs/model.md 1): a new task's first deadline is half a slice away.
  if (initial && params_->place_deadline_initial) vslice /= 2;
  e->deadline = e->vruntime + vslice;
}

void RunQueue::Enqueue(Entity* e, bool initial) {
  Place(e, initial);
  e->on_rq = true;
  e->delayed = false;
  queued_.push_back(e);
  ++nr_runnable_;
  runnable_load_ += e->weight;
}

void RunQueue::SaveLag(Entity* e) {
  const int64_t limit = LagLimit(*e);
  e->vlag = std::clamp(AvgVruntime() - e->vruntime, -limit, limit);
}

void RunQueue::Erase(Entity* e) {
  if (!e->delayed) {
    --nr_runnable_;
    runnable_load_ -= e->weight;
  }
  if (e == curr_) {
    curr_ = nullptr;
  } else {
    queued_.erase(std::find(queued_.begin(), queued_.end(), e));
  }
  e->on_rq = false;
  e->delayed = false;
  UpdateMinVruntime();
}

bool RunQueue::DequeueSleep(Entity* e) {
  if (params_->delay_dequeue && !Eligible(*e)) {
    // DELAY_DEQUEUE (docs/model.md 1): it stays queued, no longer runnable, until picked or woken.
    if (e == curr_) {
      curr_ = nullptr;
      queued_.push_back(e);
    }
    e->delayed = true;
    --nr_runnable_;
    runnable_load_ -= e->weight;
    return true;
  }
  SaveLag(e);
  Erase(e);
  return false;
}

void RunQueue::Remove(Entity* e) {
  if (!e->on_rq) return;
  SaveLag(e);
  Erase(e);
}

void RunQueue::FinishDelayed(Entity* e) {
  SaveLag(e);
  Erase(e);
  // DELAY_ZERO: whatever it gained while delayed is not kept (docs/model.md 1: "clipped to 0").
  e->vlag = std::min<int64_t>(e->vlag, 0);
}

void RunQueue::Requeue(Entity* e) {
  e->delayed = false;
  ++nr_runnable_;
  runnable_load_ += e->weight;
  // DELAY_ZERO: a delayed task that became eligible while it slept starts over at V.
  if (AvgVruntime() - e->vruntime > 0) {
    queued_.erase(std::find(queued_.begin(), queued_.end(), e));
    e->vlag = 0;
    Place(e, false);
    queued_.push_back(e);
  }
}

void RunQueue::Reweight(Entity* e, int64_t weight) {
  if (weight == e->weight) return;
  const int64_t old = e->weight;
  if (!e->on_rq) {
    e->vlag = e->vlag * old / weight;
    e->weight = weight;
    return;
  }
  SaveLag(e);
  const int64_t rel_deadline = (e->deadline - e->vruntime) * old / weight;
  const int64_t rel_vprot = (e->vprot - e->vruntime) * old / weight;
  // Out of V while it is placed again, back at the same role afterwards.
  const bool was_curr = e == curr_;
  if (was_curr) {
    curr_ = nullptr;
  } else {
    queued_.erase(std::find(queued_.begin(), queued_.end(), e));
  }
  if (!e->delayed) runnable_load_ += weight - old;
  e->vlag = e->vlag * old / weight;
  e->weight = weight;
  Place(e, /*initial=*/false);
  e->deadline = e->vruntime + rel_deadline;
  e->vprot = e->vruntime + rel_vprot;
  if (was_curr) {
    curr_ = e;
  } else {
    queued_.push_back(e);
  }
  UpdateMinVruntime();
}

Entity* RunQueue::Pick() const {
  const Sums sums = Sum(queued_, curr_, min_vruntime_);
  Entity* curr = curr_;
  if (curr != nullptr && !EligibleIn(sums, *curr)) curr = nullptr;
  // RUN_TO_PARITY (docs/model.md 1): an eligible curr keeps the CPU for its protected slice.
  if (curr != nullptr && params_->run_to_parity && curr->vruntime < curr->vprot) return curr;
  Entity* best = curr;
  for (Entity* e : queued_) {
    if (!EligibleIn(sums, *e)) continue;
    if (best == nullptr || e->deadline < best->deadline) best = e;
  }
  if (best != nullptr) return best;
  // Rounding aside, some entity is always eligible; fall back to the lowest vruntime.
  ForEachOnQueue(queued_, curr_, [&](const Entity& e) {
    if (best == nullptr || e.vruntime < best->vruntime) best = const_cast<Entity*>(&e);
  });
  return best;
}

void RunQueue::SetCurr(Entity* next) {
  if (curr_ == next) return;
  PutPrev();
  queued_.erase(std::find(queued_.begin(), queued_.end(), next));
  curr_ = next;
  // RUN_TO_PARITY, 6.17+ (docs/model.md 1): protected for the shortest slice queued here, at most
  // its own deadline.
  int64_t slice = next->slice;
  for (const Entity* e : queued_) {
    if (!e->delayed) slice = std::min(slice, e->slice);
  }
  next->vprot = slice == next->slice
                    ? next->deadline
                    : std::min(next->deadline, next->vruntime + CalcDeltaFair(slice, *next));
}

void RunQueue::PutPrev() {
  if (curr_ == nullptr) return;
  queued_.push_back(curr_);
  curr_ = nullptr;
}

}  // namespace scxtwin::sim::fair
