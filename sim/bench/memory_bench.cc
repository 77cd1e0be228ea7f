// The simulator's memory per task and per pending event: the figures behind the workload
// limits' memory estimate (kBytesPerTask, kBytesPerPendingEvent in sim/workload/limits.h).
//
//   bazel run -c opt //sim/bench:memory_bench
//
// Heap bytes in use (glibc mallinfo2: allocated chunks, mmapped ones included) with a finished
// run still alive, for a workload of N and of 2N tasks (or pending arrivals); the difference
// over N is the cost of one more, so the fixed cost of a run (the policy, the class, the
// machine) drops out. Tasks: N process instances of one task each, all created at t=0 and asleep
// when the run stops (so per-instance state is in the figure too). Pending events: N instances
// whose arrival lies after the run's end (each an event in the queue, nothing more).
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "sim/run/runner.h"
#include "sim/workload/limits.h"

namespace scxtwin::sim {
namespace {

std::string g_argv0;
std::string g_tmp;

int64_t HeapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<int64_t>(m.uordblks + m.hblkhd);
}

// `n` process instances of one sleeping task each, arriving at `at_ns`; the run stops at 1 ms.
std::string Workload(const char* name, int64_t n, int64_t at_ns) {
  const std::string path = absl::StrCat(g_tmp, "/", name, "_", n, ".textpb");
  std::ofstream(path) << absl::StrFormat(R"pb(
                                           name: "%s"
                                           duration_ns: 1000000
                                           process {
                                             name: "p"
                                             instances: %d
                                             arrival { at_ns: %d }
                                             group {
                                               name: "g"
                                               program { sleep { fixed_ns: 10000000000 } }
                                             }
                                           }
                                         )pb",
                                         name, n, at_ns);
  return path;
}

// Heap growth while a run of `workload` is alive.
int64_t RunHeap(const std::string& policy, const std::string& workload, benchmark::State& state) {
  RunConfig config;
  config.policy = policy;
  config.policy_dirs = DefaultPolicyDirs(g_argv0.c_str());
  config.workload = workload;
  config.topology = "2x2x4x2";
  const int64_t before = HeapInUse();
  auto run = RunSimulation(config);
  if (!run.ok()) {
    state.SkipWithError(std::string(run.status().message()).c_str());
    return 0;
  }
  return HeapInUse() - before;
}

void BM_BytesPerTask(benchmark::State& state, std::string policy) {
  const int64_t n = state.range(0);
  const std::string small = Workload("tasks", n, 0), large = Workload("tasks", 2 * n, 0);
  double per_task = 0;
  for (auto _ : state) {
    const int64_t a = RunHeap(policy, small, state);
    const int64_t b = RunHeap(policy, large, state);
    per_task = static_cast<double>(b - a) / static_cast<double>(n);
  }
  state.counters["bytes_per_task"] = per_task;
  state.counters["limit_constant"] = static_cast<double>(kBytesPerTask);
}

void BM_BytesPerPendingEvent(benchmark::State& state) {
  const int64_t n = state.range(0);
  // Arrivals at 1 s: after the run's end (1 ms), so they stay in the queue.
  const std::string small = Workload("pending", n, 1000000000),
                    large = Workload("pending", 2 * n, 1000000000);
  double per_event = 0;
  for (auto _ : state) {
    const int64_t a = RunHeap("fifo", small, state);
    const int64_t b = RunHeap("fifo", large, state);
    per_event = static_cast<double>(b - a) / static_cast<double>(n);
  }
  state.counters["bytes_per_event"] = per_event;
  state.counters["limit_constant"] = static_cast<double>(kBytesPerPendingEvent);
}

}  // namespace
}  // namespace scxtwin::sim

int main(int argc, char** argv) {
  scxtwin::sim::g_argv0 = argv[0];
  char tmpl[] = "/tmp/scxtwin_membench.XXXXXX";
  scxtwin::sim::g_tmp = mkdtemp(tmpl);
  if (!getenv("TEST_TMPDIR")) setenv("TEST_TMPDIR", scxtwin::sim::g_tmp.c_str(), 1);
  for (const char* policy : {"fifo", "eevdf", "wvtime", "vtime", "homing"}) {
    benchmark::RegisterBenchmark(absl::StrCat("BM_BytesPerTask/", policy).c_str(),
                                 scxtwin::sim::BM_BytesPerTask, std::string(policy))
        ->Arg(20000)
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_BytesPerPendingEvent", scxtwin::sim::BM_BytesPerPendingEvent)
      ->Arg(100000)
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::string rm = "rm -rf '" + scxtwin::sim::g_tmp + "'";
  return system(rm.c_str()) == 0 ? 0 : 0;
}
