#include "sim/host/loader_defaults.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
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

}  // namespace

void SizeMapsLikeTheLoader(absl::string_view ops_name, int nr_cpus,
                           std::vector<scxtwin_map_def>* maps) {
  for (scxtwin_map_def& def : *maps) {
    if (ops_name == "pair" && absl::string_view(def.name) == "pair_ctx") {
      def.max_entries = static_cast<uint32_t>(std::max(1, nr_cpus / 2));
    }
  }
}

absl::Status SetGlobalsLikeTheLoader(PolicyInstance* policy, int nr_cpus) {
  if (!policy->knob_table().empty()) return absl::OkStatus();
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
  }
  return s;
}

}  // namespace scxtwin::host
