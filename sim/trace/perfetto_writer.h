// Writes the scheduling events as a binary Perfetto trace (perfetto_trace.proto): one
// FtraceEventBundle packet per CPU per batch of events, and the process tree at the end (its
// packet carries the run's start time, so it sorts first).
#ifndef SCXTWIN_SIM_TRACE_PERFETTO_WRITER_H_
#define SCXTWIN_SIM_TRACE_PERFETTO_WRITER_H_

#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/trace/perfetto_trace.pb.h"
#include "sim/trace/sched_trace_writer.h"

namespace scxtwin::sim::trace {

class PerfettoWriter : public SchedTraceWriter {
 public:
  // Events are buffered per CPU and written as a bundle when this many pile up.
  static constexpr int kBundleEvents = 512;

  // Writes to `out`, which must outlive the writer.
  explicit PerfettoWriter(std::ostream* out);
  // Creates (truncates) `path`; the error names it.
  static absl::StatusOr<std::unique_ptr<PerfettoWriter>> Open(const std::string& path);

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
  struct Cpu {
    TaskInfo curr;  // pid 0: idle
    std::vector<perfetto::protos::FtraceEvent> pending;
  };
  Cpu& CpuAt(int cpu);
  perfetto::protos::FtraceEvent* Add(int64_t ts, int cpu);
  void Note(const TaskInfo& t);
  void FlushCpu(int cpu);
  void WritePacket(const perfetto::protos::TracePacket& packet);

  std::unique_ptr<std::ofstream> owned_;
  std::ostream* out_;
  std::vector<Cpu> cpus_;
  struct ThreadName {
    std::string name;
    int32_t tgid;
  };
  std::map<int32_t, ThreadName> threads_;  // ordered: the same bytes every run
  struct ProcessInfo {
    int32_t ppid;
    std::string cmdline;
  };
  std::map<int32_t, ProcessInfo> processes_;
  int64_t first_ts_ = -1;
  bool finished_ = false;
};

}  // namespace scxtwin::sim::trace

#endif  // SCXTWIN_SIM_TRACE_PERFETTO_WRITER_H_
