// CheckHostLayout (replay_layout.h): the record build's names (ReadRecordBuild) against the host
// build, loaded as the replay loads it.
#include <memory>

#include "absl/strings/str_cat.h"
#include "sim/host/policy_loader.h"
#include "tools/twin/replay_callbacks.h"
#include "tools/twin/replay_engine.h"
#include "tools/twin/replay_layout.h"

namespace scxtwin::twin {

absl::Status CheckHostLayout(const std::string& record_obj, const std::string& host_so) {
  absl::StatusOr<RecordBuild> build = ReadRecordBuild(record_obj);
  if (!build.ok()) return build.status();
  absl::StatusOr<std::unique_ptr<host::PolicyInstance>> policy =
      host::PolicyInstance::Load(host_so, host::LoadOptions{});
  if (!policy.ok()) return policy.status();
  // Every function of the host build: the replay finds a callback by its name among the ops'
  // functions (CallbackPrograms), and lists as not replayed those it does not replay (ops.exit).
  absl::StatusOr<absl::flat_hash_map<std::string, void*>> functions = HostFunctions(**policy);
  if (!functions.ok()) return functions.status();
  for (const std::string& name : build->callbacks) {
    if (!functions->contains(name)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the host build ", host_so, " has no callback ", name, ", which the record build has"));
    }
  }
  for (uint32_t i = 0; i < build->layout.nr_globals; ++i) {
    absl::StatusOr<const host::Global*> g = HostGlobalFor(**policy, build->layout.globals[i]);
    if (!g.ok()) return g.status();
  }
  for (const auto& [name, key_size] : build->maps) {
    const host::HostMap* map = (*policy)->maps().Find(name);
    if (map == nullptr || map->def().key_size != key_size) {
      return absl::FailedPreconditionError(absl::StrCat("the host build ", host_so, " has no map ",
                                                        name, " with ", key_size,
                                                        "-byte keys, which the record build has"));
    }
  }
  return absl::OkStatus();
}

}  // namespace scxtwin::twin
