// Runs a scheduler from the cached kernel tree (compiled unmodified in host mode at test time)
// in the simulator, and exposes how the run ended: the harness of the conformance tests.
#ifndef SCXTWIN_TESTS_CONFORMANCE_HARNESS_H_
#define SCXTWIN_TESTS_CONFORMANCE_HARNESS_H_

#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"
#include "sim/fair/fair_class.h"
#include "sim/host/policy_loader.h"
#include "sim/host/user_half.h"
#include "sim/machine/topology.h"
#include "sim/rt/rt_class.h"
#include "sim/stack/class_stack.h"
#include "sim/workload/spec.h"

namespace scxtwin::conformance {

// The layout of the kernel tree's `struct user_exit_info` (scx/user_exit_info_common.h).
struct UserExitInfo {
  int kind;
  s32 exit_cpu;
  s64 exit_code;
  char reason[128];
  char msg[1024];
};

// One run of a scheduler in the simulator.
struct Outcome {
  std::unique_ptr<host::PolicyInstance> policy;
  std::unique_ptr<sim::WorkloadSpec> spec;
  std::unique_ptr<sim::Topology> topology;
  std::unique_ptr<sim::ExtClass> ext;
  // With RunSpec::class_stack: the RT and fair classes beside ext, and the stack running them.
  std::unique_ptr<sim::RtClass> rt;
  std::unique_ptr<sim::fair::FairClass> fair;
  std::unique_ptr<sim::ClassStack> stack;
  // The scheduler's user-space half, run as a task (sim/host/user_half.h); nullptr if none.
  std::unique_ptr<host::UserHalfCompanion> user_half;
  std::unique_ptr<sim::Simulator> simulator;
  // Not OK: the scheduler failed to attach, the run broke an invariant, or the setup failed.
  absl::Status run = absl::FailedPreconditionError("not run (setup failed)");

  const sim::ExtExit& exit() const { return ext->exit_info(); }
  // The exit record ops.exit filled (the selftest's skel->data->uei).
  const UserExitInfo& uei() const;
  // A scalar global of the scheduler (its counters); -1 and a test failure if absent.
  int64_t Read(const char* global) const;
  // Every task of the workload exited (a background process's, such as a user-space half's, need
  // not: it runs until the run ends), and there was at least one.
  bool all_tasks_exited() const;
  // Lines of the captured log naming callback `cb` (e.g. "enqueue"); needs capture_log.
  int64_t Callbacks(const std::string& cb) const;
  // The same, only calls on `cpu` at simulated times in [from, to).
  int64_t Callbacks(const std::string& cb, int cpu, int64_t from, int64_t to) const;

  std::unique_ptr<std::ostringstream> log;
};

struct RunSpec {
  std::string workload;  // text format of workloads/workload.proto
  std::string topology = "4";
  std::vector<std::pair<std::string, std::string>> knobs;
  uint64_t seed = 1;
  // The `struct sched_ext_ops` variable to attach when the object defines several (e.g.
  // "hotplug_cb_ops"); empty: the only one.
  std::string ops_variable;
  // Ops flags user space sets before attaching (skel->struct_ops.NAME->flags |= ...).
  uint64_t extra_ops_flags = 0;
  // ops.hotplug_seq as SCX_OPS_OPEN sets it (the kernel's scx_hotplug_seq() when user space
  // opened the skeleton; the simulator's starts at the number of CPUs); 0 leaves it unchecked.
  uint64_t hotplug_seq = 0;
  // .data/.bss globals user space sets before attaching (skel->bss->NAME = value).
  std::vector<std::pair<std::string, int64_t>> globals;
  // Keep the run's JSON Lines log of callbacks and kfuncs (Outcome::log).
  bool capture_log = false;
  // What user space does while the scheduler is attached: each function runs at its simulated
  // time outside any callback (ExtClass::CallFromUserSpace), e.g. a SEC("syscall") program.
  std::vector<std::pair<int64_t, std::function<void(Outcome&)>>> user_calls;
  // The scheduler's user-space half (host::MakeUserHalf): "auto", "none" or a companion's name.
  std::string user_half = "auto";
  // Run the ext class in a class stack (sim/stack) beside the RT and fair classes, as on a
  // kernel: tasks go to the class their policy names (SCX_OPS_SWITCH_PARTIAL honoured), with
  // the deadline servers. Off: the ext class schedules every task (the other scenarios).
  bool class_stack = false;
  // With class_stack: no ext class at all (the selftest's runs without the scheduler attached).
  bool without_ext = false;
  // With class_stack: the fair and ext deadline servers (off: a starved class starves).
  bool deadline_servers = true;
  // The machine's nohz_full= CPUs (sim::SimOptions::nohz_full), a CPU list; "" = none.
  std::string nohz_full;
};

// Builds (once per process) and runs `relpath` of the kernel tree, e.g.
// "tools/testing/selftests/sched_ext/minimal.bpf.c". Setup problems are test failures.
Outcome RunKernelTreeScheduler(const std::string& relpath, const RunSpec& spec);

// The selftest NAME (tools/testing/selftests/sched_ext/NAME.bpf.c).
Outcome RunSelftest(const std::string& name, const RunSpec& spec);

// Stand-ins for what the selftests' user-space parts do.
// Forks `n` children (comm `child`) that run briefly, sleep 1 s and exit; the parent waits.
std::string ForkSleepers(int n, const std::string& child = "child");
// "sleep(1)" while the machine keeps scheduling: more wakeups than CPUs, for one second.
std::string BusyFor1s();

}  // namespace scxtwin::conformance

#endif  // SCXTWIN_TESTS_CONFORMANCE_HARNESS_H_
