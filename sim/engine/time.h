// Simulated time: integer nanoseconds since the start of a run. Integers (never floating point)
// so that equal inputs give equal orderings and equal bytes out on every machine.
#ifndef SCXTWIN_SIM_ENGINE_TIME_H_
#define SCXTWIN_SIM_ENGINE_TIME_H_

#include <cstdint>

namespace scxtwin::sim {

using SimTime = int64_t;      // an instant, ns since the run started
using SimDuration = int64_t;  // a span, ns

inline constexpr SimDuration kNsPerUs = 1000;
inline constexpr SimDuration kNsPerMs = 1000 * kNsPerUs;
inline constexpr SimDuration kNsPerSec = 1000 * kNsPerMs;
inline constexpr SimTime kTimeNever = INT64_MAX;

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_ENGINE_TIME_H_
