// What the loader sets and runs for scx_p2dq (loader_defaults.h), on a stand-in policy with the
// same global names and layouts and the scx arena library's SEC("syscall") program names
// (testdata/p2dq_loader_policy.bpf.c), for a machine of 2 nodes x 1 LLC x 2 cores x 2 threads.
#include "sim/host/loader_defaults.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

// CPU ids as the simulator numbers them: the first threads of cores 0-3, then the second ones.
std::vector<LoaderCpu> TwoNodes() {
  std::vector<LoaderCpu> cpus;
  for (int thread = 0; thread < 2; ++thread) {
    for (int core = 0; core < 4; ++core)
      cpus.push_back({.node = core / 2, .llc = core / 2, .core = core});
  }
  return cpus;
}

template <typename T>
std::vector<T> Array(const PolicyInstance& policy, const char* name, int n) {
  const Global* g = *policy.FindGlobal(name);
  std::vector<T> v(n);
  std::memcpy(v.data(), g->addr, n * sizeof(T));
  return v;
}

TEST(LoaderDefaultsTest, P2dqGetsTheMachinesTopology) {
  auto p =
      PolicyInstance::Load("sim/host/p2dq_loader_policy.so", {.nr_cpus = 8, .cpus = TwoNodes()});
  ASSERT_TRUE(p.ok()) << p.status();
  const PolicyInstance& policy = **p;
  struct {
    uint32_t nr_cpus, nr_llcs, nr_nodes;
    bool smt, little;
  } topo;
  std::memcpy(&topo, (*policy.FindGlobal("topo_config"))->addr, sizeof(topo));
  EXPECT_EQ(topo.nr_cpus, 8u);
  EXPECT_EQ(topo.nr_llcs, 2u);
  EXPECT_EQ(topo.nr_nodes, 2u);
  EXPECT_TRUE(topo.smt);
  EXPECT_FALSE(topo.little);
  EXPECT_EQ(Array<uint32_t>(policy, "cpu_core_ids", 8),
            (std::vector<uint32_t>{0, 1, 2, 3, 0, 1, 2, 3}));
  EXPECT_EQ(Array<uint64_t>(policy, "cpu_llc_ids", 8),
            (std::vector<uint64_t>{0, 0, 1, 1, 0, 0, 1, 1}));
  EXPECT_EQ(Array<uint64_t>(policy, "cpu_node_ids", 8),
            (std::vector<uint64_t>{0, 0, 1, 1, 0, 0, 1, 1}));
  EXPECT_EQ(Array<uint64_t>(policy, "llc_ids", 3), (std::vector<uint64_t>{0, 1, 0}));
  EXPECT_EQ(Array<uint16_t>(policy, "cpu_capacity", 9),
            (std::vector<uint16_t>{1024, 1024, 1024, 1024, 1024, 1024, 1024, 1024, 0}));
  EXPECT_EQ(Array<uint64_t>(policy, "dsq_time_slices", 3),
            (std::vector<uint64_t>{500000, 2500000, 5000000}));
  // timeline_config: min_slice_us stays the file's, max_exec_ns is twice the last slice.
  EXPECT_EQ(Array<uint64_t>(policy, "timeline_config", 2), (std::vector<uint64_t>{100, 10000000}));
  EXPECT_EQ(*policy.ReadScalar("debug"), 0);
  EXPECT_EQ(*policy.ReadScalar("nr_cpu_ids"), 8);
  EXPECT_TRUE(policy.ops()->flags & SCX_OPS_KEEP_BUILTIN_IDLE);
}

TEST(LoaderDefaultsTest, ArenaLibrarySetupRegistersEveryTopologyNode) {
  auto p =
      PolicyInstance::Load("sim/host/p2dq_loader_policy.so", {.nr_cpus = 8, .cpus = TwoNodes()});
  ASSERT_TRUE(p.ok()) << p.status();
  PolicyInstance& policy = **p;
  FakeHost host(8);
  policy.InstallApi(host.Api());
  ASSERT_TRUE(RunProgramsLikeTheLoader(&policy).ok());
  EXPECT_EQ(*policy.ReadScalar("init_static_pages"), 8);
  EXPECT_EQ(*policy.ReadScalar("init_task_ctx_size"), 512);
  EXPECT_EQ(Array<uint32_t>(policy, "max_children", 5), (std::vector<uint32_t>{2, 1, 2, 2, 0}));
  // arena_init, arena_topology_init, then a mask and a node for: the machine, 2 nodes, 2 LLCs,
  // 4 cores, 8 CPUs.
  std::string want_calls = "it";
  for (int i = 0; i < 17; ++i) want_calls += "mn";
  EXPECT_EQ(std::string(static_cast<const char*>((*policy.FindGlobal("calls"))->addr)), want_calls);
  EXPECT_EQ(Array<uint64_t>(policy, "node_ids", 17),
            (std::vector<uint64_t>{0, 0, 1, 0, 1, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Array<uint64_t>(policy, "node_masks", 17),
            (std::vector<uint64_t>{0xff, 0x33, 0xcc, 0x33, 0xcc, 0x11, 0x22, 0x44, 0x88, 0x01, 0x02,
                                   0x04, 0x08, 0x10, 0x20, 0x40, 0x80}));
}

TEST(LoaderDefaultsTest, AFailingArenaProgramFailsTheSetupNamingIt) {
  auto p =
      PolicyInstance::Load("sim/host/p2dq_loader_policy.so", {.nr_cpus = 8, .cpus = TwoNodes()});
  ASSERT_TRUE(p.ok()) << p.status();
  PolicyInstance& policy = **p;
  ASSERT_TRUE(policy.SetKnob("fail_node_id", 3).ok());
  FakeHost host(8);
  policy.InstallApi(host.Api());
  absl::Status s = RunProgramsLikeTheLoader(&policy);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("arena_topology_node_init returned -22"), std::string::npos) << s;
  // The machine, 2 nodes, 2 LLCs, cores 0-3: core 3 (id 3) failed and nothing came after it.
  EXPECT_EQ(*policy.ReadScalar("nr_nodes"), 9);
}

TEST(LoaderDefaultsTest, CpuPlacesMustMatchTheCpuCount) {
  auto p =
      PolicyInstance::Load("sim/host/p2dq_loader_policy.so", {.nr_cpus = 4, .cpus = TwoNodes()});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace scxtwin::host
