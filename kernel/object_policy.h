// A scheduler given as a BPF object file rather than linked in with a skeleton: the kernel
// tree's schedulers (tools/sched_ext/NAME.bpf.c), built outside the repository, and their record
// builds (tools/twin). `load --object=FILE` runs it through the same loader as the policies: its
// struct_ops map is the one map of that type, its exit record the kernel tree's `uei` (struct
// user_exit_info in .data, translated), and it has no knob or counter table.
#ifndef SCXTWIN_KERNEL_OBJECT_POLICY_H_
#define SCXTWIN_KERNEL_OBJECT_POLICY_H_

#include <string>

#include "kernel/policy_registry.h"

namespace scxtwin {

// The policy's name: the file's base name up to its first dot (scx_simple.record.bpf.o ->
// scx_simple).
std::string ObjectPolicyName(const std::string& path);

// The loader's entries for the object at `path` (one process loads one object): the ordinary
// entry and, for `load --record`, the record entry (the object must then be a record build:
// the loader refuses one without the record's ring buffer and anchors).
std::vector<const KernelPolicy*> ObjectFilePolicies(const std::string& path);

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_OBJECT_POLICY_H_
