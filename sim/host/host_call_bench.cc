// The cost of the host-mode path, without the simulator: a policy callback called through its
// ops table, the kfuncs it makes forwarded through the host API table (to the fake host), and
// its per-CPU stats map lookups (to the loader's maps).
//
//   bazel run -c opt //sim/host:host_call_bench
#include <string>

#include "benchmark/benchmark.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

const char kProbe[] = "sim/host/probe_policy.so";

// One select_cpu: a select_cpu_dfl kfunc, a per-CPU stats lookup, a local-DSQ insert.
void BM_ProbeSelectCpu(benchmark::State& state) {
  FakeHost host(8);
  auto policy = PolicyInstance::Load(kProbe, {8});
  if (!policy.ok()) {
    state.SkipWithError(std::string(policy.status().message()).c_str());
    return;
  }
  (*policy)->InstallApi(host.Api());
  task_struct* t = host.AddTask(1, "bench");
  sched_ext_ops* ops = (*policy)->ops();
  for (auto _ : state) {
    benchmark::DoNotOptimize(ops->select_cpu(t, 3, SCX_WAKE_TTWU));
    if (host.inserts.size() > 4096) host.inserts.clear();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProbeSelectCpu);

// One enqueue: task storage get, a hash lookup/update, a queue push and pop (dispatch), stats,
// a vtime insert.
void BM_ProbeEnqueueDispatch(benchmark::State& state) {
  FakeHost host(8);
  auto policy = PolicyInstance::Load(kProbe, {8});
  if (!policy.ok()) {
    state.SkipWithError(std::string(policy.status().message()).c_str());
    return;
  }
  (*policy)->InstallApi(host.Api());
  task_struct* t = host.AddTask(1, "bench");
  sched_ext_ops* ops = (*policy)->ops();
  for (auto _ : state) {
    ops->enqueue(t, 0);
    ops->dispatch(0, nullptr);
    if (host.inserts.size() > 4096) host.inserts.clear();
    if (host.log.size() > 4096) host.log.clear();
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_ProbeEnqueueDispatch);

}  // namespace
}  // namespace scxtwin::host
