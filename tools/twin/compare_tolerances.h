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

// Timing metrics are checked only when the guest keeps time (workload_runner --calibrate, before
// and after the runs): a lone busy thread's wall time within 10% of its CPU time, and 500 us
// sleeps ending within 100 us on average. Otherwise the emulator, not the scheduler, sets the
// times, and the timing rows are printed but not checked.
inline constexpr double kMaxBurnStretch = 1.10;
inline constexpr double kMaxSleepOvershootUs = 100.0;

inline constexpr Tolerance kCompletionRatio{0.0, 0.25};
inline constexpr Tolerance kWakeP50Us{50.0, 0.5};
inline constexpr Tolerance kWakeP99Us{500.0, 0.5};
inline constexpr Tolerance kMigrationsPerWakeup{0.10, 0.0};
inline constexpr Tolerance kOnPrevCpuShare{0.10, 0.0};
inline constexpr Tolerance kCounterShare{0.10, 0.0};

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
