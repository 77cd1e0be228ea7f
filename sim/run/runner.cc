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
#include "sim/core/fifo_class.h"

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
  std::vector<std::string> known;
  for (const std::string& dir : dirs) {
    for (const char* suffix : {"_host.so", ".so"}) {
      const std::string path = absl::StrCat(dir, "/", name, suffix);
      if (IsFile(path)) return path;
    }
    for (std::string& n : PoliciesIn(dir)) known.push_back(std::move(n));
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  return absl::NotFoundError(absl::StrCat("unknown policy '", name, "'; expected one of: ",
                                          known.empty() ? "(none built)" : absl::StrJoin(known, ", "),
                                          " (or a path to a host .so)"));
}

std::unique_ptr<SchedClass> BuiltinClass(const std::string& name) {
  // The scheduling classes built into the simulator, by --policy name. The fair class (EEVDF,
  // sim/fair/) registers here as "eevdf".
  if (name == "fifo") return std::make_unique<FifoClass>();
  return nullptr;
}

absl::StatusOr<std::unique_ptr<RunOutput>> RunSimulation(const RunConfig& config) {
  auto out = std::make_unique<RunOutput>();
  auto topo = Topology::Parse(config.topology);
  if (!topo.ok()) return topo.status();
  out->topology = *std::move(topo);
  auto spec = LoadWorkloadFile(config.workload);
  if (!spec.ok()) return spec.status();
  out->spec = *std::move(spec);
  out->builtin = BuiltinClass(config.policy);
  if (!out->builtin) {
    auto path = ResolvePolicy(config.policy, config.policy_dirs);
    if (!path.ok()) return path.status();
    out->policy_path = *path;
    host::LoadOptions lo;
    lo.nr_cpus = out->topology.nr_cpus();
    auto policy = host::PolicyInstance::Load(*path, lo);
    if (!policy.ok()) return policy.status();
    out->policy = *std::move(policy);
  }
  for (const auto& [key, value] : config.sets) {
    absl::string_view k = key;
    if (absl::ConsumePrefix(&k, "cost.")) {
      if (auto s = out->costs.Set(k, value); !s.ok()) return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": ", s.message()));
    } else if (!out->policy) {
      return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": the built-in class '", config.policy,
                                                     "' has no knobs; expected cost.NAME=V"));
    } else if (auto s = out->policy->SetKnob(key, value); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": ", s.message()));
    }
  }
  if (out->policy) {
    ExtPolicyBinding b;
    b.ops = out->policy->ops();
    host::PolicyInstance* inst = out->policy.get();
    b.install_api = [inst](const scxtwin_host_api& api) { inst->InstallApi(api); };
    b.forget_task = [inst](const task_struct* p) { inst->ForgetTask(p); };
    ExtOptions eo;
    eo.seed = config.seed;
    eo.log = config.log;
    out->ext = std::make_unique<ExtClass>(std::move(b), eo);
  }
  SchedClass* cls = out->ext ? static_cast<SchedClass*>(out->ext.get()) : out->builtin.get();
  SimOptions so;
  so.seed = config.seed;
  so.duration = config.duration;
  so.costs = out->costs;
  so.observer = config.observer;
  if (config.continue_after_ejection && out->ext) {
    out->fallback = std::make_unique<FifoClass>();
    so.fallback = out->fallback.get();
  }
  out->sim = std::make_unique<Simulator>(out->topology, *out->spec, cls, so);
  auto thread_cpu = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu();
  if (auto s = out->sim->Run(); !s.ok()) return s;
  out->cpu_seconds = thread_cpu() - cpu_start;
  out->wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (out->policy) {
    if (auto stats = out->policy->SumPerCpuCounters("stats"); stats.ok()) out->stats = *std::move(stats);
  }
  return out;
}

}  // namespace scxtwin::sim
