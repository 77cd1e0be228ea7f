// The acceptance check for the baseline: a real micro-VM boot imported with
// trace2workload and replayed under the fair class on a 2-CPU machine (the host it was traced
// on) completes within 15% of the traced wall time (data/traces/README.md).
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/fair/fair_class.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"
#include "tools/trace2workload/workload_emitter.h"

namespace scxtwin::sim::fair {
namespace {

// The traces are data of this test: runfiles put them at data/traces under the working directory.
std::string TracesDir() { return "data/traces"; }

double ReplaySeconds(const std::string& trace, int64_t* traced_ns) {
  auto events = trace2workload::ReadFtraceFile(absl::StrCat(TracesDir(), "/", trace));
  EXPECT_TRUE(events.ok()) << events.status();
  if (!events.ok()) return -1;
  auto tree = trace2workload::ExtractTree(*events, "qemu-system-x86_64");
  EXPECT_TRUE(tree.ok()) << tree.status();
  *traced_ns = tree->end_ns - tree->start_ns;
  std::string text;
  google::protobuf::TextFormat::PrintToString(trace2workload::ToWorkload(*tree, trace, trace),
                                              &text);
  auto spec = ParseWorkload(text, trace);
  EXPECT_TRUE(spec.ok()) << spec.status();
  if (!spec.ok()) return -1;
  auto topo = Topology::Parse("2");
  FairClass cls;
  // No host effects: the replayed bursts are the traced host's own run times, which already
  // hold its idle exits, SMT contention and frequency.
  SimOptions options;
  options.costs.effects.idle_exit = options.costs.effects.smt = options.costs.effects.freq = false;
  options.costs.effects.halt_poll = options.costs.effects.tick_cost = false;
  Simulator sim(*topo, **spec, &cls, options);
  absl::Status s = sim.Run();
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(sim.result().instances.size(), 1u);
  const InstanceMetrics& im = sim.result().instances[0];
  EXPECT_GE(im.completed, 0) << "the replay did not finish";
  std::printf("%s: traced %.3f s, replayed under eevdf on 2 CPUs %.3f s (%+.1f%%)\n", trace.c_str(),
              *traced_ns / 1e9, (im.completed - im.arrival) / 1e9,
              100.0 * ((im.completed - im.arrival) - *traced_ns) / *traced_ns);
  return (im.completed - im.arrival) / 1e9;
}

TEST(TraceReplay, MttcgSmp4WithinFifteenPercent) {
  int64_t traced = 0;
  const double s = ReplaySeconds("boot_mttcg_smp4.trace.gz", &traced);
  EXPECT_NEAR(s, traced / 1e9, 0.15 * traced / 1e9);
}

TEST(TraceReplay, RrSmp2WithinFifteenPercent) {
  int64_t traced = 0;
  const double s = ReplaySeconds("boot_rr_smp2.trace.gz", &traced);
  EXPECT_NEAR(s, traced / 1e9, 0.15 * traced / 1e9);
}

}  // namespace
}  // namespace scxtwin::sim::fair
