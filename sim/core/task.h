// A simulated task: identity, scheduling attributes, where its program is, and what it measured.
//
// Task states and their transitions (the core owns them; a scheduling class only holds runnable
// tasks it was given):
//   kRunnable --PickNext on a CPU--> kRunning --preempted--> kRunnable
//   kRunning --sleep/wait--> kBlocked --timer/wake--> kRunnable
//   kRunning --exit/end of program--> kExited
// A task is created kRunnable (forks and tasks of an arriving process).
#ifndef SCXTWIN_SIM_CORE_TASK_H_
#define SCXTWIN_SIM_CORE_TASK_H_

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/event_queue.h"
#include "sim/engine/time.h"
#include "sim/machine/costs.h"
#include "sim/machine/cpuset.h"
#include "sim/machine/topology.h"

namespace scxtwin::sim {

using TaskId = int32_t;
inline constexpr TaskId kNoTask = -1;

enum class TaskState : uint8_t { kRunnable, kRunning, kBlocked, kExited };

// The scheduling policy (sched_setscheduler): which class runs the task (sim/stack/README.md).
// Values as the workload spec's TaskGroup.Policy.
enum class SchedPolicy : uint8_t { kNormal = 0, kExt = 1, kFifo = 2, kRr = 3 };

// Where a task is in its program: the op index and one remaining-iterations count per open loop.
struct ProgramCursor {
  int32_t pc = 0;
  std::vector<int64_t> loop_left;  // innermost last
};

struct TaskMetrics {
  SimDuration run_ns = 0;     // CPU time used (including cache refill work)
  SimDuration refill_ns = 0;  // of which: cache refill after migrations
  SimDuration wait_ns = 0;    // total time runnable but not running
  SimDuration wait_max_ns = 0;
  int64_t waits = 0;         // runnable->running transitions
  int64_t nr_switches = 0;   // times switched in
  int64_t nr_preempted = 0;  // switched out while still runnable
  int64_t wakeups = 0;
  std::array<int64_t, kNumDistances> migrations{};  // by distance (index 0 unused)
};

struct Task {
  TaskId id = kNoTask;
  int32_t pid = 0;  // id + 1 (0 is the idle task, as in the kernel)
  std::string name;
  int32_t instance = 0;  // process instance (index into the simulator's instance table)
  int32_t process = 0;   // the instance's process template (index into the workload's processes)
  int32_t group = 0;     // task-group index within the workload's process template
  int32_t index = 0;     // member index within (instance, group)
  int32_t cgroup = 0;    // its cgroup (index into SchedContext::cgroups(); 0 = the root)
  TaskId parent = kNoTask;
  int32_t nice = 0;
  uint32_t weight = 1024;  // the kernel's sched_prio_to_weight[nice + 20]
  // The CPUs it may run on now: its requested affinity less offline CPUs.
  CpuSet affinity;
  // As the spec (sched_setaffinity) asked; every CPU once hotplug left none of it online
  // (select_fallback_rq breaks the affinity for good).
  CpuSet requested_affinity;
  int32_t nr_cpus_allowed = 0;
  WorkingSet working_set = WorkingSet::kSmall;
  SchedPolicy policy = SchedPolicy::kNormal;
  int32_t rt_priority = 0;  // 1..99 for kFifo and kRr (higher runs first)

  TaskState state = TaskState::kRunnable;
  int32_t cpu = 0;            // the CPU whose run queue holds it (task_cpu in the kernel)
  int32_t last_ran_cpu = -1;  // where it last ran (-1: never)
  SimTime created_at = 0;
  SimTime runnable_since = 0;
  SimTime last_ran_end = 0;
  SimTime exec_start = 0;      // when its work began on the current CPU (after switch costs)
  SimDuration sum_exec = 0;    // CPU time consumed so far (updated at ticks and switches)
  SimDuration burst_left = 0;  // CPU work left in the current `run` op
  // Wakes per channel of the task's group ([0] = the default channel) that arrived while no
  // wait of the task was collecting them; a later wait on that channel consumes them.
  std::vector<int64_t> pending;
  bool waiting = false;      // blocked in `wait` (vs. sleeping on a timer)
  bool spinning = false;     // in a spinning wait: running (or preempted) until its wakes come
  int32_t wait_channel = 0;  // the channel a blocked or spinning wait collects
  int64_t wait_left = 0;     // wakes it still needs (0: not waiting)
  // Interrupts sent with an ack channel, per channel, not yet collected by `wait_on { acks }`.
  std::vector<int64_t> acks_expected;
  // Acknowledgements this task owes (sender, sender's channel): sent when it is next on a CPU.
  std::vector<std::pair<TaskId, int32_t>> acks_owed;
  SimTime sleep_until = -1;  // the timer of the current `sleep`
  EventHandle sleep_timer;
  SimTime halt_until = -1;  // woken from a sleep by an interrupt: halt again until then
  // KVM halt polling (groups marked halt_poll, the host effect cost.halt_poll): polling, the
  // task stays on its CPU, busy, in a sleep or wait; a wake in the window resumes it there.
  bool polling = false;
  SimTime halt_start = -1;           // when the current halt began (-1: not halted)
  SimDuration halt_poll_window = 0;  // this vCPU's adaptive poll window (KVM starts at 0)
  SimTime exited_at = -1;
  ProgramCursor cursor;
  uint64_t rng_state[4] = {0, 0, 0, 0};  // the task's own random stream (see rng.h)
  // A second stream for interrupt handlers: how many a task takes depends on the scheduling, so
  // drawing them from rng_state would give each policy different program draws for one seed.
  uint64_t irq_rng_state[4] = {0, 0, 0, 0};
  std::vector<int32_t> next_rr;  // round-robin position per target group (`NEXT`)

  TaskMetrics m;
};

// A cgroup of the run (the workload's `cgroup` list under the root).
struct Cgroup {
  std::string path = "/";
  int32_t parent = -1;    // index of its parent (-1: the root's)
  int32_t level = 0;      // the root's is 0
  uint32_t weight = 100;  // cpu.weight, 1..10000
};

// The kernel's nice-to-weight table (kernel/sched/core.c sched_prio_to_weight).
uint32_t NiceToWeight(int nice);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_CORE_TASK_H_
