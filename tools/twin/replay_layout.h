// What a replay relies on of a record build, checked from the BPF object alone (no VM, no
// record), with the loader's own layout code (kernel/record_writer.h) and the replay's own
// binding (replay_engine.h: HostGlobalFor).
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_LAYOUT_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_LAYOUT_H_

#include <linux/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "policy/include/scxtwin/record.h"

namespace scxtwin::twin {

// What a record of this build names: the globals of its snapshot (as the loader lays them out),
// its struct_ops callbacks, and the maps its calls can name (the policy's own: not libbpf's for
// its sections, the struct_ops map, or the record's own) with their key sizes.
struct RecordBuild {
  scxtwin_rec_layout layout;
  std::vector<std::string> callbacks;
  std::vector<std::pair<std::string, uint32_t>> maps;
};

// Opens the BPF object at `path` (not loaded) and reads what its records name; an error says
// that it cannot be opened or names what does not fit the record's snapshot (replay_layout.cc,
// libbpf).
absl::StatusOr<RecordBuild> ReadRecordBuild(const std::string& path);

// ReadRecordBuild's errors only: `twin replay` runs it right after a kernel-tree scheduler's
// record build, before a VM boots.
absl::Status CheckRecordLayout(const std::string& path);

// Whether the host build at `host_so` has what a replay of the record build at `record_obj`
// binds to: each of its callbacks a function of the host build by that name, each
// global of its snapshot with the same size (HostGlobalFor), and each of its maps by name with
// the same key size (the record's calls name a map and carry its key). An error names the first
// that is missing or differs. A project policy's two builds are checked by a test at build time
// (replay_layout_NAME_test). In replay_host_layout.cc: the host's headers and libbpf's do not mix.
absl::Status CheckHostLayout(const std::string& record_obj, const std::string& host_so);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_LAYOUT_H_
