// Speed of the fair class: simulated micro-VM boots per second of wall time. Each iteration
// simulates a burst of boot-like VMs (the library's bursty_boot shape: one main thread and four
// bursty vCPU threads each) arriving together on a flat machine; the counter `boots/s` is
// simulated boots per wall second. BM_TraceReplay replays the imported 4-vCPU boot trace
// (boot_mttcg_smp4) on the traced host's 2 CPUs (skipped when the shared traces are absent).
//
//   bazel run -c opt //sim/fair:fair_benchmark
#include <google/protobuf/text_format.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "sim/core/simulator.h"
#include "sim/fair/fair_class.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"
#include "tools/trace2workload/workload_emitter.h"

namespace scxtwin::sim::fair {
namespace {

std::string BurstOfBoots(int vms) {
  return absl::StrFormat(
      R"pb(
        name: "boot_burst"
        process {
          name: "vm"
          instances: %d
          arrival { at_ns: 0 }
          group {
            name: "main"
            program {
              loop {
                count: 400
                body { run { lognormal { median_ns: 11000 sigma: 0.5 max_ns: 200000 } } }
                body { wake { group: "vcpu" pick: NEXT } }
                body { sleep { exponential { mean_ns: 150000 } } }
              }
            }
          }
          group {
            name: "vcpu"
            count: 4
            start { uniform { min_ns: 0 max_ns: 2000000 } }
            program {
              loop {
                count: 250
                body { run { lognormal { median_ns: 40000 sigma: 3.0 max_ns: 10000000 } } }
                body { sleep { exponential { mean_ns: 300000 } } }
              }
            }
          }
        })pb",
      vms);
}

void BM_BootBurst(benchmark::State& state) {
  const int cpus = static_cast<int>(state.range(0));
  const int vms = static_cast<int>(state.range(1));
  auto spec = ParseWorkload(BurstOfBoots(vms), "boot_burst");
  if (!spec.ok()) {
    state.SkipWithError(std::string(spec.status().message()).c_str());
    return;
  }
  Topology topo = Topology::Make(1, 1, cpus, 1);
  uint64_t seed = 1;
  int64_t events = 0;
  for (auto _ : state) {
    FairClass cls;
    SimOptions o;
    o.seed = seed++;
    Simulator sim(topo, **spec, &cls, o);
    if (!sim.Run().ok()) state.SkipWithError("run failed");
    events += sim.result().events;
  }
  state.counters["boots/s"] = benchmark::Counter(static_cast<double>(vms) * state.iterations(),
                                                 benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BootBurst)
    ->Args({16, 16})
    ->Args({64, 64})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_TraceReplay(benchmark::State& state) {
  // A data file of this benchmark: `bazel run` starts it in its runfiles, where the traces are.
  const std::string path = "data/traces/boot_mttcg_smp4.trace.gz";
  auto events = trace2workload::ReadFtraceFile(path);
  if (!events.ok()) {
    state.SkipWithError(std::string(events.status().message()).c_str());
    return;
  }
  auto tree = trace2workload::ExtractTree(*events, "qemu-system-x86_64");
  std::string text;
  google::protobuf::TextFormat::PrintToString(trace2workload::ToWorkload(*tree, "boot", "boot"),
                                              &text);
  auto spec = ParseWorkload(text, "boot");
  Topology topo = Topology::Make(1, 1, 2, 1);
  for (auto _ : state) {
    FairClass cls;
    Simulator sim(topo, **spec, &cls, SimOptions());
    if (!sim.Run().ok()) state.SkipWithError("run failed");
  }
  state.counters["boots/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TraceReplay)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace scxtwin::sim::fair
