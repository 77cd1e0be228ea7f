// The subcommands of //tools:twin, each `int Main(int argc, char** argv)` with argv[0] the
// binary and argv[1] the subcommand's name.
#ifndef SCXTWIN_TOOLS_TWIN_TWIN_MAIN_H_
#define SCXTWIN_TOOLS_TWIN_TWIN_MAIN_H_

namespace scxtwin::twin {

int CompareMain(int argc, char** argv);
extern const char kCompareHelp[];
int PlanMain(int argc, char** argv);
extern const char kPlanHelp[];

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_TWIN_MAIN_H_
