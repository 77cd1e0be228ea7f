#include "sim/engine/event_queue.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace scxtwin::sim {
namespace {

TEST(EventQueueTest, OrdersByTimeThenInsertion) {
  EventQueue q;
  q.Schedule(30, 1, 0);
  q.Schedule(10, 2, 0);
  q.Schedule(10, 3, 0);
  q.Schedule(20, 4, 0);
  q.Schedule(10, 5, 0);
  std::vector<uint32_t> kinds;
  std::vector<SimTime> times;
  Event e;
  while (q.Pop(&e)) {
    kinds.push_back(e.kind);
    times.push_back(e.time);
    EXPECT_EQ(q.now(), e.time);
  }
  EXPECT_EQ(kinds, (std::vector<uint32_t>{2, 3, 5, 4, 1}));
  EXPECT_EQ(times, (std::vector<SimTime>{10, 10, 10, 20, 30}));
}

TEST(EventQueueTest, CancelIsLazyAndExact) {
  EventQueue q;
  EventHandle a = q.Schedule(10, 1, 0);
  EventHandle b = q.Schedule(20, 2, 0);
  EventHandle c = q.Schedule(30, 3, 0);
  EXPECT_TRUE(q.IsPending(b));
  EXPECT_TRUE(q.Cancel(b));
  EXPECT_FALSE(q.IsPending(b));
  EXPECT_FALSE(q.Cancel(b));  // already cancelled: no-op
  EXPECT_EQ(q.pending(), 2u);
  // The freed slot is reused; the old handle must not cancel the new event.
  EventHandle stale = a;
  Event e;
  ASSERT_TRUE(q.Pop(&e));
  EXPECT_EQ(e.kind, 1u);
  EventHandle d = q.Schedule(25, 4, 0);
  EXPECT_FALSE(q.Cancel(stale));
  EXPECT_TRUE(q.IsPending(d));
  ASSERT_TRUE(q.Pop(&e));
  EXPECT_EQ(e.kind, 4u);
  EXPECT_EQ(q.PeekTime(), 30);
  ASSERT_TRUE(q.Pop(&e));
  EXPECT_EQ(e.kind, 3u);
  EXPECT_FALSE(q.IsPending(c));
  EXPECT_FALSE(q.Pop(&e));
  EXPECT_EQ(q.PeekTime(), kTimeNever);
}

TEST(EventQueueTest, PastScheduleIsClampedAndCounted) {
  EventQueue q;
  q.Schedule(100, 1, 0);
  Event e;
  ASSERT_TRUE(q.Pop(&e));
  q.Schedule(50, 2, 7, 99);
  EXPECT_EQ(q.past_schedules(), 1u);
  ASSERT_TRUE(q.Pop(&e));
  EXPECT_EQ(e.time, 100);
  EXPECT_EQ(e.target, 7);
  EXPECT_EQ(e.arg, 99u);
}

// Against a reference: random schedules and cancels pop in (time, seq) order, none lost.
TEST(EventQueueTest, MatchesReferenceUnderRandomOps) {
  std::mt19937_64 rng(7);
  EventQueue q;
  struct Ref {
    SimTime time;
    uint64_t id;
    bool live;
    EventHandle h;
  };
  std::vector<Ref> ref;
  for (int i = 0; i < 5000; ++i) {
    SimTime t = q.now() + static_cast<SimTime>(rng() % 1000);
    ref.push_back({t, static_cast<uint64_t>(ref.size()), true, {}});
    ref.back().h = q.Schedule(t, 0, 0, ref.back().id);
    if (rng() % 4 == 0) {
      Ref& victim = ref[rng() % ref.size()];
      bool was = q.IsPending(victim.h);
      EXPECT_EQ(q.Cancel(victim.h), was);
      if (was) victim.live = false;
    }
    if (rng() % 3 == 0) {
      Event e;
      if (q.Pop(&e)) {
        Ref& r = ref[e.arg];
        EXPECT_TRUE(r.live);
        r.live = false;
        // Nothing live is earlier (ties: lower id first).
        for (const Ref& o : ref) {
          if (o.live) EXPECT_TRUE(o.time > e.time || (o.time == e.time && o.id > e.arg));
        }
      }
    }
  }
  size_t live = 0;
  for (const Ref& r : ref) live += r.live;
  EXPECT_EQ(q.pending(), live);
}

}  // namespace
}  // namespace scxtwin::sim
