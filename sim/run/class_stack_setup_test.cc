// Runs through the runner (what //sim does): a workload with an RT task runs the chosen class
// in a class stack, under the fair class and under a sched_ext policy; a NORMAL-only workload
// keeps the single class; the fifo test class is refused beside RT tasks.
#include "sim/run/class_stack_setup.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "sim/run/policy_dirs.h"
#include "sim/run/runner.h"

namespace scxtwin::sim {
namespace {

// One CPU, 2 s: a busy SCHED_OTHER task beside a busy SCHED_FIFO one.
constexpr char kRtBesideOther[] = R"pb(
  name: "rt_beside_other"
  duration_ns: 2000000000
  process {
    name: "p"
    group {
      name: "other"
      program { loop { body { run { fixed_ns: 10000000 } } } }
    }
    group {
      name: "rt"
      policy: FIFO
      rt_priority: 10
      program { loop { body { run { fixed_ns: 10000000 } } } }
    }
  })pb";

std::string WriteWorkload(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/" + name + ".textpb";
  std::ofstream(path) << text;
  return path;
}

absl::StatusOr<std::unique_ptr<RunOutput>> RunWith(const std::string& policy,
                                                   const std::string& workload) {
  RunConfig c;
  c.policy = policy;
  c.policy_dirs = DefaultPolicyDirs(nullptr);
  c.workload = WriteWorkload(policy, workload);
  c.topology = "1";
  return RunSimulation(c);
}

SimDuration RunNs(const RunOutput& out, const std::string& prefix) {
  for (const Task& t : out.sim->tasks()) {
    if (t.name.rfind(prefix, 0) == 0) return t.m.run_ns;
  }
  ADD_FAILURE() << "no task " << prefix;
  return -1;
}

// Each class's deadline server gives the starved task 50 ms of every second: 2 x 50 ms.
TEST(ClassStackSetupTest, FairRunsBesideRt) {
  auto out = RunWith("eevdf", kRtBesideOther);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_NE((*out)->stacked.stack, nullptr);
  EXPECT_EQ((*out)->stacked.stack->name(), "rt+eevdf");
  EXPECT_NEAR(RunNs(**out, "p.0/other"), 100 * kNsPerMs, 2 * kNsPerMs);
}

TEST(ClassStackSetupTest, ASchedExtPolicyRunsBesideRt) {
  auto out = RunWith("wvtime", kRtBesideOther);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_NE((*out)->stacked.stack, nullptr);
  EXPECT_EQ((*out)->stacked.stack->owner(0), ClassStack::kExt);
  EXPECT_NEAR(RunNs(**out, "p.0/other"), 100 * kNsPerMs, 2 * kNsPerMs);
  EXPECT_TRUE((*out)->detached().empty());
}

TEST(ClassStackSetupTest, NormalTasksOnlyKeepOneClass) {
  auto out = RunWith("eevdf", R"pb(
    name: "normal"
    process {
      name: "p"
      group {
        name: "a"
        program { run { fixed_ns: 1000000 } }
      }
    })pb");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)->stacked.stack, nullptr);
}

TEST(ClassStackSetupTest, TheFifoTestClassIsRefusedBesideRtTasks) {
  auto out = RunWith("fifo", kRtBesideOther);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(std::string(out.status().message())
                .find("process[0].group[1] (p/rt) has policy FIFO; --policy=fifo cannot run "
                      "beside the RT class; expected the fair class (--policy=eevdf) or a "
                      "sched_ext policy"),
            std::string::npos)
      << out.status();
}

}  // namespace
}  // namespace scxtwin::sim
