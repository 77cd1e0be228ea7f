// What trace2workload emits loads as a workload spec (the simulator's loader accepts it).
#include "tools/trace2workload/workload_emitter.h"

#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "sim/workload/spec.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"

namespace scxtwin::trace2workload {
namespace {

absl::Status EmitAndLoad(const std::string& trace, const std::string& root) {
  auto events = ParseFtraceText(trace, "inline");
  if (!events.ok()) return events.status();
  auto tree = ExtractTree(*events, root);
  if (!tree.ok()) return tree.status();
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(ToWorkload(*tree, "t", "inline"), &text)) {
    return absl::InternalError("print");
  }
  return scxtwin::sim::ParseWorkload(text, "emitted.textpb").status();
}

// Found by //tests/fuzz:ftrace_fuzz: a thread forked but never seen running had an empty
// program, which the loader refuses ("program: is empty"). It now exits at once.
TEST(WorkloadEmitter, ThreadThatNeverRanLoads) {
  const std::string trace =
      "a-1 [000] ..... 1.000000: sched_process_exec: filename=/bin/a pid=1 old_pid=1\n"
      "a-1 [000] ..... 1.000010: sched_process_fork: comm=a pid=1 child_comm=a child_pid=2\n";
  EXPECT_TRUE(EmitAndLoad(trace, "a").ok()) << EmitAndLoad(trace, "a");
}

// Found by //tests/fuzz:ftrace_fuzz in a CI run: a root whose file name ends in a slash
// ("/bina/") gave the process an empty name, which the loader refuses.
TEST(WorkloadEmitter, RootFileNameEndingInASlashStillNamesTheProcess) {
  const std::string trace =
      "a-1 [000] ..... 1.000000: sched_process_exec: filename=/bina/ pid=1 old_pid=1\n"
      "a-1 [000] ..... 1.000010: sched_process_exit: comm=a pid=1 prio=120\n";
  ASSERT_TRUE(EmitAndLoad(trace, "/bina/").ok()) << EmitAndLoad(trace, "/bina/");
  auto events = ParseFtraceText(trace, "inline");
  ASSERT_TRUE(events.ok());
  auto tree = ExtractTree(*events, "/bina/");
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(ToWorkload(*tree, "t", "inline").process(0).name(), "bina");
  tree->root_filename = "/";
  EXPECT_EQ(ToWorkload(*tree, "t", "inline").process(0).name(), "pid1");
}

// Found by //tests/fuzz:ftrace_fuzz in a CI run: a root exec'd with pid 0 gave its child parent
// tid 0, the mark of the root, so the child's group was not on_fork and the root's fork of it
// was refused ("is not an on_fork group").
TEST(WorkloadEmitter, ChildOfARootWithPidZeroIsForked) {
  const std::string trace =
      "a-1 [000] ..... 1.000000: sched_process_exec: filename=/bin/a pid=0 old_pid=0\n"
      "a-0 [000] ..... 1.000009: sched_process_fork: comm=a pid=0 child_comm=a child_pid=2\n";
  EXPECT_TRUE(EmitAndLoad(trace, "a").ok()) << EmitAndLoad(trace, "a");
}

}  // namespace
}  // namespace scxtwin::trace2workload
