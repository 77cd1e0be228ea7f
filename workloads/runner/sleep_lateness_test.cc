#include "workloads/runner/sleep_lateness.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace scxtwin::runner {
namespace {

TEST(SleepLatenessTest, EachSleepEndsAtItsFirstWakeBetweenDeadlineAndReturn) {
  std::unordered_map<int64_t, std::vector<SleepSpan>> sleeps;
  sleeps[10] = {{0, 1000, 5000}, {6000, 7000, 9000}};
  sleeps[11] = {{0, 2000, 4000}};
  const std::vector<WakeEvent> wakes = {
      {10, 500, 0},    // a signal's wake before the deadline: not the sleep's end
      {10, 3000, 0},   // ends 10's first sleep, 2000 late
      {11, 2100, 1},   // ends 11's sleep, 100 late
      {10, 7000, 0},   // ends 10's second sleep on time
      {12, 2000, 0}};  // a thread with no sleeps
  const SleepLateness sl = MeasureSleepLateness(sleeps, wakes);
  std::vector<int64_t> late = sl.late_ns;
  std::sort(late.begin(), late.end());
  EXPECT_EQ(late, (std::vector<int64_t>{0, 100, 2000}));
  EXPECT_EQ(sl.unmatched, 0);
}

TEST(SleepLatenessTest, ASleepWithNoWakeBeforeItsReturnIsNotTimed) {
  std::unordered_map<int64_t, std::vector<SleepSpan>> sleeps;
  // The deadline passed while the thread ran an interrupt handler: it never blocked again, and
  // the next wake (of a later wait) is after it was back.
  sleeps[10] = {{0, 1000, 1200}};
  const SleepLateness sl = MeasureSleepLateness(sleeps, {{10, 400, 0}, {10, 1500, 0}});
  EXPECT_TRUE(sl.late_ns.empty());
  EXPECT_EQ(sl.unmatched, 1);
}

TEST(SleepLatenessTest, WakesInOneInterruptAreOneBunchLateByItsEarliestDeadline) {
  std::unordered_map<int64_t, std::vector<SleepSpan>> sleeps;
  std::vector<WakeEvent> wakes;
  // Four sleepers woken on CPU 0 by one interrupt (20 us apart, no switch between), the earliest
  // deadline 1.5 ms before it; one on CPU 1 at the same time; one more on CPU 0 a millisecond
  // later.
  for (int64_t pid = 1; pid <= 6; ++pid) sleeps[pid] = {{0, 500000 + pid * 100000, 10000000}};
  for (int64_t pid = 1; pid <= 4; ++pid)
    wakes.push_back({pid, 2000000 + pid * 20000, 0, /*in_irq=*/true, /*cpu_switches=*/7});
  wakes.push_back({5, 2000000, 1, true, 3});
  wakes.push_back({6, 3100000, 0, true, 8});
  const SleepLateness sl = MeasureSleepLateness(sleeps, wakes);
  std::vector<int> sizes = sl.bunch_sizes;
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<int>{1, 1, 4}));
  std::vector<int64_t> irq = sl.irq_late_ns;
  std::sort(irq.begin(), irq.end());
  // CPU 1: 2000000 - 1000000; CPU 0's bunch: pid 1's (2020000 - 600000); pid 6: 3100000 - 1100000.
  EXPECT_EQ(irq, (std::vector<int64_t>{1000000, 1420000, 2000000}));
}

TEST(SleepLatenessTest, ASwitchAGapOrAWakeOutsideAnInterruptSeparatesBunches) {
  auto sizes = [](std::vector<WakeEvent> w) {
    std::vector<int> s = BunchSizes(w);
    std::sort(s.begin(), s.end());
    return s;
  };
  const std::vector<int> two = {1, 1};
  EXPECT_EQ(sizes({{1, 1000, 0, true, 4}, {2, 2000, 0, true, 4}}), std::vector<int>{2});
  EXPECT_EQ(sizes({{1, 1000, 0, true, 4}, {2, 2000, 0, true, 5}}), two);  // a switch between
  EXPECT_EQ(sizes({{1, 1000, 0, true, 4}, {2, 1000 + kBunchGapNs + 1, 0, true, 4}}), two);
  EXPECT_EQ(sizes({{1, 1000, 0, false, 4}, {2, 2000, 0, false, 4}}), two);  // futex wakes
  EXPECT_EQ(sizes({{1, 1000, 0, true, 4}, {2, 1000, 1, true, 4}}), two);    // two CPUs
}

TEST(SleepLatenessTest, EvenQuantilesSpanMinToMax) {
  EXPECT_TRUE(EvenQuantiles({}, 20).empty());
  const std::vector<int64_t> q = EvenQuantiles({40, 10, 30, 20}, 4);
  EXPECT_EQ(q, (std::vector<int64_t>{10, 20, 30, 40, 40}));
}

}  // namespace
}  // namespace scxtwin::runner
