// Turns the simulator's scheduling moments (a SimObserver) into the kernel's sched tracepoints
// on a trace::SchedTraceWriter (Perfetto, ftrace text): a task's comm is its group's name, its
// process (tgid) the first task of its process instance, which "execs" /sim/<process> when
// the instance starts, so trace2workload --root=<process> finds the instance's tree.
#ifndef SCXTWIN_SIM_CORE_SCHED_TRACER_H_
#define SCXTWIN_SIM_CORE_SCHED_TRACER_H_

#include <vector>

#include "sim/core/observer.h"
#include "sim/core/task.h"
#include "sim/trace/sched_trace_writer.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

class SchedTracer final : public SimObserver {
 public:
  // The caller Finish()es the writer once the run has ended.
  SchedTracer(trace::SchedTraceWriter* writer, const WorkloadSpec& spec)
      : w_(writer), spec_(spec) {}

  void TaskNew(SimTime t, const Task& task, const Task* parent) override;
  void Waking(SimTime t, const Task& task, const Task* waker, int cpu) override;
  void Wakeup(SimTime t, const Task& task, int target_cpu, bool is_new) override;
  void Switch(SimTime t, int cpu, const Task* prev, TaskState prev_state,
              const Task* next) override;
  void Migrate(SimTime t, const Task& task, int orig_cpu, int dest_cpu) override;
  void Exit(SimTime t, const Task& task) override;

 private:
  trace::TaskInfo Info(const Task& t) const;

  trace::SchedTraceWriter* w_;
  const WorkloadSpec& spec_;
  std::vector<int32_t> leader_pid_;  // by instance
  int waker_cpu_ = -1;               // of the Waking that the next Wakeup completes
  int new_task_cpu_ = -1;            // where the TaskNew that the next Wakeup(new) ends ran
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_SCHED_TRACER_H_
