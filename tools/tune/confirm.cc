#include "tools/tune/confirm.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/user_paths.h"

namespace scxtwin::tune {
namespace {}  // namespace

std::vector<std::string> GuestCommand(const ConfirmConfig& c) {
  std::vector<std::string> cmd = {"sh", "/bin/confirm_guest.sh", c.policy, absl::StrCat(c.seconds)};
  for (const auto& [k, v] : c.sets) cmd.push_back(absl::StrCat(k, "=", v));
  return cmd;
}

absl::Status ConfirmInVm(const ConfirmConfig& c, const char* argv0) {
  if (c.policy == "eevdf" || c.policy == "fifo") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--confirm: ", c.policy, " is the kernel's own scheduler here; nothing to load"));
  }
  if (absl::StrContains(c.policy, '/') || absl::EndsWith(c.policy, ".so")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--confirm: ", c.policy,
                     " is a host object; the kernel loader loads the project's policies by "
                     "name (bazel run //kernel:load -- --list)"));
  }
  const std::string vm = ::scxtwin::RunfilePath(argv0, "tools/vm.sh"),
                    load = ::scxtwin::RunfilePath(argv0, "kernel/load"),
                    stress = ::scxtwin::RunfilePath(argv0, "tests/kernel/stress"),
                    guest = ::scxtwin::RunfilePath(argv0, "tools/tune/confirm_guest.sh"),
                    lib = ::scxtwin::RunfilePath(argv0, "tests/kernel/guest_lib.sh");
  for (const std::string* p : {&vm, &load, &stress, &guest, &lib}) {
    if (p->empty())
      return absl::InternalError(
          "--confirm: the VM runner or its guest files are missing from the runfiles");
  }
  std::vector<std::string> args = {vm,          "--cpus", absl::StrCat(c.cpus),
                                   "--timeout", "300",    "--add",
                                   load,        "--add",  stress,
                                   "--add",     guest,    "--add",
                                   lib,         "--"};
  for (std::string& w : GuestCommand(c)) args.push_back(std::move(w));
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("--confirm: fork failed");
  if (pid == 0) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    dup2(STDOUT_FILENO, STDERR_FILENO);  // one stream, in order
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return absl::InternalError("--confirm: the VM runner was killed");
  const int rc = WEXITSTATUS(status);
  if (rc == 0) return absl::OkStatus();
  const char* why = rc == 124   ? "the guest timed out"
                    : rc == 125 ? "the guest never reported (boot failure or panic)"
                    : rc == 126 ? "no cached sched_ext kernel (run tools/setup)"
                                : "the guest check failed (see its output above)";
  return absl::UnavailableError(
      absl::StrCat("--confirm: ", c.policy, " in the VM: exit ", rc, ", ", why));
}

}  // namespace scxtwin::tune
