// The kernel tree's example schedulers (tools/sched_ext/*.bpf.c), compiled unmodified in host
// mode at test time, schedule a workload in the simulator from start to end.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/host/scx_userland_half.h"
#include "sim/host/testing/kernel_tree.h"
#include "sim/run/report.h"
#include "sim/run/runner.h"
#include "tests/conformance/harness.h"

namespace scxtwin::conformance {
namespace {

// Bursty tasks (short runs, short sleeps) plus a few long runners, more tasks than CPUs.
std::string Mixed() {
  return R"pb(
    name: "mixed"
    duration_ns: 500000000
    process {
      name: "mix"
      group {
        name: "bursty"
        count: 16
        program {
          loop {
            body { run { exponential { mean_ns: 200000 } } }
            body { sleep { exponential { mean_ns: 400000 } } }
          }
        }
      }
      group {
        name: "hog"
        count: 3
        program {
          loop {
            body { run { fixed_ns: 30000000 } }
            body { sleep { fixed_ns: 1000000 } }
          }
        }
      }
    })pb";
}

int64_t TotalBusy(const Outcome& o) {
  int64_t busy = 0;
  for (const auto& c : o.simulator->result().cpus) busy += c.busy_ns;
  return busy;
}

TEST(KernelSchedulersTest, ScxSimpleVtimeSchedulesTheWholeRun) {
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_simple.bpf.c", {Mixed(), "1x1x2x2"});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_UNREG);
  auto stats = o.policy->SumPerCpuCounters("stats");  // [local, global] queueing
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_GT((*stats)[0], 0u) << "some wakeups find an idle CPU";
  EXPECT_GT((*stats)[1], 100u) << "most wakeups queue on the shared DSQ";
  EXPECT_GT(o.Read("vtime_now"), 0) << "vtime advances as tasks run";
  // 19 tasks on 4 CPUs for 0.5 s: the machine is kept busy.
  EXPECT_GT(TotalBusy(o), 4 * 500000000LL * 9 / 10);
}

TEST(KernelSchedulersTest, ScxSimpleFifoModeAlsoRuns) {
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_simple.bpf.c",
                                     {Mixed(), "1x1x2x2", {{"fifo_sched", "true"}}});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_EQ(o.Read("vtime_now"), 0) << "FIFO mode never touches vtime";
}

TEST(KernelSchedulersTest, ScxCpu0RunsEverythingOnCpu0) {
  // select_cpu always answers CPU 0 and only CPU 0 consumes the shared DSQ; the watchdog
  // (30 s default) does not fire in a 0.5 s run even though CPU 0 is overloaded.
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_cpu0.bpf.c", {Mixed(), "4"});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  const auto& cpus = o.simulator->result().cpus;
  EXPECT_GT(cpus[0].busy_ns, 500000000LL * 95 / 100);
  EXPECT_GT(cpus[0].busy_ns, 10 * (TotalBusy(o) - cpus[0].busy_ns))
      << "other CPUs only run tasks until their first wakeup moves them to CPU 0";
  auto stats = o.policy->SumPerCpuCounters("stats");  // [local, cpu0]
  ASSERT_TRUE(stats.ok());
  EXPECT_GT((*stats)[1], 100u);
}

// scx_sdt keeps each task's data in a BPF arena (its own allocator on bpf_arena_alloc_pages) and
// counts enqueues there; the counts reach its globals when tasks exit (at detach for the rest).
TEST(KernelSchedulersTest, ScxSdtKeepsPerTaskDataInItsArena) {
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_sdt.bpf.c", {Mixed(), "4"});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_GT(TotalBusy(o), 4 * 500000000LL * 9 / 10);
  EXPECT_GT(o.Read("stat_enqueue"), 100) << "enqueues counted in the tasks' arena data";
  EXPECT_GE(o.Read("stat_init"), 19) << "one arena allocation per task";
  EXPECT_EQ(o.Read("stat_init"), o.Read("stat_exit"));
  struct AllocStats {
    uint64_t chunk_allocs, data_allocs, alloc_ops, free_ops, active_allocs, arena_pages_used;
  };
  auto g = o.policy->FindGlobal("alloc_stats");
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ((*g)->size, sizeof(AllocStats));
  const auto* a = static_cast<const AllocStats*>((*g)->addr);
  EXPECT_GE(a->data_allocs, 19u);
  EXPECT_GE(a->chunk_allocs, 1u);
  EXPECT_EQ(a->free_ops, a->alloc_ops) << "every task's data is freed when it exits";
}

// scx_pair runs the two CPUs of a pair (CPU i and i + n/2, its loader's pairing) on tasks of one
// cgroup at a time: every task is in the root cgroup, which ops.cgroup_init registered and
// scx_bpf_task_cgroup answers, so the pairs take turns on it.
// The tasks arrive at 30 ms: scx_pair takes a pair's first batch as expired only once
// bpf_ktime_get_ns() is past one batch (pair_batch_dur_ns, 20 ms), which a real kernel's clock
// (time since boot) always is; the simulated clock starts at 0.
TEST(KernelSchedulersTest, ScxPairSchedulesPairsFromTheTasksCgroup) {
  std::string mixed = Mixed();
  const std::string process_name = "name: \"mix\"";  // the process's own field, however laid out
  mixed.insert(mixed.find(process_name) + process_name.size(), " arrival { at_ns: 30000000 }");
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_pair.bpf.c", {mixed, "4"});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_GT(o.Read("nr_total"), 100) << "enqueues went through the root cgroup's queue";
  EXPECT_GT(o.Read("nr_dispatched"), 100);
  EXPECT_EQ(o.Read("nr_missing"), 0) << "every queued pid was found";
  EXPECT_GT(o.Read("nr_cgrp_next"), 0) << "pairs picked the next cgroup to run";
  EXPECT_GT(TotalBusy(o), 4 * 470000000LL / 2);
}

// Three cgroups of weights 100, 200 and 400, each with four CPU-bound tasks of 200 ms CPU work
// each (800 ms a cgroup) on 4 CPUs. Shared by weight, /hi gets 4/7 of the machine while all
// three run and ends at 7 * 800 / 16 = 350 ms, then /mid gets 2/3 and ends at 500 ms, /lo last
// at 600 ms. With the weights ignored each would get a third and all would end at 600 ms.
std::string ThreeWeightedCgroups() {
  std::string w = R"pb(
    name: "weighted"
    cgroup { path: "/lo" weight: 100 }
    cgroup { path: "/mid" weight: 200 }
    cgroup { path: "/hi" weight: 400 }
    process { name: "p")pb";
  for (const char* cg : {"lo", "mid", "hi"}) {
    absl::StrAppend(&w, " group { name: \"", cg, "\" count: 4 cgroup: \"/", cg,
                    "\" program { loop { count: 200 body { run { fixed_ns: 1000000 } } } } }");
  }
  return w + " }";
}

// The last exit of the tasks of each group of the (one) process, by group name.
std::map<std::string, int64_t> LastExitByGroup(const Outcome& o) {
  std::map<std::string, int64_t> last;
  const auto& groups = o.spec->processes[0].groups;
  for (const sim::Task& t : o.simulator->tasks()) {
    int64_t& l = last[groups[t.group].name];
    l = std::max<int64_t>(l, t.exited_at);
  }
  return last;
}

// scx_flatcg flattens the cgroup tree into one rbtree of cgroups ordered by their weighted
// vtime (bpf_rbtree_*, bpf_obj_new, bpf_kptr_xchg) and runs the front cgroup's DSQ: the CPU goes
// to the cgroups in proportion to their weights. The tolerances leave room for its slices
// (cgrp_slice_ns, 20 ms) and budget caps; ignoring the weights fails every bound.
TEST(KernelSchedulersTest, ScxFlatcgSharesTheCpuByCgroupWeight) {
  RunSpec spec{ThreeWeightedCgroups(), "4"};
  spec.capture_log = true;
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_flatcg.bpf.c", spec);
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_TRUE(o.all_tasks_exited());
  EXPECT_EQ(o.Callbacks("cgroup_init"), 4) << "the root and the three declared cgroups";
  auto last = LastExitByGroup(o);
  const double lo = last["lo"], mid = last["mid"], hi = last["hi"];
  // Measured (deterministic): lo 616 ms, mid 520 ms, hi 368 ms.
  EXPECT_NEAR(lo, 600e6, 0.05 * 600e6) << "the machine stays busy to the end";
  EXPECT_NEAR(hi / lo, 350.0 / 600, 0.05) << "hi " << hi << " lo " << lo;
  EXPECT_NEAR(mid / lo, 500.0 / 600, 0.05) << "mid " << mid << " lo " << lo;
  // /hi's share of the machine while all three ran: its 800 ms of CPU over 4 CPUs x its end.
  EXPECT_NEAR(800e6 / (4 * hi), 4.0 / 7, 0.05) << "hi " << hi;
  auto stats = o.policy->SumPerCpuCounters("stats");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_GT((*stats)[15], 10u) << "FCG_STAT_PNC_NEXT: cgroups picked from the rbtree";
  EXPECT_EQ((*stats)[19], 0u) << "FCG_STAT_PNC_FAIL";
}

// A weight write reaches scx_flatcg (ops.cgroup_set_weight) and tasks moving between cgroups
// (ops.cgroup_move, with their runnable/quiescent around it) keep it consistent: /a and /b start
// at weight 100 with 800 ms of CPU work each on 4 CPUs; at 50 ms a root task raises /b to 400,
// so /b gets 4/5 of the machine from then on and ends at about 270 ms, /a at about 400 ms (with
// the write ignored both would end together). A task hops between /a and /b meanwhile.
TEST(KernelSchedulersTest, ScxFlatcgFollowsWeightWritesAndMoves) {
  std::string w = R"pb(
    name: "reweighted"
    cgroup { path: "/a" }
    cgroup { path: "/b" }
    process { name: "p"
              group {
                name: "admin"
                program { sleep { fixed_ns: 50000000 } }
                program { set_cgroup_weight { path: "/b" weight: 400 } }
              }
              group {
                name: "hopper"
                cgroup: "/a"
                program {
                  loop {
                    count: 20
                    body { run { fixed_ns: 100000 } }
                    body { move_to_cgroup: "/b" }
                    body { sleep { fixed_ns: 1000000 } }
                    body { run { fixed_ns: 100000 } }
                    body { move_to_cgroup: "/a" }
                  }
                }
              })pb";
  for (const char* cg : {"a", "b"}) {
    absl::StrAppend(&w, " group { name: \"", cg, "\" count: 4 cgroup: \"/", cg,
                    "\" program { loop { count: 200 body { run { fixed_ns: 1000000 } } } } }");
  }
  w += " }";
  RunSpec spec{w, "4"};
  spec.capture_log = true;
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_flatcg.bpf.c", spec);
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_TRUE(o.all_tasks_exited());
  EXPECT_EQ(o.Callbacks("cgroup_set_weight"), 1);
  EXPECT_EQ(o.Callbacks("cgroup_move"), 40);
  auto last = LastExitByGroup(o);
  const double a = last["a"], b = last["b"];
  // Measured (deterministic): a 410 ms, b 296 ms; the write ignored, b / a would be about 1.
  EXPECT_NEAR(b / a, 270.0 / 400, 0.08) << "a " << a << " b " << b;
}

TEST(KernelSchedulersTest, ScxCentralDispatchesEverythingFromTheCentralCpu) {
  // The central CPU (0) makes every decision from a queue map of pids and a 1 ms BPF timer that
  // preempts CPUs whose tasks ran past their slice; the others only run what it hands them.
  Outcome o =
      RunKernelTreeScheduler("tools/sched_ext/scx_central.bpf.c",
                             {Mixed(), "4", {{"nr_cpu_ids", "4"}, {"slice_ns", "20000000"}}});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_UNREG);
  EXPECT_GT(o.Read("nr_timers"), 400) << "the timer re-arms itself every 1 ms for 0.5 s";
  EXPECT_GT(o.Read("nr_dispatches"), 100);
  EXPECT_GT(o.Read("nr_queued") + o.Read("nr_total"), 0);
  EXPECT_EQ(o.Read("nr_lost_pids"), 0);
  EXPECT_EQ(o.Read("nr_overflows"), 0);
  EXPECT_EQ(o.Read("timer_pinned"), 1);
  std::string per_cpu;
  for (const auto& c : o.simulator->result().cpus) absl::StrAppend(&per_cpu, " ", c.busy_ns);
  EXPECT_GT(TotalBusy(o), 4 * 500000000LL * 8 / 10) << "busy per CPU:" << per_cpu;
  for (const auto& c : o.simulator->result().cpus) {
    EXPECT_GT(c.busy_ns, 0) << "every CPU gets work (its cpu_gimme_task slot is its own)";
  }
}

// The counters at the head of scx_qmap's arena state (`struct qmap_arena qa`, scx_qmap.h), the
// ones its loader prints.
struct QmapStats {
  uint64_t nr_enqueued, nr_dispatched, nr_reenqueued, nr_reenqueued_cid0;
  uint64_t nr_dequeued, nr_ddsp_from_enq, nr_core_sched_execed;
  uint64_t nr_expedited_local, nr_expedited_remote, nr_expedited_lost, nr_expedited_from_timer;
  uint64_t nr_highpri_queued;
};

QmapStats Qa(const Outcome& o) {
  QmapStats q{};
  auto g = o.policy->FindGlobal("qa");
  EXPECT_TRUE(g.ok()) << g.status();
  if (g.ok()) std::memcpy(&q, (*g)->addr, sizeof(q));
  return q;
}

std::string Show(const QmapStats& q) {
  return absl::StrCat("enq=", q.nr_enqueued, " dsp=", q.nr_dispatched, " reenq=", q.nr_reenqueued,
                      " deq=", q.nr_dequeued, " ddsp_from_enq=", q.nr_ddsp_from_enq,
                      " exp_local=", q.nr_expedited_local, " exp_remote=", q.nr_expedited_remote,
                      " exp_lost=", q.nr_expedited_lost, " highpri_queued=", q.nr_highpri_queued);
}

std::string LibraryWorkload(const std::string& name) {
  std::ifstream in("workloads/" + name + ".textpb");
  EXPECT_TRUE(in.good()) << "workloads/" << name << ".textpb";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The user-space half's counter `name` (sim/host/scx_userland_half.h).
int64_t HalfCounter(const Outcome& o, const std::string& name) {
  for (const auto& [n, v] : o.user_half->Counters())
    if (n == name) return v;
  ADD_FAILURE() << "no counter " << name;
  return -1;
}

// scx_userland: its BPF half keeps pinned tasks in the kernel and sends every other task to its
// user-space half, which runs as a simulated task (pid 1, the BPF half's usersched_pid) that
// the BPF half dispatches when it has work: the half orders the tasks by vruntime and hands
// their pids back through the `dispatched` map. bursty_boot's tasks may run anywhere (user
// space schedules them); a per-CPU group added beside them is pinned (the kernel half's).
TEST(KernelSchedulersTest, ScxUserlandSchedulesThroughItsUserSpaceHalf) {
  std::string workload = LibraryWorkload("bursty_boot");
  workload += R"pb(
    process {
      name: "pinned"
      group {
        name: "kworker"
        per_cpu: true
        program {
          loop {
            count: 100
            body { run { fixed_ns: 20000 } }
            body { sleep { fixed_ns: 2000000 } }
          }
        }
      }
    })pb";
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_userland.bpf.c", {workload, "4"});
  ASSERT_TRUE(o.run.ok()) << o.run;
  ASSERT_NE(o.user_half, nullptr) << "chosen automatically for scx_userland";
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_EQ(o.uei().kind, SCX_EXIT_UNREG) << o.uei().msg;
  EXPECT_FALSE(o.simulator->result().stopped_by_duration);
  EXPECT_FALSE(o.simulator->result().hit_max_duration);
  // Every task of the workload finished; the half's own (background) task ran to the end.
  const auto& tasks = o.simulator->tasks();
  ASSERT_FALSE(tasks.empty());
  const sim::Task& half = tasks[0];
  EXPECT_EQ(half.pid, host::UserHalfCompanion::kPid);
  EXPECT_EQ(o.Read("usersched_pid"), half.pid);
  EXPECT_EQ(o.simulator->spec().processes[half.process].name, "scx_userland");
  int64_t workload_tasks = 0;
  for (const sim::Task& t : tasks) {
    if (t.id == half.id) continue;
    ++workload_tasks;
    EXPECT_EQ(t.state, sim::TaskState::kExited) << t.name;
  }
  EXPECT_EQ(workload_tasks, 8 * 5 + 4);
  // The BPF half: pinned tasks stayed in the kernel, the rest went to user space, none failed.
  const int64_t user_enq = o.Read("nr_user_enqueues");
  EXPECT_GT(o.Read("nr_kernel_enqueues"), 4 * 50);
  EXPECT_GT(user_enq, 1000);
  EXPECT_EQ(o.Read("nr_failed_enqueues"), 0);
  // The user half drained every one of them (the last few may still be in the map at the end)
  // and dispatched them back.
  const int64_t enq = HalfCounter(o, "nr_vruntime_enqueues");
  const int64_t disp = HalfCounter(o, "nr_vruntime_dispatches");
  EXPECT_GT(enq, user_enq * 99 / 100);
  EXPECT_LE(enq, user_enq);
  EXPECT_GT(disp, enq * 99 / 100);
  EXPECT_LE(disp, enq);
  EXPECT_EQ(HalfCounter(o, "nr_vruntime_failed"), 0);
  // Its passes ran on the simulated CPUs, as the BPF half dispatched its task.
  const int64_t passes = HalfCounter(o, "passes");
  EXPECT_GT(passes, 100);
  EXPECT_GE(half.m.nr_switches, passes / 2);
  const host::UserHalfCosts& c = o.user_half->costs();
  EXPECT_GE(half.m.run_ns, passes * c.pass_ns + (enq + disp) * c.task_ns)
      << "each pass uses the CPU time it states";
}

// Without its user-space half scx_userland does not load: its ops.init refuses an unset
// usersched_pid, as on a kernel where the loader did not set it.
TEST(KernelSchedulersTest, ScxUserlandWithoutItsHalfRefusesToStart) {
  RunSpec spec{LibraryWorkload("bursty_boot"), "4"};
  spec.user_half = "none";
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_userland.bpf.c", spec);
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_ERROR_BPF);
  EXPECT_NE(o.exit().msg.find("User scheduler pid uninitialized"), std::string::npos)
      << o.exit().msg;
}

// //sim's runner picks the half by itself (--user_half=auto), and --set user_half.* reaches it.
TEST(KernelSchedulersTest, ScxUserlandRunsFromTheSimulatorsRunner) {
  auto so = host::BuildKernelTreePolicy("tools/sched_ext/scx_userland.bpf.c");
  ASSERT_TRUE(so.ok()) << so.status();
  sim::RunConfig config;
  config.policy = *so;
  config.workload = "workloads/bursty_boot.textpb";
  config.topology = "4";
  config.background = {"idle"};
  config.sets = {{"user_half.batch", "2"}, {"user_half.task_ns", "3000"}};
  auto run = sim::RunSimulation(config);
  ASSERT_TRUE(run.ok()) << run.status();
  const sim::RunOutput& out = **run;
  ASSERT_NE(out.user_half, nullptr);
  const auto* half = dynamic_cast<const host::ScxUserlandHalf*>(out.user_half.get());
  ASSERT_NE(half, nullptr);
  EXPECT_EQ(half->batch(), 2u);
  EXPECT_EQ(half->costs().task_ns, 3000);
  EXPECT_GT(half->stats().vruntime_dispatches, 1000);
  EXPECT_EQ(sim::ExitStatus(out), 0);
  EXPECT_EQ(out.sim->tasks()[0].pid, 1);
  EXPECT_GT(out.sim->tasks()[0].m.run_ns, half->stats().vruntime_dispatches * 3000);
  std::ostringstream table;
  sim::WriteTable(table, config, out);
  EXPECT_NE(table.str().find(absl::StrCat("user-space half scx_userland (pass_ns=1500 "
                                          "task_ns=3000): passes=",
                                          half->stats().passes, " nr_vruntime_enqueues=")),
            std::string::npos)
      << table.str();

  // The same run again: the same bytes (the half is part of the deterministic simulation).
  auto again = sim::RunSimulation(config);
  ASSERT_TRUE(again.ok()) << again.status();
  std::ostringstream json, json_again;
  sim::WriteJson(json, config, out);
  sim::WriteJson(json_again, config, **again);
  EXPECT_EQ(json.str(), json_again.str());
  EXPECT_NE(json.str().find("\"user_half\":{\"name\":\"scx_userland\",\"counters\":{"),
            std::string::npos);

  // An experiment routes `--set LABEL.user_half.batch=N` by the knobs ListKnobs names.
  auto knobs = sim::ListKnobs(*so, {});
  ASSERT_TRUE(knobs.ok()) << knobs.status();
  for (const char* k :
       {"user_half.batch", "user_half.pass_ns", "user_half.task_ns", "usersched_pid"})
    EXPECT_NE(std::find(knobs->begin(), knobs->end(), k), knobs->end()) << k;

  config.user_half = "none";
  config.sets.clear();
  auto without = sim::RunSimulation(config);
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ((*without)->user_half, nullptr);
  EXPECT_EQ(sim::ExitStatus(**without), 4) << "ejected: usersched_pid uninitialized";
  // The error exit's debug dump follows the ejection in the report, and only there.
  const std::string& dump = (*without)->sched->ext()->exit_info().dump;
  ASSERT_FALSE(dump.empty());
  std::ostringstream ejected_table, ejected_json;
  sim::WriteTable(ejected_table, config, **without);
  sim::WriteJson(ejected_json, config, **without);
  EXPECT_NE(ejected_table.str().find(absl::StrCat("\npolicy exit dump:\n", dump)),
            std::string::npos)
      << ejected_table.str();
  EXPECT_NE(ejected_json.str().find(",\"dump\":\""), std::string::npos) << ejected_json.str();
  EXPECT_EQ(table.str().find("policy exit dump:"), std::string::npos) << "no dump without an error";
  EXPECT_EQ(json.str().find("\"dump\":"), std::string::npos);
}

// scx_qmap, a cid-form scheduler (7.3's cid/cmask API), on a library workload: its five FIFOs in
// an arena, queued by weight and dispatched round-robin through its shared DSQ; idle cids from
// ops.update_idle and its dispatch with no prev, direct dispatch to them from select_cid.
TEST(KernelSchedulersTest, ScxQmapRunsALibraryWorkloadToTheEnd) {
  const std::string workload = LibraryWorkload("bursty_boot");
  // 40 tasks, mostly asleep, on 32 CPUs: wakeups go straight to idle cids.
  Outcome wide = RunKernelTreeScheduler("tools/sched_ext/scx_qmap.bpf.c", {workload, "2x2x4x2"});
  ASSERT_TRUE(wide.run.ok()) << wide.run;
  EXPECT_EQ(wide.exit().kind, SCX_EXIT_UNREG) << wide.exit().msg;
  EXPECT_TRUE(wide.all_tasks_exited());
  // Every CPU was idle when it attached; qmap learned that from its dispatch with no prev (the
  // kernel reschedules every CPU at enable) and spread the vCPUs over the machine.
  int used = 0;
  for (const auto& c : wide.simulator->result().cpus) used += c.busy_ns > 0;
  EXPECT_GE(used, 24) << "of 32 CPUs";

  // The same 40 tasks on 4 CPUs: wakeups queue on the FIFOs.
  Outcome narrow = RunKernelTreeScheduler("tools/sched_ext/scx_qmap.bpf.c", {workload, "4"});
  ASSERT_TRUE(narrow.run.ok()) << narrow.run;
  EXPECT_EQ(narrow.exit().kind, SCX_EXIT_UNREG) << narrow.exit().msg;
  EXPECT_TRUE(narrow.all_tasks_exited());
  const QmapStats q = Qa(narrow);
  EXPECT_GT(q.nr_enqueued, 100u) << "wakeups queued on the FIFOs; " << Show(q);
  EXPECT_GT(q.nr_dispatched, 100u) << "tasks popped from the FIFOs by tid; " << Show(q);
  EXPECT_LE(q.nr_dispatched, q.nr_enqueued) << Show(q);
  EXPECT_EQ(q.nr_highpri_queued, 0u) << "boosting is off by default";
  EXPECT_EQ(q.nr_expedited_local + q.nr_expedited_remote, 0u) << Show(q);
}

// With highpri_boosting (scx_qmap -H), nice -20 tasks (weight 8668) are marked high priority,
// moved from the shared DSQ to HIGHPRI_DSQ and dispatched from there first. The shared DSQ holds
// tasks between dispatches only with a dispatch batch above 1 (scx_qmap -b).
TEST(KernelSchedulersTest, ScxQmapBoostsNiceMinus20TasksWithHighpriBoosting) {
  std::string w = Mixed();
  const std::string group = "name: \"hog\"";
  // A group of nice -20 tasks before the hogs (text spliced into the workload above).
  const std::string urgent =
      "name: \"urgent\" count: 4 nice: -20 program { loop {"
      " body { run { exponential { mean_ns: 300000 } } }"
      " body { sleep { exponential { mean_ns: 300000 } } } } } } group { ";
  w.insert(w.find(group), urgent);
  Outcome off =
      RunKernelTreeScheduler("tools/sched_ext/scx_qmap.bpf.c", {w, "4", {{"dsp_batch", "16"}}});
  ASSERT_TRUE(off.run.ok()) << off.run;
  EXPECT_EQ(Qa(off).nr_expedited_local + Qa(off).nr_expedited_remote, 0u) << Show(Qa(off));
  Outcome on =
      RunKernelTreeScheduler("tools/sched_ext/scx_qmap.bpf.c",
                             {w, "4", {{"dsp_batch", "16"}, {"highpri_boosting", "true"}}});
  ASSERT_TRUE(on.run.ok()) << on.run;
  EXPECT_EQ(on.exit().kind, SCX_EXIT_UNREG) << on.exit().msg;
  const QmapStats q = Qa(on);
  EXPECT_GT(q.nr_expedited_local + q.nr_expedited_remote, 10u)
      << "high-priority tasks dispatched from HIGHPRI_DSQ; " << Show(q);
}

// scx_qmap -e N: its ops.enqueue calls scx_bpf_error after N enqueues. The error exit's debug
// dump (the kernel's scx_dump_state) holds the simulator's header, CPU and task lines and qmap's
// own: ops.dump's FIFO walk, ops.dump_cid's per-cid line and ops.dump_task's per-task line.
TEST(KernelSchedulersTest, ScxQmapErrorExitWritesTheDebugDump) {
  RunSpec spec{LibraryWorkload("bursty_boot"), "4"};
  // What scx_qmap.c does for -e after attaching: qa->test_error_cnt, the u32 after the twelve
  // u64 counters at the head of struct qmap_arena (scx_qmap.h).
  spec.user_calls.push_back({0, [](Outcome& o) {
                               auto g = o.policy->FindGlobal("qa");
                               ASSERT_TRUE(g.ok()) << g.status();
                               const uint32_t n = 200;
                               std::memcpy(static_cast<char*>((*g)->addr) + sizeof(QmapStats), &n,
                                           sizeof(n));
                             }});
  Outcome o = RunKernelTreeScheduler("tools/sched_ext/scx_qmap.bpf.c", spec);
  ASSERT_EQ(o.exit().kind, SCX_EXIT_ERROR_BPF) << o.exit().msg;
  // scx_bpf_error() puts the source position (file:line) first.
  EXPECT_TRUE(absl::EndsWith(o.exit().msg, ": test triggering error")) << o.exit().msg;
  const std::string& d = o.exit().dump;
  EXPECT_NE(
      d.find(absl::StrCat(" triggered exit kind 1025:\n  scx_bpf_error (", o.exit().msg, ")\n")),
      std::string::npos)
      << d;
  for (int i = 0; i < 5; ++i)
    EXPECT_NE(d.find(absl::StrCat("\nQMAP FIFO[", i, "]:")), std::string::npos) << i << "\n" << d;
  EXPECT_NE(d.find("\nCPU states\n----------\n"), std::string::npos) << d;
  EXPECT_NE(d.find("\n  QMAP: dsp_idx="), std::string::npos) << "ops.dump_cid of a busy cid\n" << d;
  EXPECT_NE(d.find("\n    QMAP: force_local="), std::string::npos) << "ops.dump_task\n" << d;
  EXPECT_NE(d.find("\nEvent counters\n"), std::string::npos) << d;
  EXPECT_LT(d.size(), 32768u) << "qmap leaves exit_dump_len at 0: the kernel's default bound";
  // ops.exit's UEI_RECORD copied ei->dump into the exit record user space reads (uei_dump).
  auto uei_dump = o.policy->FindGlobal("uei_dump");
  ASSERT_TRUE(uei_dump.ok()) << uei_dump.status();
  EXPECT_EQ(std::string(static_cast<const char*>((*uei_dump)->addr)), d);
}

TEST(KernelSchedulersTest, RepeatedRunsInOneProcessAreIdentical) {
  // Each run loads a fresh instance of the scheduler (its globals, e.g. vtime_now, start from
  // their initial values), so the same inputs give the same schedule, also within one process.
  auto digest = [](const Outcome& o) {
    std::string d = absl::StrCat(o.simulator->result().context_switches, "/",
                                 o.simulator->result().events, "/", o.Read("vtime_now"));
    for (const auto& c : o.simulator->result().cpus) absl::StrAppend(&d, "/", c.busy_ns);
    return d;
  };
  Outcome first = RunKernelTreeScheduler("tools/sched_ext/scx_simple.bpf.c", {Mixed(), "1x1x2x2"});
  Outcome second = RunKernelTreeScheduler("tools/sched_ext/scx_simple.bpf.c", {Mixed(), "1x1x2x2"});
  ASSERT_TRUE(first.run.ok() && second.run.ok());
  EXPECT_EQ(digest(first), digest(second));
  EXPECT_NE(first.policy->ops(), second.policy->ops()) << "two instances, not one reused";
  RunSpec other_seed{Mixed(), "1x1x2x2"};
  other_seed.seed = 2;
  Outcome third = RunKernelTreeScheduler("tools/sched_ext/scx_simple.bpf.c", other_seed);
  EXPECT_NE(digest(first), digest(third)) << "the seed changes the workload's draws";
}

// Every kernel-tree scheduler on the same library workload, unmodified, with the defaults its
// loader would set: bursty_boot (micro-VM boots arriving as a Poisson stream) on 4 CPUs runs to
// its end, every task exits and the scheduler is still attached when the run ends.
class EveryKernelTreeScheduler : public testing::TestWithParam<const char*> {};

TEST_P(EveryKernelTreeScheduler, RunsBurstyBootToTheEnd) {
  const std::string src = absl::StrCat("tools/sched_ext/", GetParam(), ".bpf.c");
  Outcome o = RunKernelTreeScheduler(src, {LibraryWorkload("bursty_boot"), "4"});
  ASSERT_TRUE(o.run.ok()) << o.run;
  EXPECT_EQ(o.exit().kind, SCX_EXIT_UNREG) << o.exit().msg;
  EXPECT_TRUE(o.all_tasks_exited());
  EXPECT_GT(TotalBusy(o), 0);
}

INSTANTIATE_TEST_SUITE_P(KernelTree, EveryKernelTreeScheduler,
                         testing::Values("scx_simple", "scx_cpu0", "scx_central", "scx_qmap",
                                         "scx_flatcg", "scx_pair", "scx_sdt", "scx_userland"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace scxtwin::conformance
