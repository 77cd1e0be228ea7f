// Property changes of a task the policy schedules (workload set_affinity / set_nice): the
// kernel's sched_change order of callbacks for a queued, a running and a blocked task, the
// SCX_DEQ_SCHED_CHANGE dequeue of a task in custody, the flags each callback around a change
// sees, and the move of a running task whose CPU left its affinity.
#include <algorithm>
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

void r_dequeue(task_struct* p, u64 deq_flags) {
  Rec(absl::StrCat("dequeue ", p->pid, (deq_flags & SCX_DEQ_SCHED_CHANGE) ? " change" : ""));
}
void r_set_cpumask(task_struct* p, const cpumask* m) {
  Rec(absl::StrCat("set_cpumask ", p->pid, " ", m->bits[0]));
}
void r_set_weight(task_struct* p, u32 weight) {
  Rec(absl::StrCat("set_weight ", p->pid, " ", weight));
}

sched_ext_ops ChangeOps() {
  sched_ext_ops ops = MakeOps();
  ops.dequeue = r_dequeue;
  ops.set_cpumask = r_set_cpumask;
  ops.set_weight = r_set_weight;
  return ops;
}

// The calls naming pid, in order, from the first one matching `from` on.
std::vector<std::string> CallsOf(const Run& r, int pid, const std::string& from) {
  std::vector<std::string> out;
  const std::string tail = absl::StrCat(" ", pid);
  bool on = false;
  for (const std::string& c : r.calls) {
    on = on || c == from;
    if (!on) continue;
    const size_t sp = c.find(' ');
    if (sp == std::string::npos) continue;
    const std::string rest = c.substr(sp);
    if (rest == tail || rest.rfind(tail + " ", 0) == 0) out.push_back(c);
  }
  return out;
}

// Two workers pinned to CPU 0 (one runs, one waits on the policy's shared DSQ: in custody) and
// a controller on CPU 1 that renices both at 1 ms.
constexpr char kRenice[] = R"pb(process {
                                  name: "p"
                                  group {
                                    name: "w"
                                    count: 2
                                    affinity: "0"
                                    program { run { fixed_ns: 5000000 } }
                                  }
                                  group {
                                    name: "ctl"
                                    affinity: "1"
                                    program { sleep { fixed_ns: 1000000 } }
                                    program {
                                      set_nice {
                                        nice: 5
                                        target { group: "w" pick: ALL }
                                      }
                                    }
                                  }
                                })pb";

TEST_F(ExtTest, ReniceDequeuesAQueuedTaskFromCustodyAndRequeuesIt) {
  mode.direct_idle = false;
  auto r = Start(kRenice, "2", ChangeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  // sched_weight_to_cgroup of nice 5's weight (335): 33.
  const std::string w5 = absl::StrCat((NiceToWeight(5) * 100 + 512) / 1024);
  // Enable tells the weight first (scx_enable_task).
  EXPECT_NE(std::find(r->calls.begin(), r->calls.end(), "set_weight 1 100"), r->calls.end());
  // The waiting worker (pid 2) leaves custody with SCX_DEQ_SCHED_CHANGE, is reweighted and
  // enqueued again.
  const std::vector<std::string> waiting = CallsOf(*r, 2, "dequeue 2 change");
  ASSERT_GE(waiting.size(), 5u) << absl::StrJoin(r->calls, ", ");
  EXPECT_EQ(std::vector<std::string>(waiting.begin(), waiting.begin() + 5),
            (std::vector<std::string>{"dequeue 2 change", "quiescent 2", "set_weight 2 " + w5,
                                      "runnable 2", "enqueue 2"}));
  // The running worker (pid 1) is in no custody: stopping and running around the change.
  const std::vector<std::string> running = CallsOf(*r, 1, "set_weight 1 " + w5);
  ASSERT_GE(running.size(), 3u);
  EXPECT_EQ(running[1], "runnable 1");
  EXPECT_EQ(running[2], "running 1");
  EXPECT_EQ(std::count(r->calls.begin(), r->calls.end(), "dequeue 1 change"), 0);
  for (const Task& t : r->sim->tasks()) EXPECT_EQ(t.state, TaskState::kExited) << t.name;
}

// The flags around a change, written down from the kernel rather than from the simulator:
// sched_setaffinity's __do_set_cpus_allowed and set_user_nice run a sched_change with
// DEQUEUE_SAVE (0x2), to which sched_change_begin adds DEQUEUE_NOCLOCK (0x8) and
// dequeue_task_scx SCX_DEQ_SCHED_CHANGE (not a sleep); sched_change_end enqueues with the
// matching ENQUEUE_RESTORE (0x2) | ENQUEUE_NOCLOCK (0x8).
constexpr u64 kChangeDeq = 0x2 | 0x8 | (1ULL << 33);
constexpr u64 kChangeEnq = 0x2 | 0x8;

std::string Hex(u64 v) { return absl::StrCat("0x", absl::Hex(v)); }
void f_dequeue(task_struct* p, u64 f) { Rec(absl::StrCat("dequeue ", p->pid, " ", Hex(f))); }
void f_quiescent(task_struct* p, u64 f) { Rec(absl::StrCat("quiescent ", p->pid, " ", Hex(f))); }
void f_runnable(task_struct* p, u64 f) { Rec(absl::StrCat("runnable ", p->pid, " ", Hex(f))); }
void f_enqueue(task_struct* p, u64 f) {
  Rec(absl::StrCat("enqueue ", p->pid, " ", Hex(f)));
  api->dsq_insert(api->sim, p, kShared, mode.slice, f);
}
void f_set_cpumask(task_struct* p, const cpumask*) { Rec(absl::StrCat("change ", p->pid)); }
void f_set_weight(task_struct* p, u32) { Rec(absl::StrCat("change ", p->pid)); }

sched_ext_ops FlagOps() {
  sched_ext_ops ops = MakeOps();
  ops.dequeue = f_dequeue;
  ops.quiescent = f_quiescent;
  ops.runnable = f_runnable;
  ops.enqueue = f_enqueue;
  ops.set_cpumask = f_set_cpumask;
  ops.set_weight = f_set_weight;
  return ops;
}

// Two workers on CPU 0, one running and one waiting in the policy's DSQ (in custody), and a
// controller on CPU 1 that changes both at 1 ms with `change` (a set_nice or set_affinity).
std::string TwoWorkersChangedBy(const std::string& change) {
  return absl::StrCat(R"pb(process { name: "p"
                                     group {
                                       name: "w"
                                       count: 2
                                       affinity: "0"
                                       program { run { fixed_ns: 5000000 } }
                                     }
                                     group { name: "ctl" affinity: "1"
                                             program { sleep { fixed_ns: 1000000 } }
                                             program {)pb",
                      change, R"pb(}
                                   }
                           })pb");
}

// pid's calls around its change (the last "change pid": ops.set_weight also tells the weight at
// enable): the two before it and the two after it.
std::vector<std::string> AroundChange(const Run& r, int pid) {
  const std::string change = absl::StrCat("change ", pid);
  std::vector<std::string> mine = CallsOf(r, pid, r.calls.front());
  auto c = std::find(mine.rbegin(), mine.rend(), change);
  if (c == mine.rend()) return {};
  const ptrdiff_t at = mine.rend() - c - 1;
  const ptrdiff_t from = std::max<ptrdiff_t>(0, at - 2);
  const ptrdiff_t to = std::min<ptrdiff_t>(static_cast<ptrdiff_t>(mine.size()), at + 3);
  return std::vector<std::string>(mine.begin() + from, mine.begin() + to);
}

void ExpectChangeFlags(const Run& r) {
  const std::string deq = Hex(kChangeDeq), enq = Hex(kChangeEnq);
  // The waiting worker (pid 2) leaves the policy's custody and comes back through ops.enqueue.
  EXPECT_EQ(AroundChange(r, 2),
            (std::vector<std::string>{"dequeue 2 " + deq, "quiescent 2 " + deq, "change 2",
                                      "runnable 2 " + enq, "enqueue 2 " + enq}))
      << absl::StrJoin(r.calls, ", ");
  // The running one (pid 1) stops (not runnable: the dequeue comes first) and runs on.
  EXPECT_EQ(AroundChange(r, 1),
            (std::vector<std::string>{"stopping 1", "quiescent 1 " + deq, "change 1",
                                      "runnable 1 " + enq, "running 1"}))
      << absl::StrJoin(r.calls, ", ");
}

TEST_F(ExtTest, ANiceChangePassesTheSchedChangeFlags) {
  mode.direct_idle = false;
  auto r = Start(TwoWorkersChangedBy(R"pb(set_nice {
                                            nice: 5
                                            target { group: "w" pick: ALL }
                                          })pb")
                     .c_str(),
                 "2", FlagOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  ExpectChangeFlags(*r);
}

TEST_F(ExtTest, AnAffinityChangePassesTheSchedChangeFlags) {
  mode.direct_idle = false;
  auto r = Start(TwoWorkersChangedBy(R"pb(set_affinity {
                                            cpus: "0-1"
                                            target { group: "w" pick: ALL }
                                          })pb")
                     .c_str(),
                 "2", FlagOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  ExpectChangeFlags(*r);
}

// A change takes a waiting task off its queue and puts it back, but its wait goes on (the
// kernel's dequeue for a change keeps runnable_at): reniced every 10 ms while a hog with an
// infinite slice holds its CPU, it still stalls at the watchdog's timeout (100 ms, checked every
// 50 ms: seen at 150 ms), not 100 ms after the last renice.
TEST_F(ExtTest, AChangeDoesNotRestartAWaitingTasksStallClock) {
  mode.direct_idle = false;
  mode.slice = SCX_SLICE_INF;
  sched_ext_ops ops = ChangeOps();
  ops.timeout_ms = 100;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "w"
                          count: 2
                          affinity: "0"
                          program { run { fixed_ns: 1000000000 } }
                        }
                        group {
                          name: "ctl"
                          affinity: "1"
                          program {
                            loop {
                              count: 20
                              body { sleep { fixed_ns: 10000000 } }
                              body {
                                set_nice {
                                  nice: 5
                                  target { group: "w" pick: ALL }
                                }
                              }
                              body { sleep { fixed_ns: 10000000 } }
                              body {
                                set_nice {
                                  nice: 6
                                  target { group: "w" pick: ALL }
                                }
                              }
                            }
                          }
                        }
                      })pb",
                 "2", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR_STALL);
  EXPECT_NE(r->cls->exit_info().msg.find("[2] failed to run for"), std::string::npos)
      << r->cls->exit_info().msg;
  EXPECT_EQ(r->cls->exit_info().time, 150 * kNsPerMs);
}

TEST_F(ExtTest, RunningTaskThatLostItsCpuMovesThroughEnqueue) {
  // A 10 ms hog on CPU 0; at 1 ms the controller on CPU 1 allows it only CPU 1 and exits.
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "hog"
                          affinity: "0"
                          program { run { fixed_ns: 10000000 } }
                        }
                        group {
                          name: "ctl"
                          affinity: "1"
                          program { sleep { fixed_ns: 1000000 } }
                          program {
                            set_affinity {
                              cpus: "1"
                              target { group: "hog" }
                            }
                          }
                        }
                      })pb",
                 "2", ChangeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const std::vector<std::string> hog = CallsOf(*r, 1, "set_cpumask 1 2");
  ASSERT_GE(hog.size(), 5u) << absl::StrJoin(r->calls, ", ");
  // The change while it runs, then the stopper's move: stopping(true), ops.enqueue.
  EXPECT_EQ(std::vector<std::string>(hog.begin(), hog.begin() + 5),
            (std::vector<std::string>{"set_cpumask 1 2", "runnable 1", "running 1",
                                      "stopping 1 runnable", "enqueue 1"}));
  EXPECT_EQ(r->sim->tasks()[0].state, TaskState::kExited);
  EXPECT_LT(r->sim->result().cpus[0].busy_ns, 2 * kNsPerMs);
  EXPECT_GT(r->sim->result().cpus[1].busy_ns, 8 * kNsPerMs);
}

TEST_F(ExtTest, BlockedTaskOnlyLearnsTheChange) {
  // A sleeper is repinned while it sleeps: ops.set_cpumask, no dequeue/quiescent/enqueue then;
  // it wakes on its new CPU.
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "s"
                          affinity: "0"
                          program { sleep { fixed_ns: 2000000 } }
                          program { run { fixed_ns: 1000000 } }
                        }
                        group {
                          name: "ctl"
                          affinity: "1"
                          program { sleep { fixed_ns: 1000000 } }
                          program {
                            set_affinity {
                              cpus: "1"
                              target { group: "s" }
                            }
                          }
                        }
                      })pb",
                 "2", ChangeOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const std::vector<std::string> s = CallsOf(*r, 1, "set_cpumask 1 2");
  ASSERT_GE(s.size(), 2u) << absl::StrJoin(r->calls, ", ");
  EXPECT_EQ(s[1], "runnable 1 wakeup") << absl::StrJoin(s, ", ");  // its wakeup (one CPU: no
                                                                   // select_cpu)
  EXPECT_EQ(r->sim->result().cpus[0].busy_ns, 0);
}

}  // namespace
}  // namespace scxtwin::sim
