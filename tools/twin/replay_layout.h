// Whether a record build's globals fit the record's snapshot, checked on the host right after the
// build (before a VM boots), with the loader's own layout code (kernel/record_writer.h).
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_LAYOUT_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_LAYOUT_H_

#include <string>

#include "absl/status/status.h"

namespace scxtwin::twin {

// Opens the BPF object at `path` (not loaded) and computes its globals' layout: an error names
// what does not fit (or that the object cannot be opened).
absl::Status CheckRecordLayout(const std::string& path);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_LAYOUT_H_
