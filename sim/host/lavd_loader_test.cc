// scx_lavd's loader setup (lavd_loader.h) for a machine without an energy model or hybrid cores,
// checked against what its Rust loader's cpu_order.rs computes for the same topology: the two
// CPU orders, one compute domain per LLC, the neighbours by distance in its circular order.
#include "sim/host/lavd_loader.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace scxtwin::host {
namespace {

// nodes x LLCs per node x cores per LLC x threads per core, numbered node-major with a core's
// threads adjacent, as the simulator's --topology numbers them.
std::vector<LoaderCpu> Machine(int nodes, int llcs, int cores, int threads) {
  std::vector<LoaderCpu> cpus;
  for (int n = 0; n < nodes; ++n)
    for (int l = 0; l < llcs; ++l)
      for (int c = 0; c < cores; ++c)
        for (int t = 0; t < threads; ++t)
          cpus.push_back({n, n * llcs + l, (n * llcs + l) * cores + c});
  return cpus;
}

TEST(LavdLoaderTest, PerformanceOrderTakesEveryCoresFirstThreadFirst) {
  std::vector<int> want;
  for (int cpu = 0; cpu < 32; cpu += 2) want.push_back(cpu);
  for (int cpu = 1; cpu < 32; cpu += 2) want.push_back(cpu);
  EXPECT_EQ(LavdPerformanceOrder(Machine(2, 2, 4, 2)), want);
}

TEST(LavdLoaderTest, PowersaveOrderFillsACoreThenAnLlcThenANode) {
  std::vector<int> want;
  for (int cpu = 0; cpu < 32; ++cpu) want.push_back(cpu);
  EXPECT_EQ(LavdPowersaveOrder(Machine(2, 2, 4, 2)), want);
}

TEST(LavdLoaderTest, OneComputeDomainPerLlcWithNeighboursByDistance) {
  const std::vector<LavdComputeDomain> doms = LavdComputeDomains(Machine(2, 2, 4, 2));
  ASSERT_EQ(doms.size(), 4u);
  for (int k = 0; k < 4; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(doms[k].id, static_cast<uint64_t>(k));
    EXPECT_EQ(doms[k].alt_id, static_cast<uint64_t>(k)) << "no little cores: its own";
    EXPECT_EQ(doms[k].node, k / 2);
    EXPECT_EQ(doms[k].llc, k);
    std::vector<int> cpus = doms[k].cpus;
    std::sort(cpus.begin(), cpus.end());
    std::vector<int> want;
    for (int cpu = 8 * k; cpu < 8 * k + 8; ++cpu) want.push_back(cpu);
    EXPECT_EQ(cpus, want);
  }
  // The other LLC of the node (distance 2), then the other node's two (distance 10).
  using N = std::vector<std::vector<uint8_t>>;
  EXPECT_EQ(doms[0].neighbors, (N{{1}, {2, 3}}));
  EXPECT_EQ(doms[1].neighbors, (N{{0}, {2, 3}}));
  EXPECT_EQ(doms[2].neighbors, (N{{3}, {0, 1}}));
  EXPECT_EQ(doms[3].neighbors, (N{{2}, {0, 1}}));
}

// cpu_order.rs's own example: eight domains at one distance, read outwards from each one.
TEST(LavdLoaderTest, NeighboursAtOneDistanceAreInCircularOrder) {
  const std::vector<LavdComputeDomain> doms = LavdComputeDomains(Machine(1, 8, 2, 1));
  ASSERT_EQ(doms.size(), 8u);
  using N = std::vector<std::vector<uint8_t>>;
  EXPECT_EQ(doms[0].neighbors, (N{{1, 7, 2, 6, 3, 5, 4}}));
  EXPECT_EQ(doms[1].neighbors, (N{{0, 2, 3, 7, 4, 6, 5}}));
  EXPECT_EQ(doms[7].neighbors, (N{{0, 6, 1, 5, 2, 4, 3}}));
}

TEST(LavdLoaderTest, OneLlcMachineHasOneDomainAndNoNeighbours) {
  const std::vector<LavdComputeDomain> doms = LavdComputeDomains(FlatLoaderCpus(4));
  ASSERT_EQ(doms.size(), 1u);
  EXPECT_TRUE(doms[0].neighbors.empty());
  EXPECT_EQ(doms[0].cpus, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace scxtwin::host
