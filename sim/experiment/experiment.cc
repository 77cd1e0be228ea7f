#include "sim/experiment/experiment.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "sim/machine/topology.h"
#include "sim/workload/spec.h"

namespace scxtwin::experiment {
namespace {

// A child sends its sample to the parent as text; %.17g round-trips a double exactly, so the
// parent's figures are the child's bit for bit.
// The ejection's reason ends the line (one line: newlines become spaces).
std::string Encode(const RunSample& s) {
  std::string why = s.ejection;
  std::replace(why.begin(), why.end(), '\n', ' ');
  return absl::StrFormat("%.17g %d %d %d %d %d %s", s.value, s.completed, s.incomplete,
                         s.ejected ? 1 : 0, s.stuck, s.capped ? 1 : 0, why);
}

absl::StatusOr<RunSample> Decode(absl::string_view text) {
  std::vector<absl::string_view> f = absl::StrSplit(text, absl::MaxSplits(' ', 6));
  RunSample s;
  int ejected = 0, capped = 0;
  if (f.size() == 7) s.ejection = std::string(f[6]);
  if (f.size() != 7 || !absl::SimpleAtod(f[0], &s.value) || !absl::SimpleAtoi(f[1], &s.completed) ||
      !absl::SimpleAtoi(f[2], &s.incomplete) || !absl::SimpleAtoi(f[3], &ejected) ||
      !absl::SimpleAtoi(f[4], &s.stuck) || !absl::SimpleAtoi(f[5], &capped)) {
    return absl::InternalError(absl::StrCat("a run process sent '", text, "'; expected a sample"));
  }
  s.ejected = ejected != 0;
  s.capped = capped != 0;
  return s;
}

}  // namespace

absl::StatusOr<Metric> ParseMetric(absl::string_view name) {
  if (name == "boot") return Metric::kBoot;
  if (name == "makespan") return Metric::kMakespan;
  if (name == "work") return Metric::kWork;
  return absl::InvalidArgumentError(
      absl::StrCat("--metric=", name, ": expected boot, makespan or work"));
}

const char* MetricName(Metric m) {
  switch (m) {
    case Metric::kBoot:
      return "boot";
    case Metric::kMakespan:
      return "makespan";
    case Metric::kWork:
      return "work";
  }
  return "?";
}

const char* MetricDescription(Metric m) {
  switch (m) {
    case Metric::kBoot:
      return "boot time, s";
    case Metric::kMakespan:
      return "makespan, s";
    case Metric::kWork:
      return "useful work, CPUs";
  }
  return "?";
}

bool HigherIsBetter(Metric m) { return m == Metric::kWork; }

uint64_t RunSeed(uint64_t base_seed, int run) {
  // SplitMix64 (Steele, Lea, Flood 2014) of the base seed advanced `run + 1` steps.
  uint64_t z = base_seed + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(run) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int FailedRuns(const PolicyResult& p) {
  int n = 0;
  for (const RunSample& s : p.samples) n += s.failed() ? 1 : 0;
  return n;
}

absl::StatusOr<RunSample> MeasureRun(const sim::RunOutput& run, Metric metric,
                                     const std::string& process) {
  const sim::RunResult& r = run.sim->result();
  RunSample s;
  s.ejected = !run.detached().empty() || !r.failure.empty();
  s.stuck = static_cast<int64_t>(r.stuck.size());
  s.capped = r.hit_max_duration;
  if (s.ejected) {
    const sim::ExtClass* ext = run.sched != nullptr ? run.sched->ext() : nullptr;
    const std::string msg = ext != nullptr ? ext->exit_info().msg : std::string();
    s.ejection = !msg.empty() ? msg : !run.detached().empty() ? run.detached() : r.failure;
  }
  double boot_sum = 0;
  for (const sim::InstanceMetrics& im : r.instances) {
    if (run.spec->processes[im.process].background) continue;  // host activity, not measured
    if (!process.empty() && run.spec->processes[im.process].name != process) continue;
    if (im.completed >= 0) {
      ++s.completed;
      boot_sum += static_cast<double>(im.completed - im.arrival) * 1e-9;
    } else {
      ++s.incomplete;
    }
  }
  switch (metric) {
    case Metric::kBoot:
      if (s.completed == 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("no instance of ",
                         process.empty() ? "any process" : absl::StrCat("process '", process, "'"),
                         " completed (", s.incomplete,
                         " still running at the end): boot time needs instances that end; use "
                         "--metric=makespan or "
                         "--metric=work, or a longer --duration"));
      }
      s.value = boot_sum / static_cast<double>(s.completed);
      break;
    case Metric::kMakespan:
      s.value = static_cast<double>(r.end_time) * 1e-9;
      break;
    case Metric::kWork: {
      int64_t useful = 0;
      for (const sim::Task& t : run.sim->tasks()) {
        if (!run.spec->processes[t.process].background) useful += t.m.run_ns - t.m.refill_ns;
      }
      s.value = r.end_time > 0 ? static_cast<double>(useful) / static_cast<double>(r.end_time) : 0;
      break;
    }
  }
  return s;
}

absl::StatusOr<PreparedExperiment> PrepareExperiment(const ExperimentConfig& config) {
  if (config.policies.empty())
    return absl::InvalidArgumentError("--policy: expected at least one policy");
  if (config.runs < 1)
    return absl::InvalidArgumentError(
        absl::StrCat("--runs=", config.runs, ": expected at least 1"));
  ExperimentResult result;
  result.config = config;

  // Everything that can be checked without running is checked here, once, so a mistake gives
  // one line instead of N failed runs.
  SCX_ASSIGN_OR_RETURN(const sim::Topology topology, sim::Topology::Parse(config.base.topology));
  result.topology = topology.spec();
  result.nr_cpus = topology.nr_cpus();
  SCX_ASSIGN_OR_RETURN(const std::unique_ptr<sim::WorkloadSpec> spec,
                       sim::LoadCheckedWorkload(config.base));
  result.workload_name = spec->proto.name();
  result.workload_params = spec->params;
  if (!config.process.empty()) {
    std::vector<std::string> names;
    for (const auto& p : spec->processes) names.push_back(p.name);
    if (std::find(names.begin(), names.end(), config.process) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--process=", config.process, ": workload ", config.base.workload,
                       " has no such process (it has: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  std::vector<std::string> labels;
  std::vector<std::vector<std::string>> knobs;
  for (const std::string& policy : config.policies) {
    const std::string label = PolicyLabel(policy);
    if (std::find(labels.begin(), labels.end(), label) != labels.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--policy: '", label, "' is listed twice"));
    }
    SCX_ASSIGN_OR_RETURN(std::vector<std::string> k,
                         sim::ListKnobs(policy, config.base.policy_dirs));
    labels.push_back(label);
    knobs.push_back(std::move(k));
  }
  SCX_ASSIGN_OR_RETURN(const std::vector<std::vector<KnobSet>> routed,
                       RouteSets(labels, knobs, config.base.sets));
  std::vector<sim::RunConfig> per_policy;
  for (size_t i = 0; i < config.policies.size(); ++i) {
    sim::RunConfig rc = config.base;
    rc.policy = config.policies[i];
    rc.sets = routed[i];
    rc.log = nullptr;
    rc.perfetto.clear();
    rc.ftrace.clear();
    SCX_RETURN_IF_ERROR(sim::CheckSets(rc));
    per_policy.push_back(std::move(rc));
    result.policies.push_back(PolicyResult{labels[i], routed[i], {}});
  }
  for (int i = 0; i < config.runs; ++i) result.seeds.push_back(RunSeed(config.base.seed, i));

  // Job j is run j % runs of policy j / runs. The job owns copies of what it needs, so it
  // outlives this frame (a backend may call it much later, or in another process).
  PreparedExperiment prepared;
  prepared.jobs = static_cast<int>(per_policy.size()) * config.runs;
  prepared.job = [per_policy, labels, seeds = result.seeds, runs = config.runs,
                  metric = config.metric,
                  process = config.process](int j) -> absl::StatusOr<std::string> {
    const size_t p = static_cast<size_t>(j / runs);
    const int i = j % runs;
    sim::RunConfig rc = per_policy[p];
    rc.seed = seeds[i];
    auto run = sim::RunSimulation(rc);
    auto sample = run.ok() ? MeasureRun(**run, metric, process) : run.status();
    if (!sample.ok()) {
      return absl::Status(
          sample.status().code(),
          absl::StrCat("policy ", labels[p], ", seed ", rc.seed, ": ", sample.status().message()));
    }
    return Encode(*sample);
  };
  prepared.result = std::move(result);
  return prepared;
}

absl::StatusOr<ExperimentResult> FinishExperiment(PreparedExperiment prepared,
                                                  const std::vector<std::string>& outputs) {
  ExperimentResult& result = prepared.result;
  const int runs = result.config.runs;
  if (static_cast<int>(outputs.size()) != prepared.jobs) {
    return absl::InternalError(
        absl::StrCat("expected ", prepared.jobs, " run results, got ", outputs.size()));
  }
  std::vector<std::string> labels;
  for (const PolicyResult& p : result.policies) labels.push_back(p.label);
  std::vector<std::vector<double>> values(labels.size());
  for (int j = 0; j < prepared.jobs; ++j) {
    SCX_ASSIGN_OR_RETURN(const RunSample sample, Decode(outputs[j]));
    const size_t p = static_cast<size_t>(j / runs);
    result.policies[p].samples.push_back(sample);
    values[p].push_back(sample.value);
  }
  result.rows = CompareToFirst(labels, values, HigherIsBetter(result.config.metric));
  return std::move(result);
}

absl::StatusOr<ExperimentResult> RunExperiment(const ExperimentConfig& config,
                                               const ProgressFn& progress, JobBackend* backend) {
  SCX_ASSIGN_OR_RETURN(PreparedExperiment prepared, PrepareExperiment(config));
  LocalBackend local(config.jobs);
  if (backend == nullptr) backend = &local;
  SCX_ASSIGN_OR_RETURN(const std::vector<std::string> outputs,
                       backend->Run(prepared.jobs, prepared.job, progress));
  return FinishExperiment(std::move(prepared), outputs);
}

}  // namespace scxtwin::experiment
