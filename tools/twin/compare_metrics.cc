#include "tools/twin/compare_metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/machine/costs.h"
#include "tools/twin/compare_tolerances.h"
#include "workloads/runner/sleep_lateness.h"

namespace scxtwin::twin {
namespace {

// The counters of a policy compared as shares of its wakeup placements: numerators, and the
// counters whose sum is the denominator (every select_cpu outcome that placed a task).
struct CounterShares {
  const char* policy;
  std::vector<std::string> compared;
  std::vector<std::string> placements;
};

const std::vector<CounterShares>& CounterTable() {
  static const auto* t = new std::vector<CounterShares>{
      {"homing",
       {"went_home", "moved_idle"},
       {"went_home", "stayed_home", "stayed_prev", "moved_idle"}},
  };
  return *t;
}

template <typename F>
double Mean(const PolicyRuns& p, F f) {
  if (p.runs.empty()) return 0;
  double s = 0;
  for (const RunMetrics& r : p.runs) s += f(r);
  return s / static_cast<double>(p.runs.size());
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

template <typename F>
double Stdev(const PolicyRuns& p, F f) {
  if (p.runs.size() < 2) return 0;
  const double mean = Mean(p, f);
  double ss = 0;
  for (const RunMetrics& r : p.runs) ss += (f(r) - mean) * (f(r) - mean);
  return std::sqrt(ss / static_cast<double>(p.runs.size() - 1));
}

Row MakeRow(std::string metric, MetricKind kind, double sim, double vm, Tolerance tol,
            const char* unit) {
  Row r{std::move(metric), kind, sim, vm};
  r.tolerance = std::max(tol.absolute, tol.relative * std::fabs(vm));
  if (tol.relative > 0 && tol.absolute > 0) {
    r.tolerance_text = absl::StrFormat("±max(%g%s, %g%%)", tol.absolute, unit, 100 * tol.relative);
  } else if (tol.relative > 0) {
    r.tolerance_text = absl::StrFormat("±%g%%", 100 * tol.relative);
  } else {
    r.tolerance_text = absl::StrFormat("±%g%s", tol.absolute, unit);
  }
  return r;
}

const PolicyRuns* Find(const std::vector<PolicyRuns>& v, const std::string& policy) {
  for (const PolicyRuns& p : v)
    if (p.policy == policy) return &p;
  return nullptr;
}

}  // namespace

bool Row::within() const {
  if (std::fabs(sim - vm) > tolerance) return false;
  const bool one_side_never = (sim == 0) != (vm == 0);
  return !(path && one_side_never && std::max(sim, vm) >= kPathTakenFloor);
}

RunMetrics FromSched(const runner::SchedMetrics& m) {
  RunMetrics r;
  r.wakeups = m.wakeups;
  r.wake_p50_us = m.Quantile(0.5) / 1000.0;
  r.wake_p99_us = m.Quantile(0.99) / 1000.0;
  r.migrations = m.migrations;
  r.with_prev_cpu = m.with_prev_cpu;
  r.on_prev_cpu = m.on_prev_cpu;
  for (int b : runner::BunchSizes(m.wake_events)) {
    ++r.wake_bunches;
    r.bunched_wakeups += b;
    r.max_bunch = std::max<int64_t>(r.max_bunch, b);
  }
  return r;
}

GuestTimers PoolGuestTimers(const std::vector<PolicyRuns>& vm) {
  GuestTimers g;
  std::vector<double> means;
  int64_t bunches = 0, wakes = 0;
  for (const PolicyRuns& p : vm) {
    for (const RunMetrics& r : p.runs) {
      if (r.sleep_late_q_ns.size() < 2 || r.irq_late_q_ns.size() != r.sleep_late_q_ns.size())
        continue;
      if (g.runs > 0 && r.sleep_late_q_ns.size() != g.quantiles_ns.size()) continue;
      g.quantiles_ns.resize(r.sleep_late_q_ns.size(), 0.0);
      g.irq_quantiles_ns.resize(r.irq_late_q_ns.size(), 0.0);
      ++g.runs;
      for (size_t i = 0; i < r.sleep_late_q_ns.size(); ++i) {  // running means
        g.quantiles_ns[i] += (r.sleep_late_q_ns[i] - g.quantiles_ns[i]) / g.runs;
        g.irq_quantiles_ns[i] += (r.irq_late_q_ns[i] - g.irq_quantiles_ns[i]) / g.runs;
      }
      g.irq_mean_ns += (r.irq_late_mean_ns - g.irq_mean_ns) / g.runs;
      g.sleeps += r.sleeps_timed;
      means.push_back(r.sleep_late_mean_ns);
      bunches += r.timer_bunches;
      wakes += r.timer_bunch_wakes;
      g.max_bunch = std::max(g.max_bunch, r.timer_bunch_max);
    }
  }
  for (double m : means) g.mean_ns += m / static_cast<double>(means.size());
  if (means.size() >= 2) {
    double ss = 0;
    for (double m : means) ss += (m - g.mean_ns) * (m - g.mean_ns);
    g.mean_stdev_ns = std::sqrt(ss / static_cast<double>(means.size() - 1));
  }
  g.wakes_per_bunch = Ratio(static_cast<double>(wakes), static_cast<double>(bunches));
  return g;
}

double RelativeSpread(const PolicyRuns& p) {
  const double mean = Mean(p, [](const RunMetrics& r) { return r.completion_ms; });
  if (p.runs.size() < 2 || mean <= 0) return 0;
  double ss = 0;
  for (const RunMetrics& r : p.runs) ss += (r.completion_ms - mean) * (r.completion_ms - mean);
  return std::sqrt(ss / static_cast<double>(p.runs.size() - 1)) / mean;
}

std::vector<Row> CompareRows(const std::vector<PolicyRuns>& sim,
                             const std::vector<PolicyRuns>& vm) {
  std::vector<Row> rows;
  const PolicyRuns* sim_base = Find(sim, "eevdf");
  const PolicyRuns* vm_base = Find(vm, "eevdf");
  auto completion = [](const RunMetrics& r) { return r.completion_ms; };
  for (const PolicyRuns& s : sim) {
    const PolicyRuns* v = Find(vm, s.policy);
    if (v == nullptr) continue;
    const std::string tag = absl::StrCat(" [", s.policy, "]");
    if (s.policy != "eevdf" && sim_base && vm_base) {
      rows.push_back(
          MakeRow(absl::StrCat(s.policy, "/eevdf completion-time ratio"), MetricKind::kTiming,
                  Ratio(Mean(s, completion), Mean(*sim_base, completion)),
                  Ratio(Mean(*v, completion), Mean(*vm_base, completion)), kCompletionRatio, ""));
      const double base = Mean(*vm_base, completion);
      rows.back().vm_stdev =
          Stdev(*v, [&](const RunMetrics& r) { return Ratio(r.completion_ms, base); });
    }
    auto add = [&](std::string metric, MetricKind kind, auto f, Tolerance tol, const char* unit) {
      rows.push_back(MakeRow(std::move(metric), kind, Mean(s, f), Mean(*v, f), tol, unit));
      rows.back().vm_stdev = Stdev(*v, f);
    };
    add(
        "wake-to-run latency p50, us" + tag, MetricKind::kTiming,
        [](const RunMetrics& r) { return r.wake_p50_us; }, kWakeP50Us, "us");
    add(
        "wake-to-run latency p99, us" + tag, MetricKind::kTiming,
        [](const RunMetrics& r) { return r.wake_p99_us; }, kWakeP99Us, "us");
    add(
        "migrations per wakeup" + tag, MetricKind::kDecision,
        [](const RunMetrics& r) {
          return Ratio(static_cast<double>(r.migrations), static_cast<double>(r.wakeups));
        },
        kMigrationsPerWakeup, "");
    add(
        "wakeups run on the previous CPU, share" + tag, MetricKind::kDecision,
        [](const RunMetrics& r) {
          return Ratio(static_cast<double>(r.on_prev_cpu), static_cast<double>(r.with_prev_cpu));
        },
        kOnPrevCpuShare, "");
    for (const CounterShares& cs : CounterTable()) {
      if (s.policy != cs.policy) continue;
      for (const std::string& c : cs.compared) {
        auto share = [&](const RunMetrics& r) {
          double total = 0;
          for (const std::string& d : cs.placements) {
            auto it = r.counters.find(d);
            if (it != r.counters.end()) total += static_cast<double>(it->second);
          }
          auto it = r.counters.find(c);
          return it == r.counters.end() ? 0.0 : Ratio(static_cast<double>(it->second), total);
        };
        add(absl::StrCat(c, " share of wakeup placements", tag), MetricKind::kDecision, share,
            kCounterShare, "");
        rows.back().path = true;
        rows.back().tolerance_text += ", taken by both";
      }
    }
  }
  return rows;
}

GuestStalls StallsFromLateness(const std::vector<double>& q, double threshold_ns) {
  GuestStalls out;
  const size_t n = q.size();
  if (n < 2) return out;
  if (q.back() <= threshold_ns) {
    for (double v : q) out.path_quantiles_ns.push_back(std::llround(std::max(0.0, v)));
    return out;
  }
  // The quantile function is linear between the given points: the probability u0 at which it
  // crosses the threshold.
  auto value_at = [&](double u) {
    const double pos = std::clamp(u, 0.0, 1.0) * static_cast<double>(n - 1);
    const size_t i = std::min(static_cast<size_t>(pos), n - 2);
    return q[i] + (pos - static_cast<double>(i)) * (q[i + 1] - q[i]);
  };
  double u0 = 0;
  if (q[0] < threshold_ns) {
    for (size_t i = 0; i + 1 < n; ++i) {
      if (q[i + 1] < threshold_ns) continue;
      const double f = q[i + 1] > q[i] ? (threshold_ns - q[i]) / (q[i + 1] - q[i]) : 1.0;
      u0 = (static_cast<double>(i) + f) / static_cast<double>(n - 1);
      break;
    }
  }
  for (size_t k = 0; k < n && u0 > 0; ++k) {
    const double u = u0 * static_cast<double>(k) / static_cast<double>(n - 1);
    out.path_quantiles_ns.push_back(std::llround(std::clamp(value_at(u), 0.0, threshold_ns)));
  }
  out.permille = std::clamp(static_cast<int>(std::lround(1000 * (1 - u0))), 0, 999);
  if (out.permille == 0) return out;
  for (size_t k = 0; k < n; ++k) {
    const double u = u0 + (1 - u0) * static_cast<double>(k) / static_cast<double>(n - 1);
    out.quantiles_ns.push_back(std::llround(std::max(threshold_ns, value_at(u))));
  }
  return out;
}

std::map<std::string, int64_t> CallbackCostsNs(const PolicyRuns& vm) {
  std::map<std::string, std::pair<int64_t, int64_t>> pooled;  // callback -> runs, ns
  for (const RunMetrics& r : vm.runs) {
    for (const auto& [prog, runs] : r.prog_runs) {
      // The longest callback name the program's name ends with, after an underscore.
      std::string op;
      for (const char* name : sim::ExtCallbackNames()) {
        const std::string suffix = absl::StrCat("_", name);
        if (absl::EndsWith(prog, suffix) && suffix.size() > op.size() + 1) op = name;
      }
      if (op.empty() || runs <= 0) continue;
      auto ns = r.prog_ns.find(prog);
      pooled[op].first += runs;
      pooled[op].second += ns == r.prog_ns.end() ? 0 : ns->second;
    }
  }
  std::map<std::string, int64_t> out;
  for (const auto& [op, rn] : pooled) {
    if (rn.first > 0 && rn.second > 0) out[op] = rn.second / rn.first;
  }
  return out;
}

}  // namespace scxtwin::twin
