// The seam where a batch of simulated runs is executed and their measurements gathered. A tool
// that needs many runs (the tuner, //tools:tune) builds RunRequests and hands the batch to a
// RunBackend; it never forks, schedules or collects itself. JobRunBackend runs each request as
// one job of a JobBackend (job_backend.h: forked processes here, or a Slurm array, whose worker
// rebuilds the batch from EncodeRunRequest's text); any other backend only has to return the
// same RunSamples for the same requests, in request order.
#ifndef SCXTWIN_SIM_EXPERIMENT_RUN_BACKEND_H_
#define SCXTWIN_SIM_EXPERIMENT_RUN_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/job_backend.h"
#include "sim/experiment/process_pool.h"
#include "sim/run/runner.h"

namespace scxtwin::experiment {

// One number to take from a finished run (MeasureRun's arguments).
struct Measure {
  Metric metric = Metric::kBoot;
  std::string process;  // kBoot: only this process's instances ("": every process)
};

// One run: everything RunSimulation needs (its log and trace fields must be empty) and what to
// measure. Self-contained, so a backend can ship it elsewhere.
struct RunRequest {
  sim::RunConfig config;
  std::vector<Measure> measures;
};

// Per request, one RunSample per measure, in measure order.
using RunMeasurements = std::vector<RunSample>;

class RunBackend {
 public:
  virtual ~RunBackend() = default;
  // Runs every request and returns their measurements in request order (whatever order they
  // ran in: results stay deterministic). `progress` (may be null) is told of each finished run.
  // A run that fails (bad input, a broken invariant) fails the batch, naming the run.
  virtual absl::StatusOr<std::vector<RunMeasurements>> RunBatch(
      const std::vector<RunRequest>& batch, const ProgressFn& progress) = 0;
};

// Runs one request in this process: the work of one job of any backend.
absl::StatusOr<RunMeasurements> ExecuteRun(const RunRequest& request);

// The wire form of a run's measurements: text that round-trips every double exactly.
std::string EncodeMeasurements(const RunMeasurements& m);
absl::StatusOr<RunMeasurements> DecodeMeasurements(absl::string_view text);

// A request as one line of text and back (every field but log/trace outputs, which a batched
// run never has): what a remote worker needs to run job j of a batch.
std::string EncodeRunRequest(const RunRequest& r);
absl::StatusOr<RunRequest> DecodeRunRequest(absl::string_view line);

// Request j is job j of `jobs` (not owned), whose outputs are EncodeMeasurements' text.
class JobRunBackend : public RunBackend {
 public:
  explicit JobRunBackend(JobBackend* jobs) : jobs_(jobs) {}
  absl::StatusOr<std::vector<RunMeasurements>> RunBatch(const std::vector<RunRequest>& batch,
                                                        const ProgressFn& progress) override;

 private:
  JobBackend* jobs_;
};

// Every run in its own fork()ed child here, `workers` at a time (a JobRunBackend over LocalBackend).
class LocalProcessBackend : public RunBackend {
 public:
  explicit LocalProcessBackend(int workers) : local_(workers), runner_(&local_) {}
  absl::StatusOr<std::vector<RunMeasurements>> RunBatch(const std::vector<RunRequest>& batch,
                                                        const ProgressFn& progress) override {
    return runner_.RunBatch(batch, progress);
  }

 private:
  LocalBackend local_;
  JobRunBackend runner_;
};

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_RUN_BACKEND_H_
