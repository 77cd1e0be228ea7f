// The host half of the plan: a loaded workload spec (sim/workload, the simulator's own loader)
// turned into the runner's plan (plan.h).
#ifndef SCXTWIN_WORKLOADS_RUNNER_PLAN_WRITER_H_
#define SCXTWIN_WORKLOADS_RUNNER_PLAN_WRITER_H_

#include "sim/workload/spec.h"
#include "workloads/runner/plan.h"

namespace scxtwin::runner {

Plan PlanFromSpec(const sim::WorkloadSpec& spec);

}  // namespace scxtwin::runner

#endif  // SCXTWIN_WORKLOADS_RUNNER_PLAN_WRITER_H_
