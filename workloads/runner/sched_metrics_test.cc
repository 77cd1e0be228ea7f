// The trace statistics both twins are measured with: on a hand-written kernel trace, and on a
// simulated run, where they must agree with the simulator's own counts.
#include "workloads/runner/sched_metrics.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "sim/run/runner.h"

namespace scxtwin::runner {
namespace {

// Kernel-format lines (microsecond timestamps). Task 10 runs on CPU 0, sleeps, is woken and runs
// on CPU 0 again (on its previous CPU, 20 us later); sleeps, is woken, migrates to CPU 1 and runs
// 100 us later; is preempted (R); a wake of a task on its CPU is no wakeup. Task 99 is not tracked.
constexpr char kTrace[] = R"(# tracer: nop
#
# entries-in-buffer/entries-written: 12/12   #P:2
          <idle>-0       [000] d..2.   100.000000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=w next_pid=10 next_prio=120
               w-10      [000] d..2.   100.000100: sched_switch: prev_comm=w prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
          <idle>-0       [001] d.h2.   100.001000: sched_waking: comm=w pid=10 prio=120 target_cpu=000
          <idle>-0       [000] d..2.   100.001020: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=w next_pid=10 next_prio=120
               w-10      [000] d..2.   100.002000: sched_switch: prev_comm=w prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
               x-99      [001] d..2.   100.003000: sched_waking: comm=x pid=99 prio=120 target_cpu=001
               x-99      [001] d..2.   100.003000: sched_waking: comm=w pid=10 prio=120 target_cpu=000
               x-99      [001] d..2.   100.003000: sched_migrate_task: comm=w pid=10 prio=120 orig_cpu=0 dest_cpu=1
               x-99      [001] d..2.   100.003100: sched_switch: prev_comm=x prev_pid=99 prev_prio=120 prev_state=S ==> next_comm=w next_pid=10 next_prio=120
               x-99      [001] d..2.   100.003200: sched_waking: comm=w pid=10 prio=120 target_cpu=001
               w-10      [001] d..2.   100.004000: sched_switch: prev_comm=w prev_pid=10 prev_prio=120 prev_state=R+ ==> next_comm=x next_pid=99 next_prio=120
)";

TEST(SchedMetricsTest, ReadsAKernelTrace) {
  std::istringstream in(kTrace);
  const SchedMetrics m = ReadSchedMetrics(in, [](int64_t pid) { return pid == 10; });
  EXPECT_EQ(m.wakeups, 2);
  ASSERT_EQ(m.wake_latency_ns.size(), 2u);
  EXPECT_EQ(m.wake_latency_ns[0], 20000);
  EXPECT_EQ(m.wake_latency_ns[1], 100000);
  EXPECT_EQ(m.with_prev_cpu, 2);
  EXPECT_EQ(m.on_prev_cpu, 1);
  EXPECT_EQ(m.migrations, 1);
  EXPECT_EQ(m.switch_ins, 3);
  EXPECT_EQ(m.preempted, 1);
  EXPECT_EQ(m.Quantile(0.5), 100000);
  // On CPU 0: 100 us, then 980 us; on CPU 1: 900 us (switch-in at .003100 to out at .004000).
  EXPECT_EQ(m.cpu_busy_ns, (std::vector<int64_t>{1080000, 900000}));
  // Each wakeup with its CPU, whether an interrupt woke it ('h'), and the CPU's switches so far.
  ASSERT_EQ(m.wake_events.size(), 2u);
  EXPECT_EQ(m.wake_events[0].pid, 10);
  EXPECT_EQ(m.wake_events[0].ts_ns, 100001000000);
  EXPECT_EQ(m.wake_events[0].cpu, 1);
  EXPECT_TRUE(m.wake_events[0].in_irq);
  EXPECT_EQ(m.wake_events[0].cpu_switches, 0);
  EXPECT_FALSE(m.wake_events[1].in_irq);
  EXPECT_EQ(m.wake_events[1].cpu_switches, 0);  // CPU 1's first switch comes after it
}

// On a simulated run the trace reader counts what the simulator counted itself.
TEST(SchedMetricsTest, AgreesWithTheSimulatorsOwnCounts) {
  sim::RunConfig c;
  c.policy = "eevdf";
  c.workload = std::string(std::getenv("TEST_SRCDIR")) + "/scxtwin/workloads/messaging.textpb";
  c.topology = "4";
  c.ftrace = std::string(std::getenv("TEST_TMPDIR")) + "/run.txt";
  auto run = sim::RunSimulation(c);
  ASSERT_TRUE(run.ok()) << run.status();
  std::ifstream in(c.ftrace);
  const SchedMetrics m = ReadSchedMetrics(in, [](int64_t pid) { return pid > 0; });
  int64_t wakeups = 0, migrations = 0, switches = 0;
  for (const sim::Task& t : (*run)->sim->tasks()) {
    wakeups += t.m.wakeups;
    for (int d = 1; d < 5; ++d) migrations += t.m.migrations[d];
    switches += t.m.nr_switches;
  }
  EXPECT_GT(m.wakeups, 100);
  EXPECT_EQ(m.wakeups, wakeups);
  EXPECT_EQ(m.migrations, migrations);
  EXPECT_EQ(m.switch_ins, switches);
  EXPECT_EQ(static_cast<int64_t>(m.wake_latency_ns.size()), m.wakeups);
}

}  // namespace
}  // namespace scxtwin::runner
