// The ftrace text a simulated run writes reads back through trace2workload into the programs
// that produced it (the round trip), and looks like the kernel's own output.
#include "sim/trace/ftrace_text_writer.h"

#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/trace/sample_run.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"

namespace scxtwin::sim::trace {
namespace {

namespace t2w = scxtwin::trace2workload;

std::string Show(const std::vector<t2w::Step>& program) {
  std::string s;
  for (const t2w::Step& step : program) {
    switch (step.kind) {
      case t2w::Step::kRun:
        absl::StrAppend(&s, "run ", step.ns, "; ");
        break;
      case t2w::Step::kSleep:
        absl::StrAppend(&s, "sleep ", step.ns, "; ");
        break;
      case t2w::Step::kWait:
        absl::StrAppend(&s, "wait(", step.peer, "); ");
        break;
      case t2w::Step::kWake:
        absl::StrAppend(&s, "wake ", step.peer, "; ");
        break;
      case t2w::Step::kFork:
        absl::StrAppend(&s, "fork ", step.peer, "; ");
        break;
      case t2w::Step::kExit:
        absl::StrAppend(&s, "exit; ");
        break;
    }
  }
  return s;
}

t2w::TreeTrace ReadBack(const std::string& text) {
  auto events = t2w::ParseFtraceText(text, "simulated");
  EXPECT_TRUE(events.ok()) << events.status();
  auto tree = t2w::ExtractTree(*events, "vmm");
  EXPECT_TRUE(tree.ok()) << tree.status();
  return tree.ok() ? *tree : t2w::TreeTrace{};
}

TEST(FtraceTextWriter, RoundTripThroughTrace2Workload) {
  std::ostringstream out;
  FtraceTextWriter w(&out);
  ASSERT_TRUE(WriteSampleRun(&w).ok());
  t2w::TreeTrace tree = ReadBack(out.str());
  EXPECT_TRUE(tree.wakers_from_waking);
  ASSERT_EQ(tree.threads.size(), 2u) << out.str();
  EXPECT_EQ(tree.threads[0].tid, 10);
  EXPECT_EQ(Show(tree.threads[0].program),
            "run 200000; fork 11; run 200000; wake 11; run 100000; sleep 2000000; run 110000; "
            "exit; ");
  EXPECT_EQ(tree.threads[1].tid, 11);
  EXPECT_EQ(Show(tree.threads[1].program), "run 100000; wait(10); run 2400000; exit; ");
  EXPECT_EQ(tree.threads[1].implied_switch_ins, 0);
}

TEST(FtraceTextWriter, NanosecondOptionKeepsSubMicrosecondTimes) {
  std::ostringstream out;
  FtraceTextWriter w(&out, {.nanoseconds = true});
  ASSERT_TRUE(WriteSampleRun(&w, /*skew_ns=*/7).ok());
  EXPECT_NE(out.str().find("0.000310007: sched_switch"), std::string::npos) << out.str();
  t2w::TreeTrace tree = ReadBack(out.str());
  ASSERT_EQ(tree.threads.size(), 2u);
  EXPECT_EQ(tree.start_ns, 100007);
  EXPECT_EQ(tree.end_ns, 2990007);
}

TEST(FtraceTextWriter, LinesHaveTheKernelLayout) {
  std::ostringstream out;
  FtraceTextWriter w(&out);
  ASSERT_TRUE(WriteSampleRun(&w).ok());
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("# tracer: nop\n", 0), 0u);
  // TASK-PID padded to 16+8 columns, CPU in three digits, microsecond timestamps.
  EXPECT_NE(text.find("             vmm-11      [001] d..2.     0.000410: sched_switch: "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("prev_comm=vmm prev_pid=11 prev_prio=120 prev_state=S ==> "
                      "next_comm=swapper/1 next_pid=0 next_prio=120"),
            std::string::npos);
  EXPECT_NE(text.find("          <idle>-0       [000] dNh2.     0.002600: sched_waking: "
                      "comm=vmm pid=10 prio=120 target_cpu=000"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("task_newtask: pid=11 comm=vmm clone_flags=10000"), std::string::npos);
  EXPECT_NE(text.find("sched_process_exec: filename=/usr/bin/vmm pid=10 old_pid=10"),
            std::string::npos);
  // Finish closes the CPU still running the kworker with a switch to idle.
  EXPECT_NE(text.find("0.003100: sched_switch: prev_comm=kworker/1:1 prev_pid=50 prev_prio=120 "
                      "prev_state=R ==> next_comm=swapper/0 next_pid=0"),
            std::string::npos)
      << text;
}

TEST(FtraceTextWriter, FinishTwiceIsAnError) {
  std::ostringstream out;
  FtraceTextWriter w(&out);
  ASSERT_TRUE(w.Finish(0).ok());
  EXPECT_FALSE(w.Finish(0).ok());
}

TEST(FtraceTextWriter, OpenNamesAPathItCannotCreate) {
  auto w = FtraceTextWriter::Open("/nonexistent-dir/x.trace", {});
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("/nonexistent-dir/x.trace"), std::string::npos);
}

}  // namespace
}  // namespace scxtwin::sim::trace
