// Every spec of the workload library loads and validates, and runs to its end in the simulator
// under the core's FIFO test class with no broken invariant.
#include <string>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

class LibraryTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LibraryTest, LoadsAndRuns) {
  const std::string path = "workloads/" + GetParam() + ".textpb";
  auto spec = LoadWorkloadFile(path);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ((*spec)->proto.name(), GetParam());
  EXPECT_FALSE((*spec)->proto.description().empty());
  Topology topo = *Topology::Parse("2x2x4x2");
  FifoClass cls;
  SimOptions o;
  o.duration = 3 * kNsPerSec;
  Simulator sim(topo, **spec, &cls, o);
  auto s = sim.Run();
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_GT(sim.result().context_switches, 100);
  EXPECT_FALSE(sim.result().hit_max_duration);
}

INSTANTIATE_TEST_SUITE_P(Specs, LibraryTest,
                         ::testing::Values("bursty_boot", "fork_exec_storm", "messaging", "cache_steady"));

}  // namespace
}  // namespace scxtwin::sim
