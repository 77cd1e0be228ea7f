// The host half of the comparison: reading the guest's reports, the loader's counters, and the
// rows' verdicts.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>

#include "gtest/gtest.h"
#include "tools/twin/compare_json.h"
#include "tools/twin/compare_metrics.h"
#include "tools/twin/compare_vm.h"

namespace scxtwin::twin {
namespace {

constexpr char kReport[] =
    R"({"policy":"homing","workload":"w","nr_cpus":2,"seed":1,"params":{},"end_ns":9,)"
    R"("processes":[],"instances":[{"process":"vm","instance":0,"arrival_ns":1000000,"completed_ns":5000000},)"
    R"({"process":"vm","instance":1,"arrival_ns":2000000,"completed_ns":4000000},)"
    R"({"process":"vm","instance":2,"arrival_ns":3000000,"completed_ns":-1}],)"
    R"("twin":{"traced":true,"trace_lost":0,"wakeups":200,"wake_latency_ns":{"count":190,"p50":12000,"p99":800000},)"
    R"("with_prev_cpu":180,"on_prev_cpu":90,"migrations":50,"switch_ins":300,"preempted":4}})";

TEST(CompareTest, ReadsTheRunnersReport) {
  auto m = ParseRunnerReport(kReport);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->instances, 3);
  EXPECT_EQ(m->completed, 2);
  EXPECT_DOUBLE_EQ(m->completion_ms, 3.0);  // (4 + 2) / 2
  EXPECT_EQ(m->wakeups, 200);
  EXPECT_DOUBLE_EQ(m->wake_p50_us, 12.0);
  EXPECT_DOUBLE_EQ(m->wake_p99_us, 800.0);
  EXPECT_EQ(m->migrations, 50);
  EXPECT_EQ(m->on_prev_cpu, 90);
}

TEST(CompareTest, RefusesATraceWithLostEvents) {
  std::string lossy = kReport;
  lossy.replace(lossy.find("\"trace_lost\":0"), 14, "\"trace_lost\":7");
  auto m = ParseRunnerReport(lossy);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("dropped 7 events"), std::string::npos) << m.status();
  EXPECT_FALSE(ParseRunnerReport("{\"twin\":").ok());
  EXPECT_FALSE(ParseRunnerReport("{\"instances\":[]}").ok());
}

TEST(CompareTest, TheCalibrationsGateIsTheWorstOfThem) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/vm.out";
  {
    std::ofstream out(path);
    out << "twin-calibration {\"burn_stretch\":1.02,\"sleep_overshoot_us\":200.0,"
           "\"sleep_overshoot_p90_us\":300.0,\"sleep_late_quantiles_ns\":[100,200,3000]}\n"
        << "twin-calibration {\"burn_stretch\":1.30,\"sleep_overshoot_us\":900.0,"
           "\"sleep_overshoot_p90_us\":950.0,\"sleep_late_quantiles_ns\":[300,400,5000]}\n"
        << "twin-done\n";
  }
  VmSide side;
  side.load_from = path;
  auto r = RunVmSide(side, {"eevdf"});
  ASSERT_TRUE(r.ok()) << r.status();
  const VmCalibration& cal = r->calibration;
  EXPECT_EQ(cal.samples, 2);
  EXPECT_DOUBLE_EQ(cal.burn_stretch, 1.30);
  EXPECT_DOUBLE_EQ(cal.sleep_overshoot_us, 900.0);
}

// A report with the runner's measurement of its sleeps: late by the quantiles `q`.
std::string ReportWithSleeps(const std::string& q, int mean_ns, int bunches, int max_bunch) {
  std::string r = kReport;
  r.insert(r.size() - 2,
           ",\"sleep_late_ns\":{\"count\":100,\"unmatched\":3,\"mean\":" + std::to_string(mean_ns) +
               ",\"quantiles\":[" + q + "]},\"irq_late_ns\":{\"count\":" + std::to_string(bunches) +
               ",\"mean\":" + std::to_string(2 * mean_ns) + ",\"quantiles\":[" + q +
               "]},\"timer_bunches\":{\"count\":" + std::to_string(bunches) +
               ",\"wakes\":100,\"max\":" + std::to_string(max_bunch) +
               "},\"wake_bunches\":{\"count\":150,\"wakes\":200,\"max\":9}");
  return r;
}

TEST(CompareTest, PoolsTheGuestsTimerLatenessOverItsRuns) {
  auto a = ParseRunnerReport(ReportWithSleeps("100,200,3000", 1000, 50, 6));
  auto b = ParseRunnerReport(ReportWithSleeps("300,400,5000", 3000, 25, 14));
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->sleeps_timed, 100);
  EXPECT_EQ(a->wake_bunches, 150);
  EXPECT_EQ(a->bunched_wakeups, 200);
  EXPECT_EQ(a->max_bunch, 9);
  // Runs of two policies, and one of a runner that did not measure (it does not count).
  const GuestTimers g =
      PoolGuestTimers({{"eevdf", {*a}}, {"homing", {*b, *ParseRunnerReport(kReport)}}});
  EXPECT_EQ(g.runs, 2);
  EXPECT_EQ(g.sleeps, 200);
  ASSERT_EQ(g.quantiles_ns.size(), 3u);  // the mean of each quantile: what the model draws
  EXPECT_DOUBLE_EQ(g.quantiles_ns[0], 200);
  EXPECT_DOUBLE_EQ(g.quantiles_ns[1], 300);
  EXPECT_DOUBLE_EQ(g.quantiles_ns[2], 4000);
  EXPECT_EQ(g.irq_quantiles_ns, g.quantiles_ns);
  EXPECT_DOUBLE_EQ(g.mean_ns, 2000);
  EXPECT_DOUBLE_EQ(g.irq_mean_ns, 4000);
  EXPECT_NEAR(g.mean_stdev_ns, std::sqrt(2.0) * 1000, 1e-6);
  EXPECT_DOUBLE_EQ(g.wakes_per_bunch, 200.0 / 75);
  EXPECT_EQ(g.max_bunch, 14);
  EXPECT_EQ(PoolGuestTimers({{"eevdf", {*ParseRunnerReport(kReport)}}}).runs, 0);
}

TEST(CompareTest, DerivesTheVcpuStallsFromTheInterruptsLateness) {
  // Quantiles (ns) at 0, 1/4, 1/2, 3/4, 1 and a 1000 ns threshold: crossed at
  // u = 0.5 + 0.25 * 0.5 = 0.625, so 375 per mille of the interrupts came during a stall; its
  // rest runs from 1000 to 9000 ns.
  const GuestStalls s = StallsFromLateness({100, 200, 600, 1400, 9000}, 1000);
  EXPECT_EQ(s.permille, 375);
  ASSERT_EQ(s.quantiles_ns.size(), 5u);
  EXPECT_EQ(s.quantiles_ns.front(), 1000);
  EXPECT_EQ(s.quantiles_ns.back(), 9000);
  // u = 0.625 + 0.375 * 0.25 = 0.71875: 600 + (0.875) * 800 = 1300.
  EXPECT_EQ(s.quantiles_ns[1], 1300);
  EXPECT_TRUE(std::is_sorted(s.quantiles_ns.begin(), s.quantiles_ns.end()));
  // Every interrupt late: stopped all the time is capped (a vCPU must run some time).
  EXPECT_EQ(StallsFromLateness({5000, 6000, 7000}, 1000).permille, 999);
  // None over the threshold: no stalls.
  EXPECT_EQ(StallsFromLateness({100, 200, 900}, 1000).permille, 0);
  EXPECT_TRUE(StallsFromLateness({100, 200, 900}, 1000).quantiles_ns.empty());
  EXPECT_EQ(StallsFromLateness({}, 1000).permille, 0);
}

// The programs' runs and times are taken around each run too; a callback's cost is its
// programs' run time over their runs, pooled over the runs, by the sched_ext_ops name the
// program's name ends with.
TEST(CompareTest, TheGuestsCallbackCostsPerCallback) {
  PolicyRuns p{"homing", {}};
  p.runs.resize(2);
  ParseLoaderPrograms(
      "progs mark homing: homing_select_cpu=10/200000 homing_dispatch=5/1000000 "
      "homing_cpu_online=0/0 homing_init=1/300000",
      &p.runs[0], -1);
  ParseLoaderPrograms(
      "progs mark homing: homing_select_cpu=110/2200000 "
      "homing_dispatch=105/11000000 homing_cpu_online=0/0 homing_init=1/300000",
      &p.runs[0], +1);
  EXPECT_EQ(p.runs[0].prog_runs["homing_select_cpu"], 100);
  EXPECT_EQ(p.runs[0].prog_ns["homing_dispatch"], 10000000);
  ParseLoaderPrograms("progs mark homing: homing_select_cpu=300/9000000 homing_update_idle=4/8000",
                      &p.runs[1], +1);
  const std::map<std::string, int64_t> c = CallbackCostsNs(p);
  // select_cpu: (2,000,000 + 9,000,000) ns over (100 + 300) runs; dispatch 100 runs, 10 ms.
  EXPECT_EQ(c.at("select_cpu"), 27500);
  EXPECT_EQ(c.at("dispatch"), 100000);
  EXPECT_EQ(c.at("update_idle"), 2000);
  EXPECT_EQ(c.count("cpu_online"), 0u);  // never ran during the runs
  EXPECT_EQ(c.count("init"), 0u);        // ran before the first mark only
  EXPECT_TRUE(CallbackCostsNs(PolicyRuns{"homing", {RunMetrics{}}}).empty());
}

// The interrupts up to the threshold late are the interrupt path's own delay: their quantiles,
// the lateness's below the crossing (u < 0.625 above), at as many evenly spaced points.
TEST(CompareTest, TheInterruptPathsDelayIsTheLatenessBelowTheThreshold) {
  const GuestStalls s = StallsFromLateness({100, 200, 600, 1400, 9000}, 1000);
  // u = 0, 0.15625, 0.3125, 0.46875, 0.625 -> 100, 162.5, 300, 550, 1000.
  EXPECT_EQ(s.path_quantiles_ns, (std::vector<int64_t>{100, 163, 300, 550, 1000}));
  // None over the threshold: the whole distribution.
  EXPECT_EQ(StallsFromLateness({100, 200, 900}, 1000).path_quantiles_ns,
            (std::vector<int64_t>{100, 200, 900}));
  // All over it: no path delay to draw.
  EXPECT_TRUE(StallsFromLateness({5000, 6000, 7000}, 1000).path_quantiles_ns.empty());
}

TEST(CompareTest, ReadsTheLoadersFinalCounters) {
  RunMetrics m;
  ParseLoaderStats("stats final homing: went_home=4 stayed_home=209 moved_idle=5", &m);
  EXPECT_EQ(m.counters["went_home"], 4);
  EXPECT_EQ(m.counters["stayed_home"], 209);
  EXPECT_EQ(m.counters["moved_idle"], 5);
}

// The guest takes the counters just before and just after a run: the run's own are the difference
// (placements of kernel threads woken while CPUs went offline and online around it drop out).
TEST(CompareTest, TheRunsCountersAreTheMarksDifference) {
  RunMetrics m;
  ParseLoaderStats("stats mark homing: went_home=3 stayed_home=40 moved_idle=7", &m, -1);
  ParseLoaderStats("stats mark homing: went_home=10 stayed_home=240 moved_idle=7", &m, +1);
  EXPECT_EQ(m.counters["went_home"], 7);
  EXPECT_EQ(m.counters["stayed_home"], 200);
  EXPECT_EQ(m.counters["moved_idle"], 0);
}

TEST(CompareTest, JsonValues) {
  auto v = ParseJson(R"({"a":[1,2.5,-3e2],"b":{"c":"x\"y"},"t":true,"n":null})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*v)["a"].items.size(), 3u);
  EXPECT_DOUBLE_EQ((*v)["a"].items[2].number, -300);
  EXPECT_EQ((*v)["b"]["c"].str, "x\"y");
  EXPECT_TRUE((*v)["t"].boolean);
  EXPECT_EQ((*v)["missing"]["deeper"].kind, JsonValue::kNull);
  EXPECT_FALSE(ParseJson("{\"a\":1} x").ok());
  EXPECT_FALSE(ParseJson("[1,").ok());
}

PolicyRuns Runs(const std::string& policy, double completion, double on_prev, int64_t went_home) {
  RunMetrics m;
  m.completion_ms = completion;
  m.wakeups = 100;
  m.migrations = 10;
  m.with_prev_cpu = 100;
  m.on_prev_cpu = static_cast<int64_t>(on_prev * 100);
  m.wake_p50_us = 10;
  m.wake_p99_us = 100;
  if (policy == "homing") m.counters = {{"went_home", went_home}, {"stayed_home", 100 - went_home}};
  return {policy, {m, m}};
}

const Row* Find(const std::vector<Row>& rows, const std::string& prefix) {
  for (const Row& r : rows)
    if (r.metric.rfind(prefix, 0) == 0) return &r;
  return nullptr;
}

TEST(CompareTest, RowsAndVerdicts) {
  const std::vector<PolicyRuns> sim = {Runs("eevdf", 100, 0.9, 0), Runs("homing", 90, 0.4, 30)};
  const std::vector<PolicyRuns> vm = {Runs("eevdf", 200, 0.9, 0), Runs("homing", 180, 0.8, 30)};
  const std::vector<Row> rows = CompareRows(sim, vm);
  const Row* ratio = Find(rows, "homing/eevdf completion-time ratio");
  ASSERT_NE(ratio, nullptr);
  EXPECT_EQ(ratio->kind, MetricKind::kTiming);
  EXPECT_DOUBLE_EQ(ratio->sim, 0.9);  // ratios agree though the VM is twice as slow
  EXPECT_DOUBLE_EQ(ratio->vm, 0.9);
  EXPECT_TRUE(ratio->within());
  const Row* prev = Find(rows, "wakeups run on the previous CPU, share [homing]");
  ASSERT_NE(prev, nullptr);
  EXPECT_EQ(prev->kind, MetricKind::kDecision);
  EXPECT_FALSE(prev->within());  // 0.4 against 0.8
  const Row* home = Find(rows, "went_home share of wakeup placements [homing]");
  ASSERT_NE(home, nullptr);
  EXPECT_DOUBLE_EQ(home->sim, 0.3);
  EXPECT_TRUE(home->within());
  EXPECT_EQ(Find(rows, "went_home share of wakeup placements [eevdf]"), nullptr);
}

TEST(CompareTest, APathOneTwinNeverTakesDisagreesWithinTheTolerance) {
  const std::vector<PolicyRuns> vm = {Runs("eevdf", 200, 0.9, 0), Runs("homing", 180, 0.8, 10)};
  // went_home: 0.10 in the VM; 0 in the simulator is within +-0.15 but never taken.
  const Row* never = Find(CompareRows({Runs("eevdf", 100, 0.9, 0), Runs("homing", 90, 0.8, 0)}, vm),
                          "went_home share of wakeup placements [homing]");
  ASSERT_NE(never, nullptr);
  EXPECT_LE(std::fabs(never->sim - never->vm), never->tolerance);
  EXPECT_FALSE(never->within());
  // Taken on both sides, as far apart: within.
  const Row* both = Find(CompareRows({Runs("eevdf", 100, 0.9, 0), Runs("homing", 90, 0.8, 1)}, vm),
                         "went_home share of wakeup placements [homing]");
  ASSERT_NE(both, nullptr);
  EXPECT_TRUE(both->within());
}

}  // namespace
}  // namespace scxtwin::twin
