// The tolerances of the twin comparison, each next to the measurement that set it.
//
// Decision statistics: 4x the largest run-to-run standard deviation the VM showed for the metric
// (so a single run of a faithful model passes by a wide margin), rounded up to 0.05. Measured on
// a shared 2-core x86-64 host (load average 11-14 from other builds), 2-vCPU guest, multi-threaded
// TCG, workload small_boot (workloads/small_boot.textpb), eevdf and homing, 3 runs each, twice:
//   bazel run //tools:twin -- compare --policy=eevdf,homing \
//     --workload=workloads/small_boot.textpb --cpus=2 --runs=3
//   VM stdev over runs (eevdf / homing):   first            second
//     migrations per wakeup               0.024 / 0.003    0.001 / 0.016   -> 4 x 0.024 -> 0.10
//     wakeups on the previous CPU, share  0.025 / 0.008    0.001 / 0.024   -> 4 x 0.025 -> 0.10
//     went_home share of placements       - / 0.028        - / 0.018       -> } 4 x 0.032 -> 0.15
//     moved_idle share of placements      - / 0.032        - / 0.030       -> }
// Those were the within-boot figures; the spread across boots (below) set the tolerances in use.
// The other workloads of docs/twin.md were not used to set them.
// Across boots the spread is larger than within one, and it moves with the host's load (the
// vCPUs' host threads): homing's migrations per wakeup on small_boot came out 0.231, 0.284, 0.344,
// 0.347 and 0.409 in five boots (load average 2-20; stdev 0.068), its previous-CPU share 0.791,
// 0.721, 0.674, 0.656 and 0.593 (stdev 0.074). 4x those, rounded up: 0.30 for both. A model with
// go_home off still fails: its went_home path is never taken (kPathTakenFloor below).
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_

namespace scxtwin::twin {

struct Tolerance {
  double absolute = 0;  // in the metric's unit
  double relative = 0;  // of the VM's value; the larger of the two applies
};

inline constexpr Tolerance kMigrationsPerWakeup{0.30, 0.0};
inline constexpr Tolerance kOnPrevCpuShare{0.30, 0.0};
// The counter shares vary more across boots than within one: homing's moved_idle share came out
// 0.193, 0.127, 0.144 and 0.286 in four boots of small_boot on this host (load average 2-20;
// stdev 0.071) and went_home's 0.215, 0.144, 0.228, 0.180 and 0.260 (stdev 0.045). 4x the larger
// stdev, rounded up: 0.30. That is loose beside shares of about 0.2: across boots of a TCG guest
// these counters tell a path taken from one never taken (kPathTakenFloor) and gross
// differences, not a few points.
inline constexpr Tolerance kCounterShare{0.30, 0.0};
// A decision path one twin takes in at least 2% of its placements and the other never takes (a
// counter of exactly zero over the hundreds of placements of a run) disagrees whatever the
// tolerance says: that is a missing or extra branch, not noise. (It is what catches homing's
// go_home turned off on one side when the VM's went_home share is within the tolerance of 0.)
inline constexpr double kPathTakenFloor = 0.02;

// Timing metrics are checked only when the guest keeps time (workload_runner --calibrate, before
// and after the runs): a lone busy thread's wall time within 10% of its CPU time, and 500 us
// sleeps ending within 100 us on average. Otherwise the emulator and the host's load, not the
// scheduler, set the times, and the timing rows are printed but not checked. On the host above
// the guest never kept time (wall/CPU 1.36, sleeps 1850 us late), so the timing tolerances below
// could not be set from a measured spread: they are the completion-time spread a timing
// comparison needs to tell a 1.1x policy gain from none (ratio), and a wake-up latency within
// 2x; re-derive them on a machine whose guest passes the gate.
inline constexpr double kMaxBurnStretch = 1.10;
inline constexpr double kMaxSleepOvershootUs = 100.0;
inline constexpr Tolerance kCompletionRatio{0.0, 0.10};
inline constexpr Tolerance kWakeP50Us{20.0, 0.5};
inline constexpr Tolerance kWakeP99Us{200.0, 0.5};

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
