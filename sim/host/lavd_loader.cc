#include "sim/host/lavd_loader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sim/host/policy_loader.h"

namespace scxtwin::host {
namespace {

// scx_lavd's intf.h.
constexpr int kCpuIdMax = 8192;   // LAVD_CPU_ID_MAX
constexpr int kCpdomMaxNr = 128;  // LAVD_CPDOM_MAX_NR
constexpr int kCpdomMaxDist = 3;  // LAVD_CPDOM_MAX_DIST
constexpr int kPcoStateMax = 11;  // LAVD_PCO_STATE_MAX
constexpr uint16_t kCapacity = 1024;

// struct cpdom_ctx's loader-written head (lavd.bpf.h): the object carries no type layout, so the
// offsets are written here as the BPF file declares them, and a cpdom_ctxs[] of another size is
// refused rather than written.
constexpr uint64_t kCpdomSize = 1600;
constexpr uint64_t kOffId = 0, kOffAltId = 8, kOffNumaId = 16, kOffLlcId = 17, kOffIsBig = 18,
                   kOffIsValid = 19, kOffNrNeighbors = 20, kOffCpumask = 24,
                   kOffNeighborIds = kOffCpumask + kCpuIdMax / 64 * 8;

// Where a CPU sits, as cpu_order.rs's CpuId: its node, its LLC's index within the node, its
// core's index within the LLC and its own index within the core.
struct Place {
  int32_t node, llc, llc_rdx, core_rdx, cpu_rdx;
};

std::vector<Place> Places(const std::vector<LoaderCpu>& cpus) {
  std::map<int32_t, std::set<int32_t>> llcs_of_node, cores_of_llc;
  std::map<int32_t, std::vector<int>> cpus_of_core;
  for (int i = 0; i < static_cast<int>(cpus.size()); ++i) {
    llcs_of_node[cpus[i].node].insert(cpus[i].llc);
    cores_of_llc[cpus[i].llc].insert(cpus[i].core);
    cpus_of_core[cpus[i].core].push_back(i);
  }
  auto rank = [](const std::set<int32_t>& s, int32_t v) {
    return static_cast<int32_t>(std::distance(s.begin(), s.find(v)));
  };
  std::vector<Place> out;
  for (int i = 0; i < static_cast<int>(cpus.size()); ++i) {
    const LoaderCpu& c = cpus[i];
    const std::vector<int>& siblings = cpus_of_core[c.core];
    out.push_back(
        {c.node, c.llc, rank(llcs_of_node[c.node], c.llc), rank(cores_of_llc[c.llc], c.core),
         static_cast<int32_t>(std::find(siblings.begin(), siblings.end(), i) - siblings.begin())});
  }
  return out;
}

// cpu_order.rs's circular_sort: `rest` with `start`, sorted, read outwards from start's place
// (nearest on either side first, the lower index first on a tie), start itself left out.
std::vector<uint8_t> CircularSort(uint64_t start, std::vector<uint64_t> rest) {
  rest.push_back(start);
  std::sort(rest.begin(), rest.end());
  const int n = static_cast<int>(rest.size());
  const int s = static_cast<int>(std::find(rest.begin(), rest.end(), start) - rest.begin());
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  auto dist = [&](int x) {
    const int d = (x + n - s) % n;
    return std::min(d, n - d);
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return std::make_pair(dist(a), a) < std::make_pair(dist(b), b);
  });
  std::vector<uint8_t> out;
  for (int i = 1; i < n; ++i) out.push_back(static_cast<uint8_t>(rest[order[i]]));
  return out;
}

absl::Status Write(PolicyInstance* policy, absl::string_view name, uint64_t offset,
                   const void* data, size_t len) {
  return policy->WriteGlobalBytes(name, offset, data, len);
}

template <typename T>
absl::Status WriteScalarGlobal(PolicyInstance* policy, absl::string_view name, T value) {
  SCX_ASSIGN_OR_RETURN(const Global* g, policy->FindGlobal(name));
  if (g->size != sizeof(T)) {
    return absl::FailedPreconditionError(
        absl::StrCat("scx_lavd's ", name, " has ", g->size, " bytes, expected ", sizeof(T)));
  }
  return Write(policy, name, 0, &value, sizeof(T));
}

// A per-CPU .rodata table of LAVD_CPU_ID_MAX elements: `values` in its first elements.
template <typename T>
absl::Status WriteCpuTable(PolicyInstance* policy, absl::string_view name,
                           const std::vector<T>& values) {
  SCX_ASSIGN_OR_RETURN(const Global* g, policy->FindGlobal(name));
  if (g->size != kCpuIdMax * sizeof(T)) {
    return absl::FailedPreconditionError(absl::StrCat("scx_lavd's ", name, " has ", g->size,
                                                      " bytes, expected ", kCpuIdMax * sizeof(T)));
  }
  return Write(policy, name, 0, values.data(), values.size() * sizeof(T));
}

absl::Status WriteComputeDomains(PolicyInstance* policy,
                                 const std::vector<LavdComputeDomain>& doms) {
  SCX_ASSIGN_OR_RETURN(const Global* g, policy->FindGlobal("cpdom_ctxs"));
  if (g->size != kCpdomMaxNr * kCpdomSize) {
    return absl::FailedPreconditionError(absl::StrCat(
        "scx_lavd's cpdom_ctxs has ", g->size, " bytes, expected ", kCpdomMaxNr * kCpdomSize, " (",
        kCpdomMaxNr, " struct cpdom_ctx of ", kCpdomSize, ")"));
  }
  if (doms.size() > kCpdomMaxNr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "scx_lavd: ", doms.size(), " compute domains, at most ", kCpdomMaxNr, " supported"));
  }
  for (const LavdComputeDomain& d : doms) {
    if (d.neighbors.size() > kCpdomMaxDist) {
      return absl::FailedPreconditionError(
          "scx_lavd: the processor topology is too complex to handle in BPF (more than 3 "
          "neighbour distances)");
    }
    std::vector<uint8_t> ctx(kCpdomSize, 0);
    auto put = [&](uint64_t off, const void* p, size_t n) { std::memcpy(&ctx[off], p, n); };
    put(kOffId, &d.id, 8);
    put(kOffAltId, &d.alt_id, 8);
    ctx[kOffNumaId] = static_cast<uint8_t>(d.node);
    ctx[kOffLlcId] = static_cast<uint8_t>(d.llc);
    ctx[kOffIsBig] = 1;
    ctx[kOffIsValid] = 1;
    for (int cpu : d.cpus) ctx[kOffCpumask + cpu / 64 * 8 + cpu % 64 / 8] |= 1u << (cpu % 8);
    for (size_t k = 0; k < d.neighbors.size(); ++k) {
      ctx[kOffNrNeighbors + k] = static_cast<uint8_t>(d.neighbors[k].size());
      for (size_t i = 0; i < d.neighbors[k].size(); ++i)
        ctx[kOffNeighborIds + k * kCpdomMaxNr + i] = d.neighbors[k][i];
    }
    // Only the read-only head is the loader's (the rest is the program's own state, zero).
    SCX_RETURN_IF_ERROR(Write(policy, "cpdom_ctxs", d.id * kCpdomSize, ctx.data(),
                              kOffNeighborIds + kCpdomMaxDist * kCpdomMaxNr));
  }
  return absl::OkStatus();
}

// The loader's table without an energy model (get_fake_perf_cpu_order_table): a powersave state
// bounded by one CPU's capacity and a performance state bounded by the machine's, each with its
// order's first CPU as primary and the rest as overflow; the states in bound order (one state
// when both bounds are equal), the last repeated to LAVD_PCO_STATE_MAX.
absl::Status WritePerfCpuOrder(PolicyInstance* policy, const std::vector<LoaderCpu>& cpus) {
  const uint32_t total = kCapacity * static_cast<uint32_t>(cpus.size());
  std::map<uint32_t, std::vector<int>> states;  // bound -> CPU order
  states[total] = LavdPerformanceOrder(cpus);
  states[kCapacity] = LavdPowersaveOrder(cpus);  // replaces the other on a one-CPU machine
  std::vector<uint32_t> bounds;
  std::vector<uint16_t> nr_primary;
  std::vector<uint16_t> table;  // kPcoStateMax rows of kCpuIdMax
  for (const auto& [bound, order] : states) {
    bounds.push_back(bound);
    nr_primary.push_back(1);
    std::vector<uint16_t> row(kCpuIdMax, 0);
    for (size_t i = 0; i < order.size(); ++i) row[i] = static_cast<uint16_t>(order[i]);
    table.insert(table.end(), row.begin(), row.end());
  }
  const uint8_t nr_states = static_cast<uint8_t>(bounds.size());
  while (bounds.size() < kPcoStateMax) {
    bounds.push_back(bounds.back());
    nr_primary.push_back(nr_primary.back());
    table.insert(table.end(), table.end() - kCpuIdMax, table.end());
  }
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint8_t>(policy, "nr_pco_states", nr_states));
  for (const auto& [name, data, len] :
       {std::make_tuple("pco_bounds", static_cast<const void*>(bounds.data()),
                        bounds.size() * sizeof(uint32_t)),
        std::make_tuple("pco_nr_primary", static_cast<const void*>(nr_primary.data()),
                        nr_primary.size() * sizeof(uint16_t)),
        std::make_tuple("pco_table", static_cast<const void*>(table.data()),
                        table.size() * sizeof(uint16_t))}) {
    SCX_ASSIGN_OR_RETURN(const Global* g, policy->FindGlobal(name));
    if (g->size != len) {
      return absl::FailedPreconditionError(
          absl::StrCat("scx_lavd's ", name, " has ", g->size, " bytes, expected ", len));
    }
    SCX_RETURN_IF_ERROR(Write(policy, name, 0, data, len));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<int> LavdPerformanceOrder(const std::vector<LoaderCpu>& cpus) {
  const std::vector<Place> p = Places(cpus);
  std::vector<int> order(cpus.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  // cpu_rdx, node, llc_rdx, then (capacities, caches and SMT levels all equal; the performance
  // domain is the LLC without an energy model) LLC, core_rdx, CPU id.
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return std::tie(p[a].cpu_rdx, p[a].node, p[a].llc_rdx, p[a].llc, p[a].core_rdx, a) <
           std::tie(p[b].cpu_rdx, p[b].node, p[b].llc_rdx, p[b].llc, p[b].core_rdx, b);
  });
  return order;
}

std::vector<int> LavdPowersaveOrder(const std::vector<LoaderCpu>& cpus) {
  const std::vector<Place> p = Places(cpus);
  std::vector<int> order(cpus.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  // node, llc_rdx, (equal capacities and caches) LLC, core_rdx, (equal SMT levels) cpu_rdx, id.
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return std::tie(p[a].node, p[a].llc_rdx, p[a].llc, p[a].core_rdx, p[a].cpu_rdx, a) <
           std::tie(p[b].node, p[b].llc_rdx, p[b].llc, p[b].core_rdx, p[b].cpu_rdx, b);
  });
  return order;
}

std::vector<LavdComputeDomain> LavdComputeDomains(const std::vector<LoaderCpu>& cpus) {
  const std::vector<Place> p = Places(cpus);
  // One domain per (node, LLC) (all cores big), numbered as first met in the performance order.
  std::map<std::pair<int32_t, int32_t>, size_t> index;
  std::vector<LavdComputeDomain> doms;
  for (int cpu : LavdPerformanceOrder(cpus)) {
    auto [it, added] = index.try_emplace({p[cpu].node, p[cpu].llc}, doms.size());
    if (added) {
      LavdComputeDomain& d = doms.emplace_back();
      d.id = d.alt_id = it->second;  // no domain of the other core type: its own
      d.node = p[cpu].node;
      d.llc = p[cpu].llc;
    }
    doms[it->second].cpus.push_back(cpu);
  }
  // cpu_order.rs's dist: another node is 10 away; in the node, another LLC is 2 (its index in
  // the node and its kernel id both differ).
  std::vector<int32_t> llc_rdx(doms.size());
  for (size_t i = 0; i < doms.size(); ++i) llc_rdx[i] = p[doms[i].cpus[0]].llc_rdx;
  for (size_t i = 0; i < doms.size(); ++i) {
    std::map<int, std::vector<uint64_t>> by_dist;
    for (size_t j = 0; j < doms.size(); ++j) {
      if (i == j) continue;
      int d = 0;
      if (doms[i].node != doms[j].node) {
        d += 10;
      } else {
        d += (llc_rdx[i] != llc_rdx[j]) + (doms[i].llc != doms[j].llc);
      }
      by_dist[d].push_back(j);
    }
    for (auto& [d, ids] : by_dist) doms[i].neighbors.push_back(CircularSort(i, ids));
  }
  return doms;
}

absl::Status LavdLikeItsLoader(PolicyInstance* policy, const std::vector<LoaderCpu>& cpus) {
  const int nr_cpus = static_cast<int>(cpus.size());
  if (nr_cpus > kCpuIdMax) {
    return absl::FailedPreconditionError(
        absl::StrCat("scx_lavd supports at most ", kCpuIdMax, " CPUs, got ", nr_cpus));
  }
  std::set<int32_t> llcs, cores;
  std::map<int32_t, std::vector<int>> cpus_of_core;
  for (int i = 0; i < nr_cpus; ++i) {
    llcs.insert(cpus[i].llc);
    cores.insert(cpus[i].core);
    cpus_of_core[cpus[i].core].push_back(i);
  }
  // Every CPU a big, non-turbo core of capacity 1024; its SMT sibling the other CPU of its core
  // (the first two of a core pair up, as scx_utils' sibling_cpus; -1 without one).
  std::vector<uint32_t> sibling(nr_cpus, UINT32_MAX);
  for (const auto& [core, members] : cpus_of_core) {
    if (members.size() < 2) continue;
    sibling[members[0]] = members[1];
    sibling[members[1]] = members[0];
  }
  SCX_RETURN_IF_ERROR(
      WriteCpuTable(policy, "cpu_capacity", std::vector<uint16_t>(nr_cpus, kCapacity)));
  SCX_RETURN_IF_ERROR(WriteCpuTable(policy, "cpu_big", std::vector<uint8_t>(nr_cpus, 1)));
  SCX_RETURN_IF_ERROR(WriteCpuTable(policy, "cpu_turbo", std::vector<uint8_t>(nr_cpus, 0)));
  SCX_RETURN_IF_ERROR(WriteCpuTable(policy, "cpu_sibling", sibling));
  SCX_RETURN_IF_ERROR(WritePerfCpuOrder(policy, cpus));
  SCX_RETURN_IF_ERROR(WriteComputeDomains(policy, LavdComputeDomains(cpus)));

  // init_globals with the options' defaults: autopilot (no mode option given), 5 ms / 0.5 ms
  // slice bounds, 5 ms pinned slice, preempt shift 6, 100% latency load target, lb thresholds
  // 25% and 10% of 1024; everything else off.
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint64_t>(policy, "nr_llcs", llcs.size()));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint32_t>(policy, "nr_cpu_ids", nr_cpus));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<bool>(policy, "is_smt_active", cores.size() < cpus.size()));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<bool>(policy, "is_autopilot_on", true));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint64_t>(policy, "slice_max_ns", 5'000'000));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint64_t>(policy, "slice_min_ns", 500'000));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint64_t>(policy, "pinned_slice_ns", 5'000'000));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint8_t>(policy, "preempt_shift", 6));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint16_t>(policy, "lat_load_target_pct", 100));
  SCX_RETURN_IF_ERROR(WriteScalarGlobal<uint64_t>(policy, "lb_low_util_wall", (25 << 10) / 100));
  SCX_RETURN_IF_ERROR(
      WriteScalarGlobal<uint64_t>(policy, "lb_local_dsq_util_wall", (10 << 10) / 100));
  policy->ops()->flags = SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_LAST | SCX_OPS_ENQ_MIGRATION_DISABLED |
                         SCX_OPS_KEEP_BUILTIN_IDLE;
  return absl::OkStatus();
}

}  // namespace scxtwin::host
