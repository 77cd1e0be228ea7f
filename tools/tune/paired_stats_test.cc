#include "tools/tune/paired_stats.h"

#include <cmath>

#include "gtest/gtest.h"

namespace scxtwin::tune {
namespace {

TEST(StudentTQuantile, MatchesPublishedTables) {
  // Two-sided 95% critical values, as every statistics table prints them.
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 2), 4.303, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.228, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 29), 2.045, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.975, 1000), 1.962, 1e-3);
  EXPECT_NEAR(StudentTQuantile(0.025, 10), -2.228, 1e-3);
  EXPECT_EQ(StudentTQuantile(0.5, 7), 0);
}

TEST(PairedSpeedup, GeometricMeanOfRatiosWithATInterval) {
  // B is exactly 10% faster on every seed: no spread, so the interval is the point.
  std::vector<double> a = {1.1, 2.2, 3.3}, b = {1.0, 2.0, 3.0};
  auto s = PairedSpeedupOf(a, b, false);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->n, 3);
  EXPECT_NEAR(s->speedup, 1.1, 1e-12);
  EXPECT_NEAR(s->lo, 1.1, 1e-12);
  EXPECT_NEAR(s->hi, 1.1, 1e-12);
  // A rate: higher is better, so the ratio turns over.
  auto r = PairedSpeedupOf(b, a, true);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->speedup, 1.1, 1e-12);
}

TEST(PairedSpeedup, IntervalFromTheLogRatiosSpread) {
  // ln ratios 0.1 and 0.3: mean 0.2, sd 0.1414, n 2, t 12.706: half width 1.2706.
  std::vector<double> a = {std::exp(0.1), std::exp(0.3)}, b = {1, 1};
  auto s = PairedSpeedupOf(a, b, false);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->speedup, std::exp(0.2), 1e-9);
  EXPECT_NEAR(std::log(s->hi) - 0.2, 12.706 * 0.1 * std::sqrt(2.0) / std::sqrt(2.0), 1e-3);
  EXPECT_NEAR(std::log(s->lo), 0.2 - (std::log(s->hi) - 0.2), 1e-12);
  // Pairing: a common per-seed factor changes nothing.
  std::vector<double> a2 = {std::exp(0.1) * 5, std::exp(0.3) * 0.5}, b2 = {5, 0.5};
  auto s2 = PairedSpeedupOf(a2, b2, false);
  ASSERT_TRUE(s2.ok());
  EXPECT_NEAR(s2->lo, s->lo, 1e-9);
  EXPECT_NEAR(s2->hi, s->hi, 1e-9);
}

TEST(PairedSpeedup, Errors) {
  EXPECT_FALSE(PairedSpeedupOf({1}, {1}, false).ok());
  EXPECT_FALSE(PairedSpeedupOf({1, 2}, {1}, false).ok());
  EXPECT_FALSE(PairedSpeedupOf({1, 0}, {1, 1}, false).ok());
}

}  // namespace
}  // namespace scxtwin::tune
