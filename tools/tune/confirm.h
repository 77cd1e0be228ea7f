// --confirm: the chosen policy and knobs loaded into the real sched_ext kernel in the VM
// (//tools:vm, QEMU) under the stress mix of the kernel tests, so a recommendation is known to
// load, pass the verifier and stay up. The simulator's figures are not re-measured there (the VM
// emulates its CPUs on one host thread): this checks that it runs, not how fast.
#ifndef SCXTWIN_TOOLS_TUNE_CONFIRM_H_
#define SCXTWIN_TOOLS_TUNE_CONFIRM_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace scxtwin::tune {

struct ConfirmConfig {
  std::string policy;  // a project policy's name (the loader's registry)
  std::vector<std::pair<std::string, std::string>> sets;  // unprefixed knobs
  int cpus = 4;
  int seconds = 10;  // of stress with the policy loaded
};

// The guest command: `sh /bin/confirm_guest.sh POLICY SECONDS K=V ...`.
std::vector<std::string> GuestCommand(const ConfirmConfig& c);

// Boots the VM with the loader, the stress mix and the guest script from this binary's runfiles
// (`argv0`), streams its output to stdout, and returns OK when the guest script passed. A .so
// path or a built-in class cannot be loaded by the kernel loader: an error says so.
absl::Status ConfirmInVm(const ConfirmConfig& c, const char* argv0);

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_CONFIRM_H_
