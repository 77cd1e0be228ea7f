// How the loader ends: the kernel's exit kind (enum scx_exit_kind) by name, the loader's exit
// code for it, and the one line that reports an exit.
#ifndef SCXTWIN_KERNEL_EXIT_REPORT_H_
#define SCXTWIN_KERNEL_EXIT_REPORT_H_

#include <cstdint>
#include <string>

namespace scxtwin {

// The loader's exit codes. 1 is left to command-line flag errors (Abseil's flag parser exits 1).
enum LoaderExitCode : int {
  kExitNormal = 0,      // detached on request (signal, --duration) or unregistered cleanly
  kExitUsage = 2,       // bad input: unknown policy, bad knob assignment
  kExitCannotLoad = 3,  // not root, no sched_ext, another scheduler, verifier, attach failure
  kExitError = 4,       // the kernel ejected the scheduler with an error
  kExitStall = 5,       // the kernel's watchdog ejected it: a runnable task stalled
};

// "unregistered", "error_bpf", "error_stall", ...; "unknown" for kinds this loader does not know.
std::string ExitKindName(uint64_t kind);

// The loader's exit code for a scheduler that ended with `kind`.
LoaderExitCode ExitCodeForKind(uint64_t kind);

// `exit: policy=homing kind=error_bpf(1025) code=0 reason="..." message="..."`.
std::string FormatExitLine(const std::string& policy, uint64_t kind, int64_t exit_code,
                           const std::string& reason, const std::string& message);

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_EXIT_REPORT_H_
