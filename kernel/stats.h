// A policy's counters: the per-CPU array map `stats`, summed over CPUs, and the stats line the
// loader prints (in the spirit of the scx schedulers: one line of name=value per interval).
#ifndef SCXTWIN_KERNEL_STATS_H_
#define SCXTWIN_KERNEL_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kernel/policy_registry.h"

struct bpf_map;

namespace scxtwin {

// Sums each of the `count` entries of the per-CPU array `map` over the possible CPUs.
absl::StatusOr<std::vector<uint64_t>> ReadCounters(bpf_map* map, size_t count);

// Sums a per-CPU value laid out as `per_cpu[cpu * count + key]`, for `cpus` CPUs.
std::vector<uint64_t> SumPerCpu(const std::vector<uint64_t>& per_cpu, size_t cpus, size_t count);

// `stats 2.0s homing: went_home=3 stayed_home=10 ...` (`label` replaces the elapsed time when
// given, e.g. "final").
std::string FormatStatsLine(const KernelPolicy& policy, const std::vector<uint64_t>& values,
                            absl::Duration elapsed, const std::string& label = "");

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_STATS_H_
