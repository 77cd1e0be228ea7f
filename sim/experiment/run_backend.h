// The seam where a batch of simulated runs is executed and their measurements gathered. A tool
// that needs many runs (the tuner, //tools:tune) builds RunRequests and hands the batch to a
// RunBackend; it never forks, schedules or collects itself. LocalProcessBackend runs the batch
// here, one forked process per run (process_pool.h); another backend (a cluster queue) only has
// to return the same RunSamples for the same requests, in request order.
#ifndef SCXTWIN_SIM_EXPERIMENT_RUN_BACKEND_H_
#define SCXTWIN_SIM_EXPERIMENT_RUN_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/experiment.h"
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
  virtual absl::StatusOr<std::vector<RunMeasurements>> RunBatch(const std::vector<RunRequest>& batch,
                                                                const ProgressFn& progress) = 0;
};

// Runs one request in this process: the work of one job of any backend.
absl::StatusOr<RunMeasurements> ExecuteRun(const RunRequest& request);

// The wire form of a run's measurements: text that round-trips every double exactly.
std::string EncodeMeasurements(const RunMeasurements& m);
absl::StatusOr<RunMeasurements> DecodeMeasurements(absl::string_view text);

// Every run in its own fork()ed child, `jobs` at a time.
class LocalProcessBackend : public RunBackend {
 public:
  explicit LocalProcessBackend(int jobs) : jobs_(jobs) {}
  absl::StatusOr<std::vector<RunMeasurements>> RunBatch(const std::vector<RunRequest>& batch,
                                                        const ProgressFn& progress) override;

 private:
  int jobs_;
};

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_RUN_BACKEND_H_
