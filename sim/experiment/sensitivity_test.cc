// The sensitivity run: terms at their low and high ends with paired seeds, the base experiment
// unchanged by them, the sort by effect, and the table's closing line.
#include "sim/experiment/sensitivity.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

using ::testing::HasSubstr;

ExperimentConfig FairVsFifo() {
  ExperimentConfig c;
  c.policies = {"eevdf", "fifo"};
  c.base.workload = "workloads/bursty_boot.textpb";
  c.base.topology = "1x1x2x2";
  c.base.seed = 3;
  c.runs = 3;
  c.jobs = 2;
  return c;
}

TEST(SensitivityTest, EveryEffectAndTheBackgroundAreTerms) {
  std::vector<std::string> names;
  for (const SensitivityTerm& t : SensitivityTerms()) names.push_back(t.name);
  EXPECT_THAT(names, ::testing::ElementsAre("idle_exit", "smt", "freq", "halt_poll", "tick_cost",
                                            "background", "noise"));
  EXPECT_TRUE(SensitivityTerms().back().reference);
  EXPECT_EQ(SensitivityTerms(2000).back().high, "context_switch_ns=2001");
}

TEST(SensitivityTest, EachTermMovesOnlyItsOwnSettingAndTheTableIsSortedByEffect) {
  // Two terms: SMT off vs 50% per thread (a 2-core SMT machine: a large effect), and a term whose
  // low and high equal the default (no effect at all).
  std::vector<SensitivityTerm> terms = {
      {"none", "tick_cost=off", "tick_cost=off", "tick_cost=off", false, "no change"},
      {"smt", "smt=off", "smt=on", "smt.speed_pct=50", false, "off .. 50%"},
      {"noise", "context_switch_ns=1499", "context_switch_ns=1500", "context_switch_ns=1501", false,
       "ref", true},
  };
  auto r = RunSensitivity(FairVsFifo(), terms);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->terms.size(), 2u);  // the reference is not a term
  ASSERT_EQ(r->references.size(), 1u);
  EXPECT_EQ(r->terms[0].term.name, "smt");  // largest first
  EXPECT_GT(r->terms[0].swing, 0);
  // The no-op term reproduces the base experiment exactly: same seeds, same samples.
  const TermResult& none = r->terms[1];
  EXPECT_EQ(none.swing, 0);
  EXPECT_EQ(none.low.seeds, r->base.seeds);
  for (size_t p = 0; p < 2; ++p) {
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(none.low.policies[p].samples[i].value, r->base.policies[p].samples[i].value);
    }
  }
  // SMT at 50% makes every boot slower than with SMT off, run by run (paired).
  const TermResult& smt = r->terms[0];
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_GT(smt.high.policies[0].samples[i].value, smt.low.policies[0].samples[i].value) << i;
  }
  std::ostringstream out;
  WriteSensitivityTable(out, *r);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("speedup: of fifo over eevdf"));
  EXPECT_THAT(text, HasSubstr("tornado"));
  EXPECT_THAT(text, HasSubstr("noise: a change of no substance moves the speedup by up to"));
  const std::string last = text.substr(text.rfind("sensitivity: 2 terms"));
  EXPECT_THAT(last,
              ::testing::MatchesRegex(
                  "sensitivity: 2 terms, largest: smt \\(speedup [0-9.]+x\\.\\.[0-9.]+x\\)\n"));
}

TEST(SensitivityTest, NeedsTwoPolicies) {
  ExperimentConfig c = FairVsFifo();
  c.policies = {"eevdf"};
  auto r = RunSensitivity(c, SensitivityTerms());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("at least two policies"));
}

}  // namespace
}  // namespace scxtwin::experiment
