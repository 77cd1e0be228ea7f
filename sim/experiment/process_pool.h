// Runs independent jobs (one simulation each) in child processes, so each has its own copy of
// every global (a host-compiled policy's globals included) and the runs use all cores.
#ifndef SCXTWIN_SIM_EXPERIMENT_PROCESS_POOL_H_
#define SCXTWIN_SIM_EXPERIMENT_PROCESS_POOL_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace scxtwin::experiment {

// The work of job `index`, run in a forked child: its result (any bytes) or an error.
using JobFn = std::function<absl::StatusOr<std::string>(int index)>;

// Called in the parent after each job ends, with the count done so far and the total.
using ProgressFn = std::function<void(int done, int total)>;

// Runs jobs 0..count-1, at most `workers` at a time, each in a fresh fork()ed child. Returns
// their results in index order, whatever order they finished in (so output stays
// deterministic). The first failing job's error is returned, naming the job.
absl::StatusOr<std::vector<std::string>> RunInProcesses(int count, int workers, const JobFn& job,
                                                        const ProgressFn& progress = nullptr);

// A one-line progress bar on stderr, only when stderr is a terminal.
ProgressFn TerminalProgressBar(std::string label);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_PROCESS_POOL_H_
