// Drawing durations from a workload Dist with a task's random stream.
#ifndef SCXTWIN_SIM_WORKLOAD_DIST_H_
#define SCXTWIN_SIM_WORKLOAD_DIST_H_

#include <cstdint>

#include "workloads/workload.pb.h"

namespace scxtwin::sim {

// A validated Dist (see spec.h) and a stream; returns a duration >= 0 in ns.
int64_t SampleDist(const workload::Dist& d, uint64_t rng[4]);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_WORKLOAD_DIST_H_
