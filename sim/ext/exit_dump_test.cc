// The debug dump of an error exit (exit_dump.cc) and the event counters scx_bpf_events() reads.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "sim/ext/ext_test_policy.h"

namespace scxtwin::sim::ext_test {
namespace {

// What the dump callbacks do, per test.
struct DumpMode {
  int task_lines = 1;  // scx_bpf_dump lines each ops.dump_task writes
  bool error_in_dump_task = false;
  std::string exit_dump;  // ops.exit's copy of ei->dump
  bool exit_dump_null = false;
};
DumpMode dump_mode;

void t_dump(scx_dump_ctx* ctx) {
  Rec(absl::StrCat("dump kind=", ctx->kind));
  // One line over two calls, then a second one.
  api->dump(api->sim, "policy line");
  api->dump(api->sim, " one\n");
  api->dump(api->sim, "policy line two");
}
void t_dump_cpu(scx_dump_ctx*, s32 cpu, bool idle) {
  Rec(absl::StrCat("dump_cpu ", cpu, idle ? " idle" : ""));
  if (!idle) api->dump(api->sim, absl::StrCat("cpu line ", cpu).c_str());
}
void t_dump_task(scx_dump_ctx*, task_struct* p) {
  Rec(absl::StrCat("dump_task ", p->pid));
  for (int i = 0; i < dump_mode.task_lines; ++i)
    api->dump(api->sim, absl::StrCat("task line ", p->pid, " ", i, "\n").c_str());
  if (dump_mode.error_in_dump_task) api->error(api->sim, "error inside the dump");
}
void t_exit_copy(scx_exit_info* ei) {
  Rec(absl::StrCat("exit ", ei->kind));
  dump_mode.exit_dump_null = ei->dump == nullptr;
  if (ei->dump) dump_mode.exit_dump = ei->dump;
}

sched_ext_ops DumpOps() {
  sched_ext_ops ops = MakeOps();
  ops.dump = t_dump;
  ops.dump_cpu = t_dump_cpu;
  ops.dump_task = t_dump_task;
  ops.exit = t_exit_copy;
  return ops;
}

constexpr char kThreeRunners[] = R"pb(process {
                                        name: "p"
                                        group {
                                          name: "h"
                                          count: 3
                                          program { run { fixed_ns: 1000000 } }
                                        }
                                      })pb";

// A hog running 10 ms beside two tasks that run, sleep and run again 1 ms each: on 2 CPUs the
// hog runs while the others wake.
constexpr char kHogAndSleepers[] = R"pb(process {
                                          name: "p"
                                          group {
                                            name: "hog"
                                            program { run { fixed_ns: 10000000 } }
                                          }
                                          group {
                                            name: "s"
                                            count: 2
                                            program { run { fixed_ns: 1000000 } }
                                            program { sleep { fixed_ns: 1000000 } }
                                            program { run { fixed_ns: 1000000 } }
                                          }
                                        })pb";

class ExitDumpTest : public ExtTest {
 protected:
  void SetUp() override {
    ExtTest::SetUp();
    dump_mode = DumpMode{};
  }
};

std::vector<std::string> Calls(const Run& r, const std::string& prefix) {
  std::vector<std::string> out;
  for (const std::string& c : r.calls)
    if (absl::StartsWith(c, prefix)) out.push_back(c);
  return out;
}

TEST_F(ExitDumpTest, AnErrorExitDumpsHeaderPolicyLinesCpusAndTasks) {
  mode.direct_idle = false;
  // Three forks, one wakeup, then the second wakeup's enqueue calls scx_bpf_error while the hog
  // runs.
  mode.error_after_enqueues = 4;
  auto r = Start(kHogAndSleepers, "2", DumpOps());
  const ExtExit& ex = r->cls->exit_info();
  ASSERT_EQ(ex.kind, SCX_EXIT_ERROR_BPF);
  const std::string& d = ex.dump;
  // The header names the task running on the CPU that raised the error, the kind and reason.
  EXPECT_NE(d.find("triggered exit kind 1025:\n  scx_bpf_error (test error)\n"), std::string::npos)
      << d;
  // ops.dump's lines: a blank line first, a line written over two calls, the unterminated last
  // line flushed when the callback returned.
  EXPECT_NE(d.find("\n\npolicy line one\npolicy line two\n"), std::string::npos) << d;
  EXPECT_NE(d.find("\nCPU states\n----------\n"), std::string::npos) << d;
  // Both CPUs have tasks: the kernel's lines, then ops.dump_cpu's after two spaces.
  EXPECT_NE(d.find("CPU 0   : nr_run="), std::string::npos) << d;
  EXPECT_NE(d.find("\n\n  cpu line 0\n"), std::string::npos) << d;
  EXPECT_NE(d.find("\n\n  cpu line 1\n"), std::string::npos) << d;
  // Each runnable task: its line, then ops.dump_task's after four spaces; the running one
  // marked '*'.
  EXPECT_NE(d.find(" *R hog.0[1] "), std::string::npos) << d;
  EXPECT_NE(d.find("curr=hog.0[1] class=ext_sched_class"), std::string::npos) << d;
  for (int pid = 1; pid <= 3; ++pid) {
    EXPECT_NE(d.find(absl::StrCat("\n    task line ", pid, " 0\n")), std::string::npos)
        << pid << "\n"
        << d;
  }
  EXPECT_NE(d.find("\nEvent counters\n"), std::string::npos) << d;
  EXPECT_LT(d.size(), 32768u);

  // Order: ops.dump once, then per CPU dump_cpu followed by its tasks' dump_task; all before
  // the tasks leave (disable/exit_task) and before ops.exit, which gets the same text.
  std::vector<std::string> dumps;
  for (const std::string& c : r->calls)
    if (absl::StartsWith(c, "dump") || absl::StartsWith(c, "disable") ||
        absl::StartsWith(c, "exit "))
      dumps.push_back(c);
  ASSERT_GE(dumps.size(), 6u);
  EXPECT_EQ(dumps[0], absl::StrCat("dump kind=", SCX_EXIT_ERROR_BPF));
  EXPECT_EQ(dumps[1], "dump_cpu 0");
  EXPECT_EQ(Calls(*r, "dump_task").size(), 3u);
  EXPECT_EQ(Calls(*r, "dump kind").size(), 1u);
  EXPECT_EQ(Calls(*r, "dump_cpu").size(), 2u);
  bool seen_cpu1 = false;
  for (size_t i = 1; i < dumps.size(); ++i) {
    if (dumps[i] == "dump_cpu 1") seen_cpu1 = true;
    if (absl::StartsWith(dumps[i], "disable")) {
      EXPECT_TRUE(seen_cpu1) << "every dump callback runs before the tasks leave";
      break;
    }
  }
  EXPECT_EQ(dumps.back(), absl::StrCat("exit ", SCX_EXIT_ERROR_BPF));
  EXPECT_EQ(dump_mode.exit_dump, d);
}

TEST_F(ExitDumpTest, IdleCpusAreAskedAndSkippedWhenTheyWriteNothing) {
  mode.direct_idle = false;
  mode.error_after_enqueues = 0;  // the first enqueue errs: one task, four CPUs
  auto r = Start(kOneSleeper, "4", DumpOps());
  ASSERT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR_BPF);
  const std::string& d = r->cls->exit_info().dump;
  // ops.dump_cpu sees every CPU, the idle ones with idle=true; an idle CPU it writes nothing
  // for is left out of the dump.
  EXPECT_EQ(Calls(*r, "dump_cpu").size(), 4u);
  EXPECT_EQ(Calls(*r, "dump_cpu 3 idle").size(), 1u);
  EXPECT_EQ(d.find("CPU 3 "), std::string::npos) << d;
}

TEST_F(ExitDumpTest, TheDumpIsBoundedByExitDumpLen) {
  mode.direct_idle = false;
  mode.error_after_enqueues = 2;
  dump_mode.task_lines = 100;
  sched_ext_ops ops = DumpOps();
  ops.exit_dump_len = 512;
  auto r = Start(kThreeRunners, "2", ops);
  const std::string& d = r->cls->exit_info().dump;
  // 511 bytes and the NUL fill the 512-byte buffer; the end says it was cut.
  EXPECT_EQ(d.size(), 511u);
  EXPECT_TRUE(absl::EndsWith(d, "\n\n~~~~ TRUNCATED ~~~~\n")) << d;
  EXPECT_EQ(dump_mode.exit_dump, d);
  // The default bound: 32768 bytes.
  mode = Mode{};
  mode.direct_idle = false;
  mode.error_after_enqueues = 2;
  dump_mode.task_lines = 1000;
  r = Start(kThreeRunners, "2", DumpOps());
  EXPECT_EQ(r->cls->exit_info().dump.size(), 32767u);
}

TEST_F(ExitDumpTest, AnErrorInsideADumpCallbackDoesNotRecurse) {
  mode.direct_idle = false;
  mode.error_after_enqueues = 2;
  dump_mode.error_in_dump_task = true;
  auto r = Start(kThreeRunners, "2", DumpOps());
  const ExtExit& ex = r->cls->exit_info();
  EXPECT_EQ(ex.msg, "test error") << "the first exit stays";
  EXPECT_EQ(Calls(*r, "dump_task").size(), 3u) << "the dump goes on";
  EXPECT_EQ(Calls(*r, "dump kind").size(), 1u);
  EXPECT_NE(ex.dump.find("Event counters"), std::string::npos);
}

TEST_F(ExitDumpTest, ANormalExitWritesNoDump) {
  auto r = Start(kThreeRunners, "2", DumpOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  EXPECT_TRUE(r->cls->exit_info().dump.empty());
  EXPECT_TRUE(Calls(*r, "dump").empty());
  EXPECT_FALSE(dump_mode.exit_dump_null) << "ops.exit gets an empty dump, as the kernel's buffer";
  EXPECT_EQ(dump_mode.exit_dump, "");
  // scx_bpf_exit (UNREG_BPF) is no error either.
  mode.direct_idle = false;
  mode.exit_after_enqueues = 0;
  r = Start(kThreeRunners, "2", DumpOps());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG_BPF);
  EXPECT_TRUE(r->cls->exit_info().dump.empty());
}

// scx_bpf_dump() outside ops.dump and friends is an error, as in the kernel.
void t_enqueue_dumping(task_struct* p, u64 enq_flags) {
  api->dump(api->sim, "not in a dump");
  t_enqueue(p, enq_flags);
}

TEST_F(ExitDumpTest, ScxBpfDumpOutsideADumpCallbackErrs) {
  sched_ext_ops ops = DumpOps();
  ops.enqueue = t_enqueue_dumping;
  mode.direct_idle = false;
  auto r = Start(kThreeRunners, "2", ops);
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_ERROR);
  EXPECT_NE(r->cls->exit_info().msg.find("scx_bpf_dump"), std::string::npos);
}

// ---- event counters --------------------------------------------------------------------------

scx_event_stats seen_events{};
void t_exit_events(scx_exit_info* ei) {
  api->events(api->sim, &seen_events, sizeof(seen_events));
  t_exit(ei);
}

// select_cpu answers CPU 3, which the tasks (affinity 0-1) may not use: the kernel puts them
// elsewhere and counts SCX_EV_SELECT_CPU_FALLBACK.
s32 t_select_cpu3(task_struct* p, s32, u64) { return 3; }

TEST_F(ExitDumpTest, ADisallowedSelectCpuCountsSelectCpuFallback) {
  seen_events = {};
  sched_ext_ops ops = MakeOps();
  ops.select_cpu = t_select_cpu3;
  ops.exit = t_exit_events;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          count: 2
                          affinity: "0-1"
                          program { run { fixed_ns: 1000000 } }
                          program { sleep { fixed_ns: 1000000 } }
                          program { run { fixed_ns: 1000000 } }
                        }
                      })pb",
                 "4", ops);
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  // Two tasks, each placed at its fork and at its wakeup.
  EXPECT_EQ(r->cls->events().SCX_EV_SELECT_CPU_FALLBACK, 4);
  EXPECT_EQ(seen_events.SCX_EV_SELECT_CPU_FALLBACK, 4) << "scx_bpf_events copies it out";
  // With the CPU select_cpu_dfl picks (allowed), nothing falls back.
  seen_events = {};
  ops = MakeOps();
  ops.exit = t_exit_events;
  r = Start(kOneSleeper, "4", ops);
  EXPECT_EQ(seen_events.SCX_EV_SELECT_CPU_FALLBACK, 0);
}

TEST_F(ExitDumpTest, KeepingTheLastTaskCountsDispatchKeepLastAndRefill) {
  // One task on one CPU with a 1 ms slice running 10 ms: each time its slice ends, ops.dispatch
  // finds nothing, so it keeps the CPU (DISPATCH_KEEP_LAST) with a refilled default slice.
  seen_events = {};
  mode.slice = 1000000;
  mode.direct_idle = false;
  sched_ext_ops ops = MakeOps();
  ops.exit = t_exit_events;
  auto r = Start(R"pb(process {
                        name: "p"
                        group {
                          name: "a"
                          program { run { fixed_ns: 10000000 } }
                        }
                      })pb",
                 "1", ops);
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG);
  EXPECT_GE(seen_events.SCX_EV_DISPATCH_KEEP_LAST, 1);
  EXPECT_GE(seen_events.SCX_EV_REFILL_SLICE_DFL, 1);
  EXPECT_EQ(seen_events.SCX_EV_SELECT_CPU_FALLBACK, 0);
  // With SCX_OPS_ENQ_LAST the task goes back through ops.enqueue instead: nothing kept.
  seen_events = {};
  ops.flags |= SCX_OPS_ENQ_LAST;
  r = Start(R"pb(process {
                   name: "p"
                   group {
                     name: "a"
                     program { run { fixed_ns: 10000000 } }
                   }
                 })pb",
            "1", ops);
  EXPECT_EQ(seen_events.SCX_EV_DISPATCH_KEEP_LAST, 0);
}

TEST_F(ExitDumpTest, AShorterEventsStructGetsTheLeadingCounters) {
  mode.slice = 1000000;
  mode.direct_idle = false;
  auto r = Prepare(R"pb(process {
                          name: "p"
                          group {
                            name: "a"
                            program { run { fixed_ns: 10000000 } }
                          }
                        })pb",
                   "1", MakeOps());
  Finish(r.get());
  s64 two[3] = {-1, -1, -1};
  api->events(api->sim, reinterpret_cast<scx_event_stats*>(two), 2 * sizeof(s64));
  EXPECT_EQ(two[0], r->cls->events().SCX_EV_SELECT_CPU_FALLBACK);
  EXPECT_EQ(two[1], r->cls->events().SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE);
  EXPECT_EQ(two[2], -1) << "nothing written past the size given";
}

}  // namespace
}  // namespace scxtwin::sim::ext_test
