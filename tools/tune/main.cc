// //tools:tune: search a policy's knobs in simulation and confirm the winner on held-out seeds;
// or (`select`) pick the best policy for a workload imported from a real trace.
//
//   bazel run //tools:tune -- --policy=homing --workload=FILE [--param K=V ...] [--process=P]
//       --topology=T --budget=RUNS [--metric=boot|makespan|work] [--guard=PROCESS:METRIC<=RATIO]
//       [--knob=NAME[=MIN..MAX] ...] [--held_out=N] [--variant_param K=V ...] [--variant_topology=T]
//       [--jobs=J] [--seed=S] [--svg=FILE] [--confirm]
//   bazel run //tools:tune -- select --trace=TRACE --root=COMM --policies=eevdf,homing,vtime[,PATH.so]
//       [--topology=T] [--runs=N] [--tune [--budget=RUNS]] [--svg=FILE] [--confirm]
//
// Exit status: 0 done; 1 a run failed (broken invariant) or --confirm failed in the VM; 2 bad input.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "sim/experiment/process_pool.h"
#include "sim/experiment/run_backend.h"
#include "sim/experiment/slurm_flags.h"
#include "sim/experiment/slurm_run_backend.h"
#include "tools/tune/args.h"
#include "tools/tune/confirm.h"
#include "tools/tune/select.h"
#include "tools/tune/tune_report.h"
#include "tools/tune/tuner.h"

ABSL_FLAG(std::string, policy, "", "the policy to tune: a name (homing) or a host .so path");
ABSL_FLAG(std::string, policy_dir, "", "extra directory to look policy names up in");
ABSL_FLAG(std::string, workload, "", "workload spec (.textpb)");
ABSL_FLAG(std::string, topology, "",
          "SOCKETSxLLCSxCORESxSMT or a CPU count (select: default the trace's CPUs)");
ABSL_FLAG(std::string, process, "", "--metric=boot: measure only this process's instances");
ABSL_FLAG(int, budget, 300, "search runs (select --tune: per policy)");
ABSL_FLAG(std::string, metric, "boot", "boot, makespan or work (see //sim)");
ABSL_FLAG(std::string, guard, "",
          "PROCESS:METRIC<=RATIO: keep that metric within RATIO of the defaults'");
ABSL_FLAG(int, jobs, 0, "runs at a time, each in its own process (0: the online CPUs)");
ABSL_FLAG(uint64_t, seed, 1, "seed of the candidates, the search seeds and the held-out seeds");
ABSL_FLAG(int, held_out, 30, "held-out seeds for the confirmation (select --tune: 10)");
ABSL_FLAG(std::string, variant_topology, "", "also run the tuned knobs on this topology");
ABSL_FLAG(absl::Duration, duration, absl::ZeroDuration(),
          "simulated time per run (0: the workload's)");
ABSL_FLAG(std::string, svg, "",
          "write a picture here: the tuning curve (select: the policies' makespan CDFs)");
ABSL_FLAG(bool, confirm, false,
          "load the result in the sched_ext kernel in the VM under stress (//tools:vm)");
ABSL_FLAG(int, confirm_seconds, 10, "--confirm: seconds of stress with the policy loaded");
ABSL_FLAG(std::string, trace, "", "select: an ftrace text trace (.gz or plain)");
ABSL_FLAG(std::string, root, "", "select: the command whose exec roots the traced tree");
ABSL_FLAG(std::string, policies, "eevdf,homing,vtime",
          "select: the policies to compare, comma-separated");
ABSL_FLAG(int, runs, 10, "select: paired seeds per policy");
ABSL_FLAG(bool, tune, false,
          "select: also tune each policy with a knob table and compare the tuned variant");

namespace {

using scxtwin::tune::UserOutPath;
using scxtwin::tune::UserPath;

int Bad(const std::string& msg) {
  std::cerr << "tune: " << msg << "\n";
  return 2;
}

int Failed(const absl::Status& s) {
  std::cerr << "tune: " << s.message() << "\n";
  return s.code() == absl::StatusCode::kInternal || s.code() == absl::StatusCode::kUnavailable ? 1
                                                                                               : 2;
}

int Jobs() {
  const int jobs = absl::GetFlag(FLAGS_jobs);
  return jobs > 0 ? jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

// Where the runs execute: --backend=local (forked processes here) or slurm (a job array per
// batch of runs; the same output).
absl::StatusOr<std::unique_ptr<scxtwin::experiment::RunBackend>> MakeBackend() {
  auto name = scxtwin::experiment::BackendFromFlags();
  if (!name.ok()) return name.status();
  if (*name == "local") return std::make_unique<scxtwin::experiment::LocalProcessBackend>(Jobs());
  auto o = scxtwin::experiment::SlurmOptionsFromFlags("tune");
  if (!o.ok()) return o.status();
  return std::make_unique<scxtwin::experiment::SlurmRunBackend>(*std::move(o), "/proc/self/exe");
}

// A progress bar that draws its last state once, however often the end is reported.
scxtwin::experiment::ProgressFn Bar(const std::string& label) {
  auto bar = scxtwin::experiment::TerminalProgressBar(label);
  if (!bar) return nullptr;
  auto finished = std::make_shared<bool>(false);
  return [bar, finished](int done, int total) {
    if (*finished) return;
    *finished = done >= total;
    bar(std::min(done, total), total);
  };
}

// Writes `text` to --svg's file whole, or says why not.
absl::Status WriteFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::ofstream f(tmp, std::ios::trunc);
  f << text;
  f.close();
  if (!f || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::InvalidArgumentError(absl::StrCat("--svg=", path, ": cannot write the file"));
  }
  return absl::OkStatus();
}

std::vector<std::string> PolicyDirs(const char* argv0) {
  std::vector<std::string> dirs;
  if (!absl::GetFlag(FLAGS_policy_dir).empty())
    dirs.push_back(UserPath(absl::GetFlag(FLAGS_policy_dir)));
  for (std::string& d : scxtwin::sim::DefaultPolicyDirs(argv0)) dirs.push_back(std::move(d));
  return dirs;
}

int Confirm(const std::string& policy, const std::vector<std::pair<std::string, std::string>>& sets,
            const char* argv0) {
  scxtwin::tune::ConfirmConfig cc;
  cc.policy = policy;
  cc.sets = sets;
  cc.seconds = absl::GetFlag(FLAGS_confirm_seconds);
  std::cout << "confirm: loading " << policy
            << " in the sched_ext VM (4 CPUs) under the stress mix\n"
            << std::flush;
  if (absl::Status s = scxtwin::tune::ConfirmInVm(cc, argv0); !s.ok()) return Failed(s);
  return 0;
}

int RunSelect(const char* argv0) {
  scxtwin::tune::SelectConfig c;
  c.trace = UserPath(absl::GetFlag(FLAGS_trace));
  if (c.trace.empty())
    return Bad(
        "select: --trace is required (an ftrace text trace, e.g. "
        "data/traces/boot_rr_smp2.trace.gz)");
  c.root = absl::GetFlag(FLAGS_root);
  c.policies = absl::StrSplit(absl::GetFlag(FLAGS_policies), ',', absl::SkipEmpty());
  for (std::string& p : c.policies) {
    if (p.find('/') != std::string::npos) p = UserPath(p);
  }
  c.topology = absl::GetFlag(FLAGS_topology);
  c.runs = absl::GetFlag(FLAGS_runs);
  c.seed = absl::GetFlag(FLAGS_seed);
  c.tune = absl::GetFlag(FLAGS_tune);
  c.budget = absl::GetFlag(FLAGS_budget);
  c.held_out = std::min(absl::GetFlag(FLAGS_held_out), 10);
  c.policy_dirs = PolicyDirs(argv0);
  char tmpl[] = "/tmp/tune-select-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0)
    return Failed(absl::InternalError("cannot create a temporary file for the imported workload"));
  close(fd);
  c.workload_out = std::string(tmpl) + ".textpb";
  std::rename(tmpl, c.workload_out.c_str());
  auto backend = MakeBackend();
  if (!backend.ok()) return Failed(backend.status());
  auto r = scxtwin::tune::Select(c, **backend, Bar("tune select: runs"));
  if (!r.ok()) {
    std::remove(c.workload_out.c_str());
    return Failed(r.status());
  }
  scxtwin::tune::WriteSelectReport(std::cout, c, *r);
  std::remove(c.workload_out.c_str());
  if (!absl::GetFlag(FLAGS_svg).empty()) {
    if (absl::Status s =
            WriteFile(UserOutPath(absl::GetFlag(FLAGS_svg)), scxtwin::tune::SelectSvg(*r));
        !s.ok())
      return Failed(s);
  }
  if (absl::GetFlag(FLAGS_confirm)) {
    const auto& best = r->options[r->recommended];
    if (r->recommended == 0) {
      std::cout << "confirm: eevdf is the kernel's own scheduler; nothing to load\n";
      return 0;
    }
    std::string policy = best.label;
    if (best.tuned) policy = policy.substr(0, policy.size() - std::string(" tuned").size());
    return Confirm(policy, best.sets, argv0);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "searches a policy's knobs in simulation, confirmed on held-out seeds:\n"
      "  tune --policy=NAME --workload=FILE --topology=T --budget=RUNS [--param K=V ...] "
      "[--process=P]\n"
      "       [--metric=boot|makespan|work] [--guard=PROCESS:METRIC<=RATIO] "
      "[--knob=NAME[=MIN..MAX] ...]\n"
      "       [--set K=V ...] [--held_out=N] [--variant_param K=V ...] [--variant_topology=T] "
      "[--jobs=J]\n"
      "       [--seed=S] [--svg=FILE] [--confirm] [--backend=local|slurm [--slurm_dir=DIR] ...]\n"
      "or picks a policy for a workload imported from a real trace:\n"
      "  tune select --trace=TRACE --root=COMM --policies=eevdf,homing,vtime[,PATH.so] "
      "[--topology=T]\n"
      "       [--runs=N] [--tune [--budget=RUNS]] [--svg=FILE] [--confirm]");
  const bool select = argc > 1 && std::string(argv[1]) == "select";
  std::vector<char*> args(argv, argv + argc);
  if (select) args.erase(args.begin() + 1);
  std::vector<std::vector<std::string>> repeated;
  std::vector<char*> rest =
      scxtwin::tune::GatherRepeated(static_cast<int>(args.size()), args.data(),
                                    {"param", "set", "knob", "variant_param"}, &repeated);
  int rest_argc = static_cast<int>(rest.size());
  std::vector<char*> positional = absl::ParseCommandLine(rest_argc, rest.data());
  if (positional.size() > 1)
    return Bad(absl::StrCat("unexpected argument '", positional[1], "' (subcommands: select)"));
  if (const std::string dir = scxtwin::experiment::SlurmWorkerDir(); !dir.empty()) {
    // An array task of a --backend=slurm batch: run this task's runs, print nothing.
    if (absl::Status s =
            scxtwin::experiment::RunBatchWorker(dir, scxtwin::experiment::SlurmTasksFile(), Jobs());
        !s.ok()) {
      std::cerr << "tune: slurm task: " << s.message() << "\n";
      return 1;
    }
    return 0;
  }
  if (select) return RunSelect(argv[0]);

  scxtwin::tune::TuneConfig c;
  c.policy = absl::GetFlag(FLAGS_policy);
  if (c.policy.empty())
    return Bad("--policy is required (a policy name such as homing, or a host .so path)");
  if (c.policy.find(',') != std::string::npos)
    return Bad(absl::StrCat("--policy=", c.policy, ": expected one policy"));
  if (c.policy.find('/') != std::string::npos) c.policy = UserPath(c.policy);
  c.base.workload = UserPath(absl::GetFlag(FLAGS_workload));
  if (c.base.workload.empty()) return Bad("--workload is required (a .textpb file)");
  c.base.topology = absl::GetFlag(FLAGS_topology);
  if (c.base.topology.empty()) return Bad("--topology is required (e.g. 1x1x8x2, or a CPU count)");
  c.base.policy_dirs = PolicyDirs(argv[0]);
  const absl::Duration d = absl::GetFlag(FLAGS_duration);
  if (d < absl::ZeroDuration()) return Bad("--duration must not be negative");
  c.base.duration = absl::ToInt64Nanoseconds(d);
  auto params = scxtwin::tune::ParsePairs("param", repeated[0]);
  if (!params.ok()) return Failed(params.status());
  c.base.params = *params;
  auto sets = scxtwin::tune::ParsePairs("set", repeated[1]);
  if (!sets.ok()) return Failed(sets.status());
  c.base.sets = *sets;
  c.knobs = repeated[2];
  auto variant = scxtwin::tune::ParsePairs("variant_param", repeated[3]);
  if (!variant.ok()) return Failed(variant.status());
  c.variant_params = *variant;
  c.variant_topology = absl::GetFlag(FLAGS_variant_topology);
  auto metric = scxtwin::experiment::ParseMetric(absl::GetFlag(FLAGS_metric));
  if (!metric.ok()) return Failed(metric.status());
  c.metric = *metric;
  c.process = absl::GetFlag(FLAGS_process);
  if (!absl::GetFlag(FLAGS_guard).empty()) {
    auto g = scxtwin::tune::ParseGuard(absl::GetFlag(FLAGS_guard));
    if (!g.ok()) return Failed(g.status());
    c.guard = *g;
  }
  c.budget = absl::GetFlag(FLAGS_budget);
  c.held_out = absl::GetFlag(FLAGS_held_out);
  c.seed = absl::GetFlag(FLAGS_seed);
  const std::string svg = UserOutPath(absl::GetFlag(FLAGS_svg));

  auto backend = MakeBackend();
  if (!backend.ok()) return Failed(backend.status());
  auto r = scxtwin::tune::Tune(c, **backend, Bar("tune: runs"));
  if (!r.ok()) return Failed(r.status());
  scxtwin::tune::CommandWords words{absl::GetFlag(FLAGS_policy), absl::GetFlag(FLAGS_workload)};
  if (!svg.empty()) {
    if (absl::Status s = WriteFile(svg, scxtwin::tune::TuningCurveSvg(*r)); !s.ok())
      return Failed(s);
  }
  if (absl::GetFlag(FLAGS_confirm)) {
    std::vector<std::pair<std::string, std::string>> best =
        scxtwin::tune::CandidateSets(*r, r->best);
    if (int rc = Confirm(c.policy, best, argv[0]); rc != 0) return rc;
  }
  // The report last, so its closing line is the output's last line.
  scxtwin::tune::WriteTuneReport(std::cout, *r, words);
  return 0;
}
