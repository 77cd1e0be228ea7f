// What a scheduler's user-space half sets before it loads the BPF program, done by the simulator
// the way the kernel tree's loaders (tools/sched_ext/scx_*.c) do it, so a hosted scheduler
// starts as it would there:
// - `nr_cpu_ids` / `nr_cpus` knobs: the machine's CPU count (libbpf_num_possible_cpus());
// - the slice knobs a loader sets to SCX_SLICE_DFL (central, qmap `slice_ns`, flatcg
//   `cgrp_slice_ns`, pair `pair_batch_dur_ns`), qmap's `max_tasks` (16384);
// - scx_pair's pairing (`pair_cpu`, `pair_id`, `in_pair_idx` for the default stride of half the
//   CPUs) and its `pair_ctx` map sized to the number of pairs.
// RESIZABLE_ARRAY data needs no resizing: host mode gives every such array room for
// SCXTWIN_MAX_CPUS elements (sim/host/include/scx/common.bpf.h).
// A project policy (one with a knob table) has no separate loader defaults: its table is them.
// `--set` comes after these, so it overrides them.
#ifndef SCXTWIN_SIM_HOST_LOADER_DEFAULTS_H_
#define SCXTWIN_SIM_HOST_LOADER_DEFAULTS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "scxtwin/host_registry.h"

namespace scxtwin::host {

class PolicyInstance;

// Map sizes the loader sets (bpf_map__set_max_entries) for scheduler `ops_name`, before the maps
// are created.
void SizeMapsLikeTheLoader(absl::string_view ops_name, int nr_cpus,
                           std::vector<scxtwin_map_def>* maps);

// The globals the loader sets, for a loaded scheduler without a knob table.
absl::Status SetGlobalsLikeTheLoader(PolicyInstance* policy, int nr_cpus);

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_LOADER_DEFAULTS_H_
