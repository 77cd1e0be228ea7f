#include "sim/experiment/run_backend.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

using ::testing::HasSubstr;

RunRequest Request(const std::string& policy, uint64_t seed) {
  RunRequest r;
  r.config.policy = policy;
  r.config.workload = std::string(getenv("TEST_SRCDIR")) + "/scxtwin/workloads/bursty_boot.textpb";
  r.config.topology = "4";
  r.config.seed = seed;
  r.measures = {{Metric::kBoot, ""}, {Metric::kMakespan, ""}};
  return r;
}

TEST(Measurements, RoundTripExactly) {
  RunMeasurements m = {{0.1 + 0.2, 3, 1, false}, {1.0 / 3, 0, 0, true}};
  auto back = DecodeMeasurements(EncodeMeasurements(m));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].value, 0.1 + 0.2);
  EXPECT_EQ((*back)[0].completed, 3);
  EXPECT_EQ((*back)[0].incomplete, 1);
  EXPECT_EQ((*back)[1].value, 1.0 / 3);
  EXPECT_TRUE((*back)[1].ejected);
  EXPECT_FALSE(DecodeMeasurements("1 2 3").ok());
}

// A request survives its text form exactly, awkward characters included: what a remote worker
// rebuilds is what the driver asked for.
TEST(RunRequestText, RoundTrips) {
  RunRequest r = Request("/tmp/a b\tc\\d.so", 18446744073709551615ULL);
  r.config.policy_dirs = {"/x", "/y=z"};
  r.config.params = {{"vcpus", "16"}, {"gap", "0.5"}};
  r.config.sets = {{"cost.refill_ns.same_llc.large", "1000"}, {"slice_us", "20\n0"}};
  r.config.duration = 123456789;
  r.config.continue_after_ejection = false;
  r.measures = {{Metric::kBoot, "microvm"}, {Metric::kWork, ""}};
  const std::string line = EncodeRunRequest(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = DecodeRunRequest(line);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->config.policy, r.config.policy);
  EXPECT_EQ(back->config.workload, r.config.workload);
  EXPECT_EQ(back->config.topology, "4");
  EXPECT_EQ(back->config.seed, r.config.seed);
  EXPECT_EQ(back->config.duration, 123456789);
  EXPECT_FALSE(back->config.continue_after_ejection);
  EXPECT_EQ(back->config.policy_dirs, r.config.policy_dirs);
  EXPECT_EQ(back->config.params, r.config.params);
  EXPECT_EQ(back->config.sets, r.config.sets);
  ASSERT_EQ(back->measures.size(), 2u);
  EXPECT_EQ(back->measures[0].process, "microvm");
  EXPECT_EQ(back->measures[1].metric, Metric::kWork);
  EXPECT_EQ(EncodeRunRequest(*back), line);
  EXPECT_FALSE(DecodeRunRequest("policy=x\tbogus=1").ok());
  EXPECT_FALSE(DecodeRunRequest("measure=speed:x").ok());
}

// The local backend gives, in request order, what each run gives in this process, whatever the
// number of processes.
TEST(LocalProcessBackend, SameAsInProcessInRequestOrder) {
  std::vector<RunRequest> batch = {Request("eevdf", 1), Request("fifo", 1), Request("eevdf", 2)};
  std::vector<RunMeasurements> direct;
  for (const RunRequest& r : batch) {
    auto m = ExecuteRun(r);
    ASSERT_TRUE(m.ok()) << m.status();
    direct.push_back(*m);
  }
  for (int jobs : {1, 3}) {
    LocalProcessBackend backend(jobs);
    int reported = 0;
    auto got = backend.RunBatch(batch, [&](int done, int total) {
      EXPECT_EQ(total, 3);
      reported = done;
    });
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), 3u);
    EXPECT_EQ(reported, 3);
    for (size_t i = 0; i < 3; ++i) {
      ASSERT_EQ((*got)[i].size(), 2u);
      EXPECT_EQ((*got)[i][0].value, direct[i][0].value) << i;
      EXPECT_EQ((*got)[i][1].value, direct[i][1].value) << i;
    }
  }
  EXPECT_NE(direct[0][0].value, direct[2][0].value);  // the seed matters
}

TEST(LocalProcessBackend, AFailedRunFailsTheBatchNamingIt) {
  RunRequest bad = Request("eevdf", 1);
  bad.config.sets = {{"no_such_knob", "1"}};
  LocalProcessBackend backend(2);
  auto got = backend.RunBatch({Request("eevdf", 1), bad}, nullptr);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.status().message(), HasSubstr("run 1: policy eevdf, seed 1"));
  EXPECT_THAT(got.status().message(), HasSubstr("no_such_knob"));
}

}  // namespace
}  // namespace scxtwin::experiment
