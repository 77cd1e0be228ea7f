// The simulator's throughput figures on the boot workload: simulated micro-VM boots per second of wall time, per
// policy, on 16 and 64 CPUs; and the wall time of the README's main job (`bazel run //:seed`).
#ifndef SCXTWIN_SIM_BENCH_BOOT_BENCH_H_
#define SCXTWIN_SIM_BENCH_BOOT_BENCH_H_

#include <string>

namespace scxtwin::sim {

// Registers BM_Boot/<policy>/<cpus> and BM_MainJob. `argv0` finds the runfiles.
void RegisterBootBenchmarks(const std::string& argv0);

// After the benchmarks ran: the figures again with their ratios (policy to eevdf, 64 to 16
// CPUs, the main job to its runs done one after another), on stdout.
void PrintBootRatios();

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_BENCH_BOOT_BENCH_H_
