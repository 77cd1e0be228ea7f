// //kernel:load: runs one of the policies linked in as the sched_ext scheduler.
//
//   load --policy=NAME [--set KNOB=VALUE ...] [--stats-interval=1s] [--duration=D] [--verbose]
//        [--record=FILE]
//   load --object=FILE.bpf.o [--record=FILE] [--duration=D]   (a kernel-tree scheduler)
//   load --list
//
// Flags may be spelled with dashes or underscores. --set may repeat, and one --set may carry
// several comma-separated KNOB=VALUE items; it is taken out of argv before Abseil parses the
// rest (an Abseil flag keeps only its last value) by the extractor //sim shares
// (base/set_flags.h).
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "base/knob_table.h"
#include "base/set_flags.h"
#include "kernel/exit_report.h"
#include "kernel/loader.h"
#include "kernel/object_policy.h"
#include "kernel/policy_registry.h"

ABSL_FLAG(std::string, policy, "", "the policy to load, by name (see --list)");
ABSL_FLAG(std::vector<std::string>, set, {},
          "KNOB=VALUE[,KNOB=VALUE...]: set policy knobs before loading; repeat for more");
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
ABSL_FLAG(std::string, object, "",
          "load this BPF object file (a kernel-tree scheduler, tools/sched_ext/NAME.bpf.c built "
          "outside the repository, or its record build) instead of a linked-in policy");
ABSL_FLAG(bool, list, false, "list the policies with their knobs and counters, then exit");

namespace {

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
  using scxtwin::Assignment;
  using scxtwin::ParseAssignments;
  using scxtwin::TakeRepeatedFlag;
  absl::SetProgramUsageMessage(
      "runs a policy as the sched_ext scheduler: load --policy=NAME [--set KNOB=VALUE ...] "
      "[--stats-interval=1s] [--duration=D]");
  std::vector<char*> args(argv, argv + argc);
  absl::StatusOr<std::vector<std::string>> sets = TakeRepeatedFlag(&args, "set", "NAME=VALUE");
  absl::StatusOr<std::vector<Assignment>> knobs =
      sets.ok() ? ParseAssignments(*sets, "set", "NAME=VALUE") : sets.status();
  if (!knobs.ok()) {
    std::cerr << "load: " << knobs.status().message() << std::endl;
    return scxtwin::kExitUsage;
  }
  std::vector<std::string> renamed;
  UnderscoreFlagNames(renamed, args);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  if (positional.size() > 1) {
    std::cerr << "load: unexpected argument '" << positional[1]
              << "' (expected only flags: --policy=NAME [--set KNOB=VALUE ...])" << std::endl;
    return scxtwin::kExitUsage;
  }
  const std::string object = absl::GetFlag(FLAGS_object);
  if (!object.empty() && !absl::GetFlag(FLAGS_policy).empty()) {
    std::cerr << "load: give --policy=NAME or --object=FILE, not both" << std::endl;
    return scxtwin::kExitUsage;
  }
  if (!object.empty() && access(object.c_str(), R_OK) != 0) {
    std::cerr << "load: --object=" << object << ": cannot read it (" << strerror(errno) << ")"
              << std::endl;
    return scxtwin::kExitUsage;
  }
  const std::vector<const scxtwin::KernelPolicy*> policies =
      object.empty() ? scxtwin::AllPolicies() : scxtwin::ObjectFilePolicies(object);
  if (absl::GetFlag(FLAGS_list)) {
    ListPolicies(policies);
    return scxtwin::kExitNormal;
  }
  scxtwin::LoaderOptions options;
  options.policy = object.empty() ? absl::GetFlag(FLAGS_policy) : scxtwin::ObjectPolicyName(object);
  if (options.policy.empty()) {
    std::cerr << "load: --policy=NAME is required (known: " << scxtwin::PolicyNames(policies) << ")"
              << std::endl;
    return scxtwin::kExitUsage;
  }
  options.knob_assignments = *std::move(knobs);
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
