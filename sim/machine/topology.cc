#include "sim/machine/topology.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scxtwin::sim {

const char* DistanceName(Distance d) {
  switch (d) {
    case Distance::kSameCpu:
      return "same_cpu";
    case Distance::kSmtSibling:
      return "smt_sibling";
    case Distance::kSameLlc:
      return "same_llc";
    case Distance::kOtherLlc:
      return "other_llc";
    case Distance::kOtherNode:
      return "other_node";
  }
  return "?";
}

// Upper bound that keeps per-CPU arrays sane (and matches what the benchmarks need).
static constexpr int kMaxCpus = 1024;  // the host-mode cpumask capacity (SCXTWIN_MAX_CPUS)

absl::StatusOr<Topology> Topology::Parse(absl::string_view spec) {
  const std::vector<absl::string_view> parts = absl::StrSplit(spec, 'x');
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("--topology='", spec, "': ", why,
                     "; expected SOCKETSxLLCSxCORESxSMT (e.g. 2x2x4x2) or a CPU count (e.g. 16)"));
  };
  std::vector<int> n;
  for (absl::string_view p : parts) {
    int v = 0;
    if (!absl::SimpleAtoi(p, &v) || v <= 0)
      return bad(absl::StrCat("'", p, "' is not a positive integer"));
    n.push_back(v);
  }
  if (n.size() == 1) n = {1, 1, n[0], 1};
  if (n.size() != 4) return bad(absl::StrCat("has ", parts.size(), " fields"));
  const long total = static_cast<long>(n[0]) * n[1] * n[2] * n[3];
  if (total > kMaxCpus) return bad(absl::StrCat(total, " CPUs is more than ", kMaxCpus));
  Topology t = Make(n[0], n[1], n[2], n[3]);
  t.spec_ = std::string(spec);
  return t;
}

Topology Topology::Make(int sockets, int llcs_per_socket, int cores_per_llc, int smt) {
  Topology t;
  t.sockets_ = sockets;
  t.nr_llcs_ = sockets * llcs_per_socket;
  t.nr_cores_ = t.nr_llcs_ * cores_per_llc;
  t.smt_ = smt;
  t.spec_ = absl::StrCat(sockets, "x", llcs_per_socket, "x", cores_per_llc, "x", smt);
  const int nr_cpus = t.nr_cores_ * smt;
  t.place_.resize(nr_cpus);
  t.core_cpus_.resize(t.nr_cores_);
  t.llc_cpus_.resize(t.nr_llcs_);
  t.node_cpus_.resize(sockets);
  for (int cpu = 0; cpu < nr_cpus; ++cpu) {
    const int core = cpu % t.nr_cores_;
    const int thread = cpu / t.nr_cores_;
    const int llc = core / cores_per_llc;
    const int node = llc / llcs_per_socket;
    t.place_[cpu] = CpuPlace{node, llc, core, thread};
    t.core_cpus_[core].push_back(cpu);
    t.llc_cpus_[llc].push_back(cpu);
    t.node_cpus_[node].push_back(cpu);
  }
  return t;
}

Distance Topology::distance(int a, int b) const {
  if (a == b) return Distance::kSameCpu;
  const CpuPlace& pa = place_[a];
  const CpuPlace& pb = place_[b];
  if (pa.core == pb.core) return Distance::kSmtSibling;
  if (pa.llc == pb.llc) return Distance::kSameLlc;
  if (pa.node == pb.node) return Distance::kOtherLlc;
  return Distance::kOtherNode;
}

}  // namespace scxtwin::sim
