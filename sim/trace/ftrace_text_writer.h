// Writes the scheduling events as ftrace text, line for line what /sys/kernel/tracing/trace
// prints for the sched tracepoints ("COMM-PID [CPU] FLAGS SECONDS: EVENT: FIELDS"), so
// trace2workload, trace-cmd and Perfetto read a simulated run like a recorded one.
#ifndef SCXTWIN_SIM_TRACE_FTRACE_TEXT_WRITER_H_
#define SCXTWIN_SIM_TRACE_FTRACE_TEXT_WRITER_H_

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/trace/sched_trace_writer.h"

namespace scxtwin::sim::trace {

class FtraceTextWriter : public SchedTraceWriter {
 public:
  struct Options {
    // The kernel prints microseconds; nanoseconds keep a simulated run exact.
    bool nanoseconds = false;
  };
  FtraceTextWriter(std::ostream* out, Options options);
  explicit FtraceTextWriter(std::ostream* out) : FtraceTextWriter(out, Options()) {}
  static absl::StatusOr<std::unique_ptr<FtraceTextWriter>> Open(const std::string& path,
                                                                Options options);

  void Process(int32_t pid, int32_t ppid, const std::string& cmdline) override;
  void NewTask(int64_t ts, int cpu, const TaskInfo& parent, const TaskInfo& child,
               bool thread) override;
  void Exec(int64_t ts, int cpu, const TaskInfo& task, const std::string& filename) override;
  void Switch(int64_t ts, int cpu, const TaskInfo* prev, PrevState prev_state,
              const TaskInfo* next) override;
  void Waking(int64_t ts, int cpu, const TaskInfo& wakee, int target_cpu, bool in_irq) override;
  void WakeupNew(int64_t ts, int cpu, const TaskInfo& task, int target_cpu) override;
  void Migrate(int64_t ts, int cpu, const TaskInfo& task, int orig_cpu, int dest_cpu) override;
  void Exit(int64_t ts, int cpu, const TaskInfo& task) override;
  void Free(int64_t ts, int cpu, const TaskInfo& task) override;
  absl::Status Finish(int64_t end_ts) override;

 private:
  // Starts a line in the context of the task on `cpu`, with the flags column `flags`.
  void Line(int64_t ts, int cpu, const char* flags, const std::string& event,
            const std::string& fields);
  TaskInfo& Curr(int cpu);
  void Header();

  std::unique_ptr<std::ofstream> owned_;
  std::ostream* out_;
  Options options_;
  std::vector<TaskInfo> curr_;  // pid 0: idle
  bool header_written_ = false;
  bool finished_ = false;
};

}  // namespace scxtwin::sim::trace

#endif  // SCXTWIN_SIM_TRACE_FTRACE_TEXT_WRITER_H_
