// Builds a scheduler from the cached kernel tree (tools/sched_ext/*.bpf.c, the selftests'
// *.bpf.c) into a host policy object at test time, with the committed build script and host
// headers. The kernel tree is never part of the repository: tools/setup unpacks it into
// $SCXTWIN_CACHE/kernel/src (default /var/cache/scxtwin/kernel/src).
//
// Tests using this list in `data`: //sim/host:build_host_policy, //sim/host:host_headers,
// //sim/host:runtime/host_kfuncs.c.
#ifndef SCXTWIN_SIM_HOST_TESTING_KERNEL_TREE_H_
#define SCXTWIN_SIM_HOST_TESTING_KERNEL_TREE_H_

#include <string>

#include "absl/status/statusor.h"

namespace scxtwin::host {

// The cached kernel tree's root (…/kernel/src); an error saying to run tools/setup if absent.
absl::StatusOr<std::string> KernelTreeRoot();

// Compiles `relpath` (e.g. "tools/sched_ext/scx_simple.bpf.c") into `$TEST_TMPDIR/<name>.so`
// and returns that path; the compiler's output is in the error if it fails.
absl::StatusOr<std::string> BuildKernelTreePolicy(const std::string& relpath);

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_TESTING_KERNEL_TREE_H_
