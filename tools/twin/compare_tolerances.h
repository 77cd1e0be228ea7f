// The tolerances of the twin comparison, each next to the measurement that set it.
//
// Decision statistics: 4x the VM's run-to-run standard deviation of the metric (so a single run
// of a faithful model passes by a wide margin), the larger of the two policies', rounded up to
// 0.05. The deviation is taken over 9 runs in three boots of the guest (across boots the spread
// is larger than within one: it moves with the host's load, the vCPUs' host threads).
// Measured on a shared 2-core x86-64 host (load average 9-16 from other builds), 2-vCPU guest,
// multi-threaded TCG, workload bursty_boot (workloads/bursty_boot.textpb), eevdf and homing,
// seeds 1..3, three times:
//   bazel run //tools:twin -- compare --policy=eevdf,homing \
//     --workload=workloads/bursty_boot.textpb --cpus=2 --runs=3
//   VM, per boot (mean of 3 runs)        boot 1   boot 2   boot 3   stdev over the 9 runs
//     migrations per wakeup  eevdf        0.016    0.024    0.022    0.008
//                            homing       0.363    0.340    0.363    0.030   -> 4 x 0.030 -> 0.15
//     previous-CPU share     eevdf        0.991    0.986    0.987    0.005
//                            homing       0.727    0.744    0.715    0.023   -> 4 x 0.023 -> 0.10
//     went_home share        homing       0.121    0.088    0.125    0.019   } 4 x 0.029 -> 0.15
//     moved_idle share       homing       0.126    0.093    0.151    0.029   }
// (Within one boot the deviation was at most 0.040, 0.028 and 0.028.) No other workload set them;
// small_boot, fork_exec_storm and microvm_boot are compared under them in docs/twin.md. On
// bursty_boot itself homing's previous-CPU share differs under them (simulator 0.586, VM
// 0.715-0.744): the guest's late timers, which the simulator does not yet model (docs/twin.md).
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_

namespace scxtwin::twin {

struct Tolerance {
  double absolute = 0;  // in the metric's unit
  double relative = 0;  // of the VM's value; the larger of the two applies
};

inline constexpr Tolerance kMigrationsPerWakeup{0.15, 0.0};
inline constexpr Tolerance kOnPrevCpuShare{0.10, 0.0};
inline constexpr Tolerance kCounterShare{0.15, 0.0};
// A decision path one twin takes in at least 2% of its placements and the other never takes (a
// counter of exactly zero over the hundreds of placements of a run) disagrees whatever the
// tolerance says: that is a missing or extra branch, not noise. (It is what catches homing's
// go_home turned off on one side when the VM's went_home share is within the tolerance of 0.)
inline constexpr double kPathTakenFloor = 0.02;

// Timing metrics are checked only when the guest keeps time (workload_runner --calibrate, before
// and after the runs): a lone busy thread's wall time within 10% of its CPU time, and 500 us
// sleeps ending within 100 us on average. Otherwise the emulator and the host's load, not the
// scheduler, set the times, and the timing rows are printed but not checked. On the host above
// the guest never kept time (wall/CPU 1.00-1.36, 500 us sleeps 0.2-7.7 ms late on average; while
// the workload ran, 2-6 ms), so the timing tolerances below
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
