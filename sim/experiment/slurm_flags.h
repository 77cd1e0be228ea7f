// The --backend and --slurm_* flags, defined once for every tool that runs batches of
// simulations (//sim experiments, //tools:tune), and the SlurmOptions they give.
#ifndef SCXTWIN_SIM_EXPERIMENT_SLURM_FLAGS_H_
#define SCXTWIN_SIM_EXPERIMENT_SLURM_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "sim/experiment/slurm_backend.h"

namespace scxtwin::experiment {

// --backend: "local" or "slurm"; anything else is bad input naming the flag.
absl::StatusOr<std::string> BackendFromFlags();

// SlurmOptions from the --slurm_* flags; run_dir is a new directory TOOL-HOST-PID-TIME under
// --slurm_dir (else $SCXTWIN_SLURM_DIR, else $HOME/scxtwin-slurm), which is created. A relative
// --slurm_dir is relative to where `bazel run` was started. worker_command is left empty.
absl::StatusOr<SlurmOptions> SlurmOptionsFromFlags(const std::string& tool);

// Worker mode (set by the Slurm backend in the array's command line, never by a user): the
// run directory and the task list, or "" when this process is not a worker.
std::string SlurmWorkerDir();
std::string SlurmTasksFile();

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SLURM_FLAGS_H_
