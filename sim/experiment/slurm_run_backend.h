// A RunBackend on Slurm, for tools that hand batches of runs to a RunBackend (the tuner). Each
// batch becomes one job array (SlurmBackend): the driver stages every file the batch names (the
// policies' host objects, the workloads) and the tool's own binary into the shared directory,
// writes the batch as EncodeRunRequest lines with the staged paths, and the array tasks run
// the same binary as a worker (RunBatchWorker) that executes line j as job j. The measurements
// are the local backend's bytes, so the tool's output is the same.
#ifndef SCXTWIN_SIM_EXPERIMENT_SLURM_RUN_BACKEND_H_
#define SCXTWIN_SIM_EXPERIMENT_SLURM_RUN_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/experiment/run_backend.h"
#include "sim/experiment/slurm_backend.h"

namespace scxtwin::experiment {

class SlurmRunBackend : public RunBackend {
 public:
  // `options.run_dir` is a root under the shared directory (each batch gets its own directory
  // in it); `options.worker_command` is ignored: the worker is `program` (the running tool,
  // /proc/self/exe), staged, with `worker_args` (e.g. the subcommand) before the worker flags.
  SlurmRunBackend(SlurmOptions options, std::string program,
                  std::vector<std::string> worker_args = {})
      : options_(std::move(options)),
        program_(std::move(program)),
        worker_args_(std::move(worker_args)) {}
  ~SlurmRunBackend() override;  // removes the root directory (each complete batch removed its own)
  absl::StatusOr<std::vector<RunMeasurements>> RunBatch(const std::vector<RunRequest>& batch,
                                                        const ProgressFn& progress) override;

 private:
  SlurmOptions options_;
  std::string program_;
  std::vector<std::string> worker_args_;
  int batches_ = 0;
};

// The worker's side: with --slurm_worker=DIR --slurm_tasks=FILE (and SLURM_ARRAY_TASK_ID), runs
// this task's lines of DIR/batch and leaves their measurements in DIR/results.
absl::Status RunBatchWorker(const std::string& run_dir, const std::string& tasks_file, int workers);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SLURM_RUN_BACKEND_H_
