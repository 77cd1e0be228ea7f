// Runs a policy callback so that a fault inside it (SIGSEGV, SIGBUS, SIGFPE, SIGILL from
// __builtin_trap, or abort()'s SIGABRT) comes back to the caller as a value instead of killing the simulator: the kernel
// ejects a misbehaving scheduler and goes on, and so must the simulator.
//
//   std::optional<CallFault> fault = RunGuarded([&] { ops->enqueue(p, flags); });
//   if (fault) eject(...);   // the callback did not finish; its effects so far stay
//
// How: on first use in a thread, handlers for these signals are installed (SA_ONSTACK, with an
// alternate signal stack so a stack overflow is caught too). RunGuarded saves the context with
// sigsetjmp (without the signal mask: no system call on the hot path); the handler records the signal, the faulting address, the instruction and the
// return addresses of the interrupted frames, and siglongjmps back. Guards nest (a kfunc may run
// another callback): the innermost catches. A fault outside any guard keeps the default action
// (the process dies with the signal, as before), so simulator bugs are not hidden.
//
// The jump skips the destructors of the frames between the guard and the fault: only plain C
// (the policy, the host runtime) and code that leaves nothing half-done should run there.
#ifndef SCXTWIN_SIM_HOST_FAULT_GUARD_H_
#define SCXTWIN_SIM_HOST_FAULT_GUARD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace scxtwin::host {

struct CallFault {
  int signo = 0;
  // The data address of a SIGSEGV/SIGBUS (si_addr), the instruction of a SIGFPE, 0 for SIGABRT.
  uintptr_t address = 0;
  // The faulting instruction, then the return addresses of the frames that called it.
  std::vector<uintptr_t> frames;
};

// Runs `fn`; returns the fault if one of the four signals was raised synchronously while it ran.
std::optional<CallFault> RunGuarded(absl::FunctionRef<void()> fn);

// "SIGSEGV", "SIGFPE", "SIGBUS", "SIGILL", "SIGABRT" (else "signal N").
const char* FaultSignalName(int signo);

// The one-line report of an ejection by fault: "ops.enqueue faulted: SIGSEGV at address 0x0 in
// WHERE", WHERE naming the policy's code (PolicyInstance::DescribeFault) when known.
std::string FaultReport(absl::string_view callback, const CallFault& fault,
                        absl::string_view where);

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_FAULT_GUARD_H_
