// The loader's view of a policy: its name, its knob and counter tables (from the policy's
// NAME_KNOBS / NAME_STATS X-macros), and typed access into its libbpf skeleton behind a
// type-erased handle. One entry per scx_policy is generated from policy_registration.cc.in;
// scx_policy_registry generates AllPolicies().
#ifndef SCXTWIN_KERNEL_POLICY_REGISTRY_H_
#define SCXTWIN_KERNEL_POLICY_REGISTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "base/knob_table.h"  // KnobSpec, StatSpec

struct bpf_object;
struct bpf_map;
struct scxtwin_exit_info;
struct scxtwin_rec_layout;

namespace scxtwin {

// A policy's skeleton, opened but maybe not loaded; `skel` is the `struct NAME *`.
struct KernelPolicy {
  std::string name;
  std::vector<KnobSpec> knobs;
  std::vector<StatSpec> stats;  // in the order of the `stats` map's keys

  void* (*open)();                    // NAME__open(); nullptr on failure (errno set)
  void (*destroy)(void* skel);        // NAME__destroy()
  int (*load)(void* skel);            // NAME__load(): 0 or a negative errno
  bpf_object* (*object)(void* skel);  // skel->obj
  bpf_map* (*ops_map)(void* skel);    // skel->maps.NAME_ops
  bpf_map* (*stats_map)(void* skel);  // skel->maps.stats
  // skel->bss->exit_info: valid after load (the .bss is mapped then).
  volatile scxtwin_exit_info* (*exit_info)(void* skel);
  // Writes knob `index` (into `knobs`) to skel->rodata: only between open and load.
  void (*set_knob)(void* skel, size_t index, uint64_t value);
  // The knob's value in skel->rodata, as the skeleton holds it now.
  uint64_t (*get_knob)(void* skel, size_t index);

  // The record build of the same policy file (-D__SCXTWIN_RECORD__, policy/include/scxtwin/
  // record.bpf.h), which `load --record=FILE` runs instead. Its entry has the same name.
  bool record = false;
  bpf_map* (*record_ring)(void* skel) = nullptr;     // skel->maps.scxtwin_rec_rb
  uint64_t (*record_dropped)(void* skel) = nullptr;  // skel->bss->scxtwin_rec_dropped
  // skel->rodata->scxtwin_rec_layout: where the policy's globals are (set between open and load).
  scxtwin_rec_layout* (*record_layout)(void* skel) = nullptr;
};

// Every policy linked into this binary, defined by the scx_policy_registry it links.
std::vector<const KernelPolicy*> AllPolicies();

// The policy named `name` among `policies` (its record build if `record`), or nullptr.
const KernelPolicy* FindPolicy(const std::vector<const KernelPolicy*>& policies,
                               absl::string_view name, bool record = false);

// "homing, vtime": the names (each once), for messages.
std::string PolicyNames(const std::vector<const KernelPolicy*>& policies);

}  // namespace scxtwin

#endif  // SCXTWIN_KERNEL_POLICY_REGISTRY_H_
