// The scheduling-domain hierarchy the balancer walks, built from the machine's topology like
// the kernel's default one: SMT (a core's threads), MC (an LLC), PKG (a node's LLCs), NUMA
// (the nodes); a level whose span equals the one below it is left out (degenerate). Each level
// of each CPU also carries the balancer's per-CPU state (interval, failures, last balance).
#ifndef SCXTWIN_SIM_FAIR_SCHED_DOMAINS_H_
#define SCXTWIN_SIM_FAIR_SCHED_DOMAINS_H_

#include <cstdint>
#include <vector>

#include "sim/engine/time.h"
#include "sim/fair/fair_params.h"
#include "sim/machine/topology.h"

namespace scxtwin::sim::fair {

enum class DomainLevel : uint8_t { kSmt, kMc, kPkg, kNuma };
const char* DomainLevelName(DomainLevel level);

struct DomainShape {
  DomainLevel level;
  std::vector<int32_t> span;                 // sorted CPU ids
  std::vector<std::vector<int32_t>> groups;  // the child spans partitioning `span`
  int imbalance_pct;
  int cache_nice_tries;
  SimDuration min_interval;  // docs/model.md 1: sd_weight ms ...
  SimDuration max_interval;  // ... at most 2x
};

struct DomainState {
  const DomainShape* shape = nullptr;
  int local_group = 0;  // index of the group holding this CPU
  SimDuration balance_interval = 0;
  int nr_balance_failed = 0;
  SimTime last_balance = 0;
};

class SchedDomains {
 public:
  SchedDomains(const Topology& topo, const FairParams& params);
  // The CPU's domains, lowest level first (empty on a one-CPU machine).
  std::vector<DomainState>& of(int cpu) { return per_cpu_[cpu]; }
  const std::vector<DomainState>& of(int cpu) const { return per_cpu_[cpu]; }

 private:
  std::vector<std::unique_ptr<DomainShape>> shapes_;
  std::vector<std::vector<DomainState>> per_cpu_;
};

}  // namespace scxtwin::sim::fair

#endif  // SCXTWIN_SIM_FAIR_SCHED_DOMAINS_H_
