#include "kernel/stats.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scxtwin {

std::vector<uint64_t> SumPerCpu(const std::vector<uint64_t>& per_cpu, size_t cpus, size_t count) {
  std::vector<uint64_t> sums(count, 0);
  for (size_t key = 0; key < count; ++key) {
    for (size_t cpu = 0; cpu < cpus && key * cpus + cpu < per_cpu.size(); ++cpu) {
      sums[key] += per_cpu[key * cpus + cpu];
    }
  }
  return sums;
}

absl::StatusOr<std::vector<uint64_t>> ReadCounters(bpf_map* map, size_t count) {
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return absl::InternalError("cannot count the possible CPUs");
  int fd = bpf_map__fd(map);
  // A per-CPU array lookup fills one 8-byte slot per possible CPU; keep them key-major.
  std::vector<uint64_t> per_cpu(count * cpus, 0);
  for (uint32_t key = 0; key < count; ++key) {
    if (bpf_map_lookup_elem(fd, &key, &per_cpu[key * cpus]) != 0) {
      return absl::InternalError(
          absl::StrCat("reading counter ", key, " of the stats map: ", strerror(errno)));
    }
  }
  return SumPerCpu(per_cpu, cpus, count);
}

std::string FormatStatsLine(const KernelPolicy& policy, const std::vector<uint64_t>& values,
                            absl::Duration elapsed, const std::string& label) {
  std::string line = absl::StrCat(
      "stats ", label.empty() ? absl::StrFormat("%.1fs", absl::ToDoubleSeconds(elapsed)) : label,
      " ", policy.name, ":");
  for (size_t i = 0; i < policy.stats.size() && i < values.size(); ++i) {
    absl::StrAppend(&line, " ", policy.stats[i].name, "=", values[i]);
  }
  return line;
}

}  // namespace scxtwin
