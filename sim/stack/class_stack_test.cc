// The class stack: the kernel's class order (an RT task preempts fair and ext tasks at once),
// SCX_OPS_SWITCH_PARTIAL (NORMAL tasks stay in fair, above the ext class), the ext class's
// init_task/exit_task and cgroup_prep_move/cgroup_move for the other classes' tasks, and the
// deadline servers that give a starved fair or ext class 50 ms of every second.
#include "sim/stack/class_stack.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/ext/ext_test_policy.h"
#include "sim/fair/fair_class.h"
#include "sim/rt/rt_class.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

using ext_test::NoHostEffects;
constexpr SimDuration kMs = kNsPerMs;

struct StackRun {
  std::unique_ptr<WorkloadSpec> spec;
  Topology topo;
  sched_ext_ops ops;
  std::vector<std::string> calls;
  RtClass rt;
  fair::FairClass fair;
  std::unique_ptr<ExtClass> ext;
  std::unique_ptr<ClassStack> stack;
  std::unique_ptr<Simulator> sim;
  const Task& task(const std::string& prefix) const {
    for (const Task& t : sim->tasks()) {
      if (t.name.rfind(prefix, 0) == 0) return t;
    }
    ADD_FAILURE() << "no task " << prefix;
    return sim->tasks().front();
  }
  int Count(const std::string& call) const {
    return static_cast<int>(std::count(calls.begin(), calls.end(), call));
  }
};

struct StackSetup {
  bool ext = false;
  bool switch_partial = false;
  bool servers = true;
  int error_after_enqueues = -1;  // the test policy's scx_bpf_error after N enqueues
  void (*edit_ops)(sched_ext_ops* ops) = nullptr;  // changes to the test policy
};

std::unique_ptr<StackRun> RunStack(const std::string& workload, const char* topo,
                                   StackSetup setup) {
  auto r = std::make_unique<StackRun>();
  auto spec = ParseWorkload(workload, "stack.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  r->spec = *std::move(spec);
  r->topo = *Topology::Parse(topo);
  ClassStackOptions o;
  o.rt = &r->rt;
  o.fair = &r->fair;
  o.servers = setup.servers;
  if (setup.ext) {
    ext_test::mode = ext_test::Mode{};
    ext_test::mode.error_after_enqueues = setup.error_after_enqueues;
    ext_test::trace = &r->calls;
    r->ops = ext_test::MakeOps();
    if (setup.switch_partial) r->ops.flags |= SCX_OPS_SWITCH_PARTIAL;
    if (setup.edit_ops) setup.edit_ops(&r->ops);
    ExtPolicyBinding b;
    b.ops = &r->ops;
    b.install_api = [](const scxtwin_host_api& a) { ext_test::api = &a; };
    r->ext = std::make_unique<ExtClass>(b, ExtOptions{});
    o.ext = r->ext.get();
    o.switch_partial = r->ext->switch_partial();
    ExtClass* ext = r->ext.get();
    o.ext_foreign_new = [ext](TaskId t, TaskId parent) { ext->InitForeignTask(t, parent); };
    o.ext_foreign_exit = [ext](TaskId t) { ext->ExitForeignTask(t); };
  }
  r->stack = std::make_unique<ClassStack>(std::move(o));
  r->sim = std::make_unique<Simulator>(r->topo, *r->spec, r->stack.get(), NoHostEffects());
  absl::Status s = r->sim->Run();
  EXPECT_TRUE(s.ok()) << s;
  ext_test::trace = nullptr;
  return r;
}

// A hog of one class from t=0 and a FIFO task arriving at 10 ms for 20 ms, on one CPU.
std::string HogAndRtBurst(const char* hog_policy) {
  return absl::StrCat(R"pb(process { name: "p"
                                     group { name: "hog" policy:)pb",
                      hog_policy, R"pb(
                               program { run { fixed_ns: 100000000 } }
                             }
                                   group {
                               name: "rt"
                               policy: FIFO
                               rt_priority: 50
                               start { fixed_ns: 10000000 }
                               program { run { fixed_ns: 20000000 } }
                             }
                           })pb");
}

TEST(ClassStackTest, RtPreemptsAFairTaskAtOnce) {
  auto r = RunStack(HogAndRtBurst("NORMAL"), "1", StackSetup{});
  EXPECT_EQ(r->stack->owner(r->task("p.0/hog").id), ClassStack::kFair);
  EXPECT_LT(r->task("p.0/rt").m.wait_max_ns, 100 * kNsPerUs);
  EXPECT_NEAR(r->task("p.0/rt").exited_at, 30 * kMs, 100 * kNsPerUs);
  EXPECT_NEAR(r->task("p.0/hog").exited_at, 120 * kMs, 100 * kNsPerUs);
}

TEST(ClassStackTest, RtPreemptsAnExtTaskAtOnce) {
  auto r = RunStack(HogAndRtBurst("NORMAL"), "1", StackSetup{/*ext=*/true});
  const Task& hog = r->task("p.0/hog");
  EXPECT_EQ(r->stack->owner(hog.id), ClassStack::kExt);
  EXPECT_LT(r->task("p.0/rt").m.wait_max_ns, 100 * kNsPerUs);
  EXPECT_NEAR(hog.exited_at, 120 * kMs, 100 * kNsPerUs);
  // The policy saw its task stop as preempted (runnable) and run again.
  const std::string pid = std::to_string(hog.pid);
  EXPECT_GE(r->Count("stopping " + pid + " runnable"), 1);
  // The RT task: init_task and exit_task, never enable/disable or a scheduling callback.
  const std::string rt = std::to_string(r->task("p.0/rt").pid);
  EXPECT_EQ(r->Count("init_task " + rt + " fork"), 1);
  EXPECT_EQ(r->Count("exit_task " + rt), 1);
  EXPECT_EQ(r->Count("enable " + rt), 0);
  EXPECT_EQ(r->Count("running " + rt), 0);
}

// An RT hog and a hog of `policy` for 3.5 s (three of the server's periods and half one),
// the RT one pinned to CPU 0, the other to `cpus`.
std::string StarvedBesideRt(const char* policy, const char* cpus = "0") {
  return absl::StrCat(R"pb(duration_ns: 3500000000
                           process { name: "p"
                                     group { name: "starved" affinity: ")pb",
                      cpus, R"pb("
                                 policy:)pb",
                      policy, R"pb(
                               program { loop { body { run { fixed_ns: 1000000000 } } } }
                             }
                                   group {
                               name: "rt"
                               policy: FIFO
                               rt_priority: 50
                               affinity: "0"
                               program { loop { body { run { fixed_ns: 1000000000 } } } }
                             }
                           })pb");
}

// The deferred server waits for its zero-laxity point (950 ms into each 1 s period), then runs
// the starved class for its 50 ms: 150 ms in 3.5 s.
TEST(ClassStackTest, ExtServerGivesExtItsShareUnderRtLoad) {
  auto r = RunStack(StarvedBesideRt("NORMAL"), "1", StackSetup{/*ext=*/true});
  const Task& starved = r->task("p.0/starved");
  EXPECT_EQ(r->stack->owner(starved.id), ClassStack::kExt);
  EXPECT_NEAR(starved.m.run_ns, 150 * kMs, 1 * kMs);
  EXPECT_EQ(r->stack->server_stats(ClassStack::kExt, 0).activations, 3);
  EXPECT_NEAR(r->stack->server_stats(ClassStack::kExt, 0).served_ns, 150 * kMs, 1 * kMs);
  EXPECT_EQ(r->ext->exit_info().kind, SCX_EXIT_UNREG);  // the policy stayed loaded
}

TEST(ClassStackTest, FairServerGivesFairItsShareUnderRtLoad) {
  auto r = RunStack(StarvedBesideRt("NORMAL"), "1", StackSetup{});
  const Task& starved = r->task("p.0/starved");
  EXPECT_EQ(r->stack->owner(starved.id), ClassStack::kFair);
  EXPECT_NEAR(starved.m.run_ns, 150 * kMs, 1 * kMs);
  EXPECT_EQ(r->stack->server_stats(ClassStack::kFair, 0).activations, 3);
}

TEST(ClassStackTest, WithoutTheServersExtStarves) {
  auto r = RunStack(StarvedBesideRt("NORMAL"), "1",
                    StackSetup{/*ext=*/true, /*switch_partial=*/false, /*servers=*/false});
  EXPECT_EQ(r->task("p.0/starved").m.run_ns, 0);
}

TEST(ClassStackTest, ServerStaysIdleWhenTheClassGetsItsShareAnyway) {
  // Two CPUs: the ext hog has CPU 1 to itself; running there uses up the server's runtime each
  // period, so the server never activates.
  auto r = RunStack(StarvedBesideRt("NORMAL", "1"), "2", StackSetup{/*ext=*/true});
  EXPECT_NEAR(r->task("p.0/starved").m.run_ns, 3500 * kMs, 1 * kMs);
  for (int cpu = 0; cpu < 2; ++cpu) {
    EXPECT_EQ(r->stack->server_stats(ClassStack::kExt, cpu).activations, 0) << cpu;
  }
}

// SCX_OPS_SWITCH_PARTIAL: the NORMAL task stays in fair, which runs above ext, so the EXT task
// only runs through the ext server; only the EXT task is enabled, both get init/exit_task.
TEST(ClassStackTest, SwitchPartialKeepsNormalTasksInFairAboveExt) {
  auto r = RunStack(R"pb(duration_ns: 2000000000
                         process {
                           name: "p"
                           group {
                             name: "other"
                             program { loop { body { run { fixed_ns: 1000000000 } } } }
                           }
                           group {
                             name: "ext"
                             policy: EXT
                             program { loop { body { run { fixed_ns: 1000000000 } } } }
                           }
                         })pb",
                    "1", StackSetup{/*ext=*/true, /*switch_partial=*/true});
  const Task& other = r->task("p.0/other");
  const Task& ext = r->task("p.0/ext");
  EXPECT_EQ(r->stack->owner(other.id), ClassStack::kFair);
  EXPECT_EQ(r->stack->owner(ext.id), ClassStack::kExt);
  EXPECT_NEAR(ext.m.run_ns, 100 * kMs, 1 * kMs);
  EXPECT_EQ(r->Count("init_task " + std::to_string(other.pid) + " fork"), 1);
  EXPECT_EQ(r->Count("enable " + std::to_string(other.pid)), 0);
  EXPECT_EQ(r->Count("enable " + std::to_string(ext.pid)), 1);
}

TEST(ClassStackTest, WithoutSwitchPartialNormalTasksGoToExt) {
  auto r = RunStack(R"pb(process {
                           name: "p"
                           group {
                             name: "other"
                             program { run { fixed_ns: 1000000 } }
                           }
                           group {
                             name: "ext"
                             policy: EXT
                             program { run { fixed_ns: 1000000 } }
                           }
                         })pb",
                    "1", StackSetup{/*ext=*/true});
  EXPECT_EQ(r->stack->owner(r->task("p.0/other").id), ClassStack::kExt);
  EXPECT_EQ(r->stack->owner(r->task("p.0/ext").id), ClassStack::kExt);
  EXPECT_EQ(r->Count("enable " + std::to_string(r->task("p.0/other").pid)), 1);
}

TEST(ClassStackTest, ExtTasksWithoutAnExtClassRunInFair) {
  auto r = RunStack(R"pb(process {
                           name: "p"
                           group {
                             name: "ext"
                             policy: EXT
                             program { run { fixed_ns: 1000000 } }
                           }
                         })pb",
                    "1", StackSetup{});
  EXPECT_EQ(r->stack->owner(r->task("p.0/ext").id), ClassStack::kFair);
  EXPECT_GT(r->task("p.0/ext").exited_at, 0);
}

TEST(ClassStackTest, AnEjectedPolicysTasksGoToFair) {
  // The test policy errors out at its third enqueue: its tasks go on in fair, the RT task stays.
  auto r = RunStack(R"pb(process {
                           name: "p"
                           group {
                             name: "hog"
                             count: 3
                             program { run { fixed_ns: 30000000 } }
                             program { sleep { fixed_ns: 1000000 } }
                             program { run { fixed_ns: 30000000 } }
                           }
                           group {
                             name: "rt"
                             policy: RR
                             rt_priority: 1
                             program { run { fixed_ns: 30000000 } }
                           }
                         })pb",
                    "1",
                    StackSetup{/*ext=*/true, /*switch_partial=*/false, /*servers=*/true,
                               /*error_after_enqueues=*/2});
  EXPECT_EQ(r->ext->exit_info().kind, SCX_EXIT_ERROR_BPF);
  EXPECT_FALSE(r->stack->ext_detached().empty());
  for (const Task& t : r->sim->tasks()) {
    EXPECT_EQ(t.state, TaskState::kExited) << t.name;
    EXPECT_EQ(r->stack->owner(t.id),
              t.policy == SchedPolicy::kRr ? ClassStack::kRt : ClassStack::kFair)
        << t.name;
  }
}

// A property change reaches the class the task belongs to: an ext hog on CPU 0 of 2, beside a
// NORMAL controller that moves it to CPU 1 at 10 ms; the policy gets set_cpumask and the hog
// finishes on CPU 1.
TEST(ClassStackTest, AffinityChangeReachesTheTasksClass) {
  auto r = RunStack(R"pb(process {
                           name: "p"
                           group {
                             name: "hog"
                             affinity: "0"
                             program { run { fixed_ns: 100000000 } }
                           }
                           group {
                             name: "ctl"
                             affinity: "1"
                             program { sleep { fixed_ns: 10000000 } }
                             program {
                               set_affinity {
                                 cpus: "1"
                                 target { group: "hog" pick: ALL }
                               }
                             }
                           }
                         })pb",
                    "2", StackSetup{/*ext=*/true});
  const Task& hog = r->task("p.0/hog");
  EXPECT_EQ(r->stack->owner(hog.id), ClassStack::kExt);
  EXPECT_EQ(r->Count("set_cpumask " + std::to_string(hog.pid)), 1);
  // The hog's first 10 ms on CPU 0 and its last 90 on CPU 1, give or take the machine's
  // switch and migration costs (microseconds).
  EXPECT_NEAR(r->sim->result().cpus[0].busy_ns, 10 * kMs, 100 * kNsPerUs);
  EXPECT_NEAR(r->sim->result().cpus[1].busy_ns, 90 * kMs, 100 * kNsPerUs);
}

s32 prep_move_ret = 0;
s32 RecPrepMove(task_struct* p, struct cgroup* from, struct cgroup* to) {
  ext_test::Rec(absl::StrCat("cgroup_prep_move ", p->pid, " ", from->kn->id, "->", to->kn->id));
  return prep_move_ret;
}
void RecMove(task_struct* p, struct cgroup* from, struct cgroup* to) {
  ext_test::Rec(absl::StrCat("cgroup_move ", p->pid, " ", from->kn->id, "->", to->kn->id));
}
void CgroupCallbacks(sched_ext_ops* ops) {
  ops->cgroup_prep_move = RecPrepMove;
  ops->cgroup_move = RecMove;
}

// Under SCX_OPS_SWITCH_PARTIAL a NORMAL task runs in fair, yet moving it to another cgroup calls
// the policy's cgroup_prep_move and cgroup_move (scx_cgroup_can_attach and sched_move_task do
// so for every task that changes cgroup, whatever its class); its own class takes it off and
// puts it back, so the policy sees no stopping/quiescent for it. A prep_move error refuses the
// move for it too.
constexpr char kFairMover[] = R"pb(cgroup { path: "/a" }
                                   process {
                                     name: "p"
                                     group {
                                       name: "m"
                                       program { run { fixed_ns: 1000000 } }
                                       program { move_to_cgroup: "/a" }
                                       program { run { fixed_ns: 1000000 } }
                                     }
                                   })pb";

TEST(ClassStackTest, AnotherClasssTaskMovingCgroupIsToldToThePolicy) {
  prep_move_ret = 0;
  auto r = RunStack(kFairMover, "1",
                    StackSetup{/*ext=*/true, /*switch_partial=*/true, /*servers=*/true,
                               /*error_after_enqueues=*/-1, CgroupCallbacks});
  const Task& m = r->task("p.0/m");
  ASSERT_EQ(r->stack->owner(m.id), ClassStack::kFair);
  const std::string pid = std::to_string(m.pid);
  auto it = std::find(r->calls.begin(), r->calls.end(), "cgroup_prep_move " + pid + " 1->2");
  ASSERT_NE(it, r->calls.end()) << absl::StrJoin(r->calls, ", ");
  ASSERT_NE(it + 1, r->calls.end());
  EXPECT_EQ(*(it + 1), "cgroup_move " + pid + " 1->2");
  EXPECT_EQ(r->Count("quiescent " + pid), 0);
  EXPECT_EQ(r->Count("stopping " + pid), 0);
  EXPECT_EQ(m.cgroup, 1) << "moved to /a (index 1)";
}

TEST(ClassStackTest, APrepMoveErrorRefusesAnotherClasssTasksMove) {
  prep_move_ret = -EBUSY;
  auto r = RunStack(kFairMover, "1",
                    StackSetup{/*ext=*/true, /*switch_partial=*/true, /*servers=*/true,
                               /*error_after_enqueues=*/-1, CgroupCallbacks});
  const Task& m = r->task("p.0/m");
  const std::string pid = std::to_string(m.pid);
  EXPECT_EQ(r->Count("cgroup_prep_move " + pid + " 1->2"), 1);
  EXPECT_EQ(r->Count("cgroup_move " + pid + " 1->2"), 0);
  EXPECT_EQ(m.cgroup, 0) << "stays in the root";
  EXPECT_EQ(r->ext->exit_info().kind, SCX_EXIT_UNREG) << "a refused move is no error";
}

}  // namespace
}  // namespace scxtwin::sim
