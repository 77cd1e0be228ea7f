// The simulated machine's shape: sockets x LLCs per socket x cores per LLC x SMT threads.
//
// CPU ids follow the common x86 Linux enumeration: the first hardware thread of every core
// comes first (cpu = core for thread 0), the second threads after them (cpu = core + nr_cores),
// so on "2x2x4x2" cpu 0 and cpu 16 are SMT siblings. A socket is one NUMA node.
#ifndef SCXTWIN_SIM_MACHINE_TOPOLOGY_H_
#define SCXTWIN_SIM_MACHINE_TOPOLOGY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace scxtwin::sim {

// How far apart two CPUs are, nearest first. Indexes the migration-cost table.
enum class Distance : uint8_t {
  kSameCpu = 0,
  kSmtSibling = 1,  // same core
  kSameLlc = 2,     // other core, shared last-level cache
  kOtherLlc = 3,    // same node, other LLC
  kOtherNode = 4,   // other socket
};
inline constexpr int kNumDistances = 5;
const char* DistanceName(Distance d);

struct CpuPlace {
  int32_t node;    // socket
  int32_t llc;     // global LLC index
  int32_t core;    // global core index
  int32_t thread;  // SMT thread within the core
};

class Topology {
 public:
  // Parses "S x L x C x T" ("2x2x4x2": 2 sockets, 2 LLCs each, 4 cores per LLC, 2 threads per
  // core) or a flat CPU count ("16": one node, one LLC, 16 cores, no SMT). Errors name the spec
  // and what was expected.
  static absl::StatusOr<Topology> Parse(absl::string_view spec);
  static Topology Make(int sockets, int llcs_per_socket, int cores_per_llc, int smt);

  int nr_cpus() const { return static_cast<int>(place_.size()); }
  int nr_cores() const { return nr_cores_; }
  int nr_llcs() const { return nr_llcs_; }
  int nr_nodes() const { return sockets_; }
  int smt() const { return smt_; }
  const std::string& spec() const { return spec_; }

  const CpuPlace& place(int cpu) const { return place_[cpu]; }
  Distance distance(int a, int b) const;
  // CPUs of the same core (including cpu), in id order.
  const std::vector<int32_t>& core_cpus(int cpu) const { return core_cpus_[place_[cpu].core]; }
  const std::vector<int32_t>& llc_cpus(int cpu) const { return llc_cpus_[place_[cpu].llc]; }
  const std::vector<int32_t>& node_cpus(int cpu) const { return node_cpus_[place_[cpu].node]; }

 private:
  std::string spec_;
  int sockets_ = 0, nr_llcs_ = 0, nr_cores_ = 0, smt_ = 0;
  std::vector<CpuPlace> place_;
  std::vector<std::vector<int32_t>> core_cpus_, llc_cpus_, node_cpus_;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_MACHINE_TOPOLOGY_H_
