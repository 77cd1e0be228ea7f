// Turns the simulator's scheduling moments into the kernel's sched tracepoints on a
// trace::SchedTraceWriter (Perfetto, ftrace text): a task's comm is its group's name, its
// process (tgid) the first task of its process instance, which "execs" /sim/<process> when
// the instance starts, so trace2workload --root=<process> finds the instance's tree.
#ifndef SCXTWIN_SIM_CORE_SCHED_TRACER_H_
#define SCXTWIN_SIM_CORE_SCHED_TRACER_H_

#include <string>
#include <vector>

#include "sim/core/sched_class.h"
#include "sim/core/task.h"
#include "sim/trace/sched_trace_writer.h"
#include "sim/workload/spec.h"

namespace scxtwin::sim {

class SchedTracer {
 public:
  SchedTracer(trace::SchedTraceWriter* writer, const WorkloadSpec& spec)
      : w_(writer), spec_(spec) {}

  // `t` was created (after the class placed it on t.cpu): by `parent`'s fork, or (nullptr) as
  // one of its instance's starting tasks of process template `process`.
  void Created(SimTime now, const Task* parent, const Task& t, int process);
  void Woken(SimTime now, const Task& t, const WakeInfo& info);
  // `cpu` switches from `prev` (its state tells why: blocked, exited, or preempted) to `next`;
  // nullptr is idle.
  void Switched(SimTime now, int cpu, const Task* prev, const Task* next);
  void Exited(SimTime now, int cpu, const Task& t);

 private:
  trace::TaskInfo Info(const Task& t) const;

  trace::SchedTraceWriter* w_;
  const WorkloadSpec& spec_;
  std::vector<int32_t> leader_pid_;   // by instance
  std::vector<int32_t> process_of_;   // by instance: the process template
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_SCHED_TRACER_H_
