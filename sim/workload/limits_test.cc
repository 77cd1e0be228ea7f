#include "sim/workload/limits.h"

#include <dirent.h>

#include <string>

#include "gtest/gtest.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {
namespace {

std::unique_ptr<WorkloadSpec> Load(const std::string& text) {
  auto s = ParseWorkload(text, "w.textpb");
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

std::string Error(const std::string& text, const WorkloadLimits& limits = {},
                  SimDuration duration = 0) {
  auto spec = Load(text);
  if (spec == nullptr) return "parse error";
  // As the runner does: --duration, else the spec's duration_ns.
  auto f = CheckWorkloadLimits(*spec, limits, duration ? duration : spec->proto.duration_ns());
  return f.ok() ? "" : std::string(f.status().message());
}

TEST(WorkloadLimits, CountsInstancesTasksForksAndLoops) {
  // 3 instances x (2 starters + each forks 4 children per outer iteration (5), the children
  // fork 1 grandchild each); loops nested 2 deep.
  auto spec = Load(R"pb(
    process {
      name: "p"
      instances: 3
      group {
        name: "s"
        count: 2
        program {
          loop {
            count: 5
            body { fork { group: "c" count: 4 } }
            body {
              loop {
                count: 10
                body { run { fixed_ns: 1 } }
              }
            }
          }
        }
      }
      group {
        name: "c"
        on_fork: true
        program { fork { group: "gc" } }
      }
      group {
        name: "gc"
        on_fork: true
        program { run { fixed_ns: 1 } }
      }
    })pb");
  ASSERT_NE(spec, nullptr);
  const WorkloadFigures f = CountWorkload(*spec);
  EXPECT_EQ(f.instances, 3);
  EXPECT_EQ(f.start_tasks, 3 * 2);
  EXPECT_EQ(f.forks, 3 * (2 * 5 * 4 + 2 * 5 * 4));  // children and grandchildren
  EXPECT_EQ(f.tasks, f.start_tasks + f.forks);
  EXPECT_EQ(f.max_loop_depth, 2);
  EXPECT_EQ(f.max_task_loop_iterations, 50);
  EXPECT_EQ(f.max_task_loop_iterations_at, "process[0].group[0].program[0].loop.body[1].loop");
  EXPECT_EQ(f.loop_iterations, 3 * 2 * (5 + 50));
  EXPECT_EQ(f.memory_bytes, f.tasks * kBytesPerTask + f.instances * kBytesPerPendingEvent +
                                f.tasks * (4 * 3 + 16 * 1));
}

TEST(WorkloadLimits, HugeCountsSaturateInsteadOfOverflowing) {
  auto spec = Load(R"pb(process {
                          name: "p"
                          instances: 2000000000
                          group {
                            name: "g"
                            count: 2000000000
                            program {
                              loop {
                                count: 9000000000000000000
                                body { fork { group: "c" count: 2000000000 } }
                                body { run { fixed_ns: 1 } }
                              }
                            }
                          }
                          group {
                            name: "c"
                            on_fork: true
                            program { exit: true }
                          }
                        })pb");
  ASSERT_NE(spec, nullptr);
  const WorkloadFigures f = CountWorkload(*spec);
  EXPECT_EQ(f.start_tasks, int64_t{2000000000} * 2000000000);
  EXPECT_EQ(f.forks, WorkloadFigures::kUnbounded);
  EXPECT_GT(f.memory_bytes, 0);
}

TEST(WorkloadLimits, EachErrorNamesTheFigureTheLimitAndTheFlag) {
  EXPECT_EQ(
      Error(R"pb(process {
                   name: "p"
                   instances: 2000000000
                   group {
                     name: "g"
                     program { run { fixed_ns: 1 } }
                   }
                 })pb"),
      "w.textpb: process instances 2000000000 is above the limit 1000000; expected at most 1000000 "
      "(--max_instances=N raises the limit)");
  EXPECT_EQ(
      Error(R"pb(process {
                   name: "p"
                   group {
                     name: "g"
                     count: 100000000
                     program { run { fixed_ns: 1 } }
                   }
                 })pb"),
      "w.textpb: tasks at start 100000000 is above the limit 1000000; expected at most 1000000 "
      "(--max_tasks=N raises the limit)");
  WorkloadLimits small;
  small.max_forks = 10;
  EXPECT_EQ(Error(R"pb(process {
                         name: "p"
                         group {
                           name: "g"
                           program { fork { group: "c" count: 11 } }
                         }
                         group {
                           name: "c"
                           on_fork: true
                           program { exit: true }
                         }
                       })pb",
                  small),
            "w.textpb: forked tasks 11 is above the limit 10; expected at most 10 (--max_forks=N "
            "raises the limit)");
  small = {};
  small.max_tasks = 5;
  EXPECT_EQ(Error(R"pb(process {
                         name: "p"
                         group {
                           name: "g"
                           count: 3
                           program { fork { group: "c" count: 1 } }
                         }
                         group {
                           name: "c"
                           on_fork: true
                           program { exit: true }
                         }
                       })pb",
                  small),
            "w.textpb: tasks (started and forked) 6 is above the limit 5; expected at most 5 "
            "(--max_tasks=N raises the limit)");
  small = {};
  small.max_loop_depth = 1;
  EXPECT_EQ(Error(R"pb(process {
                         name: "p"
                         group {
                           name: "g"
                           program {
                             loop {
                               count: 2
                               body {
                                 loop {
                                   count: 2
                                   body { run { fixed_ns: 1 } }
                                 }
                               }
                             }
                           }
                         }
                       })pb",
                  small),
            "w.textpb: loop nesting depth (at process[0].group[0].program[0].loop.body[0].loop) 2 "
            "is above the limit 1; "
            "expected at most 1 (--max_loop_depth=N raises the limit)");
  EXPECT_EQ(Error(R"pb(process {
                         name: "p"
                         group {
                           name: "g"
                           count: 2
                           program {
                             loop {
                               count: 100000000
                               body { run { fixed_ns: 1 } }
                             }
                           }
                         }
                       })pb"),
            "w.textpb: loop iterations of all tasks (the most: 100000000 per task at "
            "process[0].group[0].program[0].loop) "
            "200000000 is above the limit 10000000; expected at most 10000000 "
            "(--max_loop_iterations=N raises the limit)");
  small = {};
  small.max_memory_mb = 1;
  EXPECT_EQ(Error(R"pb(process {
                         name: "p"
                         group {
                           name: "g"
                           count: 1000
                           program { run { fixed_ns: 1 } }
                         }
                       })pb",
                  small),
            "w.textpb: estimated memory (MB) 2 is above the limit 1; expected at most 1 "
            "(--max_memory_mb=N raises the limit)");
}

TEST(WorkloadLimits, AnEndlessLoopNeedsAnExitOrADuration) {
  const std::string endless = R"pb(process {
                                     name: "p"
                                     group {
                                       name: "g"
                                       program { run { fixed_ns: 5 } }
                                       program { loop { body { run { fixed_ns: 1 } } } }
                                     }
                                   })pb";
  EXPECT_EQ(Error(endless),
            "w.textpb: process[0].group[0].program[1].loop: loops forever (count 0, no exit in its "
            "body) and the run has "
            "no end (duration_ns 0); expected a loop count, an exit in the body, or a duration_ns "
            "in the spec or --duration");
  EXPECT_EQ(Error(endless, {}, 1000), "");  // --duration
  EXPECT_EQ(Error(R"pb(duration_ns: 1000
                       process {
                         name: "p"
                         group {
                           name: "g"
                           program { loop { body { run { fixed_ns: 1 } } } }
                         }
                       })pb"),
            "");
  EXPECT_EQ(Error(R"pb(process {
                         name: "p"
                         group {
                           name: "g"
                           program {
                             loop {
                               body { run { fixed_ns: 1 } }
                               body { exit: true }
                             }
                           }
                         }
                       })pb"),
            "");
}

TEST(WorkloadLimits, ForksInAnEndlessLoopAreLeftToTheRun) {
  // Bounded by the duration, not the spec: not refused here (the simulator stops at max_tasks).
  EXPECT_EQ(Error(R"pb(duration_ns: 1000
                       process {
                         name: "p"
                         group {
                           name: "g"
                           program {
                             loop {
                               body { fork { group: "c" } }
                               body { run { fixed_ns: 1 } }
                             }
                           }
                         }
                         group {
                           name: "c"
                           on_fork: true
                           program { exit: true }
                         }
                       })pb"),
            "");
}

TEST(WorkloadLimits, TheLibraryIsWithinTheDefaults) {
  const std::string dir = std::string(getenv("TEST_SRCDIR")) + "/scxtwin/workloads";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  int n = 0;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() < 7 || name.substr(name.size() - 7) != ".textpb") continue;
    auto spec = LoadWorkloadFile(dir + "/" + name);
    ASSERT_TRUE(spec.ok()) << spec.status();
    auto f = CheckWorkloadLimits(**spec, WorkloadLimits(), (*spec)->proto.duration_ns());
    EXPECT_TRUE(f.ok()) << f.status();
    ++n;
  }
  closedir(d);
  EXPECT_GE(n, 5);
}

}  // namespace
}  // namespace scxtwin::sim
