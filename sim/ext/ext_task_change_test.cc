// Property changes of a task the policy schedules (workload set_affinity / set_nice): the
// kernel's sched_change order of callbacks for a queued, a running and a blocked task, the
// SCX_DEQ_SCHED_CHANGE dequeue of a task in custody, and the move of a running task whose CPU
// left its affinity.
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
