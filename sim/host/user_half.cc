#include "sim/host/user_half.h"

#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "sim/host/policy_loader.h"
#include "sim/host/scx_userland_half.h"

namespace scxtwin::host {

absl::Status UserHalfCompanion::Set(const std::string& name, const std::string& value) {
  int64_t* cost = name == "pass_ns"   ? &costs_.pass_ns
                  : name == "task_ns" ? &costs_.task_ns
                                      : nullptr;
  if (cost == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("--set user_half.", name, "=", value, ": unknown; expected pass_ns, task_ns"));
  }
  int64_t v = 0;
  if (!absl::SimpleAtoi(value, &v) || v < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--set user_half.", name, "=", value, ": expected a whole number of ns >= 0"));
  }
  *cost = v;
  return absl::OkStatus();
}

absl::Status UserHalfCompanion::AddTask(sim::WorkloadSpec* spec) const {
  const std::string process = name();
  for (const sim::CompiledProcess& p : spec->processes) {
    if (p.name == process) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec->file, ": process '", process,
                       "' is the name of the scheduler's user-space half's process; expected "
                       "another name"));
    }
  }
  // The half's main loop: a pass, then sched_yield(); the BPF half decides when it runs next.
  SCX_ASSIGN_OR_RETURN(
      std::unique_ptr<sim::WorkloadSpec> half,
      sim::ParseWorkload(absl::StrCat("name: \"user_half\" process { name: \"", process,
                                      "\" group { name: \"usersched\" program { loop { body { "
                                      "user_half: true } body { yield: true } } } } }"),
                         absl::StrCat("user-space half of ", process)));
  half->processes[0].background = true;  // it runs as long as the workload, not longer
  spec->processes.insert(spec->processes.begin(), std::move(half->processes[0]));
  half->processes.clear();
  spec->background.push_back(std::move(half));
  return absl::OkStatus();
}

std::vector<std::string> UserHalfNames() { return {"scx_userland"}; }

absl::StatusOr<std::unique_ptr<UserHalfCompanion>> MakeUserHalf(const std::string& which,
                                                                const PolicyInstance& policy) {
  if (which == "none") return nullptr;
  if (which == "auto") {
    // scx_userland by its ops name and the maps and globals its half works with.
    if (policy.name() == "userland" && ScxUserlandHalf::Missing(policy).empty()) {
      return std::make_unique<ScxUserlandHalf>();
    }
    return nullptr;
  }
  if (which == "scx_userland") {
    if (std::string missing = ScxUserlandHalf::Missing(policy); !missing.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--user_half=scx_userland: policy ", policy.path(), " lacks ", missing,
                       "; expected scx_userland.bpf.c or a scheduler with its maps and globals"));
    }
    return std::make_unique<ScxUserlandHalf>();
  }
  return absl::InvalidArgumentError(absl::StrCat("--user_half=", which, ": expected auto, none or ",
                                                 absl::StrJoin(UserHalfNames(), ", ")));
}

}  // namespace scxtwin::host
