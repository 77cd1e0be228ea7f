#include "sim/experiment/slurm_flags.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, backend, "local",
          "where the runs execute: local (forked processes here) or slurm (a job array; the same "
          "bytes out)");
ABSL_FLAG(std::string, slurm_dir, "",
          "slurm: a directory every node sees at the same path (default $SCXTWIN_SLURM_DIR, else "
          "$HOME/scxtwin-slurm)");
ABSL_FLAG(std::string, slurm_partition, "",
          "slurm: sbatch --partition (default: $SBATCH_PARTITION, the cluster's)");
ABSL_FLAG(std::string, slurm_account, "",
          "slurm: sbatch --account (default: $SBATCH_ACCOUNT, the cluster's)");
ABSL_FLAG(std::string, slurm_time, "",
          "slurm: sbatch --time per array task (default: $SBATCH_TIMELIMIT, the cluster's)");
ABSL_FLAG(int, slurm_chunk, 0,
          "slurm: runs per array task (0: about 10 s of work each, from the cost of one run)");
ABSL_FLAG(int, slurm_cpus_per_task, 1, "slurm: CPUs per array task (its runs at a time)");
ABSL_FLAG(int, slurm_max_running, 0,
          "slurm: array tasks at once (sbatch --array=...%N; 0: as many as Slurm runs)");
ABSL_FLAG(int, slurm_retries, 2, "slurm: resubmissions of runs whose task was lost or killed");
ABSL_FLAG(std::string, slurm_worker, "",
          "internal: run as a Slurm array task of the batch in this directory");
ABSL_FLAG(std::string, slurm_tasks, "", "internal: the array's task list (with --slurm_worker)");

namespace scxtwin::experiment {

absl::StatusOr<std::string> BackendFromFlags() {
  const std::string b = absl::GetFlag(FLAGS_backend);
  if (b != "local" && b != "slurm")
    return absl::InvalidArgumentError(absl::StrCat("--backend=", b, ": expected local or slurm"));
  return b;
}

absl::StatusOr<SlurmOptions> SlurmOptionsFromFlags(const std::string& tool) {
  SlurmOptions o;
  o.partition = absl::GetFlag(FLAGS_slurm_partition);
  o.account = absl::GetFlag(FLAGS_slurm_account);
  o.time_limit = absl::GetFlag(FLAGS_slurm_time);
  o.chunk = absl::GetFlag(FLAGS_slurm_chunk);
  o.cpus_per_task = absl::GetFlag(FLAGS_slurm_cpus_per_task);
  o.max_retries = absl::GetFlag(FLAGS_slurm_retries);
  o.max_running = absl::GetFlag(FLAGS_slurm_max_running);
  if (o.chunk < 0)
    return absl::InvalidArgumentError(
        absl::StrCat("--slurm_chunk=", o.chunk, ": expected 0 (auto) or more"));
  if (o.cpus_per_task < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--slurm_cpus_per_task=", o.cpus_per_task, ": expected 1 or more"));
  }
  if (o.max_retries < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--slurm_retries=", o.max_retries, ": expected 0 or more"));
  }
  if (o.max_running < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--slurm_max_running=", o.max_running, ": expected 0 (no limit) or more"));
  }
  std::string root = absl::GetFlag(FLAGS_slurm_dir);
  if (root.empty()) {
    const char* env = std::getenv("SCXTWIN_SLURM_DIR");
    const char* home = std::getenv("HOME");
    root = env != nullptr && *env != '\0'
               ? env
               : absl::StrCat(home != nullptr ? home : "/tmp", "/scxtwin-slurm");
  }
  if (root[0] != '/') {
    if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) root = absl::StrCat(wd, "/", root);
  }
  if (mkdir(root.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InvalidArgumentError(
        absl::StrCat("--slurm_dir=", root, ": cannot create: ", strerror(errno)));
  }
  char host[256] = "host";
  gethostname(host, sizeof host - 1);
  o.run_dir = absl::StrCat(root, "/", tool, "-", host, "-", getpid(), "-", time(nullptr));
  return o;
}

std::string SlurmWorkerDir() { return absl::GetFlag(FLAGS_slurm_worker); }
std::string SlurmTasksFile() { return absl::GetFlag(FLAGS_slurm_tasks); }

}  // namespace scxtwin::experiment
