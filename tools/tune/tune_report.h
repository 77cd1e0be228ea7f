// The tuner's output: the search, the held-out confirmation with its intervals, the //sim lines
// that reproduce it, the closing line; and the tuning curve as an SVG.
#ifndef SCXTWIN_TOOLS_TUNE_TUNE_REPORT_H_
#define SCXTWIN_TOOLS_TUNE_TUNE_REPORT_H_

#include <ostream>
#include <string>

#include "tools/tune/tuner.h"

namespace scxtwin::tune {

// How the user named things, for the //sim lines (paths as typed, not as resolved).
struct CommandWords {
  std::string policy;
  std::string workload;
};

// `bazel run //sim -- --policy=eevdf,POLICY ... --runs=N --seed=BASE --set POLICY.K=V ...`: the
// held-out comparison of EEVDF and `c` (with `with_sets`, the tuned knobs; without, the defaults).
std::string SimLine(const TuneResult& r, const CommandWords& words, bool with_sets);

// "--set homing.slice_max_us=3000 --set homing.go_home=1": every searched knob (and every one held
// fixed) of the best candidate, prefixed for //sim.
std::string BestSets(const TuneResult& r);

// "tune: best --set ...: 1.034x over defaults (95% CI [1.020, 1.048]) on 30 held-out seeds"
std::string ClosingLine(const TuneResult& r);

void WriteTuneReport(std::ostream& os, const TuneResult& r, const CommandWords& words);

// The tuning curve: the best candidate's mean metric so far and the defaults' on the same seeds,
// against runs spent.
std::string TuningCurveSvg(const TuneResult& r);

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_TUNE_REPORT_H_
