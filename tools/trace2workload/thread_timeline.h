// Turns the events of an ftrace trace into the life of each thread of one process tree: what
// it ran, how it blocked, who ended each block, what it forked. This is the trace's meaning that
// a workload replay keeps; timestamps are only kept where nothing in the tree caused an event.
#ifndef SCXTWIN_TOOLS_TRACE2WORKLOAD_THREAD_TIMELINE_H_
#define SCXTWIN_TOOLS_TRACE2WORKLOAD_THREAD_TIMELINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/trace2workload/ftrace_reader.h"

namespace scxtwin::trace2workload {

// One step of a thread's replayable program.
struct Step {
  enum Kind {
    kRun,    // `ns` of CPU time (preemptions inside a burst are not steps: the CPU need is one)
    kSleep,  // a timed block of `ns`: nothing in the tree ended it (a timer, an irq, I/O)
    kWait,   // a block ended by the thread `peer` of the tree (which has the matching kWake)
    kWake,   // wakes thread `peer`, which blocked in kWait
    kFork,   // creates thread `peer`
    kExit,
  };
  Kind kind;
  int64_t ns = 0;
  int peer = 0;
};

struct ThreadTrace {
  int tid = 0;
  int parent_tid = 0;    // 0 for the root
  std::string comm;      // the last name the thread had
  int64_t start_ns = 0;  // exec (root) or fork
  int64_t end_ns = 0;    // exit, or the end of the trace
  bool exited = false;
  std::vector<Step> program;
  // Measurements of the trace itself (for --stats and calibration).
  int64_t cpu_ns = 0;
  std::vector<int64_t> oncpu_ns;  // each stretch on a CPU, switch-in to switch-out
  std::vector<int64_t> burst_ns;  // CPU time from becoming runnable to blocking
  int waits = 0;                  // blocks ended by the tree
  int timed_sleeps = 0;           // blocks ended by something outside it
  int implied_switch_ins = 0;     // stretches on a CPU whose switch-in the trace lacks
};

struct TreeTrace {
  int root_pid = 0;
  std::string root_filename;
  int64_t start_ns = 0;              // the root's exec
  int64_t end_ns = 0;                // the last exit in the tree (or the trace's end)
  bool wakers_from_waking = false;   // sched_waking was used (else sched_wakeup)
  std::vector<ThreadTrace> threads;  // in creation order; threads[0] is the root
};

// Finds the first sched_process_exec whose file name (or its last path component) is `root`
// and follows that process and every task it forks to the end of the trace.
absl::StatusOr<TreeTrace> ExtractTree(const std::vector<FtraceEvent>& events,
                                      absl::string_view root);

}  // namespace scxtwin::trace2workload

#endif  // SCXTWIN_TOOLS_TRACE2WORKLOAD_THREAD_TIMELINE_H_
