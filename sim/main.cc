// //sim: run one workload under one sched_ext policy on a simulated machine and print the
// results; or, with several policies or --runs, a multi-run experiment (the seed experiment's
// table: per policy, the mean, stdev, p50 and p99 of the boot time over N seeds, and the
// speedup over the first policy).
//
//   bazel run //sim -- --policy=NAME --workload=FILE --topology=SPEC [--set K=V ...]
//                      [--seed N] [--duration D] [--format=table|json] [--log=FILE]
//                      [--perfetto=FILE] [--ftrace=FILE]
//   bazel run //sim -- [--policy=NAME[,NAME...]] --list
//   bazel run //sim -- --policy=eevdf,homing,vtime --workload=FILE --runs=30 [--jobs=J]
//                      [--metric=boot|makespan|work] [--process=NAME] [--set [POLICY.]K=V ...]
//                      [--backend=local|slurm] (slurm: a job array, the same bytes out)
//                      [--svg=FILE]
//
// --list prints each policy's knobs (defaults, ranges, docs) and counters, like `load --list`
// (all the policies it can find without --policy), and exits.
// --set and --param may repeat, each value one or more comma-separated K=V items (taken out of
// argv and split as the kernel loader does: base/set_flags.h). --set K: a policy knob, POLICY.K
// a knob of that policy only, or cost.NAME for a machine cost (see costs.h); an unprefixed knob
// reaches every chosen policy that has it. --param NAME=VALUE: a param the workload spec
// declares (e.g. vcpus=16).
// --max_tasks, --max_instances, --max_forks, --max_loop_iterations, --max_loop_depth and
// --max_memory_mb raise the limits a workload is checked against before it runs; --max_sim_time
// caps a run that does not end by itself (sim/README.md, Limits and hostile inputs).
// Exit status (a single run uses the kernel loader's, kernel/README.md): 0 ok (also when the
// policy unregistered itself), 1 a run error (broken invariant), 2 bad input, 4 the policy was
// ejected with an error (scx_bpf_error, a fault in a callback, a bad dispatch, ...), 5 ejected by
// the watchdog (a stalled task). An experiment (--runs > 1 or several policies) exits 0 and its
// table names the ejections, or 1 when a run failed (stuck tasks, or stopped at --max_sim_time).
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "base/set_flags.h"
#include "base/status_macros.h"
#include "base/user_paths.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/experiment_report.h"
#include "sim/experiment/knob_routing.h"
#include "sim/experiment/slurm_backend.h"
#include "sim/experiment/slurm_flags.h"
#include "sim/experiment/slurm_staging.h"
#include "sim/run/class_registry.h"
#include "sim/run/report.h"
#include "sim/run/runner.h"

ABSL_FLAG(std::string, policy, "",
          "policy name (e.g. vtime), eevdf (Linux's fair class), or path to a host policy .so; "
          "several, comma-separated, for an experiment (the first is the baseline)");
ABSL_FLAG(std::string, policy_dir, "", "extra directory to look policy names up in");
ABSL_FLAG(std::string, workload, "", "workload spec (.textpb)");
ABSL_FLAG(std::string, topology, "2x2x4x2", "SOCKETSxLLCSxCORESxSMT, or a CPU count");
ABSL_FLAG(std::vector<std::string>, set, {},
          "K=V: a policy knob (for a scheduler without a knob table, any scalar global), or "
          "cost.NAME (may repeat)");
ABSL_FLAG(std::vector<std::string>, param, {},
          "NAME=VALUE: a param of the workload spec (may repeat)");
ABSL_FLAG(std::string, nohz_full, "",
          "CPUs booted nohz_full (e.g. 1-3): their tick stops while a task that needs none runs "
          "(a sched_ext task with an infinite slice)");
ABSL_FLAG(uint64_t, seed, 1, "random seed of the workload's draws");
ABSL_FLAG(absl::Duration, duration, absl::ZeroDuration(),
          "simulated time to run (0: the workload's)");
ABSL_FLAG(std::string, format, "table", "table or json");
ABSL_FLAG(std::string, log, "", "write every callback and kfunc call here as JSON Lines");
ABSL_FLAG(std::string, perfetto, "", "write the run's scheduling as a binary Perfetto trace here");
ABSL_FLAG(std::string, ftrace, "",
          "write the run's scheduling as ftrace text here (readable by trace2workload)");
ABSL_FLAG(int, runs, 1, "runs per policy (seeds derived from --seed; > 1 makes an experiment)");
ABSL_FLAG(int, jobs, 0, "experiment: runs at a time, each in its own process (0: the online CPUs)");
ABSL_FLAG(std::string, metric, "boot",
          "experiment: what each run contributes: boot (mean instance completion time), makespan, "
          "or work (useful CPU time per second, for steady loads)");
ABSL_FLAG(bool, list, false,
          "list the policies (--policy's, or all found) with their knobs and counters, then exit");
ABSL_FLAG(std::string, process, "",
          "experiment, --metric=boot: measure only this process's instances");
// Limits a workload is checked against before it runs (sim/workload/limits.h): the defaults are
// WorkloadLimits's, the documented ones (sim/README.md, Limits).
ABSL_FLAG(int64_t, max_tasks, scxtwin::sim::WorkloadLimits().max_tasks,
          "limit: tasks of a run (started and forked)");
ABSL_FLAG(int64_t, max_instances, scxtwin::sim::WorkloadLimits().max_instances,
          "limit: process instances of a run");
ABSL_FLAG(int64_t, max_forks, scxtwin::sim::WorkloadLimits().max_forks,
          "limit: tasks created by fork ops");
ABSL_FLAG(int64_t, max_loop_iterations, scxtwin::sim::WorkloadLimits().max_loop_iterations,
          "limit: loop body runs of all tasks in a run (each costs at least one event)");
ABSL_FLAG(int64_t, max_loop_depth, scxtwin::sim::WorkloadLimits().max_loop_depth,
          "limit: loops nested in loops");
ABSL_FLAG(int64_t, max_memory_mb, scxtwin::sim::WorkloadLimits().max_memory_mb,
          "limit: the run's estimated memory, MB (per task and per pending event, measured by "
          "//sim/bench:memory_bench)");
ABSL_FLAG(absl::Duration, max_sim_time, absl::Seconds(600),
          "simulated-time cap of a run without duration; a run stopped there says so (a warning)");
ABSL_FLAG(std::vector<std::string>, background, {},
          "host background activity to run beside the workload: a library name (idle, cloud: "
          "workloads/background_NAME.textpb) or a .textpb path; comma-separated for several");
ABSL_FLAG(std::string, user_half, "auto",
          "the policy's user-space half, run as a simulated task (sim/host/README.md): auto (the "
          "one its scheduler needs: scx_userland's for scx_userland), none, or scx_userland; "
          "--set user_half.pass_ns/task_ns/batch=N tune it");
ABSL_FLAG(std::string, svg, "",
          "experiment: also write the metric's CDF per policy here, as an SVG picture");

namespace {

using scxtwin::Assignment;
using scxtwin::sim::RunConfig;

// One error line "sim: MESSAGE"; exit 1 for a run that broke an invariant or could not complete
// (kInternal, kUnavailable), 2 for bad input.
int Fail(const absl::Status& status) {
  std::cerr << "sim: " << status.message() << "\n";
  const absl::StatusCode code = status.code();
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ? 1 : 2;
}

absl::Status Bad(absl::string_view message) { return absl::InvalidArgumentError(message); }

using scxtwin::UserOutPath;
using scxtwin::UserPath;

// The command line, parsed: what to run and how to report it.
struct Command {
  std::vector<std::string> policies;      // as given (paths made relative to the user's directory)
  RunConfig config;                       // everything but the policy
  std::vector<std::string> sets, params;  // the raw --set / --param values
  std::string format;
  std::string backend;  // local or slurm
  int runs = 1;
  int jobs = 1;
  scxtwin::experiment::Metric metric;
};

// Takes the repeated --set / --param out of argv (Abseil keeps only a flag's last value), then
// lets Abseil parse the rest; only flags are expected.
absl::Status ParseArgv(int argc, char** argv, Command* cmd) {
  std::vector<char*> args(argv, argv + argc);
  SCX_ASSIGN_OR_RETURN(cmd->sets, scxtwin::TakeRepeatedFlag(&args, "set", "NAME=VALUE"));
  SCX_ASSIGN_OR_RETURN(cmd->params, scxtwin::TakeRepeatedFlag(&args, "param", "NAME=VALUE"));
  int rest_argc = static_cast<int>(args.size());
  std::vector<char*> positional = absl::ParseCommandLine(rest_argc, args.data());
  if (positional.size() > 1) return Bad(absl::StrCat("unexpected argument '", positional[1], "'"));
  cmd->policies = absl::StrSplit(absl::GetFlag(FLAGS_policy), ',', absl::SkipEmpty());
  for (std::string& p : cmd->policies) {
    if (absl::StrContains(p, '/')) p = UserPath(p);
  }
  if (!absl::GetFlag(FLAGS_policy_dir).empty()) {
    cmd->config.policy_dirs.push_back(UserPath(absl::GetFlag(FLAGS_policy_dir)));
  }
  for (std::string& dir : scxtwin::sim::DefaultPolicyDirs(argv[0])) {
    cmd->config.policy_dirs.push_back(std::move(dir));
  }
  return absl::OkStatus();
}

// --list: each policy's knobs and counters (all the policies found without --policy).
absl::Status ListPolicies(const Command& cmd) {
  std::vector<std::string> policies = cmd.policies;
  if (policies.empty()) {
    for (const scxtwin::sim::BuiltinClass& c : scxtwin::sim::BuiltinClasses()) {
      policies.push_back(c.name);
    }
    for (std::string& p : scxtwin::sim::KnownPolicies(cmd.config.policy_dirs)) {
      policies.push_back(std::move(p));
    }
  }
  for (const std::string& p : policies) {
    SCX_ASSIGN_OR_RETURN(std::string text, scxtwin::sim::DescribePolicy(p, cmd.config.policy_dirs));
    std::cout << text;
  }
  return absl::OkStatus();
}

// The flags of a run or an experiment, checked in the order the usage lists them.
absl::Status ParseRunFlags(Command* cmd) {
  RunConfig& config = cmd->config;
  if (cmd->policies.empty()) {
    return Bad(
        "--policy is required (a policy name or a host .so path, or several, comma-separated)");
  }
  config.workload = UserPath(absl::GetFlag(FLAGS_workload));
  if (config.workload.empty()) return Bad("--workload is required (a .textpb file)");
  config.topology = absl::GetFlag(FLAGS_topology);
  config.nohz_full = absl::GetFlag(FLAGS_nohz_full);
  config.seed = absl::GetFlag(FLAGS_seed);
  config.user_half = absl::GetFlag(FLAGS_user_half);
  for (const std::string& b : absl::GetFlag(FLAGS_background)) {
    config.background.push_back(absl::StrContains(b, '/') ? UserPath(b) : b);
  }
  const absl::Duration d = absl::GetFlag(FLAGS_duration);
  if (d < absl::ZeroDuration()) return Bad("--duration must not be negative");
  config.duration = absl::ToInt64Nanoseconds(d);
  const std::pair<const char*, int64_t*> limits[] = {
      {"max_tasks", &config.limits.max_tasks},
      {"max_instances", &config.limits.max_instances},
      {"max_forks", &config.limits.max_forks},
      {"max_loop_iterations", &config.limits.max_loop_iterations},
      {"max_loop_depth", &config.limits.max_loop_depth},
      {"max_memory_mb", &config.limits.max_memory_mb},
  };
  *limits[0].second = absl::GetFlag(FLAGS_max_tasks);
  *limits[1].second = absl::GetFlag(FLAGS_max_instances);
  *limits[2].second = absl::GetFlag(FLAGS_max_forks);
  *limits[3].second = absl::GetFlag(FLAGS_max_loop_iterations);
  *limits[4].second = absl::GetFlag(FLAGS_max_loop_depth);
  *limits[5].second = absl::GetFlag(FLAGS_max_memory_mb);
  for (const auto& [flag, value] : limits) {
    if (*value < 1)
      return Bad(absl::StrCat("--", flag, "=", *value, ": expected a limit of at least 1"));
  }
  if (config.limits.max_tasks > INT32_MAX) {
    return Bad(absl::StrCat("--max_tasks=", config.limits.max_tasks, ": expected at most ",
                            INT32_MAX, " (task ids are 32-bit)"));
  }
  const absl::Duration cap = absl::GetFlag(FLAGS_max_sim_time);
  if (cap <= absl::ZeroDuration()) return Bad("--max_sim_time must be positive");
  config.max_sim_time = absl::ToInt64Nanoseconds(cap);
  cmd->format = absl::GetFlag(FLAGS_format);
  if (cmd->format != "table" && cmd->format != "json") {
    return Bad(absl::StrCat("--format=", cmd->format, ": expected table or json"));
  }
  SCX_ASSIGN_OR_RETURN(config.sets, scxtwin::ParseAssignments(cmd->sets, "set", "NAME=VALUE"));
  SCX_ASSIGN_OR_RETURN(config.params,
                       scxtwin::ParseAssignments(cmd->params, "param", "NAME=VALUE"));
  cmd->runs = absl::GetFlag(FLAGS_runs);
  if (cmd->runs < 1) return Bad(absl::StrCat("--runs=", cmd->runs, ": expected at least 1"));
  cmd->jobs = absl::GetFlag(FLAGS_jobs);
  if (cmd->jobs < 0) {
    return Bad(absl::StrCat("--jobs=", cmd->jobs, ": expected 0 (the online CPUs) or more"));
  }
  if (cmd->jobs == 0) cmd->jobs = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  SCX_ASSIGN_OR_RETURN(cmd->metric, scxtwin::experiment::ParseMetric(absl::GetFlag(FLAGS_metric)));
  auto backend = scxtwin::experiment::BackendFromFlags();
  if (!backend.ok()) return Bad(backend.status().message());
  cmd->backend = *std::move(backend);
  return absl::OkStatus();
}

// Several policies or runs, or one Slurm array task of an experiment.
bool IsExperiment(const Command& cmd) {
  return cmd.policies.size() > 1 || cmd.runs > 1 || !scxtwin::experiment::SlurmWorkerDir().empty();
}

// A Slurm array task: run this task's share of the experiment, leave results in the shared
// directory, print nothing.
absl::Status RunAsSlurmWorker(const scxtwin::experiment::ExperimentConfig& ec) {
  const char* task = std::getenv("SLURM_ARRAY_TASK_ID");
  int index = -1;
  if (task == nullptr || !absl::SimpleAtoi(task, &index)) {
    return Bad(
        "--slurm_worker: expected SLURM_ARRAY_TASK_ID in the environment (set by sbatch --array)");
  }
  auto prepared = scxtwin::experiment::PrepareExperiment(ec);
  if (!prepared.ok()) return Bad(prepared.status().message());
  auto s = scxtwin::experiment::RunSlurmWorker(scxtwin::experiment::SlurmWorkerDir(),
                                               scxtwin::experiment::SlurmTasksFile(), index,
                                               ec.jobs, prepared->job);
  if (!s.ok()) return absl::InternalError(absl::StrCat("slurm task ", index, ": ", s.message()));
  return absl::OkStatus();
}

// --backend=slurm: the experiment staged into its own directory under --slurm_dir.
absl::StatusOr<scxtwin::experiment::SlurmOptions> StagedSlurmOptions(
    const scxtwin::experiment::ExperimentConfig& ec) {
  SCX_ASSIGN_OR_RETURN(scxtwin::experiment::SlurmOptions o,
                       scxtwin::experiment::SlurmOptionsFromFlags("sim"));
  SCX_ASSIGN_OR_RETURN(o.worker_command,
                       scxtwin::experiment::StageExperiment(ec, "/proc/self/exe", o.run_dir));
  return o;
}

// Several policies or runs: the experiment's table (or JSON), from runs here (forked processes)
// or on a Slurm cluster.
absl::Status RunExperiment(const Command& cmd) {
  // Per-run outputs would be N files; ask for them from a single run.
  const std::pair<const char*, std::string> one_run_outputs[] = {
      {"log", absl::GetFlag(FLAGS_log)},
      {"perfetto", absl::GetFlag(FLAGS_perfetto)},
      {"ftrace", absl::GetFlag(FLAGS_ftrace)},
  };
  for (const auto& [flag, value] : one_run_outputs) {
    if (!value.empty()) {
      return Bad(absl::StrCat("--", flag,
                              " records one run: use it with one policy and --runs=1 "
                              "(--seed=S with S from the experiment's JSON seeds)"));
    }
  }
  scxtwin::experiment::ExperimentConfig ec;
  ec.policies = cmd.policies;
  ec.base = cmd.config;
  ec.runs = cmd.runs;
  ec.jobs = cmd.jobs;
  ec.metric = cmd.metric;
  ec.process = absl::GetFlag(FLAGS_process);
  if (!scxtwin::experiment::SlurmWorkerDir().empty()) return RunAsSlurmWorker(ec);
  std::unique_ptr<scxtwin::experiment::JobBackend> backend;
  if (cmd.backend == "slurm") {
    auto options = StagedSlurmOptions(ec);
    if (!options.ok()) return Bad(options.status().message());
    backend = std::make_unique<scxtwin::experiment::SlurmBackend>(*std::move(options));
  }
  SCX_ASSIGN_OR_RETURN(
      scxtwin::experiment::ExperimentResult result,
      scxtwin::experiment::RunExperiment(ec, scxtwin::experiment::TerminalProgressBar("sim: runs"),
                                         backend.get()));
  if (const std::string svg = UserOutPath(absl::GetFlag(FLAGS_svg)); !svg.empty()) {
    std::ofstream f(svg, std::ios::trunc);
    f << scxtwin::experiment::ExperimentCdfSvg(result);
    f.close();
    if (!f) return Bad(absl::StrCat("--svg=", svg, ": cannot write the file"));
  }
  if (cmd.format == "json") {
    scxtwin::experiment::WriteExperimentJson(std::cout, result);
  } else {
    scxtwin::experiment::WriteExperimentTable(std::cout, result);
  }
  int failed = 0, total = 0;
  for (const auto& p : result.policies) {
    failed += scxtwin::experiment::FailedRuns(p);
    total += static_cast<int>(p.samples.size());
  }
  if (failed > 0) {
    // The figures are printed, but a run that did not end properly makes the experiment fail.
    return absl::UnavailableError(
        absl::StrCat(failed, " of ", total,
                     " runs failed (tasks stuck in a wait nobody answers, or stopped at "
                     "--max_sim_time): see the notes"));
  }
  return absl::OkStatus();
}

// One run: the detailed report, and the --log / --perfetto / --ftrace records. `exit_status`:
// the kernel loader's for how the policy ended (sim::ExitStatus).
absl::Status RunOnce(Command& cmd, int* exit_status) {
  if (!absl::GetFlag(FLAGS_svg).empty()) {
    return Bad(
        "--svg draws an experiment's distribution: use it with several policies or --runs > 1");
  }
  if (cmd.backend != "local") {
    return Bad(absl::StrCat("--backend=", cmd.backend,
                            " runs experiments: give several policies or --runs > 1"));
  }
  RunConfig& config = cmd.config;
  // POLICY.K is accepted here too, as K (so a command line of an experiment keeps working with
  // one of its policies); the run itself checks every knob.
  config.policy = cmd.policies[0];
  const std::string prefix = scxtwin::experiment::PolicyLabel(config.policy) + ".";
  for (auto& [key, value] : config.sets) {
    if (absl::StartsWith(key, prefix)) key = key.substr(prefix.size());
  }
  std::ofstream log;
  if (!absl::GetFlag(FLAGS_log).empty()) {
    const std::string path = UserPath(absl::GetFlag(FLAGS_log));
    log.open(path, std::ios::out | std::ios::trunc);
    if (!log) return Bad(absl::StrCat("--log=", path, ": cannot open for writing"));
    config.log = &log;
  }
  config.perfetto = UserOutPath(absl::GetFlag(FLAGS_perfetto));
  config.ftrace = UserOutPath(absl::GetFlag(FLAGS_ftrace));
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<scxtwin::sim::RunOutput> run,
                       scxtwin::sim::RunSimulation(config));
  if (cmd.format == "json") {
    scxtwin::sim::WriteJson(std::cout, config, *run);
  } else {
    scxtwin::sim::WriteTable(std::cout, config, *run);
  }
  *exit_status = scxtwin::sim::ExitStatus(*run);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "runs a workload under a sched_ext policy in the simulator:\n"
      "  sim --policy=NAME --workload=FILE --topology=SPEC [--set K=V ...] [--seed N]\n"
      "      [--duration D] [--format=table|json] [--log=FILE] [--param NAME=VALUE ...]\n"
      "or compares policies over seeds in parallel processes:\n"
      "  sim --policy=A,B,... --workload=FILE --runs=N [--jobs=J] [--metric=boot|makespan|work]\n"
      "      [--set [POLICY.]K=V ...] [--param NAME=VALUE ...] [--format=table|json]\n"
      "      [--backend=local|slurm [--slurm_dir=DIR] [--slurm_partition=P] ...]");
  Command cmd;
  if (absl::Status s = ParseArgv(argc, argv, &cmd); !s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_list)) {
    absl::Status s = ListPolicies(cmd);
    return s.ok() ? 0 : Fail(s);
  }
  if (absl::Status s = ParseRunFlags(&cmd); !s.ok()) return Fail(s);
  int exit_status = 0;
  absl::Status s = IsExperiment(cmd) ? RunExperiment(cmd) : RunOnce(cmd, &exit_status);
  return s.ok() ? exit_status : Fail(s);
}
