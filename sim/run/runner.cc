#include "sim/run/runner.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "sim/trace/ftrace_text_writer.h"
#include "sim/trace/perfetto_writer.h"
#include "sim/trace/tee_writer.h"

namespace scxtwin::sim {
namespace {

// Opens the --perfetto / --ftrace writers; traces->tee fans out to them (nullptr: none).
absl::Status OpenTraces(const RunConfig& config, RunTraces* traces) {
  if (!config.perfetto.empty()) {
    auto w = trace::PerfettoWriter::Open(config.perfetto);
    if (!w.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--perfetto: ", w.status().message()));
    }
    traces->writers.push_back(*std::move(w));
  }
  if (!config.ftrace.empty()) {
    // Nanosecond timestamps: the simulated times exactly (readers take any fraction digits).
    auto w = trace::FtraceTextWriter::Open(config.ftrace, {.nanoseconds = true});
    if (!w.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--ftrace: ", w.status().message()));
    }
    traces->writers.push_back(*std::move(w));
  }
  if (traces->writers.empty()) return absl::OkStatus();
  std::vector<trace::SchedTraceWriter*> ws;
  for (auto& w : traces->writers) ws.push_back(w.get());
  traces->tee = std::make_unique<trace::TeeWriter>(std::move(ws));
  return absl::OkStatus();
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Applies --set pairs: "cost.NAME" to the machine costs, anything else to the class's knobs.
// The policy's user-space half (sim/host/user_half.h) as config.user_half selects it; nullptr
// if it has none (or the class is not a sched_ext policy).
absl::StatusOr<std::unique_ptr<host::UserHalfCompanion>> MakeRunUserHalf(const RunConfig& config,
                                                                         const RunClass& cls) {
  if (cls.policy() == nullptr) {
    if (config.user_half == "auto" || config.user_half == "none") return nullptr;
    return absl::InvalidArgumentError(
        absl::StrCat("--user_half=", config.user_half, ": ", cls.name(),
                     " is not a sched_ext policy; expected --user_half=auto or none with it"));
  }
  return host::MakeUserHalf(config.user_half, *cls.policy());
}

absl::Status ApplySets(const std::vector<Assignment>& sets, MachineCosts* costs, RunClass* cls,
                       host::UserHalfCompanion* half) {
  for (const auto& [key, value] : sets) {
    absl::string_view cost = key;
    if (absl::string_view name = key; absl::ConsumePrefix(&name, "user_half.")) {
      if (half == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("--set ", key, "=", value, ": ", cls->name(),
                         " runs no user-space half; expected user_half.* only with one "
                         "(sim/host/README.md)"));
      }
      SCX_RETURN_IF_ERROR(half->Set(std::string(name), value));
    } else if (!absl::ConsumePrefix(&cost, "cost.")) {
      SCX_RETURN_IF_ERROR(cls->SetKnob(key, value));
    } else if (absl::Status s = costs->Set(cost, value); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

// Runs the simulator to the end, timing it (wall and thread CPU time, never printed).
absl::Status RunTimed(RunOutput* out) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = ThreadCpuSeconds();
  SCX_RETURN_IF_ERROR(out->sim->Run());
  out->cpu_seconds = ThreadCpuSeconds() - cpu_start;
  out->wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListKnobs(const std::string& policy,
                                                   const std::vector<std::string>& policy_dirs) {
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<RunClass> cls, MakeRunClass(policy, {policy_dirs}));
  std::vector<std::string> names = cls->KnobNames();
  // The settings of the user-space half it runs by default (--user_half=auto), if any.
  RunConfig auto_half;
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<host::UserHalfCompanion> half,
                       MakeRunUserHalf(auto_half, *cls));
  if (half != nullptr) {
    for (const std::string& n : half->SetNames()) names.push_back(absl::StrCat("user_half.", n));
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::string> DescribePolicy(const std::string& policy,
                                           const std::vector<std::string>& policy_dirs) {
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<RunClass> cls, MakeRunClass(policy, {policy_dirs}));
  return cls->Describe();
}

absl::Status CheckSets(const RunConfig& config) {
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<RunClass> cls,
                       MakeRunClass(config.policy, {config.policy_dirs}));
  MachineCosts costs;
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<host::UserHalfCompanion> half,
                       MakeRunUserHalf(config, *cls));
  return ApplySets(config.sets, &costs, cls.get(), half.get());
}

int ExitStatus(const RunOutput& run) {
  const ExtClass* ext = run.sched != nullptr ? run.sched->ext() : nullptr;
  if (ext == nullptr) return 0;
  const int64_t kind = ext->exit_info().kind;
  if (kind == SCX_EXIT_ERROR_STALL) return 5;
  return kind >= SCX_EXIT_ERROR ? 4 : 0;
}

std::string BackgroundPath(const std::string& name) {
  if (absl::StrContains(name, '/') || absl::EndsWith(name, ".textpb")) return name;
  return absl::StrCat("workloads/background_", name, ".textpb");
}

absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadRunWorkload(const RunConfig& config) {
  auto spec = LoadWorkloadFile(config.workload, config.params);
  if (!spec.ok()) return spec.status();
  for (const std::string& name : config.background) {
    const std::string path = BackgroundPath(name);
    auto bg = LoadWorkloadFile(path, {});
    if (!bg.ok()) {
      return absl::Status(
          bg.status().code(),
          absl::StrCat("--background=", name, ": ", bg.status().message(),
                       " (expected a library name such as idle or cloud, "
                       "i.e. workloads/background_NAME.textpb, or a .textpb path)"));
    }
    if (auto s = AddBackground(spec->get(), *std::move(bg)); !s.ok()) return s;
  }
  return spec;
}

absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadCheckedWorkload(const RunConfig& config) {
  SCX_ASSIGN_OR_RETURN(std::unique_ptr<WorkloadSpec> spec, LoadRunWorkload(config));
  const SimDuration duration = config.duration ? config.duration : spec->proto.duration_ns();
  SCX_RETURN_IF_ERROR(CheckWorkloadLimits(*spec, config.limits, duration).status());
  return spec;
}

std::string RunOutput::detached() const {
  if (stacked.stack != nullptr) return stacked.stack->ext_detached();
  return sim->result().detached;
}

SimTime RunOutput::detached_at() const {
  if (stacked.stack != nullptr) return stacked.stack->ext_detached_at();
  return sim->result().detached_at;
}

absl::StatusOr<CpuSet> ParseNohzFull(const std::string& list, int nr_cpus) {
  if (list.empty()) return CpuSet();
  SCX_ASSIGN_OR_RETURN(CpuSet set, ParseCpuList(list, nr_cpus, "--nohz_full"));
  if (set.Count() == nr_cpus) {
    // The kernel keeps one housekeeping CPU for timekeeping (it drops the boot CPU from the list).
    return absl::InvalidArgumentError(
        absl::StrCat("--nohz_full=", list,
                     ": names every CPU of the machine; expected at least one CPU "
                     "left out (the kernel keeps a housekeeping CPU with its tick)"));
  }
  return set;
}

absl::StatusOr<std::unique_ptr<RunOutput>> RunSimulation(const RunConfig& config) {
  auto out = std::make_unique<RunOutput>();
  SCX_ASSIGN_OR_RETURN(out->topology, Topology::Parse(config.topology));
  SCX_ASSIGN_OR_RETURN(out->spec, LoadCheckedWorkload(config));

  // The scheduling class by name (class_registry.h); --set takes costs and the class's knobs.
  SCX_ASSIGN_OR_RETURN(
      out->sched,
      MakeRunClass(config.policy, {config.policy_dirs, out->topology.nr_cpus(), &out->topology}));
  // A user-space half (scx_userland's): its task joins the workload, its loader's writes come
  // before --set's.
  SCX_ASSIGN_OR_RETURN(out->user_half, MakeRunUserHalf(config, *out->sched));
  if (out->user_half != nullptr) {
    SCX_RETURN_IF_ERROR(out->user_half->AddTask(out->spec.get()));
    SCX_RETURN_IF_ERROR(out->user_half->Prepare(out->sched->policy(), out->topology.nr_cpus()));
  }
  SCX_RETURN_IF_ERROR(ApplySets(config.sets, &out->costs, out->sched.get(), out->user_half.get()));
  ClassBuildOptions build;
  build.seed = config.seed;
  build.log = config.log;
  build.continue_after_ejection = config.continue_after_ejection;
  build.hz = out->costs.hz;
  SCX_ASSIGN_OR_RETURN(SchedClass * cls, out->sched->Build(build));
  SCX_ASSIGN_OR_RETURN(cls, StackIfNeeded(*out->spec, config.policy, cls,
                                          config.continue_after_ejection, &out->stacked));

  SCX_RETURN_IF_ERROR(OpenTraces(config, &out->traces));
  SimOptions so;
  so.seed = config.seed;
  so.duration = config.duration;
  so.max_duration = config.max_sim_time;
  so.max_tasks = config.limits.max_tasks;
  so.costs = out->costs;
  if (out->traces.tee != nullptr) {
    out->traces.tracer = std::make_unique<SchedTracer>(out->traces.tee.get(), *out->spec);
    so.observer = out->traces.tracer.get();
  }
  // A class stack moves an ejected policy's tasks to its own fair class.
  so.fallback = out->stacked.stack ? nullptr : out->sched->fallback();
  so.user_half = out->user_half.get();
  SCX_ASSIGN_OR_RETURN(so.nohz_full, ParseNohzFull(config.nohz_full, out->topology.nr_cpus()));
  out->sim = std::make_unique<Simulator>(out->topology, *out->spec, cls, so);
  SCX_RETURN_IF_ERROR(RunTimed(out.get()));
  if (out->traces.tee != nullptr) {
    SCX_RETURN_IF_ERROR(out->traces.tee->Finish(out->sim->result().end_time));
  }
  out->sched->Finish();
  return out;
}

}  // namespace scxtwin::sim
