// The host half of the plan: a loaded workload spec (sim/workload, the simulator's own loader)
// turned into the runner's plan (plan.h).
#ifndef SCXTWIN_WORKLOADS_RUNNER_PLAN_WRITER_H_
#define SCXTWIN_WORKLOADS_RUNNER_PLAN_WRITER_H_

#include "absl/status/status.h"
#include "sim/workload/spec.h"
#include "workloads/runner/plan.h"

namespace scxtwin::runner {

// Whether the runner can run `spec`: every op but the simulator-only ones (`yield`, `user_half`:
// a scheduler's user-space half runs as its own program in the VM). The error names the op's
// place in the spec. Call before PlanFromSpec, which expects a runnable spec.
absl::Status CheckRunnable(const sim::WorkloadSpec& spec);

Plan PlanFromSpec(const sim::WorkloadSpec& spec);

}  // namespace scxtwin::runner

#endif  // SCXTWIN_WORKLOADS_RUNNER_PLAN_WRITER_H_
