#include "tools/trace2workload/trace_stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/trace2workload/workload_emitter.h"

namespace scxtwin::trace2workload {

int64_t Percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

LogNormalFit FitLogNormal(const std::vector<int64_t>& samples) {
  LogNormalFit fit;
  double sum = 0, sum_sq = 0;
  int n = 0;
  for (int64_t x : samples) {
    if (x <= 0) continue;
    const double l = std::log(static_cast<double>(x));
    sum += l;
    sum_sq += l * l;
    ++n;
    fit.max_ns = std::max(fit.max_ns, x);
  }
  if (n == 0) return fit;
  const double mean = sum / n;
  fit.median_ns = static_cast<int64_t>(std::llround(std::exp(mean)));
  fit.sigma = n > 1 ? std::sqrt(std::max(0.0, sum_sq / n - mean * mean)) : 0.0;
  return fit;
}

namespace {

std::string LogNormalOp(const char* op, const LogNormalFit& f) {
  return absl::StrFormat("%s { lognormal { median_ns: %d sigma: %.2f max_ns: %d } }", op,
                         f.median_ns, f.sigma, f.max_ns);
}

}  // namespace

std::string FormatStats(const TreeTrace& tree) {
  std::string out = absl::StrFormat("%-24s %9s %7s %9s %9s %7s %9s %9s %6s %6s %7s\n", "thread",
                                    "cpu_ms", "oncpu", "p50_us", "p90_us", "bursts", "p50_us",
                                    "p90_us", "waits", "timed", "implied");
  int64_t cpu = 0;
  for (const ThreadTrace& t : tree.threads) {
    cpu += t.cpu_ns;
    absl::StrAppendFormat(
        &out, "%-24s %9.3f %7d %9.1f %9.1f %7d %9.1f %9.1f %6d %6d %7d\n", GroupName(t),
        t.cpu_ns / 1e6, t.oncpu_ns.size(), Percentile(t.oncpu_ns, 50) / 1e3,
        Percentile(t.oncpu_ns, 90) / 1e3, t.burst_ns.size(), Percentile(t.burst_ns, 50) / 1e3,
        Percentile(t.burst_ns, 90) / 1e3, t.waits, t.timed_sleeps, t.implied_switch_ins);
  }
  absl::StrAppendFormat(
      &out,
      "total: %d threads, %.3f s CPU, wall %.3f s (exec of %s to its last exit); "
      "oncpu = switch-in to switch-out, burst = CPU time from wakeup to block, "
      "implied = stretches whose switch-in the trace lacks (start estimated); wakers from %s\n",
      tree.threads.size(), cpu / 1e9, (tree.end_ns - tree.start_ns) / 1e9, tree.root_filename,
      tree.wakers_from_waking ? "sched_waking" : "sched_wakeup");
  out += "\nlog-normal fits (run = burst CPU time, sleep = timed blocks), as workload ops:\n";
  for (const ThreadTrace& t : tree.threads) {
    std::vector<int64_t> sleeps;
    for (const Step& step : t.program) {
      if (step.kind == Step::kSleep) sleeps.push_back(step.ns);
    }
    absl::StrAppendFormat(&out, "%-24s %s\n%-24s %s\n", GroupName(t),
                          LogNormalOp("run", FitLogNormal(t.burst_ns)), "",
                          LogNormalOp("sleep", FitLogNormal(sleeps)));
  }
  return out;
}

}  // namespace scxtwin::trace2workload
