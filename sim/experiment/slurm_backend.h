// The Slurm backend: an experiment's runs as a Slurm job array.
//
// The driver (this process) writes, for each submission, a task list into a directory that
// every node sees at the same path: line T names the runs array task T does. It submits one
// array with sbatch, and each task starts the worker command (the same simulator binary,
// staged into that directory so nodes need no Bazel) with the same experiment, which runs its
// runs in fresh processes and leaves each run's bytes in results/J, written whole. The driver
// polls squeue and the results directory (progress), and when the array has left the queue
// resubmits the runs that left nothing (a task lost with its node, killed, out of time) up to
// max_retries times. A run whose own simulation failed is an error, not a retry: it fails the
// same way anywhere. The bytes are the local backend's bytes (the simulation is deterministic
// and the job is the same code), so the table and JSON are identical.
//
// Chunk size: with chunk 0, the driver runs job 0 itself first and times it; each array task
// then gets enough runs for about task_seconds of work (Slurm's per-task start-up, about a
// second, is then small beside it), but the runs are spread over at least as many tasks as the
// partition has CPUs for (sinfo's CPU total over cpus_per_task), so a short sweep still uses
// the whole cluster.
#ifndef SCXTWIN_SIM_EXPERIMENT_SLURM_BACKEND_H_
#define SCXTWIN_SIM_EXPERIMENT_SLURM_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/experiment/job_backend.h"

namespace scxtwin::experiment {

struct SlurmOptions {
  // This experiment's directory, on a file system every node sees at the same path; created
  // if missing, removed after a complete run (kept, with the tasks' logs, after a failure).
  std::string run_dir;
  // sbatch's --partition, --account and --time; "" leaves each to sbatch (its SBATCH_PARTITION,
  // SBATCH_ACCOUNT, SBATCH_TIMELIMIT environment, then the cluster's defaults).
  std::string partition;
  std::string account;
  std::string time_limit;
  int cpus_per_task = 1;     // runs at a time inside one array task
  int chunk = 0;             // runs per array task; 0: from the cost of one run
  double task_seconds = 10;  // with chunk 0: the work one array task aims at
  int max_retries = 2;       // resubmissions of runs that left no result
  int max_running = 0;       // array tasks at once (sbatch --array=...%N); 0: Slurm's choice
  double poll_seconds = 0.5;
  // The worker: the staged program and its arguments. The backend appends
  // --slurm_worker=RUN_DIR --slurm_tasks=FILE --jobs=CPUS_PER_TASK.
  std::vector<std::string> worker_command;
};

class SlurmBackend : public JobBackend {
 public:
  explicit SlurmBackend(SlurmOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::vector<std::string>> Run(int count, const JobFn& job,
                                               const ProgressFn& progress) override;

 private:
  SlurmOptions options_;
};

// The worker's side, in an array task: runs the jobs listed on line `task` of `tasks_file`
// (0-based), each in a fresh process, at most `workers` at a time, and leaves each job's bytes
// in RUN_DIR/results/J, or its error in RUN_DIR/results/J.error ("CODE MESSAGE").
absl::Status RunSlurmWorker(const std::string& run_dir, const std::string& tasks_file, int task,
                            int workers, const JobFn& job);

// Copies `src` to `dst` (mode kept), for staging the simulator and its inputs.
absl::Status CopyFile(const std::string& src, const std::string& dst);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SLURM_BACKEND_H_
