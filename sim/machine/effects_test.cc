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
