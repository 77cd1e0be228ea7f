// A simulated run written as ftrace text (--ftrace) reads back through trace2workload into
// the programs that ran: each thread's CPU time, forks and who woke whom; replaying the
// imported spec under the same class and costs reproduces the run's completion time.
#include <google/protobuf/text_format.h>

#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "sim/core/sched_tracer.h"
#include "sim/core/simulator.h"
#include "sim/fair/fair_class.h"
#include "sim/testing/fixtures.h"
#include "sim/trace/ftrace_text_writer.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"
#include "tools/trace2workload/workload_emitter.h"

namespace scxtwin {
namespace {

constexpr char kVmm[] = R"pb(
  name: "vmm_boot"
  process {
    name: "vmm"
    group {
      name: "main"
      program { run { fixed_ns: 200000 } }
      program { fork { group: "vcpu" count: 2 } }
      program {
        loop {
          count: 40
          body { run { exponential { mean_ns: 30000 } } }
          body { wake { group: "vcpu" pick: NEXT } }
          body { sleep { exponential { mean_ns: 100000 } } }
        }
      }
      program { run { fixed_ns: 50000 } }
    }
    group {
      name: "vcpu"
      on_fork: true
      program {
        loop {
          count: 15
          body { wait: true }
          body { run { lognormal { median_ns: 40000 sigma: 1.5 max_ns: 3000000 } } }
        }
      }
    }
  })pb";

// The shared cost-free options, on a fixed seed so that the original and its replay draw alike.
sim::SimOptions ZeroCostSeed3() {
  sim::SimOptions o = sim::ZeroCost();
  o.seed = 3;
  return o;
}

TEST(SimFtraceRoundTrip, ImportedRunReplaysTheSame) {
  auto spec = sim::ParseWorkload(kVmm, "vmm.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  sim::Topology topo = sim::Topology::Make(1, 1, 2, 1);
  std::ostringstream text;
  sim::trace::FtraceTextWriter writer(&text, {.nanoseconds = true});
  sim::SimOptions opts = ZeroCostSeed3();
  sim::SchedTracer tracer(&writer, **spec);
  opts.observer = &tracer;
  sim::fair::FairClass cls;
  sim::Simulator original(topo, **spec, &cls, opts);
  ASSERT_TRUE(original.Run().ok());
  ASSERT_TRUE(writer.Finish(original.result().end_time).ok());
  const sim::SimTime done = original.result().instances[0].completed;
  ASSERT_GT(done, 0);

  auto events = trace2workload::ParseFtraceText(text.str(), "simulated");
  ASSERT_TRUE(events.ok()) << events.status();
  auto tree = trace2workload::ExtractTree(*events, "vmm");
  ASSERT_TRUE(tree.ok()) << tree.status();
  ASSERT_EQ(tree->threads.size(), 3u);
  EXPECT_EQ(tree->end_ns - tree->start_ns, done);
  for (size_t i = 0; i < 3; ++i) {
    const trace2workload::ThreadTrace& t = tree->threads[i];
    const sim::Task& task = original.tasks()[t.tid - 1];  // pid = id + 1
    EXPECT_EQ(t.cpu_ns, task.m.run_ns) << task.name;
    EXPECT_EQ(t.implied_switch_ins, 0) << task.name;
    EXPECT_TRUE(t.exited) << task.name;
  }
  // The vCPUs were woken only by main, and every block of theirs was such a wait.
  EXPECT_EQ(tree->threads[1].timed_sleeps + tree->threads[2].timed_sleeps, 0);
  EXPECT_GT(tree->threads[1].waits, 0);

  // Replay the imported spec: same machine, class and costs.
  std::string spec_text;
  google::protobuf::TextFormat::PrintToString(trace2workload::ToWorkload(*tree, "replay", "sim"),
                                              &spec_text);
  auto replay_spec = sim::ParseWorkload(spec_text, "replay.textpb");
  ASSERT_TRUE(replay_spec.ok()) << replay_spec.status();
  sim::fair::FairClass replay_cls;
  sim::Simulator replay(topo, **replay_spec, &replay_cls, ZeroCostSeed3());
  ASSERT_TRUE(replay.Run().ok());
  EXPECT_EQ(replay.result().instances[0].completed, done);
}

}  // namespace
}  // namespace scxtwin
