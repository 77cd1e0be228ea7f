// The cost of the host-mode path, without the simulator: a policy callback called through its
// ops table, the kfuncs it makes forwarded through the host API table (to the fake host), and
// its per-CPU stats map lookups (to the loader's maps).
//
//   bazel run -c opt //sim/host:host_call_bench
#include <memory>
#include <string>
#include <utility>

#include "benchmark/benchmark.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

const char kProbe[] = "sim/host/probe_policy.so";

// The probe policy on an 8-CPU fake host with one task, as every benchmark here starts.
struct ProbeOnFakeHost {
  FakeHost host{8};
  std::unique_ptr<PolicyInstance> policy;
  task_struct* task = nullptr;
  sched_ext_ops* ops = nullptr;

  // False, with the benchmark marked as skipped, when the policy does not load.
  bool Load(benchmark::State& state) {
    auto loaded = PolicyInstance::Load(kProbe, {8});
    if (!loaded.ok()) {
      state.SkipWithError(std::string(loaded.status().message()).c_str());
      return false;
    }
    policy = *std::move(loaded);
    policy->InstallApi(host.Api());
    task = host.AddTask(1, "bench");
    ops = policy->ops();
    return true;
  }
};

// One select_cpu: a select_cpu_dfl kfunc, a per-CPU stats lookup, a local-DSQ insert.
void BM_ProbeSelectCpu(benchmark::State& state) {
  ProbeOnFakeHost probe;
  if (!probe.Load(state)) return;
  for (auto _ : state) {
    benchmark::DoNotOptimize(probe.ops->select_cpu(probe.task, 3, SCX_WAKE_TTWU));
    if (probe.host.inserts.size() > 4096) probe.host.inserts.clear();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProbeSelectCpu);

// One enqueue: task storage get, a hash lookup/update, a queue push and pop (dispatch), stats,
// a vtime insert.
void BM_ProbeEnqueueDispatch(benchmark::State& state) {
  ProbeOnFakeHost probe;
  if (!probe.Load(state)) return;
  for (auto _ : state) {
    probe.ops->enqueue(probe.task, 0);
    probe.ops->dispatch(0, nullptr);
    if (probe.host.inserts.size() > 4096) probe.host.inserts.clear();
    if (probe.host.log.size() > 4096) probe.host.log.clear();
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_ProbeEnqueueDispatch);

}  // namespace
}  // namespace scxtwin::host
