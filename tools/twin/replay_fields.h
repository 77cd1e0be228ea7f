// Which fields of struct task_struct a BPF object reads, from its CO-RE relocations (.BTF.ext):
// every field access a policy compiled against vmlinux.h makes carries one. The replay test
// checks that the record's task snapshot (struct scxtwin_rec_task) covers all of them.
#ifndef SCXTWIN_TOOLS_TWIN_REPLAY_FIELDS_H_
#define SCXTWIN_TOOLS_TWIN_REPLAY_FIELDS_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"

namespace scxtwin::twin {

// Field paths below struct task_struct ("pid", "scx.dsq_vtime", "cpus_ptr") that the object's
// field relocations name. Errors name the file.
absl::StatusOr<std::set<std::string>> TaskFieldsRead(const std::string& bpf_object);

// The task fields the record's snapshot holds (record.h, struct scxtwin_rec_task), as paths.
const std::set<std::string>& RecordedTaskFields();

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_REPLAY_FIELDS_H_
