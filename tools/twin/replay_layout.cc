#include "tools/twin/replay_layout.h"

#include <bpf/libbpf.h>

#include <cstring>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "kernel/record_writer.h"

namespace scxtwin::twin {
namespace {

struct CloseObject {
  void operator()(bpf_object* obj) const { bpf_object__close(obj); }
};

// The maps the record's calls can name: the policy's own, not libbpf's for its sections
// (".bss", ...), the struct_ops map, or the record's ring buffer and per-CPU slot.
bool PolicyMap(const bpf_map* map) {
  const char* name = bpf_map__name(map);
  return bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS && strchr(name, '.') == nullptr &&
         !absl::StartsWith(name, "scxtwin_rec_");
}

}  // namespace

absl::StatusOr<RecordBuild> ReadRecordBuild(const std::string& path) {
  std::unique_ptr<bpf_object, CloseObject> obj(bpf_object__open_file(path.c_str(), nullptr));
  if (obj == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot open ", path));
  RecordBuild build;
  if (absl::Status fits = FillRecordLayout(obj.get(), &build.layout); !fits.ok()) return fits;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj.get()) {
    if (absl::StartsWith(bpf_program__section_name(prog), "struct_ops/")) {
      build.callbacks.emplace_back(bpf_program__name(prog));
    }
  }
  bpf_map* map;
  bpf_object__for_each_map(map, obj.get()) {
    if (PolicyMap(map)) build.maps.emplace_back(bpf_map__name(map), bpf_map__key_size(map));
  }
  return build;
}

absl::Status CheckRecordLayout(const std::string& path) { return ReadRecordBuild(path).status(); }

}  // namespace scxtwin::twin
