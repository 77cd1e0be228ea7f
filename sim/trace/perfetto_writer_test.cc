// The binary Perfetto trace: a serialized perfetto.protos.Trace whose per-CPU bundles are in
// time order and end idle, with wakers, thread lifetimes and the process tree.
#include "sim/trace/perfetto_writer.h"

#include <map>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "sim/trace/perfetto_trace.pb.h"
#include "sim/trace/sample_run.h"

namespace scxtwin::sim::trace {
namespace {

using perfetto::protos::FtraceEvent;
using perfetto::protos::Trace;

Trace WriteAndParse(std::string* bytes = nullptr) {
  std::ostringstream out;
  PerfettoWriter w(&out);
  EXPECT_TRUE(WriteSampleRun(&w).ok());
  Trace trace;
  EXPECT_TRUE(trace.ParseFromString(out.str()));
  if (bytes != nullptr) *bytes = out.str();
  return trace;
}

// Every CPU's events, in file order.
std::map<uint32_t, std::vector<FtraceEvent>> ByCpu(const Trace& trace) {
  std::map<uint32_t, std::vector<FtraceEvent>> cpus;
  for (const auto& p : trace.packet()) {
    if (!p.has_ftrace_events()) continue;
    for (const auto& e : p.ftrace_events().event()) cpus[p.ftrace_events().cpu()].push_back(e);
  }
  return cpus;
}

TEST(PerfettoWriter, BundlesPerCpuInTimeOrderEndingIdle) {
  Trace trace = WriteAndParse();
  auto cpus = ByCpu(trace);
  ASSERT_EQ(cpus.size(), 2u);
  for (const auto& [cpu, events] : cpus) {
    for (size_t i = 1; i < events.size(); ++i) {
      EXPECT_LE(events[i - 1].timestamp(), events[i].timestamp()) << "cpu " << cpu;
    }
    const FtraceEvent* last_switch = nullptr;
    for (const auto& e : events) {
      if (e.has_sched_switch()) last_switch = &e;
    }
    ASSERT_NE(last_switch, nullptr);
    EXPECT_EQ(last_switch->sched_switch().next_pid(), 0) << "cpu " << cpu;
  }
  // cpu 0 was left running the kworker: Finish closes it at 3.1 ms, prev_state R.
  const FtraceEvent& close = cpus[0].back();
  ASSERT_TRUE(close.has_sched_switch());
  EXPECT_EQ(close.timestamp(), 3100000u);
  EXPECT_EQ(close.sched_switch().prev_pid(), 50);
  EXPECT_EQ(close.sched_switch().prev_state(), 0);
  EXPECT_EQ(close.sched_switch().next_comm(), "swapper/0");
}

TEST(PerfettoWriter, WakersStatesAndLifetimes) {
  auto cpus = ByCpu(WriteAndParse());
  int wakings = 0, newtasks = 0, frees = 0, dead = 0;
  for (const auto& [cpu, events] : cpus) {
    for (const auto& e : events) {
      if (e.has_sched_waking() && e.sched_waking().pid() == 11) {
        ++wakings;
        EXPECT_EQ(cpu, 0u);
        EXPECT_EQ(e.pid(), 10u);  // the waker: the task running on the waking CPU
        EXPECT_EQ(e.sched_waking().target_cpu(), 1);
      }
      if (e.has_task_newtask()) {
        ++newtasks;
        EXPECT_EQ(e.task_newtask().pid(), 11);
        EXPECT_EQ(e.task_newtask().clone_flags(), 0x10000u);
      }
      frees += e.has_sched_process_free();
      if (e.has_sched_switch() && e.sched_switch().prev_state() == 0x10) ++dead;
      if (e.has_sched_switch() && e.sched_switch().prev_pid() == 11 && e.timestamp() == 410000) {
        EXPECT_EQ(e.sched_switch().prev_state(), 1);  // S
      }
    }
  }
  EXPECT_EQ(wakings, 1);
  EXPECT_EQ(newtasks, 1);
  EXPECT_EQ(frees, 1);
  EXPECT_EQ(dead, 2);
}

TEST(PerfettoWriter, ProcessTreeNamesProcessesAndThreads) {
  Trace trace = WriteAndParse();
  const perfetto::protos::ProcessTree* tree = nullptr;
  for (const auto& p : trace.packet()) {
    if (p.has_process_tree()) tree = &p.process_tree();
  }
  ASSERT_NE(tree, nullptr);
  ASSERT_EQ(tree->processes_size(), 2);
  EXPECT_EQ(tree->processes(1).pid(), 50);
  EXPECT_EQ(tree->processes(0).pid(), 10);
  EXPECT_EQ(tree->processes(0).ppid(), 1);
  EXPECT_EQ(tree->processes(0).cmdline(0), "/usr/bin/vmm -smp 1");
  ASSERT_EQ(tree->threads_size(), 3);
  EXPECT_EQ(tree->threads(1).tid(), 11);
  EXPECT_EQ(tree->threads(1).tgid(), 10);
  EXPECT_EQ(tree->threads(1).name(), "vmm");
  EXPECT_EQ(tree->threads(2).name(), "kworker/1:1");
}

TEST(PerfettoWriter, SameRunSameBytes) {
  std::string a, b;
  WriteAndParse(&a);
  WriteAndParse(&b);
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a.empty());
}

TEST(PerfettoWriter, LongRunsSplitIntoBundlesAndLoseNothing) {
  std::ostringstream out;
  PerfettoWriter w(&out);
  const TaskInfo a{7, 7, "a", 120}, b{8, 8, "b", 120};
  const int switches = 3 * PerfettoWriter::kBundleEvents + 5;
  for (int i = 0; i < switches; ++i) {
    w.Switch(i * 1000, 2, i % 2 ? &a : &b, PrevState::kRunnable, i % 2 ? &b : &a);
  }
  ASSERT_TRUE(w.Finish(switches * 1000).ok());
  Trace trace;
  ASSERT_TRUE(trace.ParseFromString(out.str()));
  int bundles = 0, events = 0;
  uint64_t last = 0;
  for (const auto& p : trace.packet()) {
    if (!p.has_ftrace_events()) continue;
    ++bundles;
    EXPECT_EQ(p.ftrace_events().cpu(), 2u);
    EXPECT_LE(p.ftrace_events().event_size(), PerfettoWriter::kBundleEvents);
    for (const auto& e : p.ftrace_events().event()) {
      EXPECT_GE(e.timestamp(), last);
      last = e.timestamp();
      ++events;
    }
  }
  EXPECT_EQ(bundles, 4);
  EXPECT_EQ(events, switches + 1);  // + the closing switch to idle
}

TEST(PerfettoWriter, OpenNamesAPathItCannotCreate) {
  auto w = PerfettoWriter::Open("/nonexistent-dir/x.perfetto-trace");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("/nonexistent-dir/x.perfetto-trace"), std::string::npos);
}

}  // namespace
}  // namespace scxtwin::sim::trace

namespace scxtwin::sim::trace {
namespace {

// Found by //tests/fuzz:perfetto_fuzz: a comm cut at 15 bytes inside a multi-byte character, or
// with a byte that is not UTF-8, made a string field Perfetto cannot read (protobuf logged
// "invalid UTF-8"). Comms are cut at a character boundary and bad bytes become '?'.
TEST(PerfettoWriter, CommsAreUtf8AndAtMost15Bytes) {
  std::ostringstream out;
  PerfettoWriter w(&out);
  TaskInfo accented{
      .pid = 7, .tgid = 7, .comm = "abcdefghijklm\xc3\xa9\xc3\xa9"};  // "...é" ends at byte 15
  TaskInfo euro{
      .pid = 8, .tgid = 8, .comm = "abcdefghijklmn\xe2\x82\xac"};  // the € would end at 17
  TaskInfo bad{.pid = 9,
               .tgid = 9,
               .comm =
                   "a\xff"
                   "b\xc3"};  // a stray byte, a cut one
  w.Waking(10, 0, accented, 0, false);
  w.Waking(20, 0, euro, 0, false);
  w.Waking(30, 0, bad, 0, false);
  w.Process(9, 1, "vm\xff");
  ASSERT_TRUE(w.Finish(40).ok());
  Trace trace;
  ASSERT_TRUE(trace.ParseFromString(out.str()));
  std::vector<std::string> comms;
  for (const auto& p : trace.packet()) {
    for (const auto& e : p.ftrace_events().event()) {
      if (e.has_sched_waking()) comms.push_back(e.sched_waking().comm());
    }
  }
  EXPECT_EQ(comms, (std::vector<std::string>{"abcdefghijklm\xc3\xa9", "abcdefghijklmn", "a?b?"}));
  std::vector<std::string> cmdlines;
  for (const auto& p : trace.packet()) {
    for (const auto& proc : p.process_tree().processes())
      cmdlines.insert(cmdlines.end(), proc.cmdline().begin(), proc.cmdline().end());
  }
  EXPECT_EQ(cmdlines, (std::vector<std::string>{"vm?"}));
}

}  // namespace
}  // namespace scxtwin::sim::trace
