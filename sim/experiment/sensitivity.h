// Sensitivity of an experiment's result to the host-effect terms (sim/machine/effects.h) and the
// host background: each term is set to the low and the high end of its plausible range, the
// others kept at their defaults, and the same experiment (same policies, same paired seeds) is
// run at each setting. Per term: how the speedup of each policy over the baseline and each
// policy's stdev move. Terms sorted by how much they move the speedup (a tornado table).
#ifndef SCXTWIN_SIM_EXPERIMENT_SENSITIVITY_H_
#define SCXTWIN_SIM_EXPERIMENT_SENSITIVITY_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/experiment.h"
#include "sim/machine/effects.h"

namespace scxtwin::experiment {

// A term to vary: a host effect's range, or the host background (its low and high are
// background names, "" for none).
struct SensitivityTerm {
  std::string name;
  std::string low, def, high;  // comma-separated cost settings (K=V), or a background name
  bool background = false;
  std::string why;
  // A reference, not a term: a change of no substance (the context switch 1 ns cheaper and
  // dearer) that shows how far re-running the same seeds under any change moves the result.
  bool reference = false;
};

// The terms varied: every HostEffects::Ranges() entry, then the background (none .. cloud),
// then the noise reference (the context switch cost `context_switch_ns` -1 / +1 ns).
std::vector<SensitivityTerm> SensitivityTerms(int64_t context_switch_ns = 1500);

struct TermResult {
  SensitivityTerm term;
  ExperimentResult low, high;
  // Of the first compared policy (the second in --policy): the speedups at low and high, and
  // the largest distance of either from the default's.
  double speedup_low = 1, speedup_high = 1, swing = 0;
};

struct SensitivityResult {
  ExperimentResult base;               // every term at its default
  std::vector<TermResult> terms;       // sorted by swing, largest first
  std::vector<TermResult> references;  // the noise reference(s), not terms
};

// Runs the base experiment and, per term, the experiment at its low and its high setting
// (config.base.sets and background stay; a term's settings are added after them). At least two
// policies (the first is the baseline). `progress` sees every run of every experiment.
absl::StatusOr<SensitivityResult> RunSensitivity(const ExperimentConfig& config,
                                                 const std::vector<SensitivityTerm>& terms,
                                                 const ProgressFn& progress = nullptr);

// The tornado table and its closing line:
//   sensitivity: N terms, largest: NAME (speedup LOW..HIGH)
void WriteSensitivityTable(std::ostream& os, const SensitivityResult& r);

// The tornado as an SVG picture (svg_chart.h): one horizontal segment per term from its low
// setting's speedup to its high one's, largest effect on top, and the default as a vertical line.
std::string SensitivitySvg(const SensitivityResult& r);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SENSITIVITY_H_
