// The loader: open a policy's skeleton, set its knobs, load, attach as the sched_ext scheduler,
// print counters at an interval, and on a signal, at --duration, or when the kernel ejects the
// scheduler, detach and report how it ended. Every failure is one line starting "load: ".
#ifndef SCXTWIN_KERNEL_LOADER_H_
#define SCXTWIN_KERNEL_LOADER_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/set_flags.h"
#include "kernel/policy_registry.h"

namespace scxtwin {

struct LoaderOptions {
  std::string policy;
  std::vector<Assignment> knob_assignments;  // --set NAME=VALUE, split (base/set_flags.h)
  absl::Duration stats_interval = absl::Seconds(1);
  absl::Duration duration = absl::InfiniteDuration();  // until a signal
  bool verbose = false;                                // show libbpf's messages
  std::string sysfs_root = "/sys/kernel/sched_ext";
  // Non-empty: run the policy's record build and write its record here (kernel/record_writer.h).
  std::string record_file;
};

// Runs the loader to the end; returns a LoaderExitCode (kernel/exit_report.h). Stats and the
// exit report go to `out`, errors to `err`.
int RunLoader(const std::vector<const KernelPolicy*>& policies, const LoaderOptions& options,
              std::ostream& out, std::ostream& err);

// Sets the flag RunLoader polls to stop; safe to call from a signal handler.
void RequestLoaderStop();

// Installs SIGINT/SIGTERM handlers that call RequestLoaderStop(), and a SIGUSR1 handler after
// which the running loader prints its programs' run counts and times ("progs mark NAME: PROG=
// RUNS/NS ...") and then its counters once, labelled "mark" (within 50 ms).
void InstallStopSignalHandlers();

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_LOADER_H_
