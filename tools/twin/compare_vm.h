// The VM's side of the comparison: one guest (tools/vm.sh) runs every policy's runs of the
// workload plan as real threads (workloads/runner), EEVDF with no scheduler loaded and each
// other policy loaded by //kernel:load around each run; the guest prints one framed JSON line a
// run (compare_guest.sh) and the loader's final counters.
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_VM_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_VM_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/twin/compare_metrics.h"

namespace scxtwin::twin {

struct VmSide {
  std::string vm_sh, runner, loader, guest_sh, guest_lib;  // host paths
  std::string plan;                                        // the plan file
  int cpus = 2;
  int runs = 1;
  bool mttcg = true;
  int timeout_s = 600;
  bool verbose = false;  // echo the guest's other output to stderr
  // Keep the guest's output here (--save-vm), or read it from here instead of booting a guest
  // (--load-vm: the same VM runs compared with another simulator model).
  std::string save_to, load_from;
};

// The guest's timing fidelity (workload_runner --calibrate), the worst of its measurements.
struct VmCalibration {
  int samples = 0;
  double burn_stretch = 0;        // wall time / thread CPU time of a lone busy thread
  double sleep_overshoot_us = 0;  // mean lateness of a 500 us sleep
};

struct VmResult {
  std::vector<PolicyRuns> policies;
  VmCalibration calibration;
};

absl::StatusOr<VmResult> RunVmSide(const VmSide& side, const std::vector<std::string>& policies);

// Reads one runner report (workload_runner's JSON) into the comparison's terms.
absl::StatusOr<RunMetrics> ParseRunnerReport(const std::string& json);
// Adds sign times the counters of a loader's "stats LABEL NAME: k=v ..." line to m's: the guest
// prints them just before (-1) and just after (+1) each run, so m gets the run's own.
void ParseLoaderStats(const std::string& line, RunMetrics* m, int64_t sign = 1);
// Adds sign times the programs' runs and run times of a loader's "progs LABEL NAME: PROG=RUNS/NS
// ..." line to m's (likewise around each run).
void ParseLoaderPrograms(const std::string& line, RunMetrics* m, int64_t sign = 1);

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_VM_H_
