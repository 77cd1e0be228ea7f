#include "sim/fair/fair_knobs.h"

#include "gtest/gtest.h"

namespace scxtwin::sim::fair {
namespace {

TEST(FairKnobs, SetByNameWithOrWithoutPrefix) {
  FairParams p;
  ASSERT_TRUE(SetFairKnob(&p, "eevdf.migration_cost_ns", "250000").ok());
  EXPECT_EQ(p.migration_cost_ns, 250000);
  ASSERT_TRUE(SetFairKnob(&p, "busy_factor", "8").ok());
  EXPECT_EQ(p.busy_factor, 8);
  ASSERT_TRUE(SetFairKnob(&p, "sis_util", "false").ok());
  EXPECT_FALSE(p.sis_util);
  ASSERT_TRUE(SetFairKnob(&p, "eevdf.run_to_parity", "0").ok());
  EXPECT_FALSE(p.run_to_parity);
}

TEST(FairKnobs, ErrorsNameTheKnobAndWhatWasExpected) {
  FairParams p;
  absl::Status s = SetFairKnob(&p, "eevdf.slice", "1");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no knob 'slice'"), std::string::npos) << s;
  EXPECT_NE(s.message().find("base_slice_normalized_ns"), std::string::npos) << s;
  s = SetFairKnob(&p, "imbalance_pct", "90");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("expected an integer >= 100"), std::string::npos) << s;
  s = SetFairKnob(&p, "place_lag", "yes");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("expected 0, 1, false or true"), std::string::npos) << s;
  EXPECT_EQ(p.imbalance_pct, 117);
}

TEST(FairKnobs, DescribeListsEveryKnob) {
  std::vector<std::string> d = DescribeFairKnobs(FairParams());
  EXPECT_EQ(d.size(), 17u);
  EXPECT_EQ(d[0], "base_slice_normalized_ns=700000");
  EXPECT_EQ(d[1], "migration_cost_ns=500000");
}

}  // namespace
}  // namespace scxtwin::sim::fair
