// Loading a workload spec (.textpb, the text format of workloads/workload.proto): parse,
// validate, and compile each task group's program into a flat op list the simulator steps
// through. Every error names the file, the field path and what was expected.
#ifndef SCXTWIN_SIM_WORKLOAD_SPEC_H_
#define SCXTWIN_SIM_WORKLOAD_SPEC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/machine/costs.h"
#include "sim/machine/cpuset.h"
#include "sim/workload/params.h"
#include "workloads/workload.pb.h"

namespace scxtwin::sim {

// One compiled op. Loops become kLoopBegin (jump = index after the matching kLoopEnd) and
// kLoopEnd (jump = index of the body's first op).
struct CompiledOp {
  enum Kind : uint8_t {
    kRun,
    kSleep,
    kWake,
    kWait,
    kFork,
    kExit,
    kLoopBegin,
    kLoopEnd,
    kYield,            // sched_yield()
    kUserHalf,         // one pass of the policy's user-space half (sim/core/user_half.h)
    kSetAffinity,      // sched_setaffinity on the target (group -1: the task itself)
    kSetNice,          // setpriority on the target (group -1: the task itself)
    kMoveToCgroup,     // the task moves itself to `cgroup`
    kSetCgroupWeight,  // `cgroup`'s cpu.weight becomes `weight`
  };
  Kind kind;
  const workload::Dist* dist = nullptr;  // kRun, kSleep
  // kWake target / kFork group (index in the process); kSetAffinity/kSetNice target group, -1 for
  // the task itself.
  int32_t group = -1;
  workload::Target::Pick pick = workload::Target::INDEX;
  int32_t index = 0;  // kWake, kSetAffinity, kSetNice: INDEX
  int64_t count = 0;  // kFork tasks; kLoopBegin iterations (0 = forever)
  int32_t jump = -1;
  // kWake: the target's channel (0 = default), or with ack >= 0 an interrupt whose targets
  // acknowledge on the waker's channel `ack`. kWait: the channel, the wakes to collect (count;
  // with acks, what the task's interrupts addressed) and whether it spins.
  int32_t channel = 0;
  int32_t ack = -1;
  const workload::Dist* handler = nullptr;  // kWake with ack: a halted target's CPU time for it
  bool acks = false;
  bool spin = false;
  // kSetAffinity: the CPU list as written (checked against the machine by the simulator).
  const std::string* cpus = nullptr;
  int32_t nice = 0;     // kSetNice
  int32_t cgroup = 0;   // kMoveToCgroup, kSetCgroupWeight: index in WorkloadSpec::cgroups
  uint32_t weight = 0;  // kSetCgroupWeight
};

// The deepest cgroup level a spec may declare (the host's struct cgroup keeps that many
// ancestors, SCXTWIN_CGROUP_MAX_LEVEL in sim/host/include/vmlinux.h).
inline constexpr int kMaxCgroupLevel = 15;

// A cgroup of the run: [0] is the root ("/", weight 100); each one's parent comes before it.
struct CompiledCgroup {
  std::string path;
  int32_t parent = -1;  // index in WorkloadSpec::cgroups (-1: the root's)
  int32_t level = 0;    // the root's is 0
  uint32_t weight = 100;
};

struct CompiledGroup {
  std::string name;
  int32_t count = 1;
  int32_t nice = 0;
  std::string affinity;  // as written; resolved against the topology by ResolveAffinity
  WorkingSet working_set = WorkingSet::kSmall;
  const workload::Dist* start = nullptr;  // nullptr: start at arrival
  bool on_fork = false;
  bool halt_poll = false;  // vCPU threads: sleeps and waits are halts KVM polls for
  bool per_cpu = false;    // one member per CPU, member i pinned to CPU i (count is unused)
  workload::TaskGroup::Policy policy = workload::TaskGroup::NORMAL;
  int32_t rt_priority = 0;  // 1..99 for FIFO and RR, else 0
  int32_t cgroup = 0;       // the cgroup its tasks start in (index in WorkloadSpec::cgroups)
  std::vector<std::string> channels;  // [0] = "" (the default channel), then as declared
  std::vector<CompiledOp> program;
  // Each op's field path in the spec ("process[0].group[1].program[2].loop.body[0]"), for
  // errors and reports about a task's position.
  std::vector<std::string> op_paths;
};

// The op's name as the spec writes it ("run", "wait", "loop", ...).
const char* OpName(const CompiledOp& op);

struct CompiledProcess {
  std::string name;
  int32_t instances = 1;
  bool poisson = false;
  int64_t at_ns = 0;
  int64_t poisson_mean_gap_ns = 0;
  bool background = false;  // does not keep the run going; not measured
  std::vector<CompiledGroup> groups;
};

struct WorkloadSpec {
  std::string file;
  workload::Workload proto;        // owns the Dists the ops point into (params substituted)
  std::vector<ParamValue> params;  // the values the spec's params took, in declaration order
  std::vector<CompiledProcess> processes;
  std::vector<CompiledCgroup> cgroups;  // the root first, then Workload.cgroup in order
  // Specs whose processes were added as background (AddBackground): kept alive for their Dists.
  std::vector<std::unique_ptr<WorkloadSpec>> background;
};

// Appends every process of `background` to `spec` as a background process (it does not keep the
// run going and is not measured). Errors when a process name is already taken.
absl::Status AddBackground(WorkloadSpec* spec, std::unique_ptr<WorkloadSpec> background);

// Reads, validates and compiles `path`, its params taking their defaults except where
// `overrides` (--param NAME=VALUE) say otherwise (see params.h).
absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadWorkloadFile(
    const std::string& path, const ParamOverrides& overrides = {});
// Same, from text (`file` is the name errors use).
absl::StatusOr<std::unique_ptr<WorkloadSpec>> ParseWorkload(absl::string_view text,
                                                            const std::string& file,
                                                            const ParamOverrides& overrides = {});

// Parses a CPU list like "0-3,8" for a machine of nr_cpus ("" = all). `where` prefixes errors.
absl::StatusOr<CpuSet> ParseCpuList(absl::string_view list, int nr_cpus, absl::string_view where);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_WORKLOAD_SPEC_H_
