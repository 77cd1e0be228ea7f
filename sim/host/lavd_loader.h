// scx_lavd's Rust loader (scx repository, scheds/rust/scx_lavd/src/main.rs and cpu_order.rs), as
// it sets up the program for a machine before load: its options' defaults, the CPU tables
// (`cpu_capacity[]`, `cpu_big[]`, `cpu_turbo[]`, `cpu_sibling[]`), the compute domains
// (`cpdom_ctxs[]`: one per LLC, with neighbours by distance) and the performance-vs-CPU-order
// table (`pco_*`), and its ops flags. Written for what the simulator models: no energy model and
// no hybrid cores, so every CPU is a big core of capacity 1024 and the order table is the loader's
// two-state table for a machine without an energy model.
#ifndef SCXTWIN_SIM_HOST_LAVD_LOADER_H_
#define SCXTWIN_SIM_HOST_LAVD_LOADER_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "sim/host/loader_defaults.h"

namespace scxtwin::host {

class PolicyInstance;

// One compute domain as the loader builds it: its id, the id of the domain of the other core type
// (its own: no hybrid cores), its node and LLC, its CPUs and its neighbour ids per distance
// (nearest first; each list in the loader's circular order).
struct LavdComputeDomain {
  uint64_t id = 0;
  uint64_t alt_id = 0;
  int32_t node = 0;
  int32_t llc = 0;
  std::vector<int> cpus;
  std::vector<std::vector<uint8_t>> neighbors;
};

// The loader's CPU orders: performance (first SMT threads of every core first, node by node and
// LLC by LLC) and powersave (node, LLC, core, thread).
std::vector<int> LavdPerformanceOrder(const std::vector<LoaderCpu>& cpus);
std::vector<int> LavdPowersaveOrder(const std::vector<LoaderCpu>& cpus);

// The compute domains for `cpus`, ids in order of first appearance in the performance order.
std::vector<LavdComputeDomain> LavdComputeDomains(const std::vector<LoaderCpu>& cpus);

// Writes everything the loader sets into a loaded scx_lavd (ops name "lavd").
absl::Status LavdLikeItsLoader(PolicyInstance* policy, const std::vector<LoaderCpu>& cpus);

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_LAVD_LOADER_H_
