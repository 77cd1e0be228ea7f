#include "tools/tune/successive_halving.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace scxtwin::tune {
namespace {

// The rungs for n candidates: n on first_seeds seeds, then n / eta on eta times the seeds, ...
// until a rung has at most eta candidates.
std::vector<HalvingPlan::Rung> Rungs(int n, int eta, int first_seeds) {
  std::vector<HalvingPlan::Rung> rungs;
  int seeds = first_seeds;
  while (true) {
    rungs.push_back({n, seeds});
    if (n <= eta) break;
    n = std::max(2, n / eta);
    seeds *= eta;
  }
  return rungs;
}

// A plan's runs: each rung's candidates on its new seeds, and from rung 1 on the reference too
// (counted even when it is still a contender, so a plan is an upper bound).
int RunsOfRungs(const std::vector<HalvingPlan::Rung>& rungs) {
  int runs = 0, prev = 0;
  for (size_t k = 0; k < rungs.size(); ++k) {
    runs += (rungs[k].candidates + (k > 0 ? 1 : 0)) * (rungs[k].seeds - prev);
    prev = rungs[k].seeds;
  }
  return runs;
}

}  // namespace

absl::StatusOr<HalvingPlan> PlanHalving(int budget, int max_candidates, int eta, int first_seeds) {
  if (eta < 2 || first_seeds < 1)
    return absl::InvalidArgumentError("halving needs eta >= 2 and first_seeds >= 1");
  HalvingPlan best;
  bool found = false;
  for (int n = 2; n <= max_candidates; ++n) {
    HalvingPlan p;
    p.rungs = Rungs(n, eta, first_seeds);
    p.runs = RunsOfRungs(p.rungs);
    if (p.runs > budget) continue;
    best = p;
    found = true;
  }
  if (!found) {
    return absl::InvalidArgumentError(
        absl::StrCat("--budget=", budget, ": too small to compare even 2 candidates on ",
                     first_seeds, " seeds (needs ", 2 * first_seeds, " runs)"));
  }
  // What is left goes to the last rung: more seeds for the final choice.
  HalvingPlan::Rung& last = best.rungs.back();
  const int per_seed = last.candidates + (best.rungs.size() > 1 ? 1 : 0);
  last.seeds += (budget - best.runs) / per_seed;
  best.runs = RunsOfRungs(best.rungs);
  return best;
}

absl::StatusOr<HalvingResult> SuccessiveHalving(int num_candidates, const HalvingPlan& plan,
                                                const EvaluateFn& evaluate, double guard_ratio) {
  if (plan.rungs.empty() || num_candidates < plan.rungs[0].candidates) {
    return absl::InvalidArgumentError(
        absl::StrCat("the plan wants ", plan.rungs.empty() ? 0 : plan.rungs[0].candidates,
                     " candidates, there are ", num_candidates));
  }
  HalvingResult result;
  // outcomes[c][s]: what we know of candidate c on seed s.
  std::vector<std::vector<Outcome>> outcomes(static_cast<size_t>(num_candidates));
  std::vector<int> alive(static_cast<size_t>(plan.rungs[0].candidates));
  std::iota(alive.begin(), alive.end(), 0);
  int prev_seeds = 0;
  for (const HalvingPlan::Rung& rung : plan.rungs) {
    // The reference runs on every seed, whether or not it is still a contender.
    std::vector<int> to_run = alive;
    if (std::find(to_run.begin(), to_run.end(), 0) == to_run.end())
      to_run.insert(to_run.begin(), 0);
    auto got = evaluate(to_run, prev_seeds, rung.seeds);
    if (!got.ok()) return got.status();
    if (got->size() != to_run.size())
      return absl::InternalError("the evaluator returned the wrong number of candidates");
    for (size_t i = 0; i < to_run.size(); ++i) {
      auto& o = outcomes[static_cast<size_t>(to_run[i])];
      o.insert(o.end(), (*got)[i].begin(), (*got)[i].end());
    }
    const int runs_before = result.runs;
    result.runs += static_cast<int>(to_run.size()) * (rung.seeds - prev_seeds);

    // Score every contender on the rung's seeds 0..rung.seeds-1.
    auto mean = [&](int c, bool guard) {
      double sum = 0;
      for (int s = 0; s < rung.seeds; ++s) {
        const Outcome& o = outcomes[static_cast<size_t>(c)][static_cast<size_t>(s)];
        sum += guard ? o.guard : o.objective;
      }
      return sum / rung.seeds;
    };
    auto valid = [&](int c) {
      for (int s = 0; s < rung.seeds; ++s) {
        if (!outcomes[static_cast<size_t>(c)][static_cast<size_t>(s)].valid) return false;
      }
      return true;
    };
    const double ref = mean(0, false), ref_guard = mean(0, true);
    struct Score {
      int c;
      bool ok;
      double objective;
    };
    std::vector<Score> scores;
    for (int c : alive) {
      const bool ok = valid(c) && (ref_guard <= 0 || mean(c, true) <= guard_ratio * ref_guard);
      scores.push_back({c, ok, mean(c, false)});
    }
    // The curve: best so far among this rung's contenders, in the order they were run.
    const int per_candidate = rung.seeds - prev_seeds;
    int spent = runs_before + (to_run.size() > alive.size() ? per_candidate : 0);
    double best_so_far = std::numeric_limits<double>::infinity();
    for (const Score& s : scores) {
      spent += per_candidate;
      if (s.ok) best_so_far = std::min(best_so_far, s.objective);
      if (best_so_far < std::numeric_limits<double>::infinity() && best_so_far != 0) {
        result.curve.push_back({spent, ref / best_so_far, best_so_far, ref});
      }
    }
    std::stable_sort(scores.begin(), scores.end(), [](const Score& a, const Score& b) {
      if (a.ok != b.ok) return a.ok;
      if (a.objective != b.objective) return a.objective < b.objective;
      return a.c < b.c;
    });
    RungReport report;
    report.candidates = static_cast<int>(alive.size());
    report.seeds = rung.seeds;
    report.runs_after = result.runs;
    report.best = scores[0].c;
    report.best_objective = scores[0].objective;
    report.reference_objective = ref;
    for (const Score& s : scores) report.disqualified += s.ok ? 0 : 1;
    result.rungs.push_back(report);
    result.best = scores[0].c;
    if (!scores[0].ok) result.best = 0;  // nothing qualified: keep the defaults
    // Survivors: the next rung's count, best first.
    const size_t next =
        &rung == &plan.rungs.back() ? 0 : static_cast<size_t>((&rung + 1)->candidates);
    alive.clear();
    for (size_t i = 0; i < next && i < scores.size(); ++i) alive.push_back(scores[i].c);
    prev_seeds = rung.seeds;
  }
  return result;
}

}  // namespace scxtwin::tune
