#include "sim/experiment/sensitivity.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/experiment/svg_chart.h"

namespace scxtwin::experiment {
namespace {

// The experiment with one term at `level` (its settings added after the user's).
ExperimentConfig AtLevel(const ExperimentConfig& base, const SensitivityTerm& term,
                         const std::string& level) {
  ExperimentConfig c = base;
  if (term.background) {
    if (!level.empty()) c.base.background.push_back(level);
    return c;
  }
  for (absl::string_view kv : absl::StrSplit(level, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
    c.base.sets.emplace_back(absl::StrCat("cost.", p.first), p.second);
  }
  return c;
}

double Speedup(const ExperimentResult& r) { return r.rows.size() > 1 ? r.rows[1].speedup : 1; }

std::string LevelText(const SensitivityTerm& t, const std::string& level) {
  if (t.background) return level.empty() ? "none" : level;
  return level;
}

}  // namespace

std::vector<SensitivityTerm> SensitivityTerms(int64_t context_switch_ns) {
  std::vector<SensitivityTerm> terms;
  for (const sim::EffectRange& r : sim::HostEffects::Ranges()) {
    terms.push_back(SensitivityTerm{r.term, r.low, r.def, r.high, false, r.why});
  }
  terms.push_back(
      SensitivityTerm{"background", "", "", "cloud", true,
                      "none (the default) .. a working cloud host's kernel threads and daemons "
                      "(workloads/background_cloud.textpb)"});
  SensitivityTerm noise{
      "noise",
      absl::StrCat("context_switch_ns=", std::max<int64_t>(context_switch_ns - 1, 0)),
      absl::StrCat("context_switch_ns=", context_switch_ns),
      absl::StrCat("context_switch_ns=", context_switch_ns + 1),
      false,
      "not a term: the context switch 1 ns cheaper | dearer, a change of no substance; "
      "its swing is how far any change moves these runs (the same seeds, re-shuffled)"};
  noise.reference = true;
  terms.push_back(noise);
  return terms;
}

absl::StatusOr<SensitivityResult> RunSensitivity(const ExperimentConfig& config,
                                                 const std::vector<SensitivityTerm>& terms,
                                                 const ProgressFn& progress) {
  if (config.policies.size() < 2) {
    return absl::InvalidArgumentError(
        "--policy: expected at least two policies (the first is the baseline)");
  }
  const int per_experiment = static_cast<int>(config.policies.size()) * config.runs;
  const int total = per_experiment * (1 + 2 * static_cast<int>(terms.size()));
  int done_before = 0;
  auto run = [&](const ExperimentConfig& c) -> absl::StatusOr<ExperimentResult> {
    ProgressFn inner = nullptr;
    if (progress) inner = [&](int done, int) { progress(done_before + done, total); };
    auto r = RunExperiment(c, inner);
    done_before += per_experiment;
    return r;
  };
  SensitivityResult out;
  auto base = run(config);
  if (!base.ok()) return base.status();
  out.base = *std::move(base);
  const double def = Speedup(out.base);
  for (const SensitivityTerm& t : terms) {
    TermResult tr;
    tr.term = t;
    auto low = run(AtLevel(config, t, t.low));
    if (!low.ok())
      return absl::Status(low.status().code(),
                          absl::StrCat(t.name, " low (", t.low, "): ", low.status().message()));
    auto high = run(AtLevel(config, t, t.high));
    if (!high.ok())
      return absl::Status(high.status().code(),
                          absl::StrCat(t.name, " high (", t.high, "): ", high.status().message()));
    tr.low = *std::move(low);
    tr.high = *std::move(high);
    tr.speedup_low = Speedup(tr.low);
    tr.speedup_high = Speedup(tr.high);
    tr.swing = std::max(std::abs(tr.speedup_low - def), std::abs(tr.speedup_high - def));
    (t.reference ? out.references : out.terms).push_back(std::move(tr));
  }
  // Largest effect first; equal swings keep the terms' order (stable).
  std::stable_sort(out.terms.begin(), out.terms.end(),
                   [](const TermResult& a, const TermResult& b) { return a.swing > b.swing; });
  return out;
}

void WriteSensitivityTable(std::ostream& os, const SensitivityResult& r) {
  const ExperimentResult& b = r.base;
  const ExperimentConfig& c = b.config;
  const std::string& baseline = b.rows[0].policy;
  os << absl::StrFormat(
      "sensitivity: workload %s (%s), topology %s (%d CPUs), %d paired runs per setting\n",
      b.workload_name, c.base.workload, b.topology, b.nr_cpus, c.runs);
  if (!b.workload_params.empty())
    os << "workload params: " << sim::FormatParams(b.workload_params) << "\n";
  os << absl::StrFormat(
      "seeds: run i uses the same seed under every policy and every setting (from --seed=%d)\n",
      c.base.seed);
  if (!c.base.sets.empty() || !c.base.background.empty()) {
    std::vector<std::string> kv;
    for (const auto& [k, v] : c.base.sets) kv.push_back(absl::StrCat(k, "=", v));
    for (const std::string& bg : c.base.background) kv.push_back(absl::StrCat("background=", bg));
    os << "fixed: " << absl::StrJoin(kv, " ") << "\n";
  }
  os << "each term set to the low and the high end of its plausible range, every other term at its "
        "default\n";
  os << "speedup: of " << b.rows[1].policy << " over " << baseline << " ("
     << MetricDescription(c.metric) << "; > 1: faster than " << baseline << ")\n\n";
  int width = 10;
  for (const TermResult& t : r.terms) {
    width = std::max(width, static_cast<int>(LevelText(t.term, t.term.low).size() + 3 +
                                             LevelText(t.term, t.term.high).size()));
  }
  std::string head = absl::StrFormat("%-11s %-*s %8s %8s %8s %7s", "term", width, "low | high",
                                     "speedup", "", "", "swing");
  std::string sub =
      absl::StrFormat("%-11s %-*s %8s %8s %8s %7s", "", width, "", "low", "default", "high", "");
  for (const Row& row : b.rows) {
    absl::StrAppend(&head, absl::StrFormat("  %-26s", absl::StrCat(row.policy, " stdev")));
    absl::StrAppend(&sub, absl::StrFormat("  %8s %8s %8s", "low", "default", "high"));
  }
  os << head << "\n" << sub << "\n";
  const double def = Speedup(b);
  std::vector<const TermResult*> rows;
  for (const TermResult& t : r.terms) rows.push_back(&t);
  for (const TermResult& t : r.references) rows.push_back(&t);
  for (const TermResult* tp : rows) {
    const TermResult& t = *tp;
    std::string line = absl::StrFormat(
        "%-11s %-*s %7.3fx %7.3fx %7.3fx %7.3f", t.term.name, width,
        absl::StrCat(LevelText(t.term, t.term.low), " | ", LevelText(t.term, t.term.high)),
        t.speedup_low, def, t.speedup_high, t.swing);
    for (size_t p = 0; p < b.rows.size(); ++p) {
      absl::StrAppend(&line,
                      absl::StrFormat("  %8.4f %8.4f %8.4f", t.low.rows[p].summary.stdev,
                                      b.rows[p].summary.stdev, t.high.rows[p].summary.stdev));
    }
    os << line << "\n";
  }
  // The tornado: each term's speedup range on one axis, the default marked.
  double lo = def, hi = def;
  for (const TermResult* t : rows) {
    lo = std::min({lo, t->speedup_low, t->speedup_high});
    hi = std::max({hi, t->speedup_low, t->speedup_high});
  }
  constexpr int kWidth = 50;
  auto col = [&](double v) {
    return hi > lo ? static_cast<int>(std::lround((v - lo) / (hi - lo) * (kWidth - 1)))
                   : kWidth / 2;
  };
  os << absl::StrFormat(
      "\ntornado: speedup from %.3fx to %.3fx; L low end, H high end, | the default (%.3fx)\n", lo,
      hi, def);
  for (const TermResult* tp : rows) {
    const TermResult& t = *tp;
    std::string bar(kWidth, ' ');
    const int a = col(t.speedup_low), z = col(t.speedup_high);
    for (int i = std::min(a, z); i <= std::max(a, z); ++i) bar[i] = '=';
    bar[col(def)] = '|';
    bar[a] = 'L';
    bar[z] = a == z ? '*' : 'H';
    os << absl::StrFormat("%-11s %s\n", t.term.name, bar);
  }
  os << "\nranges (low | high) and where they come from\n";
  for (const TermResult* t : rows) os << "  " << t->term.name << ": " << t->term.why << "\n";
  if (!r.references.empty()) {
    double noise = 0;
    for (const TermResult& t : r.references) noise = std::max(noise, t.swing);
    os << absl::StrFormat(
        "noise: a change of no substance moves the speedup by up to %.3f; a term's swing below "
        "that is not told apart from it at %d runs\n",
        noise, c.runs);
  }
  if (r.terms.empty()) {
    os << "sensitivity: 0 terms\n";
    return;
  }
  const TermResult& top = r.terms.front();
  os << absl::StrFormat("sensitivity: %d terms, largest: %s (speedup %.3fx..%.3fx)\n",
                        static_cast<int>(r.terms.size()), top.term.name, top.speedup_low,
                        top.speedup_high);
}

std::string SensitivitySvg(const SensitivityResult& r) {
  Chart chart;
  chart.title =
      absl::StrCat("sensitivity: speedup of ", r.base.rows.size() > 1 ? r.base.rows[1].policy : "",
                   " over ", r.base.rows[0].policy, ", ", r.base.workload_name);
  chart.x_label = "speedup (low setting to high setting)";
  chart.y_label = "term (largest effect on top)";
  std::vector<const TermResult*> rows;
  for (const TermResult& t : r.terms) rows.push_back(&t);
  for (const TermResult& t : r.references) rows.push_back(&t);
  const double n = static_cast<double>(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const double y = n - static_cast<double>(i);
    chart.series.push_back(
        ChartSeries{rows[i]->term.name, {{rows[i]->speedup_low, y}, {rows[i]->speedup_high, y}}});
  }
  const double def = Speedup(r.base);
  chart.series.push_back(ChartSeries{"default", {{def, 0.5}, {def, n + 0.5}}});
  return ChartSvg(chart);
}

}  // namespace scxtwin::experiment
