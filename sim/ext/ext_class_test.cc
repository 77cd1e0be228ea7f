// The ext class's lifecycle: callback order over a task's life, slices and ticks, attaching
// (member checks, ops.init, validate_ops), exits and the watchdog, the hand-over to the fallback
// class, user-space calls and the misuses the kernel rejects.
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
#include "sim/ext/ext_test_policy.h"

namespace scxtwin::sim {
namespace {

using namespace ext_test;  // NOLINT: the shared test policy

TEST_F(ExtTest, CallbackOrderOverATaskLife) {
  auto r = Start(kOneSleeper, "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const std::vector<std::string> want = {
      "init_task 1 fork",  "enable 1",          "select_cpu 1 fork",
      "runnable 1",        "running 1",         "stopping 1",
      "quiescent 1 sleep",  // sleep
      "select_cpu 1 ttwu", "runnable 1 wakeup", "running 1",
      "stopping 1",        "quiescent 1 sleep",  // exit
      "disable 1",         "exit_task 1",       absl::StrCat("exit ", SCX_EXIT_UNREG)};
  EXPECT_EQ(r->calls, want);
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  EXPECT_EQ(r->sim->result().end_time, 3 * 1000000 + 2 * 1500);
}

// A stopping task's utime and se.sum_exec_runtime are the CPU time it has used so far (policies
// such as scx_beerland test them): 1 ms at the first stop, 2 ms at the second.
TEST_F(ExtTest, StoppingTaskSeesItsCpuTime) {
  std::vector<std::pair<u64, u64>> times;
  mode.cpu_times = &times;
  auto r = Start(kOneSleeper, "2", MakeOps());
  mode.cpu_times = nullptr;
  ASSERT_TRUE(r->status.ok()) << r->status;
  const std::vector<std::pair<u64, u64>> want = {{1000000, 1000000}, {2000000, 2000000}};
  EXPECT_EQ(times, want);
}

// real_parent is never NULL, as in the kernel: a forked task's is its parent, a task the
// workload starts has the idle task (pid 0); each task leads its own thread group.
s32 parent_init_task(task_struct* p, scx_init_task_args*) {
  const task_struct* parent = p->real_parent;
  Rec(absl::StrCat("init_task ", p->pid, " parent ", parent->pid,
                   parent->pid == 0 ? absl::StrCat(" ", parent->comm) : "", " leader ",
                   p->group_leader == p));
  return 0;
}

TEST_F(ExtTest, RealParentIsTheForkingTaskOrTheIdleTask) {
  sched_ext_ops ops = MakeOps();
  ops.init_task = parent_init_task;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          program { fork { group: "b" } }
                          program { run { fixed_ns: 1000000 } }
                        }
                        group {
                          name: "b"
                          on_fork: true
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  std::vector<std::string> got;
  for (const std::string& c : r->calls)
    if (c.rfind("init_task", 0) == 0) got.push_back(c);
  EXPECT_EQ(got, (std::vector<std::string>{"init_task 1 parent 0 swapper/0 leader 1",
                                           "init_task 2 parent 1 leader 1"}));
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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 2
                          program { run { fixed_ns: 10000000 } }
                        }
                      })pb",
                 "1", MakeOps());
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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          program { run { fixed_ns: 10000000 } }
                        }
                      })pb",
                 "1", ops);
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
  EXPECT_NE(r->cls->exit_info().msg.find("non-existent DSQ 0xdeadbeef"), std::string::npos)
      << r->cls->exit_info().msg;
}

TEST_F(ExtTest, MixingFifoAndVtimeOnOneDsqEjects) {
  mode.direct_idle = false;
  mode.mix_fifo_vtime = true;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 4
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "1", MakeOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_NE(r->cls->exit_info().msg.find("already had"), std::string::npos)
      << r->cls->exit_info().msg;
}

TEST_F(ExtTest, ScxBpfErrorAndExit) {
  mode.direct_idle = false;
  mode.error_after_enqueues = 1;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 3
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "1", MakeOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR_BPF);
  EXPECT_EQ(r->cls->exit_info().msg, "test error");
  mode = Mode{};
  mode.direct_idle = false;
  mode.exit_after_enqueues = 0;
  r = Start(R"pb(process {
                   name: "p"
                   group {
                     name: "h"
                     count: 3
                     program { run { fixed_ns: 1000000 } }
                   }
                 })pb",
            "1", MakeOps());
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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 6
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "2", ops);
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
    auto r = Start(R"pb(process {
                          name: "p"
                          group {
                            name: "h"
                            count: 6
                            program { run { fixed_ns: 3000000 } }
                            program { sleep { fixed_ns: 1000000 } }
                            program { run { fixed_ns: 1000000 } }
                          }
                        })pb",
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
void bad_move_global(s32 cpu, task_struct* prev) {
  api->dsq_move_to_local(api->sim, SCX_DSQ_GLOBAL, 0);
}
void bad_enqueue_keep(task_struct* p, u64 enq_flags) {}
void bad_dispatch_overflow(s32 cpu, task_struct* prev) {
  for (s32 pid = 1; pid <= 3; ++pid) {
    if (task_struct* p = api->task_from_pid(api->sim, pid))
      api->dsq_insert(api->sim, p, SCX_DSQ_GLOBAL, 0, 0);
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
      {"move_to_local of the global DSQ",
       [](sched_ext_ops& o) {
         o.dispatch = bad_move_global;
         o.enqueue = bad_enqueue_keep;
       },
       "invalid DSQ ID 0x8000000000000001"},
      {"dispatch buffer overflow",
       [](sched_ext_ops& o) {
         o.dispatch = bad_dispatch_overflow;
         o.enqueue = bad_enqueue_keep;
         o.dispatch_max_batch = 2;
       },
       "dispatch buffer overflow"},
      {"LOCAL_ON a CPU outside the affinity",
       [](sched_ext_ops& o) {
         o.enqueue = bad_enqueue_local_on_disallowed;
         o.select_cpu = nullptr;
       },
       "SCX_DSQ_LOCAL[_ON] target CPU 1 not allowed"},
      {"select_cpu returns an invalid CPU",
       [](sched_ext_ops& o) { o.select_cpu = bad_select_invalid; },
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
    auto r = Start(R"pb(process {
                          name: "p"
                          group {
                            name: "pinned"
                            affinity: "0"
                            program { run { fixed_ns: 2000000 } }
                          }
                          group {
                            name: "free"
                            count: 3
                            program { run { fixed_ns: 2000000 } }
                          }
                        })pb",
                   "2", ops);
    ASSERT_TRUE(r->status.ok()) << c.name << ": " << r->status;
    EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR)
        << c.name << ": " << r->cls->exit_info().msg;
    EXPECT_NE(r->cls->exit_info().msg.find(c.msg), std::string::npos)
        << c.name << ": " << r->cls->exit_info().msg;
  }
}

}  // namespace
}  // namespace scxtwin::sim
