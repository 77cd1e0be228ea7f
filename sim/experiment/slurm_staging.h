// Staging an experiment for Slurm: copies the simulator binary, the workload file and each
// policy's host object into the experiment's shared directory, and returns the //sim command
// line that runs the same experiment from those copies. Nodes then need neither Bazel nor the
// repository, only the Debian runtime libraries the binary links (tools/setup installs them).
#ifndef SCXTWIN_SIM_EXPERIMENT_SLURM_STAGING_H_
#define SCXTWIN_SIM_EXPERIMENT_SLURM_STAGING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/experiment/experiment.h"

namespace scxtwin::experiment {

// `program` is the running simulator (/proc/self/exe). A staged policy keeps its label
// (stage/LABEL.so), so POLICY.K knobs route the same way in the workers.
absl::StatusOr<std::vector<std::string>> StageExperiment(const ExperimentConfig& config,
                                                         const std::string& program,
                                                         const std::string& run_dir);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_SLURM_STAGING_H_
