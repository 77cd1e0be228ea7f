// twin: checks between the two builds of a policy (the simulator and the real kernel in the VM).
//   bazel run //tools:twin -- SUBCOMMAND [FLAGS]
#include <cstring>
#include <iostream>

#include "tools/twin/twin_main.h"

namespace {

struct Subcommand {
  const char* name;
  int (*main)(int argc, char** argv);
  const char* help;
};

const Subcommand kSubcommands[] = {
    {"compare", scxtwin::twin::CompareMain, scxtwin::twin::kCompareHelp},
    {"plan", scxtwin::twin::PlanMain, scxtwin::twin::kPlanHelp},
};

void Usage(std::ostream& os) {
  os << "usage: twin SUBCOMMAND [FLAGS]\n\nsubcommands:\n";
  for (const Subcommand& s : kSubcommands) os << "  " << s.name << "\n" << s.help << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    Usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  for (const Subcommand& s : kSubcommands)
    if (std::strcmp(argv[1], s.name) == 0) return s.main(argc, argv);
  std::cerr << "twin: unknown subcommand '" << argv[1] << "'; expected one of:";
  for (const Subcommand& s : kSubcommands) std::cerr << " " << s.name;
  std::cerr << "\n";
  return 2;
}
