// The 7.3 cid API (the kernel's ext/cid.c and the sub-scheduler cap kfuncs) for the one scheduler
// the simulator hosts. Its cids are the CPU ids (the kernel's default layout when CPU ids are in
// topology order, as the simulator's are), and it is the root scheduler: it holds every cap on
// every cid and has no sub-schedulers. So a cap query of itself reports every cid, and a grant,
// revoke, kill or dispatch naming a child finds none: the kernel's "is not a direct child" error.
// The error messages are the kernel's.
#include <cerrno>
#include <climits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {
namespace {

std::string NotAChild(const char* kfunc, u64 cgroup_id) {
  return absl::StrCat(kfunc, ": sub-", cgroup_id, " is not a direct child");
}

}  // namespace

s32 ExtClass::CidperfSet(s32 cid, u32 perf) {
  if (cid < 0 || cid >= nr_cpus_) {
    Error(SCX_EXIT_ERROR, absl::StrCat("invalid cid ", cid));
    return -EINVAL;
  }
  if (perf > SCX_CPUPERF_ONE) {
    Error(SCX_EXIT_ERROR, absl::StrCat("Invalid cpuperf target ", perf, " for CPU ", cid));
    return -EINVAL;
  }
  CpuperfSet(cid, perf);
  return 0;
}

void ExtClass::CidOverride(const s32* cpu_to_cid, u32 cpu_to_cid_cnt, const s32* shard_start,
                           u32 shard_start_cnt) {
  const u32 n = static_cast<u32>(nr_cpus_);
  const char* k = "scx_bpf_cid_override: ";
  if (!cpu_to_cid || cpu_to_cid_cnt != n) {
    Error(SCX_EXIT_ERROR,
          absl::StrCat(k, "cpu_to_cid expected ", n, " entries, got ", cpu_to_cid_cnt));
    return;
  }
  if (!shard_start || shard_start_cnt == 0 || shard_start_cnt > n) {
    Error(SCX_EXIT_ERROR, absl::StrCat(k, "invalid shard_start count ", shard_start_cnt));
    return;
  }
  std::vector<bool> seen(n, false);
  bool identity = true;
  for (u32 cpu = 0; cpu < n; ++cpu) {
    const s32 cid = cpu_to_cid[cpu];
    if (cid < 0 || static_cast<u32>(cid) >= n) {
      Error(SCX_EXIT_ERROR, absl::StrCat("invalid cid ", cid));
      return;
    }
    if (seen[cid]) {
      Error(SCX_EXIT_ERROR, absl::StrCat("cid ", cid, " assigned to multiple cpus"));
      return;
    }
    seen[cid] = true;
    identity = identity && cid == static_cast<s32>(cpu);
  }
  if (shard_start[0] != 0) {
    Error(SCX_EXIT_ERROR, absl::StrCat(k, "shard_start[0] must be 0, got ", shard_start[0]));
    return;
  }
  for (u32 i = 1; i < shard_start_cnt; ++i) {
    if (shard_start[i] <= shard_start[i - 1]) {
      Error(SCX_EXIT_ERROR, absl::StrCat(k, "shard_start not increasing at [", i, "]"));
      return;
    }
    if (static_cast<u32>(shard_start[i]) >= n) {
      Error(SCX_EXIT_ERROR, absl::StrCat(k, "shard_start[", i, "]=", shard_start[i], " >= ", n));
      return;
    }
  }
  // A valid layout other than the CPU order would renumber every cid the simulator hands out.
  if (!identity) {
    Error(SCX_EXIT_ERROR,
          absl::StrCat(k, "the simulator models only the CPU-order cid layout (cid == cpu)"));
  }
}

task_struct* ExtClass::TidToTask(u64 tid) {
  if (!(ops_->flags & SCX_OPS_TID_TO_TASK)) {
    Error(SCX_EXIT_ERROR, "scx_bpf_tid_to_task() called without SCX_OPS_TID_TO_TASK");
    return nullptr;
  }
  return tid > 0 && tid <= INT_MAX ? TaskFromPid(static_cast<s32>(tid)) : nullptr;
}

s32 ExtClass::SubCaps(u64 cgroup_id, u64 caps, scx_cmask* out) {
  if (cgroup_id != 0) {
    Error(SCX_EXIT_ERROR, NotAChild("scx_bpf_sub_caps", cgroup_id));
    return -ENOENT;
  }
  if (!out || (caps & ~static_cast<u64>(__SCX_CAP_ALL))) return -EINVAL;
  // The root holds every cap on every cid: each cid of `out`'s range that exists is set.
  for (u32 cid = out->base; cid < out->base + out->nr_cids; ++cid) {
    u64& word = out->bits[cid / 64 - out->base / 64];
    const u64 bit = 1ULL << (cid % 64);
    if (cid < static_cast<u32>(nr_cpus_)) {
      word |= bit;
    } else {
      word &= ~bit;
    }
  }
  return 0;
}

s32 ExtClass::SubGrant(u64 cgroup_id, u64, const scx_cmask*, scx_cmask*) {
  Error(SCX_EXIT_ERROR, NotAChild("scx_bpf_sub_grant", cgroup_id));
  return -ENOENT;
}

void ExtClass::SubRevoke(u64 cgroup_id, u64, const scx_cmask*) {
  Error(SCX_EXIT_ERROR, NotAChild("scx_bpf_sub_revoke", cgroup_id));
}

bool ExtClass::SubDispatch(u64 cgroup_id) {
  Error(SCX_EXIT_ERROR,
        absl::StrCat("trying to dispatch a distant sub-sched on cgroup ", cgroup_id));
  return false;
}

s32 ExtClass::SubKill(u64 cgroup_id, const char*) {
  Error(SCX_EXIT_ERROR, NotAChild("scx_bpf_sub_kill_bstr", cgroup_id));
  return -ENOENT;
}

}  // namespace scxtwin::sim
