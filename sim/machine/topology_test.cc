#include "sim/machine/topology.h"

#include "gtest/gtest.h"
#include "sim/machine/costs.h"

namespace scxtwin::sim {
namespace {

TEST(TopologyTest, ParsesFourLevelSpec) {
  auto t = Topology::Parse("2x2x4x2");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->nr_cpus(), 32);
  EXPECT_EQ(t->nr_cores(), 16);
  EXPECT_EQ(t->nr_llcs(), 4);
  EXPECT_EQ(t->nr_nodes(), 2);
  // Linux-style enumeration: cpu 0 and cpu 16 share core 0.
  EXPECT_EQ(t->distance(0, 16), Distance::kSmtSibling);
  EXPECT_EQ(t->distance(0, 1), Distance::kSameLlc);
  EXPECT_EQ(t->distance(0, 4), Distance::kOtherLlc);
  EXPECT_EQ(t->distance(0, 8), Distance::kOtherNode);
  EXPECT_EQ(t->distance(3, 3), Distance::kSameCpu);
  EXPECT_EQ(t->distance(20, 5), Distance::kSameLlc);  // core 4 thread 1 vs core 5
  EXPECT_EQ(t->core_cpus(16), (std::vector<int32_t>{0, 16}));
  EXPECT_EQ(t->llc_cpus(0).size(), 8u);
  EXPECT_EQ(t->node_cpus(31).size(), 16u);
  EXPECT_EQ(t->place(31).node, 1);
}

TEST(TopologyTest, FlatCount) {
  auto t = Topology::Parse("16");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->nr_cpus(), 16);
  EXPECT_EQ(t->smt(), 1);
  EXPECT_EQ(t->distance(0, 15), Distance::kSameLlc);
}

TEST(TopologyTest, RejectsBadSpecsNamingThem) {
  for (const char* bad : {"", "2x2", "0x1x1x1", "2xax4x2", "-3", "64x64x64x2"}) {
    auto t = Topology::Parse(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("--topology='"), std::string::npos);
    EXPECT_NE(t.status().message().find("expected"), std::string::npos);
  }
}

TEST(CostsTest, RefillGrowsWithDistanceAndWorkingSet) {
  MachineCosts c;
  EXPECT_EQ(c.tick_ns(), 4 * kNsPerMs);
  EXPECT_EQ(c.refill(Distance::kSmtSibling, WorkingSet::kLarge), 0);
  for (int w = 0; w < kNumWorkingSets; ++w) {
    for (int d = 2; d < kNumDistances; ++d) {
      EXPECT_GT(c.refill(static_cast<Distance>(d), static_cast<WorkingSet>(w)),
                c.refill(static_cast<Distance>(d - 1), static_cast<WorkingSet>(w)));
    }
  }
  ASSERT_TRUE(c.Set("refill_ns.same_llc.large", "7").ok());
  EXPECT_EQ(c.refill(Distance::kSameLlc, WorkingSet::kLarge), 7);
  ASSERT_TRUE(c.Set("hz", "1000").ok());
  EXPECT_EQ(c.tick_ns(), kNsPerMs);
  EXPECT_FALSE(c.Set("hz", "0").ok());
  EXPECT_FALSE(c.Set("nope", "1").ok());
  EXPECT_FALSE(c.Set("context_switch_ns", "x").ok());
}

}  // namespace
}  // namespace scxtwin::sim
