// The one interface the simulator records scheduling through, whatever the file format: the
// kernel's sched tracepoints, called in time order (equal times in the order they happened).
// Writers: PerfettoWriter (binary Perfetto trace), FtraceTextWriter (the text of
// /sys/kernel/tracing/trace, which trace2workload and Perfetto read back).
#ifndef SCXTWIN_SIM_TRACE_SCHED_TRACE_WRITER_H_
#define SCXTWIN_SIM_TRACE_SCHED_TRACE_WRITER_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace scxtwin::sim::trace {

// A task as the tracepoints name it. pid is the kernel's (thread id, never 0: 0 is idle);
// tgid the process (thread-group leader) it belongs to.
struct TaskInfo {
  int32_t pid = 0;
  int32_t tgid = 0;
  std::string comm;    // writers cut it to 15 bytes, as the kernel's TASK_COMM_LEN does
  int32_t prio = 120;  // the kernel's prio: 120 + nice
};

// How the previous task left the CPU (sched_switch prev_state).
enum class PrevState : int64_t {
  kRunnable = 0,         // preempted: "R"
  kSleeping = 1,         // blocked: "S"
  kUninterruptible = 2,  // "D"
  kDead = 0x10,          // exited: "X"
};

class SchedTraceWriter {
 public:
  virtual ~SchedTraceWriter() = default;

  // The process tree: process `pid` (its leader) with parent `ppid` (0: none) and command line.
  virtual void Process(int32_t pid, int32_t ppid, const std::string& cmdline) = 0;
  // `parent`, running on `cpu`, created `child` (task_newtask, sched_process_fork); `thread`
  // means CLONE_THREAD (same process).
  virtual void NewTask(int64_t ts, int cpu, const TaskInfo& parent, const TaskInfo& child,
                       bool thread) = 0;
  // `task`, running on `cpu`, exec'd `filename` (sched_process_exec; roots trace2workload trees).
  virtual void Exec(int64_t ts, int cpu, const TaskInfo& task, const std::string& filename) = 0;
  // `cpu` switches from `prev` to `next`; nullptr is the idle task.
  virtual void Switch(int64_t ts, int cpu, const TaskInfo* prev, PrevState prev_state,
                      const TaskInfo* next) = 0;
  // sched_waking on `cpu`, in the context of the task running there (the waker), or from an
  // interrupt (`in_irq`: a timer; nothing running there caused it). `target_cpu`: where the
  // wakee will run.
  virtual void Waking(int64_t ts, int cpu, const TaskInfo& wakee, int target_cpu, bool in_irq) = 0;
  virtual void WakeupNew(int64_t ts, int cpu, const TaskInfo& task, int target_cpu) = 0;
  virtual void Migrate(int64_t ts, int cpu, const TaskInfo& task, int orig_cpu, int dest_cpu) = 0;
  // The task's sched_process_exit, printed on the CPU it runs on.
  virtual void Exit(int64_t ts, int cpu, const TaskInfo& task) = 0;
  // The task's struct was freed (its thread's lifetime ends in Perfetto).
  virtual void Free(int64_t ts, int cpu, const TaskInfo& task) = 0;
  // Closes every CPU with a switch to idle at `end_ts` and flushes the file.
  virtual absl::Status Finish(int64_t end_ts) = 0;
};

}  // namespace scxtwin::sim::trace

#endif  // SCXTWIN_SIM_TRACE_SCHED_TRACE_WRITER_H_
