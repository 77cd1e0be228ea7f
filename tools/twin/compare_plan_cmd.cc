// twin plan: prints the workload runner's plan (workloads/runner/plan.h) of a spec, for running
// workload_runner by hand in the VM.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "sim/workload/spec.h"
#include "tools/twin/twin_main.h"
#include "workloads/runner/plan_writer.h"

namespace scxtwin::twin {

const char kPlanHelp[] =
    "  plan --workload=FILE [--param NAME=VALUE]...\n"
    "    prints the plan the guest's workload_runner reads (the spec as the simulator loads it).";

int PlanMain(int argc, char** argv) {
  std::string workload;
  sim::ParamOverrides params;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--workload" || a == "--param") && i + 1 < argc) a += "=" + std::string(argv[++i]);
    if (absl::StartsWith(a, "--workload=")) {
      workload = a.substr(11);
    } else if (absl::StartsWith(a, "--param=")) {
      std::vector<std::string> kv = absl::StrSplit(a.substr(8), absl::MaxSplits('=', 1));
      if (kv.size() != 2) {
        std::cerr << "twin plan: " << a << ": expected NAME=VALUE\n";
        return 2;
      }
      params.emplace_back(kv[0], kv[1]);
    } else {
      std::cerr << "twin plan: unknown flag '" << a << "'; see twin --help\n";
      return 2;
    }
  }
  if (workload.empty()) {
    std::cerr << "twin plan: --workload: required\n";
    return 2;
  }
  if (workload[0] != '/') {
    if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY"))
      workload = std::string(wd) + "/" + workload;
  }
  auto spec = sim::LoadWorkloadFile(workload, params);
  if (!spec.ok()) {
    std::cerr << "twin plan: " << spec.status().message() << "\n";
    return 2;
  }
  if (absl::Status s = runner::CheckRunnable(**spec); !s.ok()) {
    std::cerr << "twin plan: " << s.message() << "\n";
    return 2;
  }
  std::cout << runner::FormatPlan(runner::PlanFromSpec(**spec));
  return 0;
}

}  // namespace scxtwin::twin
