// Simulator throughput (boot_bench.cc: micro-VM boots per second and the README's main job):
// simulated scheduling events (policy callbacks) and context switches per
// second of the simulating thread's CPU time (one core; wall time on a shared machine also
// counts time spent waiting for the CPU), for policies on 16 and 128 CPUs with a bursty workload of 10x as many
// tasks as CPUs; and the event queue alone.
//
//   bazel run -c opt //sim/bench -- [--benchmark_filter=...]
//
// Policies: the simulator's test scheduler `wvtime` (always), the kernel tree's `scx_simple`
// (compiled from the cache at start-up, skipped without it), and every project policy whose host
// object is in the runfiles (policy/NAME_host.so: the scx_policy list, //policy:policies_host).
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "sim/bench/boot_bench.h"
#include "sim/engine/event_queue.h"
#include "sim/host/testing/kernel_tree.h"
#include "sim/run/runner.h"

namespace scxtwin::sim {
namespace {

std::string g_argv0;
std::string g_tmp;

// 10 tasks per CPU, each alternating exponential bursts (mean 50 us) and sleeps (mean 200 us):
// about 2x oversubscribed on average, with bursts of contention.
std::string BurstyWorkload(int cpus, int64_t duration_ns) {
  const std::string path = absl::StrCat(g_tmp, "/bursty_", cpus, ".textpb");
  std::ofstream(path) << absl::StrFormat(
      R"pb(
        name: "bench_bursty"
        description: "10 tasks per CPU alternating ~50 us bursts and ~200 us sleeps"
        duration_ns: %d
        process {
          name: "bursty"
          group {
            name: "t"
            count: %d
            program {
              loop {
                body { run { exponential { mean_ns: 50000 } } }
                body { sleep { exponential { mean_ns: 200000 } } }
              }
            }
          }
        }
      )pb",
      duration_ns, 10 * cpus);
  return path;
}

std::string g_simple_path;  // scx_simple built from the kernel tree, or "" if unavailable

// callbacks/s per (policy, cpus, host effects on), for the effects' cost printed at the end.
std::map<std::tuple<std::string, int, bool>, double> g_callbacks_per_s;

// `effects`: the machine's host effects (sim/machine/effects.h) at their defaults; without, the
// cost table alone: the pair measures what the effects cost the simulator.
void BM_Policy(benchmark::State& state, std::string policy, bool effects) {
  const int cpus = static_cast<int>(state.range(0));
  RunConfig config;
  config.policy = policy == "scx_simple" ? g_simple_path : policy;
  if (config.policy.empty()) {
    state.SkipWithError("scx_simple not available (no cached kernel tree)");
    return;
  }
  config.policy_dirs = DefaultPolicyDirs(g_argv0.c_str());
  config.workload = BurstyWorkload(cpus, cpus <= 16 ? 400 * kNsPerMs : 100 * kNsPerMs);
  config.topology = cpus == 16 ? "1x2x4x2" : "2x4x8x2";
  if (!effects) config.sets = {{"cost.effects", "off"}};
  int64_t callbacks = 0, switches = 0, events = 0;
  double cpu_seconds = 0;
  for (auto _ : state) {
    auto run = RunSimulation(config);
    if (!run.ok()) {
      state.SkipWithError(std::string(run.status().message()).c_str());
      return;
    }
    // CPU time of the simulating thread: the machine is shared, wall time also counts waiting.
    state.SetIterationTime((*run)->cpu_seconds);
    cpu_seconds += (*run)->cpu_seconds;
    callbacks += (*run)->sched->ext() ? (*run)->sched->ext()->counters().callbacks : 0;
    switches += (*run)->sim->result().context_switches;
    events += (*run)->sim->result().events;
  }
  state.counters["callbacks/s"] =
      benchmark::Counter(static_cast<double>(callbacks), benchmark::Counter::kIsRate);
  state.counters["switches/s"] =
      benchmark::Counter(static_cast<double>(switches), benchmark::Counter::kIsRate);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  if (cpu_seconds > 0)
    g_callbacks_per_s[{policy, cpus, effects}] = static_cast<double>(callbacks) / cpu_seconds;
}

// What the host effects cost: callbacks/s with them against without, same policy and machine.
void PrintEffectsCost() {
  bool header = false;
  for (const auto& [key, with] : g_callbacks_per_s) {
    const auto& [policy, cpus, effects] = key;
    if (!effects) continue;
    const auto without = g_callbacks_per_s.find({policy, cpus, false});
    if (without == g_callbacks_per_s.end() || without->second <= 0) continue;
    if (!header) {
      std::printf(
          "\nhost effects' cost (BM_Policy: callbacks per CPU second, effects on vs --set "
          "cost.effects=off)\n");
      std::printf("%-10s %6s %14s %14s %8s\n", "policy", "cpus", "effects on", "effects off",
                  "ratio");
      header = true;
    }
    std::printf("%-10s %6d %14.0f %14.0f %7.2fx\n", policy.c_str(), cpus, with, without->second,
                with / without->second);
  }
}

// The event queue alone: a steady population of pending events, each pop schedules one more
// (the shape of a simulation's hot loop), one in eight cancelled.
void BM_EventQueue(benchmark::State& state) {
  const int pending = static_cast<int>(state.range(0));
  EventQueue q;
  std::mt19937_64 rng(1);
  std::vector<EventHandle> handles(pending);
  for (int i = 0; i < pending; ++i)
    handles[i] = q.Schedule(static_cast<SimTime>(rng() % 100000), 0, i);
  int64_t n = 0;
  Event e;
  for (auto _ : state) {
    if (!q.Pop(&e)) break;
    EventHandle h = q.Schedule(q.now() + 1 + static_cast<SimTime>(rng() % 100000), 0, e.target);
    if ((n & 7) == 0) {
      q.Cancel(handles[e.target]);
      handles[e.target] = q.Schedule(q.now() + 50000, 0, e.target);
    } else {
      handles[e.target] = h;
    }
    ++n;
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueue)->Arg(160)->Arg(1280);

}  // namespace
}  // namespace scxtwin::sim

int main(int argc, char** argv) {
  using scxtwin::sim::BM_Policy;
  scxtwin::sim::g_argv0 = argv[0];
  char tmpl[] = "/tmp/scxtwin_bench.XXXXXX";
  scxtwin::sim::g_tmp = mkdtemp(tmpl);
  if (!getenv("TEST_TMPDIR")) setenv("TEST_TMPDIR", scxtwin::sim::g_tmp.c_str(), 1);
  auto simple = scxtwin::host::BuildKernelTreePolicy("tools/sched_ext/scx_simple.bpf.c");
  if (simple.ok()) scxtwin::sim::g_simple_path = *simple;
  std::vector<std::string> policies = {"wvtime", "scx_simple"};
  for (std::string& p : scxtwin::sim::ProjectPolicies(argv[0])) policies.push_back(std::move(p));
  for (const std::string& policy : policies) {
    for (bool effects : {true, false}) {
      // The effects-off twins only for the simulator's own test scheduler and homing.
      if (!effects && policy != "wvtime" && policy != "homing") continue;
      benchmark::RegisterBenchmark(
          absl::StrCat("BM_Policy/", policy, effects ? "" : "/effects_off").c_str(), BM_Policy,
          policy, effects)
          ->Arg(16)
          ->Arg(128)
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond)
          ->Iterations(3);
    }
  }
  scxtwin::sim::RegisterBootBenchmarks(argv[0]);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  scxtwin::sim::PrintBootRatios();
  scxtwin::sim::PrintEffectsCost();
  benchmark::Shutdown();
  std::string rm = "rm -rf '" + scxtwin::sim::g_tmp + "'";
  return system(rm.c_str()) == 0 ? 0 : 0;
}
