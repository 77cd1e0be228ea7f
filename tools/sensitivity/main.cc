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

// A relative path names the runfiles' copy when there is one (the library's workloads), so
// the output reads the same wherever it was started; else the file where the user was.
std::string UserPath(const std::string& p) {
  if (p.empty() || p[0] == '/' || access(p.c_str(), F_OK) == 0) return p;
  if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) {
    std::string candidate = absl::StrCat(wd, "/", p);
    if (access(candidate.c_str(), F_OK) == 0) return candidate;
  }
  return p;
}

// --set and --param may repeat (absl keeps the last): gathered by hand, as //sim does.
bool SplitPairs(const std::vector<std::string>& args, const char* flag,
                std::vector<std::pair<std::string, std::string>>* out, std::string* error) {
  for (const std::string& s : args) {
    for (absl::string_view kv : absl::StrSplit(s, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (p.first.empty() || !absl::StrContains(kv, '=')) {
        *error = absl::StrCat("--", flag, " ", kv, ": expected K=V");
        return false;
      }
      out->push_back(std::move(p));
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "how each host-effect term moves a policy comparison:\n"
      "  sensitivity --workload=FILE --policy=eevdf,homing [--param K=V ...] --topology=T "
      "--runs=R\n"
      "      [--set cost.K=V ...] [--background=NAME] [--metric=boot|makespan|work]");
  std::vector<std::string> sets, params;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::StartsWith(a, "--set=")) {
      sets.emplace_back(a.substr(6));
    } else if (a == "--set" && i + 1 < argc) {
      sets.emplace_back(argv[++i]);
    } else if (absl::StartsWith(a, "--param=")) {
      params.emplace_back(a.substr(8));
    } else if (a == "--param" && i + 1 < argc) {
      params.emplace_back(argv[++i]);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  std::vector<char*> positional = absl::ParseCommandLine(rest_argc, rest.data());
  if (positional.size() > 1) return Bad(absl::StrCat("unexpected argument '", positional[1], "'"));

  scxtwin::experiment::ExperimentConfig ec;
  ec.policies = absl::StrSplit(absl::GetFlag(FLAGS_policy), ',', absl::SkipEmpty());
  for (std::string& p : ec.policies) {
    if (absl::StrContains(p, '/')) p = UserPath(p);
  }
  if (ec.policies.size() < 2)
    return Bad(
        "--policy: expected two or more policies, comma-separated (the first is the baseline)");
  ec.base.policy_dirs = scxtwin::sim::DefaultPolicyDirs(argv[0]);
  ec.base.workload = UserPath(absl::GetFlag(FLAGS_workload));
  if (ec.base.workload.empty()) return Bad("--workload is required (a .textpb file)");
  ec.base.topology = absl::GetFlag(FLAGS_topology);
  ec.base.seed = absl::GetFlag(FLAGS_seed);
  for (const std::string& b : absl::GetFlag(FLAGS_background)) {
    ec.base.background.push_back(absl::StrContains(b, '/') ? UserPath(b) : b);
  }
  std::string error;
  if (!SplitPairs(sets, "set", &ec.base.sets, &error) ||
      !SplitPairs(params, "param", &ec.base.params, &error)) {
    return Bad(error);
  }
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
    if (svg[0] != '/') {
      if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) svg = absl::StrCat(wd, "/", svg);
    }
    std::ofstream f(svg, std::ios::trunc);
    f << scxtwin::experiment::SensitivitySvg(*result);
    f.close();
    if (!f) return Bad(absl::StrCat("--svg=", svg, ": cannot write the file"));
  }
  scxtwin::experiment::WriteSensitivityTable(std::cout, *result);
  return 0;
}
