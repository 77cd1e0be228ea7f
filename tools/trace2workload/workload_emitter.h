// Writes a process tree taken from a trace as a workload spec (workloads/workload.proto): one
// process whose groups are the tree's threads, each a group of one task replaying its program.
#ifndef SCXTWIN_TOOLS_TRACE2WORKLOAD_WORKLOAD_EMITTER_H_
#define SCXTWIN_TOOLS_TRACE2WORKLOAD_WORKLOAD_EMITTER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "tools/trace2workload/thread_timeline.h"
#include "workloads/workload.pb.h"

namespace scxtwin::trace2workload {

// The group name of a thread: its ftrace "COMM-TID", so the spec can be read beside the trace.
std::string GroupName(const ThreadTrace& t);

// `name` names the workload (e.g. the trace file's stem); `source` is quoted in the description.
scxtwin::workload::Workload ToWorkload(const TreeTrace& tree, absl::string_view name,
                                       absl::string_view source);

}  // namespace scxtwin::trace2workload

#endif  // SCXTWIN_TOOLS_TRACE2WORKLOAD_WORKLOAD_EMITTER_H_
