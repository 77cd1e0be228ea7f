// The ext class's dispatch side: the default CPU selection, single-CPU affinity, sync wakeups,
// kicks, DSQ iterators, custody (ops.dequeue), and a chaotic but legal policy.
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/ext/ext_test_policy.h"

namespace scxtwin::sim {
namespace {

using namespace ext_test;  // NOLINT: the shared test policy

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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 5
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "1x1x2x2", ops);
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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          affinity: "1"
                          program { run { fixed_ns: 1000 } }
                        }
                      })pb",
                 "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->calls[2], "runnable 1");  // straight after enable: no select_cpu
  EXPECT_EQ(r->calls[3], "enqueue 1");
  EXPECT_EQ(r->sim->tasks()[0].last_ran_cpu, 1);
}

// A waker that waits right after its wake (a pipe round trip) wakes with SCX_WAKE_SYNC; a timer
// wakeup does not.
TEST_F(ExtTest, WakeFollowedByWaitIsSync) {
  auto r = Start(R"pb(process {
                        name: "pp"
                        group {
                          name: "ping"
                          program { sleep { fixed_ns: 1000 } }
                          program { wake { group: "pong" } }
                          program { wait: true }
                        }
                        group {
                          name: "pong"
                          program { wait: true }
                          program { run { fixed_ns: 1000 } }
                          program { wake { group: "ping" } }
                        }
                      })pb",
                 "2", MakeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  std::vector<std::string> selects;
  for (const std::string& c : r->calls) {
    if (c.rfind("select_cpu", 0) == 0) selects.push_back(c);
  }
  EXPECT_EQ(selects,
            (std::vector<std::string>{"select_cpu 1 fork", "select_cpu 2 fork", "select_cpu 1 ttwu",
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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 2
                          program { run { fixed_ns: 20000000 } }
                        }
                      })pb",
                 "1", ops);
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
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "h"
                          count: 5
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "1", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  std::vector<std::string> running;
  for (const std::string& c : r->calls) {
    if (c.rfind("running", 0) == 0) running.push_back(c);
  }
  EXPECT_EQ(running, (std::vector<std::string>{"running 5", "running 4", "running 3", "running 2",
                                               "running 1"}));
}

// ---- 7.3 custody: ops.dequeue(p, 0) when a task leaves the policy for a built-in DSQ ----------
void t_dequeue(task_struct* p, u64 deq_flags) {
  Rec(absl::StrCat("dequeue ", p->pid, " ", deq_flags));
}

TEST_F(ExtTest, LeavingCustodyCallsDequeue) {
  sched_ext_ops ops = MakeOps();
  ops.dequeue = t_dequeue;
  // Through the shared user DSQ: enqueue -> (custody) -> move_to_local -> dequeue -> running.
  mode.direct_idle = false;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          program { run { fixed_ns: 1000 } }
                        }
                      })pb",
                 "1", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  auto at = [&](const std::string& what) {
    return std::find(r->calls.begin(), r->calls.end(), what) - r->calls.begin();
  };
  EXPECT_LT(at("enqueue 1"), at("dequeue 1 0"));
  EXPECT_LT(at("dequeue 1 0"), at("running 1"));
  EXPECT_EQ(std::count(r->calls.begin(), r->calls.end(), "dequeue 1 0"), 1);
  // Straight into the local DSQ from select_cpu (two CPUs, so select_cpu runs): never in
  // custody, no dequeue.
  mode = Mode{};
  r = Start(R"pb(process {
                   name: "p"
                   group {
                     name: "a"
                     program { run { fixed_ns: 1000 } }
                   }
                 })pb",
            "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(std::count_if(r->calls.begin(), r->calls.end(),
                          [](const std::string& c) { return c.rfind("dequeue", 0) == 0; }),
            0)
      << absl::StrJoin(r->calls, ", ");
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
    case 0:
      api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL, slice, enq_flags);
      break;
    case 1:
      api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL_ON | AllowedCpu(p), slice,
                      enq_flags | ((Chaos() & 3) == 0 ? SCX_ENQ_PREEMPT : 0));
      break;
    case 2:
      api->dsq_insert(api->sim, p, SCX_DSQ_GLOBAL, slice, enq_flags);
      break;
    case 3:
      api->dsq_insert_vtime(api->sim, p, kShared, slice, Chaos() % 1000, enq_flags);
      break;
    case 4:
      api->dsq_insert_vtime(api->sim, p, kShared + 1, slice, Chaos() % 1000, enq_flags);
      break;
    default:
      break;  // keep it: dispatch finds it through task_from_pid below
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
      api->dsq_insert(api->sim, p,
                      (Chaos() & 1) ? SCX_DSQ_GLOBAL : (SCX_DSQ_LOCAL_ON | AllowedCpu(p)),
                      1 + Chaos() % 2000000, 0);
    }
  }
  if (!api->dsq_move_to_local(api->sim, kShared + (Chaos() & 1), 0))
    api->dsq_move_to_local(api->sim, kShared, 0);
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
                        process {
                          name: "p"
                          instances: 3
                          arrival { poisson_mean_gap_ns: 1000000 }
                          group {
                            name: "a"
                            count: 8
                            program {
                              loop {
                                body { run { exponential { mean_ns: 200000 } } }
                                body { sleep { exponential { mean_ns: 300000 } } }
                              }
                            }
                          }
                          group {
                            name: "b"
                            count: 4
                            affinity: "1-2"
                            program {
                              loop {
                                count: 100
                                body { run { exponential { mean_ns: 50000 } } }
                                body { wake { group: "a" pick: NEXT } }
                                body { sleep { fixed_ns: 100000 } }
                              }
                            }
                          }
                        })pb",
                   seed % 2 ? "1x2x2x2" : "5", ops, o);
    ASSERT_TRUE(r->status.ok()) << "seed " << seed << ": " << r->status;
    // A task the policy keeps and never dispatches may stall: that exit is legal too.
    EXPECT_TRUE(r->cls->exit_info().kind == SCX_EXIT_UNREG ||
                r->cls->exit_info().kind == SCX_EXIT_ERROR_STALL)
        << "seed " << seed << ": " << r->cls->exit_info().kind << " " << r->cls->exit_info().msg;
    EXPECT_GT(r->sim->result().context_switches, 100);
  }
}

}  // namespace
}  // namespace scxtwin::sim
