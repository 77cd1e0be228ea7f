// The tolerances of the twin comparison, each next to the measurement that set it.
//
// Decision statistics: 4x the VM's run-to-run standard deviation of the metric (so a single run
// of a faithful model passes by a wide margin), the larger of the two policies', rounded up to
// 0.05. The deviation is taken over the 15 runs of five boots of the guest at host loads from
// idle to twice the host's cores: a comparison runs on a shared machine, and the guest's vCPUs
// are descheduled more the busier the host is (homing's previous-CPU share moves with that,
// 0.57 -> 0.70; within one boot it moves by 0.012 at most).
// Measured on a 2-core x86-64 host, 2-vCPU guest, multi-threaded TCG, the cached 7.3 sched_ext
// kernel, workload bursty_boot (workloads/bursty_boot.textpb), eevdf and homing, seeds 1..3,
// three boots on the otherwise idle host (load average 0.5-1.6) and two with 2 and 4 busy loops
// added on the host (load 1.2-3.3 and 3.4-6.3):
//   bazel run //tools:twin -- compare --policy=eevdf,homing \
//     --workload=workloads/bursty_boot.textpb --cpus=2 --runs=3
//   VM, per boot (mean of 3 runs)      idle 1   idle 2   idle 3   +2 loops +4 loops  stdev, 15 runs
//     migrations per wakeup  eevdf      0.002    0.002    0.002    0.004    0.010    0.004
//                            homing     0.474    0.467    0.469    0.372    0.401    0.044 -> 0.20
//     previous-CPU share     eevdf      0.999    1.000    0.999    0.999    0.995    0.002
//                            homing     0.571    0.578    0.575    0.697    0.674    0.057 -> 0.25
//     went_home share        homing     0.121    0.124    0.106    0.144    0.113    0.023 } 4 x 0.028
//     moved_idle share       homing     0.109    0.132    0.117    0.136    0.101    0.028 } -> 0.15
// On the idle host alone (9 runs) the deviations are 0.007, 0.006, 0.018 and 0.024: tolerances
// from them (0.05, 0.05, 0.10) would leave the residual gaps of small_boot and microvm_boot
// (0.07-0.09, docs/twin.md) outside. No other workload set them; small_boot, microvm_boot and
// fork_exec_storm are compared under them in docs/twin.md.
#ifndef SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
#define SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_

namespace scxtwin::twin {

struct Tolerance {
  double absolute = 0;  // in the metric's unit
  double relative = 0;  // of the VM's value; the larger of the two applies
};

inline constexpr Tolerance kMigrationsPerWakeup{0.20, 0.0};
inline constexpr Tolerance kOnPrevCpuShare{0.25, 0.0};
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
// the guest's busy thread kept time (wall/CPU 1.00-1.02) but its idle 500 us sleeps ended
// 171-340 us late on average (the emulated timer interrupt's path; while the workload ran,
// 0.14-0.52 ms on the idle host, up to 4.9 ms at load 6), so no guest passed the gate and the
// timing tolerances below could not be set from a measured spread: they are the completion-time
// spread a timing comparison needs to tell a 1.1x policy gain from none (ratio), and a wake-up
// latency within 2x; re-derive them on a machine whose guest passes the gate.
inline constexpr double kMaxBurnStretch = 1.10;
inline constexpr double kMaxSleepOvershootUs = 100.0;
inline constexpr Tolerance kCompletionRatio{0.0, 0.10};
inline constexpr Tolerance kWakeP50Us{20.0, 0.5};
inline constexpr Tolerance kWakeP99Us{200.0, 0.5};

}  // namespace scxtwin::twin

#endif  // SCXTWIN_TOOLS_TWIN_COMPARE_TOLERANCES_H_
