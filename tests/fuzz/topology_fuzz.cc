// Fuzzes the topology parser (--topology: SxLxCxT or a CPU count) and the CPU-list parser
// (affinity: "0-3,8"). Input: a topology spec, a newline, a CPU list. Properties: no crash, no
// sanitizer report; a parsed machine has 1..1024 CPUs, a symmetric distance, kSameCpu only
// from a CPU to itself; a parsed CPU list names only existing CPUs.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/str_split.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scxtwin::sim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::pair<std::string, std::string> parts = absl::StrSplit(text, absl::MaxSplits('\n', 1));
  auto topo = Topology::Parse(parts.first);
  const int nr_cpus = topo.ok() ? topo->nr_cpus() : 8;
  if (topo.ok()) {
    if (nr_cpus < 1 || nr_cpus > 1024) abort();
    for (int a = 0; a < nr_cpus; a += 1 + nr_cpus / 16) {
      for (int b = 0; b < nr_cpus; b += 1 + nr_cpus / 16) {
        if (topo->distance(a, b) != topo->distance(b, a)) abort();
        if ((a == b) != (topo->distance(a, b) == Distance::kSameCpu)) abort();
      }
    }
  }
  auto set = ParseCpuList(parts.second, nr_cpus, "fuzz");
  if (set.ok()) {
    // Every set bit is a CPU of the machine (a bit past it would be counted but never found).
    int found = 0;
    for (int c = set->First(); c >= 0; c = set->Next(c + 1)) ++found;
    if (set->capacity() != nr_cpus || found != set->Count()) abort();
  }
  return 0;
}
