// Sends every event to several writers (e.g. --perfetto and --ftrace in one run).
#ifndef SCXTWIN_SIM_TRACE_TEE_WRITER_H_
#define SCXTWIN_SIM_TRACE_TEE_WRITER_H_

#include <vector>

#include "sim/trace/sched_trace_writer.h"

namespace scxtwin::sim::trace {

class TeeWriter final : public SchedTraceWriter {
 public:
  explicit TeeWriter(std::vector<SchedTraceWriter*> writers) : writers_(std::move(writers)) {}

  void Process(int32_t pid, int32_t ppid, const std::string& cmdline) override {
    for (auto* w : writers_) w->Process(pid, ppid, cmdline);
  }
  void NewTask(int64_t ts, int cpu, const TaskInfo& parent, const TaskInfo& child,
               bool thread) override {
    for (auto* w : writers_) w->NewTask(ts, cpu, parent, child, thread);
  }
  void Exec(int64_t ts, int cpu, const TaskInfo& task, const std::string& filename) override {
    for (auto* w : writers_) w->Exec(ts, cpu, task, filename);
  }
  void Switch(int64_t ts, int cpu, const TaskInfo* prev, PrevState prev_state,
              const TaskInfo* next) override {
    for (auto* w : writers_) w->Switch(ts, cpu, prev, prev_state, next);
  }
  void Waking(int64_t ts, int cpu, const TaskInfo& wakee, int target_cpu, bool in_irq) override {
    for (auto* w : writers_) w->Waking(ts, cpu, wakee, target_cpu, in_irq);
  }
  void WakeupNew(int64_t ts, int cpu, const TaskInfo& task, int target_cpu) override {
    for (auto* w : writers_) w->WakeupNew(ts, cpu, task, target_cpu);
  }
  void Migrate(int64_t ts, int cpu, const TaskInfo& task, int orig_cpu, int dest_cpu) override {
    for (auto* w : writers_) w->Migrate(ts, cpu, task, orig_cpu, dest_cpu);
  }
  void Exit(int64_t ts, int cpu, const TaskInfo& task) override {
    for (auto* w : writers_) w->Exit(ts, cpu, task);
  }
  void Free(int64_t ts, int cpu, const TaskInfo& task) override {
    for (auto* w : writers_) w->Free(ts, cpu, task);
  }
  absl::Status Finish(int64_t end_ts) override {
    absl::Status first;
    for (auto* w : writers_) {
      absl::Status s = w->Finish(end_ts);
      if (first.ok() && !s.ok()) first = s;
    }
    return first;
  }

 private:
  std::vector<SchedTraceWriter*> writers_;
};

}  // namespace scxtwin::sim::trace

#endif  // SCXTWIN_SIM_TRACE_TEE_WRITER_H_
