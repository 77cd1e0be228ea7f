#include "sim/workload/spec.h"

#include <map>

#include "gtest/gtest.h"
#include "sim/engine/rng.h"
#include "sim/workload/dist.h"

namespace scxtwin::sim {
namespace {

constexpr char kPingPong[] = R"pb(
  name: "pp"
  process {
    name: "pair"
    instances: 2
    group {
      name: "ping"
      count: 1
      program {
        loop {
          count: 3
          body { run { fixed_ns: 1000 } }
          body { wake { group: "pong" } }
          body { wait: true }
        }
      }
    }
    group {
      name: "pong"
      count: 1
      program {
        loop {
          count: 3
          body { wait: true }
          body { run { uniform { min_ns: 5 max_ns: 9 } } }
          body { wake { group: "ping" } }
        }
      }
    }
  }
)pb";

TEST(SpecTest, CompilesLoopsIntoJumps) {
  auto spec = ParseWorkload(kPingPong, "pp.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const auto& p = (*spec)->processes[0];
  EXPECT_EQ(p.instances, 2);
  const auto& prog = p.groups[0].program;
  ASSERT_EQ(prog.size(), 5u);
  EXPECT_EQ(prog[0].kind, CompiledOp::kLoopBegin);
  EXPECT_EQ(prog[0].count, 3);
  EXPECT_EQ(prog[0].jump, 5);
  EXPECT_EQ(prog[2].kind, CompiledOp::kWake);
  EXPECT_EQ(prog[2].group, 1);
  EXPECT_EQ(prog[4].kind, CompiledOp::kLoopEnd);
  EXPECT_EQ(prog[4].jump, 1);
}

TEST(SpecTest, CompilesSchedulingPolicies) {
  auto spec = ParseWorkload(R"pb(
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
                                  policy: RR
                                  rt_priority: 50
                                  program { exit: true }
                                }
                              })pb",
                            "policies.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const auto& g = (*spec)->processes[0].groups;
  EXPECT_EQ(g[0].policy, workload::TaskGroup::NORMAL);
  EXPECT_EQ(g[1].policy, workload::TaskGroup::EXT);
  EXPECT_EQ(g[2].policy, workload::TaskGroup::RR);
  EXPECT_EQ(g[2].rt_priority, 50);
  EXPECT_EQ(g[0].rt_priority, 0);
}

TEST(SpecTest, CompilesChannelsWaitsAndInterrupts) {
  constexpr char kText[] = R"pb(
    process {
      name: "vm"
      group {
        name: "vcpu"
        count: 3
        channel: "ack"
        channel: "sync"
        program { wake { group: "vcpu" pick: OTHERS ack: "ack" } }
        program { wait_on { channel: "ack" acks: true spin: true } }
        program { wake { group: "vcpu" pick: ALL channel: "sync" } }
        program { wait_on { channel: "sync" count: 3 } }
        program { wait: true }
      }
    })pb";
  auto spec = ParseWorkload(kText, "ch.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const CompiledGroup& g = (*spec)->processes[0].groups[0];
  EXPECT_EQ(g.channels, (std::vector<std::string>{"", "ack", "sync"}));
  const auto& prog = g.program;
  ASSERT_EQ(prog.size(), 5u);
  EXPECT_EQ(prog[0].kind, CompiledOp::kWake);
  EXPECT_EQ(prog[0].ack, 1);
  EXPECT_EQ(prog[0].pick, workload::Target::OTHERS);
  EXPECT_EQ(prog[1].kind, CompiledOp::kWait);
  EXPECT_EQ(prog[1].channel, 1);
  EXPECT_TRUE(prog[1].acks);
  EXPECT_TRUE(prog[1].spin);
  EXPECT_EQ(prog[2].ack, -1);
  EXPECT_EQ(prog[2].channel, 2);
  EXPECT_EQ(prog[3].channel, 2);
  EXPECT_EQ(prog[3].count, 3);
  EXPECT_FALSE(prog[3].spin);
  EXPECT_EQ(prog[4].kind, CompiledOp::kWait);  // `wait: true`: the default channel, one wake
  EXPECT_EQ(prog[4].channel, 0);
  EXPECT_EQ(prog[4].count, 1);
}

struct BadCase {
  const char* text;
  const char* want;  // substring of the error
};

TEST(SpecTest, ErrorsNameFileFieldAndExpectation) {
  const BadCase cases[] = {
      {"process {", "bad.textpb: line"},
      {"name: \"x\"", "process: is empty"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { run { uniform { min_ns: 9 max_ns: 5 } } }
              }
            })pb",
       "process[0].group[0].program[0].run.uniform.max_ns: 5 < min_ns 9"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                nice: 30
                program { exit: true }
              }
            })pb",
       "process[0].group[0].nice: 30 is outside -20..19"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                policy: FIFO
                program { exit: true }
              }
            })pb",
       "process[0].group[0].rt_priority: 0 is outside 1..99; expected a priority in 1..99 for "
       "policy FIFO"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                policy: RR
                rt_priority: 100
                program { exit: true }
              }
            })pb",
       "process[0].group[0].rt_priority: 100 is outside 1..99"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                policy: EXT
                rt_priority: 5
                program { exit: true }
              }
            })pb",
       "process[0].group[0].rt_priority: 5 is set for policy EXT; expected 0 (only FIFO and RR "
       "have an RT priority)"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                policy: 9
                program { exit: true }
              }
            })pb",
       "process[0].group[0].policy: 9 is not a policy; expected NORMAL, EXT, FIFO or RR"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { wake { group: "nope" } }
              }
            })pb",
       "program[0].wake.group: 'nope' is not a group of process 'p'"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { fork { group: "g" } }
              }
            })pb",
       "fork.group: 'g' is not an on_fork group"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { loop { body { wake { group: "g" } } } }
              }
            })pb",
       "loop.body: has no run, sleep or wait"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                affinity: "3-1"
                program { exit: true }
              }
            })pb",
       "group[0].affinity: '3-1'"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { sleep {} }
              }
            })pb",
       "program[0].sleep: no distribution set"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program { wake { group: "g" index: 2 } }
              }
            })pb",
       "wake.index: 2 is outside group 'g' of 2 tasks"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                on_fork: true
                program { exit: true }
              }
            })pb",
       "every group is on_fork"},
      // Channels.
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { wake { group: "g" channel: "ipi" } }
              }
            })pb",
       "program[0].wake.channel: channel 'ipi' is not declared by group 'g'; expected the default "
       "channel"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "ack"
                program { wait_on { channel: "ipi" } }
              }
            })pb",
       "program[0].wait_on.channel: channel 'ipi' is not declared by group 'g'; expected \"\" or "
       "one of its channels: ack"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "ack"
                program { wake { group: "g" ack: "ipi" } }
                program { wait_on { channel: "ack" acks: true } }
              }
            })pb",
       "program[0].wake.ack: channel 'ipi' is not declared by group 'g'"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "ack"
                channel: "ack"
                program { wait_on { channel: "ack" } }
              }
            })pb",
       "group[0].channel[1]: 'ack' is declared twice"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: ""
                program { exit: true }
              }
            })pb",
       "group[0].channel[0]: is empty"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "ack"
                program { wake { group: "g" channel: "ack" } }
              }
            })pb",
       "group[0].channel[0]: 'ack' is never waited on by group 'g'"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "a"
                program { wake { group: "g" channel: "a" ack: "a" } }
                program { wait_on { channel: "a" } }
              }
            })pb",
       "program[0].wake: sets both channel and ack"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "a"
                program { wake { group: "g" pick: WAITING_ONLY ack: "a" } }
                program { wait_on { channel: "a" acks: true } }
              }
            })pb",
       "program[0].wake.pick: WAITING_ONLY with ack"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                channel: "a"
                program { wait_on { channel: "a" count: 2 acks: true } }
              }
            })pb",
       "program[0].wait_on.count: is set with acks: true"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { wait_on { count: -1 } }
              }
            })pb",
       "program[0].wait_on.count: -1 is negative"},
      {R"pb(hotplug { at_ns: 5 cpu: 1 online: false }
            hotplug { at_ns: 2 cpu: 1 online: true }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "hotplug[1].at_ns: goes back in time; expected the events in time order"},
      {R"pb(hotplug { at_ns: 5 cpu: -1 }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "hotplug[0].cpu: expected a CPU number >= 0"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program { set_affinity { cpus: "0-x" } }
              }
            })pb",
       "process[0].group[0].program[0].set_affinity.cpus: '0-x' in '0-x' is not a CPU or range"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program { set_affinity {} }
              }
            })pb",
       "program[0].set_affinity.cpus: is empty; expected a CPU list"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program { set_nice { nice: 20 } }
              }
            })pb",
       "program[0].set_nice.nice: 20 is outside -20..19"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program { set_nice { nice: -21 } }
              }
            })pb",
       "program[0].set_nice.nice: -21 is outside -20..19"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program {
                  set_nice {
                    nice: 1
                    target { group: "nope" }
                  }
                }
              }
            })pb",
       "program[0].set_nice.target.group: 'nope' is not a group of process 'p'"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program {
                  set_affinity {
                    cpus: "1"
                    target { group: "g" index: 2 }
                  }
                }
              }
            })pb",
       "program[0].set_affinity.target.index: 2 is outside group 'g' of 2 tasks"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program {
                  set_affinity {
                    cpus: "1"
                    target { group: "g" pick: WAITING }
                  }
                }
              }
            })pb",
       "program[0].set_affinity.target.pick: WAITING picks a waiter"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                count: 2
                program { set_nice { target { group: "g" channel: "c" } } }
              }
            })pb",
       "program[0].set_nice.target: sets channel, ack or handler"},
  };
  for (const BadCase& c : cases) {
    auto spec = ParseWorkload(c.text, "bad.textpb");
    ASSERT_FALSE(spec.ok()) << c.text;
    EXPECT_NE(spec.status().message().find(c.want), std::string::npos)
        << "got: " << spec.status().message() << "\nwant: " << c.want;
    EXPECT_EQ(spec.status().message().rfind("bad.textpb: ", 0), 0u) << spec.status().message();
  }
}

TEST(SpecTest, CompilesPropertyChanges) {
  auto spec = ParseWorkload(R"pb(process {
                                   name: "p"
                                   group {
                                     name: "w"
                                     count: 3
                                     program { run { fixed_ns: 5 } }
                                   }
                                   group {
                                     name: "ctl"
                                     program { set_affinity { cpus: "0,2" } }
                                     program {
                                       set_nice {
                                         nice: -5
                                         target { group: "w" pick: NEXT }
                                       }
                                     }
                                   }
                                 })pb",
                            "c.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const std::vector<CompiledOp>& prog = (*spec)->processes[0].groups[1].program;
  ASSERT_EQ(prog.size(), 2u);
  EXPECT_EQ(prog[0].kind, CompiledOp::kSetAffinity);
  EXPECT_EQ(prog[0].group, -1);  // the task itself
  EXPECT_EQ(*prog[0].cpus, "0,2");
  EXPECT_STREQ(OpName(prog[0]), "set_affinity");
  EXPECT_EQ(prog[1].kind, CompiledOp::kSetNice);
  EXPECT_EQ(prog[1].group, 0);
  EXPECT_EQ(prog[1].pick, workload::Target::NEXT);
  EXPECT_EQ(prog[1].nice, -5);
}

TEST(SpecTest, CompilesCgroupsGroupsAndCgroupOps) {
  auto spec = ParseWorkload(R"pb(
                              cgroup { path: "/a" weight: 300 }
                              cgroup { path: "/a/b" }
                              cgroup { path: "/c" weight: 1 }
                              process {
                                name: "p"
                                group {
                                  name: "g"
                                  cgroup: "/a/b"
                                  program { move_to_cgroup: "/c" }
                                  program { set_cgroup_weight { path: "/a" weight: 10000 } }
                                  program { move_to_cgroup: "/" }
                                }
                                group {
                                  name: "r"
                                  program { exit: true }
                                }
                              }
                            )pb",
                            "cg.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const auto& cgs = (*spec)->cgroups;
  ASSERT_EQ(cgs.size(), 4u);
  EXPECT_EQ(cgs[0].path, "/");
  EXPECT_EQ(cgs[0].weight, 100u);
  EXPECT_EQ(cgs[1].path, "/a");
  EXPECT_EQ(cgs[1].parent, 0);
  EXPECT_EQ(cgs[1].level, 1);
  EXPECT_EQ(cgs[1].weight, 300u);
  EXPECT_EQ(cgs[2].parent, 1);
  EXPECT_EQ(cgs[2].level, 2);
  EXPECT_EQ(cgs[2].weight, 100u);  // 0: the default
  EXPECT_EQ(cgs[3].weight, 1u);
  const auto& g = (*spec)->processes[0].groups[0];
  EXPECT_EQ(g.cgroup, 2);
  EXPECT_EQ((*spec)->processes[0].groups[1].cgroup, 0);
  ASSERT_EQ(g.program.size(), 3u);
  EXPECT_EQ(g.program[0].kind, CompiledOp::kMoveToCgroup);
  EXPECT_EQ(g.program[0].cgroup, 3);
  EXPECT_EQ(g.program[1].kind, CompiledOp::kSetCgroupWeight);
  EXPECT_EQ(g.program[1].cgroup, 1);
  EXPECT_EQ(g.program[1].weight, 10000u);
  EXPECT_EQ(g.program[2].cgroup, 0);
  EXPECT_STREQ(OpName(g.program[1]), "set_cgroup_weight");
}

TEST(SpecTest, CgroupErrorsNameTheInput) {
  const BadCase cases[] = {
      {R"pb(cgroup { path: "/a" weight: 10001 }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "bad.textpb: cgroup[0].weight: 10001 is outside 1..10000 (cpu.weight)"},
      {R"pb(cgroup { path: "/a" weight: -5 }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "cgroup[0].weight: -5 is outside 1..10000"},
      {R"pb(cgroup { path: "a" }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "cgroup[0].path: 'a' is not a cgroup path"},
      {R"pb(cgroup { path: "/a/b" }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "cgroup[0].path: '/a/b' has parent '/a', which is not declared before it"},
      {R"pb(cgroup { path: "/a" }
            cgroup { path: "/a" }
            process {
              name: "p"
              group {
                name: "g"
                program { exit: true }
              }
            })pb",
       "cgroup[1].path: '/a' is declared twice"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                cgroup: "/nope"
                program { exit: true }
              }
            })pb",
       "process[0].group[0].cgroup: cgroup '/nope' is not declared"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { move_to_cgroup: "/x" }
              }
            })pb",
       "process[0].group[0].program[0].move_to_cgroup: cgroup '/x' is not declared"},
      {R"pb(cgroup { path: "/a" }
            process {
              name: "p"
              group {
                name: "g"
                program { set_cgroup_weight { path: "/a" weight: 0 } }
              }
            })pb",
       "program[0].set_cgroup_weight.weight: 0 is outside 1..10000"},
      {R"pb(process {
              name: "p"
              group {
                name: "g"
                program { set_cgroup_weight { path: "/" weight: 5 } }
              }
            })pb",
       "program[0].set_cgroup_weight.path: is the root cgroup, whose weight is fixed"},
  };
  for (const BadCase& c : cases) {
    auto spec = ParseWorkload(c.text, "bad.textpb");
    ASSERT_FALSE(spec.ok()) << c.text;
    EXPECT_NE(spec.status().message().find(c.want), std::string::npos)
        << "got: " << spec.status().message() << "\nwant: " << c.want;
  }
}

TEST(SpecTest, MissingFileIsNamed) {
  auto spec = LoadWorkloadFile("/nonexistent/w.textpb");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(spec.status().message().find("/nonexistent/w.textpb: cannot open"), std::string::npos);
}

TEST(CpuListTest, ParsesRangesAndRejectsOutOfMachine) {
  auto s = ParseCpuList("0-2,5", 8, "aff");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Count(), 4);
  EXPECT_TRUE(s->Test(5));
  EXPECT_FALSE(s->Test(3));
  EXPECT_EQ(ParseCpuList("", 8, "aff")->Count(), 8);
  EXPECT_FALSE(ParseCpuList("9", 8, "aff").ok());
  EXPECT_FALSE(ParseCpuList("a", 8, "aff").ok());
}

TEST(DistTest, SamplesStayInRangeAndAreSeedDeterministic) {
  workload::Dist u;
  u.mutable_uniform()->set_min_ns(10);
  u.mutable_uniform()->set_max_ns(12);
  uint64_t a[4], b[4];
  SeedStream(a, 42, 1, 2);
  SeedStream(b, 42, 1, 2);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 1000; ++i) {
    int64_t x = SampleDist(u, a);
    EXPECT_EQ(x, SampleDist(u, b));
    seen[x]++;
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.begin()->first, 10);
  workload::Dist e;
  e.mutable_exponential()->set_mean_ns(1000);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += SampleDist(e, a);
  EXPECT_NEAR(sum / 20000, 1000, 50);
  workload::Dist l;
  l.mutable_lognormal()->set_median_ns(1000);
  l.mutable_lognormal()->set_sigma(1.0);
  l.mutable_lognormal()->set_max_ns(5000);
  int below = 0;
  for (int i = 0; i < 20000; ++i) {
    int64_t x = SampleDist(l, a);
    EXPECT_LE(x, 5000);
    below += x < 1000;
  }
  EXPECT_NEAR(below / 20000.0, 0.5, 0.03);
  SeedStream(b, 43, 1, 2);
  SeedStream(a, 42, 1, 2);
  EXPECT_NE(NextRandom(a), NextRandom(b));
}

}  // namespace
}  // namespace scxtwin::sim
