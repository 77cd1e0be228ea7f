// `twin`: checks between the two builds of a policy (the BPF object the kernel runs and the host
// object the simulator runs). One subcommand per check, dispatched from the table below.
//
//   twin replay --policy=NAME ...   record in the VM, replay through the host build (replay_*)
//   twin compare --policy=eevdf,P --workload=FILE ...   one workload as real threads in the VM
//                                   and in the simulator, side by side (compare_*)
//   twin plan --workload=FILE       the plan the guest's workload runner reads (compare_plan_cmd)
#include "tools/twin/twin_main.h"

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tools/twin/replay_command.h"

namespace {

// compare and plan take argv as main() does (argv[1] the subcommand's name) and print to
// std::cout / std::cerr.
int WithArgv(int (*run)(int, char**), const char* name, const std::vector<std::string>& args,
             const std::string& argv0) {
  std::vector<std::string> words = {argv0, name};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  return run(static_cast<int>(words.size()), argv.data());
}

int RunCompare(const std::vector<std::string>& args, const std::string& argv0, std::ostream&,
               std::ostream&) {
  return WithArgv(scxtwin::twin::CompareMain, "compare", args, argv0);
}

int RunPlan(const std::vector<std::string>& args, const std::string& argv0, std::ostream&,
            std::ostream&) {
  return WithArgv(scxtwin::twin::PlanMain, "plan", args, argv0);
}

struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args, const std::string& argv0, std::ostream& out,
             std::ostream& err);
};

const Subcommand kSubcommands[] = {
    {"replay", "record a policy's callbacks in the VM and replay them through its host build",
     scxtwin::twin::RunReplayCommand},
    {"compare", "run one workload as real threads in the VM and in the simulator, side by side",
     RunCompare},
    {"plan", "print the plan the guest's workload runner reads for a workload spec", RunPlan},
};

void Usage(std::ostream& os) {
  os << "usage: twin SUBCOMMAND [ARGS...]   (twin SUBCOMMAND --help for its arguments)\n";
  for (const Subcommand& s : kSubcommands) os << "  " << s.name << "  " << s.summary << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    Usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  for (const Subcommand& s : kSubcommands) {
    if (s.name == std::string(argv[1])) {
      return s.run(std::vector<std::string>(argv + 2, argv + argc), argv[0], std::cout, std::cerr);
    }
  }
  std::cerr << "twin: unknown subcommand '" << argv[1] << "' (known:";
  for (const Subcommand& s : kSubcommands) std::cerr << " " << s.name;
  std::cerr << ")\n";
  return 2;
}
