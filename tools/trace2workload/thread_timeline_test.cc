#include "tools/trace2workload/thread_timeline.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/trace2workload/trace_stats.h"

namespace scxtwin::trace2workload {
namespace {

std::string TestData(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/scxtwin/tools/trace2workload/testdata/", name);
}

// Steps as a compact string so a test reads like the program it expects.
std::string Show(const std::vector<Step>& program) {
  std::string s;
  for (const Step& step : program) {
    switch (step.kind) {
      case Step::kRun:
        absl::StrAppend(&s, "run ", step.ns / 1000, "us; ");
        break;
      case Step::kSleep:
        absl::StrAppend(&s, "sleep ", step.ns / 1000, "us; ");
        break;
      case Step::kWait:
        absl::StrAppend(&s, "wait(", step.peer, "); ");
        break;
      case Step::kWake:
        absl::StrAppend(&s, "wake ", step.peer, "; ");
        break;
      case Step::kFork:
        absl::StrAppend(&s, "fork ", step.peer, "; ");
        break;
      case Step::kExit:
        absl::StrAppend(&s, "exit; ");
        break;
    }
  }
  return s;
}

TreeTrace Tiny() {
  auto events = ReadFtraceFile(TestData("tiny_boot.trace"));
  EXPECT_TRUE(events.ok()) << events.status();
  auto tree = ExtractTree(*events, "vmm");
  EXPECT_TRUE(tree.ok()) << tree.status();
  return *tree;
}

TEST(ExtractTree, HandMadeTraceGivesTheExpectedPrograms) {
  TreeTrace tree = Tiny();
  EXPECT_EQ(tree.root_pid, 200);
  EXPECT_EQ(tree.root_filename, "/usr/bin/vmm");
  EXPECT_EQ(tree.start_ns, 10000100000);
  EXPECT_EQ(tree.end_ns, 10002990000);  // the last sched_process_exit of the tree
  ASSERT_EQ(tree.threads.size(), 2u);   // bash and "Web Content" are not in the tree

  const ThreadTrace& root = tree.threads[0];
  EXPECT_EQ(root.tid, 200);
  EXPECT_EQ(root.parent_tid, 0);
  // The irq-context wakeup at 10.002650 comes after the timer already woke 200: ignored.
  EXPECT_EQ(Show(root.program),
            "run 200us; fork 201; run 200us; wake 201; run 100us; sleep 2000us; run 110us; "
            "exit; ");
  EXPECT_EQ(root.cpu_ns, 610000);
  EXPECT_EQ(root.oncpu_ns, (std::vector<int64_t>{500000, 110000}));
  EXPECT_EQ(root.burst_ns, (std::vector<int64_t>{500000, 110000}));
  EXPECT_EQ(root.waits, 0);
  EXPECT_EQ(root.timed_sleeps, 1);
  EXPECT_TRUE(root.exited);

  const ThreadTrace& child = tree.threads[1];
  EXPECT_EQ(child.tid, 201);
  EXPECT_EQ(child.parent_tid, 200);
  EXPECT_EQ(child.start_ns, 10000300000);
  // The preemption at 10.001520 (R+) does not split the burst: the CPU need is one 2400 us run.
  EXPECT_EQ(Show(child.program), "run 100us; wait(200); run 2400us; exit; ");
  EXPECT_EQ(child.oncpu_ns, (std::vector<int64_t>{100000, 1000000, 1400000}));
  EXPECT_EQ(child.burst_ns, (std::vector<int64_t>{100000, 2400000}));
  EXPECT_EQ(child.waits, 1);
}

TEST(ExtractTree, UnknownRootListsTheExecsSeen) {
  auto events = ReadFtraceFile(TestData("tiny_boot.trace"));
  ASSERT_TRUE(events.ok());
  auto tree = ExtractTree(*events, "qemu-system-x86_64");
  ASSERT_FALSE(tree.ok());
  EXPECT_NE(tree.status().message().find("qemu-system-x86_64"), std::string::npos);
  EXPECT_NE(tree.status().message().find("/usr/bin/vmm"), std::string::npos) << tree.status();
}

TEST(ExtractTree, RootMatchesFullPathToo) {
  auto events = ReadFtraceFile(TestData("tiny_boot.trace"));
  ASSERT_TRUE(events.ok());
  auto tree = ExtractTree(*events, "/usr/bin/vmm");
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->root_pid, 200);
}

// With sched_waking in the trace the waker is the task that printed it, and sched_wakeup
// (printed where the wakee lands, here in another task's context) is not used for wakers.
TEST(ExtractTree, PrefersSchedWakingForWakers) {
  auto events = ParseFtraceText(
      R"(a-1 [000] ..... 1.000000: sched_process_exec: filename=/bin/a pid=1 old_pid=1
a-1 [000] ..... 1.000010: sched_process_fork: comm=a pid=1 child_comm=a child_pid=2
<idle>-0 [001] d..2. 1.000020: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=2 next_prio=120
a-2 [001] d..2. 1.000030: sched_switch: prev_comm=a prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
a-1 [000] d..2. 1.000050: sched_waking: comm=a pid=2 prio=120 target_cpu=001
x-9 [001] d..2. 1.000051: sched_wakeup: comm=a pid=2 prio=120 target_cpu=001
a-1 [000] ..... 1.000060: sched_process_exit: comm=a pid=1 prio=120 group_dead=false
a-1 [000] d..2. 1.000061: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=R ==> next_comm=swapper/0 next_pid=0 next_prio=120
)",
      "inline");
  ASSERT_TRUE(events.ok()) << events.status();
  auto tree = ExtractTree(*events, "a");
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_TRUE(tree->wakers_from_waking);
  ASSERT_EQ(tree->threads.size(), 2u);
  // An exiting task's last switch-out ends it even when it shows R (preempted while exiting).
  EXPECT_EQ(Show(tree->threads[0].program), "run 10us; fork 2; run 40us; wake 2; run 11us; exit; ");
  // Thread 2 never ran again: its program ends at the end of the trace.
  EXPECT_EQ(Show(tree->threads[1].program), "run 10us; wait(1); ");
  EXPECT_FALSE(tree->threads[1].exited);
}

// Lost sched_switch lines (the shared traces lose about one in ten): a switch-in lost after a
// wakeup on an idle CPU, and a switch-out lost when the CPU went idle.
TEST(ExtractTree, ReconstructsStretchesWhoseSwitchesWereLost) {
  auto events = ParseFtraceText(
      R"(a-1 [000] ..... 1.000000: sched_process_exec: filename=/bin/a pid=1 old_pid=1
a-1 [000] ..... 1.000010: sched_process_fork: comm=a pid=1 child_comm=a child_pid=2
a-1 [000] d..2. 1.000020: sched_wakeup_new: comm=a pid=2 prio=120 target_cpu=001
<idle>-0 [001] d..2. 1.000030: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=2 next_prio=120
a-2 [001] d..2. 1.000050: sched_switch: prev_comm=a prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
<idle>-0 [001] dNh2. 1.000100: sched_wakeup: comm=a pid=2 prio=120 target_cpu=001
a-2 [001] d..2. 1.000400: sched_switch: prev_comm=a prev_pid=2 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
a-1 [000] d..2. 1.000500: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=R ==> next_comm=b next_pid=9 next_prio=120
b-9 [000] d..2. 1.000600: sched_switch: prev_comm=b prev_pid=9 prev_prio=120 prev_state=S ==> next_comm=a next_pid=1 next_prio=120
a-1 [000] dN.2. 1.000700: sched_wakeup: comm=x pid=50 prio=120 target_cpu=000
<idle>-0 [000] dNh2. 1.000900: sched_wakeup: comm=y pid=51 prio=120 target_cpu=000
<idle>-0 [000] dNh2. 1.001000: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000
<idle>-0 [000] d..2. 1.001010: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=a next_pid=1 next_prio=120
a-1 [000] ..... 1.001100: sched_process_exit: comm=a pid=1 prio=120 group_dead=false
a-1 [000] d..2. 1.001110: sched_switch: prev_comm=a prev_pid=1 prev_prio=120 prev_state=X ==> next_comm=swapper/0 next_pid=0 next_prio=120
)",
      "inline");
  ASSERT_TRUE(events.ok()) << events.status();
  auto tree = ExtractTree(*events, "a");
  ASSERT_TRUE(tree.ok()) << tree.status();
  ASSERT_EQ(tree->threads.size(), 2u);
  const ThreadTrace& root = tree->threads[0];
  // The switch-out lost between 1.000700 (last line in its context) and 1.000900 (cpu 0 seen
  // idle) ends its burst at 1.000700; the wakeup at 1.001000 ends a 300 us timed block.
  EXPECT_EQ(Show(root.program), "run 10us; fork 2; run 590us; sleep 300us; run 100us; exit; ");
  EXPECT_EQ(root.cpu_ns, 700000);
  EXPECT_EQ(root.oncpu_ns, (std::vector<int64_t>{500000, 100000, 100000}));
  EXPECT_EQ(root.implied_switch_ins, 0);
  const ThreadTrace& child = tree->threads[1];
  // The idle -> 2 switch after the wakeup at 1.000100 is missing: 2 ran from then to 1.000400.
  EXPECT_EQ(Show(child.program), "run 20us; sleep 50us; run 300us; ");
  EXPECT_EQ(child.implied_switch_ins, 1);
  EXPECT_EQ(child.cpu_ns, 320000);
}

TEST(TraceStats, PercentilesAreNearestRank) {
  EXPECT_EQ(Percentile({}, 50), 0);
  EXPECT_EQ(Percentile({5}, 90), 5);
  EXPECT_EQ(Percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(Percentile({4, 1, 3, 2}, 90), 4);
  EXPECT_EQ(Percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90), 9);
}

TEST(TraceStats, LogNormalFit) {
  // ln of 1000 and 4000 average to ln 2000; their standard deviation is ln 2.
  LogNormalFit f = FitLogNormal({1000, 4000, 0});
  EXPECT_EQ(f.median_ns, 2000);
  EXPECT_NEAR(f.sigma, std::log(2.0), 1e-9);
  EXPECT_EQ(f.max_ns, 4000);
  EXPECT_EQ(FitLogNormal({}).median_ns, 0);
}

TEST(TraceStats, TableHasOneRowPerThreadAndTotals) {
  std::string table = FormatStats(Tiny());
  EXPECT_NE(table.find("vmm-200"), std::string::npos) << table;
  EXPECT_NE(table.find("vmm-201"), std::string::npos) << table;
  EXPECT_NE(table.find("2.500"), std::string::npos) << table;  // 201's CPU in ms
  EXPECT_NE(table.find("wall 0.003 s"), std::string::npos) << table;
  // vmm-200's one timed sleep of 2 ms, as a pasteable op.
  EXPECT_NE(table.find("sleep { lognormal { median_ns: 2000000 sigma: 0.00 max_ns: 2000000 } }"),
            std::string::npos)
      << table;
}

}  // namespace
}  // namespace scxtwin::trace2workload
