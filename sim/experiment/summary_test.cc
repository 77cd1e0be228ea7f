#include "sim/experiment/summary.h"

#include "gtest/gtest.h"

namespace scxtwin::experiment {
namespace {

TEST(Summary, MeanStdevAndPercentiles) {
  Summary s = Summarize({4, 1, 3, 2});
  EXPECT_EQ(s.runs, 4);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.stdev, 1.2909944, 1e-6);  // sample stdev of 1..4
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 4);
  EXPECT_DOUBLE_EQ(s.p50, 2.5);
  EXPECT_NEAR(s.p99, 3.97, 1e-9);  // 1 + 0.99 * 3 = rank 2.97 -> 3 + 0.97
}

TEST(Summary, SingleAndEmpty) {
  Summary one = Summarize({7});
  EXPECT_EQ(one.runs, 1);
  EXPECT_DOUBLE_EQ(one.stdev, 0);
  EXPECT_DOUBLE_EQ(one.p99, 7);
  EXPECT_EQ(Summarize({}).runs, 0);
}

TEST(Summary, SpeedupIsBaselineMeanOverMean) {
  std::vector<Row> rows = CompareToFirst({"eevdf", "homing"}, {{1.4, 1.5}, {1.2, 1.3}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].speedup, 1.0);
  EXPECT_NEAR(rows[1].speedup, 1.45 / 1.25, 1e-12);
  std::string table = FormatTable("boot time, s", rows);
  EXPECT_NE(table.find("homing"), std::string::npos);
  EXPECT_NE(table.find("1.160x"), std::string::npos);
  EXPECT_NE(table.find("(boot time, s)"), std::string::npos);
}

TEST(Summary, SpeedupOfARateIsMeanOverBaselineMean) {
  // Work per second: more is better, so a policy doing less work has a speedup below 1.
  std::vector<Row> rows =
      CompareToFirst({"eevdf", "homing"}, {{30, 30}, {27, 27}}, /*higher_is_better=*/true);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].speedup, 1.0);
  EXPECT_NEAR(rows[1].speedup, 0.9, 1e-12);
}

}  // namespace
}  // namespace scxtwin::experiment
