#include "tools/tune/successive_halving.h"

#include <cmath>
#include <cstdint>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/tune/search_space.h"

namespace scxtwin::tune {
namespace {

using ::testing::HasSubstr;

// A deterministic standard normal from (a, b) (Box-Muller on two SplitMix64 outputs).
double Normal(uint64_t a, uint64_t b) {
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const double u1 = (static_cast<double>(mix(a * 1000003 + b) >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = (static_cast<double>(mix(a * 1000003 + b + 0x5555) >> 11) + 0.5) * 0x1.0p-53;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

// The synthetic objective: a bowl in log(slice) with its bottom at 3000, plus 0.3 for flag 0.
double TrueObjective(const Candidate& c) {
  const double d = std::log10(static_cast<double>(c[0])) - std::log10(3000.0);
  return 1.0 + d * d + (c[1] == 1 ? 0 : 0.3);
}

TEST(PlanHalving, FitsTheBudgetAndUsesIt) {
  for (int budget : {12, 60, 300, 1000}) {
    auto plan = PlanHalving(budget, 729);
    ASSERT_TRUE(plan.ok()) << budget;
    EXPECT_LE(plan->runs, budget);
    EXPECT_GT(plan->runs, budget * 8 / 10) << budget;  // what is left is less than a seed's worth
    for (size_t k = 1; k < plan->rungs.size(); ++k) {
      EXPECT_LT(plan->rungs[k].candidates, plan->rungs[k - 1].candidates);
      EXPECT_GT(plan->rungs[k].seeds, plan->rungs[k - 1].seeds);
    }
  }
  auto too_small = PlanHalving(3, 729);
  ASSERT_FALSE(too_small.ok());
  EXPECT_THAT(too_small.status().message(), HasSubstr("--budget=3: too small"));
}

// With a seed effect 10x larger than the differences it must find (paired seeds cancel it) and
// independent noise on top, the search finds the bowl's bottom within its budget.
TEST(SuccessiveHalving, FindsAKnownOptimumUnderNoise) {
  SearchSpace space;
  space.dims = {MakeDimension("slice_us", 100, 1000000, 20000), MakeDimension("flag", 0, 1, 0)};
  for (uint64_t seed : {1, 2, 3}) {
    auto plan = PlanHalving(300, 729);
    ASSERT_TRUE(plan.ok());
    auto cands = DrawCandidates(space, plan->rungs[0].candidates, seed);
    int runs = 0;
    auto evaluate = [&](const std::vector<int>& which, int begin,
                        int end) -> absl::StatusOr<std::vector<std::vector<Outcome>>> {
      std::vector<std::vector<Outcome>> out;
      for (int c : which) {
        out.emplace_back();
        for (int s = begin; s < end; ++s) {
          const double seed_effect = 3.0 * Normal(seed, static_cast<uint64_t>(s));
          const double own = 0.03 * Normal(seed * 7919 + static_cast<uint64_t>(c),
                                           100000 + static_cast<uint64_t>(s));
          out.back().push_back(
              {TrueObjective(cands[static_cast<size_t>(c)]) + 10 + seed_effect + own, 0, true});
          ++runs;
        }
      }
      return out;
    };
    auto r = SuccessiveHalving(static_cast<int>(cands.size()), *plan, evaluate);
    ASSERT_TRUE(r.ok());
    EXPECT_LE(runs, 300);
    EXPECT_EQ(r->runs, runs);
    double best_true = 1e9;
    for (const Candidate& c : cands) best_true = std::min(best_true, TrueObjective(c));
    const Candidate& got = cands[static_cast<size_t>(r->best)];
    EXPECT_LT(TrueObjective(got) - best_true, 0.02)
        << "seed " << seed << ": " << FormatCandidate(space, got);
    EXPECT_EQ(got[1], 1);
    EXPECT_NEAR(std::log10(static_cast<double>(got[0])), std::log10(3000.0), 0.3)
        << FormatCandidate(space, got);
    // The curve only climbs within a rung and starts after the first rung's first candidate.
    ASSERT_FALSE(r->curve.empty());
    EXPECT_GT(r->curve.front().runs, 0);
    EXPECT_LE(r->curve.back().runs, runs);
  }
}

// A better objective bought with the guarded metric is ranked after every candidate within the
// guard; with nothing better, the reference (candidate 0) wins its ties.
TEST(SuccessiveHalving, GuardAndTies) {
  auto plan = PlanHalving(60, 3);  // 3 candidates
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->rungs[0].candidates, 3);
  auto evaluate = [](const std::vector<int>& which, int begin,
                     int end) -> absl::StatusOr<std::vector<std::vector<Outcome>>> {
    std::vector<std::vector<Outcome>> out;
    for (int c : which) {
      out.emplace_back();
      for (int s = begin; s < end; ++s) {
        // 0: reference (1.0, guard 1); 1: better (0.9) but guard 1.5; 2: slightly better, guard 1.04.
        const Outcome o = c == 0   ? Outcome{1.0, 1.0, true}
                          : c == 1 ? Outcome{0.9, 1.5, true}
                                   : Outcome{0.95, 1.04, true};
        out.back().push_back(o);
      }
    }
    return out;
  };
  auto unguarded = SuccessiveHalving(3, *plan, evaluate);
  ASSERT_TRUE(unguarded.ok());
  EXPECT_EQ(unguarded->best, 1);
  auto guarded = SuccessiveHalving(3, *plan, evaluate, 1.05);
  ASSERT_TRUE(guarded.ok());
  EXPECT_EQ(guarded->best, 2);
  EXPECT_EQ(guarded->rungs[0].disqualified, 1);
  auto strict = SuccessiveHalving(3, *plan, evaluate, 1.0);
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->best, 0);

  auto flat = [](const std::vector<int>& which, int begin,
                 int end) -> absl::StatusOr<std::vector<std::vector<Outcome>>> {
    return std::vector<std::vector<Outcome>>(
        which.size(), std::vector<Outcome>(end - begin, Outcome{1.0, 0, true}));
  };
  auto tie = SuccessiveHalving(3, *plan, flat);
  ASSERT_TRUE(tie.ok());
  EXPECT_EQ(tie->best, 0);

  auto invalid = [](const std::vector<int>& which, int begin,
                    int end) -> absl::StatusOr<std::vector<std::vector<Outcome>>> {
    std::vector<std::vector<Outcome>> out;
    for (int c : which) out.emplace_back(end - begin, Outcome{c == 1 ? 0.5 : 1.0, 0, c != 1});
    return out;
  };
  auto ejected = SuccessiveHalving(3, *plan, invalid);
  ASSERT_TRUE(ejected.ok());
  EXPECT_NE(ejected->best, 1);
}

}  // namespace
}  // namespace scxtwin::tune
