// `tune select`: from a real ftrace trace to a recommended policy. The trace becomes a workload
// (trace2workload's importer), EEVDF replays it to say how far the model fits the trace (the
// traced tree ran under Linux's EEVDF), every candidate policy runs it on the same seeds (and
// with --tune a tuned variant of each policy with a knob table), and the best is recommended
// with its expected gain over EEVDF, a 95% CI and the model's error beside it.
#ifndef SCXTWIN_TOOLS_TUNE_SELECT_H_
#define SCXTWIN_TOOLS_TUNE_SELECT_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/run_backend.h"
#include "tools/tune/paired_stats.h"
#include "tools/tune/tuner.h"

namespace scxtwin::tune {

struct SelectConfig {
  std::string trace;                  // an ftrace text trace, .gz or plain
  std::string root;                   // the command whose exec roots the process tree
  std::vector<std::string> policies;  // the first is not special; eevdf is always run
  std::string topology;               // "" = as many CPUs as the trace shows
  int runs = 10;
  uint64_t seed = 1;
  bool tune = false;
  int budget = 300;   // per tuned policy
  int held_out = 10;  // per tuned policy
  std::vector<std::string> policy_dirs;
  std::string workload_out;  // where the imported workload is written (a temporary file)
};

struct Option {
  std::string label;
  std::vector<experiment::KnobSet> sets;  // a tuned variant's knobs, unprefixed
  double mean = 0;                        // makespan, s
  PairedSpeedup over_eevdf;
  bool tuned = false;
};

struct SelectResult {
  std::string trace_name;
  int threads = 0;
  int trace_cpus = 0;
  std::string topology;
  double traced_s = 0;          // root exec to the tree's last exit
  double traced_cpu_s = 0;      // the tree's CPU time in the trace
  double replay_s = 0;          // EEVDF's mean makespan of the replay
  double fit_error = 0;         // (replay - traced) / traced
  bool deterministic = false;   // every seed gave the same figures
  std::vector<Option> options;  // eevdf first
  size_t recommended = 0;
  bool significant = false;  // the recommended gain's CI excludes 1 and exceeds the model error
  std::vector<std::vector<double>> samples;  // per option (untuned ones), for the picture
  std::vector<std::string> not_tuned;        // --tune: policies without a knob table
};

absl::StatusOr<SelectResult> Select(const SelectConfig& config, experiment::RunBackend& backend,
                                    const experiment::ProgressFn& progress = nullptr);

void WriteSelectReport(std::ostream& os, const SelectConfig& config, const SelectResult& r);

// The makespan CDF of each policy (not the tuned variants, which ran on other seeds).
std::string SelectSvg(const SelectResult& r);

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_SELECT_H_
