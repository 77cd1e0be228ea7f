#include "kernel/stats.h"

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

TEST(SumPerCpu, SumsEachKeyOverCpus) {
  // 2 keys x 3 CPUs, key-major.
  EXPECT_EQ(SumPerCpu({1, 2, 3, 10, 20, 30}, 3, 2), (std::vector<uint64_t>{6, 60}));
}

TEST(FormatStatsLine, NamesEveryCounterInOrder) {
  KernelPolicy p;
  p.name = "homing";
  p.stats = {{"went_home", ""}, {"kicks", ""}};
  EXPECT_EQ(FormatStatsLine(p, {3, 7}, absl::Milliseconds(2000)),
            "stats 2.0s homing: went_home=3 kicks=7");
  EXPECT_EQ(FormatStatsLine(p, {3, 7}, absl::Seconds(9), "final"),
            "stats final homing: went_home=3 kicks=7");
}

}  // namespace
}  // namespace scxtwin
