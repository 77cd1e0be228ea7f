// The domain hierarchy built from a topology: levels, groups, intervals and margins
// (docs/model.md 1).
#include "sim/fair/sched_domains.h"

#include "gtest/gtest.h"

namespace scxtwin::sim::fair {
namespace {

TEST(SchedDomains, TwoSocketsTwoLlcsSmt) {
  // 2 sockets x 2 LLCs x 4 cores x 2 threads = 32 CPUs.
  Topology topo = Topology::Make(2, 2, 4, 2);
  SchedDomains d(topo, FairParams());
  const auto& doms = d.of(0);
  ASSERT_EQ(doms.size(), 4u);
  EXPECT_EQ(doms[0].shape->level, DomainLevel::kSmt);
  EXPECT_EQ(doms[0].shape->span.size(), 2u);
  EXPECT_EQ(doms[0].shape->groups.size(), 2u);  // one group per thread
  EXPECT_EQ(doms[0].shape->imbalance_pct, 110);
  EXPECT_EQ(doms[0].shape->cache_nice_tries, 0);
  EXPECT_EQ(doms[0].shape->min_interval, 2 * kNsPerMs);
  EXPECT_EQ(doms[0].shape->max_interval, 4 * kNsPerMs);
  EXPECT_EQ(doms[1].shape->level, DomainLevel::kMc);
  EXPECT_EQ(doms[1].shape->span.size(), 8u);
  EXPECT_EQ(doms[1].shape->groups.size(), 4u);  // one group per core
  EXPECT_EQ(doms[1].shape->imbalance_pct, 117);
  EXPECT_EQ(doms[1].shape->cache_nice_tries, 1);
  EXPECT_EQ(doms[2].shape->level, DomainLevel::kPkg);
  EXPECT_EQ(doms[2].shape->groups.size(), 2u);  // one group per LLC
  EXPECT_EQ(doms[3].shape->level, DomainLevel::kNuma);
  EXPECT_EQ(doms[3].shape->span.size(), 32u);
  EXPECT_EQ(doms[3].shape->groups.size(), 2u);  // one group per node
  EXPECT_EQ(doms[3].shape->cache_nice_tries, 2);
  EXPECT_EQ(doms[3].shape->min_interval, 32 * kNsPerMs);
  // Groups partition the span, and the local group holds the CPU.
  for (int cpu : {0, 5, 17, 31}) {
    for (const DomainState& s : d.of(cpu)) {
      size_t n = 0;
      for (const auto& g : s.shape->groups) n += g.size();
      EXPECT_EQ(n, s.shape->span.size());
      const auto& local = s.shape->groups[s.local_group];
      EXPECT_NE(std::find(local.begin(), local.end(), cpu), local.end());
    }
  }
  // CPUs of one LLC share the MC shape; their balancing state is their own.
  EXPECT_EQ(d.of(0)[1].shape, d.of(1)[1].shape);
  EXPECT_NE(&d.of(0)[1], &d.of(1)[1]);
}

TEST(SchedDomains, FlatMachineHasOneLevelOfSingleCpuGroups) {
  SchedDomains d(Topology::Make(1, 1, 16, 1), FairParams());
  ASSERT_EQ(d.of(3).size(), 1u);
  EXPECT_EQ(d.of(3)[0].shape->level, DomainLevel::kMc);
  EXPECT_EQ(d.of(3)[0].shape->groups.size(), 16u);
  EXPECT_EQ(d.of(3)[0].local_group, 3);
  EXPECT_EQ(d.of(3)[0].balance_interval, 16 * kNsPerMs);
}

TEST(SchedDomains, OneCpuHasNoDomains) {
  SchedDomains d(Topology::Make(1, 1, 1, 1), FairParams());
  EXPECT_TRUE(d.of(0).empty());
}

}  // namespace
}  // namespace scxtwin::sim::fair
