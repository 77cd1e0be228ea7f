// Trace import on the real micro-VM boot traces of data/traces (see its README).
#include <google/protobuf/text_format.h>

#include <cstdlib>
#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"
#include "tools/trace2workload/workload_emitter.h"

namespace scxtwin::trace2workload {
namespace {

// The traces are data of this test: runfiles put them at data/traces under the working directory.
std::string TracesDir() { return "data/traces"; }

TreeTrace Import(const std::string& name) {
  std::string path = absl::StrCat(TracesDir(), "/", name);
  auto events = ReadFtraceFile(path);
  EXPECT_TRUE(events.ok()) << events.status();
  if (!events.ok()) return {};
  auto tree = ExtractTree(*events, "qemu-system-x86_64");
  EXPECT_TRUE(tree.ok()) << tree.status();
  return tree.ok() ? *tree : TreeTrace{};
}

// Every wait of a thread has exactly one wake aimed at it by the thread it names, so a replay
// can neither hang on a missing wake nor leave a wake pending.
void ExpectWakesPairWithWaits(const TreeTrace& tree) {
  std::map<std::pair<int, int>, int> wakes;  // (waker, wakee) -> count
  std::map<std::pair<int, int>, int> waits;
  for (const ThreadTrace& t : tree.threads) {
    for (const Step& s : t.program) {
      if (s.kind == Step::kWake) ++wakes[{t.tid, s.peer}];
      if (s.kind == Step::kWait) ++waits[{s.peer, t.tid}];
      if (s.kind == Step::kRun || s.kind == Step::kSleep) {
        EXPECT_GT(s.ns, 0) << t.tid;
      }
    }
  }
  EXPECT_EQ(wakes, waits);
  EXPECT_FALSE(wakes.empty());
}

int64_t RunSum(const ThreadTrace& t) {
  int64_t sum = 0;
  for (const Step& s : t.program) sum += s.kind == Step::kRun ? s.ns : 0;
  return sum;
}

TEST(SharedTraces, MttcgSmp4MatchesItsReadme) {
  TreeTrace tree = Import("boot_mttcg_smp4.trace.gz");
  ASSERT_EQ(tree.threads.size(), 6u);  // main, call_rcu, four vCPUs
  // README: the whole qemu process took 2.94 s.
  EXPECT_NEAR((tree.end_ns - tree.start_ns) / 1e9, 2.94, 0.01);
  const ThreadTrace& main = tree.threads[0];
  // README: the main thread runs ~1600 stretches of ~11 us.
  EXPECT_GT(main.oncpu_ns.size(), 1500u);
  EXPECT_LT(main.oncpu_ns.size(), 1900u);
  // README: four vCPU threads, ~1000 bursts each, p50 ~40 us, p90 ~2-3 ms, >= 0.48 s CPU.
  for (size_t i = 2; i < 6; ++i) {
    const ThreadTrace& vcpu = tree.threads[i];
    EXPECT_GT(vcpu.oncpu_ns.size(), 900u) << vcpu.tid;
    EXPECT_LT(vcpu.oncpu_ns.size(), 1300u) << vcpu.tid;
    EXPECT_GE(vcpu.cpu_ns, 480000000) << vcpu.tid;
    EXPECT_EQ(RunSum(vcpu), vcpu.cpu_ns) << vcpu.tid;
    EXPECT_TRUE(vcpu.exited);
  }
  ExpectWakesPairWithWaits(tree);
}

TEST(SharedTraces, RrSmp2HasOneBusyTcgThread) {
  TreeTrace tree = Import("boot_rr_smp2.trace.gz");
  ASSERT_EQ(tree.threads.size(), 3u);
  EXPECT_NEAR((tree.end_ns - tree.start_ns) / 1e9, 3.30, 0.02);
  // With thread=single one thread runs every vCPU: it holds most of the CPU time.
  int64_t total = 0;
  for (const ThreadTrace& t : tree.threads) total += t.cpu_ns;
  EXPECT_GT(tree.threads[2].cpu_ns, total * 9 / 10);
  ExpectWakesPairWithWaits(tree);
}

TEST(SharedTraces, WorkloadSpecIsValidTextFormat) {
  TreeTrace tree = Import("boot_mttcg_smp4.trace.gz");
  scxtwin::workload::Workload w = ToWorkload(tree, "boot_mttcg_smp4", "boot_mttcg_smp4.trace.gz");
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(w, &text));
  scxtwin::workload::Workload back;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &back));
  ASSERT_EQ(back.process_size(), 1);
  const auto& p = back.process(0);
  EXPECT_EQ(p.name(), "qemu-system-x86_64");
  ASSERT_EQ(p.group_size(), 6);
  EXPECT_FALSE(p.group(0).on_fork());
  for (int i = 1; i < 6; ++i) EXPECT_TRUE(p.group(i).on_fork()) << i;
  // The root's program forks the other five groups.
  int forks = 0;
  for (const auto& op : p.group(0).program()) forks += op.has_fork();
  EXPECT_EQ(forks, 5);
}

}  // namespace
}  // namespace scxtwin::trace2workload
