// sensitivity: which host-effect terms move a policy comparison. Runs the experiment of //sim
// (policies x paired seeds) with every term at its default, then each term at the low and the
// high end of its plausible range (sim/machine/effects.h, and the host background), and prints
// how the speedup and each policy's stdev move, sorted by effect, as a tornado table.
//
//   bazel run //tools:sensitivity -- --workload=FILE --policy=eevdf,homing [--param K=V ...]
//       --topology=T --runs=R [--seed=S] [--jobs=J] [--set cost.K=V ...] [--background=NAME]
//       [--metric=boot|makespan|work] [--process=NAME] [--svg=FILE]
//
// The last line: `sensitivity: N terms, largest: NAME (speedup LOW..HIGH)`.
// Exit status: 0 ok, 1 a run error, 2 bad input.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/set_flags.h"
#include "base/user_paths.h"
#include "sim/experiment/experiment.h"
#include "sim/experiment/sensitivity.h"
#include "sim/machine/costs.h"
#include "sim/run/runner.h"

ABSL_FLAG(std::string, policy, "",
          "two or more policies, comma-separated; the first is the baseline");
ABSL_FLAG(std::string, workload, "", "workload spec (.textpb)");
ABSL_FLAG(std::string, topology, "2x2x4x2", "SOCKETSxLLCSxCORESxSMT, or a CPU count");
ABSL_FLAG(std::vector<std::string>, set, {},
          "K=V kept fixed in every setting: a policy knob or cost.NAME (may repeat)");
ABSL_FLAG(std::vector<std::string>, param, {},
          "NAME=VALUE: a param of the workload spec (may repeat)");
ABSL_FLAG(std::vector<std::string>, background, {},
          "host background kept in every setting (a library name or a .textpb)");
ABSL_FLAG(uint64_t, seed, 1, "base seed of the paired runs");
ABSL_FLAG(int, runs, 10, "runs per policy and setting");
ABSL_FLAG(int, jobs, 0, "runs at a time, each in its own process (0: the online CPUs)");
ABSL_FLAG(std::string, metric, "boot", "boot, makespan or work (as //sim)");
ABSL_FLAG(std::string, process, "", "--metric=boot: measure only this process's instances");
ABSL_FLAG(std::string, svg, "", "also write the tornado as an SVG picture here");

namespace {

int Bad(const std::string& msg) {
  std::cerr << "sensitivity: " << msg << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "how each host-effect term moves a policy comparison:\n"
      "  sensitivity --workload=FILE --policy=eevdf,homing [--param K=V ...] --topology=T "
      "--runs=R\n"
      "      [--set cost.K=V ...] [--background=NAME] [--metric=boot|makespan|work]");
  std::vector<char*> rest(argv, argv + argc);
  auto sets = scxtwin::TakeRepeatedFlag(&rest, "set", "NAME=VALUE");
  if (!sets.ok()) return Bad(std::string(sets.status().message()));
  auto params = scxtwin::TakeRepeatedFlag(&rest, "param", "NAME=VALUE");
  if (!params.ok()) return Bad(std::string(params.status().message()));
  int rest_argc = static_cast<int>(rest.size());
  std::vector<char*> positional = absl::ParseCommandLine(rest_argc, rest.data());
  if (positional.size() > 1) return Bad(absl::StrCat("unexpected argument '", positional[1], "'"));

  scxtwin::experiment::ExperimentConfig ec;
  ec.policies = absl::StrSplit(absl::GetFlag(FLAGS_policy), ',', absl::SkipEmpty());
  for (std::string& p : ec.policies) {
    if (absl::StrContains(p, '/')) p = scxtwin::RunfilesFirstPath(p);
  }
  if (ec.policies.size() < 2)
    return Bad(
        "--policy: expected two or more policies, comma-separated (the first is the baseline)");
  ec.base.policy_dirs = scxtwin::sim::DefaultPolicyDirs(argv[0]);
  ec.base.workload = scxtwin::RunfilesFirstPath(absl::GetFlag(FLAGS_workload));
  if (ec.base.workload.empty()) return Bad("--workload is required (a .textpb file)");
  ec.base.topology = absl::GetFlag(FLAGS_topology);
  ec.base.seed = absl::GetFlag(FLAGS_seed);
  for (const std::string& b : absl::GetFlag(FLAGS_background)) {
    ec.base.background.push_back(absl::StrContains(b, '/') ? scxtwin::RunfilesFirstPath(b) : b);
  }
  auto set_items = scxtwin::ParseAssignments(*sets, "set", "NAME=VALUE");
  if (!set_items.ok()) return Bad(std::string(set_items.status().message()));
  ec.base.sets = *std::move(set_items);
  auto param_items = scxtwin::ParseAssignments(*params, "param", "NAME=VALUE");
  if (!param_items.ok()) return Bad(std::string(param_items.status().message()));
  ec.base.params = *std::move(param_items);
  ec.runs = absl::GetFlag(FLAGS_runs);
  if (ec.runs < 2)
    return Bad(absl::StrCat("--runs=", ec.runs, ": expected at least 2 (a stdev needs two runs)"));
  ec.jobs = absl::GetFlag(FLAGS_jobs);
  if (ec.jobs < 0)
    return Bad(absl::StrCat("--jobs=", ec.jobs, ": expected 0 (the online CPUs) or more"));
  if (ec.jobs == 0) ec.jobs = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  auto metric = scxtwin::experiment::ParseMetric(absl::GetFlag(FLAGS_metric));
  if (!metric.ok()) return Bad(std::string(metric.status().message()));
  ec.metric = *metric;
  ec.process = absl::GetFlag(FLAGS_process);

  // The noise reference moves the context switch cost by 1 ns around the value the runs use.
  int64_t context_switch_ns = scxtwin::sim::MachineCosts().context_switch_ns;
  for (const auto& [k, v] : ec.base.sets) {
    if (k == "cost.context_switch_ns" && !absl::SimpleAtoi(v, &context_switch_ns)) {
      return Bad(absl::StrCat("--set ", k, "=", v, ": expected a whole number of ns"));
    }
  }
  auto result = scxtwin::experiment::RunSensitivity(
      ec, scxtwin::experiment::SensitivityTerms(context_switch_ns),
      scxtwin::experiment::TerminalProgressBar("sensitivity: runs"));
  if (!result.ok()) {
    std::cerr << "sensitivity: " << result.status().message() << "\n";
    return result.status().code() == absl::StatusCode::kInternal ? 1 : 2;
  }
  if (std::string svg = absl::GetFlag(FLAGS_svg); !svg.empty()) {
    svg = scxtwin::UserOutPath(svg);
    std::ofstream f(svg, std::ios::trunc);
    f << scxtwin::experiment::SensitivitySvg(*result);
    f.close();
    if (!f) return Bad(absl::StrCat("--svg=", svg, ": cannot write the file"));
  }
  scxtwin::experiment::WriteSensitivityTable(std::cout, *result);
  return 0;
}
