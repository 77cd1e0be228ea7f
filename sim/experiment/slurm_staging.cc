#include "sim/experiment/slurm_staging.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/experiment/knob_routing.h"
#include "sim/experiment/slurm_backend.h"
#include "sim/run/runner.h"

namespace scxtwin::experiment {

absl::StatusOr<std::vector<std::string>> StageExperiment(const ExperimentConfig& config,
                                                         const std::string& program,
                                                         const std::string& run_dir) {
  const std::string stage = run_dir + "/stage";
  if (mkdir(run_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("--slurm_dir: cannot create ", run_dir, ": ", strerror(errno)));
  }
  if (mkdir(stage.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", stage, ": ", strerror(errno)));
  }
  const std::string sim = stage + "/sim";
  if (auto s = CopyFile(program, sim); !s.ok()) return s;
  const std::string workload = stage + "/workload.textpb";
  if (auto s = CopyFile(config.base.workload, workload); !s.ok()) return s;
  std::vector<std::string> backgrounds;  // --background files, staged like the workload
  for (size_t i = 0; i < config.base.background.size(); ++i) {
    const std::string staged = absl::StrCat(stage, "/background_", i, ".textpb");
    if (auto s = CopyFile(sim::BackgroundPath(config.base.background[i]), staged); !s.ok())
      return s;
    backgrounds.push_back(staged);
  }

  std::vector<std::string> policies;
  for (const std::string& policy : config.policies) {
    if (policy == sim::kFairPolicyName || policy == sim::kFifoPolicyName) {
      policies.push_back(policy);
      continue;
    }
    auto path = sim::ResolvePolicy(policy, config.base.policy_dirs);
    if (!path.ok()) return path.status();
    const std::string staged = absl::StrCat(stage, "/", PolicyLabel(policy), ".so");
    if (auto s = CopyFile(*path, staged); !s.ok()) return s;
    policies.push_back(staged);
  }

  std::vector<std::string> command = {
      sim,
      absl::StrCat("--policy=", absl::StrJoin(policies, ",")),
      absl::StrCat("--workload=", workload),
      absl::StrCat("--topology=", config.base.topology),
      absl::StrCat("--seed=", config.base.seed),
      absl::StrCat("--duration=", config.base.duration, "ns"),
      absl::StrCat("--runs=", config.runs),
      absl::StrCat("--metric=", MetricName(config.metric)),
      absl::StrCat("--process=", config.process),
  };
  for (const auto& [k, v] : config.base.sets) command.push_back(absl::StrCat("--set=", k, "=", v));
  for (const auto& [k, v] : config.base.params)
    command.push_back(absl::StrCat("--param=", k, "=", v));
  if (!backgrounds.empty())
    command.push_back(absl::StrCat("--background=", absl::StrJoin(backgrounds, ",")));
  return command;
}

}  // namespace scxtwin::experiment
