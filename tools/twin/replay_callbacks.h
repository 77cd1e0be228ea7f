// The struct_ops callbacks the replay can call, with their signatures: which recorded argument
// words are tasks, and how to call the host build's function with them.
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_CALLBACKS_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_CALLBACKS_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "scxtwin/host_api.h"
#include "sim/host/policy_loader.h"

namespace scxtwin::twin {

struct CallbackSpec {
  const char* member;  // the sched_ext_ops member, e.g. "select_cpu"
  uint32_t nr_args;
  uint32_t task_args;  // bit i set: argument i is a struct task_struct * (may be NULL)
  // The host function the policy put in this member, or NULL.
  void* (*function)(const sched_ext_ops& ops);
  // Calls it with the recorded argument words, tasks[i] standing for argument i when it is a
  // task; returns what it returned as the kernel's record holds it (sign-extended; 0 for void).
  uint64_t (*invoke)(const sched_ext_ops& ops, const unsigned long long* args,
                     task_struct* const* tasks);
};

// The callbacks whose arguments the record holds in full. Others (exit, set_cpumask, dump_*,
// cgroup_*, cpu_acquire/release) take pointers to kernel structures that are not recorded; the
// replay counts them as not replayed.
const CallbackSpec* FindCallbackSpec(absl::string_view member);

// The policy's callback programs by name (the name the record's entries carry, e.g.
// "homing_select_cpu"), each with the member it fills in the host object's sched_ext_ops. Names
// come from the host object's symbol table (the same C functions as the BPF programs).
absl::StatusOr<absl::flat_hash_map<std::string, const CallbackSpec*>> CallbackPrograms(
    const host::PolicyInstance& policy);

// Every function of the host object by its symbol-table name (static ones included), at its
// loaded address: a BPF timer's callback is found by the name its record carries.
absl::StatusOr<absl::flat_hash_map<std::string, void*>> HostFunctions(
    const host::PolicyInstance& policy);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_CALLBACKS_H_
