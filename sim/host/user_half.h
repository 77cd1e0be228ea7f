// A policy's user-space half, hosted by the simulator.
//
// Some sched_ext schedulers are two programs: the BPF half in the kernel and a user-space half
// that makes (some of) the decisions, talking to the BPF half through maps and globals. The
// kernel tree's scx_userland is one: its BPF half queues tasks in the `enqueued` queue map and
// its user-space half, a thread the BPF half schedules like any task (pid `usersched_pid`),
// orders them by vruntime and pushes their pids into `dispatched`.
//
// The simulator runs such a half as a task of the simulated machine, on the simulated clock:
// a background process added to the workload whose one task loops over `user_half` (one pass
// of the half's main loop: UserHalfCompanion::Pass acts on the policy's maps and globals, then
// the task runs for the CPU time the pass cost) and `yield` (sched_yield). The BPF half sees it
// as any other task: it decides when it runs. A companion is the C++ re-statement of one
// scheduler's user-space half; scx_userland's (scx_userland_half.h) is the first.
//
// Using one (the simulator's runner and the conformance harness do this):
//   auto half = MakeUserHalf("auto", *policy, nr_cpus);   // nullptr: the policy has none
//   half->AddTask(spec);            // before the run: its process goes first (pid 1)
//   half->Prepare(*policy);         // before attach: what the loader sets (usersched_pid, ...)
//   sim_options.user_half = half.get();
#ifndef SCXTWIN_SIM_HOST_USER_HALF_H_
#define SCXTWIN_SIM_HOST_USER_HALF_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/core/user_half.h"
#include "sim/workload/spec.h"

namespace scxtwin::host {

class PolicyInstance;

// What every user-space half costs, in simulated CPU time; `--set user_half.NAME=NS` on //sim.
struct UserHalfCosts {
  // One pass of the main loop whatever it handles: the map read that finds the queue empty, the
  // sched_yield() system call (each ~0.5-1 us of kernel entry and exit on a current x86 core).
  int64_t pass_ns = 1500;
  // Each task handled (taken from or given to the BPF half: one bpf() map system call each,
  // plus the half's own bookkeeping).
  int64_t task_ns = 1000;
};

class UserHalfCompanion : public sim::UserHalf {
 public:
  // The pid the half's task gets: its process is the workload's first, its task the first one
  // created (the simulator's pids are task index + 1).
  static constexpr int32_t kPid = 1;

  // The scheduler's name as its loader calls it ("scx_userland").
  virtual std::string name() const = 0;
  // Before the policy attaches: what the half's loader writes into the BPF half (its pid, the CPU
  // count, ...). The policy must outlive the companion; passes act on it.
  virtual absl::Status Prepare(PolicyInstance* policy, int nr_cpus) = 0;
  // The half's own counters (its statistics), name and value, in a fixed order.
  virtual std::vector<std::pair<std::string, int64_t>> Counters() const = 0;
  // `--set user_half.NAME=VALUE`: a cost (UserHalfCosts) or an option of this half (e.g.
  // scx_userland's batch). Errors name the assignment and list what is accepted.
  virtual absl::Status Set(const std::string& name, const std::string& value);
  // The names Set takes, in a fixed order.
  virtual std::vector<std::string> SetNames() const { return {"pass_ns", "task_ns"}; }

  // Adds the half's task to `spec` (a background process, first in the list so that its task has
  // pid kPid). Errors if the spec already has a process of that name.
  absl::Status AddTask(sim::WorkloadSpec* spec) const;

  const UserHalfCosts& costs() const { return costs_; }
  UserHalfCosts& mutable_costs() { return costs_; }

 protected:
  UserHalfCosts costs_;
};

// The companion for a loaded policy: `which` is "auto" (the one whose scheduler this is, by its
// ops name and the maps and globals its half needs; nullptr if none), "none" (nullptr), or a
// companion's name ("scx_userland": the policy must have what it needs). Errors name `which`
// and what was expected.
absl::StatusOr<std::unique_ptr<UserHalfCompanion>> MakeUserHalf(const std::string& which,
                                                                const PolicyInstance& policy);

// The companions there are, by name.
std::vector<std::string> UserHalfNames();

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_USER_HALF_H_
