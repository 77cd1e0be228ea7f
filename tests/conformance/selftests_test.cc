// The kernel's sched_ext selftests, re-expressed as simulator runs.
//
// Each test builds one selftest scheduler (tools/testing/selftests/sched_ext/NAME.bpf.c,
// unmodified) from the cached kernel tree, loads it as a fresh policy instance, hosts it in the
// ext class, runs a workload standing in for what the selftest's user-space part does (forking
// children that sleep and exit, or "sleep(1)" while the system keeps scheduling), and checks
// what the selftest's NAME.c checks: whether attaching worked, the exit kind and code the
// scheduler recorded in ops.exit (its `uei`), and its counters.
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/kernel_tree.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin {
namespace {

using host::PolicyInstance;

// The layout of the selftests' `struct user_exit_info` (scx/user_exit_info_common.h).
struct UserExitInfo {
  int kind;
  s32 exit_cpu;
  s64 exit_code;
  char reason[128];
  char msg[1024];
};

// One run of a selftest scheduler in the simulator.
struct Outcome {
  std::unique_ptr<PolicyInstance> policy;
  std::unique_ptr<sim::WorkloadSpec> spec;
  std::unique_ptr<sim::Topology> topology;
  std::unique_ptr<sim::ExtClass> ext;
  std::unique_ptr<sim::Simulator> simulator;
  absl::Status run;  // not OK: the scheduler failed to attach (or the run broke an invariant)

  const sim::ExtExit& exit() const { return ext->exit_info(); }
  // The exit record ops.exit filled (the selftest's skel->data->uei).
  const UserExitInfo& uei() const {
    auto g = policy->FindGlobal("uei");
    EXPECT_TRUE(g.ok()) << g.status();
    EXPECT_EQ((*g)->size, sizeof(UserExitInfo));
    return *static_cast<const UserExitInfo*>((*g)->addr);
  }
  int64_t Read(const char* global) const {
    auto v = policy->ReadScalar(global);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : -1;
  }
  bool all_tasks_exited() const {
    for (const sim::Task& t : simulator->tasks())
      if (t.state != sim::TaskState::kExited) return false;
    return !simulator->tasks().empty();
  }
};

// Builds each selftest's object once per test binary.
absl::StatusOr<std::string> SelftestObject(const std::string& name) {
  static auto* built = new std::map<std::string, std::string>();
  auto it = built->find(name);
  if (it != built->end()) return it->second;
  absl::StatusOr<std::string> so =
      host::BuildKernelTreePolicy(absl::StrCat("tools/testing/selftests/sched_ext/", name, ".bpf.c"));
  if (so.ok()) (*built)[name] = *so;
  return so;
}

struct RunSpec {
  std::string workload;
  std::string topology = "4";
  std::vector<std::pair<std::string, std::string>> knobs;
  uint64_t seed = 1;
};

Outcome RunSelftest(const std::string& selftest, const RunSpec& spec) {
  Outcome o;
  absl::StatusOr<std::string> so = SelftestObject(selftest);
  EXPECT_TRUE(so.ok()) << so.status();
  if (!so.ok()) return o;
  absl::StatusOr<sim::Topology> topo = sim::Topology::Parse(spec.topology);
  EXPECT_TRUE(topo.ok()) << topo.status();
  o.topology = std::make_unique<sim::Topology>(*topo);
  auto policy = PolicyInstance::Load(*so, {o.topology->nr_cpus()});
  EXPECT_TRUE(policy.ok()) << policy.status();
  o.policy = std::move(*policy);
  for (const auto& [k, v] : spec.knobs) {
    absl::Status s = o.policy->SetKnob(k, v);
    EXPECT_TRUE(s.ok()) << s;
  }
  auto ws = sim::ParseWorkload(spec.workload, selftest + ".textpb");
  EXPECT_TRUE(ws.ok()) << ws.status();
  o.spec = std::move(*ws);

  PolicyInstance* p = o.policy.get();
  sim::ExtPolicyBinding binding;
  binding.ops = p->ops();
  binding.install_api = [p](const scxtwin_host_api& api) { p->InstallApi(api); };
  binding.forget_task = [p](const task_struct* t) { p->ForgetTask(t); };
  sim::ExtOptions ext_options;
  ext_options.seed = spec.seed;
  o.ext = std::make_unique<sim::ExtClass>(std::move(binding), ext_options);
  sim::SimOptions sim_options;
  sim_options.seed = spec.seed;
  o.simulator = std::make_unique<sim::Simulator>(*o.topology, *o.spec, o.ext.get(), sim_options);
  o.run = o.simulator->Run();
  return o;
}

// ---- the stand-ins for the selftests' user-space parts ---------------------------------------

// The selftest forks `n` children that sleep 1 s and exit, and waits for them. Children carry
// the group's name as their comm.
std::string ForkSleepers(int n, const std::string& child = "child") {
  return absl::StrReplaceAll(R"pb(
    name: "fork_sleepers"
    process { name: "runner"
      group { name: "runner"
        program { run { fixed_ns: 50000 } }
        program { fork { group: "CHILD" count: N } }
        program { sleep { fixed_ns: 1100000000 } }
      }
      group { name: "CHILD" on_fork: true
        program { run { fixed_ns: 20000 } }
        program { sleep { fixed_ns: 1000000000 } }
        program { run { fixed_ns: 20000 } }
      }
    })pb", {{"CHILD", child}, {"N", absl::StrCat(n)}});
}

// "sleep(1)" while the machine keeps scheduling: more wakeups than CPUs, for one second.
std::string BusyFor1s() {
  return R"pb(
    name: "busy"
    duration_ns: 1000000000
    process { name: "load"
      group { name: "worker" count: 12
        program { loop { body { run { uniform { min_ns: 50000 max_ns: 400000 } } }
                         body { sleep { uniform { min_ns: 20000 max_ns: 300000 } } } } }
      }
    })pb";
}

// ---- schedulers that attach and run ------------------------------------------------------------

TEST(SelftestsTest, MinimalAttachesAndSchedules) {
  Outcome o = RunSelftest("minimal", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;  // detached by "user space" at the end
  EXPECT_GT(o.simulator->result().context_switches, 1000);
}

TEST(SelftestsTest, MaximalAttachesWithEveryCallback) {
  Outcome o = RunSelftest("maximal", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
}

TEST(SelftestsTest, CreateDsqCreatesAndDestroysDsqsPerTask) {
  Outcome o = RunSelftest("create_dsq", {ForkSleepers(64)});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_TRUE(o.all_tasks_exited());
}

TEST(SelftestsTest, SelectCpuDispatchRunsChildrenToCompletion) {
  Outcome o = RunSelftest("select_cpu_dispatch", {ForkSleepers(1028)});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_TRUE(o.all_tasks_exited());
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
}

TEST(SelftestsTest, SelectCpuDflNeverEnqueuesATaskWhoseCpuIsIdle) {
  // Without ops.select_cpu, a wakeup that finds an idle CPU is dispatched to its local DSQ
  // directly; ops.enqueue only sees tasks whose CPU is busy.
  Outcome o = RunSelftest("select_cpu_dfl", {ForkSleepers(1028, "select_cpu_dfl")});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_TRUE(o.all_tasks_exited());
  EXPECT_EQ(o.Read("saw_local"), 0);
}

TEST(SelftestsTest, SelectCpuDflNodispatchSeesIdleCpusFound) {
  Outcome o = RunSelftest("select_cpu_dfl_nodispatch", {ForkSleepers(1028)});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_TRUE(o.all_tasks_exited());
  EXPECT_EQ(o.Read("saw_local"), 1);
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
}

TEST(SelftestsTest, SelectCpuVtimeConsumesItsVtimeDsq) {
  Outcome o = RunSelftest("select_cpu_vtime", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.Read("consumed"), 1);
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
}

TEST(SelftestsTest, EnqSelectCpuStaysLoaded) {
  Outcome o = RunSelftest("enq_select_cpu", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  // The selftest reads uei while attached: no exit until user space detaches.
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_UNREG);
}

TEST(SelftestsTest, DspLocalOnRunsUntilUnregistered) {
  Outcome o = RunSelftest("dsp_local_on", {BusyFor1s(), "4", {{"nr_cpus", "4"}}});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_UNREG) << o.uei().msg;
}

TEST(SelftestsTest, InitEnableCountSeesEveryTaskThroughItsLife) {
  Outcome o = RunSelftest("init_enable_count", {ForkSleepers(200)});
  ASSERT_TRUE(o.run.ok()) << o.run;
  ASSERT_TRUE(o.all_tasks_exited());
  const int64_t n = static_cast<int64_t>(o.simulator->tasks().size());
  EXPECT_EQ(o.Read("init_task_cnt"), n);
  EXPECT_EQ(o.Read("exit_task_cnt"), n);
  EXPECT_EQ(o.Read("enable_cnt"), n);
  EXPECT_EQ(o.Read("disable_cnt"), n);
  EXPECT_EQ(o.Read("init_fork_cnt") + o.Read("init_transition_cnt"), n);
}

// ---- schedulers the kernel ejects --------------------------------------------------------------

TEST(SelftestsTest, DdspBogusDsqFails) {
  Outcome o = RunSelftest("ddsp_bogus_dsq_fail", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;  // attaches, then is ejected at the first wakeup
  EXPECT_EQ(o.uei().kind, SCX_EXIT_ERROR) << o.uei().msg;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_ERROR);
}

TEST(SelftestsTest, DdspVtimeLocalFails) {
  Outcome o = RunSelftest("ddsp_vtimelocal_fail", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_ERROR) << o.uei().msg;
}

TEST(SelftestsTest, SelectCpuDispatchBadDsqFails) {
  Outcome o = RunSelftest("select_cpu_dispatch_bad_dsq", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_ERROR) << o.uei().msg;
}

TEST(SelftestsTest, SelectCpuDispatchDoubleDispatchFails) {
  Outcome o = RunSelftest("select_cpu_dispatch_dbl_dsp", {BusyFor1s()});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_ERROR) << o.uei().msg;
}

TEST(SelftestsTest, EnqLastWithoutEnqueueFails) {
  Outcome o = RunSelftest("enq_last_no_enq_fails", {BusyFor1s()});
  // The selftest only requires that the scheduler does not stay loaded: its ops.exit saw an
  // exit kind.
  EXPECT_NE(o.Read("exit_kind"), SCX_EXIT_NONE);
  EXPECT_EQ(o.Read("exit_kind"), SCX_EXIT_ERROR);
}

TEST(SelftestsTest, ExitFromEachCallbackReportsItsCode) {
  // exit_test.h: EXIT_SELECT_CPU, EXIT_ENQUEUE, EXIT_DISPATCH, EXIT_ENABLE, EXIT_INIT_TASK,
  // EXIT_INIT.
  for (int point = 0; point < 6; ++point) {
    SCOPED_TRACE(absl::StrCat("exit_point ", point));
    Outcome o = RunSelftest("exit", {BusyFor1s(), "4", {{"exit_point", absl::StrCat(point)}}});
    EXPECT_EQ(o.uei().kind, SCX_EXIT_UNREG_BPF) << o.uei().msg;
    EXPECT_EQ(o.uei().exit_code, point);
    EXPECT_STREQ(o.uei().msg, absl::StrCat(point).c_str());
  }
}

}  // namespace
}  // namespace scxtwin
