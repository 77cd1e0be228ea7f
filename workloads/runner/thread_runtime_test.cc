// The runner's semantics on the host (no tracing): wakes and waits, forks, interrupts and their
// acknowledgements, the duration stop, and arrivals drawn exactly as the simulator draws them.
#include "workloads/runner/thread_runtime.h"

#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <tuple>

#include "gtest/gtest.h"
#include "sim/run/runner.h"
#include "sim/workload/spec.h"
#include "workloads/runner/plan_writer.h"

namespace scxtwin::runner {
namespace {

constexpr int64_t kMs = 1000000;

RunResult RunText(const std::string& textpb, uint64_t seed = 1) {
  auto spec = sim::ParseWorkload(textpb, "test.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  RunResult r;
  if (!spec.ok()) return r;
  std::string error;
  EXPECT_TRUE(RunPlan(PlanFromSpec(**spec), seed, &r, &error)) << error;
  return r;
}

const TaskResult* Task(const RunResult& r, const std::string& name) {
  for (const TaskResult& t : r.tasks)
    if (t.name == name) return &t;
  return nullptr;
}

TEST(ThreadRuntimeTest, PingPongCompletesAndBurnsThreadCpuTime) {
  const RunResult r = RunText(R"pb(
    name: "pp"
    process {
      name: "pair"
      instances: 2
      group {
        name: "ping"
        program {
          loop {
            count: 5
            body { run { fixed_ns: 2000000 } }
            body { wake { group: "pong" } }
            body { wait: true }
          }
        }
      }
      group {
        name: "pong"
        program {
          loop {
            count: 5
            body { wait: true }
            body { run { fixed_ns: 1000000 } }
            body { wake { group: "ping" } }
          }
        }
      }
    })pb");
  ASSERT_EQ(r.instances.size(), 2u);
  for (const InstanceResult& i : r.instances) EXPECT_GE(i.completed_ns, i.arrival_ns);
  ASSERT_EQ(r.tasks.size(), 4u);
  const TaskResult* ping = Task(r, "pair.0/ping.0");
  const TaskResult* pong = Task(r, "pair.1/pong.0");
  ASSERT_NE(ping, nullptr);
  ASSERT_NE(pong, nullptr);
  EXPECT_GE(ping->cpu_ns, 10 * kMs);  // 5 x 2 ms of run
  EXPECT_GE(pong->cpu_ns, 5 * kMs);
  EXPECT_NE(ping->tid, pong->tid);
}

// Whether this host lets a thread take `policy` (probed on a scratch thread).
bool HostAccepts(int policy, int priority) {
  bool ok = false;
  std::thread probe([&] {
    sched_param param{};
    param.sched_priority = priority;
    ok = sched_setscheduler(0, policy, &param) == 0;
  });
  probe.join();
  return ok;
}

// A group's policy is set on its threads (sched_setscheduler), or the run fails naming the
// thread and the policy: SCHED_EXT needs a sched_ext kernel, FIFO/RR the privilege.
TEST(ThreadRuntimeTest, PolicyIsSetOrTheRunIsRefused) {
  struct Case {
    const char* policy;
    int number;
    int priority;
  };
  for (const Case& c : {Case{"EXT", 7, 0}, Case{"RR", SCHED_RR, 1}}) {
    const std::string text = std::string(R"pb(
                               name: "policy"
                               process { name: "p"
                                         group { name: "g" policy:)pb") +
                             c.policy + (c.priority ? " rt_priority: 1" : "") + R"pb(
          program { run { fixed_ns: 1000000 } }
        }
                })pb";
    auto spec = sim::ParseWorkload(text, "policy.textpb");
    ASSERT_TRUE(spec.ok()) << spec.status();
    RunResult r;
    std::string error;
    const bool ran = RunPlan(PlanFromSpec(**spec), 1, &r, &error);
    EXPECT_EQ(ran, HostAccepts(c.number, c.priority)) << c.policy << ": " << error;
    if (!ran) {
      EXPECT_NE(error.find(std::string("cannot set policy ") + c.policy), std::string::npos)
          << error;
      EXPECT_NE(error.find("p.0/g.0"), std::string::npos) << error;
    }
  }
}

TEST(ThreadRuntimeTest, ForkedTasksBelongToTheInstance) {
  const RunResult r = RunText(R"pb(
    name: "fork"
    process {
      name: "p"
      group {
        name: "parent"
        program { fork { group: "kid" count: 3 } }
        program { run { fixed_ns: 100000 } }
      }
      group {
        name: "kid"
        on_fork: true
        program { sleep { fixed_ns: 30000000 } }
      }
    })pb");
  ASSERT_EQ(r.tasks.size(), 4u);
  EXPECT_NE(Task(r, "p.0/kid.2"), nullptr);
  // The instance completes with its last task, a child that slept 30 ms.
  int64_t last = 0;
  for (const TaskResult& t : r.tasks) last = std::max(last, t.exited_ns);
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_EQ(r.instances[0].completed_ns, last);
  EXPECT_GE(r.instances[0].completed_ns - r.instances[0].arrival_ns, 30 * kMs);
}

// A halted (sleeping) target acknowledges an interrupt at once and halts again until its timer;
// the sender's `acks` wait needs every target's acknowledgement.
TEST(ThreadRuntimeTest, InterruptsAreAcknowledgedBySleepingTargets) {
  const RunResult r = RunText(R"pb(
    name: "ipi"
    process {
      name: "vm"
      group {
        name: "v"
        count: 4
        start { fixed_ns: 1000000 }
        program { sleep { fixed_ns: 400000000 } }
      }
      group {
        name: "s"
        start { fixed_ns: 50000000 }
        channel: "ack"
        program {
          wake {
            group: "v"
            pick: ALL
            ack: "ack"
            handler { fixed_ns: 100000 }
          }
        }
        program { wait_on { channel: "ack" acks: true } }
      }
    })pb");
  const TaskResult* sender = Task(r, "vm.0/s.0");
  ASSERT_NE(sender, nullptr);
  // Acknowledged long before the sleeps end (400 ms); the sleepers still sleep them out.
  EXPECT_LT(sender->exited_ns, 300 * kMs);
  for (int i = 0; i < 4; ++i) {
    const TaskResult* v = Task(r, "vm.0/v." + std::to_string(i));
    ASSERT_NE(v, nullptr);
    EXPECT_GE(v->exited_ns, 400 * kMs);
    EXPECT_GE(v->cpu_ns, 100000);  // the handler's CPU time
  }
}

// A request followed by a wait for its answer, answered with WAITING_ONLY (dropped unless the
// requester waits): the answer must never be lost, whichever thread runs first.
TEST(ThreadRuntimeTest, AnswersToAWaitingRequesterAreNotDropped) {
  const RunResult r = RunText(R"pb(
    name: "rpc"
    duration_ns: 20000000000
    process {
      name: "p"
      group {
        name: "client"
        program {
          loop {
            count: 300
            body { run { fixed_ns: 2000 } }
            body { wake { group: "server" } }
            body { wait: true }
          }
        }
      }
      group {
        name: "server"
        program {
          loop {
            count: 300
            body { wait: true }
            body { run { fixed_ns: 1000 } }
            body { wake { group: "client" pick: WAITING_ONLY } }
          }
        }
      }
    })pb");
  EXPECT_FALSE(r.stopped_by_duration) << "a client lost its answer and waited until the stop";
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_GE(r.instances[0].completed_ns, 0);
}

TEST(ThreadRuntimeTest, DurationStopsAForeverLoop) {
  const RunResult r = RunText(R"pb(
    name: "forever"
    duration_ns: 50000000
    process {
      name: "p"
      group {
        name: "g"
        program {
          loop {
            count: 0
            body { run { fixed_ns: 100000 } }
            body { wait: true }
          }
        }
      }
      group {
        name: "w"
        program {
          loop {
            count: 0
            body { sleep { fixed_ns: 1000000 } }
            body { wake { group: "g" } }
          }
        }
      }
    })pb");
  EXPECT_TRUE(r.stopped_by_duration);
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_EQ(r.instances[0].completed_ns, -1);
  EXPECT_GE(r.end_ns, 50 * kMs);
}

// The calling thread sleeps while the workload runs: in the guest a thread that woke every
// millisecond would take CPU time and scheduler placements the simulator's run does not have.
TEST(ThreadRuntimeTest, TheCallerSleepsThroughTheRun) {
  rusage before{}, after{};
  getrusage(RUSAGE_THREAD, &before);
  const RunResult r = RunText(R"pb(
    name: "napper"
    process {
      name: "p"
      group {
        name: "g"
        program { sleep { fixed_ns: 200000000 } }
      }
    })pb");
  getrusage(RUSAGE_THREAD, &after);
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_GE(r.instances[0].completed_ns, 200 * kMs);
  // A 1 ms poll would switch out about 200 times; waiting for the end, a handful (the join).
  EXPECT_LT(after.ru_nvcsw - before.ru_nvcsw, 20);
}

int ThreadsOfThisProcess() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

// A task's thread is created at its start, as the simulator creates the task then: made up front,
// each would be a placement of a new task at once and a sleeper woken at its start. The caller
// gets its scheduling policy back afterwards (it may run as SCHED_FIFO while it creates them).
TEST(ThreadRuntimeTest, ThreadsAreCreatedWhenTheirTasksStart) {
  const int before = ThreadsOfThisProcess();
  const int policy_before = sched_getscheduler(0);
  int during = -1;
  std::thread watcher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    during = ThreadsOfThisProcess();
  });
  const RunResult r = RunText(R"pb(
    name: "late"
    process {
      name: "p"
      instances: 1
      arrival { at_ns: 400000000 }
      group {
        name: "g"
        count: 3
        program { sleep { fixed_ns: 10000000 } }
      }
    })pb");
  watcher.join();
  ASSERT_EQ(r.instances.size(), 1u);
  EXPECT_GE(r.instances[0].completed_ns, 400 * kMs);
  // 150 ms in: the caller and the watcher only; the three tasks' threads come at 400 ms.
  EXPECT_EQ(during, before + 1);
  EXPECT_EQ(sched_getscheduler(0), policy_before);
  for (const TaskResult& t : r.tasks) EXPECT_GE(t.created_ns, 400 * kMs) << t.name;
}

// A task whose start comes after the run's stop never gets a thread: it ends with no CPU time
// (not the creating thread's) and its instance incomplete.
TEST(ThreadRuntimeTest, TasksThatNeverStartedHaveNoCpuTime) {
  const RunResult r = RunText(R"pb(
    name: "cut"
    duration_ns: 50000000
    process {
      name: "early"
      group {
        name: "spin"
        program {
          loop {
            count: 0
            body { run { fixed_ns: 1000000 } }
          }
        }
      }
    }
    process {
      name: "late"
      arrival { at_ns: 400000000 }
      group {
        name: "g"
        program { run { fixed_ns: 1000000 } }
      }
    })pb");
  EXPECT_TRUE(r.stopped_by_duration);
  const TaskResult* early = nullptr;
  const TaskResult* late = nullptr;
  for (const TaskResult& t : r.tasks) (t.name.rfind("late", 0) == 0 ? late : early) = &t;
  ASSERT_NE(early, nullptr);
  ASSERT_NE(late, nullptr);
  EXPECT_GT(early->cpu_ns, 10 * kMs);  // it ran until the stop
  EXPECT_EQ(late->cpu_ns, 0);
  for (const InstanceResult& i : r.instances) EXPECT_EQ(i.completed_ns, -1);
}

// Poisson arrivals and start delays come from the simulator's streams: the same instants.
TEST(ThreadRuntimeTest, ArrivalsAreTheSimulatorsArrivals) {
  constexpr char kArrivals[] = R"pb(
    name: "arrivals"
    process {
      name: "a"
      instances: 5
      arrival { poisson_mean_gap_ns: 2000000 }
      group {
        name: "g"
        program { run { fixed_ns: 10000 } }
      }
    }
    process {
      name: "b"
      instances: 3
      arrival { poisson_mean_gap_ns: 3000000 }
      group {
        name: "g"
        program { run { fixed_ns: 10000 } }
      }
    })pb";
  const RunResult r = RunText(kArrivals, 7);
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/arrivals.textpb";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(kArrivals, f);
    std::fclose(f);
  }
  sim::RunConfig c;
  c.policy = "eevdf";
  c.workload = path;
  c.topology = "2";
  c.seed = 7;
  auto sim = sim::RunSimulation(c);
  ASSERT_TRUE(sim.ok()) << sim.status();
  std::vector<std::tuple<int, int, int64_t>> want, got;
  for (const sim::InstanceMetrics& m : (*sim)->sim->result().instances)
    want.emplace_back(m.process, m.instance, m.arrival);
  for (const InstanceResult& i : r.instances) got.emplace_back(i.process, i.instance, i.arrival_ns);
  EXPECT_EQ(got, want);
}

// Each sleep is kept with its deadline and return (what the guest matches with its trace to
// measure its timers' lateness, sleep_lateness.h).
TEST(ThreadRuntimeTest, KeepsEachSleepsDeadlineAndReturn) {
  const RunResult r = RunText(R"pb(
    name: "sleeper"
    process {
      name: "p"
      group {
        name: "s"
        program {
          loop {
            count: 3
            body { sleep { fixed_ns: 2000000 } }
            body { run { fixed_ns: 100000 } }
          }
        }
      }
    }
  )pb");
  const TaskResult* t = Task(r, "p.0/s.0");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->sleeps.size(), 3u);
  for (size_t i = 0; i < t->sleeps.size(); ++i) {
    const SleepSpan& s = t->sleeps[i];
    EXPECT_EQ(s.due_ns - s.start_ns, 2 * kMs);
    EXPECT_GE(s.end_ns, s.due_ns);
    if (i > 0) EXPECT_GE(s.start_ns, t->sleeps[i - 1].end_ns);
  }
}

}  // namespace
}  // namespace scxtwin::runner
