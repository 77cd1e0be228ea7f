// The sched_ext runtime semantics, tested with small policies written against the host API
// exactly as a host-compiled .bpf.c sees it (a table of kfuncs installed before the first call).
#include "sim/ext/ext_class.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"

namespace scxtwin::sim {
namespace {

// ---- a configurable test policy -------------------------------------------------------------
// Test-only globals: one policy instance per test (gtest runs tests one after another).
const scxtwin_host_api* api = nullptr;
std::vector<std::string>* trace = nullptr;
constexpr u64 kShared = 7;
struct Mode {
  bool vtime = false;              // enqueue by vtime into kShared
  bool direct_idle = true;          // select_cpu: insert into LOCAL when select_cpu_dfl found idle
  u64 enqueue_dsq = kShared;        // where enqueue inserts (e.g. a bogus id, or SCX_DSQ_LOCAL)
  bool enqueue_vtime_local = false;  // enqueue: insert_vtime into SCX_DSQ_LOCAL (must eject)
  bool hold_forever = false;        // enqueue keeps the task (never inserts): a stall
  bool mix_fifo_vtime = false;      // enqueue alternates FIFO and vtime inserts into kShared
  int error_after_enqueues = -1;    // call scx_bpf_error after N enqueues
  int exit_after_enqueues = -1;     // call scx_bpf_exit after N enqueues
  u64 slice = SCX_SLICE_DFL;
  int enqueues = 0;
} mode;

void Rec(const std::string& s) {
  if (trace) trace->push_back(s);
}

s32 t_select_cpu(task_struct* p, s32 prev_cpu, u64 wake_flags) {
  Rec(absl::StrCat("select_cpu ", p->pid, (wake_flags & SCX_WAKE_FORK) ? " fork" : "",
                   (wake_flags & SCX_WAKE_TTWU) ? " ttwu" : "", (wake_flags & SCX_WAKE_SYNC) ? " sync" : ""));
  bool idle = false;
  s32 cpu = api->select_cpu_dfl(api->sim, p, prev_cpu, wake_flags, &idle);
  if (idle && mode.direct_idle) api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL, mode.slice, 0);
  return cpu;
}
void t_enqueue(task_struct* p, u64 enq_flags) {
  Rec(absl::StrCat("enqueue ", p->pid, (enq_flags & SCX_ENQ_WAKEUP) ? " wakeup" : "",
                   (enq_flags & SCX_ENQ_LAST) ? " last" : ""));
  ++mode.enqueues;
  if (mode.error_after_enqueues >= 0 && mode.enqueues > mode.error_after_enqueues) {
    api->error(api->sim, "test error");
    return;
  }
  if (mode.exit_after_enqueues >= 0 && mode.enqueues > mode.exit_after_enqueues) {
    api->exit(api->sim, 42, "test exit");
    return;
  }
  if (mode.hold_forever) return;
  if (mode.enqueue_vtime_local) {
    api->dsq_insert_vtime(api->sim, p, SCX_DSQ_LOCAL, mode.slice, 0, enq_flags);
    return;
  }
  const bool vtime = mode.mix_fifo_vtime ? (mode.enqueues % 2 == 0) : mode.vtime;
  if (vtime) {
    api->dsq_insert_vtime(api->sim, p, mode.enqueue_dsq, mode.slice, p->scx.dsq_vtime, enq_flags);
  } else {
    api->dsq_insert(api->sim, p, mode.enqueue_dsq, mode.slice, enq_flags);
  }
}
void t_dispatch(s32 cpu, task_struct* prev) {
  api->dsq_move_to_local(api->sim, kShared, 0);
}
void t_runnable(task_struct* p, u64 f) { Rec(absl::StrCat("runnable ", p->pid, (f & SCX_ENQ_WAKEUP) ? " wakeup" : "")); }
void t_running(task_struct* p) { Rec(absl::StrCat("running ", p->pid)); }
void t_stopping(task_struct* p, bool runnable) {
  Rec(absl::StrCat("stopping ", p->pid, runnable ? " runnable" : ""));
  // Charge used time to vtime, as scx_simple does.
  p->scx.dsq_vtime += mode.slice - p->scx.slice;
}
void t_quiescent(task_struct* p, u64 f) { Rec(absl::StrCat("quiescent ", p->pid, (f & SCX_DEQ_SLEEP) ? " sleep" : "")); }
s32 t_init_task(task_struct* p, scx_init_task_args* args) {
  Rec(absl::StrCat("init_task ", p->pid, args->fork ? " fork" : ""));
  return 0;
}
void t_exit_task(task_struct* p, scx_exit_task_args*) { Rec(absl::StrCat("exit_task ", p->pid)); }
void t_enable(task_struct* p) { Rec(absl::StrCat("enable ", p->pid)); }
void t_disable(task_struct* p) { Rec(absl::StrCat("disable ", p->pid)); }
s32 t_init() { return api->create_dsq(api->sim, kShared, -1); }
int64_t exit_kind_seen = -1;
void t_exit(scx_exit_info* ei) {
  exit_kind_seen = ei->kind;
  Rec(absl::StrCat("exit ", ei->kind));
}

sched_ext_ops MakeOps() {
  sched_ext_ops ops{};
  ops.select_cpu = t_select_cpu;
  ops.enqueue = t_enqueue;
  ops.dispatch = t_dispatch;
  ops.runnable = t_runnable;
  ops.running = t_running;
  ops.stopping = t_stopping;
  ops.quiescent = t_quiescent;
  ops.init_task = t_init_task;
  ops.exit_task = t_exit_task;
  ops.enable = t_enable;
  ops.disable = t_disable;
  ops.init = t_init;
  ops.exit = t_exit;
  snprintf(ops.name, sizeof(ops.name), "test");
  return ops;
}

struct Run {
  std::unique_ptr<WorkloadSpec> spec;
  Topology topo;
  sched_ext_ops ops;
  std::unique_ptr<ExtClass> cls;
  std::unique_ptr<Simulator> sim;
  std::vector<std::string> calls;
  absl::Status status;
};

// A run set up but not started, for tests that act on the class (or change r->ops) first;
// Finish runs it.
std::unique_ptr<Run> Prepare(const char* workload, const char* topo, sched_ext_ops ops, SimOptions o = {}) {
  auto r = std::make_unique<Run>();
  auto spec = ParseWorkload(workload, "t.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  r->spec = *std::move(spec);
  r->topo = *Topology::Parse(topo);
  r->ops = ops;
  trace = &r->calls;
  exit_kind_seen = -1;
  ExtPolicyBinding b;
  b.ops = &r->ops;
  b.install_api = [](const scxtwin_host_api& a) { api = &a; };
  r->cls = std::make_unique<ExtClass>(b, ExtOptions{});
  r->sim = std::make_unique<Simulator>(r->topo, *r->spec, r->cls.get(), o);
  return r;
}

void Finish(Run* r) {
  r->status = r->sim->Run();
  trace = nullptr;
}

// The machine without host effects (sim/machine/effects.h): these tests check sched_ext's
// semantics and the costs' times.
SimOptions NoHostEffects() {
  SimOptions o;
  o.costs.effects.idle_exit = o.costs.effects.smt = o.costs.effects.freq = false;
  o.costs.effects.halt_poll = o.costs.effects.tick_cost = false;
  return o;
}

std::unique_ptr<Run> Start(const char* workload, const char* topo, sched_ext_ops ops, SimOptions o = NoHostEffects()) {
  auto r = Prepare(workload, topo, ops, o);
  Finish(r.get());
  return r;
}

class ExtTest : public ::testing::Test {
 protected:
  void SetUp() override { mode = Mode{}; }
};

constexpr char kOneSleeper[] = R"pb(process { name: "p" group { name: "a" program { run { fixed_ns: 1000000 } } program { sleep { fixed_ns: 1000000 } } program { run { fixed_ns: 1000000 } } } })pb";

TEST_F(ExtTest, CallbackOrderOverATaskLife) {
  auto r = Start(kOneSleeper, "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const std::vector<std::string> want = {
      "init_task 1 fork", "enable 1", "select_cpu 1 fork", "runnable 1", "running 1",
      "stopping 1", "quiescent 1 sleep",  // sleep
      "select_cpu 1 ttwu", "runnable 1 wakeup", "running 1",
      "stopping 1", "quiescent 1 sleep",  // exit
      "disable 1", "exit_task 1", absl::StrCat("exit ", SCX_EXIT_UNREG)};
  EXPECT_EQ(r->calls, want);
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  EXPECT_EQ(r->sim->result().end_time, 3 * 1000000 + 2 * 1500);
}

TEST_F(ExtTest, EnqueueRunsWhenSelectCpuDoesNotInsert) {
  mode.direct_idle = false;
  auto r = Start(kOneSleeper, "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->calls[2], "select_cpu 1 fork");
  EXPECT_EQ(r->calls[3], "runnable 1");
  EXPECT_EQ(r->calls[4], "enqueue 1");
  EXPECT_EQ(r->calls[5], "running 1");
  EXPECT_NE(std::find(r->calls.begin(), r->calls.end(), "enqueue 1 wakeup"), r->calls.end());
}

// Three CPU hogs on one CPU: each slice ends at a tick; the preempted task goes back through
// stopping(runnable) + enqueue before the next one runs.
TEST_F(ExtTest, SliceExpiresAtTheTickAndPrevIsReenqueued) {
  mode.slice = 3 * kNsPerMs;  // ends between two 4 ms ticks: noticed at the second
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 2 program { run { fixed_ns: 10000000 } } } })pb", "1",
                 MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  // The first switch away from task 1 happens at the first tick after 3 ms of run: t = 4 ms.
  auto it = std::find(r->calls.begin(), r->calls.end(), "stopping 1 runnable");
  ASSERT_NE(it, r->calls.end());
  EXPECT_EQ(*(it + 1), "enqueue 1");
  EXPECT_EQ(*(it + 2), "running 2");
  // Runs alternate in 4 ms tick periods: 1 [0,4] 2 [4,8] 1 [8,12] 2 [12,16] 1 exits ~18, 2 ~20.
  EXPECT_EQ(r->sim->tasks()[0].m.nr_preempted, 2);
  EXPECT_EQ(r->sim->tasks()[1].m.nr_preempted, 2);
  EXPECT_NEAR(r->sim->result().end_time, 20 * kNsPerMs, 20 * kNsPerUs);
}

// 7.3: validate_ops runs after ops.init, once the scheduler exists: the attach succeeds and the
// scheduler exits at once with the error, through ops.exit.
TEST_F(ExtTest, EnqLastFlagWithoutEnqueueExitsRightAfterAttaching) {
  sched_ext_ops ops = MakeOps();
  ops.enqueue = nullptr;
  ops.flags = SCX_OPS_ENQ_LAST;
  auto r = Start(kOneSleeper, "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_EQ(r->cls->exit_info().msg, "SCX_OPS_ENQ_LAST requires ops.enqueue() to be implemented");
  EXPECT_EQ(exit_kind_seen, SCX_EXIT_ERROR);
  EXPECT_FALSE(r->sim->result().failure.empty());  // no fallback: the run ends there
  EXPECT_EQ(r->sim->result().context_switches, 0);
}

s32 t_init_fails() { return -22; }

TEST_F(ExtTest, InitErrorExitsAfterAttachingAndTheFallbackRunsTheWorkload) {
  sched_ext_ops ops = MakeOps();
  ops.init = t_init_fails;
  FifoClass fallback;
  SimOptions o;
  o.fallback = &fallback;
  auto r = Start(kOneSleeper, "2", ops, o);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_EQ(r->cls->exit_info().msg, "ops.init() failed (-22)");
  EXPECT_EQ(r->sim->tasks()[0].state, TaskState::kExited);
  EXPECT_EQ(r->sim->tasks()[0].m.run_ns, 2000000);
}

TEST_F(ExtTest, MemberChecksFailTheAttachItself) {
  sched_ext_ops ops = MakeOps();
  ops.name[0] = '\0';
  auto r = Start(kOneSleeper, "2", ops);
  ASSERT_FALSE(r->status.ok());
  EXPECT_NE(r->status.message().find("ops.name is empty"), std::string::npos) << r->status;
  EXPECT_EQ(exit_kind_seen, -1);  // no scheduler existed: no ops.exit
}

TEST_F(ExtTest, EnqLastIsPassedWhenPrevIsTheLastTask) {
  sched_ext_ops ops = MakeOps();
  ops.flags = SCX_OPS_ENQ_LAST;
  mode.slice = 2 * kNsPerMs;
  mode.direct_idle = false;
  auto r = Start(R"pb(process { name: "p" group { name: "h" program { run { fixed_ns: 10000000 } } } })pb", "1", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_NE(std::find(r->calls.begin(), r->calls.end(), "enqueue 1 last"), r->calls.end());
}

TEST_F(ExtTest, VtimeInsertIntoLocalDsqEjectsWithError) {
  mode.direct_idle = false;
  mode.enqueue_vtime_local = true;
  auto r = Start(kOneSleeper, "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_EQ(exit_kind_seen, SCX_EXIT_ERROR);
  EXPECT_EQ(r->cls->exit_info().msg, "cannot use vtime ordering for built-in DSQs");
  EXPECT_NE(r->sim->result().failure.find("runtime error"), std::string::npos);
}

TEST_F(ExtTest, BogusDsqEjectsWithError) {
  mode.direct_idle = false;
  mode.enqueue_dsq = 0xdeadbeef;
  auto r = Start(kOneSleeper, "2", MakeOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_NE(r->cls->exit_info().msg.find("non-existent DSQ 0xdeadbeef"), std::string::npos) << r->cls->exit_info().msg;
}

TEST_F(ExtTest, MixingFifoAndVtimeOnOneDsqEjects) {
  mode.direct_idle = false;
  mode.mix_fifo_vtime = true;
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 4 program { run { fixed_ns: 1000000 } } } })pb", "1",
                 MakeOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_NE(r->cls->exit_info().msg.find("already had"), std::string::npos) << r->cls->exit_info().msg;
}

TEST_F(ExtTest, ScxBpfErrorAndExit) {
  mode.direct_idle = false;
  mode.error_after_enqueues = 1;
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 3 program { run { fixed_ns: 1000000 } } } })pb", "1",
                 MakeOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR_BPF);
  EXPECT_EQ(r->cls->exit_info().msg, "test error");
  mode = Mode{};
  mode.direct_idle = false;
  mode.exit_after_enqueues = 0;
  r = Start(R"pb(process { name: "p" group { name: "h" count: 3 program { run { fixed_ns: 1000000 } } } })pb", "1",
            MakeOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG_BPF);
  EXPECT_EQ(r->cls->exit_info().exit_code, 42);
}

TEST_F(ExtTest, WatchdogEjectsAStalledTask) {
  mode.direct_idle = false;
  mode.hold_forever = true;
  sched_ext_ops ops = MakeOps();
  ops.timeout_ms = 1000;
  auto r = Start(kOneSleeper, "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR_STALL);
  EXPECT_NE(r->cls->exit_info().msg.find("failed to run for"), std::string::npos);
  // The watchdog checks every timeout/2: the stall is seen at 1.5 s.
  EXPECT_EQ(r->cls->exit_info().time, 1500 * kNsPerMs);
}

TEST_F(ExtTest, TimeoutAboveThirtySecondsFailsToAttach) {
  sched_ext_ops ops = MakeOps();
  ops.timeout_ms = 30001;
  auto r = Start(kOneSleeper, "2", ops);
  EXPECT_FALSE(r->status.ok());
}

TEST_F(ExtTest, NoEnqueueOpUsesTheGlobalDsq) {
  sched_ext_ops ops = MakeOps();
  ops.enqueue = nullptr;
  ops.select_cpu = nullptr;
  ops.dispatch = nullptr;
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 6 program { run { fixed_ns: 1000000 } } } })pb", "2",
                 ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  EXPECT_EQ(r->sim->result().end_time, 3 * (1000000 + 1500));
}

// After an ejection every task moves to the fallback class and the workload completes, as the
// kernel moves tasks to the fair class.
TEST_F(ExtTest, EjectedPolicyHandsEveryTaskToTheFallback) {
  for (int variant = 0; variant < 2; ++variant) {
    mode = Mode{};
    mode.direct_idle = false;
    sched_ext_ops ops = MakeOps();
    if (variant == 0) {
      mode.hold_forever = true;  // tasks held by the policy: the watchdog ejects
      ops.timeout_ms = 1000;
    } else {
      mode.error_after_enqueues = 2;  // scx_bpf_error inside ops.enqueue
    }
    FifoClass fallback;
    SimOptions o = NoHostEffects();
    o.fallback = &fallback;
    auto r = Start(R"pb(process { name: "p" group { name: "h" count: 6 program { run { fixed_ns: 3000000 } } program { sleep { fixed_ns: 1000000 } } program { run { fixed_ns: 1000000 } } } })pb",
                   "2", ops, o);
    ASSERT_TRUE(r->status.ok()) << variant << ": " << r->status;
    EXPECT_EQ(r->cls->exit_info().kind, variant == 0 ? SCX_EXIT_ERROR_STALL : SCX_EXIT_ERROR_BPF);
    EXPECT_TRUE(r->sim->result().failure.empty());
    EXPECT_FALSE(r->sim->result().detached.empty());
    EXPECT_EQ(r->sim->active_class(), &fallback);
    for (const Task& t : r->sim->tasks()) {
      EXPECT_EQ(t.state, TaskState::kExited) << variant << " " << t.name;
      EXPECT_EQ(t.m.run_ns, 4000000);
    }
    EXPECT_EQ(exit_kind_seen, r->cls->exit_info().kind);  // ops.exit ran
  }
}

// ---- scx_bpf_select_cpu_dfl: the idle-CPU search order --------------------------------------
struct SelectProbe {
  s32 prev = 0;
  u64 wake_flags = 0;
  std::vector<std::pair<s32, bool>> results;
} probe;
s32 p_select_cpu(task_struct* p, s32 prev_cpu, u64 wake_flags) {
  bool idle = false;
  s32 cpu = api->select_cpu_dfl(api->sim, p, probe.prev, probe.wake_flags, &idle);
  probe.results.push_back({cpu, idle});
  return cpu;
}

TEST_F(ExtTest, SelectCpuDflPrefersWholeIdleCoresAndClaims) {
  // 1 node, 1 LLC, 2 cores, 2 threads: cpus 0,2 = core 0; 1,3 = core 1.
  sched_ext_ops ops = MakeOps();
  ops.select_cpu = p_select_cpu;
  probe = SelectProbe{};
  probe.prev = 0;
  // Four tasks arrive at once: prev (cpu 0) has a wholly idle core, so cpu 0 first (claimed);
  // then a wholly idle core: core 1 (cpu 1 or 3); then prev is taken and its sibling 2 is idle
  // (core 0 no longer whole) ... all four CPUs are claimed exactly once, then none is idle.
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 5 program { run { fixed_ns: 1000000 } } } })pb", "1x1x2x2",
                 ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  ASSERT_GE(probe.results.size(), 5u);
  EXPECT_EQ(probe.results[0], std::make_pair(0, true));
  EXPECT_TRUE(probe.results[1].first == 1 || probe.results[1].first == 3);
  EXPECT_TRUE(probe.results[1].second);
  std::vector<int> claimed;
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(probe.results[i].second) << i;
    claimed.push_back(probe.results[i].first);
  }
  std::sort(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(probe.results[4], std::make_pair(0, false));  // nothing idle: prev, not idle
}

TEST_F(ExtTest, SingleCpuAffinitySkipsSelectCpu) {
  auto r = Start(R"pb(process { name: "p" group { name: "a" affinity: "1" program { run { fixed_ns: 1000 } } } })pb", "2",
                 MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->calls[2], "runnable 1");  // straight after enable: no select_cpu
  EXPECT_EQ(r->calls[3], "enqueue 1");
  EXPECT_EQ(r->sim->tasks()[0].last_ran_cpu, 1);
}

// A waker that waits right after its wake (a pipe round trip) wakes with SCX_WAKE_SYNC; a timer
// wakeup does not.
TEST_F(ExtTest, WakeFollowedByWaitIsSync) {
  auto r = Start(R"pb(process { name: "pp"
      group { name: "ping" program { sleep { fixed_ns: 1000 } } program { wake { group: "pong" } } program { wait: true } }
      group { name: "pong" program { wait: true } program { run { fixed_ns: 1000 } } program { wake { group: "ping" } } }
    })pb", "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  std::vector<std::string> selects;
  for (const std::string& c : r->calls) {
    if (c.rfind("select_cpu", 0) == 0) selects.push_back(c);
  }
  EXPECT_EQ(selects, (std::vector<std::string>{"select_cpu 1 fork", "select_cpu 2 fork", "select_cpu 1 ttwu",
                                               "select_cpu 2 ttwu sync", "select_cpu 1 ttwu"}));
}

// Kicks: SCX_KICK_PREEMPT zeroes the running task's slice and reschedules its CPU.
int kick_ticks = 0;
void kick_tick(task_struct* p) {
  if (++kick_ticks == 1) api->kick_cpu(api->sim, 0, SCX_KICK_PREEMPT);
}

TEST_F(ExtTest, KickPreemptEndsTheRunningSlice) {
  mode.direct_idle = false;
  kick_ticks = 0;
  sched_ext_ops ops = MakeOps();
  ops.tick = kick_tick;
  // Two 20 ms hogs on one CPU with 20 ms slices: without the kick the first runs until its
  // slice ends at a tick (20 ms); the kick at the first tick (4 ms) hands the CPU over there.
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 2 program { run { fixed_ns: 20000000 } } } })pb", "1",
                 ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  const Task& first = r->sim->tasks()[0];
  const Task& second = r->sim->tasks()[1];
  EXPECT_EQ(first.m.nr_preempted, 1);
  EXPECT_EQ(second.m.nr_preempted, 0);  // its 20 ms slice covers its whole run
  EXPECT_EQ(second.m.wait_ns, 4 * kNsPerMs);
  EXPECT_EQ(second.exited_at, 4 * kNsPerMs + 1500 + 20 * kNsPerMs);
}

// ---- DSQ iterators: a LIFO policy built from a reverse iteration and scx_bpf_dsq_move ----------
void lifo_dispatch(s32 cpu, task_struct* prev) {
  bpf_iter_scx_dsq it{};
  api->dsq_iter_new(api->sim, &it, kShared, SCX_DSQ_ITER_REV);
  while (task_struct* p = api->dsq_iter_next(api->sim, &it)) {
    if (api->dsq_move(api->sim, &it, p, SCX_DSQ_LOCAL, 0)) break;
  }
  api->dsq_iter_destroy(api->sim, &it);
}

TEST_F(ExtTest, ReverseIteratorMovesTheNewestTaskFirst) {
  mode.direct_idle = false;
  sched_ext_ops ops = MakeOps();
  ops.dispatch = lifo_dispatch;
  // One CPU; five tasks queue in pid order 1..5 while the CPU is busy with the first picked.
  auto r = Start(R"pb(process { name: "p" group { name: "h" count: 5 program { run { fixed_ns: 1000000 } } } })pb", "1",
                 ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  std::vector<std::string> running;
  for (const std::string& c : r->calls) {
    if (c.rfind("running", 0) == 0) running.push_back(c);
  }
  EXPECT_EQ(running, (std::vector<std::string>{"running 5", "running 4", "running 3", "running 2", "running 1"}));
}

// ---- 7.3 custody: ops.dequeue(p, 0) when a task leaves the policy for a built-in DSQ ----------
void t_dequeue(task_struct* p, u64 deq_flags) { Rec(absl::StrCat("dequeue ", p->pid, " ", deq_flags)); }

TEST_F(ExtTest, LeavingCustodyCallsDequeue) {
  sched_ext_ops ops = MakeOps();
  ops.dequeue = t_dequeue;
  // Through the shared user DSQ: enqueue -> (custody) -> move_to_local -> dequeue -> running.
  mode.direct_idle = false;
  auto r = Start(R"pb(process { name: "p" group { name: "a" program { run { fixed_ns: 1000 } } } })pb", "1", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  auto at = [&](const std::string& what) { return std::find(r->calls.begin(), r->calls.end(), what) - r->calls.begin(); };
  EXPECT_LT(at("enqueue 1"), at("dequeue 1 0"));
  EXPECT_LT(at("dequeue 1 0"), at("running 1"));
  EXPECT_EQ(std::count(r->calls.begin(), r->calls.end(), "dequeue 1 0"), 1);
  // Straight into the local DSQ from select_cpu (two CPUs, so select_cpu runs): never in
  // custody, no dequeue.
  mode = Mode{};
  r = Start(R"pb(process { name: "p" group { name: "a" program { run { fixed_ns: 1000 } } } })pb", "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(std::count_if(r->calls.begin(), r->calls.end(), [](const std::string& c) { return c.rfind("dequeue", 0) == 0; }), 0)
      << absl::StrJoin(r->calls, ", ");
}

TEST_F(ExtTest, UserSpaceCallMidRunCanExitTheScheduler) {
  auto r = Prepare(kOneSleeper, "2", MakeOps());
  // User space acts once the scheduler is attached: armed from the first ops.running, at
  // 1.5 ms it runs a program that exits the scheduler with a code (selftest prog_run's shape).
  static ExtClass* self = nullptr;
  static bool armed = false;
  self = r->cls.get();
  armed = false;
  r->ops.running = [](task_struct*) {
    if (armed) return;
    armed = true;
    self->CallFromUserSpace(1500000, [] { api->exit(api->sim, 0xdeadbeef, "from user space"); });
  };
  Finish(r.get());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG_BPF);
  EXPECT_EQ(r->cls->exit_info().exit_code, 0xdeadbeef);
  EXPECT_EQ(r->cls->exit_info().time, 1500000);
}

TEST_F(ExtTest, UserSpaceCallQueuedBeforeTheRun) {
  auto r = Prepare(kOneSleeper, "2", MakeOps());
  r->cls->CallFromUserSpace(700000, [] { api->error(api->sim, "user space says no"); });
  Finish(r.get());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR_BPF);
  EXPECT_EQ(r->cls->exit_info().time, 700000);
}

// ---- misuses the kernel rejects at run time, each ejecting with SCX_EXIT_ERROR --------------
void bad_move_global(s32 cpu, task_struct* prev) { api->dsq_move_to_local(api->sim, SCX_DSQ_GLOBAL, 0); }
void bad_enqueue_keep(task_struct* p, u64 enq_flags) {}
void bad_dispatch_overflow(s32 cpu, task_struct* prev) {
  for (s32 pid = 1; pid <= 3; ++pid) {
    if (task_struct* p = api->task_from_pid(api->sim, pid)) api->dsq_insert(api->sim, p, SCX_DSQ_GLOBAL, 0, 0);
  }
}
void bad_enqueue_local_on_disallowed(task_struct* p, u64 enq_flags) {
  api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL_ON | 1, SCX_SLICE_DFL, enq_flags);
}
s32 bad_select_invalid(task_struct* p, s32 prev_cpu, u64 wake_flags) { return 99; }
void bad_insert_from_running(task_struct* p) { api->dsq_insert(api->sim, p, SCX_DSQ_GLOBAL, 0, 0); }

struct Misuse {
  const char* name;
  std::function<void(sched_ext_ops&)> apply;
  const char* msg;
};

TEST_F(ExtTest, MisusesEjectWithTheKernelsError) {
  const Misuse cases[] = {
      {"move_to_local of the global DSQ", [](sched_ext_ops& o) { o.dispatch = bad_move_global; o.enqueue = bad_enqueue_keep; },
       "invalid DSQ ID 0x8000000000000001"},
      {"dispatch buffer overflow", [](sched_ext_ops& o) { o.dispatch = bad_dispatch_overflow; o.enqueue = bad_enqueue_keep; o.dispatch_max_batch = 2; },
       "dispatch buffer overflow"},
      {"LOCAL_ON a CPU outside the affinity", [](sched_ext_ops& o) { o.enqueue = bad_enqueue_local_on_disallowed; o.select_cpu = nullptr; },
       "SCX_DSQ_LOCAL[_ON] target CPU 1 not allowed"},
      {"select_cpu returns an invalid CPU", [](sched_ext_ops& o) { o.select_cpu = bad_select_invalid; },
       "invalid CPU 99 from ops.select_cpu()"},
      {"insert from ops.running", [](sched_ext_ops& o) { o.running = bad_insert_from_running; },
       "scx_bpf_dsq_insert() called from a disallowed operation"},
  };
  for (const Misuse& c : cases) {
    mode = Mode{};
    mode.direct_idle = false;
    sched_ext_ops ops = MakeOps();
    c.apply(ops);
    // Task 1 may run on CPU 0 only (for the LOCAL_ON case), the others anywhere.
    auto r = Start(R"pb(process { name: "p" group { name: "pinned" affinity: "0" program { run { fixed_ns: 2000000 } } }
                                   group { name: "free" count: 3 program { run { fixed_ns: 2000000 } } } })pb",
                   "2", ops);
    ASSERT_TRUE(r->status.ok()) << c.name << ": " << r->status;
    EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR) << c.name << ": " << r->cls->exit_info().msg;
    EXPECT_NE(r->cls->exit_info().msg.find(c.msg), std::string::npos) << c.name << ": " << r->cls->exit_info().msg;
  }
}

// ---- a chaotic but legal policy: random DSQs, CPUs, kicks and moves ----------------------------
// Whatever a legal policy does, the runtime must lose no task and keep CPU time conserved.
uint64_t chaos_rng = 1;
uint64_t Chaos() {
  chaos_rng ^= chaos_rng << 13;
  chaos_rng ^= chaos_rng >> 7;
  chaos_rng ^= chaos_rng << 17;
  return chaos_rng;
}
int AllowedCpu(task_struct* p) {
  const int n = static_cast<int>(api->nr_cpu_ids(api->sim));
  for (int tries = 0; tries < 64; ++tries) {
    const int c = static_cast<int>(Chaos() % n);
    if ((p->cpus_ptr->bits[c / 64] >> (c % 64)) & 1) return c;
  }
  return api->task_cpu(api->sim, p);
}
s32 c_select_cpu(task_struct* p, s32 prev_cpu, u64 wake_flags) {
  switch (Chaos() % 4) {
    case 0: {
      bool idle = false;
      s32 cpu = api->select_cpu_dfl(api->sim, p, prev_cpu, wake_flags, &idle);
      if (idle) api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL, 1 + Chaos() % 3000000, 0);
      return cpu;
    }
    case 1:
      return AllowedCpu(p);
    case 2:
      api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL_ON | AllowedCpu(p), 1 + Chaos() % 3000000, 0);
      return prev_cpu;
    default:
      return prev_cpu;
  }
}
void c_enqueue(task_struct* p, u64 enq_flags) {
  const u64 slice = 1 + Chaos() % 5000000;
  switch (Chaos() % 6) {
    case 0: api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL, slice, enq_flags); break;
    case 1: api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL_ON | AllowedCpu(p), slice, enq_flags | ((Chaos() & 3) == 0 ? SCX_ENQ_PREEMPT : 0)); break;
    case 2: api->dsq_insert(api->sim, p, SCX_DSQ_GLOBAL, slice, enq_flags); break;
    case 3: api->dsq_insert_vtime(api->sim, p, kShared, slice, Chaos() % 1000, enq_flags); break;
    case 4: api->dsq_insert_vtime(api->sim, p, kShared + 1, slice, Chaos() % 1000, enq_flags); break;
    default: break;  // keep it: dispatch finds it through task_from_pid below
  }
  if (Chaos() % 3 == 0) {
    api->kick_cpu(api->sim, static_cast<s32>(Chaos() % api->nr_cpu_ids(api->sim)),
                  (Chaos() & 1) ? SCX_KICK_IDLE : SCX_KICK_PREEMPT);
  }
}
void c_dispatch(s32 cpu, task_struct* prev) {
  // Tasks the policy kept: insert some of them anywhere they may run.
  for (int i = 0; i < 4; ++i) {
    task_struct* p = api->task_from_pid(api->sim, static_cast<s32>(1 + Chaos() % 64));
    if (p && api->dispatch_nr_slots(api->sim) > 0) {
      api->dsq_insert(api->sim, p, (Chaos() & 1) ? SCX_DSQ_GLOBAL : (SCX_DSQ_LOCAL_ON | AllowedCpu(p)), 1 + Chaos() % 2000000, 0);
    }
  }
  if (!api->dsq_move_to_local(api->sim, kShared + (Chaos() & 1), 0)) api->dsq_move_to_local(api->sim, kShared, 0);
}
s32 c_init() {
  api->create_dsq(api->sim, kShared, -1);
  return api->create_dsq(api->sim, kShared + 1, -1);
}

TEST_F(ExtTest, ChaoticLegalPolicyKeepsEveryInvariant) {
  sched_ext_ops ops = MakeOps();
  ops.select_cpu = c_select_cpu;
  ops.enqueue = c_enqueue;
  ops.dispatch = c_dispatch;
  ops.init = c_init;
  ops.stopping = nullptr;
  ops.timeout_ms = 30000;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    chaos_rng = seed * 0x9e3779b97f4a7c15ULL;
    SimOptions o;
    o.check_every_events = 64;
    auto r = Start(R"pb(duration_ns: 200000000
      process { name: "p" instances: 3 arrival { poisson_mean_gap_ns: 1000000 }
        group { name: "a" count: 8 program { loop { body { run { exponential { mean_ns: 200000 } } } body { sleep { exponential { mean_ns: 300000 } } } } } }
        group { name: "b" count: 4 affinity: "1-2" program { loop { count: 100 body { run { exponential { mean_ns: 50000 } } } body { wake { group: "a" pick: NEXT } } body { sleep { fixed_ns: 100000 } } } } }
      })pb",
                   seed % 2 ? "1x2x2x2" : "5", ops, o);
    ASSERT_TRUE(r->status.ok()) << "seed " << seed << ": " << r->status;
    // A task the policy keeps and never dispatches may stall: that exit is legal too.
    EXPECT_TRUE(r->cls->exit_info().kind == SCX_EXIT_UNREG || r->cls->exit_info().kind == SCX_EXIT_ERROR_STALL)
        << "seed " << seed << ": " << r->cls->exit_info().kind << " " << r->cls->exit_info().msg;
    EXPECT_GT(r->sim->result().context_switches, 100);
  }
}

}  // namespace
}  // namespace scxtwin::sim
