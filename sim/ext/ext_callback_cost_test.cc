// cost.ext_callback_ns: each sched_ext callback costs the CPU it runs on that much time, as
// overhead of the CPU (the context switch's kind), never as a task's run time.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/ext/ext_test_policy.h"

namespace scxtwin::sim {
namespace {

using namespace ext_test;  // NOLINT: the shared test policy

constexpr SimDuration kCost = 10000;

constexpr char kOneRun[] = R"pb(process {
                                  name: "p"
                                  group {
                                    name: "a"
                                    program { run { fixed_ns: 1000000 } }
                                  }
                                })pb";

// Counts the callbacks made before the task's work begins (ops.running is the last of them).
const ExtClass* counted_cls = nullptr;
int64_t callbacks_at_running = -1;
void CountingRunning(task_struct*) { callbacks_at_running = counted_cls->counters().callbacks; }

struct Outcome {
  SimTime end = 0;
  SimDuration overhead = 0, busy = 0;
  int64_t before_work = 0;
};

Outcome RunOne(const char* workload, const char* topo, SimDuration cost,
               std::vector<std::pair<std::string, SimDuration>> by_op = {}) {
  SimOptions o = NoHostEffects();
  o.costs.ext_callback_ns = cost;
  o.costs.ext_callback_ns_by_op = std::move(by_op);
  sched_ext_ops ops = MakeOps();
  ops.running = CountingRunning;
  callbacks_at_running = -1;
  auto r = Prepare(workload, topo, ops, o);
  counted_cls = r->cls.get();
  Finish(r.get());
  counted_cls = nullptr;
  EXPECT_TRUE(r->status.ok()) << r->status;  // includes the CPU-time invariant
  Outcome out;
  out.end = r->sim->result().end_time;
  for (const CpuMetrics& m : r->sim->result().cpus) {
    out.overhead += m.overhead_ns;
    out.busy += m.busy_ns;
  }
  out.before_work = callbacks_at_running;
  return out;
}

// One task on one CPU: every callback before its work (init_task .. running, the CPU idle or in
// the pick) delays the work by the cost; the ones at its exit come after the run's end.
TEST(ExtCallbackCost, WorkStartsOneCostLaterPerCallbackBeforeIt) {
  const Outcome free = RunOne(kOneRun, "1", 0);
  const Outcome dear = RunOne(kOneRun, "1", kCost);
  ASSERT_GE(dear.before_work, 4);  // init_task, enable, select_cpu, runnable at least
  EXPECT_EQ(dear.before_work, free.before_work);
  EXPECT_EQ(free.end, 1000000 + 1500);
  EXPECT_EQ(dear.end, free.end + dear.before_work * kCost);
  // Charged to the CPU, not to the task.
  EXPECT_EQ(dear.overhead, free.overhead + dear.before_work * kCost);
  EXPECT_EQ(dear.busy, free.busy);
}

// Callbacks made while a task runs (a waker's select_cpu, runnable) push its work back: with
// the cost, two CPUs and sleeps and wakes, the CPUs' overhead grows by a whole number of costs
// and the tasks' run time does not change.
TEST(ExtCallbackCost, RunningTasksAbsorbTheCostAsCpuOverhead) {
  constexpr char kPingPong[] = R"pb(process {
                                      name: "p"
                                      group {
                                        name: "a"
                                        count: 3
                                        program { run { fixed_ns: 300000 } }
                                        program { sleep { fixed_ns: 200000 } }
                                        program { run { fixed_ns: 300000 } }
                                        program { sleep { fixed_ns: 100000 } }
                                        program { run { fixed_ns: 300000 } }
                                      }
                                    })pb";
  const Outcome free = RunOne(kPingPong, "2", 0);
  const Outcome dear = RunOne(kPingPong, "2", kCost);
  EXPECT_EQ(dear.busy, free.busy);
  EXPECT_GT(dear.overhead, free.overhead);
  EXPECT_EQ((dear.overhead - free.overhead) % kCost, 0);
  EXPECT_GT(dear.end, free.end);
}

// 0, the default, is no charge at all: the same times as a run that never heard of it.
TEST(ExtCallbackCost, ZeroIsTheDefaultAndChargesNothing) {
  EXPECT_EQ(MachineCosts{}.ext_callback_ns, 0);
  const Outcome a = RunOne(kOneRun, "2", 0);
  SimOptions o = NoHostEffects();
  auto r = Start(kOneRun, "2", MakeOps(), o);
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(a.end, r->sim->result().end_time);
  for (const std::string& d : MachineCosts{}.Describe()) {
    EXPECT_EQ(d.find("ext_callback_ns"), std::string::npos) << d;
  }
  MachineCosts c;
  ASSERT_TRUE(c.Set("ext_callback_ns", "250000").ok());
  EXPECT_EQ(c.ext_callback_ns, 250000);
  bool listed = false;
  for (const std::string& d : c.Describe()) listed |= d == "ext_callback_ns=250000";
  EXPECT_TRUE(listed);
}

// cost.ext_callback_ns.<op>: that callback's own cost, in place of the flat one (which the others
// keep). On one CPU a new task's enable and running come once each before its work.
TEST(ExtCallbackCost, EachCallbackItsOwnCost) {
  const Outcome free = RunOne(kOneRun, "1", 0);
  const Outcome flat = RunOne(kOneRun, "1", kCost);
  EXPECT_EQ(RunOne(kOneRun, "1", 0, {{"enable", kCost}}).end, free.end + kCost);
  EXPECT_EQ(RunOne(kOneRun, "1", 0, {{"enable", kCost}, {"running", 3 * kCost}}).end,
            free.end + 4 * kCost);
  EXPECT_EQ(RunOne(kOneRun, "1", kCost, {{"enable", 0}}).end, flat.end - kCost);
  MachineCosts c;
  ASSERT_TRUE(c.Set("ext_callback_ns.dispatch", "100000").ok());
  ASSERT_TRUE(c.Set("ext_callback_ns.dispatch", "90000").ok());
  EXPECT_EQ(c.ExtCallbackNs("dispatch"), 90000);
  EXPECT_EQ(c.ExtCallbackNs("enqueue"), 0);
  bool listed = false;
  for (const std::string& d : c.Describe()) listed |= d == "ext_callback_ns.dispatch=90000";
  EXPECT_TRUE(listed);
  const absl::Status bad = c.Set("ext_callback_ns.dispatchh", "1");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("unknown callback 'dispatchh'"), std::string::npos) << bad;
}

}  // namespace
}  // namespace scxtwin::sim
