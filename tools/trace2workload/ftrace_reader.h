// Reads the ftrace text format (what /sys/kernel/tracing/trace prints) into typed scheduler
// events. Only the sched_* events trace import needs are decoded; other lines are skipped.
#ifndef SCXTWIN_TOOLS_TRACE2WORKLOAD_FTRACE_READER_H_
#define SCXTWIN_TOOLS_TRACE2WORKLOAD_FTRACE_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace scxtwin::trace2workload {

enum class EventType {
  kSwitch,     // sched_switch
  kWakeup,     // sched_wakeup: printed where the wakee lands, often still in the waker
  kWaking,     // sched_waking: always printed in the waker's context
  kWakeupNew,  // sched_wakeup_new
  kFork,       // sched_process_fork
  kExec,       // sched_process_exec
  kExit,       // sched_process_exit
  kOther,      // a sched event the importer does not use (migrate, free, newtask, ...)
};

// One trace line. `pid`/`comm` are the task the line was printed in (the TASK-PID column);
// the event's own fields follow, named after the kernel's tracepoint fields.
struct FtraceEvent {
  int64_t ts_ns = 0;
  int cpu = 0;
  int pid = 0;
  std::string comm;
  // The line was printed from hard- or soft-irq context ('h' or 's' in the flags column), so
  // the printing task is not the cause of a wakeup in it.
  bool in_irq = false;
  EventType type = EventType::kOther;

  // sched_switch
  int prev_pid = 0;
  std::string prev_state;  // "R", "R+", "S", "D", "I", "X", "Z", ...
  int next_pid = 0;
  std::string next_comm;
  // sched_wakeup / sched_waking / sched_wakeup_new / exit: `target_pid` (the tracepoint's pid)
  // sched_process_fork: child; sched_process_exec: the exec'ing pid
  int target_pid = 0;
  std::string target_comm;  // wakee / child comm
  std::string filename;     // sched_process_exec
  int parent_pid = 0;       // sched_process_fork: the parent (usually the printing task)
};

// Parses one line; returns kOther events for lines of other sched events, and an error naming
// what was expected for a line that does not have the ftrace shape.
absl::StatusOr<FtraceEvent> ParseFtraceLine(absl::string_view line);

// Reads a whole trace file, gzip-compressed or plain. Comment lines ('#') and blank lines are
// skipped; errors name the file and the line number.
absl::StatusOr<std::vector<FtraceEvent>> ReadFtraceFile(const std::string& path);

// Same, from text already in memory; `source` names it in errors.
absl::StatusOr<std::vector<FtraceEvent>> ParseFtraceText(absl::string_view text,
                                                         absl::string_view source);

}  // namespace scxtwin::trace2workload

#endif  // SCXTWIN_TOOLS_TRACE2WORKLOAD_FTRACE_READER_H_
