// Where an experiment's runs execute. An experiment is a list of independent jobs (one
// simulated run each, identified by index) whose outputs are bytes; a backend runs them and
// hands the bytes back in index order, so the table and JSON built from them are the same
// whichever backend ran them. Two backends: forked processes on this machine (LocalBackend)
// and a Slurm job array (slurm_backend.h).
#ifndef SCXTWIN_SIM_EXPERIMENT_JOB_BACKEND_H_
#define SCXTWIN_SIM_EXPERIMENT_JOB_BACKEND_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/process_pool.h"

namespace scxtwin::experiment {

class JobBackend {
 public:
  virtual ~JobBackend() = default;
  // Runs jobs 0..count-1 and returns their outputs in index order; or the error of the
  // lowest-numbered job that failed ("run J: ..."), or why the jobs could not be run.
  virtual absl::StatusOr<std::vector<std::string>> Run(int count, const JobFn& job,
                                                       const ProgressFn& progress) = 0;
};

// Each job in a fresh fork()ed child, at most `workers` at a time (RunInProcesses).
class LocalBackend : public JobBackend {
 public:
  explicit LocalBackend(int workers) : workers_(workers) {}
  absl::StatusOr<std::vector<std::string>> Run(int count, const JobFn& job,
                                               const ProgressFn& progress) override {
    return RunInProcesses(count, workers_, job, progress);
  }

 private:
  int workers_;
};

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_JOB_BACKEND_H_
