#include "sim/run/runner.h"

#include <dirent.h>
#include <time.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "policy/knob_table.h"
#include "sim/core/fifo_class.h"
#include "sim/core/sched_tracer.h"
#include "sim/fair/fair_knobs.h"
#include "sim/trace/ftrace_text_writer.h"
#include "sim/trace/perfetto_writer.h"
#include "sim/trace/tee_writer.h"

namespace scxtwin::sim {
namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> PoliciesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = readdir(d)) {
    absl::string_view n = e->d_name;
    if (!absl::ConsumeSuffix(&n, ".so")) continue;
    absl::ConsumeSuffix(&n, "_host");
    names.emplace_back(n);
  }
  closedir(d);
  return names;
}

}  // namespace

std::vector<std::string> DefaultPolicyDirs(const char* argv0) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SCXTWIN_POLICY_DIR")) dirs.push_back(env);
  std::vector<std::string> roots;
  if (const char* r = std::getenv("RUNFILES_DIR")) roots.push_back(r);
  if (const char* r = std::getenv("TEST_SRCDIR")) roots.push_back(r);
  if (argv0) roots.push_back(absl::StrCat(argv0, ".runfiles"));
  for (const std::string& root : roots) {
    dirs.push_back(root + "/scxtwin/policy");
    dirs.push_back(root + "/scxtwin/sim/testdata");
  }
  return dirs;
}

absl::StatusOr<std::string> ResolvePolicy(const std::string& name, const std::vector<std::string>& dirs) {
  if (name.empty()) return absl::InvalidArgumentError("--policy: empty; expected a policy name or a .so path");
  if (absl::StrContains(name, '/') || absl::EndsWith(name, ".so")) {
    if (!IsFile(name)) return absl::NotFoundError(absl::StrCat("--policy=", name, ": no such file; expected a host policy object"));
    return name;
  }
  for (const std::string& dir : dirs) {
    for (const char* suffix : {"_host.so", ".so"}) {
      const std::string path = absl::StrCat(dir, "/", name, suffix);
      if (IsFile(path)) return path;
    }
  }
  const std::vector<std::string> known = KnownPolicies(dirs);
  return absl::NotFoundError(absl::StrCat("unknown policy '", name, "'; expected one of: ",
                                          known.empty() ? "(none built)" : absl::StrJoin(known, ", "),
                                          " (or a path to a host .so)"));
}

namespace {

// Opens the --perfetto / --ftrace writers; out->trace fans out to them (nullptr: none).
absl::Status OpenTraces(const RunConfig& config, RunOutput* out) {
  if (!config.perfetto.empty()) {
    auto w = trace::PerfettoWriter::Open(config.perfetto);
    if (!w.ok()) return absl::InvalidArgumentError(absl::StrCat("--perfetto: ", w.status().message()));
    out->trace_writers.push_back(*std::move(w));
  }
  if (!config.ftrace.empty()) {
    // Nanosecond timestamps: the simulated times exactly (readers take any fraction digits).
    auto w = trace::FtraceTextWriter::Open(config.ftrace, {.nanoseconds = true});
    if (!w.ok()) return absl::InvalidArgumentError(absl::StrCat("--ftrace: ", w.status().message()));
    out->trace_writers.push_back(*std::move(w));
  }
  if (out->trace_writers.empty()) return absl::OkStatus();
  std::vector<trace::SchedTraceWriter*> ws;
  for (auto& w : out->trace_writers) ws.push_back(w.get());
  out->trace = std::make_unique<trace::TeeWriter>(std::move(ws));
  return absl::OkStatus();
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

absl::Status FinishTraces(RunOutput* out) {
  if (out->trace == nullptr) return absl::OkStatus();
  return out->trace->Finish(out->sim->result().end_time);
}

}  // namespace

namespace {

// Applies --set pairs: "cost.NAME" to the machine costs, anything else to the fair class's
// params (an eevdf run) or the policy's knobs; with neither, the class is a knob-less built-in.
absl::Status ApplySets(const std::vector<std::pair<std::string, std::string>>& sets, MachineCosts* costs,
                       fair::FairParams* fair_params, host::PolicyInstance* policy) {
  for (const auto& [key, value] : sets) {
    absl::string_view k = key;
    const bool is_cost = absl::ConsumePrefix(&k, "cost.");
    if (!is_cost && policy != nullptr && !policy->knob_table().empty()) {
      // A project policy: checked against its NAME_KNOBS table, and worded, as the kernel
      // loader does ("--set 'K=V': expected a whole number in [MIN, MAX] for K (...)").
      if (absl::Status s = policy->SetKnob(key, value); !s.ok()) return s;
      continue;
    }
    absl::Status s = is_cost                  ? costs->Set(k, value)
                     : fair_params != nullptr ? fair::SetFairKnob(fair_params, key, value)
                     : policy != nullptr
                         ? policy->SetKnob(key, value)
                         : absl::InvalidArgumentError("the built-in class 'fifo' has no knobs; expected cost.NAME=V");
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ListKnobs(const std::string& policy,
                                                   const std::vector<std::string>& policy_dirs) {
  std::vector<std::string> names;
  if (policy == kFairPolicyName) {
    for (const std::string& kv : fair::DescribeFairKnobs(fair::FairParams())) {
      names.push_back(kv.substr(0, kv.find('=')));
    }
  } else if (policy != kFifoPolicyName) {  // fifo has none
    auto path = ResolvePolicy(policy, policy_dirs);
    if (!path.ok()) return path.status();
    auto instance = host::PolicyInstance::Load(*path, host::LoadOptions());
    if (!instance.ok()) return instance.status();
    for (const host::Global* g : (*instance)->Knobs()) names.push_back(g->name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> KnownPolicies(const std::vector<std::string>& dirs) {
  std::vector<std::string> known;
  for (const std::string& dir : dirs) {
    for (std::string& n : PoliciesIn(dir)) known.push_back(std::move(n));
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  return known;
}

absl::StatusOr<std::string> DescribePolicy(const std::string& policy,
                                           const std::vector<std::string>& policy_dirs) {
  if (policy == kFairPolicyName) {
    std::string out = absl::StrCat(policy, " (the simulator's fair class, EEVDF)\n  knobs:\n");
    for (const std::string& kv : fair::DescribeFairKnobs(fair::FairParams())) {
      const size_t eq = kv.find('=');
      absl::StrAppend(&out, "    ", kv.substr(0, eq), " (default ", kv.substr(eq + 1), ")\n");
    }
    return out;
  }
  if (policy == kFifoPolicyName) return absl::StrCat(policy, " (a built-in test class)\n  knobs: none\n");
  auto path = ResolvePolicy(policy, policy_dirs);
  if (!path.ok()) return path.status();
  auto instance = host::PolicyInstance::Load(*path, host::LoadOptions());
  if (!instance.ok()) return instance.status();
  const host::PolicyInstance& p = **instance;
  if (!p.knob_table().empty() || !p.stat_table().empty()) {
    return DescribePolicyTables(p.name(), p.knob_table(), p.stat_table());
  }
  // A scheduler without tables (the kernel tree's): its const volatile globals, by C type.
  std::string out = absl::StrCat(p.name(), " (", *path, ": no knob table, values checked by C type only)\n  knobs:\n");
  for (const host::Global* g : p.Knobs()) {
    auto v = p.ReadScalar(g->name);
    const char* type = g->scalar == SCXTWIN_SCALAR_BOOL ? "bool" : g->scalar == SCXTWIN_SCALAR_SIGNED ? "signed" : "unsigned";
    absl::StrAppend(&out, "    ", g->name, " (", type, " ", g->size * 8, "-bit, default ", v.ok() ? *v : 0, ")\n");
  }
  absl::StrAppend(&out, "  counters: none described\n");
  return out;
}

absl::Status CheckSets(const RunConfig& config) {
  MachineCosts costs;
  if (config.policy == kFairPolicyName) {
    fair::FairParams params;
    return ApplySets(config.sets, &costs, &params, nullptr);
  }
  if (config.policy == kFifoPolicyName) return ApplySets(config.sets, &costs, nullptr, nullptr);
  auto path = ResolvePolicy(config.policy, config.policy_dirs);
  if (!path.ok()) return path.status();
  auto instance = host::PolicyInstance::Load(*path, host::LoadOptions());
  if (!instance.ok()) return instance.status();
  return ApplySets(config.sets, &costs, nullptr, instance->get());
}

std::string PolicyName(const RunOutput& run) {
  if (run.fair != nullptr) return kFairPolicyName;
  if (run.builtin != nullptr) return run.builtin->name();
  return run.policy != nullptr ? run.policy->name() : "";
}

absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadCheckedWorkload(const RunConfig& config) {
  auto spec = LoadWorkloadFile(config.workload, config.params);
  if (!spec.ok()) return spec.status();
  const SimDuration duration = config.duration ? config.duration : (*spec)->proto.duration_ns();
  if (auto f = CheckWorkloadLimits(**spec, config.limits, duration); !f.ok()) return f.status();
  return spec;
}

absl::StatusOr<std::unique_ptr<RunOutput>> RunSimulation(const RunConfig& config) {
  auto out = std::make_unique<RunOutput>();
  auto topo = Topology::Parse(config.topology);
  if (!topo.ok()) return topo.status();
  out->topology = *std::move(topo);
  auto spec = LoadCheckedWorkload(config);
  if (!spec.ok()) return spec.status();
  out->spec = *std::move(spec);

  // The scheduling class: one built into the simulator (the fair class, FIFO), or a sched_ext
  // policy's host object hosted by the ext class. --set takes costs and the class's knobs.
  fair::FairParams fair_params;
  const bool is_fair = config.policy == kFairPolicyName;
  const bool is_fifo = config.policy == kFifoPolicyName;
  if (!is_fair && !is_fifo) {
    auto path = ResolvePolicy(config.policy, config.policy_dirs);
    if (!path.ok()) return path.status();
    out->policy_path = *path;
    host::LoadOptions lo;
    lo.nr_cpus = out->topology.nr_cpus();
    auto policy = host::PolicyInstance::Load(*path, lo);
    if (!policy.ok()) return policy.status();
    out->policy = *std::move(policy);
  }
  if (auto s = ApplySets(config.sets, &out->costs, is_fair ? &fair_params : nullptr, out->policy.get()); !s.ok()) {
    return s;
  }
  SchedClass* cls = nullptr;
  if (is_fair) {
    out->fair = std::make_unique<fair::FairClass>(fair_params);
    cls = out->fair.get();
  } else if (is_fifo) {
    out->builtin = std::make_unique<FifoClass>();
    cls = out->builtin.get();
  } else {
    ExtPolicyBinding b;
    b.ops = out->policy->ops();
    host::PolicyInstance* inst = out->policy.get();
    b.install_api = [inst](const scxtwin_host_api& api) { inst->InstallApi(api); };
    b.forget_task = [inst](const task_struct* p) { inst->ForgetTask(p); };
    ExtOptions eo;
    eo.seed = config.seed;
    eo.log = config.log;
    out->ext = std::make_unique<ExtClass>(std::move(b), eo);
    cls = out->ext.get();
  }
  if (auto s = OpenTraces(config, out.get()); !s.ok()) return s;
  SimOptions so;
  so.seed = config.seed;
  so.duration = config.duration;
  so.max_duration = config.max_sim_time;
  so.max_tasks = config.limits.max_tasks;
  so.costs = out->costs;
  if (out->trace != nullptr) {
    out->tracer = std::make_unique<SchedTracer>(out->trace.get(), *out->spec);
    so.observer = out->tracer.get();
  }
  if (config.continue_after_ejection && out->ext != nullptr) {
    // The kernel hands an ejected policy's tasks to its fair class: so does the run.
    out->fallback = std::make_unique<fair::FairClass>();
    so.fallback = out->fallback.get();
  }
  out->sim = std::make_unique<Simulator>(out->topology, *out->spec, cls, so);
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = ThreadCpuSeconds();
  if (auto s = out->sim->Run(); !s.ok()) return s;
  out->cpu_seconds = ThreadCpuSeconds() - cpu_start;
  out->wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (auto s = FinishTraces(out.get()); !s.ok()) return s;
  if (out->policy != nullptr) {
    if (auto stats = out->policy->SumPerCpuCounters("stats"); stats.ok()) out->stats = *std::move(stats);
  }
  return out;
}

}  // namespace scxtwin::sim
