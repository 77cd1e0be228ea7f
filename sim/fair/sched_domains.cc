#include "sim/fair/sched_domains.h"

#include <algorithm>
#include <map>
#include <memory>

namespace scxtwin::sim::fair {

const char* DomainLevelName(DomainLevel level) {
  switch (level) {
    case DomainLevel::kSmt:
      return "SMT";
    case DomainLevel::kMc:
      return "MC";
    case DomainLevel::kPkg:
      return "PKG";
    case DomainLevel::kNuma:
      return "NUMA";
  }
  return "?";
}

SchedDomains::SchedDomains(const Topology& topo, const FairParams& params) {
  const int n = topo.nr_cpus();
  per_cpu_.resize(n);
  std::vector<int32_t> all(n);
  for (int c = 0; c < n; ++c) all[c] = c;
  // The span of each candidate level for a CPU, lowest first.
  auto span_of = [&](int cpu, DomainLevel level) -> std::vector<int32_t> {
    std::vector<int32_t> s;
    switch (level) {
      case DomainLevel::kSmt:
        s = topo.core_cpus(cpu);
        break;
      case DomainLevel::kMc:
        s = topo.llc_cpus(cpu);
        break;
      case DomainLevel::kPkg:
        s = topo.node_cpus(cpu);
        break;
      case DomainLevel::kNuma:
        s = all;
        break;
    }
    std::sort(s.begin(), s.end());
    return s;
  };
  const DomainLevel levels[] = {DomainLevel::kSmt, DomainLevel::kMc, DomainLevel::kPkg,
                                DomainLevel::kNuma};
  // Shapes are shared by the CPUs of a span: key (level, first cpu).
  std::map<std::pair<int, int32_t>, DomainShape*> made;
  for (int cpu = 0; cpu < n; ++cpu) {
    std::vector<int32_t> child = {cpu};
    for (DomainLevel level : levels) {
      std::vector<int32_t> span = span_of(cpu, level);
      if (span.size() <= child.size()) continue;  // degenerate: same CPUs as below
      auto key = std::make_pair(static_cast<int>(level), span.front());
      DomainShape*& shape = made[key];
      if (shape == nullptr) {
        auto s = std::make_unique<DomainShape>();
        s->level = level;
        s->span = span;
        // Groups: the spans one level down (the previous kept level), in CPU order.
        std::vector<bool> seen(n, false);
        for (int32_t c : span) {
          if (seen[c]) continue;
          std::vector<int32_t> g = {c};
          for (auto lower = levels; *lower != level; ++lower) {
            std::vector<int32_t> ls = span_of(c, *lower);
            if (ls.size() > g.size() && ls.size() < span.size()) g = ls;
          }
          for (int32_t m : g) seen[m] = true;
          s->groups.push_back(g);
        }
        // docs/model.md 1: imbalance_pct 117 (110 at SMT level); cache_nice_tries 1 (LLC),
        // 2 (NUMA), none at SMT (where a task is never cache-hot).
        s->imbalance_pct =
            level == DomainLevel::kSmt ? params.imbalance_pct_smt : params.imbalance_pct;
        s->cache_nice_tries = level == DomainLevel::kSmt    ? 0
                              : level == DomainLevel::kNuma ? params.cache_nice_tries_numa
                                                            : params.cache_nice_tries_llc;
        // docs/model.md 1: "interval sd_weight ms ..., max 2x".
        s->min_interval = static_cast<SimDuration>(span.size()) * kNsPerMs;
        s->max_interval = 2 * s->min_interval;
        shape = s.get();
        shapes_.push_back(std::move(s));
      }
      DomainState st;
      st.shape = shape;
      st.balance_interval = shape->min_interval;
      for (size_t g = 0; g < shape->groups.size(); ++g) {
        const auto& grp = shape->groups[g];
        if (std::find(grp.begin(), grp.end(), cpu) != grp.end()) st.local_group = g;
      }
      per_cpu_[cpu].push_back(st);
      child = span;
    }
  }
}

}  // namespace scxtwin::sim::fair
