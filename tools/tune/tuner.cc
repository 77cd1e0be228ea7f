#include "tools/tune/tuner.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sim/host/policy_loader.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin::tune {
namespace {

using experiment::KnobSet;
using experiment::Measure;
using experiment::Metric;
using experiment::RunMeasurements;
using experiment::RunRequest;

// The search space of the policy: its table's rows (or the --knob subset), or for a scheduler
// without a table the --knob NAME=MIN..MAX ranges, defaults read from the object.
absl::Status BuildSpace(const TuneConfig& c, TuneResult* r) {
  if (c.policy == sim::kFairPolicyName || c.policy == sim::kFifoPolicyName) {
    return absl::InvalidArgumentError(
        absl::StrCat("--policy=", c.policy,
                     ": a built-in class, not a hosted policy; tune a sched_ext policy "
                     "(a name such as homing, or a host .so path)"));
  }
  auto path = sim::ResolvePolicy(c.policy, c.base.policy_dirs);
  if (!path.ok()) return path.status();
  auto instance = host::PolicyInstance::Load(*path, host::LoadOptions());
  if (!instance.ok()) return instance.status();
  const host::PolicyInstance& p = **instance;
  if (!p.knob_table().empty()) {
    for (const std::string& k : c.knobs) {
      if (absl::StrContains(k, '=')) {
        return absl::InvalidArgumentError(
            absl::StrCat("--knob=", k, ": policy ", r->label,
                         " has a knob table; name its knobs without ranges"));
      }
    }
    auto space = SpaceFromTable(r->label, p.knob_table(), c.knobs);
    if (!space.ok()) return space.status();
    r->space = *std::move(space);
    r->from_table = true;
    return absl::OkStatus();
  }
  r->from_table = false;
  if (c.knobs.empty()) {
    std::vector<std::string> names;
    for (const host::Global* g : p.Knobs()) names.push_back(g->name);
    return absl::InvalidArgumentError(absl::StrCat(
        "policy ", r->label,
        " has no knob table: name the knobs to search with --knob NAME=MIN..MAX (its knobs: ",
        names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
  }
  for (const std::string& k : c.knobs) {
    const std::string name = k.substr(0, k.find('='));
    auto def = p.ReadScalar(name);
    if (!def.ok())
      return absl::InvalidArgumentError(absl::StrCat("--knob=", k, ": ", def.status().message()));
    auto dim = ParseKnobRange(k, *def);
    if (!dim.ok()) return dim.status();
    r->space.dims.push_back(*std::move(dim));
  }
  return absl::OkStatus();
}

// The base sets: cost.NAME and POLICY.K go as they are (POLICY.K unprefixed); a knob held fixed
// leaves the search space.
absl::Status SplitFixedSets(const TuneConfig& c, TuneResult* r, std::vector<KnobSet>* costs) {
  for (const auto& [key, value] : c.base.sets) {
    if (absl::StartsWith(key, "cost.")) {
      costs->emplace_back(key, value);
      continue;
    }
    std::string knob = key;
    if (absl::StartsWith(key, r->label + ".")) knob = key.substr(r->label.size() + 1);
    r->fixed.emplace_back(knob, value);
    auto& dims = r->space.dims;
    dims.erase(std::remove_if(dims.begin(), dims.end(),
                              [&](const Dimension& d) { return d.name == knob; }),
               dims.end());
  }
  if (r->space.dims.empty())
    return absl::InvalidArgumentError("no knob left to search (every one is held by --set)");
  return absl::OkStatus();
}

std::vector<Measure> Measures(const TuneConfig& c) {
  std::vector<Measure> m = {{c.metric, c.process}};
  if (c.guard) m.push_back({c.guard->metric, c.guard->process});
  return m;
}

// Lower is better for the search: a rate is inverted (1 / rate), so ratios stay ratios.
double Objective(Metric m, double v) {
  return experiment::HigherIsBetter(m) ? (v > 0 ? 1 / v : HUGE_VAL) : v;
}

Outcome ToOutcome(const TuneConfig& c, const RunMeasurements& m) {
  Outcome o;
  o.objective = Objective(c.metric, m[0].value);
  o.valid = !m[0].ejected && (c.metric != Metric::kBoot || m[0].incomplete == 0);
  if (c.guard) o.guard = Objective(c.guard->metric, m[1].value);
  return o;
}

absl::Status CheckWorkload(const TuneConfig& c, const sim::RunConfig& base, std::string* name,
                           std::string* topology, int* nr_cpus) {
  auto topo = sim::Topology::Parse(base.topology);
  if (!topo.ok()) return topo.status();
  *topology = topo->spec();
  *nr_cpus = topo->nr_cpus();
  auto spec = sim::LoadWorkloadFile(base.workload, base.params);
  if (!spec.ok()) return spec.status();
  *name = (*spec)->proto.name();
  std::vector<std::string> names;
  for (const auto& p : (*spec)->processes) names.push_back(p.name);
  for (const std::string& p : {c.process, c.guard ? c.guard->process : std::string()}) {
    if (!p.empty() && std::find(names.begin(), names.end(), p) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("process '", p, "': workload ", base.workload,
                       " has no such process (it has: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// eevdf, the defaults and the tuned candidate on the held-out seeds of `base`.
absl::StatusOr<HeldOut> Confirm(const TuneResult& r, const sim::RunConfig& base,
                                const std::vector<KnobSet>& costs,
                                const std::vector<uint64_t>& seeds, experiment::RunBackend& backend,
                                const experiment::ProgressFn& progress) {
  const TuneConfig& c = r.config;
  HeldOut h;
  std::string unused;
  if (auto s = CheckWorkload(c, base, &unused, &h.topology, &h.nr_cpus); !s.ok()) return s;
  h.params = base.params;
  struct ArmSpec {
    Arm* arm;
    std::string label, policy;
    std::vector<KnobSet> sets;
  };
  std::vector<ArmSpec> arms = {
      {&h.eevdf, "eevdf", sim::kFairPolicyName, costs},
      {&h.defaults, absl::StrCat(r.label, " defaults"), c.policy, costs},
      {&h.tuned, absl::StrCat(r.label, " tuned"), c.policy, costs},
  };
  for (const KnobSet& s : CandidateSets(r, r.space.Defaults())) arms[1].sets.push_back(s);
  for (const KnobSet& s : CandidateSets(r, r.best)) arms[2].sets.push_back(s);
  std::vector<RunRequest> batch;
  for (const ArmSpec& a : arms) {
    for (uint64_t seed : seeds) {
      RunRequest q;
      q.config = base;
      q.config.policy = a.policy;
      q.config.sets = a.sets;
      q.config.seed = seed;
      q.measures = Measures(c);
      batch.push_back(std::move(q));
    }
  }
  auto got = backend.RunBatch(batch, progress);
  if (!got.ok()) return got.status();
  size_t j = 0;
  for (const ArmSpec& a : arms) {
    a.arm->label = a.label;
    for (size_t i = 0; i < seeds.size(); ++i, ++j) {
      const RunMeasurements& m = (*got)[j];
      a.arm->values.push_back(m[0].value);
      if (c.guard) a.arm->guard_values.push_back(m[1].value);
      a.arm->ejected += m[0].ejected ? 1 : 0;
    }
  }
  const bool higher = experiment::HigherIsBetter(c.metric);
  auto d = PairedSpeedupOf(h.defaults.values, h.tuned.values, higher);
  if (!d.ok()) return d.status();
  h.over_defaults = *d;
  auto e = PairedSpeedupOf(h.eevdf.values, h.tuned.values, higher);
  if (!e.ok()) return e.status();
  h.over_eevdf = *e;
  if (c.guard) {
    auto g = PairedSpeedupOf(h.defaults.guard_values, h.tuned.guard_values,
                             experiment::HigherIsBetter(c.guard->metric));
    if (!g.ok()) return g.status();
    h.guard_over_defaults = *g;
  }
  return h;
}

}  // namespace

absl::StatusOr<Guard> ParseGuard(absl::string_view text) {
  const size_t colon = text.find(':'), le = text.find("<=");
  Guard g;
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("--guard=", text,
                     ": expected PROCESS:METRIC<=RATIO (METRIC boot, makespan or work, "
                     "RATIO a number >= 1, PROCESS may be empty), e.g. steady:boot<=1.05"));
  };
  if (colon == absl::string_view::npos || le == absl::string_view::npos || le < colon) return bad();
  g.process = std::string(text.substr(0, colon));
  auto metric = experiment::ParseMetric(text.substr(colon + 1, le - colon - 1));
  if (!metric.ok()) return bad();
  g.metric = *metric;
  if (!absl::SimpleAtod(text.substr(le + 2), &g.ratio) || !(g.ratio >= 1) ||
      !std::isfinite(g.ratio))
    return bad();
  return g;
}

uint64_t HeldOutBase(uint64_t seed) {
  return experiment::RunSeed(seed ^ 0x686f6c646f7574ULL /* "holdout" */, 0);
}

std::vector<KnobSet> CandidateSets(const TuneResult& r, const Candidate& c) {
  std::vector<KnobSet> sets = r.fixed;
  for (size_t i = 0; i < r.space.dims.size(); ++i)
    sets.emplace_back(r.space.dims[i].name, absl::StrCat(c[i]));
  return sets;
}

absl::StatusOr<TuneResult> Tune(const TuneConfig& config, experiment::RunBackend& backend,
                                const experiment::ProgressFn& progress) {
  if (config.held_out < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("--held_out=", config.held_out, ": expected at least 2 seeds"));
  }
  TuneResult r;
  r.config = config;
  r.label = experiment::PolicyLabel(config.policy);
  std::string topology;
  int nr_cpus = 0;
  if (auto s = CheckWorkload(config, config.base, &r.workload_name, &topology, &nr_cpus); !s.ok())
    return s;
  if (auto s = BuildSpace(config, &r); !s.ok()) return s;
  std::vector<KnobSet> costs;
  if (auto s = SplitFixedSets(config, &r, &costs); !s.ok()) return s;
  // Every value the search may set is valid for the policy: check the defaults and both ends of
  // every range once, here, so a mistake is one line before any run.
  Candidate lows, highs;
  for (const Dimension& d : r.space.dims) lows.push_back(d.min), highs.push_back(d.max);
  for (const Candidate& probe : {r.space.Defaults(), lows, highs}) {
    sim::RunConfig rc = config.base;
    rc.policy = config.policy;
    rc.sets = costs;
    for (const KnobSet& s : CandidateSets(r, probe)) rc.sets.push_back(s);
    if (auto s = sim::CheckSets(rc); !s.ok()) return s;
  }

  auto plan = PlanHalving(config.budget, config.max_candidates);
  if (!plan.ok()) return plan.status();
  r.plan = *plan;
  // The candidates' stream: a mix of --seed apart from every run seed RunSeed(seed, i >= 0).
  r.candidates =
      DrawCandidates(r.space, r.plan.rungs[0].candidates, experiment::RunSeed(config.seed, -1));
  if (static_cast<int>(r.candidates.size()) < r.plan.rungs[0].candidates) {
    // A small space (a few flags): every point, and the budget replanned for that many.
    auto small = PlanHalving(config.budget, static_cast<int>(r.candidates.size()));
    if (!small.ok()) return small.status();
    r.plan = *small;
  }
  const int held_runs = 3 * config.held_out *
                        (config.variant_params.empty() && config.variant_topology.empty() ? 1 : 2);
  const int total = r.plan.runs + held_runs;
  int done_before = 0;
  auto sub_progress = [&](int done, int) {
    if (progress) progress(done_before + done, total);
  };

  // The search: candidate c on search seed s runs with RunSeed(seed, s).
  auto evaluate = [&](const std::vector<int>& cands, int begin,
                      int end) -> absl::StatusOr<std::vector<std::vector<Outcome>>> {
    std::vector<RunRequest> batch;
    for (int c : cands) {
      for (int s = begin; s < end; ++s) {
        RunRequest q;
        q.config = config.base;
        q.config.policy = config.policy;
        q.config.sets = costs;
        for (const KnobSet& k : CandidateSets(r, r.candidates[static_cast<size_t>(c)]))
          q.config.sets.push_back(k);
        q.config.seed = experiment::RunSeed(config.seed, s);
        q.measures = Measures(config);
        batch.push_back(std::move(q));
      }
    }
    auto got = backend.RunBatch(batch, sub_progress);
    if (!got.ok()) return got.status();
    done_before += static_cast<int>(batch.size());
    std::vector<std::vector<Outcome>> out;
    size_t j = 0;
    for (size_t i = 0; i < cands.size(); ++i) {
      out.emplace_back();
      for (int s = begin; s < end; ++s) out.back().push_back(ToOutcome(config, (*got)[j++]));
    }
    return out;
  };
  const double guard_ratio = config.guard ? config.guard->ratio : HUGE_VAL;
  auto search =
      SuccessiveHalving(static_cast<int>(r.candidates.size()), r.plan, evaluate, guard_ratio);
  if (!search.ok()) return search.status();
  r.search = *search;
  r.best = r.candidates[static_cast<size_t>(r.search.best)];

  // Confirmation on held-out seeds.
  r.held_out_base = HeldOutBase(config.seed);
  std::vector<uint64_t> seeds;
  for (int i = 0; i < config.held_out; ++i)
    seeds.push_back(experiment::RunSeed(r.held_out_base, i));
  for (int s = 0; s < r.plan.rungs.back().seeds; ++s) {
    if (std::find(seeds.begin(), seeds.end(), experiment::RunSeed(config.seed, s)) != seeds.end()) {
      return absl::InternalError("a held-out seed is also a search seed");
    }
  }
  auto held = Confirm(r, config.base, costs, seeds, backend, sub_progress);
  if (!held.ok()) return held.status();
  done_before += 3 * config.held_out;
  r.held_out = *std::move(held);
  if (!config.variant_params.empty() || !config.variant_topology.empty()) {
    sim::RunConfig v = config.base;
    for (const auto& p : config.variant_params) v.params.push_back(p);  // a later value wins
    if (!config.variant_topology.empty()) v.topology = config.variant_topology;
    auto variant = Confirm(r, v, costs, seeds, backend, sub_progress);
    if (!variant.ok())
      return absl::Status(variant.status().code(),
                          absl::StrCat("the variant: ", variant.status().message()));
    r.variant = *std::move(variant);
  }
  r.runs = r.search.runs + held_runs;
  if (progress) progress(total, total);
  return r;
}

}  // namespace scxtwin::tune
