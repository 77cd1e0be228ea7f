// The fair class's rules (docs/model.md 1), one at a time, on a fake context: who preempts whom,
// where a waking or new task goes, and when the balancer leaves a cache-hot task alone.
#include "sim/fair/fair_class.h"

#include "gtest/gtest.h"
#include "sim/fair/fake_context.h"

namespace scxtwin::sim::fair {
namespace {

class FairClassTest : public ::testing::Test {
 protected:
  void SetUpMachine(const Topology& topo) {
    ctx = std::make_unique<FakeContext>(topo);
    ASSERT_TRUE(cls.Init(ctx.get()).ok());
  }
  // Creates a task and lets CPU `cpu` pick it (it must be the one picked).
  TaskId StartRunning(int cpu) {
    TaskId t = ctx->AddTask(cpu);
    cls.TaskNew(t, kNoTask);
    EXPECT_EQ(ctx->task(t).cpu, cpu);
    EXPECT_EQ(cls.PickNext(cpu, kNoTask), t);
    ctx->set_curr(cpu, t);
    ctx->TakeResched();
    return t;
  }
  // `t`, running on `cpu`, uses `ns` more CPU time.
  void Consume(TaskId t, SimDuration ns) { ctx->mutable_task(t).sum_exec += ns; }
  // Blocks the running task `t` on `cpu` (it ran until now).
  void Block(TaskId t, int cpu) {
    ctx->mutable_task(t).state = TaskState::kBlocked;
    ctx->mutable_task(t).last_ran_end = ctx->now();
    cls.TaskBlock(t, cpu);
    ctx->set_curr(cpu, kNoTask);
  }

  std::unique_ptr<FakeContext> ctx;
  FairClass cls;
};

TEST_F(FairClassTest, QueuedTaskWhoseAffinityLostItsCpuMoves) {
  SetUpMachine(Topology::Make(1, 1, 2, 1));
  TaskId a = StartRunning(0);
  TaskId b = ctx->AddTask(0);
  cls.TaskNew(b, kNoTask);
  ASSERT_EQ(ctx->task(b).cpu, 1);  // fork balancing: the idle CPU
  EXPECT_EQ(cls.PickNext(1, kNoTask), b);
  ctx->set_curr(1, b);
  TaskId c = ctx->AddTask(0);
  cls.TaskNew(c, kNoTask);
  ASSERT_EQ(cls.entity(c).cpu, 0);
  ctx->TakeResched();
  // c, queued on CPU 0, may now run only on CPU 1: it moves there.
  CpuSet only1(2);
  only1.Set(1);
  ctx->mutable_task(c).affinity = only1;
  cls.TaskChanged(c, TaskChange{.affinity = true});
  EXPECT_EQ(cls.entity(c).cpu, 1);
  EXPECT_EQ(ctx->task(c).cpu, 1);
  EXPECT_EQ(cls.rq(0).nr_runnable(), 1);  // a alone
  EXPECT_EQ(cls.rq(1).nr_runnable(), 2);
  // The running a loses CPU 0 too: its CPU's pick moves it to CPU 1 and idles.
  ctx->mutable_task(a).affinity = only1;
  cls.TaskChanged(a, TaskChange{.affinity = true});
  EXPECT_EQ(cls.PickNext(0, a), kNoTask);
  EXPECT_EQ(cls.entity(a).cpu, 1);
  EXPECT_EQ(cls.rq(1).nr_runnable(), 3);
}

TEST_F(FairClassTest, NiceChangeReweightsTheEntity) {
  SetUpMachine(Topology::Make(1, 1, 1, 1));
  TaskId a = StartRunning(0);
  TaskId b = ctx->AddTask(0);
  cls.TaskNew(b, kNoTask);
  constexpr uint32_t kNiceMinus5 = 3121;  // sched_prio_to_weight[15]
  ctx->mutable_task(b).nice = -5;
  ctx->mutable_task(b).weight = kNiceMinus5;
  cls.TaskChanged(b, TaskChange{.weight = true});
  EXPECT_EQ(cls.entity(b).weight, kNiceMinus5);
  EXPECT_EQ(cls.rq(0).runnable_load(), kNice0Weight + kNiceMinus5);
  // The running task's reweight: its vruntime then advances at the new rate.
  ctx->mutable_task(a).weight = 2 * kNice0Weight;
  cls.TaskChanged(a, TaskChange{.weight = true});
  const int64_t v = cls.entity(a).vruntime;
  Consume(a, 1000000);
  cls.Tick(0, a);
  EXPECT_EQ(cls.entity(a).vruntime - v, 500000);
}

TEST_F(FairClassTest, BaseSliceScalesWithCpuCount) {
  FairParams p;
  EXPECT_EQ(p.BaseSlice(1), 700000);
  EXPECT_EQ(p.BaseSlice(2), 1400000);
  EXPECT_EQ(p.BaseSlice(3), 1400000);
  EXPECT_EQ(p.BaseSlice(4), 2100000);
  EXPECT_EQ(p.BaseSlice(7), 2100000);
  EXPECT_EQ(p.BaseSlice(8), 2800000);
  EXPECT_EQ(p.BaseSlice(64), 2800000);
  SetUpMachine(Topology::Make(1, 1, 16, 1));
  EXPECT_EQ(cls.base_slice(), 2800000);
}

TEST_F(FairClassTest, WakeeAtVDoesNotPreemptAProtectedCurr) {
  SetUpMachine(Topology::Make(1, 1, 1, 1));
  TaskId a = StartRunning(0);
  TaskId b = ctx->AddTask(0);
  cls.TaskNew(b, kNoTask);  // placed at V: no lag, so no claim on the CPU
  EXPECT_TRUE(ctx->TakeResched().empty());
  EXPECT_EQ(cls.PickNext(0, a), a);
}

TEST_F(FairClassTest, TickPreemptsOnlyAfterTheRequestEnds) {
  SetUpMachine(Topology::Make(1, 1, 1, 1));
  TaskId a = StartRunning(0);
  TaskId b = ctx->AddTask(0);
  cls.TaskNew(b, kNoTask);
  ctx->TakeResched();
  // a's first request is half a slice (PLACE_DEADLINE_INITIAL): 350 us on one CPU.
  Consume(a, 300000);
  cls.Tick(0, a);
  EXPECT_TRUE(ctx->TakeResched().empty());
  Consume(a, 100000);
  cls.Tick(0, a);
  EXPECT_EQ(ctx->TakeResched(), std::set<int>{0});
  EXPECT_EQ(cls.stats().tick_preemptions, 1);
  // b, with the earlier deadline and eligible, is picked.
  EXPECT_EQ(cls.PickNext(0, a), b);
}

// s sleeps owing CPU time (positive lag); when it wakes, PLACE_LAG puts it so far left that
// the running task is no longer eligible: its protection does not count, s preempts.
class WakeupPreemptionTest : public FairClassTest, public ::testing::WithParamInterface<bool> {};

TEST_P(WakeupPreemptionTest, WakeeWithLagPreemptsAnIneligibleCurr) {
  cls.mutable_params().lazy_preemption = GetParam();
  SetUpMachine(Topology::Make(1, 1, 1, 1));
  TaskId a = StartRunning(0);
  TaskId s = ctx->AddTask(0);
  cls.TaskNew(s, kNoTask);
  Consume(a, 2000000);  // a's request ends at the tick; s has the eligible early deadline
  cls.Tick(0, a);
  ASSERT_EQ(cls.PickNext(0, a), s);
  ctx->set_curr(0, s);
  Consume(s, 10000);
  Block(s, 0);
  // V = (2 ms + 10 us) / 2: s leaves eligible, with its lag saved (no DELAY_DEQUEUE).
  EXPECT_FALSE(cls.entity(s).on_rq);
  EXPECT_EQ(cls.entity(s).vlag, 995000);
  ASSERT_EQ(cls.PickNext(0, kNoTask), a);
  ctx->set_curr(0, a);
  ctx->TakeResched();
  Consume(a, 10000);
  ctx->mutable_task(s).state = TaskState::kRunnable;
  cls.TaskWakeup(s, WakeInfo{});
  // v_s = V - vlag * (W + w) / W = 2.01 ms - 1.99 ms.
  EXPECT_EQ(cls.entity(s).vruntime, 20000);
  EXPECT_FALSE(cls.rq(0).Eligible(cls.entity(a)));
  EXPECT_EQ(cls.stats().wakeup_preemptions, 1);
  if (GetParam()) {
    // Lazy preemption: only marked; the next tick reschedules.
    EXPECT_TRUE(ctx->TakeResched().empty());
    EXPECT_EQ(cls.stats().lazy_deferrals, 1);
    cls.Tick(0, a);
  }
  EXPECT_EQ(ctx->TakeResched(), std::set<int>{0});
  EXPECT_EQ(cls.PickNext(0, a), s);
}

INSTANTIATE_TEST_SUITE_P(LazyOrNot, WakeupPreemptionTest, ::testing::Bool());

TEST_F(FairClassTest, NoWakeupPreemptionWhenTheFeatureIsOff) {
  FairParams p;
  p.wakeup_preemption = false;
  cls = FairClass(p);
  SetUpMachine(Topology::Make(1, 1, 1, 1));
  TaskId a = StartRunning(0);
  TaskId s = ctx->AddTask(0);
  cls.TaskNew(s, kNoTask);
  EXPECT_TRUE(ctx->TakeResched().empty());
  (void)a;
}

TEST_F(FairClassTest, IdleCpuIsKickedWhenATaskLandsOnIt) {
  SetUpMachine(Topology::Make(1, 1, 2, 1));
  TaskId a = ctx->AddTask(0);
  cls.TaskNew(a, kNoTask);
  EXPECT_EQ(ctx->TakeResched().size(), 1u);
}

TEST_F(FairClassTest, ForkGoesToAnIdleCpu) {
  SetUpMachine(Topology::Make(1, 1, 4, 1));
  TaskId parent = StartRunning(0);
  TaskId child = ctx->AddTask(0);
  cls.TaskNew(child, parent);
  EXPECT_NE(ctx->task(child).cpu, 0);
}

TEST_F(FairClassTest, WakeupPicksTargetThenPrevThenScansTheLlc) {
  SetUpMachine(Topology::Make(1, 1, 4, 1));
  TaskId w = StartRunning(0);  // the waker, on cpu 0
  TaskId s = StartRunning(1);  // the sleeper, last on cpu 1
  Block(s, 1);
  ctx->mutable_task(s).state = TaskState::kRunnable;
  // prev (1) idle and cache-shared with the busy waker CPU: prev.
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{0, w, false}), 1);
  // prev busy: the waker's CPU is busy too, so the LLC scan finds an idle one (2, after 1).
  TaskId x = StartRunning(1);
  (void)x;
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{0, w, false}), 2);
  // A timer wakeup (no waker) starts from prev.
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{}), 2);
}

TEST_F(FairClassTest, SisUtilScanBudget) {
  SetUpMachine(Topology::Make(1, 1, 8, 1));
  std::vector<TaskId> running;
  for (int c = 0; c < 8; ++c) {
    if (c != 6) running.push_back(StartRunning(c));
  }
  // 7 of 8 CPUs busy (87.5%): SIS_UTIL scans nothing, so a waking task whose prev (cpu 2) and
  // waker CPU are busy stays on its prev even though cpu 6 is idle.
  TaskId s = running[2];
  Block(s, 2);
  TaskId filler = StartRunning(2);
  (void)filler;
  ctx->mutable_task(s).state = TaskState::kRunnable;
  // Before any balancing the budget is the whole LLC: the scan finds cpu 6.
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{0, running[0], false}), 6);
  // A balance pass at the LLC level refreshes the budget (update_idle_cpu_scan): 0 now.
  EXPECT_EQ(cls.LoadBalance(6, 0, FairClass::IdleType::kIdle), 0);
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{0, running[0], false}), 2);
  // Without SIS_UTIL the scan finds cpu 6.
  cls.mutable_params().sis_util = false;
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{0, running[0], false}), 6);
}

TEST_F(FairClassTest, WakeAffineTakesAnIdleWakerCpuOverABusyPrev) {
  SetUpMachine(Topology::Make(1, 1, 4, 1));
  TaskId s = StartRunning(1);
  Block(s, 1);
  TaskId other = StartRunning(1);  // prev is busy now
  ctx->mutable_task(s).state = TaskState::kRunnable;
  // A wakeup raised on idle cpu 3 (e.g. an interrupt there): wake_affine_idle picks it.
  EXPECT_EQ(cls.SelectWakeCpu(s, WakeInfo{3, other, false}), 3);
}

TEST_F(FairClassTest, DelayedSleeperIsWokenInPlaceEvenWithAnIdleCpu) {
  SetUpMachine(Topology::Make(1, 1, 2, 1));
  TaskId a = StartRunning(0);
  TaskId b = ctx->AddTask(0);
  ctx->mutable_task(b).affinity = CpuSet(2);
  ctx->mutable_task(b).affinity.Set(0);
  cls.TaskNew(b, kNoTask);
  // a runs 3 ms: far past V, so it is not eligible when it blocks: DELAY_DEQUEUE keeps it.
  Consume(a, 3000000);
  cls.Tick(0, a);
  Block(a, 0);
  EXPECT_TRUE(cls.entity(a).delayed);
  EXPECT_EQ(cls.stats().delayed_dequeues, 1);
  ASSERT_EQ(cls.PickNext(0, kNoTask), b);
  ctx->set_curr(0, b);
  ctx->TakeResched();
  ctx->mutable_task(a).state = TaskState::kRunnable;
  cls.TaskWakeup(a, WakeInfo{});
  // Still queued on cpu 0 behind b, though cpu 1 is idle: no CPU choice for a delayed task.
  EXPECT_EQ(cls.entity(a).cpu, 0);
  EXPECT_FALSE(cls.entity(a).delayed);
  EXPECT_EQ(cls.rq(0).nr_runnable(), 2);
  EXPECT_EQ(cls.rq(1).nr_runnable(), 0);
  // Without DELAY_DEQUEUE the same wakeup goes to the idle CPU.
  FairParams p;
  p.delay_dequeue = false;
  FairClass plain(p);
  FakeContext ctx2(Topology::Make(1, 1, 2, 1));
  ASSERT_TRUE(plain.Init(&ctx2).ok());
  TaskId a2 = ctx2.AddTask(0);
  plain.TaskNew(a2, kNoTask);
  ASSERT_EQ(plain.PickNext(0, kNoTask), a2);
  ctx2.set_curr(0, a2);
  TaskId b2 = ctx2.AddTask(0);
  ctx2.mutable_task(b2).affinity = CpuSet(2);
  ctx2.mutable_task(b2).affinity.Set(0);
  plain.TaskNew(b2, kNoTask);
  ctx2.mutable_task(a2).sum_exec += 3000000;
  plain.Tick(0, a2);
  ctx2.mutable_task(a2).state = TaskState::kBlocked;
  plain.TaskBlock(a2, 0);
  ctx2.set_curr(0, kNoTask);
  ASSERT_EQ(plain.PickNext(0, kNoTask), b2);
  ctx2.set_curr(0, b2);
  ctx2.mutable_task(a2).state = TaskState::kRunnable;
  plain.TaskWakeup(a2, WakeInfo{});
  EXPECT_EQ(plain.entity(a2).cpu, 1);
}

// Two CPUs in one LLC: cpu 0 runs one task with two more queued, cpu 1 is idle.
class BalanceTest : public FairClassTest {
 protected:
  void SetUp() override {
    SetUpMachine(Topology::Make(1, 1, 2, 1));
    runner = StartRunning(0);
    for (TaskId* q : {&hot, &cold}) {
      *q = ctx->AddTask(0);
      ctx->mutable_task(*q).affinity = CpuSet(2);
      ctx->mutable_task(*q).affinity.Set(0);
      cls.TaskNew(*q, kNoTask);  // pinned to 0 while being placed
      ctx->mutable_task(*q).affinity = CpuSet(2, true);
      ctx->mutable_task(*q).last_ran_cpu = 0;
    }
    ctx->set_now(10 * kNsPerMs);
    ctx->mutable_task(hot).last_ran_end = ctx->now() - 100 * kNsPerUs;  // ran 100 us ago
    ctx->mutable_task(cold).last_ran_end = ctx->now() - 2 * kNsPerMs;
    ctx->TakeResched();
  }
  TaskId runner, hot, cold;
};

TEST_F(BalanceTest, DomainsOfTwoCpus) {
  ASSERT_EQ(cls.domains().of(1).size(), 1u);
  EXPECT_EQ(cls.domains().of(1)[0].shape->level, DomainLevel::kMc);
  EXPECT_EQ(cls.domains().of(1)[0].shape->min_interval, 2 * kNsPerMs);
}

TEST_F(BalanceTest, IdleCpuPullsTheColdTaskNotTheHotOne) {
  EXPECT_EQ(cls.LoadBalance(1, 0, FairClass::IdleType::kIdle), 1);
  EXPECT_EQ(ctx->task(cold).cpu, 1);
  EXPECT_EQ(ctx->task(hot).cpu, 0);
  EXPECT_EQ(cls.stats().hot_skips, 1);
  EXPECT_EQ(ctx->TakeResched(), std::set<int>{1});
}

TEST_F(BalanceTest, HotTaskStaysUntilBalancingFailedMoreThanCacheNiceTries) {
  // Make both queued tasks hot.
  ctx->mutable_task(cold).last_ran_end = ctx->now() - 100 * kNsPerUs;
  // cache_nice_tries is 1 at LLC level: two failed attempts, then the third moves one.
  EXPECT_EQ(cls.LoadBalance(1, 0, FairClass::IdleType::kIdle), 0);
  EXPECT_EQ(cls.domains().of(1)[0].nr_balance_failed, 1);
  EXPECT_EQ(cls.LoadBalance(1, 0, FairClass::IdleType::kIdle), 0);
  EXPECT_EQ(cls.domains().of(1)[0].nr_balance_failed, 2);
  EXPECT_EQ(cls.LoadBalance(1, 0, FairClass::IdleType::kIdle), 1);
  EXPECT_EQ(cls.domains().of(1)[0].nr_balance_failed, 0);
}

TEST_F(BalanceTest, AfterMigrationCostTheTaskIsNoLongerHot) {
  ctx->set_now(ctx->now() + 500 * kNsPerUs);
  EXPECT_EQ(cls.LoadBalance(1, 0, FairClass::IdleType::kIdle), 1);
  EXPECT_EQ(cls.stats().hot_skips, 0);
}

TEST_F(BalanceTest, NewidlePullsOnlyWhenAvgIdleIsLong) {
  // The fresh CPU's avg_idle starts at 1 ms (>= 500 us): picking on idle cpu 1 pulls.
  EXPECT_EQ(cls.PickNext(1, kNoTask), cold);
  EXPECT_EQ(cls.stats().newidle_moves, 1);
}

TEST_F(BalanceTest, NewidleSkippedAfterShortIdlePeriods) {
  // cpu 1 runs its own task t, which sleeps 100 us at a time: avg_idle falls below 500 us.
  TaskId t = ctx->AddTask(1);
  ctx->mutable_task(t).affinity = CpuSet(2);
  ctx->mutable_task(t).affinity.Set(1);
  cls.TaskNew(t, kNoTask);
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(cls.PickNext(1, kNoTask), t);
    ctx->set_curr(1, t);
    // cpu 0's queued tasks stay hot, so the early newidle passes pull nothing.
    ctx->mutable_task(hot).last_ran_end = ctx->now();
    ctx->mutable_task(cold).last_ran_end = ctx->now();
    Block(t, 1);
    ASSERT_EQ(cls.PickNext(1, kNoTask), kNoTask) << "at iteration " << i;
    ctx->set_now(ctx->now() + 100 * kNsPerUs);
    ctx->mutable_task(t).state = TaskState::kRunnable;
    cls.TaskWakeup(t, WakeInfo{});
  }
  // t runs 10 ms: cpu 0's queued tasks are cold now, yet with avg_idle < 500 us the newidle
  // pass does not even look.
  ASSERT_EQ(cls.PickNext(1, kNoTask), t);
  ctx->set_curr(1, t);
  ctx->set_now(ctx->now() + 10 * kNsPerMs);
  Block(t, 1);
  EXPECT_EQ(cls.PickNext(1, kNoTask), kNoTask);
  EXPECT_EQ(cls.stats().newidle_moves, 0);
  // The same pass with a long avg_idle pulls (the rule, not the queue, held them back).
  cls.mutable_params().migration_cost_ns = 50 * kNsPerUs;
  EXPECT_NE(cls.PickNext(1, kNoTask), kNoTask);
  EXPECT_EQ(cls.stats().newidle_moves, 1);
}

TEST_F(BalanceTest, PeriodicBalanceOfABusyCpuWaitsForItsBusyInterval) {
  // cpu 1 busy with its own task: its periodic pass is due after 2 ms x 16.
  TaskId own = ctx->AddTask(1);
  ctx->mutable_task(own).affinity = CpuSet(2);
  ctx->mutable_task(own).affinity.Set(1);
  cls.TaskNew(own, kNoTask);
  ASSERT_EQ(cls.PickNext(1, kNoTask), own);
  ctx->set_curr(1, own);
  ctx->set_now(31 * kNsPerMs);
  cls.Tick(1, own);
  EXPECT_EQ(cls.stats().periodic_moves, 0);
  ctx->set_now(33 * kNsPerMs);
  cls.Tick(1, own);
  EXPECT_EQ(cls.domains().of(1)[0].last_balance, 33 * kNsPerMs);
}

}  // namespace
}  // namespace scxtwin::sim::fair
