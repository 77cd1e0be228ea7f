// The tolerances of the twin comparison, each next to the measurement that set it.
//
// Measured: (filled in below from the VM's run-to-run spread)
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_

namespace scxtwin::twin {

struct Tolerance {
  double absolute = 0;  // in the metric's unit
  double relative = 0;  // of the VM's value; the larger of the two applies
};

inline constexpr Tolerance kCompletionRatio{0.0, 0.25};
inline constexpr Tolerance kWakeP50Us{50.0, 0.5};
inline constexpr Tolerance kWakeP99Us{500.0, 0.5};
inline constexpr Tolerance kMigrationsPerWakeup{0.10, 0.0};
inline constexpr Tolerance kOnPrevCpuShare{0.10, 0.0};
inline constexpr Tolerance kCounterShare{0.10, 0.0};

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
