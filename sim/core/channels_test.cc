// Wake channels, counted waits, spinning waits and acknowledged interrupts
// (workloads/workload.proto: Target.channel, Target.ack, WaitOn): each rule, on the FIFO class
// with free context switches and migrations so that the times are the program's own.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/machine/topology.h"
#include "sim/testing/fixtures.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

constexpr SimDuration kUs = 1000;

struct SimRun {
  std::unique_ptr<WorkloadSpec> spec;
  std::unique_ptr<Topology> topo;
  FifoClass cls;
  std::unique_ptr<Simulator> sim;
  // The task of group `g` (tasks are created in group order, one each, in these specs).
  const Task& task(int g) const { return sim->tasks()[g]; }
};

void RunSpec(const std::string& text, const std::string& cpus, SimRun* r) {
  auto spec = ParseWorkload(text, "channels.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  r->spec = *std::move(spec);
  r->topo = std::make_unique<Topology>(*Topology::Parse(cpus));
  r->sim = std::make_unique<Simulator>(*r->topo, *r->spec, &r->cls, ZeroCost());
  auto s = r->sim->Run();
  ASSERT_TRUE(s.ok()) << s;
  for (const Task& t : r->sim->tasks()) ASSERT_EQ(t.state, TaskState::kExited) << t.name;
}

// `b` waits for two wakes on "ack" while `a` also sends it a wake on the default channel
// first. With one pending count per task that default wake would count towards the two;
// per channel it stays pending for b's later `wait: true`, which then does not block.
TEST(ChannelsTest, WakesCountOnlyOnTheirOwnChannel) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "a"
                program { run { fixed_ns: 10000 } }
                program { wake { group: "b" } }
                program { run { fixed_ns: 10000 } }
                program { wake { group: "b" channel: "ack" } }
                program { run { fixed_ns: 10000 } }
                program { wake { group: "b" channel: "ack" } }
              }
              group {
                name: "b"
                channel: "ack"
                program { wait_on { channel: "ack" count: 2 } }
                program { wait: true }
                program { run { fixed_ns: 5000 } }
              }
            })pb",
          "2", &r);
  const Task& b = r.task(1);
  EXPECT_EQ(b.m.wakeups, 1);                   // only the second ack woke it
  EXPECT_EQ(b.exited_at, 30 * kUs + 5 * kUs);  // the default wake was pending for `wait`
  EXPECT_EQ(b.pending[0], 0);
  EXPECT_EQ(b.pending[1], 0);
}

// Wakes that come before the wait are counted: a wait for 2 with 2 pending does not block.
TEST(ChannelsTest, PendingWakesSatisfyALaterCountedWait) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "a"
                program { wake { group: "b" channel: "c" } }
                program { wake { group: "b" channel: "c" } }
              }
              group {
                name: "b"
                channel: "c"
                program { run { fixed_ns: 50000 } }
                program { wait_on { channel: "c" count: 2 } }
                program { run { fixed_ns: 5000 } }
              }
            })pb",
          "2", &r);
  EXPECT_EQ(r.task(1).m.wakeups, 0);
  EXPECT_EQ(r.task(1).exited_at, 55 * kUs);
}

// An interrupt to a task halted in `sleep` wakes it to acknowledge; it then halts again until
// its own timer. The sender spins meanwhile: it never blocks, and the spin is CPU time.
TEST(ChannelsTest, InterruptWakesAHaltedTargetWhichHaltsAgain) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "a"
                channel: "ack"
                program { run { fixed_ns: 10000 } }
                program { wake { group: "b" ack: "ack" } }
                program { wait_on { channel: "ack" acks: true spin: true } }
                program { run { fixed_ns: 10000 } }
              }
              group {
                name: "b"
                program { sleep { fixed_ns: 100000 } }
                program { run { fixed_ns: 5000 } }
              }
            })pb",
          "2", &r);
  const Task& a = r.task(0);
  const Task& b = r.task(1);
  EXPECT_EQ(a.m.wakeups, 0);          // spun, never blocked
  EXPECT_EQ(b.m.wakeups, 2);          // the interrupt, then its timer
  EXPECT_EQ(b.exited_at, 105 * kUs);  // the halt kept its length
  // b was switched in at once on the idle CPU: a spun for no time and ran its 20 us.
  EXPECT_EQ(a.exited_at, 20 * kUs);
  EXPECT_EQ(a.m.run_ns, 20 * kUs);
}

// A target that is runnable but not running acknowledges only when it gets a CPU: on one CPU
// the spinning sender burns its slice (FIFO: 4 ms) before the target runs, and goes on after.
TEST(ChannelsTest, RunnableTargetAcknowledgesWhenItRuns) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "a"
                channel: "ack"
                program { wake { group: "b" ack: "ack" } }
                program { wait_on { channel: "ack" acks: true spin: true } }
                program { run { fixed_ns: 10000 } }
              }
              group {
                name: "b"
                program { run { fixed_ns: 10000 } }
              }
            })pb",
          "1", &r);
  const Task& a = r.task(0);
  const Task& b = r.task(1);
  EXPECT_GE(a.m.nr_preempted, 1);
  EXPECT_GE(a.m.run_ns, 4000 * kUs);                // the spin was CPU time
  EXPECT_LT(a.m.run_ns, 4000 * kUs + 2000 * kUs);   // up to a tick late
  EXPECT_GT(a.exited_at, b.exited_at);              // b ran (and acked) before a went on
  EXPECT_EQ(a.exited_at, a.m.run_ns + b.m.run_ns);  // one CPU, never idle
}

// A target blocked in `wait` is not woken by an interrupt (a vCPU thread off in user space takes
// it when it re-enters the guest): it acknowledges when its own wake lets it run. A blocking
// (not spinning) collector is woken by the acknowledgement.
TEST(ChannelsTest, WaitingTargetAcknowledgesWhenWoken) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "a"
                channel: "ack"
                program { run { fixed_ns: 10000 } }
                program { wake { group: "b" ack: "ack" } }
                program { wait_on { channel: "ack" acks: true } }
                program { run { fixed_ns: 10000 } }
              }
              group {
                name: "b"
                program { wait: true }
                program { run { fixed_ns: 5000 } }
              }
              group {
                name: "c"
                program { sleep { fixed_ns: 200000 } }
                program { wake { group: "b" } }
              }
            })pb",
          "4", &r);
  const Task& a = r.task(0);
  const Task& b = r.task(1);
  EXPECT_EQ(b.m.wakeups, 1);  // only c's wake
  EXPECT_EQ(a.m.wakeups, 1);  // b's acknowledgement
  EXPECT_EQ(a.exited_at, 210 * kUs);
  EXPECT_EQ(a.m.run_ns, 20 * kUs);
}

// Interrupts to exited targets count as acknowledged; OTHERS leaves the sender out; `acks`
// waits for exactly what was sent (3 others, one of them exited).
TEST(ChannelsTest, OthersAndExitedTargets) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "v"
                count: 4
                channel: "ack"
                program { run { fixed_ns: 10000 } }
                program { sleep { fixed_ns: 50000 } }
                program { wake { group: "v" pick: OTHERS ack: "ack" } }
                program { wait_on { channel: "ack" acks: true spin: true } }
                program { run { fixed_ns: 10000 } }
              }
              group {
                name: "quit"
                program { run { fixed_ns: 1000 } }
              }
            })pb",
          "4", &r);
  for (int i = 0; i < 4; ++i) {
    const Task& v = r.task(i);
    EXPECT_EQ(v.acks_expected[1], 0) << v.name;  // the wait collected every one it sent
    EXPECT_EQ(v.pending[1], 0) << v.name;
    EXPECT_LT(v.exited_at, 200 * kUs) << v.name;
  }
}

// A spinning wait that must wait for a later wake keeps the CPU: the sender burns CPU until the
// wake, and the CPU is not given to anyone else meanwhile.
TEST(ChannelsTest, SpinningWaitIsCpuTimeUntilTheWake) {
  SimRun r;
  RunSpec(R"pb(
            process {
              name: "p"
              group {
                name: "a"
                channel: "go"
                program { wait_on { channel: "go" spin: true } }
                program { run { fixed_ns: 10000 } }
              }
              group {
                name: "b"
                program { sleep { fixed_ns: 300000 } }
                program { wake { group: "a" channel: "go" } }
              }
            })pb",
          "2", &r);
  const Task& a = r.task(0);
  EXPECT_EQ(a.m.wakeups, 0);
  EXPECT_EQ(a.exited_at, 310 * kUs);
  EXPECT_EQ(a.m.run_ns, 310 * kUs);
}

}  // namespace
}  // namespace scxtwin::sim
