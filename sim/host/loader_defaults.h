// What a scheduler's user-space half sets before it loads the BPF program, done by the simulator
// the way the kernel tree's loaders (tools/sched_ext/scx_*.c) do it, so a hosted scheduler
// starts as it would there:
// - `nr_cpu_ids` / `nr_cpus` knobs: the machine's CPU count (libbpf_num_possible_cpus());
// - the slice knobs a loader sets to SCX_SLICE_DFL (central, qmap `slice_ns`, flatcg
//   `cgrp_slice_ns`, pair `pair_batch_dur_ns`), qmap's `max_tasks` (16384);
// - scx_pair's pairing (`pair_cpu`, `pair_id`, `in_pair_idx` for the default stride of half the
//   CPUs) and its `pair_ctx` map sized to the number of pairs;
// - scx_p2dq's topology, as its Rust loader (`init_open_skel!`, `init_skel!`) sets it from the
//   machine's: `topo_config`, `cpu_core_ids[]`/`cpu_llc_ids[]`/`cpu_node_ids[]`, `llc_ids[]`,
//   `cpu_capacity[]` (1024: no energy model), its default `dsq_time_slices[]` and the
//   `timeline_config.max_exec_ns` derived from them, `debug` 0.
// After the load and before the attach, with the host API installed, a loader may run the
// object's SEC("syscall") programs: the scx repository's arena library (`lib/arena.bpf.c`, set up
// by its Rust `ArenaLib::setup`) is initialised the same way here (RunProgramsLikeTheLoader).
// RESIZABLE_ARRAY data needs no resizing: host mode gives every such array room for
// SCXTWIN_MAX_CPUS elements (sim/host/include/scx/common.bpf.h).
// A project policy (one with a knob table) has no separate loader defaults: its table is them.
// `--set` comes after these, so it overrides them.
#ifndef SCXTWIN_SIM_HOST_LOADER_DEFAULTS_H_
#define SCXTWIN_SIM_HOST_LOADER_DEFAULTS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "scxtwin/host_registry.h"

namespace scxtwin::host {

class PolicyInstance;

// Where one CPU sits in the machine, as a loader reads it from sysfs: its node (socket), its
// last-level cache and its core, each a machine-wide index from 0.
struct LoaderCpu {
  int32_t node = 0;
  int32_t llc = 0;
  int32_t core = 0;
};

// `nr_cpus` CPUs with no shape: each its own core, all in one LLC on one node.
std::vector<LoaderCpu> FlatLoaderCpus(int nr_cpus);

// Map sizes the loader sets (bpf_map__set_max_entries) for scheduler `ops_name`, before the maps
// are created.
void SizeMapsLikeTheLoader(absl::string_view ops_name, int nr_cpus,
                           std::vector<scxtwin_map_def>* maps);

// The globals the loader sets, for a loaded scheduler without a knob table, on a machine whose
// CPU i is `cpus[i]`.
absl::Status SetGlobalsLikeTheLoader(PolicyInstance* policy, const std::vector<LoaderCpu>& cpus);

// What the loader runs between load and attach: for an object with the scx arena library's
// `arena_init` program, `ArenaLib::setup` (arena_init, then arena_topology_init and one
// arena_alloc_mask + arena_topology_node_init per topology node: the machine, each node, LLC,
// core and CPU). A program's non-zero return is an error naming it, as the loader's.
absl::Status RunProgramsLikeTheLoader(PolicyInstance* policy);

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_LOADER_DEFAULTS_H_
