// Fuzzes the workload loader and a short simulation: any text is parsed, resolved, validated and
// compiled; what loads is checked against small limits and, if within them, simulated on a small
// machine for at most 20 simulated ms under the FIFO class or the fair class (EEVDF).
// Properties: no crash, no sanitizer report, no input that runs away (the limits and the
// no-progress checks bound every run), and no broken invariant (an Internal error) in a run.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/fair/fair_class.h"
#include "sim/machine/topology.h"
#include "sim/workload/limits.h"
#include "sim/workload/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scxtwin::sim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto spec = ParseWorkload(text, "fuzz.textpb");
  if (!spec.ok()) return 0;
  WorkloadLimits limits;
  limits.max_tasks = 200;
  limits.max_instances = 50;
  limits.max_forks = 100;
  limits.max_loop_iterations = 20000;
  limits.max_loop_depth = 8;
  limits.max_memory_mb = 16;
  constexpr SimDuration kCap = 20 * kNsPerMs;
  const SimDuration duration = (*spec)->proto.duration_ns();
  if (!CheckWorkloadLimits(**spec, limits, duration).ok()) return 0;
  static const Topology topo = Topology::Make(1, 2, 2, 2);
  SimOptions so;
  so.seed = size;
  so.duration = duration > 0 && duration < kCap ? duration : kCap;
  so.max_tasks = limits.max_tasks;
  so.max_events_at_one_time = 1 << 12;
  so.max_ops_at_one_time = 1 << 12;
  so.check_every_events = 64;
  FifoClass fifo;
  scxtwin::sim::fair::FairClass fair;
  SchedClass* cls = (size & 1) ? static_cast<SchedClass*>(&fair) : &fifo;
  Simulator sim(topo, **spec, cls, so);
  absl::Status s = sim.Run();
  // A broken invariant is a simulator bug whatever the input: make it a finding.
  if (s.code() == absl::StatusCode::kInternal) {
    fprintf(stderr, "invariant broken: %s\n", std::string(s.message()).c_str());
    abort();
  }
  return 0;
}
