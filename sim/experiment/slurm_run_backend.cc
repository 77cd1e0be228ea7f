#include "sim/experiment/slurm_run_backend.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scxtwin::experiment {
namespace {

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

// Copies `path` into `stage` once per distinct source (as stage/N-BASENAME) and returns the copy.
absl::StatusOr<std::string> Stage(const std::string& path, const std::string& stage,
                                  std::map<std::string, std::string>* staged) {
  if (auto it = staged->find(path); it != staged->end()) return it->second;
  const std::string copy = absl::StrCat(stage, "/", staged->size(), "-", Basename(path));
  if (auto s = CopyFile(path, copy); !s.ok()) return s;
  (*staged)[path] = copy;
  return copy;
}

}  // namespace

SlurmRunBackend::~SlurmRunBackend() { rmdir(options_.run_dir.c_str()); }  // only if empty

absl::StatusOr<std::vector<RunMeasurements>> SlurmRunBackend::RunBatch(
    const std::vector<RunRequest>& batch, const ProgressFn& progress) {
  if (auto s = MakeDir(options_.run_dir); !s.ok()) return s;
  SlurmOptions o = options_;
  o.run_dir = absl::StrCat(options_.run_dir, "/batch-", batches_++);
  const std::string stage = o.run_dir + "/stage";
  if (auto s = MakeDir(o.run_dir); !s.ok()) return s;
  if (auto s = MakeDir(stage); !s.ok()) return s;

  // The batch with every file it names replaced by its staged copy.
  std::map<std::string, std::string> staged;
  std::string lines;
  for (const RunRequest& request : batch) {
    RunRequest r = request;
    if (r.config.policy != sim::kFairPolicyName && r.config.policy != sim::kFifoPolicyName) {
      auto path = sim::ResolvePolicy(r.config.policy, r.config.policy_dirs);
      if (!path.ok()) return path.status();
      auto copy = Stage(*path, stage, &staged);
      if (!copy.ok()) return copy.status();
      r.config.policy = *copy;
    }
    r.config.policy_dirs.clear();
    auto workload = Stage(r.config.workload, stage, &staged);
    if (!workload.ok()) return workload.status();
    r.config.workload = *workload;
    absl::StrAppend(&lines, EncodeRunRequest(r), "\n");
  }
  {
    std::ofstream out(o.run_dir + "/batch", std::ios::trunc);
    out << lines;
    if (!out.flush())
      return absl::InternalError(absl::StrCat("cannot write ", o.run_dir, "/batch"));
  }
  const std::string program = stage + "/program";
  if (auto s = CopyFile(program_, program); !s.ok()) return s;
  o.worker_command = {program};
  for (const std::string& a : worker_args_) o.worker_command.push_back(a);

  // Job j runs request j here (the driver's cost estimate runs job 0 itself).
  SlurmBackend slurm(o);
  JobRunBackend runner(&slurm);
  return runner.RunBatch(batch, progress);
}

absl::Status RunBatchWorker(const std::string& run_dir, const std::string& tasks_file,
                            int workers) {
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  int index = -1;
  if (task == nullptr || !absl::SimpleAtoi(task, &index)) {
    return absl::InvalidArgumentError(
        "--slurm_worker: expected SLURM_ARRAY_TASK_ID (set by sbatch --array)");
  }
  std::ifstream in(run_dir + "/batch");
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", run_dir, "/batch"));
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> lines = absl::StrSplit(text.str(), '\n', absl::SkipEmpty());
  JobFn job = [&lines](int j) -> absl::StatusOr<std::string> {
    if (j < 0 || static_cast<size_t>(j) >= lines.size())
      return absl::InvalidArgumentError(absl::StrCat("no request ", j));
    auto request = DecodeRunRequest(lines[static_cast<size_t>(j)]);
    if (!request.ok()) return request.status();
    auto m = ExecuteRun(*request);
    if (!m.ok()) return m.status();
    return EncodeMeasurements(*m);
  };
  return RunSlurmWorker(run_dir, tasks_file, index, workers, job);
}

}  // namespace scxtwin::experiment
