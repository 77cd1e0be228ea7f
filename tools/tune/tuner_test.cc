#include "tools/tune/tuner.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/experiment/run_backend.h"
#include "tools/tune/tune_report.h"

namespace scxtwin::tune {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

std::string Runfile(const std::string& path) {
  return std::string(getenv("TEST_SRCDIR")) + "/scxtwin/" + path;
}

// homing on a small micro-VM boot beside steady large-working-set tasks (8 CPUs).
TuneConfig SmallHoming() {
  TuneConfig c;
  c.policy = "homing";
  c.base.workload = Runfile("workloads/boots_with_ws_large.textpb");
  c.base.params = {{"boots", "1"},
                   {"arrival_gap_ms", "0"},
                   {"steady_tasks", "4"},
                   {"vcpus", "8"},
                   {"rounds", "40"}};
  c.base.topology = "1x1x4x2";
  c.base.policy_dirs = {Runfile("policy"), Runfile("sim/testdata")};
  c.metric = experiment::Metric::kBoot;
  c.process = "microvm";
  c.budget = 60;
  c.held_out = 8;
  c.seed = 3;
  return c;
}

// The search's winner is confirmed on seeds it never saw: not below the defaults there, and the
// same result however many processes ran it.
TEST(Tune, RealPolicyConfirmedNotBelowDefaultsOnHeldOutSeeds) {
  experiment::LocalProcessBackend one(1), two(2);
  auto a = Tune(SmallHoming(), two);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_LE(a->search.runs, 60);
  EXPECT_EQ(a->held_out.tuned.values.size(), 8u);
  EXPECT_GE(a->held_out.over_defaults.speedup, 1.0) << FormatCandidate(a->space, a->best);
  EXPECT_LE(a->held_out.over_defaults.lo, a->held_out.over_defaults.speedup);
  EXPECT_GE(a->held_out.over_defaults.hi, a->held_out.over_defaults.speedup);
  EXPECT_EQ(a->space.dims.size(), 6u);  // homing's whole table
  auto b = Tune(SmallHoming(), one);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->best, b->best);
  EXPECT_EQ(a->held_out.tuned.values, b->held_out.tuned.values);
  EXPECT_EQ(ClosingLine(*a), ClosingLine(*b));
  EXPECT_THAT(ClosingLine(*a),
              MatchesRegex("tune: best (--set homing\\.[a-z_]+=[0-9]+ ?)+: [0-9]\\.[0-9]{3}x over "
                           "defaults \\(95% CI "
                           "\\[[0-9]\\.[0-9]{3}, [0-9]\\.[0-9]{3}\\]\\) on 8 held-out seeds"));
}

// A guard on the steady tasks' completion is measured and reported; knobs held by --set leave
// the search; a variant reruns the same knobs elsewhere.
TEST(Tune, GuardFixedKnobsAndVariant) {
  TuneConfig c = SmallHoming();
  c.guard = *ParseGuard("steady:boot<=1.02");
  c.base.sets = {{"homing.go_home", "1"}, {"kick_on_enqueue", "1"}};
  c.variant_params = {{"vcpus", "4"}};
  c.variant_topology = "4";
  experiment::LocalProcessBackend backend(2);
  auto r = Tune(c, backend);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->space.dims.size(), 4u);
  EXPECT_EQ(r->fixed.size(), 2u);
  ASSERT_TRUE(r->held_out.guard_over_defaults.has_value());
  EXPECT_EQ(r->held_out.tuned.guard_values.size(), 8u);
  ASSERT_TRUE(r->variant.has_value());
  EXPECT_EQ(r->variant->nr_cpus, 4);
  EXPECT_EQ(r->variant->tuned.values.size(), 8u);
  EXPECT_NE(r->variant->tuned.values, r->held_out.tuned.values);
  std::ostringstream os;
  WriteTuneReport(os, *r, {"homing", "workloads/boots_with_ws_large.textpb"});
  EXPECT_THAT(os.str(), HasSubstr("guard boot (completion time of steady, s)"));
  EXPECT_THAT(os.str(), HasSubstr("knobs held fixed: go_home=1 kick_on_enqueue=1"));
  EXPECT_THAT(os.str(),
              HasSubstr("variant (the tuned knobs unchanged on vcpus=4, topology 4, 4 CPUs"));
  EXPECT_THAT(
      ClosingLine(*r),
      HasSubstr(
          "--set homing.go_home=1 --set homing.kick_on_enqueue=1 --set homing.slice_max_us="));
}

TEST(Tune, SchedulerWithoutTableNeedsRanges) {
  TuneConfig c = SmallHoming();
  c.policy = "wvtime";
  c.process = "";
  c.budget = 12;
  c.held_out = 2;
  experiment::LocalProcessBackend backend(2);
  auto none = Tune(c, backend);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.status().message(),
              HasSubstr("policy wvtime has no knob table: name the knobs to search with --knob "
                        "NAME=MIN..MAX (its knobs: slice_ns)"));
  c.knobs = {"slice_ns=100000..20000000"};
  auto r = Tune(c, backend);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->from_table);
  ASSERT_EQ(r->space.dims.size(), 1u);
  EXPECT_EQ(r->space.dims[0].default_value, 5000000);
  EXPECT_THAT(ClosingLine(*r), HasSubstr("tune: best --set wvtime.slice_ns="));
}

TEST(Tune, BadInput) {
  experiment::LocalProcessBackend backend(1);
  TuneConfig c = SmallHoming();
  c.knobs = {"slice_us"};
  auto r = Tune(c, backend);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("--knob=slice_us: policy homing has no such knob"));
  c = SmallHoming();
  c.process = "vm";
  r = Tune(c, backend);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("process 'vm': workload"));
  c = SmallHoming();
  c.policy = "eevdf";
  r = Tune(c, backend);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("a built-in class, not a hosted policy"));
  for (const char* g : {"steady:boot", "steady:speed<=1.1", "steady:boot<=0.9", ":makespan<=x"}) {
    auto bad = ParseGuard(g);
    ASSERT_FALSE(bad.ok()) << g;
    EXPECT_THAT(bad.status().message(), HasSubstr("expected PROCESS:METRIC<=RATIO"));
  }
  auto ok = ParseGuard(":makespan<=1.1");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->process, "");
  EXPECT_EQ(ok->ratio, 1.1);
}

}  // namespace
}  // namespace scxtwin::tune
