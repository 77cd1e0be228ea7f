// Load balancing, docs/model.md 1: periodic per domain (interval sd_weight ms, x busy_factor on a
// busy CPU, doubling to 2x while balanced), NOHZ idle balancing kicked by a busy CPU with
// >= 2 tasks, newidle balancing (skipped while avg_idle < migration cost), and the cache-hot
// rule: a task that ran within 500 us is not pulled (never hot at SMT level) unless balancing
// failed more than cache_nice_tries times. Loads are instantaneous runnable counts and
// weights (the kernel uses PELT averages); the group classification is reduced to "has spare
// CPUs" and "overloaded".
#include <algorithm>

#include "sim/fair/fair_class.h"

namespace scxtwin::sim::fair {
namespace {

struct GroupStats {
  int cpus = 0;
  int idle = 0;
  int64_t nr = 0;    // runnable tasks, running ones included
  int64_t load = 0;  // their weights
  bool overloaded() const { return nr > cpus; }
};

}  // namespace

bool FairClass::CanMigrate(TaskId t, int dst, const DomainState& d, bool* hot) const {
  const Task& task = ctx_->task(t);
  *hot = false;
  if (!task.affinity.Test(dst)) return false;
  // docs/model.md 1: task_hot, never at SMT level.
  if (d.shape->level != DomainLevel::kSmt && task.last_ran_cpu >= 0 &&
      ctx_->now() - task.last_ran_end < params_.migration_cost_ns) {
    *hot = true;
    return d.nr_balance_failed > d.shape->cache_nice_tries;
  }
  return true;
}

int FairClass::LoadBalance(int cpu, int level, IdleType idle) {
  std::vector<DomainState>& doms = domains_->of(cpu);
  if (level >= static_cast<int>(doms.size())) return 0;
  DomainState& d = doms[level];
  const DomainShape& shape = *d.shape;
  const auto& local_cpus = shape.groups[d.local_group];

  // should_we_balance: one CPU balances for its group: the first idle one, else the first.
  if (idle != IdleType::kNewlyIdle) {
    int balancer = local_cpus.front();
    for (int32_t c : local_cpus) {
      if (Idle(c)) {
        balancer = c;
        break;
      }
    }
    if (balancer != cpu) return 0;
  }

  std::vector<GroupStats> stats(shape.groups.size());
  for (size_t g = 0; g < shape.groups.size(); ++g) {
    for (int32_t c : shape.groups[g]) {
      GroupStats& s = stats[g];
      ++s.cpus;
      s.idle += Idle(c);
      s.nr += Rq(c).nr_runnable();
      s.load += Rq(c).runnable_load();
    }
  }
  // At the LLC's level, refresh SIS_UTIL's scan budget from how busy the LLC is.
  if (shape.span.size() == ctx_->topology().llc_cpus(cpu).size()) {
    int busy = 0;
    for (const GroupStats& g : stats) busy += g.cpus - g.idle;
    UpdateIdleScan(ctx_->topology().place(cpu).llc, busy, static_cast<int>(shape.span.size()));
  }
  const GroupStats& local = stats[d.local_group];
  // The busiest other group: overloaded ones first, then by load per CPU.
  int busiest = -1;
  for (size_t g = 0; g < stats.size(); ++g) {
    if (static_cast<int>(g) == d.local_group) continue;
    if (busiest < 0) {
      busiest = static_cast<int>(g);
      continue;
    }
    const GroupStats& a = stats[g];
    const GroupStats& b = stats[busiest];
    if (a.overloaded() != b.overloaded()) {
      if (a.overloaded()) busiest = static_cast<int>(g);
    } else if (a.load * b.cpus > b.load * a.cpus) {
      busiest = static_cast<int>(g);
    }
  }
  int64_t to_move = 0;
  if (busiest >= 0) {
    const GroupStats& b = stats[busiest];
    if (b.overloaded() && local.nr < local.cpus) {
      // Spare CPUs here, too many tasks there: move the excess, up to the spare CPUs.
      to_move = std::min<int64_t>(b.nr - b.cpus, local.cpus - local.nr);
    } else if (b.overloaded() && local.overloaded()) {
      // Both busy: move when busiest's load per CPU exceeds ours by imbalance_pct.
      if (b.load * local.cpus * 100 > local.load * b.cpus * shape.imbalance_pct) to_move = 1;
    } else if (local.idle >= b.idle + 2 && b.nr > 1) {
      // Neither overloaded but the idle CPUs are lopsided (SMT or group spreading).
      to_move = (local.idle - b.idle) / 2;
    }
  }
  const bool may_grow = d.balance_interval < shape.max_interval;
  if (to_move <= 0) {
    // Balanced: no failures, and the interval backs off (docs/model.md 1: "max 2x").
    d.nr_balance_failed = 0;
    if (may_grow) d.balance_interval = std::min(2 * d.balance_interval, shape.max_interval);
    return 0;
  }
  // The busiest queue in that group: the most runnable tasks (>= 2, a lone running task
  // stays: active balancing is not modeled).
  int src = -1;
  for (int32_t c : shape.groups[busiest]) {
    if (Rq(c).nr_runnable() >= 2 && (src < 0 || Rq(c).nr_runnable() > Rq(src).nr_runnable())) {
      src = c;
    }
  }
  int moved = 0;
  if (src >= 0) {
    RunQueue& from = Rq(src);
    // Candidates: queued (not running, not delayed) tasks, oldest queued first.
    std::vector<Entity*> candidates;
    for (Entity* e : from.queued()) {
      if (!e->delayed) candidates.push_back(e);
    }
    for (Entity* e : candidates) {
      if (moved >= to_move) break;
      bool hot = false;
      if (!CanMigrate(e->id, cpu, d, &hot)) {
        if (hot) ++stats_.hot_skips;
        continue;
      }
      from.Remove(e);
      Enqueue(cpu, e, /*initial=*/false);
      ++moved;
      CheckPreempt(cpu, e);
    }
  }
  if (moved > 0) {
    d.nr_balance_failed = 0;
    d.balance_interval = shape.min_interval;
  } else {
    // Imbalanced but nothing could move (hot or pinned): count the failure, so the
    // cache-hot rule gives way after cache_nice_tries (newidle passes do not count).
    if (idle != IdleType::kNewlyIdle) ++d.nr_balance_failed;
    if (may_grow) d.balance_interval = std::min(2 * d.balance_interval, shape.max_interval);
  }
  return moved;
}

void FairClass::UpdateIdleScan(int llc, int busy, int nr_cpus) {
  // docs/model.md 1: scan% = 100 - (util% / 8.5)^2, 0 at >= 85%. Utilisation is the share of the
  // LLC's CPUs busy at this balance (the kernel's is a PELT average).
  const double util = 100.0 * busy / nr_cpus;
  const double pct = 100.0 - (util / 8.5) * (util / 8.5);
  nr_idle_scan_[llc] = pct <= 0 ? 0 : static_cast<int>(nr_cpus * pct / 100.0);
}

void FairClass::TriggerLoadBalance(int cpu) {
  // Periodic balancing of a busy CPU: each domain when its interval x busy_factor is due.
  const bool busy = !Idle(cpu);
  std::vector<DomainState>& doms = domains_->of(cpu);
  for (int lvl = 0; lvl < static_cast<int>(doms.size()); ++lvl) {
    DomainState& d = doms[lvl];
    const SimDuration interval = d.balance_interval * (busy ? params_.busy_factor : 1);
    if (ctx_->now() < d.last_balance + interval) continue;
    stats_.periodic_moves += LoadBalance(cpu, lvl, busy ? IdleType::kNotIdle : IdleType::kIdle);
    d.last_balance = ctx_->now();
  }
}

void FairClass::NohzIdleBalance() {
  // The kicked idle CPU balances for every idle CPU whose domains are due (no busy factor).
  const SimTime now = ctx_->now();
  SimTime next = now + params_.tick_ns;
  bool first = true;
  for (int c = 0; c < static_cast<int>(rqs_.size()); ++c) {
    if (!Idle(c)) continue;
    std::vector<DomainState>& doms = domains_->of(c);
    for (int lvl = 0; lvl < static_cast<int>(doms.size()); ++lvl) {
      DomainState& d = doms[lvl];
      if (now >= d.last_balance + d.balance_interval) {
        if (Idle(c)) stats_.nohz_moves += LoadBalance(c, lvl, IdleType::kIdle);
        d.last_balance = now;
      }
      const SimTime due = d.last_balance + d.balance_interval;
      if (first || due < next) next = due;
      first = false;
    }
  }
  nohz_next_balance_ = std::max(next, now + 1);
}

bool FairClass::NewidleBalance(int cpu) {
  // docs/model.md 1: skipped if avg_idle < 500 us (migration cost) or less than the domain's
  // balancing cost; otherwise pull bottom-up and stop at the first success.
  if (avg_idle_[cpu] < params_.migration_cost_ns) return false;
  std::vector<DomainState>& doms = domains_->of(cpu);
  for (int lvl = 0; lvl < static_cast<int>(doms.size()); ++lvl) {
    if (avg_idle_[cpu] < params_.newidle_lb_cost_ns) break;
    const int moved = LoadBalance(cpu, lvl, IdleType::kNewlyIdle);
    if (moved > 0) {
      stats_.newidle_moves += moved;
      return true;
    }
  }
  return false;
}

}  // namespace scxtwin::sim::fair
