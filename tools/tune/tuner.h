// The tuner: searches a policy's knobs in simulation (successive halving over paired seeds,
// successive_halving.h), then confirms the winner against the defaults and EEVDF on held-out
// seeds the search never saw, and optionally on a variant of the workload (another vCPU count,
// another host) to show whether the gain carries over.
#ifndef SCXTWIN_TOOLS_TUNE_TUNER_H_
#define SCXTWIN_TOOLS_TUNE_TUNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/run_backend.h"
#include "sim/run/runner.h"
#include "tools/tune/paired_stats.h"
#include "tools/tune/search_space.h"
#include "tools/tune/successive_halving.h"

namespace scxtwin::tune {

// --guard=PROCESS:METRIC<=RATIO: the tuned policy's METRIC (of PROCESS's instances for boot;
// PROCESS may be empty: every process) must stay within RATIO times the defaults' (for a rate:
// at least the defaults' / RATIO).
struct Guard {
  std::string process;
  experiment::Metric metric = experiment::Metric::kMakespan;
  double ratio = 1;
};
absl::StatusOr<Guard> ParseGuard(absl::string_view text);

struct TuneConfig {
  std::string policy;  // a name or a host .so path, as //sim takes it
  // Workload, params, topology, policy_dirs, duration; its sets (cost.NAME, or knobs held fixed:
  // K or POLICY.K) apply to every run, and a knob set there is not searched. Its seed is unused.
  sim::RunConfig base;
  experiment::Metric metric = experiment::Metric::kBoot;
  std::string process;
  std::optional<Guard> guard;
  // --knob: knob names to search (a table's; default all), or NAME=MIN..MAX for a scheduler
  // without a table (required there).
  std::vector<std::string> knobs;
  int budget = 300;   // search runs
  int held_out = 30;  // held-out seeds for the confirmation
  uint64_t seed = 1;  // candidates and search seeds derive from it
  int max_candidates = 729;
  // A variant of the workload to check the tuned knobs on (params overriding base.params, and a
  // topology): run when either is set.
  std::vector<std::pair<std::string, std::string>> variant_params;
  std::string variant_topology;
};

// One configuration's held-out results, seed by seed.
struct Arm {
  std::string label;
  std::vector<double> values;
  std::vector<double> guard_values;
  int ejected = 0;
};

struct HeldOut {
  std::string topology;  // the parsed spec
  int nr_cpus = 0;
  std::vector<std::pair<std::string, std::string>> params;  // as run
  Arm eevdf, defaults, tuned;
  PairedSpeedup over_defaults, over_eevdf;
  std::optional<PairedSpeedup> guard_over_defaults;  // > 1: the guarded metric improved too
};

struct TuneResult {
  TuneConfig config;
  std::string label;       // the policy's label (PolicyLabel): the --set prefix
  bool from_table = true;  // the ranges came from the policy's NAME_KNOBS table
  SearchSpace space;
  std::vector<experiment::KnobSet> fixed;  // knob sets held fixed (not searched), unprefixed
  std::vector<Candidate> candidates;
  HalvingPlan plan;
  HalvingResult search;
  Candidate best;
  std::string workload_name;
  uint64_t held_out_base = 0;  // held-out seed i is RunSeed(held_out_base, i), as //sim --seed
  HeldOut held_out;
  std::optional<HeldOut> variant;
  int runs = 0;  // every run, search and confirmation
};

// The held-out base seed for a search seed: unrelated to the search's RunSeed(seed, i).
uint64_t HeldOutBase(uint64_t seed);

absl::StatusOr<TuneResult> Tune(const TuneConfig& config, experiment::RunBackend& backend,
                                const experiment::ProgressFn& progress = nullptr);

// The knob sets of a candidate, unprefixed (what RunSimulation takes), fixed knobs first.
std::vector<experiment::KnobSet> CandidateSets(const TuneResult& r, const Candidate& c);

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_TUNER_H_
