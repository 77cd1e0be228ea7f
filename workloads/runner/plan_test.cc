// The plan carries a loaded spec to the guest unchanged: every op kind, dist and field survives
// FormatPlan -> ReadPlan, and bad plans are refused with the line at fault.
#include "workloads/runner/plan.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "sim/workload/spec.h"
#include "workloads/runner/plan_writer.h"

namespace scxtwin::runner {
namespace {

constexpr char kEveryOp[] = R"pb(
  name: "every_op"
  duration_ns: 500000000
  param { name: "n" default_value: 3 integer: true }
  process {
    name: "p"
    instances: 2
    arrival { poisson_mean_gap_ns: 1000000 }
    group {
      name: "main"
      count: 1
      nice: 5
      affinity: "0-1"
      channel: "ack"
      start { uniform { min_ns: 0 max_ns: 1000 } }
      program {
        loop {
          count_param { name: "n" }
          body { run { lognormal { median_ns: 40000 sigma: 1.5 max_ns: 900000 } } }
          body {
            wake {
              group: "kid"
              pick: OTHERS
              ack: "ack"
              handler { fixed_ns: 2000 }
            }
          }
          body { wait_on { channel: "ack" acks: true spin: true } }
        }
      }
      program { fork { group: "kid" count: 2 } }
      program { sleep { empirical { sample_ns: 5 sample_ns: 7 } } }
      program { wake { group: "kid" pick: WAITING } }
      program { exit: true }
    }
    group {
      name: "kid"
      on_fork: true
      program { wait: true }
      program { sleep { exponential { mean_ns: 300000 } } }
    }
  }
)pb";

TEST(PlanTest, SimulatorOnlyOpsAreRefused) {
  EXPECT_TRUE(CheckRunnable(**sim::ParseWorkload(kEveryOp, "every_op.textpb")).ok());
  auto spec = sim::ParseWorkload(
      R"pb(name: "y"
           process {
             name: "p"
             group {
               name: "g"
               program { run { fixed_ns: 5 } }
               program { yield: true }
             }
           })pb",
      "y.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(CheckRunnable(**spec).message(),
            "y.textpb: process[0].group[0].program[1]: yield is simulator-only; expected a spec "
            "of run, sleep, wake, wait, wait_on, fork, exit and loop ops for the VM runner");
}

TEST(PlanTest, PropertyChangesAreRefused) {
  auto spec = sim::ParseWorkload(
      R"pb(name: "c"
           process {
             name: "p"
             group {
               name: "g"
               program { set_nice { nice: 3 } }
             }
           })pb",
      "c.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(CheckRunnable(**spec).message(),
            "c.textpb: process[0].group[0].program[0]: set_nice is simulator-only; expected a spec "
            "of run, sleep, wake, wait, wait_on, fork, exit and loop ops for the VM runner");
}

TEST(PlanTest, CgroupsAreRefused) {
  auto spec = sim::ParseWorkload(
      R"pb(name: "c"
           cgroup { path: "/a" weight: 200 }
           process {
             name: "p"
             group {
               name: "g"
               cgroup: "/a"
               program { run { fixed_ns: 5 } }
             }
           })pb",
      "c.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(CheckRunnable(**spec).message(),
            "c.textpb: cgroup[0]: '/a': cgroups are simulator-only; expected a spec without "
            "`cgroup` for the VM runner (its threads stay in the runner's cgroup)");
  auto move = sim::ParseWorkload(
      R"pb(name: "m"
           process {
             name: "p"
             group {
               name: "g"
               program { move_to_cgroup: "/" }
             }
           })pb",
      "m.textpb");
  ASSERT_TRUE(move.ok()) << move.status();
  EXPECT_EQ(CheckRunnable(**move).message(),
            "m.textpb: process[0].group[0].program[0]: move_to_cgroup is simulator-only; "
            "expected a spec of run, sleep, wake, wait, wait_on, fork, exit and loop ops for the "
            "VM runner");
}

TEST(PlanTest, RoundTripsEveryOpKind) {
  auto spec = sim::ParseWorkload(kEveryOp, "every_op.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const Plan plan = PlanFromSpec(**spec);
  const std::string text = FormatPlan(plan);
  std::istringstream in(text);
  Plan back;
  std::string error;
  ASSERT_TRUE(ReadPlan(in, &back, &error)) << error << "\n" << text;
  EXPECT_EQ(FormatPlan(back), text);

  EXPECT_EQ(back.workload, "every_op");
  EXPECT_EQ(back.duration_ns, 500000000);
  ASSERT_EQ(back.params.size(), 1u);
  EXPECT_EQ(back.params[0].second, 3);
  ASSERT_EQ(back.processes.size(), 1u);
  const PlanProcess& p = back.processes[0];
  EXPECT_TRUE(p.poisson);
  EXPECT_EQ(p.poisson_mean_gap_ns, 1000000);
  EXPECT_EQ(p.instances, 2);
  const PlanGroup& main = p.groups[0];
  EXPECT_EQ(main.nice, 5);
  EXPECT_EQ(main.affinity, "0-1");
  EXPECT_EQ(main.channels, 2);
  EXPECT_EQ(main.start.kind, PlanDist::kUniform);
  ASSERT_EQ(main.program.size(), 9u);
  EXPECT_EQ(main.program[0].kind, PlanOp::kLoopBegin);
  EXPECT_EQ(main.program[0].count, 3);  // from the param
  EXPECT_EQ(main.program[1].dist.kind, PlanDist::kLogNormal);
  EXPECT_DOUBLE_EQ(main.program[1].dist.sigma, 1.5);
  EXPECT_EQ(main.program[2].kind, PlanOp::kWake);
  EXPECT_EQ(main.program[2].ack, 1);
  EXPECT_EQ(main.program[2].pick, 6);                      // OTHERS
  EXPECT_EQ(main.program[2].dist.kind, PlanDist::kFixed);  // the handler
  EXPECT_TRUE(main.program[3].acks);
  EXPECT_TRUE(main.program[3].spin);
  EXPECT_EQ(main.program[5].kind, PlanOp::kFork);
  EXPECT_EQ(main.program[5].count, 2);
  EXPECT_EQ(main.program[6].dist.samples, (std::vector<int64_t>{5, 7}));
  EXPECT_TRUE(p.groups[1].on_fork);
}

void ExpectBad(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  Plan plan;
  std::string error;
  EXPECT_FALSE(ReadPlan(in, &plan, &error)) << text;
  EXPECT_NE(error.find(what), std::string::npos) << error;
}

TEST(PlanTest, CarriesEachGroupsPolicy) {
  auto spec = sim::ParseWorkload(R"pb(
                                   name: "policy"
                                   process {
                                     name: "p"
                                     group {
                                       name: "other"
                                       program { exit: true }
                                     }
                                     group {
                                       name: "ext"
                                       policy: EXT
                                       program { exit: true }
                                     }
                                     group {
                                       name: "rt"
                                       policy: FIFO
                                       rt_priority: 50
                                       program { exit: true }
                                     }
                                   })pb",
                                 "policy.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const std::string text = FormatPlan(PlanFromSpec(**spec));
  EXPECT_NE(text.find("policy EXT 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("policy FIFO 50\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("policy NORMAL"), std::string::npos) << text;  // the default: no line
  std::istringstream in(text);
  Plan back;
  std::string error;
  ASSERT_TRUE(ReadPlan(in, &back, &error)) << error;
  EXPECT_EQ(FormatPlan(back), text);
  const std::vector<PlanGroup>& g = back.processes[0].groups;
  EXPECT_EQ(g[0].policy, 0);
  EXPECT_EQ(g[1].policy, 1);
  EXPECT_EQ(g[2].policy, 2);
  EXPECT_EQ(g[2].rt_priority, 50);
}

TEST(PlanTest, RefusesBadPlans) {
  ExpectBad("scxtwin-plan 1\nprocess p 1 at 0\ngroup g 1 0 - 0 1 none\npolicy FIFO 0\n",
            "line 4: expected policy EXT 0 | policy FIFO|RR PRIORITY (1..99)");
  ExpectBad("scxtwin-plan 1\nprocess p 1 at 0\ngroup g 1 0 - 0 1 none\npolicy BATCH 0\n",
            "line 4: expected policy");
  ExpectBad("scxtwin-plan 1\nprocess p 1 at 0\npolicy RR 3\n", "line 3: a policy before any group");
  ExpectBad("", "empty plan");
  ExpectBad("scxtwin-plan 2\n", "line 1: expected 'scxtwin-plan 1'");
  ExpectBad("scxtwin-plan 1\ngroup g 1 0 - 0 1 none\n", "line 2: a group before any process");
  ExpectBad("scxtwin-plan 1\nprocess p 1 at 0\ngroup g 1 0 - 0 1 none\nop jump 3\n",
            "line 4: expected an op kind");
  ExpectBad("scxtwin-plan 1\nprocess p 1 at 0\ngroup g 1 0 - 0 1 none\nop run lognormal 5\n",
            "line 4: bad operands for op run");
  ExpectBad("scxtwin-plan 1\nprocess p 1 at 0\ngroup g 1 0 - 0 1 none\nop wake 4 0 0 0 -1 none\n",
            "an op names a group, jump or channel outside the plan");
}

// The VM's hotplug test runs a committed plan; it must be the plan of the simulator's spec.
TEST(PlanTest, CommittedHotplugPlanMatchesItsSpec) {
  const std::string root = std::string(std::getenv("TEST_SRCDIR")) + "/scxtwin/";
  auto spec = sim::LoadWorkloadFile(root + "policy/testdata/two_hogs.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  std::ifstream committed(root + "tests/kernel/two_hogs.plan");
  std::stringstream text;
  text << committed.rdbuf();
  EXPECT_EQ(text.str(), FormatPlan(PlanFromSpec(**spec)))
      << "regenerate: bazel run //tools:twin -- plan --workload=policy/testdata/two_hogs.textpb";
}

}  // namespace
}  // namespace scxtwin::runner
