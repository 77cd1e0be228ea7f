// A scheduler's user-space half, run by a simulated task on the simulated clock.
//
// Some sched_ext schedulers make their decisions in user space: the BPF half queues tasks in a
// map, a user-space thread (itself a task the BPF half schedules) drains the map, decides and
// pushes its choices back through another map. In the simulator that thread is a task of the
// machine whose program loops over `user_half` ops (workload.proto): at each one the core calls
// Pass, which acts on the policy's maps and globals at the current simulated time and reports
// the CPU time the pass took; the task then runs for that long. sim/host implements this for a
// policy's companion (sim/host/user_half.h); the core knows only this interface.
#ifndef SCXTWIN_SIM_CORE_USER_HALF_H_
#define SCXTWIN_SIM_CORE_USER_HALF_H_

#include "sim/core/task.h"
#include "sim/engine/time.h"

namespace scxtwin::sim {

class UserHalf {
 public:
  struct PassResult {
    SimDuration cpu_ns = 1;  // the CPU time the pass used (the core charges at least 1 ns)
    bool exit = false;       // the half's main loop ends (its policy has exited): the task exits
  };
  virtual ~UserHalf() = default;
  // One pass of the half's main loop, by task `t` running on `cpu` at `now`.
  virtual PassResult Pass(TaskId t, int cpu, SimTime now) = 0;
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_USER_HALF_H_
