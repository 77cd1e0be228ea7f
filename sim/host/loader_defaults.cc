#include "sim/host/loader_defaults.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sim/host/fault_guard.h"
#include "sim/host/lavd_loader.h"
#include "sim/host/policy_loader.h"

namespace scxtwin::host {
namespace {

// Sets knob `name` if the scheduler has one by that name (loaders set .rodata; a .bss global of
// the same name is the program's own, e.g. set by its ops.init).
absl::Status SetIfPresent(PolicyInstance* policy, absl::string_view name, int64_t value) {
  absl::StatusOr<const Global*> g = policy->FindGlobal(name);
  if (!g.ok() || !(*g)->is_knob()) return absl::OkStatus();
  return policy->SetKnob(name, value);
}

// scx_pair.c: CPU i is paired with (i + stride) % n, stride n / 2 by default; each pair gets the
// next pair id, and its first CPU index 0 in the pair, the other 1.
absl::Status PairCpus(PolicyInstance* policy, int nr_cpus) {
  if (nr_cpus == 1) return absl::OkStatus();  // loaded only to be listed: nothing to pair
  if (nr_cpus % 2 != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("scx_pair requires an even CPU count, got ", nr_cpus));
  }
  const int stride = nr_cpus / 2;
  std::vector<int32_t> pair_cpu(nr_cpus, -1);
  std::vector<uint32_t> pair_id(nr_cpus, 0), in_pair_idx(nr_cpus, 0);
  uint32_t next_id = 0;
  for (int i = 0; i < nr_cpus; ++i) {
    if (pair_cpu[i] >= 0) continue;
    const int j = (i + stride) % nr_cpus;
    pair_cpu[i] = j;
    pair_cpu[j] = i;
    pair_id[i] = pair_id[j] = next_id++;
    in_pair_idx[i] = 0;
    in_pair_idx[j] = 1;
  }
  const std::pair<const char*, const void*> arrays[] = {{"pair_cpu", pair_cpu.data()},
                                                        {"pair_id", pair_id.data()},
                                                        {"in_pair_idx", in_pair_idx.data()}};
  for (const auto& [name, data] : arrays) {
    if (!policy->FindGlobal(name).ok()) continue;
    if (absl::Status s = policy->WriteGlobalBytes(name, 0, data, nr_cpus * sizeof(uint32_t));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Writes `values` as global `name`'s first elements, if the scheduler has that global.
template <typename T>
absl::Status WriteArrayIfPresent(PolicyInstance* policy, absl::string_view name,
                                 const std::vector<T>& values) {
  if (!policy->FindGlobal(name).ok()) return absl::OkStatus();
  return policy->WriteGlobalBytes(name, 0, values.data(), values.size() * sizeof(T));
}

// scx_p2dq's Rust loader (scheds/rust/scx_p2dq: `init_open_skel!` in lib.rs, `init_skel!` after
// the load) copies the machine's topology into the program and sets SCX_OPS_KEEP_BUILTIN_IDLE; without it every LLC is LLC 0 and
// its per-LLC DSQs collide in ops.init. Its option structs (`timeline_config`, `lb_config`,
// `p2dq_config`, `latency_config`) keep the BPF file's values but for `max_exec_ns`, which the
// loader derives from the slices. The `.rodata` structs have no names of their own, so their
// layouts are written here as the BPF file declares them; a size other than that file's is
// refused rather than written.
absl::Status P2dqTopology(PolicyInstance* policy, const std::vector<LoaderCpu>& cpus) {
  const int nr_cpus = static_cast<int>(cpus.size());
  std::set<int32_t> llcs, nodes, cores;
  for (const LoaderCpu& c : cpus) {
    llcs.insert(c.llc);
    nodes.insert(c.node);
    cores.insert(c.core);
  }
  struct TopoConfig {  // main.bpf.c's `topo_config`
    uint32_t nr_cpus, nr_llcs, nr_nodes;
    bool smt_enabled, has_little_cores;
  } topo = {static_cast<uint32_t>(nr_cpus), static_cast<uint32_t>(llcs.size()),
            static_cast<uint32_t>(nodes.size()), cores.size() < cpus.size(), false};
  absl::StatusOr<const Global*> g = policy->FindGlobal("topo_config");
  if (!g.ok()) return g.status();
  if ((*g)->size != sizeof(TopoConfig)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "scx_p2dq's topo_config has ", (*g)->size, " bytes, expected ", sizeof(TopoConfig),
        " (u32 nr_cpus, nr_llcs, nr_nodes; bool smt_enabled, has_little_cores)"));
  }
  SCX_RETURN_IF_ERROR(policy->WriteGlobalBytes("topo_config", 0, &topo, sizeof(topo)));

  std::vector<uint32_t> core_ids;
  std::vector<uint64_t> llc_of, node_of, llc_ids;
  for (const LoaderCpu& c : cpus) {
    core_ids.push_back(static_cast<uint32_t>(c.core));
    llc_of.push_back(static_cast<uint64_t>(c.llc));
    node_of.push_back(static_cast<uint64_t>(c.node));
  }
  for (int32_t llc : llcs) llc_ids.push_back(static_cast<uint64_t>(llc));
  SCX_RETURN_IF_ERROR(WriteArrayIfPresent(policy, "cpu_core_ids", core_ids));
  SCX_RETURN_IF_ERROR(WriteArrayIfPresent(policy, "cpu_llc_ids", llc_of));
  SCX_RETURN_IF_ERROR(WriteArrayIfPresent(policy, "cpu_node_ids", node_of));
  SCX_RETURN_IF_ERROR(WriteArrayIfPresent(policy, "llc_ids", llc_ids));
  // No energy model on the simulated machine: every CPU has the full capacity.
  SCX_RETURN_IF_ERROR(
      WriteArrayIfPresent(policy, "cpu_capacity", std::vector<uint16_t>(nr_cpus, 1024)));

  // `--dsq-time-slices` defaults to 500, 2500, 5000 us; `max_exec_ns` is twice the last.
  const std::vector<uint64_t> slices = {500'000, 2'500'000, 5'000'000};
  SCX_RETURN_IF_ERROR(WriteArrayIfPresent(policy, "dsq_time_slices", slices));
  absl::StatusOr<const Global*> timeline = policy->FindGlobal("timeline_config");
  if (timeline.ok() && (*timeline)->size >= 2 * sizeof(uint64_t)) {
    const uint64_t max_exec_ns = 2 * slices.back();  // u64 min_slice_us; u64 max_exec_ns; ...
    SCX_RETURN_IF_ERROR(policy->WriteGlobalBytes("timeline_config", sizeof(uint64_t), &max_exec_ns,
                                                 sizeof(max_exec_ns)));
  }
  // It keeps the built-in idle tracking alongside its ops.update_idle.
  policy->ops()->flags |= SCX_OPS_KEEP_BUILTIN_IDLE;
  return SetIfPresent(policy, "debug", 0);  // `-v` not given
}

// Runs SEC("syscall") program `name` on `args` as bpf_prog_test_run would; its non-zero return
// is an error.
absl::Status RunProgram(PolicyInstance* policy, absl::string_view name, void* args) {
  SCX_ASSIGN_OR_RETURN(scxtwin_syscall_prog_fn prog, policy->FindProgram(name));
  int ret = 0;
  if (std::optional<CallFault> fault = RunGuarded([&] { ret = prog(args); })) {
    return absl::InternalError(absl::StrCat("SEC(\"syscall\") program ", name,
                                            " faulted: ", policy->DescribeFault(*fault)));
  }
  if (ret != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("SEC(\"syscall\") program ", name, " returned ", ret));
  }
  return absl::OkStatus();
}

// The scx arena library's argument structs (scheds/include/lib/arena.h).
struct ArenaInitArgs {
  uint64_t static_pages, task_ctx_size;
};
struct ArenaAllocMaskArgs {
  uint64_t bitmap;
};
struct ArenaTopologyNodeInitArgs {
  uint64_t bitmap, data_size, id;
};
struct ArenaTopologyInitArgs {
  uint32_t max_children[5];  // per level: top, node, LLC, core, CPU
};

// One topology node: a fresh arena bitmap holding `cpus`, registered under `id`.
absl::Status ArenaTopologyNode(PolicyInstance* policy, int nr_cpus, const std::vector<int>& cpus,
                               int64_t id) {
  ArenaAllocMaskArgs mask = {};
  SCX_RETURN_IF_ERROR(RunProgram(policy, "arena_alloc_mask", &mask));
  // One address space: the bitmap's arena address is a pointer here. The library sized it for
  // nr_cpu_ids bits.
  std::vector<uint64_t> words((nr_cpus + 63) / 64, 0);
  for (int cpu : cpus) words[cpu / 64] |= uint64_t{1} << (cpu % 64);
  std::memcpy(reinterpret_cast<void*>(mask.bitmap), words.data(),
              (nr_cpus + 7) / 8);  // the bitmap's own bytes, no more
  ArenaTopologyNodeInitArgs node = {mask.bitmap, 0, static_cast<uint64_t>(id)};
  return RunProgram(policy, "arena_topology_node_init", &node);
}

// The scx repository's ArenaLib::setup (rust/scx_arena), for the machine in `policy->cpus()`.
absl::Status ArenaLibSetup(PolicyInstance* policy, uint64_t task_ctx_size) {
  const std::vector<LoaderCpu>& cpus = policy->cpus();
  const int nr_cpus = static_cast<int>(cpus.size());
  ArenaInitArgs init = {8, task_ctx_size};  // STATIC_ALLOC_PAGES_GRANULARITY
  SCX_RETURN_IF_ERROR(RunProgram(policy, "arena_init", &init));

  // Each level's nodes by id (ordered, as the topology's maps), and their CPUs.
  std::map<int64_t, std::vector<int>> nodes, llcs, cores;
  std::map<int64_t, std::set<int64_t>> llcs_of_node, cores_of_llc;
  std::vector<int> all;
  for (int cpu = 0; cpu < nr_cpus; ++cpu) {
    const LoaderCpu& c = cpus[cpu];
    all.push_back(cpu);
    nodes[c.node].push_back(cpu);
    llcs[c.llc].push_back(cpu);
    cores[c.core].push_back(cpu);
    llcs_of_node[c.node].insert(c.llc);
    cores_of_llc[c.llc].insert(c.core);
  }
  ArenaTopologyInitArgs limits = {};
  limits.max_children[0] = static_cast<uint32_t>(nodes.size());
  for (const auto& [id, v] : llcs_of_node) {
    limits.max_children[1] = std::max<uint32_t>(limits.max_children[1], v.size());
  }
  for (const auto& [id, v] : cores_of_llc) {
    limits.max_children[2] = std::max<uint32_t>(limits.max_children[2], v.size());
  }
  for (const auto& [id, v] : cores) {
    limits.max_children[3] = std::max<uint32_t>(limits.max_children[3], v.size());
  }
  SCX_RETURN_IF_ERROR(RunProgram(policy, "arena_topology_init", &limits));

  SCX_RETURN_IF_ERROR(ArenaTopologyNode(policy, nr_cpus, all, 0));
  for (const auto* level : {&nodes, &llcs, &cores}) {
    for (const auto& [id, members] : *level) {
      SCX_RETURN_IF_ERROR(ArenaTopologyNode(policy, nr_cpus, members, id));
    }
  }
  for (int cpu = 0; cpu < nr_cpus; ++cpu) {
    SCX_RETURN_IF_ERROR(ArenaTopologyNode(policy, nr_cpus, {cpu}, cpu));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunProgramsLikeTheLoader(PolicyInstance* policy) {
  if (!policy->knob_table().empty() || !policy->FindProgram("arena_init").ok()) {
    return absl::OkStatus();
  }
  // The loader passes the size of the scheduler's per-task arena context (scx_p2dq:
  // sizeof(struct task_p2dq), under 200 bytes). The object does not carry a type's size, so
  // this is a bound with room; the library allocates whole elements of it.
  constexpr uint64_t kTaskCtxSize = 512;
  absl::Status s = ArenaLibSetup(policy, kTaskCtxSize);
  if (!s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("scx arena library setup (ArenaLib::setup): ", s.message()));
  }
  return s;
}

std::vector<LoaderCpu> FlatLoaderCpus(int nr_cpus) {
  std::vector<LoaderCpu> cpus(std::max(0, nr_cpus));
  for (int i = 0; i < nr_cpus; ++i) cpus[i].core = i;
  return cpus;
}

void SizeMapsLikeTheLoader(absl::string_view ops_name, int nr_cpus,
                           std::vector<scxtwin_map_def>* maps) {
  for (scxtwin_map_def& def : *maps) {
    if (ops_name == "pair" && absl::string_view(def.name) == "pair_ctx") {
      def.max_entries = static_cast<uint32_t>(std::max(1, nr_cpus / 2));
    }
  }
}

absl::Status SetGlobalsLikeTheLoader(PolicyInstance* policy, const std::vector<LoaderCpu>& cpus) {
  if (!policy->knob_table().empty()) return absl::OkStatus();
  const int nr_cpus = static_cast<int>(cpus.size());
  const std::string name = policy->name();
  for (const char* knob : {"nr_cpu_ids", "nr_cpus"}) {
    if (absl::Status s = SetIfPresent(policy, knob, nr_cpus); !s.ok()) return s;
  }
  const int64_t slice_dfl = SCX_SLICE_DFL;
  absl::Status s;
  if (name == "central") {
    s = SetIfPresent(policy, "slice_ns", slice_dfl);
  } else if (name == "qmap") {
    // scx_qmap.c: SCX_SLICE_DFL, a 16384-entry task slab and -R's 200 ms round-robin period.
    s = SetIfPresent(policy, "slice_ns", slice_dfl);
    if (s.ok()) s = SetIfPresent(policy, "max_tasks", 16384);
    if (s.ok()) s = SetIfPresent(policy, "round_robin_ns", int64_t{200} * 1000 * 1000);
  } else if (name == "flatcg") {
    s = SetIfPresent(policy, "cgrp_slice_ns", slice_dfl);
  } else if (name == "pair") {
    s = SetIfPresent(policy, "pair_batch_dur_ns", slice_dfl);
    if (s.ok()) s = PairCpus(policy, nr_cpus);
  } else if (name == "p2dq") {
    s = P2dqTopology(policy, cpus);
  } else if (name == "lavd") {
    s = LavdLikeItsLoader(policy, cpus);
  }
  return s;
}

}  // namespace scxtwin::host
