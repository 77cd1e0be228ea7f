#include "tools/twin/replay_layout.h"

#include <bpf/libbpf.h>

#include "absl/strings/str_cat.h"
#include "kernel/record_writer.h"

namespace scxtwin::twin {

absl::Status CheckRecordLayout(const std::string& path) {
  bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
  if (obj == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot open ", path));
  scxtwin_rec_layout layout;
  absl::Status fits = FillRecordLayout(obj, &layout);
  bpf_object__close(obj);
  return fits;
}

}  // namespace scxtwin::twin
