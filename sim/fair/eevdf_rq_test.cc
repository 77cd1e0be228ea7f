// The single-queue EEVDF rules of docs/model.md 1: vruntime, V, eligibility, deadlines, placement
// (PLACE_LAG, PLACE_DEADLINE_INITIAL), lag clamp, pick, RUN_TO_PARITY, DELAY_DEQUEUE.
#include "sim/fair/eevdf_rq.h"

#include "gtest/gtest.h"

namespace scxtwin::sim::fair {
namespace {

constexpr int64_t kSlice = 2800000;  // 0.7 ms x4 (>= 8 CPUs)

class RunQueueTest : public ::testing::Test {
 protected:
  Entity Make(int id, int64_t weight = kNice0Weight) {
    Entity e;
    e.id = id;
    e.weight = weight;
    e.slice = kSlice;
    return e;
  }
  // Runs `e` (made curr) for `ns` of CPU time.
  void Run(Entity* e, int64_t ns) {
    rq.SetCurr(e);
    rq.UpdateCurr(e->exec_seen + ns);
  }
  FairParams params;
  RunQueue rq{&params};
};

TEST_F(RunQueueTest, VruntimeAdvancesInverselyToWeight) {
  Entity a = Make(0), b = Make(1, 2048);
  rq.Enqueue(&a, true);
  rq.Enqueue(&b, true);
  const int64_t va = a.vruntime, vb = b.vruntime;
  Run(&a, 1000000);
  Run(&b, 1000000);
  EXPECT_EQ(a.vruntime - va, 1000000);  // nice 0: wall speed
  EXPECT_EQ(b.vruntime - vb, 500000);   // twice the weight: half the speed
}

TEST_F(RunQueueTest, AvgVruntimeIsWeightedAndEligibilityIsVruntimeAtMostV) {
  Entity a = Make(0), b = Make(1, 3072);
  rq.Enqueue(&a, true);
  rq.Enqueue(&b, true);
  a.vruntime = 0;
  b.vruntime = 4000;
  // V = (0 * 1024 + 4000 * 3072) / 4096 = 3000.
  EXPECT_EQ(rq.AvgVruntime(), 3000);
  EXPECT_TRUE(rq.Eligible(a));
  EXPECT_FALSE(rq.Eligible(b));
  b.vruntime = 3000;  // now V = 2250 < 3000
  EXPECT_EQ(rq.AvgVruntime(), 2250);
  EXPECT_FALSE(rq.Eligible(b));
  b.vruntime = 0;
  EXPECT_TRUE(rq.Eligible(b));  // vruntime == V is eligible
}

TEST_F(RunQueueTest, NewTaskPlacedAtVWithHalfSliceDeadline) {
  Entity a = Make(0), b = Make(1);
  rq.Enqueue(&a, true);
  Run(&a, 1000000);
  const int64_t v = rq.AvgVruntime();
  rq.Enqueue(&b, /*initial=*/true);
  EXPECT_EQ(b.vruntime, v);
  EXPECT_EQ(b.deadline, v + kSlice / 2);  // PLACE_DEADLINE_INITIAL
  params.place_deadline_initial = false;
  Entity c = Make(2);
  rq.Enqueue(&c, true);
  EXPECT_EQ(c.deadline - c.vruntime, kSlice);
}

TEST_F(RunQueueTest, WakingTaskKeepsItsLagScaledByLoad) {
  Entity a = Make(0), b = Make(1), s = Make(2);
  rq.Enqueue(&a, true);
  rq.Enqueue(&b, true);
  // s slept with a positive lag of 300 us (it was owed CPU time).
  s.vlag = 300000;
  const int64_t v = rq.AvgVruntime();
  rq.Enqueue(&s, false);
  // PLACE_LAG: v = V - vlag * (W + w) / W = V - 300000 * 3 / 2.
  EXPECT_EQ(s.vruntime, v - 450000);
  EXPECT_EQ(s.deadline, s.vruntime + kSlice);  // a wakeup gets a full slice
  // Once counted in V its lag is what it saved.
  EXPECT_EQ(rq.AvgVruntime() - s.vruntime, 300000);
}

TEST_F(RunQueueTest, LagOnAnEmptyQueueIsIgnored) {
  Entity s = Make(0);
  s.vlag = 500000;
  rq.Enqueue(&s, false);
  EXPECT_EQ(s.vruntime, rq.min_vruntime());
}

TEST_F(RunQueueTest, LagSavedAtSleepIsClamped) {
  params.delay_dequeue = false;
  Entity a = Make(0), b = Make(1);
  rq.Enqueue(&a, true);
  rq.Enqueue(&b, true);
  // b falls far behind: its lag would be huge, the clamp is max(2 * slice, tick) = 5.6 ms.
  b.vruntime -= 100000000;
  rq.SetCurr(&b);
  rq.DequeueSleep(&b);
  EXPECT_EQ(b.vlag, 2 * kSlice);
  EXPECT_FALSE(b.on_rq);
}

TEST_F(RunQueueTest, DeadlineRenewedWhenReachedAndReschedOnlyWithOthers) {
  Entity a = Make(0);
  rq.Enqueue(&a, true);
  rq.SetCurr(&a);
  const int64_t d0 = a.deadline;
  EXPECT_FALSE(rq.UpdateCurr(a.exec_seen + (d0 - a.vruntime) - 1));
  EXPECT_EQ(a.deadline, d0);
  // Reaching the deadline renews it, a slice later; alone, nothing to reschedule.
  EXPECT_FALSE(rq.UpdateCurr(a.exec_seen + 1));
  EXPECT_EQ(a.deadline, a.vruntime + kSlice);
  Entity b = Make(1);
  rq.Enqueue(&b, false);
  EXPECT_TRUE(rq.UpdateCurr(a.exec_seen + kSlice));
}

TEST_F(RunQueueTest, PickEarliestEligibleDeadline) {
  Entity a = Make(0), b = Make(1), c = Make(2);
  for (Entity* e : {&a, &b, &c}) rq.Enqueue(e, false);
  a.vruntime = 0;
  a.deadline = 9000;
  b.vruntime = 0;
  b.deadline = 5000;
  c.vruntime = 3000;
  c.deadline = 4000;  // earliest deadline but not eligible (V = 1000)
  EXPECT_FALSE(rq.Eligible(c));
  EXPECT_EQ(rq.Pick(), &b);
}

TEST_F(RunQueueTest, RunToParityKeepsAnEligibleCurrUntilItsDeadline) {
  Entity a = Make(0), b = Make(1), c = Make(2);
  for (Entity* e : {&a, &b, &c}) rq.Enqueue(e, false);
  c.vruntime += 1000000;  // c is far ahead: it keeps V above a and b
  c.deadline += 1000000;
  Run(&a, 100000);
  b.deadline = a.deadline - 1;  // b's deadline is earlier, and b is eligible
  ASSERT_TRUE(rq.Eligible(a));
  ASSERT_TRUE(rq.Eligible(b));
  EXPECT_EQ(rq.Pick(), &a);  // protected
  params.run_to_parity = false;
  EXPECT_EQ(rq.Pick(), &b);
  params.run_to_parity = true;
  rq.CancelProtection();  // PREEMPT_SHORT's cancel
  EXPECT_EQ(rq.Pick(), &b);
}

TEST_F(RunQueueTest, IneligibleSleeperIsDelayedUntilPickedThenLeavesWithZeroLag) {
  Entity a = Make(0), b = Make(1);
  rq.Enqueue(&a, false);
  rq.Enqueue(&b, false);
  rq.SetCurr(&a);
  rq.UpdateCurr(a.exec_seen + 2000000);  // a ran ahead: not eligible
  ASSERT_FALSE(rq.Eligible(a));
  EXPECT_TRUE(rq.DequeueSleep(&a));
  EXPECT_TRUE(a.on_rq);
  EXPECT_TRUE(a.delayed);
  EXPECT_EQ(rq.nr_runnable(), 1);
  // b runs until a becomes eligible and is picked: then a's dequeue finishes.
  rq.SetCurr(&b);
  rq.UpdateCurr(b.exec_seen + 4000000);
  rq.PutPrev();
  Entity* p = rq.Pick();
  ASSERT_EQ(p, &a);
  rq.FinishDelayed(&a);
  EXPECT_FALSE(a.on_rq);
  EXPECT_EQ(a.vlag, 0);  // DELAY_ZERO
}

TEST_F(RunQueueTest, DelayedTaskWokenStaysQueued) {
  Entity a = Make(0), b = Make(1);
  rq.Enqueue(&a, false);
  rq.Enqueue(&b, false);
  rq.SetCurr(&a);
  rq.UpdateCurr(a.exec_seen + 2000000);
  ASSERT_TRUE(rq.DequeueSleep(&a));
  const int64_t v = a.vruntime;
  rq.Requeue(&a);
  EXPECT_FALSE(a.delayed);
  EXPECT_EQ(rq.nr_runnable(), 2);
  EXPECT_EQ(a.vruntime, v);  // negative lag kept: it still owes CPU time
}

TEST_F(RunQueueTest, EligibleSleeperLeavesAtOnce) {
  Entity a = Make(0), b = Make(1);
  rq.Enqueue(&a, false);
  rq.Enqueue(&b, false);
  rq.SetCurr(&a);
  ASSERT_TRUE(rq.Eligible(a));
  EXPECT_FALSE(rq.DequeueSleep(&a));
  EXPECT_FALSE(a.on_rq);
  EXPECT_EQ(rq.nr_runnable(), 1);
}

}  // namespace
}  // namespace scxtwin::sim::fair

namespace scxtwin::sim::fair {
namespace {

// reweight_entity keeps a queued entity's lag w * (V - v) and scales its relative deadline.
TEST_F(RunQueueTest, ReweightKeepsTheLagOfAQueuedEntity) {
  Entity a = Make(0), b = Make(1), c = Make(2);
  rq.Enqueue(&a, false);
  rq.Enqueue(&b, false);
  rq.Enqueue(&c, false);
  Run(&a, 3000000);  // a runs ahead: b and c are owed time (positive lag)
  rq.PutPrev();
  const int64_t lag_before = (rq.AvgVruntime() - b.vruntime) * b.weight;
  const int64_t rel_deadline = b.deadline - b.vruntime;
  ASSERT_GT(lag_before, 0);
  rq.Reweight(&b, 3 * kNice0Weight);
  EXPECT_EQ(b.weight, 3 * kNice0Weight);
  const int64_t lag_after = (rq.AvgVruntime() - b.vruntime) * b.weight;
  EXPECT_NEAR(static_cast<double>(lag_after), static_cast<double>(lag_before),
              1e-6 * static_cast<double>(lag_before) + 4.0 * b.weight);
  EXPECT_EQ(b.deadline - b.vruntime, rel_deadline / 3);
  EXPECT_EQ(rq.runnable_load(), 5 * kNice0Weight);
  EXPECT_EQ(rq.nr_runnable(), 3);
}

TEST_F(RunQueueTest, ReweightOffTheQueueScalesTheSavedLag) {
  Entity a = Make(0);
  a.vlag = 3000;
  rq.Reweight(&a, 3 * kNice0Weight);
  EXPECT_EQ(a.vlag, 1000);
  EXPECT_EQ(a.weight, 3 * kNice0Weight);
}

}  // namespace
}  // namespace scxtwin::sim::fair
