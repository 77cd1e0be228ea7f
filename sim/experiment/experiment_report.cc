#include "sim/experiment/experiment_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "sim/core/json.h"
#include "sim/experiment/svg_chart.h"
#include "sim/machine/costs.h"

namespace scxtwin::experiment {
namespace {

std::string J(const std::string& s) { return sim::JsonString(s); }  // RFC 8259
std::string Num(double v) { return absl::StrFormat("%.17g", v); }

std::string SetsText(const std::vector<KnobSet>& sets) {
  std::vector<std::string> kv;
  for (const auto& [k, v] : sets) kv.push_back(absl::StrCat(k, "=", v));
  return absl::StrJoin(kv, " ");
}

std::string MetricSentence(const ExperimentConfig& c) {
  switch (c.metric) {
    case Metric::kBoot:
      return absl::StrCat(
          "boot time = arrival to last exit of each instance of ",
          c.process.empty() ? "every process" : absl::StrCat("process '", c.process, "'"),
          ", averaged per run; seconds, lower is better");
    case Metric::kMakespan:
      return "makespan = simulated time when the last task exited; seconds, lower is better";
    case Metric::kWork:
      return "useful work = CPU time run minus cache refill after migrations, per simulated "
             "second; CPUs, higher is better";
  }
  return "";
}

// The table's metric column: a named process's instances need not be boots (a steady load's
// completion is its makespan).
std::string MetricLabel(const ExperimentConfig& c) {
  if (c.metric == Metric::kBoot && !c.process.empty())
    return absl::StrCat("completion time of ", c.process, ", s");
  return MetricDescription(c.metric);
}

// The host effects every run of the experiment had: the defaults with the --set cost.* applied
// (a cost reaches every policy, so one line holds for all).
std::vector<std::string> EffectSwitches(const ExperimentConfig& c) {
  sim::MachineCosts costs;
  for (const auto& [k, v] : c.base.sets) {
    absl::string_view key = k;
    if (absl::ConsumePrefix(&key, "cost."))
      costs.Set(key, v).IgnoreError();  // checked before the runs
  }
  std::vector<std::string> all = costs.effects.Describe();
  // The switches; timer_late and vcpu_stall (models of an emulated guest, off unless set) only
  // when they are on.
  std::vector<std::string> out(all.begin(), all.begin() + (costs.effects.timer_late ? 6 : 5));
  if (costs.effects.vcpu_stall) out.push_back("vcpu_stall=on");
  return out;
}

}  // namespace

void WriteExperimentTable(std::ostream& os, const ExperimentResult& r) {
  const ExperimentConfig& c = r.config;
  os << absl::StrFormat(
      "scxtwin experiment: workload %s (%s), topology %s (%d CPUs), %d runs per policy\n",
      r.workload_name, c.base.workload, r.topology, r.nr_cpus, c.runs);
  if (!r.workload_params.empty())
    os << "workload params: " << sim::FormatParams(r.workload_params) << "\n";
  os << absl::StrFormat("seeds: run i uses the same seed under every policy (from --seed=%d)\n",
                        c.base.seed);
  os << "metric: " << MetricSentence(c) << "\n";
  os << "host effects (sim/machine/effects.h; --set cost.NAME=on|off): "
     << absl::StrJoin(EffectSwitches(c), " ") << "\n";
  if (!c.base.background.empty()) {
    std::vector<std::string> bg;
    for (const std::string& b : c.base.background)
      bg.push_back(absl::StrCat(b, " (", sim::BackgroundPath(b), ")"));
    os << "background: " << absl::StrJoin(bg, ", ") << "\n";
  }
  os << "\n";
  os << FormatTable(MetricLabel(c), r.rows);
  bool any_sets = false;
  for (const PolicyResult& p : r.policies) any_sets |= !p.sets.empty();
  if (any_sets) {
    os << "\nknobs set\n";
    for (const PolicyResult& p : r.policies) {
      if (!p.sets.empty()) os << absl::StrFormat("  %s: %s\n", p.label, SetsText(p.sets));
    }
  }
  // What the means leave out: ejections, and instances that had not finished.
  for (const PolicyResult& p : r.policies) {
    int ejected = 0;
    int64_t incomplete = 0;
    std::string first_ejection;  // the reason of the first ejected run, in run order
    for (const RunSample& s : p.samples) {
      if (s.ejected && ejected == 0) first_ejection = s.ejection;
      ejected += s.ejected ? 1 : 0;
      incomplete += s.incomplete;
    }
    if (ejected > 0) {
      os << absl::StrFormat(
          "note: %s was ejected in %d of %d runs (the fair class ran the rest of those runs)%s\n",
          p.label, ejected, static_cast<int>(p.samples.size()),
          first_ejection.empty() ? "" : absl::StrCat("; the first: ", first_ejection));
    }
    std::vector<std::string> failed;
    for (size_t i = 0; i < p.samples.size(); ++i) {
      const RunSample& s = p.samples[i];
      if (s.stuck > 0)
        failed.push_back(absl::StrCat("run ", i, " (seed ", r.seeds[i], "): ", s.stuck,
                                      " tasks stuck in a wait nobody answers"));
      if (s.capped)
        failed.push_back(
            absl::StrCat("run ", i, " (seed ", r.seeds[i], "): stopped at the simulated-time cap"));
    }
    if (!failed.empty()) {
      os << absl::StrFormat(
          "note: %s: %d of %d runs FAILED (their samples are in the figures above): %s\n", p.label,
          FailedRuns(p), static_cast<int>(p.samples.size()), absl::StrJoin(failed, "; "));
    }
    if (incomplete > 0 && c.metric == Metric::kBoot) {
      os << absl::StrFormat(
          "note: %s: %d instances were still running at the end of their runs (not in the means)\n",
          p.label, incomplete);
    }
  }
}

void WriteExperimentJson(std::ostream& os, const ExperimentResult& r) {
  const ExperimentConfig& c = r.config;
  os << "{\"workload\":" << J(r.workload_name) << ",\"workload_file\":" << J(c.base.workload)
     << ",\"topology\":" << J(r.topology) << ",\"nr_cpus\":" << r.nr_cpus << ",\"runs\":" << c.runs
     << ",\"base_seed\":" << c.base.seed << ",\"metric\":" << J(MetricName(c.metric))
     << ",\"unit\":" << J(MetricLabel(c))
     << ",\"higher_is_better\":" << (HigherIsBetter(c.metric) ? "true" : "false")
     << ",\"process\":" << J(c.process);
  std::vector<std::string> effects, background;
  for (const std::string& e : EffectSwitches(c)) effects.push_back(J(e));
  for (const std::string& b : c.base.background) background.push_back(J(b));
  os << ",\"effects\":[" << absl::StrJoin(effects, ",") << "],\"background\":["
     << absl::StrJoin(background, ",") << "]";
  os << ",\"params\":{";
  for (size_t i = 0; i < r.workload_params.size(); ++i) {
    os << (i ? "," : "") << J(r.workload_params[i].name) << ":" << Num(r.workload_params[i].value);
  }
  os << "}";
  os << ",\"seeds\":[" << absl::StrJoin(r.seeds, ",") << "],\"policies\":[";
  for (size_t i = 0; i < r.policies.size(); ++i) {
    const PolicyResult& p = r.policies[i];
    const Row& row = r.rows[i];
    const Summary& s = row.summary;
    os << (i ? "," : "") << "{\"policy\":" << J(p.label) << ",\"sets\":{";
    for (size_t k = 0; k < p.sets.size(); ++k)
      os << (k ? "," : "") << J(p.sets[k].first) << ":" << J(p.sets[k].second);
    os << "},\"runs\":" << s.runs << ",\"mean\":" << Num(s.mean) << ",\"stdev\":" << Num(s.stdev)
       << ",\"min\":" << Num(s.min) << ",\"p50\":" << Num(s.p50) << ",\"p99\":" << Num(s.p99)
       << ",\"max\":" << Num(s.max) << ",\"speedup\":" << Num(row.speedup);
    std::vector<std::string> values, completed, incomplete;
    int ejected = 0;
    std::vector<std::string> stuck;
    for (const RunSample& x : p.samples) {
      stuck.push_back(absl::StrCat(x.stuck));
      values.push_back(Num(x.value));
      completed.push_back(absl::StrCat(x.completed));
      incomplete.push_back(absl::StrCat(x.incomplete));
      ejected += x.ejected ? 1 : 0;
    }
    os << ",\"samples\":[" << absl::StrJoin(values, ",") << "],\"completed\":["
       << absl::StrJoin(completed, ",") << "],\"incomplete\":[" << absl::StrJoin(incomplete, ",")
       << "],\"ejected_runs\":" << ejected << ",\"stuck\":[" << absl::StrJoin(stuck, ",")
       << "],\"failed_runs\":" << FailedRuns(p) << "}";
  }
  os << "]}\n";
}

std::string ExperimentCdfSvg(const ExperimentResult& r) {
  std::vector<std::pair<std::string, std::vector<double>>> series;
  for (const PolicyResult& p : r.policies) {
    std::vector<double> v;
    for (const RunSample& s : p.samples) v.push_back(s.value);
    series.emplace_back(p.label, std::move(v));
  }
  return ChartSvg(CdfChart(
      absl::StrFormat("%s on %s, %d runs per policy", r.workload_name, r.topology, r.config.runs),
      MetricLabel(r.config), series));
}

}  // namespace scxtwin::experiment
