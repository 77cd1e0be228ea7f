// //sim: run one workload under one sched_ext policy on a simulated machine and print the
// results.
//
//   bazel run //sim -- --policy=NAME --workload=FILE --topology=SPEC [--set K=V ...]
//                      [--seed N] [--duration D] [--format=table|json] [--log=FILE]
//                      [--perfetto=FILE] [--ftrace=FILE]
//
// --set may repeat; K is a policy knob, or cost.NAME for a machine cost (see costs.h).
// --param NAME=VALUE may repeat: a param the workload spec declares (e.g. vcpus=16).
// Exit status: 0 ok (also when the policy was ejected: that is a result, shown in the output),
// 1 a run error (broken invariant), 2 bad input.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "sim/run/report.h"
#include "sim/run/runner.h"

ABSL_FLAG(std::string, policy, "",
          "policy name (e.g. vtime), eevdf (Linux's fair class), or path to a host policy .so");
ABSL_FLAG(std::string, policy_dir, "", "extra directory to look policy names up in");
ABSL_FLAG(std::string, workload, "", "workload spec (.textpb)");
ABSL_FLAG(std::string, topology, "2x2x4x2", "SOCKETSxLLCSxCORESxSMT, or a CPU count");
ABSL_FLAG(std::vector<std::string>, set, {}, "K=V: a policy knob or cost.NAME (may repeat)");
ABSL_FLAG(std::vector<std::string>, param, {}, "NAME=VALUE: a param of the workload spec (may repeat)");
ABSL_FLAG(uint64_t, seed, 1, "random seed of the workload's draws");
ABSL_FLAG(absl::Duration, duration, absl::ZeroDuration(), "simulated time to run (0: the workload's)");
ABSL_FLAG(std::string, format, "table", "table or json");
ABSL_FLAG(std::string, log, "", "write every callback and kfunc call here as JSON Lines");
ABSL_FLAG(std::string, perfetto, "", "write the run's scheduling as a binary Perfetto trace here");
ABSL_FLAG(std::string, ftrace, "",
          "write the run's scheduling as ftrace text here (readable by trace2workload)");

namespace {

int Bad(const std::string& msg) {
  std::cerr << "sim: " << msg << "\n";
  return 2;
}

// A relative path given to `bazel run` means relative to where the user was.
std::string UserPath(const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) {
    std::string candidate = absl::StrCat(wd, "/", p);
    if (access(candidate.c_str(), F_OK) == 0) return candidate;
  }
  return p;
}

// An output file given to `bazel run` is relative to where the user was (it need not exist).
std::string UserOutPath(const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) return absl::StrCat(wd, "/", p);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "runs a workload under a sched_ext policy in the simulator:\n"
      "  sim --policy=NAME --workload=FILE --topology=SPEC [--set K=V ...] [--seed N]\n"
      "      [--duration D] [--format=table|json] [--log=FILE]");
  // --set and --param may repeat: gather every occurrence (absl keeps only the last).
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

  scxtwin::sim::RunConfig config;
  config.policy = absl::GetFlag(FLAGS_policy);
  if (config.policy.empty()) return Bad("--policy is required (a policy name or a host .so path)");
  if (absl::StrContains(config.policy, '/')) config.policy = UserPath(config.policy);
  config.workload = UserPath(absl::GetFlag(FLAGS_workload));
  if (config.workload.empty()) return Bad("--workload is required (a .textpb file)");
  config.topology = absl::GetFlag(FLAGS_topology);
  config.seed = absl::GetFlag(FLAGS_seed);
  const absl::Duration d = absl::GetFlag(FLAGS_duration);
  if (d < absl::ZeroDuration()) return Bad("--duration must not be negative");
  config.duration = absl::ToInt64Nanoseconds(d);
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "table" && format != "json") return Bad(absl::StrCat("--format=", format, ": expected table or json"));
  for (const std::string& s : sets) {
    for (absl::string_view kv : absl::StrSplit(s, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (p.first.empty() || !absl::StrContains(kv, '=')) return Bad(absl::StrCat("--set ", kv, ": expected K=V"));
      config.sets.push_back(std::move(p));
    }
  }
  for (const std::string& s : params) {
    for (absl::string_view kv : absl::StrSplit(s, ',', absl::SkipEmpty())) {
      std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (p.first.empty() || !absl::StrContains(kv, '=')) return Bad(absl::StrCat("--param ", kv, ": expected NAME=VALUE"));
      config.params.push_back(std::move(p));
    }
  }
  if (!absl::GetFlag(FLAGS_policy_dir).empty()) config.policy_dirs.push_back(UserPath(absl::GetFlag(FLAGS_policy_dir)));
  for (std::string& dir : scxtwin::sim::DefaultPolicyDirs(argv[0])) config.policy_dirs.push_back(std::move(dir));

  std::ofstream log;
  if (!absl::GetFlag(FLAGS_log).empty()) {
    const std::string path = UserPath(absl::GetFlag(FLAGS_log));
    log.open(path, std::ios::out | std::ios::trunc);
    if (!log) return Bad(absl::StrCat("--log=", path, ": cannot open for writing"));
    config.log = &log;
  }

  config.perfetto = UserOutPath(absl::GetFlag(FLAGS_perfetto));
  config.ftrace = UserOutPath(absl::GetFlag(FLAGS_ftrace));
  auto run = scxtwin::sim::RunSimulation(config);
  if (!run.ok()) {
    std::cerr << "sim: " << run.status().message() << "\n";
    return run.status().code() == absl::StatusCode::kInternal ? 1 : 2;
  }
  if (format == "json") {
    scxtwin::sim::WriteJson(std::cout, config, **run);
  } else {
    scxtwin::sim::WriteTable(std::cout, config, **run);
  }
  return 0;
}
