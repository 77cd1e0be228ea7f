// The kernel tree's example schedulers compile unmodified in host mode, load, and their
// callbacks run against the host API (here the fake host; the simulator runs them in
// sim/ext's tests and tests/conformance).
#include "sim/host/testing/kernel_tree.h"

#include <string>

#include "gtest/gtest.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

std::unique_ptr<PolicyInstance> Build(const std::string& relpath, int nr_cpus) {
  absl::StatusOr<std::string> so = BuildKernelTreePolicy(relpath);
  EXPECT_TRUE(so.ok()) << so.status();
  if (!so.ok()) return nullptr;
  auto p = PolicyInstance::Load(*so, {nr_cpus});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? std::move(*p) : nullptr;
}

TEST(KernelTreeTest, ScxSimpleRunsItsVtimePath) {
  auto policy = Build("tools/sched_ext/scx_simple.bpf.c", 4);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->name(), "simple");
  FakeHost host(4);
  policy->InstallApi(host.Api());
  sched_ext_ops* ops = policy->ops();
  ASSERT_EQ(ops->init(), 0);
  EXPECT_EQ(host.log.at(0), "create_dsq 0");

  task_struct* a = host.AddTask(10, "a");
  ops->enable(a);
  EXPECT_EQ(a->scx.dsq_vtime, 0u);
  ops->running(a);
  a->scx.slice = SCX_SLICE_DFL - 1000000;  // ran 1 ms of its slice
  ops->stopping(a, true);
  EXPECT_EQ(a->scx.dsq_vtime, 1000000u) << "charged 1 ms at weight 100";
  ops->enqueue(a, 0);
  ASSERT_EQ(host.inserts.size(), 1u);
  EXPECT_TRUE(host.inserts[0].vtime_ordered);
  EXPECT_EQ(host.inserts[0].dsq_id, 0u);
  EXPECT_EQ(host.inserts[0].vtime, 1000000u);
  EXPECT_EQ((*policy->SumPerCpuCounters("stats"))[1], 1u);

  ASSERT_TRUE(policy->SetKnob("fifo_sched", "true").ok());
  ops->enqueue(a, 0);
  EXPECT_FALSE(host.inserts.back().vtime_ordered);
  EXPECT_FALSE(host.errored) << host.error_message;
}

TEST(KernelTreeTest, ScxCpu0QueuesEverythingForCpu0) {
  auto policy = Build("tools/sched_ext/scx_cpu0.bpf.c", 2);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->name(), "cpu0");
  FakeHost host(2);
  policy->InstallApi(host.Api());
  ASSERT_EQ(policy->ops()->init(), 0);
  task_struct* t = host.AddTask(5, "t");
  EXPECT_EQ(policy->ops()->select_cpu(t, 1, SCX_WAKE_TTWU), 0);
  policy->ops()->enqueue(t, 0);  // the fake's task_cpu is 0: the CPU0 queue
  ASSERT_EQ(host.inserts.size(), 1u);
  EXPECT_EQ(host.inserts[0].dsq_id, 0u);
  policy->ops()->dispatch(1, nullptr);
  policy->ops()->dispatch(0, nullptr);
  EXPECT_EQ(host.log.back(), "move_to_local 0") << "only CPU 0 consumes";
  EXPECT_EQ(std::count(host.log.begin(), host.log.end(), "move_to_local 0"), 1);
}

TEST(KernelTreeTest, ScxCentralStartsItsTimerAndKicksTheCentralCpu) {
  auto policy = Build("tools/sched_ext/scx_central.bpf.c", 4);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->name(), "central");
  ASSERT_TRUE(policy->SetKnob("nr_cpu_ids", "4").ok());
  FakeHost host(4);
  policy->InstallApi(host.Api());
  ASSERT_EQ(policy->ops()->init(), 0) << host.error_message;
  EXPECT_TRUE(host.started_timers.empty()) << "the timer starts from the central CPU's dispatch";
  EXPECT_NE(std::find(host.log.begin(), host.log.end(), "kick_cpu 0 0"), host.log.end());

  // A task enqueued on a non-central CPU goes through the central queue map and the central
  // CPU's dispatch hands it to a CPU's local DSQ.
  task_struct* t = host.AddTask(77, "worker");
  host.current_cpu = 2;
  policy->ops()->enqueue(t, 0);
  EXPECT_EQ(*policy->ReadScalar("nr_total"), 1);
  EXPECT_EQ(*policy->ReadScalar("nr_overflows"), 0);
  EXPECT_EQ(*policy->ReadScalar("nr_queued"), 1);
  host.current_cpu = 0;
  policy->ops()->dispatch(0, nullptr);
  ASSERT_FALSE(host.inserts.empty());
  EXPECT_EQ(host.inserts.back().task, t);
  EXPECT_NE(host.inserts.back().dsq_id & SCX_DSQ_LOCAL_ON, 0u);
  EXPECT_EQ(*policy->ReadScalar("nr_queued"), 0);
  // The central CPU's dispatch started the pinned timer; its callback counts the ticks.
  ASSERT_EQ(host.started_timers.size(), 1u);
  EXPECT_EQ(*policy->ReadScalar("timer_pinned"), 1);
  EXPECT_EQ(scxtwin_timer_fire(host.started_timers[0]), 0);
  EXPECT_EQ(*policy->ReadScalar("nr_timers"), 1);
  EXPECT_FALSE(host.errored) << host.error_message;
}

// The kernel tree's loaders set nr_cpu_ids / nr_cpus and the slice to the machine's before
// load (scx_central.c, scx_flatcg.c); so does the simulator's loader.
TEST(KernelTreeTest, LoaderDefaultsAreTheKernelLoaders) {
  auto central = Build("tools/sched_ext/scx_central.bpf.c", 6);
  ASSERT_NE(central, nullptr);
  EXPECT_EQ(*central->ReadScalar("nr_cpu_ids"), 6);
  EXPECT_EQ(*central->ReadScalar("slice_ns"), static_cast<int64_t>(SCX_SLICE_DFL));
  EXPECT_EQ(*central->ReadScalar("central_cpu"), 0);
  // --set comes after and overrides them.
  ASSERT_TRUE(central->SetGlobal("slice_ns", "1000000").ok());
  EXPECT_EQ(*central->ReadScalar("slice_ns"), 1000000);
}

// scx_pair.c pairs CPU i with (i + n/2) % n, numbers the pairs, and sizes pair_ctx to them.
TEST(KernelTreeTest, ScxPairIsPairedAsItsLoaderPairsIt) {
  auto pair = Build("tools/sched_ext/scx_pair.bpf.c", 4);
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(*pair->ReadScalar("nr_cpu_ids"), 4);
  EXPECT_EQ(*pair->ReadScalar("pair_batch_dur_ns"), static_cast<int64_t>(SCX_SLICE_DFL));
  auto array = [&](const char* name) {
    const Global* g = *pair->FindGlobal(name);
    const auto* v = static_cast<const int32_t*>(g->addr);
    return std::vector<int32_t>(v, v + 4);
  };
  EXPECT_EQ(array("pair_cpu"), (std::vector<int32_t>{2, 3, 0, 1}));
  EXPECT_EQ(array("pair_id"), (std::vector<int32_t>{0, 1, 0, 1}));
  EXPECT_EQ(array("in_pair_idx"), (std::vector<int32_t>{0, 0, 1, 1}));
  EXPECT_EQ(pair->maps().Find("pair_ctx")->def().max_entries, 2u);
}

}  // namespace
}  // namespace scxtwin::host
