// //kernel:load: runs one of the policies linked in as the sched_ext scheduler.
//
//   load --policy=NAME [--set KNOB=VALUE ...] [--stats-interval=1s] [--duration=D] [--verbose]
//        [--record=FILE]
//   load --list
//
// Flags may be spelled with dashes or underscores. --set may repeat; it is taken out of argv before Abseil parses the rest, since an Abseil
// flag keeps only its last value.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "kernel/exit_report.h"
#include "kernel/loader.h"
#include "kernel/policy_registry.h"
#include "policy/knob_table.h"

ABSL_FLAG(std::string, policy, "", "the policy to load, by name (see --list)");
ABSL_FLAG(std::vector<std::string>, set, {},
          "KNOB=VALUE: set one of the policy's knobs before loading; repeat for more");
ABSL_FLAG(absl::Duration, stats_interval, absl::Seconds(1),
          "print the policy's counters this often (0 for only the final line)");
ABSL_FLAG(absl::Duration, duration, absl::ZeroDuration(),
          "detach after this long (0: run until SIGINT/SIGTERM)");
ABSL_FLAG(bool, verbose, false, "show libbpf's messages");
ABSL_FLAG(std::string, sysfs_root, "/sys/kernel/sched_ext",
          "where the kernel's sched_ext sysfs directory is (tests point it at a fake one)");
ABSL_FLAG(std::string, record, "",
          "run the policy's record build and write every callback, kfunc call and result to "
          "this file, for `twin replay --from=FILE`");
ABSL_FLAG(bool, list, false, "list the policies with their knobs and counters, then exit");

namespace {

// Removes every "--set X" / "--set=X" / "-set X" from argv (up to a "--") and returns the Xs.
std::vector<std::string> TakeKnobAssignments(std::vector<char*>& args, bool* missing_value) {
  std::vector<std::string> sets;
  std::vector<char*> rest;
  *missing_value = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--") {
      rest.insert(rest.end(), args.begin() + i, args.end());
      break;
    }
    if (a == "--set" || a == "-set") {
      if (i + 1 >= args.size()) {
        *missing_value = true;
        break;
      }
      sets.emplace_back(args[++i]);
    } else if (absl::StartsWith(a, "--set=") || absl::StartsWith(a, "-set=")) {
      sets.push_back(a.substr(a.find('=') + 1));
    } else {
      rest.push_back(args[i]);
    }
  }
  args = rest;
  return sets;
}

// Abseil spells flags with underscores; accept the dashed spelling too (--stats-interval).
void UnderscoreFlagNames(std::vector<std::string>& storage, std::vector<char*>& args) {
  storage.reserve(args.size());
  for (char*& arg : args) {
    std::string a = arg;
    if (a == "--") break;
    if (!absl::StartsWith(a, "--")) continue;
    size_t end = a.find('=');
    if (end == std::string::npos) end = a.size();
    for (size_t i = 2; i < end; ++i) {
      if (a[i] == '-') a[i] = '_';
    }
    storage.push_back(a);
    arg = storage.back().data();
  }
}

void ListPolicies(const std::vector<const scxtwin::KernelPolicy*>& policies) {
  for (const scxtwin::KernelPolicy* p : policies) {
    if (p->record) continue;  // the same tables as its ordinary build
    std::cout << scxtwin::DescribePolicyTables(p->name, p->knobs, p->stats);
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "runs a policy as the sched_ext scheduler: load --policy=NAME [--set KNOB=VALUE ...] "
      "[--stats-interval=1s] [--duration=D]");
  std::vector<char*> args(argv, argv + argc);
  bool missing_value = false;
  std::vector<std::string> sets = TakeKnobAssignments(args, &missing_value);
  if (missing_value) {
    std::cerr << "load: --set needs a KNOB=VALUE argument" << std::endl;
    return scxtwin::kExitUsage;
  }
  std::vector<std::string> renamed;
  UnderscoreFlagNames(renamed, args);
  std::vector<char*> positional = absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  if (positional.size() > 1) {
    std::cerr << "load: unexpected argument '" << positional[1]
              << "' (expected only flags: --policy=NAME [--set KNOB=VALUE ...])" << std::endl;
    return scxtwin::kExitUsage;
  }
  const std::vector<const scxtwin::KernelPolicy*> policies = scxtwin::AllPolicies();
  if (absl::GetFlag(FLAGS_list)) {
    ListPolicies(policies);
    return scxtwin::kExitNormal;
  }
  scxtwin::LoaderOptions options;
  options.policy = absl::GetFlag(FLAGS_policy);
  if (options.policy.empty()) {
    std::cerr << "load: --policy=NAME is required (known: " << scxtwin::PolicyNames(policies)
              << ")" << std::endl;
    return scxtwin::kExitUsage;
  }
  options.knob_assignments = absl::GetFlag(FLAGS_set);
  options.knob_assignments.insert(options.knob_assignments.end(), sets.begin(), sets.end());
  options.stats_interval = absl::GetFlag(FLAGS_stats_interval);
  options.sysfs_root = absl::GetFlag(FLAGS_sysfs_root);
  options.verbose = absl::GetFlag(FLAGS_verbose);
  options.record_file = absl::GetFlag(FLAGS_record);
  if (absl::GetFlag(FLAGS_duration) > absl::ZeroDuration()) {
    options.duration = absl::GetFlag(FLAGS_duration);
  } else if (absl::GetFlag(FLAGS_duration) < absl::ZeroDuration()) {
    std::cerr << "load: --duration must not be negative" << std::endl;
    return scxtwin::kExitUsage;
  }
  scxtwin::InstallStopSignalHandlers();
  return scxtwin::RunLoader(policies, options, std::cout, std::cerr);
}
