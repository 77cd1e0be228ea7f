// A multi-run experiment: each policy runs the same workload over the same N seeds, each run
// in its own process, and one number per run (the metric) is summarised per policy as the seed
// experiment's table: mean, stdev, p50, p99 and the speedup over the first policy.
//
// Pairing: run i of every policy uses seed RunSeed(base seed, i), so policies are compared on
// identical workload draws. Determinism: results are gathered in (policy, run) order whatever
// order the processes finish in, and only simulated quantities are reported.
#ifndef SCXTWIN_SIM_EXPERIMENT_EXPERIMENT_H_
#define SCXTWIN_SIM_EXPERIMENT_EXPERIMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/experiment/job_backend.h"
#include "sim/experiment/knob_routing.h"
#include "sim/experiment/process_pool.h"
#include "sim/experiment/summary.h"
#include "sim/run/runner.h"

namespace scxtwin::experiment {

// The number each run contributes.
enum class Metric {
  // Boot time: the mean, over the run's completed process instances (of --process, or of all
  // processes), of arrival to last exit, in seconds. A micro-VM's boot; lower is better.
  kBoot,
  // Makespan: the simulated time at which the run ended (the last task exited), in seconds.
  kMakespan,
  // Work rate: useful CPU time (run time minus cache refill after migrations) per simulated
  // second, in CPUs; for steady loads that never end. Higher is better.
  kWork,
};

absl::StatusOr<Metric> ParseMetric(absl::string_view name);  // boot, makespan or work
const char* MetricName(Metric m);
// What the table's metric column says, e.g. "boot time, s".
const char* MetricDescription(Metric m);
bool HigherIsBetter(Metric m);

// The seed of run `run` (0-based) from the base seed: a SplitMix64 mix, so nearby base seeds
// give unrelated run seeds, and the same for every policy (paired comparison).
uint64_t RunSeed(uint64_t base_seed, int run);

struct ExperimentConfig {
  std::vector<std::string> policies;  // as given to --policy: names, "eevdf", or .so paths
  // Workload, topology, policy_dirs, duration, the base seed (seed) and the user's --set list
  // (sets, routed to the policies by knob_routing.h). Its policy, log and trace fields are unused.
  sim::RunConfig base;
  int runs = 1;
  int jobs = 1;  // processes at a time
  Metric metric = Metric::kBoot;
  std::string process;  // kBoot: only instances of this process ("": every process)
};

// One run's contribution.
struct RunSample {
  double value = 0;        // the metric
  int64_t completed = 0;   // process instances (of the measured processes) that completed
  int64_t incomplete = 0;  // ... that were still running when the run ended
  bool ejected = false;    // the policy was ejected (the fair class ran the rest)
  std::string
      ejection;  // why, in the exit record's words (e.g. "ops.enqueue faulted: SIGSEGV ...")
  // A failed run: tasks were stuck in a wait nobody answered at its end, or it was stopped at
  // the simulated-time cap without ending by itself. Its sample is still in the summary.
  int64_t stuck = 0;    // tasks stuck at the end
  bool capped = false;  // stopped at --max_sim_time
  bool failed() const { return stuck > 0 || capped; }
};

// The metric of a finished run. kBoot fails when no measured instance completed.
// Runs of `p` that failed (RunSample::failed), and of every policy.
struct PolicyResult;
int FailedRuns(const PolicyResult& p);

absl::StatusOr<RunSample> MeasureRun(const sim::RunOutput& run, Metric metric,
                                     const std::string& process);

struct PolicyResult {
  std::string label;               // PolicyLabel of the argument
  std::vector<KnobSet> sets;       // the --set pairs that reached it
  std::vector<RunSample> samples;  // in run order
};

struct ExperimentResult {
  ExperimentConfig config;
  std::string workload_name;
  std::vector<sim::ParamValue> workload_params;  // the values the spec's params took
  std::string topology;                          // the parsed spec
  int nr_cpus = 0;
  std::vector<uint64_t> seeds;  // of run 0..runs-1
  std::vector<PolicyResult> policies;
  std::vector<Row> rows;  // the summary per policy, first = baseline
};

// An experiment checked and ready to run: its jobs, and the result they fill in.
struct PreparedExperiment {
  ExperimentResult result;  // config, workload, topology, seeds and policies; no samples yet
  int jobs = 0;             // policies x runs: job j is run j % runs of policy j / runs
  // Runs job j in the calling process and returns its sample's bytes. Call it in a fresh
  // process (a host policy's globals are per process): a JobBackend does.
  JobFn job;
};

// Checks everything it can before any run (policies exist, knobs route and their values fit,
// workload and topology parse, --process names a process) and returns the jobs.
absl::StatusOr<PreparedExperiment> PrepareExperiment(const ExperimentConfig& config);

// The result from every job's bytes (in job order), summarised per policy.
absl::StatusOr<ExperimentResult> FinishExperiment(PreparedExperiment prepared,
                                                  const std::vector<std::string>& outputs);

// Prepare, run the jobs on `backend` (nullptr: forked processes here, at most config.jobs at a
// time), finish. `progress` is called in this process after each run.
absl::StatusOr<ExperimentResult> RunExperiment(const ExperimentConfig& config,
                                               const ProgressFn& progress = nullptr,
                                               JobBackend* backend = nullptr);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_EXPERIMENT_H_
