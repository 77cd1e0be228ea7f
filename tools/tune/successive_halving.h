// Successive halving over paired seeds: every candidate of a rung runs on the same seeds (common
// random numbers, so a difference between two candidates is theirs, not the seeds'), the best
// 1/eta go on to the next rung, which runs them on eta times as many seeds (the earlier seeds'
// runs are kept). Noise is fought where it matters: many candidates get a cheap look, the few
// that might win get many seeds. Candidate 0 is the reference (the defaults): it runs on every
// seed of every rung, so each rung can say how far its best beats it and check the guard.
#ifndef SCXTWIN_TOOLS_TUNE_SUCCESSIVE_HALVING_H_
#define SCXTWIN_TOOLS_TUNE_SUCCESSIVE_HALVING_H_

#include <functional>
#include <limits>
#include <vector>

#include "absl/status/statusor.h"

namespace scxtwin::tune {

// One run of one candidate on one seed.
struct Outcome {
  double objective = 0;  // lower is better (the tuner negates a rate)
  double guard = 0;      // the guarded metric, lower is better (0 when there is no guard)
  bool valid = true;     // false: the run is disqualifying (ejected, instances left unfinished)
};

// Runs `candidates` on seeds seed_begin..seed_end-1 (indices into the search's seed list):
// result[i][s] is candidate candidates[i] on seed seed_begin + s.
using EvaluateFn = std::function<absl::StatusOr<std::vector<std::vector<Outcome>>>(
    const std::vector<int>& candidates, int seed_begin, int seed_end)>;

struct HalvingPlan {
  struct Rung {
    int candidates;  // how many run in this rung (the reference not counted)
    int seeds;       // seeds 0..seeds-1
  };
  std::vector<Rung> rungs;
  int runs = 0;  // total, the reference's included
};

// The largest plan whose runs fit `budget`: as many candidates as fit with `first_seeds` seeds in
// rung 0 and 1/eta of them kept per rung (down to the last rung of 2..eta), and what budget is
// left given to the last rung as more seeds. Error if not even 2 candidates fit.
absl::StatusOr<HalvingPlan> PlanHalving(int budget, int max_candidates, int eta = 3,
                                        int first_seeds = 2);

struct RungReport {
  int candidates = 0, seeds = 0;
  int runs_after = 0;              // runs spent when the rung ended
  int best = 0;                    // candidate index
  double best_objective = 0;       // its mean on the rung's seeds
  double reference_objective = 0;  // candidate 0's mean on the same seeds
  int disqualified = 0;            // candidates with an invalid run or over the guard
};

// A point of the tuning curve: after `runs` runs, the best candidate seen so far in the current
// rung beats the reference by `gain` (reference mean / best mean, on the rung's shared seeds).
struct CurvePoint {
  int runs = 0;
  double gain = 1;
  double best = 0;       // the best candidate's mean objective so far, on the rung's seeds
  double reference = 0;  // the reference's mean on the same seeds
};

struct HalvingResult {
  int best = 0;
  std::vector<RungReport> rungs;
  std::vector<CurvePoint> curve;
  int runs = 0;
};

// `guard_ratio`: a candidate whose guard mean exceeds guard_ratio times the reference's (on the
// same seeds) is ranked after every candidate within it; so is one with an invalid run. Ties go
// to the lower index (the defaults win a tie). `progress` gets (runs done, plan.runs).
absl::StatusOr<HalvingResult> SuccessiveHalving(
    int num_candidates, const HalvingPlan& plan, const EvaluateFn& evaluate,
    double guard_ratio = std::numeric_limits<double>::infinity());

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_SUCCESSIVE_HALVING_H_
