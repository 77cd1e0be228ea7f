// The host effects table alone: KVM's halt-poll rules, switches, keys and the printed form.
#include "sim/machine/effects.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "sim/machine/costs.h"

namespace scxtwin::sim {
namespace {

TEST(HaltPollTest, KvmsWindowGrowsAndShrinksByItsRules) {
  HostEffects fx;  // defaults: cap 200 us, grow x2 from 10 us, shrink /2
  EXPECT_EQ(fx.NextHaltPoll(0, 50000), 10000);  // a short halt: start polling at 10 us
  EXPECT_EQ(fx.NextHaltPoll(10000, 50000), 20000);
  EXPECT_EQ(fx.NextHaltPoll(80000, 50000), 80000);     // caught within the window: unchanged
  EXPECT_EQ(fx.NextHaltPoll(160000, 190000), 200000);  // capped
  EXPECT_EQ(fx.NextHaltPoll(80000, 1000000), 40000);   // a long halt: halve
  EXPECT_EQ(fx.NextHaltPoll(10000, 1000000), 0);       // below grow_start: stop polling
  EXPECT_EQ(fx.NextHaltPoll(0, 1000000), 0);           // long halts never start it
}

TEST(EffectsTest, DefaultsAreOnWhereSourcedAndSwitchableTogether) {
  MachineCosts c;
  EXPECT_TRUE(c.effects.idle_exit && c.effects.smt && c.effects.freq && c.effects.halt_poll);
  EXPECT_FALSE(c.effects.tick_cost);  // no measured figure
  ASSERT_TRUE(c.Set("effects", "off").ok());
  EXPECT_FALSE(c.effects.idle_exit || c.effects.smt || c.effects.freq || c.effects.halt_poll);
  EXPECT_FALSE(c.Set("smt", "maybe").ok());
  EXPECT_FALSE(c.Set("smt.speed_pct", "0").ok());
  auto bad = c.Set("smt.sped_pct", "50");
  EXPECT_NE(bad.message().find("smt.speed_pct"), std::string::npos) << bad;  // lists the keys
  const auto d = c.Describe();
  EXPECT_NE(std::find(d.begin(), d.end(), "idle.c6.exit_ns=133000"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "smt=off"), d.end());
}

TEST(EffectsTest, IdleExitLatencyPicksTheDeepestStateThatFits) {
  HostEffects fx;
  EXPECT_EQ(fx.IdleExitLatency(1000), 0);
  EXPECT_EQ(fx.IdleExitLatency(2000), 2000);
  EXPECT_EQ(fx.IdleExitLatency(599999), 10000);
  EXPECT_EQ(fx.IdleExitLatency(600000), 133000);
  fx.idle_exit = false;
  EXPECT_EQ(fx.IdleExitLatency(600000), 0);
}

TEST(EffectsTest, TimerLatenessIsDrawnFromTheGivenQuantiles) {
  MachineCosts c;
  EXPECT_FALSE(c.effects.timer_late);  // a model of an emulated guest, not of a server
  EXPECT_EQ(c.effects.TimerLate(0.5), 0);
  ASSERT_TRUE(c.Set("timer_late.ns", "100:300:1300").ok());
  EXPECT_EQ(c.effects.TimerLate(0.5), 0);  // still off
  ASSERT_TRUE(c.Set("timer_late", "on").ok());
  // Quantiles at 0, 1/2, 1, linear between them.
  EXPECT_EQ(c.effects.TimerLate(0.0), 100);
  EXPECT_EQ(c.effects.TimerLate(0.25), 200);
  EXPECT_EQ(c.effects.TimerLate(0.5), 300);
  EXPECT_EQ(c.effects.TimerLate(0.75), 800);
  EXPECT_EQ(c.effects.TimerLate(1.0), 1300);
  const auto d = c.Describe();
  EXPECT_NE(std::find(d.begin(), d.end(), "timer_late=on"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "timer_late.ns=100:300:1300"), d.end());
  ASSERT_TRUE(c.Set("timer_late.ns", "700").ok());  // one value: always that late
  EXPECT_EQ(c.effects.TimerLate(0.9), 700);
  ASSERT_TRUE(c.Set("effects", "off").ok());
  EXPECT_EQ(c.effects.TimerLate(0.9), 0);
  for (const char* bad : {"300:100", "1:x", "-5", "1::2"}) {
    auto s = c.Set("timer_late.ns", bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("ascending"), std::string::npos) << s;
  }
}

TEST(EffectsTest, VcpuStallsAreDrawnFromTheQuantilesAndTakeTheGivenShareOfTime) {
  MachineCosts c;
  EXPECT_FALSE(c.effects.vcpu_stall);  // a model of an emulated guest, not of a server
  EXPECT_FALSE(c.effects.Stalls());
  // Off, it is not described: a server's runs print what they printed before the term.
  for (const std::string& d : c.Describe()) EXPECT_EQ(d.find("vcpu_stall"), std::string::npos);
  ASSERT_TRUE(c.Set("vcpu_stall.ns", "1000:3000:5000").ok());
  ASSERT_TRUE(c.Set("vcpu_stall.permille", "250").ok());
  EXPECT_FALSE(c.effects.Stalls());  // still off
  EXPECT_EQ(c.effects.VcpuStall(0.5), 0);
  ASSERT_TRUE(c.Set("vcpu_stall", "on").ok());
  ASSERT_TRUE(c.effects.Stalls());
  EXPECT_EQ(c.effects.VcpuStall(0.0), 1000);
  EXPECT_EQ(c.effects.VcpuStall(0.25), 2000);
  EXPECT_EQ(c.effects.VcpuStall(1.0), 5000);
  // Mean stall 3000 ns (the mean of the linear quantile function); stopped a quarter of the
  // time: 9000 ns of running between stalls on average.
  EXPECT_EQ(c.effects.VcpuStallMeanGap(), 9000);
  const auto d = c.Describe();
  EXPECT_NE(std::find(d.begin(), d.end(), "vcpu_stall=on"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "vcpu_stall.ns=1000:3000:5000"), d.end());
  EXPECT_NE(std::find(d.begin(), d.end(), "vcpu_stall.permille=250"), d.end());
  // No share of time, or no distribution: no stalls.
  ASSERT_TRUE(c.Set("vcpu_stall.permille", "0").ok());
  EXPECT_FALSE(c.effects.Stalls());
  EXPECT_EQ(c.effects.VcpuStallMeanGap(), 0);
  ASSERT_TRUE(c.Set("vcpu_stall.permille", "250").ok());
  // "effects=on" leaves it as it is; "effects=off" stops it.
  ASSERT_TRUE(c.Set("effects", "on").ok());
  EXPECT_TRUE(c.effects.Stalls());
  ASSERT_TRUE(c.Set("effects", "off").ok());
  EXPECT_FALSE(c.effects.Stalls());
  for (const char* bad : {"1000", "-1", "x", "1.5"}) {
    auto s = c.Set("vcpu_stall.permille", bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("[0, 999]"), std::string::npos) << s;
  }
  EXPECT_FALSE(c.Set("vcpu_stall.ns", "5:1").ok());
}

TEST(EffectsTest, EveryRangeSetsValidKeys) {
  for (const EffectRange& r : HostEffects::Ranges()) {
    for (const std::string* v : {&r.low, &r.def, &r.high}) {
      MachineCosts c;
      size_t start = 0;
      while (start <= v->size()) {
        const size_t comma = std::min(v->find(',', start), v->size());
        const std::string kv = v->substr(start, comma - start);
        const size_t eq = kv.find('=');
        ASSERT_NE(eq, std::string::npos) << *v;
        EXPECT_TRUE(c.Set(kv.substr(0, eq), kv.substr(eq + 1)).ok()) << r.term << ": " << kv;
        start = comma + 1;
      }
    }
  }
}

}  // namespace
}  // namespace scxtwin::sim
