// Every spec of the workload library loads and validates, and runs to its end in the simulator
// under the core's FIFO test class with no broken invariant. The specs that carry the micro-VM
// boot model carry it word for word.
#include <fstream>
#include <sstream>
#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"
#include "workloads/workload.pb.h"

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
                         ::testing::Values("bursty_boot", "fork_exec_storm", "messaging",
                                           "cache_steady", "microvm_boot", "serverless_burst",
                                           "ws_large_steady", "boots_with_ws_large"));

// The spec as written (params not substituted).
workload::Workload Raw(const std::string& name) {
  std::ifstream in("workloads/" + name + ".textpb");
  std::stringstream ss;
  ss << in.rdbuf();
  workload::Workload w;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(ss.str(), &w)) << name;
  return w;
}

const workload::Process* Find(const workload::Workload& w, const std::string& name) {
  for (const workload::Process& p : w.process()) {
    if (p.name() == name) return &p;
  }
  return nullptr;
}

// serverless_burst and boots_with_ws_large copy microvm_boot's process (there is no include);
// this keeps the copies from drifting: the same groups, and the same params apart from defaults.
TEST(LibraryTest, BootModelCopiesMatch) {
  const workload::Workload model = Raw("microvm_boot");
  const workload::Process* boot = Find(model, "microvm");
  ASSERT_NE(boot, nullptr);
  for (const char* name : {"serverless_burst", "boots_with_ws_large"}) {
    const workload::Workload copy = Raw(name);
    const workload::Process* p = Find(copy, "microvm");
    ASSERT_NE(p, nullptr) << name;
    ASSERT_EQ(p->group_size(), boot->group_size()) << name;
    for (int g = 0; g < boot->group_size(); ++g) {
      EXPECT_EQ(p->group(g).SerializeAsString(), boot->group(g).SerializeAsString())
          << name << ": group " << boot->group(g).name() << " differs from microvm_boot.textpb's";
    }
    for (const workload::Param& want : model.param()) {
      bool found = false;
      for (const workload::Param& have : copy.param()) {
        if (have.name() != want.name()) continue;
        found = true;
        EXPECT_EQ(have.integer(), want.integer()) << name << ": " << want.name();
        EXPECT_EQ(have.min(), want.min()) << name << ": " << want.name();
      }
      EXPECT_TRUE(found) << name << " lacks param " << want.name();
    }
  }
}

}  // namespace
}  // namespace scxtwin::sim
