#include "sim/machine/effects.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scxtwin::sim {
namespace {

absl::Status SetSwitch(absl::string_view key, absl::string_view value, bool* on) {
  if (value == "on" || value == "1") {
    *on = true;
  } else if (value == "off" || value == "0") {
    *on = false;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("cost '", key, "': value '", value, "' is not on or off"));
  }
  return absl::OkStatus();
}

absl::Status SetInt(absl::string_view key, absl::string_view value, int64_t lo, int64_t hi,
                    int64_t* out) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(value, &v) || v < lo || v > hi) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cost '", key, "': value '", value, "' is not a whole number in [", lo, ", ", hi, "]"));
  }
  *out = v;
  return absl::OkStatus();
}

constexpr int64_t kMaxNs = int64_t{3600} * kNsPerSec;

// "Q0:Q1:...:QN", ascending whole nanoseconds (at most 1001 of them); "" or "0" clears it.
absl::Status SetQuantiles(absl::string_view key, absl::string_view value,
                          std::vector<SimDuration>* out) {
  std::vector<SimDuration> q;
  if (!value.empty() && value != "0") {
    for (absl::string_view item : absl::StrSplit(value, ':')) {
      int64_t v = 0;
      if (!absl::SimpleAtoi(item, &v) || v < 0 || v > kMaxNs || (!q.empty() && v < q.back()) ||
          q.size() == 1001) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cost '", key, "': value '", value,
            "' is not a list of at most 1001 ascending whole nanoseconds in [0, ", kMaxNs,
            "] separated by ':' (the quantiles at probabilities 0, 1/n, ..., 1)"));
      }
      q.push_back(v);
    }
  }
  *out = std::move(q);
  return absl::OkStatus();
}

// The value at probability `u` of the distribution given by its quantiles `q` at 0, 1/n, ..., 1,
// linearly interpolated between them.
SimDuration Quantile(const std::vector<SimDuration>& q, double u) {
  if (q.empty()) return 0;
  if (q.size() == 1) return q[0];
  const double pos = std::clamp(u, 0.0, 1.0) * static_cast<double>(q.size() - 1);
  const size_t i = std::min(static_cast<size_t>(pos), q.size() - 2);
  const double f = pos - static_cast<double>(i);
  return q[i] + static_cast<SimDuration>(f * static_cast<double>(q[i + 1] - q[i]));
}

}  // namespace

SimDuration HostEffects::TimerLate(double u) const {
  if (!timer_late) return 0;
  return Quantile(timer_late_ns, u);
}

SimDuration HostEffects::VcpuStall(double u) const {
  if (!vcpu_stall) return 0;
  return Quantile(vcpu_stall_ns, u);
}

SimDuration HostEffects::VcpuStallMeanGap() const {
  if (!Stalls()) return 0;
  // The mean of the piecewise-linear quantile function: the mean of each segment's ends.
  double mean = static_cast<double>(vcpu_stall_ns[0]);
  if (vcpu_stall_ns.size() > 1) {
    mean = 0;
    for (size_t i = 0; i + 1 < vcpu_stall_ns.size(); ++i)
      mean += 0.5 * static_cast<double>(vcpu_stall_ns[i] + vcpu_stall_ns[i + 1]);
    mean /= static_cast<double>(vcpu_stall_ns.size() - 1);
  }
  // Stopped `p` of the time: mean stall / (mean stall + mean gap) = p.
  const double p = vcpu_stall_permille / 1000.0;
  return std::max<SimDuration>(1, static_cast<SimDuration>(mean * (1 - p) / p));
}

SimDuration HostEffects::NextHaltPoll(SimDuration cur, SimDuration halt_ns) const {
  const SimDuration max = halt_poll_max_ns;
  if (halt_ns <= cur) return cur;  // the poll caught the wakeup
  if (cur > 0 && halt_ns > max) {  // a long halt: poll less
    SimDuration v = halt_poll_shrink == 0 ? 0 : cur / halt_poll_shrink;
    return v < halt_poll_grow_start_ns ? 0 : v;
  }
  if (cur < max && halt_ns < max) {  // a short halt the window missed: poll longer
    if (halt_poll_grow == 0) return cur;
    SimDuration v = cur * halt_poll_grow;
    v = std::max(v, halt_poll_grow_start_ns);
    return std::min(v, max);
  }
  return cur;
}

absl::Status HostEffects::Set(absl::string_view key, absl::string_view value) {
  if (key == "effects") {
    bool on = false;
    if (auto s = SetSwitch(key, value, &on); !s.ok()) return s;
    idle_exit = smt = freq = halt_poll = tick_cost = timer_late = on;
    // vcpu_stall models an emulated guest (listed only when on): "effects=off" stops it, "on"
    // leaves it as it was, so a server's runs with every effect on print what they did.
    if (!on) vcpu_stall = false;
    return absl::OkStatus();
  }
  const std::pair<const char*, bool*> switches[] = {{"idle_exit", &idle_exit},
                                                    {"smt", &smt},
                                                    {"freq", &freq},
                                                    {"halt_poll", &halt_poll},
                                                    {"tick_cost", &tick_cost},
                                                    {"timer_late", &timer_late},
                                                    {"vcpu_stall", &vcpu_stall}};
  for (const auto& [name, flag] : switches) {
    if (key == name) return SetSwitch(key, value, flag);
  }
  if (key == "timer_late.ns") return SetQuantiles(key, value, &timer_late_ns);
  if (key == "vcpu_stall.ns") return SetQuantiles(key, value, &vcpu_stall_ns);
  int64_t v = 0;
  if (key == "vcpu_stall.permille") {
    if (auto s = SetInt(key, value, 0, 999, &v); !s.ok()) return s;
    vcpu_stall_permille = static_cast<int>(v);
    return absl::OkStatus();
  }
  for (IdleState& st : idle_states) {
    if (key == absl::StrCat("idle.", st.name, ".exit_ns")) {
      if (auto s = SetInt(key, value, 0, kMaxNs, &v); !s.ok()) return s;
      st.exit_ns = v;
      return absl::OkStatus();
    }
    if (key == absl::StrCat("idle.", st.name, ".residency_ns")) {
      if (auto s = SetInt(key, value, 0, kMaxNs, &v); !s.ok()) return s;
      st.residency_ns = v;
      return absl::OkStatus();
    }
  }
  const struct {
    const char* name;
    int64_t lo, hi;
    int64_t* ns;
    int* pct;
  } params[] = {
      {"smt.speed_pct", 1, 100, nullptr, &smt_speed_pct},
      {"freq.idle_ns", 0, kMaxNs, &freq_idle_ns, nullptr},
      {"freq.start_pct", 1, 100, nullptr, &freq_start_pct},
      {"freq.ramp_ns", 0, kMaxNs, &freq_ramp_ns, nullptr},
      {"halt_poll.max_ns", 0, kMaxNs, &halt_poll_max_ns, nullptr},
      {"halt_poll.grow", 0, 1000, nullptr, &halt_poll_grow},
      {"halt_poll.grow_start_ns", 0, kMaxNs, &halt_poll_grow_start_ns, nullptr},
      {"halt_poll.shrink", 0, 1000, nullptr, &halt_poll_shrink},
      {"tick_cost.ns", 0, kMaxNs, &tick_cost_ns, nullptr},
  };
  for (const auto& p : params) {
    if (key != p.name) continue;
    if (auto s = SetInt(key, value, p.lo, p.hi, &v); !s.ok()) return s;
    if (p.ns) *p.ns = v;
    if (p.pct) *p.pct = static_cast<int>(v);
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("no effect '", key, "'"));
}

const char* HostEffects::Keys() {
  return "effects, idle_exit, smt, freq, halt_poll, tick_cost (=on|off), "
         "idle.<c1|c1e|c6>.<exit_ns|residency_ns>, smt.speed_pct, "
         "freq.<idle_ns|start_pct|ramp_ns>, "
         "halt_poll.<max_ns|grow|grow_start_ns|shrink>, tick_cost.ns, timer_late (=on|off), "
         "timer_late.ns (=Q0:Q1:...:QN), vcpu_stall (=on|off), vcpu_stall.ns (=Q0:Q1:...:QN), "
         "vcpu_stall.permille";
}

std::vector<std::string> HostEffects::Describe() const {
  auto onoff = [](bool b) { return b ? "on" : "off"; };
  std::vector<std::string> out = {
      absl::StrCat("idle_exit=", onoff(idle_exit)), absl::StrCat("smt=", onoff(smt)),
      absl::StrCat("freq=", onoff(freq)),           absl::StrCat("halt_poll=", onoff(halt_poll)),
      absl::StrCat("tick_cost=", onoff(tick_cost)), absl::StrCat("timer_late=", onoff(timer_late)),
  };
  for (const IdleState& st : idle_states) {
    out.push_back(absl::StrCat("idle.", st.name, ".exit_ns=", st.exit_ns));
    out.push_back(absl::StrCat("idle.", st.name, ".residency_ns=", st.residency_ns));
  }
  out.push_back(absl::StrCat("smt.speed_pct=", smt_speed_pct));
  out.push_back(absl::StrCat("freq.idle_ns=", freq_idle_ns));
  out.push_back(absl::StrCat("freq.start_pct=", freq_start_pct));
  out.push_back(absl::StrCat("freq.ramp_ns=", freq_ramp_ns));
  out.push_back(absl::StrCat("halt_poll.max_ns=", halt_poll_max_ns));
  out.push_back(absl::StrCat("halt_poll.grow=", halt_poll_grow));
  out.push_back(absl::StrCat("halt_poll.grow_start_ns=", halt_poll_grow_start_ns));
  out.push_back(absl::StrCat("halt_poll.shrink=", halt_poll_shrink));
  out.push_back(absl::StrCat("tick_cost.ns=", tick_cost_ns));
  out.push_back(absl::StrCat("timer_late.ns=",
                             timer_late_ns.empty() ? "0" : absl::StrJoin(timer_late_ns, ":")));
  // vCPU stalls, a model of an emulated guest only: listed when switched on, so a server's
  // description (every default run's output) stays as it was.
  if (vcpu_stall) {
    out.push_back("vcpu_stall=on");
    out.push_back(absl::StrCat("vcpu_stall.ns=",
                               vcpu_stall_ns.empty() ? "0" : absl::StrJoin(vcpu_stall_ns, ":")));
    out.push_back(absl::StrCat("vcpu_stall.permille=", vcpu_stall_permille));
  }
  return out;
}

std::vector<EffectRange> HostEffects::Ranges() {
  // low: the least of the effect a real host plausibly has; high: the most. Each is a
  // comma-separated list of `cost.` settings.
  return {
      {"idle_exit", "idle_exit", "idle_exit=off", "idle_exit=on",
       "idle.c6.exit_ns=290000,idle.c6.residency_ns=800000",
       "off: C-states disabled (intel_idle.max_cstate=0, idle=poll); high: Sapphire Rapids' C6 "
       "(intel_idle spr_cstates, exit 290 us, residency 800 us)"},
      {"smt", "smt.speed_pct", "smt.speed_pct=80", "smt.speed_pct=65", "smt.speed_pct=50",
       "80: two threads give 1.6x a core's throughput; 50: no gain from SMT"},
      {"freq", "freq.start_pct", "freq=off", "freq=on", "freq.start_pct=30,freq.ramp_ns=10000000",
       "off: the performance governor; high: the lowest P-state of a ~3.3 GHz part (~1 GHz) for "
       "schedutil's former 10 ms rate-limit cap"},
      {"halt_poll", "halt_poll.max_ns", "halt_poll=off", "halt_poll=on", "halt_poll.max_ns=500000",
       "off: halt_poll_ns=0, as some hosts set; high: 2.5x the default window (an estimate)"},
      {"tick_cost", "tick_cost.ns", "tick_cost=off", "tick_cost=off",
       "tick_cost=on,tick_cost.ns=5000", "an estimate: no measured figure; off by default"},
  };
}

}  // namespace scxtwin::sim
