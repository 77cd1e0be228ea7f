#include "tools/tune/tune_report.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/experiment/summary.h"
#include "sim/experiment/svg_chart.h"

namespace scxtwin::tune {
namespace {

using experiment::Metric;

std::string MetricWords(Metric m, const std::string& process) {
  const std::string what = m == Metric::kBoot && !process.empty()
                               ? absl::StrCat("completion time of ", process, ", s")
                               : experiment::MetricDescription(m);
  return absl::StrCat(experiment::MetricName(m), " (", what, "), ",
                      experiment::HigherIsBetter(m) ? "higher is better" : "lower is better");
}

std::string Interval(const PairedSpeedup& s) {
  return absl::StrFormat("%.3fx (95%% CI [%.3f, %.3f])", s.speedup, s.lo, s.hi);
}

// A value of the metric from an objective (a rate was inverted for the search).
double MetricValue(Metric m, double objective) {
  return experiment::HigherIsBetter(m) && objective != 0 ? 1 / objective : objective;
}

void WriteArms(std::ostream& os, const HeldOut& h, const TuneConfig& c) {
  os << absl::StrFormat("  %-18s %10s %10s %10s   %s\n", "config", "mean", "stdev", "p50",
                        "tuned's speedup over it (paired)");
  for (const Arm* a : {&h.eevdf, &h.defaults, &h.tuned}) {
    const experiment::Summary s = experiment::Summarize(a->values);
    std::string vs = a == &h.eevdf      ? Interval(h.over_eevdf)
                     : a == &h.defaults ? Interval(h.over_defaults)
                                        : "";
    os << absl::StrFormat("  %-18s %10.4f %10.4f %10.4f   %s\n", a->label, s.mean, s.stdev, s.p50,
                          vs);
  }
  for (const Arm* a : {&h.eevdf, &h.defaults, &h.tuned}) {
    if (a->ejected > 0)
      os << absl::StrFormat("  note: %s was ejected in %d runs\n", a->label, a->ejected);
  }
  if (c.guard && h.guard_over_defaults) {
    const experiment::Summary d = experiment::Summarize(h.defaults.guard_values);
    const experiment::Summary t = experiment::Summarize(h.tuned.guard_values);
    const double ratio =
        experiment::HigherIsBetter(c.guard->metric) ? d.mean / t.mean : t.mean / d.mean;
    os << absl::StrFormat(
        "  guard %s: defaults %.4f, tuned %.4f: tuned/defaults %.3f (limit %.3f: %s); tuned's "
        "speedup %s\n",
        MetricWords(c.guard->metric, c.guard->process), d.mean, t.mean, ratio, c.guard->ratio,
        ratio <= c.guard->ratio ? "kept" : "EXCEEDED on the held-out seeds",
        Interval(*h.guard_over_defaults));
  }
}

std::string Quote(const std::string& word) {
  if (word.find_first_of(" '\"$\\") == std::string::npos) return word;
  return absl::StrCat("'", word, "'");
}

}  // namespace

std::string BestSets(const TuneResult& r) {
  std::vector<std::string> out;
  for (const auto& [k, v] : CandidateSets(r, r.best))
    out.push_back(absl::StrCat("--set ", r.label, ".", k, "=", v));
  return absl::StrJoin(out, " ");
}

std::string SimLine(const TuneResult& r, const CommandWords& words, bool with_sets) {
  const TuneConfig& c = r.config;
  std::string line = absl::StrCat("bazel run //sim -- --policy=eevdf,", Quote(words.policy),
                                  " --workload=", Quote(words.workload));
  for (const auto& [k, v] : c.base.params) absl::StrAppend(&line, " --param=", k, "=", v);
  absl::StrAppend(&line, " --topology=", c.base.topology,
                  " --metric=", experiment::MetricName(c.metric));
  if (!c.process.empty()) absl::StrAppend(&line, " --process=", c.process);
  if (c.base.duration > 0) absl::StrAppend(&line, " --duration=", c.base.duration, "ns");
  absl::StrAppend(&line, " --runs=", c.held_out, " --seed=", r.held_out_base);
  for (const auto& [k, v] : c.base.sets) {
    if (absl::StartsWith(k, "cost.")) absl::StrAppend(&line, " --set ", k, "=", v);
  }
  if (with_sets) {
    absl::StrAppend(&line, " ", BestSets(r));
  } else {
    for (const auto& [k, v] : r.fixed) absl::StrAppend(&line, " --set ", r.label, ".", k, "=", v);
  }
  return line;
}

std::string ClosingLine(const TuneResult& r) {
  const PairedSpeedup& s = r.held_out.over_defaults;
  return absl::StrFormat(
      "tune: best %s: %.3fx over defaults (95%% CI [%.3f, %.3f]) on %d held-out seeds", BestSets(r),
      s.speedup, s.lo, s.hi, s.n);
}

void WriteTuneReport(std::ostream& os, const TuneResult& r, const CommandWords& words) {
  const TuneConfig& c = r.config;
  os << absl::StrFormat("tune: policy %s on workload %s (%s), topology %s (%d CPUs)\n", r.label,
                        r.workload_name, words.workload, r.held_out.topology, r.held_out.nr_cpus);
  if (!c.base.params.empty()) {
    std::vector<std::string> p;
    for (const auto& [k, v] : c.base.params) p.push_back(absl::StrCat(k, "=", v));
    os << "workload params: " << absl::StrJoin(p, " ") << "\n";
  }
  os << "metric: " << MetricWords(c.metric, c.process) << "\n";
  if (c.guard) {
    os << absl::StrFormat("guard: %s within %.3fx of the defaults'\n",
                          MetricWords(c.guard->metric, c.guard->process), c.guard->ratio);
  }
  os << "knobs searched ("
     << (r.from_table ? absl::StrCat("ranges from ", r.label, "'s knob table")
                      : "ranges from --knob")
     << "):";
  for (const Dimension& d : r.space.dims) {
    os << absl::StrFormat(" %s %d..%d%s", d.name, d.min, d.max, d.log_scale ? " (log)" : "");
  }
  os << "\n";
  if (!r.fixed.empty()) {
    std::vector<std::string> f;
    for (const auto& [k, v] : r.fixed) f.push_back(absl::StrCat(k, "=", v));
    os << "knobs held fixed: " << absl::StrJoin(f, " ") << "\n";
  }
  os << absl::StrFormat(
      "search: successive halving over paired seeds (eta 3; a rung runs its candidates on the same "
      "seeds, "
      "RunSeed(--seed=%d, i)): %d candidates (the defaults and %d drawn), %d runs of a budget of "
      "%d\n",
      c.seed, static_cast<int>(r.candidates.size()), static_cast<int>(r.candidates.size()) - 1,
      r.search.runs, c.budget);
  os << absl::StrFormat("  %-5s %10s %6s %6s %12s %12s %8s %6s\n", "rung", "candidates", "seeds",
                        "runs", "best mean", "defaults", "gain", "out");
  for (size_t k = 0; k < r.search.rungs.size(); ++k) {
    const RungReport& g = r.search.rungs[k];
    const double best = MetricValue(c.metric, g.best_objective),
                 ref = MetricValue(c.metric, g.reference_objective);
    os << absl::StrFormat("  %-5d %10d %6d %6d %12.4f %12.4f %7.3fx %6d\n", k + 1, g.candidates,
                          g.seeds, g.runs_after, best, ref,
                          g.best_objective > 0 ? g.reference_objective / g.best_objective : 0.0,
                          g.disqualified);
  }
  os << "  (gain: the rung's best over the defaults on the rung's seeds, which chose it, so "
        "optimistic; "
        "out: candidates disqualified by an ejection, unfinished instances or the guard)\n";
  os << "best: " << FormatCandidate(r.space, r.best)
     << (r.search.best == 0 ? " (the defaults: no candidate beat them)" : "") << "\n\n";

  os << absl::StrFormat(
      "held-out confirmation: %d seeds the search never used (run i: RunSeed(%d, i), as //sim "
      "--seed=%d), %d runs\n",
      c.held_out, r.held_out_base, r.held_out_base, 3 * c.held_out);
  WriteArms(os, r.held_out, c);
  os << "  95% CI: paired t interval on the per-seed log ratios (the speedup is the geometric mean "
        "of the per-seed "
        "ratios; t quantile with n-1 degrees of freedom)\n";
  if (r.variant) {
    std::vector<std::string> p;
    for (const auto& [k, v] : c.variant_params) p.push_back(absl::StrCat(k, "=", v));
    os << absl::StrFormat(
        "\nvariant (the tuned knobs unchanged on %s%stopology %s, %d CPUs; the same held-out "
        "seeds)\n",
        absl::StrJoin(p, " "), p.empty() ? "" : ", ", r.variant->topology, r.variant->nr_cpus);
    WriteArms(os, *r.variant, c);
  }
  os << "\nreproduce the held-out comparison (eevdf vs " << r.label << ", same seeds):\n"
     << "  tuned:    " << SimLine(r, words, true) << "\n"
     << "  defaults: " << SimLine(r, words, false) << "\n";
  os << ClosingLine(r) << "\n";
}

std::string TuningCurveSvg(const TuneResult& r) {
  const Metric m = r.config.metric;
  experiment::Chart chart;
  chart.title = absl::StrCat("tuning ", r.label, " on ", r.workload_name);
  chart.x_label = "runs spent";
  chart.y_label = absl::StrCat(experiment::MetricDescription(m), " (mean on the rung's seeds)");
  chart.steps = true;
  experiment::ChartSeries best{"best so far", {}}, ref{"defaults, same seeds", {}};
  for (const CurvePoint& p : r.search.curve) {
    best.points.emplace_back(p.runs, MetricValue(m, p.best));
    ref.points.emplace_back(p.runs, MetricValue(m, p.reference));
  }
  chart.series = {best, ref};
  return experiment::ChartSvg(chart);
}

}  // namespace scxtwin::tune
