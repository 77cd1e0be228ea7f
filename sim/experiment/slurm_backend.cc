#include "sim/experiment/slurm_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace scxtwin::experiment {
namespace {

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(errno)));
}

absl::Status MakeDirs(const std::string& path) {
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    absl::StrAppend(&prefix, part, "/");
    if (part.empty()) continue;
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
      return Errno(absl::StrCat("mkdir ", prefix));
  }
  return absl::OkStatus();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Errno(absl::StrCat("open ", path));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Written to a temporary name and renamed, so a reader sees the whole file or none of it.
absl::Status WriteWhole(const std::string& path, const std::string& bytes) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Errno(absl::StrCat("open ", tmp));
    out << bytes;
    if (!out.flush()) return Errno(absl::StrCat("write ", tmp));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) return Errno(absl::StrCat("rename ", tmp));
  return absl::OkStatus();
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Runs argv (no shell), returns its exit code and what it printed (stdout and stderr).
absl::StatusOr<int> RunCommand(const std::vector<std::string>& argv, std::string* output) {
  int fds[2];
  if (pipe(fds) != 0) return Errno("pipe");
  fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return Errno("fork");
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    dprintf(STDERR_FILENO, "%s: %s", argv[0].c_str(), strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  output->clear();
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output->append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string FirstLine(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  return std::string(text.substr(0, text.find('\n')));
}

std::string ResultPath(const std::string& run_dir, int j) {
  return absl::StrCat(run_dir, "/results/", j);
}
std::string ErrorPath(const std::string& run_dir, int j) {
  return absl::StrCat(ResultPath(run_dir, j), ".error");
}

// "+BYTES" for a job that ran, "!CODE MESSAGE" for one whose simulation failed.
std::string Outcome(const absl::StatusOr<std::string>& r) {
  return r.ok() ? "+" + *r
                : absl::StrCat("!", static_cast<int>(r.status().code()), " ", r.status().message());
}

absl::Status SaveOutcome(const std::string& run_dir, int j, const std::string& outcome) {
  if (!outcome.empty() && outcome[0] == '+')
    return WriteWhole(ResultPath(run_dir, j), outcome.substr(1));
  return WriteWhole(ErrorPath(run_dir, j), outcome.empty() ? "13 no output" : outcome.substr(1));
}

// Fault injection for the backend's tests, from SCXTWIN_SLURM_FAULT: "task:T" kills array
// task T of the first submission before it runs anything (a task lost with its node);
// "run:J" kills the process of run J whenever it starts (a run that can never complete).
bool FaultMatches(const char* kind, int index) {
  const char* spec = std::getenv("SCXTWIN_SLURM_FAULT");
  if (spec == nullptr) return false;
  std::vector<std::string> f = absl::StrSplit(spec, ':');
  int target = -1;
  return f.size() == 2 && f[0] == kind && absl::SimpleAtoi(f[1], &target) && target == index;
}

void MaybeLoseTask(int task) {
  const char* attempt = std::getenv("SCXTWIN_SLURM_ATTEMPT");
  if (FaultMatches("task", task) && attempt != nullptr && std::string(attempt) == "0")
    raise(SIGKILL);
}

// Has the array left the queue? squeue lists its pending and running tasks; nothing listed, or
// a job id squeue no longer knows, means every task ended.
bool ArrayFinished(const std::string& job_id) {
  std::string out;
  auto rc = RunCommand({"squeue", "-h", "-j", job_id, "-o", "%i"}, &out);
  return !rc.ok() || *rc != 0 || absl::StripAsciiWhitespace(out).empty();
}

// The CPUs of the partition (sinfo's total), or 0 when sinfo cannot tell.
int PartitionCpus(const std::string& partition) {
  std::vector<std::string> argv = {"sinfo", "-h", "-o", "%C"};
  if (!partition.empty()) argv.push_back("--partition=" + partition);
  std::string out;
  auto rc = RunCommand(argv, &out);
  if (!rc.ok() || *rc != 0) return 0;
  int total = 0;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f =
        absl::StrSplit(absl::StripAsciiWhitespace(line), '/');  // A/I/O/T
    int cpus = 0;
    if (f.size() == 4 && absl::SimpleAtoi(f[3], &cpus)) total += cpus;
  }
  return total;
}

}  // namespace

absl::Status CopyFile(const std::string& src, const std::string& dst) {
  auto bytes = ReadWhole(src);
  if (!bytes.ok()) return bytes.status();
  struct stat st;
  if (stat(src.c_str(), &st) != 0) return Errno(absl::StrCat("stat ", src));
  if (auto s = WriteWhole(dst, *bytes); !s.ok()) return s;
  if (chmod(dst.c_str(), st.st_mode & 0777) != 0) return Errno(absl::StrCat("chmod ", dst));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SlurmBackend::Run(int count, const JobFn& job,
                                                           const ProgressFn& progress) {
  const std::string& dir = options_.run_dir;
  for (const char* sub : {"/results", "/logs", "/tasks"}) {
    if (auto s = MakeDirs(dir + sub); !s.ok()) return s;
  }
  auto count_done = [&] {
    int n = 0;
    for (int j = 0; j < count; ++j) n += Exists(ResultPath(dir, j)) || Exists(ErrorPath(dir, j));
    return n;
  };

  int chunk = options_.chunk;
  if (chunk <= 0 && count > 0) {
    // The cost of one run, measured on job 0 (its bytes are kept: the run is deterministic).
    const auto start = std::chrono::steady_clock::now();
    auto first = RunInProcesses(1, 1, [&](int) { return job(0); });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!first.ok()) return first.status();
    if (auto s = SaveOutcome(dir, 0, "+" + (*first)[0]); !s.ok()) return s;
    chunk = static_cast<int>(std::ceil(options_.task_seconds / std::max(seconds, 1e-3)));
    // ... but no fewer tasks than the partition has CPUs for, while runs last.
    if (const int cpus = PartitionCpus(options_.partition); cpus > 0) {
      int slots = std::max(1, cpus / options_.cpus_per_task);
      if (options_.max_running > 0) slots = std::min(slots, options_.max_running);
      chunk = std::min(chunk, (count - 1 + slots - 1) / slots);
    }
    chunk = std::clamp(chunk, 1, count);
  }
  if (progress) progress(count_done(), count);

  std::vector<std::string> job_ids;
  for (int attempt = 0;; ++attempt) {
    std::vector<int> pending;
    for (int j = 0; j < count; ++j) {
      if (!Exists(ResultPath(dir, j)) && !Exists(ErrorPath(dir, j))) pending.push_back(j);
    }
    if (pending.empty()) break;
    if (attempt > options_.max_retries) {
      return absl::UnavailableError(absl::StrCat(
          "slurm: run", pending.size() > 1 ? "s " : " ", absl::StrJoin(pending, ", "), " (of ",
          count, ") left no result after ", attempt, " submissions (array jobs ",
          absl::StrJoin(job_ids, ", "), "); the tasks' logs are in ", dir, "/logs"));
    }
    if (attempt > 0) {
      std::fprintf(
          stderr, "sim: slurm: resubmitting %zu run(s) that left no result (submission %d of %d)\n",
          pending.size(), attempt + 1, options_.max_retries + 1);
    }
    // One line of run indices per array task.
    std::string lines;
    int tasks = 0;
    for (size_t i = 0; i < pending.size(); i += static_cast<size_t>(chunk), ++tasks) {
      const size_t end = std::min(pending.size(), i + static_cast<size_t>(chunk));
      absl::StrAppend(&lines,
                      absl::StrJoin(pending.begin() + static_cast<long>(i),
                                    pending.begin() + static_cast<long>(end), " "),
                      "\n");
    }
    const std::string tasks_file = absl::StrCat(dir, "/tasks/attempt-", attempt);
    if (auto s = WriteWhole(tasks_file, lines); !s.ok()) return s;
    std::vector<std::string> worker = options_.worker_command;
    worker.push_back(absl::StrCat("--slurm_worker=", dir));
    worker.push_back(absl::StrCat("--slurm_tasks=", tasks_file));
    worker.push_back(absl::StrCat("--jobs=", options_.cpus_per_task));
    std::string script = "#!/bin/sh\nexec";
    for (const std::string& a : worker) absl::StrAppend(&script, " ", ShellQuote(a));
    script += "\n";
    const std::string script_file = absl::StrCat(dir, "/tasks/attempt-", attempt, ".sh");
    if (auto s = WriteWhole(script_file, script); !s.ok()) return s;
    chmod(script_file.c_str(), 0755);

    std::vector<std::string> sbatch = {
        "sbatch",
        "--parsable",
        "--job-name=scxtwin-sim",
        absl::StrCat("--array=0-", tasks - 1,
                     options_.max_running > 0 ? absl::StrCat("%", options_.max_running) : ""),
        absl::StrCat("--cpus-per-task=", options_.cpus_per_task),
        absl::StrCat("--output=", dir, "/logs/attempt-", attempt, "-task-%a.out"),
        absl::StrCat("--export=ALL,SCXTWIN_SLURM_ATTEMPT=", attempt)};
    if (!options_.partition.empty()) sbatch.push_back("--partition=" + options_.partition);
    if (!options_.account.empty()) sbatch.push_back("--account=" + options_.account);
    if (!options_.time_limit.empty()) sbatch.push_back("--time=" + options_.time_limit);
    sbatch.push_back(script_file);
    std::string out;
    auto rc = RunCommand(sbatch, &out);
    if (!rc.ok()) return rc.status();
    if (*rc != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("slurm: sbatch failed (exit ", *rc, "): ", FirstLine(out),
                       *rc == 127 ? " (install Debian's slurm-wlm, or use --backend=local)" : ""));
    }
    const std::string first = FirstLine(out);
    const std::string job_id = first.substr(0, first.find(';'));  // "ID" or "ID;CLUSTER"
    job_ids.push_back(job_id);
    int shown = -1;
    for (;;) {
      const bool finished = ArrayFinished(job_id);
      const int done = count_done();
      if (progress && done != shown) progress(done, count);
      shown = done;
      if (finished || done == count) break;
      std::this_thread::sleep_for(std::chrono::duration<double>(options_.poll_seconds));
    }
  }

  // Gather in index order; a run's own failure is reported as the local backend reports it.
  std::vector<std::string> results(count);
  for (int j = 0; j < count; ++j) {
    if (Exists(ErrorPath(dir, j))) {
      auto text = ReadWhole(ErrorPath(dir, j));
      if (!text.ok()) return text.status();
      const size_t space = text->find(' ');
      int code = static_cast<int>(absl::StatusCode::kInternal);
      if (space != std::string::npos) absl::SimpleAtoi(text->substr(0, space), &code);
      return absl::Status(
          static_cast<absl::StatusCode>(code),
          absl::StrCat("run ", j, ": ",
                       space == std::string::npos ? *text : text->substr(space + 1)));
    }
    auto bytes = ReadWhole(ResultPath(dir, j));
    if (!bytes.ok()) return bytes.status();
    results[j] = *std::move(bytes);
  }
  std::string ignored;
  (void)RunCommand({"rm", "-rf", dir}, &ignored);
  return results;
}

absl::Status RunSlurmWorker(const std::string& run_dir, const std::string& tasks_file, int task,
                            int workers, const JobFn& job) {
  MaybeLoseTask(task);
  auto lines = ReadWhole(tasks_file);
  if (!lines.ok()) return lines.status();
  std::vector<absl::string_view> all = absl::StrSplit(*lines, '\n');
  if (task < 0 || static_cast<size_t>(task) >= all.size() ||
      all[static_cast<size_t>(task)].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(tasks_file, " has no line for array task ", task));
  }
  std::vector<int> mine;
  for (absl::string_view f :
       absl::StrSplit(all[static_cast<size_t>(task)], ' ', absl::SkipEmpty())) {
    int j = 0;
    if (!absl::SimpleAtoi(f, &j))
      return absl::InvalidArgumentError(absl::StrCat(tasks_file, ": bad run index '", f, "'"));
    mine.push_back(j);
  }
  // Each run's process saves its own outcome, error or not, so a task killed half-way keeps
  // what it finished. Runs go in waves of `workers`, all of a wave started at once, so a run
  // whose process dies does not keep the rest of the task's runs from starting.
  const size_t wave = static_cast<size_t>(std::max(1, workers));
  int lost = 0;
  for (size_t first = 0; first < mine.size(); first += wave) {
    const size_t n = std::min(wave, mine.size() - first);
    auto saved =
        RunInProcesses(static_cast<int>(n), workers, [&](int k) -> absl::StatusOr<std::string> {
          const int j = mine[first + static_cast<size_t>(k)];
          if (FaultMatches("run", j)) raise(SIGKILL);
          if (auto s = SaveOutcome(run_dir, j, Outcome(job(j))); !s.ok()) return s;
          return std::string();
        });
    lost += saved.ok() ? 0 : 1;
  }
  if (lost > 0)
    return absl::InternalError(absl::StrCat(lost, " wave(s) of runs had a process that died"));
  return absl::OkStatus();
}

}  // namespace scxtwin::experiment
