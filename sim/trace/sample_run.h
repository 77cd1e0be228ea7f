// A small scripted run (a launcher execs "vmm", which forks one vCPU thread that it wakes, a
// timer wakes vmm, both exit) written through any SchedTraceWriter: the fixture of the writers'
// tests. Its replay, as trace2workload reads it back, is spelled out in sample_run.cc.
#ifndef SCXTWIN_SIM_TRACE_SAMPLE_RUN_H_
#define SCXTWIN_SIM_TRACE_SAMPLE_RUN_H_

#include <cstdint>

#include "absl/status/status.h"
#include "sim/trace/sched_trace_writer.h"

namespace scxtwin::sim::trace {

// Writes the run with every timestamp offset by `skew_ns` (to exercise sub-microsecond times),
// then Finish()es the writer.
absl::Status WriteSampleRun(SchedTraceWriter* w, int64_t skew_ns = 0);

}  // namespace scxtwin::sim::trace

#endif  // SCXTWIN_SIM_TRACE_SAMPLE_RUN_H_
