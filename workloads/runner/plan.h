// A workload plan: a compiled workload spec (sim/workload's CompiledProcess, params already
// substituted) as plain text, so the guest's static runner reads it without protobuf or Abseil.
// The host writes it from the spec the simulator loads (plan_writer.h), so instances, arrivals,
// params and programs mean the same thing on both sides.
//
// Format (whitespace-separated words, one item a line):
//   scxtwin-plan 1
//   workload NAME
//   duration_ns D
//   param NAME VALUE                      (zero or more)
//   process NAME INSTANCES ARRIVAL        ARRIVAL: at NS | poisson MEAN_GAP_NS
//   group NAME COUNT NICE AFFINITY ON_FORK CHANNELS START   AFFINITY "-" = all CPUs
//   policy EXT|FIFO|RR RT_PRIORITY        (the group's; absent: NORMAL, SCHED_OTHER)
//   op run DIST | op sleep DIST | op wake GROUP PICK INDEX CHANNEL ACK HANDLER
//   op wait CHANNEL COUNT ACKS SPIN | op fork GROUP COUNT | op exit
//   op loop COUNT JUMP | op end JUMP
// A DIST is: none | fixed NS | uniform MIN MAX | exp MEAN | lognormal MEDIAN SIGMA MAX |
// empirical N NS... Groups follow their process, ops their group.
#ifndef SCXTWIN_WORKLOADS_RUNNER_PLAN_H_
#define SCXTWIN_WORKLOADS_RUNNER_PLAN_H_

#include <cstdint>
#include <istream>
#include <string>
#include <utility>
#include <vector>

namespace scxtwin::runner {

struct PlanDist {
  enum Kind { kNone, kFixed, kUniform, kExponential, kLogNormal, kEmpirical };
  Kind kind = kNone;
  int64_t a = 0, b = 0;  // fixed: a; uniform: [a, b]; exp: mean a; lognormal: median a, clamp b
  double sigma = 0;
  std::vector<int64_t> samples;
};

struct PlanOp {
  // The same kinds and loop encoding as sim/workload's CompiledOp.
  enum Kind { kRun, kSleep, kWake, kWait, kFork, kExit, kLoopBegin, kLoopEnd };
  Kind kind = kExit;
  PlanDist dist;   // run, sleep; wake: the interrupt handler's CPU time (ack >= 0)
  int group = -1;  // wake target / fork group
  int pick = 0;    // workload.proto Target.Pick
  int index = 0;
  int64_t count = 0;  // fork: tasks; loop: iterations (0 = forever); wait: wakes to collect
  int jump = -1;
  int channel = 0;  // wake: target's channel; wait: the channel
  int ack = -1;     // wake: an interrupt acknowledged on the waker's channel `ack`
  bool acks = false;
  bool spin = false;
};

struct PlanGroup {
  std::string name;
  int count = 1;
  int nice = 0;
  std::string affinity;  // "" = all CPUs
  // The scheduling policy its threads set (workload.proto TaskGroup.Policy: 0 NORMAL, 1 EXT,
  // 2 FIFO, 3 RR) and the RT priority (FIFO, RR).
  int policy = 0;
  int rt_priority = 0;
  bool on_fork = false;
  int channels = 1;
  PlanDist start;  // kNone: at arrival
  std::vector<PlanOp> program;
};

struct PlanProcess {
  std::string name;
  int instances = 1;
  bool poisson = false;
  int64_t at_ns = 0;
  int64_t poisson_mean_gap_ns = 0;
  std::vector<PlanGroup> groups;
};

struct Plan {
  std::string workload;
  int64_t duration_ns = 0;
  std::vector<std::pair<std::string, double>> params;
  std::vector<PlanProcess> processes;
};

// Reads a plan; on bad input returns false with `error` naming the line and what was expected.
bool ReadPlan(std::istream& in, Plan* plan, std::string* error);
// Writes a plan in the format above (ReadPlan reads it back unchanged).
std::string FormatPlan(const Plan& plan);

}  // namespace scxtwin::runner

#endif  // SCXTWIN_WORKLOADS_RUNNER_PLAN_H_
