// CPU hotplug in the ext class (kernel/sched/ext.c handle_hotplug, migrate_tasks): a policy
// with ops.cpu_offline/ops.cpu_online stays attached and the tasks queued on an offline CPU's
// local DSQ are enqueued again elsewhere; a policy without them is ejected with a restart
// request and the fallback class runs on the CPUs left.
#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/ext/ext_test_policy.h"

namespace scxtwin::sim::ext_test {
namespace {

constexpr SimDuration kMs = kNsPerMs;

void t_cpu_online(s32 cpu) { Rec(absl::StrCat("cpu_online ", cpu)); }
void t_cpu_offline(s32 cpu) { Rec(absl::StrCat("cpu_offline ", cpu)); }

// Four 50 ms hogs on 2 CPUs; every enqueue goes to CPU 1's local DSQ; CPU 1 goes offline at
// 10 ms.
constexpr char kCpu1Offline[] = "hotplug { at_ns: 10000000 cpu: 1 online: false }";
constexpr char kCpu1Back[] = "hotplug { at_ns: 100000000 cpu: 1 online: true }";
constexpr char kHogs[] = R"pb(
  process {
    name: "p"
    group {
      name: "hog"
      count: 4
      program { run { fixed_ns: 50000000 } }
    }
  })pb";

TEST_F(ExtTest, OfflineCpusLocalDsqIsEnqueuedAgainElsewhere) {
  sched_ext_ops ops = MakeOps();
  ops.cpu_online = t_cpu_online;
  ops.cpu_offline = t_cpu_offline;
  mode.enqueue_dsq = SCX_DSQ_LOCAL_ON | 1;
  const std::string workload = absl::StrCat(kCpu1Offline, kHogs);
  auto r = Start(workload.c_str(), "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);  // stayed until the end
  const auto& calls = r->calls;
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "cpu_offline 1"), 1);
  for (const Task& t : r->sim->tasks()) EXPECT_EQ(t.state, TaskState::kExited) << t.name;
  // CPU 1 ran for 10 ms before going offline; its local DSQ's tasks (and every later insert
  // into it, which goes to the global DSQ) ran on CPU 0: 190 ms of the 200 ms of work there.
  // (Within the machine's context-switch costs.)
  EXPECT_NEAR(r->sim->result().cpus[1].busy_ns, 10 * kMs, 100000);
  EXPECT_NEAR(r->sim->result().end_time, 190 * kMs, 100000);
}

TEST_F(ExtTest, OnlinedCpuIsUsedAgain) {
  sched_ext_ops ops = MakeOps();
  ops.cpu_online = t_cpu_online;
  ops.cpu_offline = t_cpu_offline;
  mode.enqueue_dsq = SCX_DSQ_LOCAL_ON | 1;
  const std::string workload = absl::StrCat(kCpu1Offline, kCpu1Back, kHogs);
  auto r = Start(workload.c_str(), "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  const auto& calls = r->calls;
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "cpu_online 1"), 1);
  for (const Task& t : r->sim->tasks()) EXPECT_EQ(t.state, TaskState::kExited) << t.name;
  // Back at 100 ms, CPU 1 takes the inserts into its local DSQ again: the run ends earlier.
  EXPECT_GT(r->sim->result().cpus[1].busy_ns, 10 * kMs);
  EXPECT_LT(r->sim->result().end_time, 180 * kMs);
}

TEST_F(ExtTest, OfflineWithoutCallbackEjectsAndTheFallbackRunsOn) {
  FifoClass fallback;
  SimOptions o = NoHostEffects();
  o.fallback = &fallback;
  const std::string workload = absl::StrCat(kCpu1Offline, kHogs);
  auto r = Start(workload.c_str(), "2", MakeOps(), o);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG_KERN);
  EXPECT_EQ(r->cls->exit_info().exit_code,
            static_cast<int64_t>(SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG));
  EXPECT_EQ(r->cls->exit_info().msg, "cpu 1 going offline, exiting scheduler");
  EXPECT_EQ(r->cls->exit_info().time, 10 * kMs);
  for (const Task& t : r->sim->tasks()) EXPECT_EQ(t.state, TaskState::kExited) << t.name;
  EXPECT_NEAR(r->sim->result().cpus[1].busy_ns, 10 * kMs, 100000);  // the fallback keeps off it
}

}  // namespace
}  // namespace scxtwin::sim::ext_test
