#include "sim/experiment/experiment.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

using ::testing::HasSubstr;

std::string Workload(const std::string& name) {
  return std::string(getenv("TEST_SRCDIR")) + "/scxtwin/workloads/" + name + ".textpb";
}

ExperimentConfig EevdfOnBurstyBoot(int runs, int jobs) {
  ExperimentConfig c;
  c.policies = {"eevdf"};
  c.base.workload = Workload("bursty_boot");
  c.base.topology = "8";
  c.base.seed = 5;
  c.runs = runs;
  c.jobs = jobs;
  return c;
}

TEST(RunSeed, PairedDistinctAndTiedToTheBaseSeed) {
  std::set<uint64_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RunSeed(1, i));
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(RunSeed(1, 3), RunSeed(1, 3));
  EXPECT_NE(RunSeed(1, 0), RunSeed(2, 0));
  // Base seeds 1 and 2 do not share runs shifted by one (as base + i would).
  EXPECT_NE(RunSeed(1, 1), RunSeed(2, 0));
}

TEST(ParseMetric, NamesAndErrors) {
  EXPECT_EQ(*ParseMetric("boot"), Metric::kBoot);
  EXPECT_EQ(*ParseMetric("work"), Metric::kWork);
  EXPECT_TRUE(HigherIsBetter(Metric::kWork));
  EXPECT_FALSE(HigherIsBetter(Metric::kBoot));
  auto bad = ParseMetric("speed");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("--metric=speed: expected boot, makespan or work"));
}

// Each sample is exactly the boot time of a plain run with that run's seed, whatever the
// number of processes.
TEST(RunExperiment, SamplesAreTheRunsOfTheDerivedSeeds) {
  auto serial = RunExperiment(EevdfOnBurstyBoot(4, 1));
  ASSERT_TRUE(serial.ok()) << serial.status();
  auto parallel = RunExperiment(EevdfOnBurstyBoot(4, 3));
  ASSERT_TRUE(parallel.ok()) << parallel.status();
  ASSERT_EQ(serial->policies.size(), 1u);
  ASSERT_EQ(serial->policies[0].samples.size(), 4u);
  std::set<double> distinct;
  for (int i = 0; i < 4; ++i) {
    sim::RunConfig rc = EevdfOnBurstyBoot(4, 1).base;
    rc.policy = "eevdf";
    rc.seed = RunSeed(5, i);
    auto run = sim::RunSimulation(rc);
    ASSERT_TRUE(run.ok()) << run.status();
    auto direct = MeasureRun(**run, Metric::kBoot, "");
    ASSERT_TRUE(direct.ok()) << direct.status();
    EXPECT_EQ(serial->policies[0].samples[i].value, direct->value) << "run " << i;
    EXPECT_EQ(parallel->policies[0].samples[i].value, direct->value) << "run " << i;
    EXPECT_EQ(serial->policies[0].samples[i].completed, 8);  // bursty_boot boots 8 VMs
    distinct.insert(direct->value);
  }
  EXPECT_GT(distinct.size(), 1u) << "different seeds should give different boot times";
  EXPECT_EQ(serial->rows[0].summary.runs, 4);
  EXPECT_DOUBLE_EQ(serial->rows[0].speedup, 1.0);
}

TEST(RunExperiment, BadInputIsCaughtBeforeRunning) {
  ExperimentConfig c = EevdfOnBurstyBoot(2, 1);
  c.process = "nosuch";
  auto r = RunExperiment(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("--process=nosuch: workload"));
  EXPECT_THAT(r.status().message(), HasSubstr("(it has: vm)"));

  c = EevdfOnBurstyBoot(2, 1);
  c.policies = {"eevdf", "eevdf"};
  EXPECT_THAT(RunExperiment(c).status().message(), HasSubstr("'eevdf' is listed twice"));

  c = EevdfOnBurstyBoot(2, 1);
  c.base.sets = {{"eevdf.imbalance_pct", "7"}};  // below its minimum of 100
  auto bad_value = RunExperiment(c);
  ASSERT_FALSE(bad_value.ok());
  EXPECT_THAT(bad_value.status().message(), HasSubstr("--set imbalance_pct=7"));
}

// A steady load never completes: boot time is refused with a hint; work is measured.
TEST(RunExperiment, SteadyLoadNeedsTheWorkMetric) {
  ExperimentConfig c = EevdfOnBurstyBoot(1, 1);
  c.base.workload = Workload("cache_steady");
  c.base.duration = 50 * sim::kNsPerMs;
  auto boot = RunExperiment(c);
  ASSERT_FALSE(boot.ok());
  EXPECT_THAT(boot.status().message(), HasSubstr("use --metric=makespan or --metric=work"));
  c.metric = Metric::kWork;
  auto work = RunExperiment(c);
  ASSERT_TRUE(work.ok()) << work.status();
  // 48 CPU-bound tasks on 8 CPUs keep every CPU busy: close to 8 CPUs of useful work.
  EXPECT_GT(work->policies[0].samples[0].value, 7.0);
  EXPECT_LE(work->policies[0].samples[0].value, 8.0);
}

}  // namespace
}  // namespace scxtwin::experiment
