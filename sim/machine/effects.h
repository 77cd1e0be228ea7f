// The host effects beside the cost table: how a real server's hardware and kernel slow or delay
// a task beyond the scheduler's choices. Each term has a default taken from a published figure
// (named at the term), a plausible range (what the sensitivity tool varies), and is set or
// switched off with `--set cost.NAME=V` like the costs (MachineCosts::Set forwards here).
//
//   idle_exit   a CPU leaving an idle state starts its task later by that state's exit latency;
//               the state is the deepest whose target residency fits the time the CPU was idle
//   smt         a task runs slower while its core's other hardware thread is busy
//   freq        a CPU that was idle long enough runs slow for a while after it wakes
//   halt_poll   a vCPU thread that halts polls (stays on its CPU, busy) before it sleeps, with
//               KVM's adaptive window
//   tick_cost   each scheduler tick on a busy CPU takes CPU time from the running task
//   timer_late  a sleep ends later than asked, by a delay drawn from a measured distribution (a
//               model of an emulated guest's timers, set by twin compare; off by default)
//   vcpu_stall  a CPU stops now and then for a drawn time (an emulated guest's vCPU whose host
//               thread is not running): its task makes no progress, its timers and reschedule
//               requests wait for it to resume (set by twin compare; off by default)
#ifndef SCXTWIN_SIM_MACHINE_EFFECTS_H_
#define SCXTWIN_SIM_MACHINE_EFFECTS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sim/engine/time.h"

namespace scxtwin::sim {

// One idle state: how long leaving it takes, and how long the CPU must stay idle for the
// governor to choose it.
struct IdleState {
  const char* name;
  SimDuration exit_ns;
  SimDuration residency_ns;
};
inline constexpr int kNumIdleStates = 3;

// A term's plausible range: the values the sensitivity tool runs (low, the default, high),
// as `--set cost.KEY=V` strings.
struct EffectRange {
  std::string term;  // the switch name (idle_exit, smt, ...)
  std::string key;   // the parameter varied
  std::string low, def, high;
  std::string why;  // where the range comes from
};

struct HostEffects {
  // Idle-state exit latency. Source: the kernel's intel_idle table for Skylake-SP Xeon
  // (drivers/idle/intel_idle.c, skx_cstates): C1 exit 2 us / residency 2 us, C1E 10 / 20 us,
  // C6 133 / 600 us. The state chosen is the deepest whose residency is at most the actual idle
  // time (an ideal governor; menu/teo predict it and sometimes choose shallower or deeper).
  bool idle_exit = true;
  std::array<IdleState, kNumIdleStates> idle_states = {{
      {"c1", 2 * kNsPerUs, 2 * kNsPerUs},
      {"c1e", 10 * kNsPerUs, 20 * kNsPerUs},
      {"c6", 133 * kNsPerUs, 600 * kNsPerUs},
  }};

  // SMT contention: a running task progresses at this percentage of its speed while another
  // task (or a polling vCPU) runs on its core's sibling thread. Source: Intel's Hyper-Threading
  // figure of up to 30% more throughput from two threads on one core (Marr et al., Intel
  // Technology Journal 6(1), 2002): 1.3 / 2 = 65% per thread.
  bool smt = true;
  int smt_speed_pct = 65;

  // Frequency ramp after idle (schedutil). A CPU that was idle for at least freq_idle_ns runs
  // at freq_start_pct of its speed for the first freq_ramp_ns after it wakes, then at full speed.
  // Sources: PELT's 32 ms half-life (kernel/sched/pelt): after one half-life the CPU's
  // utilisation signal has halved; schedutil requests 1.25 x utilisation (map_util_freq), so
  // 62% of the maximum; it re-evaluates at most once per rate limit, cpufreq's default transition
  // delay of 1 ms (cpufreq_policy_transition_delay_us, for a driver stating no latency).
  bool freq = true;
  SimDuration freq_idle_ns = 32 * kNsPerMs;
  int freq_start_pct = 62;
  SimDuration freq_ramp_ns = 1 * kNsPerMs;

  // KVM halt polling, for tasks of groups marked halt_poll (vCPU threads). Source:
  // virt/kvm/kvm_main.c and arch/x86/include/asm/kvm_host.h: halt_poll_ns 200000
  // (KVM_HALT_POLL_NS_DEFAULT, the cap), halt_poll_ns_grow 2, halt_poll_ns_grow_start 10000,
  // halt_poll_ns_shrink 2; each vCPU's window starts at 0 and after every halt: unchanged if the
  // halt ended within the window; halved when the halt was longer than the cap; else grown
  // (x grow, at least grow_start, at most the cap) when the halt was shorter than the cap.
  // Polling stops early when the CPU is asked to reschedule (kvm_vcpu_can_poll's need_resched).
  bool halt_poll = true;
  SimDuration halt_poll_max_ns = 200 * kNsPerUs;
  int halt_poll_grow = 2;
  SimDuration halt_poll_grow_start_ns = 10 * kNsPerUs;
  int halt_poll_shrink = 2;

  // The scheduler tick's own CPU time on a busy CPU, taken from the running task. No measured
  // figure was found, so it is off by default; the sensitivity range is an estimate.
  bool tick_cost = false;
  SimDuration tick_cost_ns = 2 * kNsPerUs;

  // Late timers: every `sleep` of the workload ends later than asked by a delay drawn from
  // timer_late_ns, the quantiles of the lateness at evenly spaced probabilities (0, 1/n, ..., 1),
  // linearly interpolated between them. A server's hrtimers fire within microseconds, so it is off
  // by default and has no sensitivity range; an emulated guest's timers fire milliseconds late
  // (the vCPU's host thread must run to take the interrupt), and `twin compare --guest-timers`
  // measures that distribution in the guest's own runs (each sleep's deadline matched with its
  // wake in the run's trace, per interrupt) and sets it here, so the simulator models the guest's
  // machine, not a server (docs/twin.md).
  bool timer_late = false;
  std::vector<SimDuration> timer_late_ns;  // ascending; empty: no lateness

  // vCPU stalls: each CPU runs for an exponentially distributed time, then stops for a time
  // drawn from vcpu_stall_ns (quantiles at evenly spaced probabilities, interpolated as
  // timer_late_ns), over and over, each CPU on its own. While a CPU is stopped its task makes no
  // progress (its run time still counts, as the guest's clock runs on), and its timers (the
  // tick, the ends of sleeps armed on it) and requests to reschedule it (a wake placed there, a
  // preemption) are taken when it resumes; to the scheduler it looks as it did when it stopped
  // (busy, or idle). The mean running time between stalls is set so that a CPU is stopped
  // vcpu_stall_permille of the time. This models an emulated guest on a loaded host, where a
  // vCPU is a host thread the host deschedules; `twin compare --guest-timers` derives both
  // parameters from the guest's measured timer lateness (docs/twin.md). Off by default.
  bool vcpu_stall = false;
  std::vector<SimDuration> vcpu_stall_ns;  // ascending; empty: no stalls
  int vcpu_stall_permille = 0;             // share of the time a CPU is stopped, 0..999

  // The exit latency after `idle_for` of idle (0 when the term is off or the CPU was not idle
  // long enough for C1).
  SimDuration IdleExitLatency(SimDuration idle_for) const {
    if (!idle_exit) return 0;
    SimDuration lat = 0;
    for (const IdleState& s : idle_states) {
      if (idle_for >= s.residency_ns && s.residency_ns > 0) lat = s.exit_ns;
    }
    return lat;
  }
  // Per mille of full speed of a CPU whose sibling is (not) busy and that is (not) in its ramp.
  int SpeedPermille(bool sibling_busy, bool ramping) const {
    int64_t pm = 1000;
    if (smt && sibling_busy) pm = pm * smt_speed_pct / 100;
    if (freq && ramping) pm = pm * freq_start_pct / 100;
    return static_cast<int>(pm < 1 ? 1 : pm);
  }
  bool FreqRamps() const { return freq && freq_start_pct < 100 && freq_ramp_ns > 0; }
  bool HaltPolls() const { return halt_poll && halt_poll_max_ns > 0; }
  SimDuration TickCost() const { return tick_cost ? tick_cost_ns : 0; }
  // The lateness of a timer for a uniform draw `u` in [0, 1] (0 when the term is off).
  SimDuration TimerLate(double u) const;
  // A stall's length for a uniform draw `u` in [0, 1] (0 when the term is off).
  SimDuration VcpuStall(double u) const;
  // The mean running time between two stalls of a CPU (0: no stalls).
  SimDuration VcpuStallMeanGap() const;
  bool Stalls() const { return vcpu_stall && !vcpu_stall_ns.empty() && vcpu_stall_permille > 0; }
  // The next window after a halt of `halt_ns` with window `cur` (KVM's grow/shrink rules).
  SimDuration NextHaltPoll(SimDuration cur, SimDuration halt_ns) const;

  // Sets one term by key (without the "cost." prefix): a switch NAME=on|off, "effects=on|off"
  // (all of them), or a parameter. Returns NotFound for a key that is not an effect (the cost
  // table then tries it), InvalidArgument for a bad value.
  absl::Status Set(absl::string_view key, absl::string_view value);
  // Every term as "name=value", switches first, in a fixed order (printed with every run).
  std::vector<std::string> Describe() const;
  // The terms' plausible ranges, for the sensitivity tool, each with its source.
  static std::vector<EffectRange> Ranges();
  // The keys Set accepts, for error messages.
  static const char* Keys();
};

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_MACHINE_EFFECTS_H_
