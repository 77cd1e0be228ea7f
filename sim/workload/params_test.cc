// Workload params: defaults and --param overrides reach counts, loops, forks, arrivals and
// time scales; every bad declaration, override or reference is one error naming the param.
#include "sim/workload/params.h"

#include "gtest/gtest.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

constexpr char kVm[] = R"pb(
  name: "vm"
  param { name: "vcpus" default_value: 4 min: 1 max: 64 integer: true doc: "vCPU threads" }
  param { name: "boots" default_value: 2 min: 1 integer: true }
  param { name: "gap_ms" default_value: 0 min: 0 }
  param { name: "work" default_value: 1 min: 0 }
  param { name: "reads" default_value: 1 min: 0 integer: true }
  process {
    name: "vm"
    instances_param { name: "boots" }
    arrival {
      at_ns: 5
      poisson_mean_gap_param { name: "gap_ms" multiply: 1000000 }
    }
    group {
      name: "main"
      program {
        fork {
          group: "vcpu"
          count_param { name: "vcpus" }
        }
      }
      program {
        loop {
          count_param { name: "vcpus" multiply: 3 add: -1 }
          body { wait: true }
          body { run { fixed_ns: 10 } }
        }
      }
      program {
        loop {
          count_param { name: "reads" }
          body { sleep { fixed_ns: 7 } }
        }
      }
    }
    group {
      name: "aps"
      count_param { name: "vcpus" add: -1 }
      program { run { fixed_ns: 1 } }
    }
    group {
      name: "vcpu"
      on_fork: true
      program {
        run {
          lognormal { median_ns: 1000 sigma: 1 max_ns: 5000 }
          scale_param: "work"
        }
      }
    }
  }
)pb";

TEST(ParamsTest, DefaultsReachEveryReference) {
  auto spec = ParseWorkload(kVm, "vm.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const CompiledProcess& p = (*spec)->processes[0];
  EXPECT_EQ(p.instances, 2);
  EXPECT_FALSE(p.poisson);  // a gap of 0: every instance at at_ns
  EXPECT_EQ(p.at_ns, 5);
  EXPECT_EQ(p.groups[1].count, 3);  // vcpus - 1
  const auto& main = p.groups[0].program;
  EXPECT_EQ(main[0].kind, CompiledOp::kFork);
  EXPECT_EQ(main[0].count, 4);
  EXPECT_EQ(main[1].kind, CompiledOp::kLoopBegin);
  EXPECT_EQ(main[1].count, 11);  // 3 * vcpus - 1
  EXPECT_EQ(FormatParams((*spec)->params), "vcpus=4 boots=2 gap_ms=0 work=1 reads=1");
}

TEST(ParamsTest, OverridesChangeTheSpec) {
  auto spec = ParseWorkload(
      kVm, "vm.textpb",
      {{"vcpus", "16"}, {"gap_ms", "2.5"}, {"work", "0.5"}, {"reads", "0"}, {"boots", "7"}});
  ASSERT_TRUE(spec.ok()) << spec.status();
  const CompiledProcess& p = (*spec)->processes[0];
  EXPECT_EQ(p.instances, 7);
  EXPECT_TRUE(p.poisson);
  EXPECT_EQ(p.poisson_mean_gap_ns, 2500000);
  EXPECT_EQ(p.groups[1].count, 15);
  const auto& main = p.groups[0].program;
  EXPECT_EQ(main[0].count, 16);
  EXPECT_EQ(main[1].count, 47);
  // reads=0 leaves the third loop out: fork, loop begin, wait, run, loop end.
  EXPECT_EQ(main.size(), 5u);
  const workload::Dist& d = *p.groups[2].program[0].dist;
  EXPECT_EQ(d.lognormal().median_ns(), 500);
  EXPECT_EQ(d.lognormal().max_ns(), 2500);
  EXPECT_DOUBLE_EQ(d.lognormal().sigma(), 1.0);
}

void ExpectError(const ParamOverrides& o, const std::string& a, const std::string& b,
                 const char* text = kVm) {
  auto spec = ParseWorkload(text, "vm.textpb", o);
  ASSERT_FALSE(spec.ok());
  const std::string msg(spec.status().message());
  EXPECT_NE(msg.find(a), std::string::npos) << msg;
  EXPECT_NE(msg.find(b), std::string::npos) << msg;
}

TEST(ParamsTest, BadOverridesNameTheParam) {
  ExpectError({{"cpus", "4"}}, "--param cpus=4",
              "expected one of: vcpus, boots, gap_ms, work, reads");
  ExpectError({{"vcpus", "many"}}, "--param vcpus=many", "not a number");
  ExpectError({{"vcpus", "0"}}, "--param vcpus=0", "below the minimum 1");
  ExpectError({{"vcpus", "65"}}, "--param vcpus=65", "above the maximum 64");
  ExpectError({{"vcpus", "2.5"}}, "--param vcpus=2.5", "expected an integer");
}

TEST(ParamsTest, BadReferencesNameTheField) {
  std::string text = kVm;
  text.replace(text.find("name: \"boots\" }"), 15, "name: \"bots\" }");
  ExpectError({}, "process[0].instances_param.name", "'bots' is not a declared param",
              text.c_str());
  // A count that comes out below its minimum names the param and the field.
  ExpectError({{"vcpus", "1"}}, "process[0].group[1].count_param", "param 'vcpus' gives 0", kVm);
  ExpectError({}, "param[1].name", "declared twice", R"pb(
    name: "x"
    param { name: "a" }
    param { name: "a" }
    process {
      name: "p"
      group {
        name: "g"
        program { run { fixed_ns: 1 } }
      }
    })pb");
  ExpectError({}, "param[0].default_value", "below the minimum 1", R"pb(
    name: "x"
    param { name: "a" default_value: 0 min: 1 }
    process {
      name: "p"
      group {
        name: "g"
        program { run { fixed_ns: 1 } }
      }
    })pb");
  ExpectError({}, "scale_param", "expected a scale >= 0", R"pb(
    name: "x"
    param { name: "a" default_value: -1 }
    process {
      name: "p"
      group {
        name: "g"
        program { run { fixed_ns: 1 scale_param: "a" } }
      }
    })pb");
}

TEST(ParamsTest, SpecsWithoutParamsAreUnchanged) {
  auto spec = ParseWorkload(R"pb(name: "x"
                                 process {
                                   name: "p"
                                   group {
                                     name: "g"
                                     count: 3
                                     program { run { fixed_ns: 9 } }
                                   }
                                 })pb",
                            "x.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_TRUE((*spec)->params.empty());
  EXPECT_EQ((*spec)->processes[0].groups[0].count, 3);
  auto bad = ParseWorkload(R"pb(name: "x"
                                process {
                                  name: "p"
                                  group {
                                    name: "g"
                                    program { run { fixed_ns: 9 } }
                                  }
                                })pb",
                           "x.textpb", {{"vcpus", "2"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("the spec declares no params"), std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace scxtwin::sim
