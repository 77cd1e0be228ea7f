#include "sim/bench/boot_bench.h"

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "sim/run/runner.h"

namespace scxtwin::sim {
namespace {

constexpr int kCpuCounts[] = {16, 64};
// The README's main job: what `bazel run //:seed` runs (sim/experiment/seed_experiment.sh).
constexpr int kMainJobRuns = 30;
constexpr const char* kMainJobPolicies[] = {"eevdf", "homing", "vtime"};

// The fair class (the baseline), then every project policy (the scx_policy list, found in the
// runfiles: //policy:policies_host).
std::vector<std::string> g_policies;

std::string g_argv0;
std::string g_runfiles;  // <runfiles>/scxtwin

// Measured figures, kept for the ratios printed at the end.
std::map<std::pair<std::string, int>, double> g_boots_per_s;      // (policy, cpus)
std::map<std::pair<std::string, int>, double> g_seconds_per_run;  // wall time of one run
std::map<std::pair<std::string, int>, double> g_boots_per_cpu_s;  // per CPU second of this process
double g_main_job_s = 0;

// The host shape //:seed gives N CPUs: SMT pairs, one LLC per 16 cores.
std::string HostTopology(int cpus) {
  const int cores = cpus / 2;
  const int llcs = cores > 16 && cores % 16 == 0 ? cores / 16 : 1;
  return absl::StrCat("1x", llcs, "x", cores / llcs, "x2");
}

double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

RunConfig BootRun(const std::string& policy, int cpus) {
  RunConfig config;
  config.policy = policy;
  config.policy_dirs = DefaultPolicyDirs(g_argv0.c_str());
  config.workload = g_runfiles + "/workloads/microvm_boot.textpb";
  config.params = {{"vcpus", absl::StrCat(cpus)}};  // one vCPU per host CPU, as //:seed
  config.topology = HostTopology(cpus);
  return config;
}

// One iteration = one run of the boot workload, from loading the policy to the last exit (what
// each run of an experiment costs); boots = process instances that completed.
void BM_Boot(benchmark::State& state, std::string policy) {
  const int cpus = static_cast<int>(state.range(0));
  RunConfig config = BootRun(policy, cpus);
  int64_t boots = 0;
  double seconds = 0, cpu_seconds = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    config.seed = seed++;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ProcessCpuSeconds();
    auto run = RunSimulation(config);
    cpu_seconds += ProcessCpuSeconds() - cpu_start;
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!run.ok()) {
      state.SkipWithError(std::string(run.status().message()).c_str());
      return;
    }
    state.SetIterationTime(s);
    seconds += s;
    for (const InstanceMetrics& im : (*run)->sim->result().instances)
      boots += im.completed >= 0 ? 1 : 0;
  }
  state.counters["boots/s"] =
      benchmark::Counter(static_cast<double>(boots), benchmark::Counter::kIsRate);
  // The same per CPU second: steadier than wall time on a shared machine.
  if (cpu_seconds > 0) {
    state.counters["boots/cpu_s"] = static_cast<double>(boots) / cpu_seconds;
    g_boots_per_cpu_s[{policy, cpus}] = static_cast<double>(boots) / cpu_seconds;
  }
  const double iterations = static_cast<double>(state.iterations());
  if (seconds > 0) g_boots_per_s[{policy, cpus}] = static_cast<double>(boots) / seconds;
  if (iterations > 0) g_seconds_per_run[{policy, cpus}] = seconds / iterations;
}

// The README's main job as a user runs it (after the build): the //:seed script, in its own
// processes, timed on the wall clock.
void BM_MainJob(benchmark::State& state) {
  const std::string seed = g_runfiles + "/sim/experiment/seed";
  if (access(seed.c_str(), X_OK) != 0) {
    state.SkipWithError("//sim/experiment:seed is not in the runfiles");
    return;
  }
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
      // The table goes nowhere: the figure is the time.
      freopen("/dev/null", "w", stdout);
      execl(seed.c_str(), seed.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("the main job failed (run `bazel run //:seed` to see why)");
      return;
    }
    state.SetIterationTime(s);
    g_main_job_s = s;
  }
  state.counters["runs"] = kMainJobRuns * static_cast<int>(std::size(kMainJobPolicies));
}

}  // namespace

void RegisterBootBenchmarks(const std::string& argv0) {
  g_argv0 = argv0;
  for (const std::string& root :
       {std::string(getenv("RUNFILES_DIR") ? getenv("RUNFILES_DIR") : ""), argv0 + ".runfiles",
        std::string(getenv("TEST_SRCDIR") ? getenv("TEST_SRCDIR") : "")}) {
    if (!root.empty() && access((root + "/scxtwin/workloads").c_str(), F_OK) == 0) {
      g_runfiles = root + "/scxtwin";
      break;
    }
  }
  g_policies = {kFairPolicyName};
  for (std::string& p : ProjectPolicies(argv0.c_str())) g_policies.push_back(std::move(p));
  for (const std::string& policy : g_policies) {
    auto* b = benchmark::RegisterBenchmark(absl::StrCat("BM_Boot/", policy).c_str(), BM_Boot,
                                           std::string(policy));
    for (int cpus : kCpuCounts) b->Arg(cpus);
    b->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
  }
  benchmark::RegisterBenchmark("BM_MainJob", BM_MainJob)
      ->UseManualTime()
      ->Unit(benchmark::kSecond)
      ->Iterations(1);
}

void PrintBootRatios() {
  if (g_boots_per_s.empty() && g_main_job_s == 0) return;
  std::printf(
      "\nsimulated micro-VM boots per second of wall time (workloads/microvm_boot.textpb, vcpus = "
      "cpus)\n");
  std::printf("%-8s %6s %12s %12s %10s %12s %10s\n", "policy", "cpus", "boots/s", "s/run",
              "vs eevdf", "boots/cpu_s", "vs eevdf");
  for (int cpus : kCpuCounts) {
    const auto base = g_boots_per_s.find({"eevdf", cpus});
    const auto cpu_base = g_boots_per_cpu_s.find({"eevdf", cpus});
    for (const std::string& policy : g_policies) {
      const auto it = g_boots_per_s.find({policy, cpus});
      if (it == g_boots_per_s.end()) continue;
      const double per_cpu_s = g_boots_per_cpu_s[{policy, cpus}];
      std::printf("%-8s %6d %12.1f %12.4f %9.2fx %12.1f %9.2fx\n", policy.c_str(), cpus, it->second,
                  g_seconds_per_run[{policy, cpus}],
                  base != g_boots_per_s.end() ? it->second / base->second : 0.0, per_cpu_s,
                  cpu_base != g_boots_per_cpu_s.end() && cpu_base->second > 0
                      ? per_cpu_s / cpu_base->second
                      : 0.0);
    }
  }
  for (const std::string& policy : g_policies) {
    const auto a = g_boots_per_s.find({policy, 16}), b = g_boots_per_s.find({policy, 64});
    if (a != g_boots_per_s.end() && b != g_boots_per_s.end()) {
      std::printf("%s: a run on 64 CPUs takes %.2fx the wall time of one on 16\n", policy.c_str(),
                  g_seconds_per_run[{policy, 64}] / g_seconds_per_run[{policy, 16}]);
    }
  }
  if (g_main_job_s > 0) {
    double serial = 0;
    for (const char* policy : kMainJobPolicies)
      serial += kMainJobRuns * g_seconds_per_run[{policy, 16}];
    std::printf("main job (bazel run //:seed, %d runs x %d policies, 16 CPUs): %.2f s wall",
                kMainJobRuns, static_cast<int>(std::size(kMainJobPolicies)), g_main_job_s);
    if (serial > 0) {
      std::printf("; its runs one after another in this process: %.2f s (%.2fx; %ld CPUs online)",
                  serial, serial / g_main_job_s, sysconf(_SC_NPROCESSORS_ONLN));
    }
    std::printf("\n");
  }
}

}  // namespace scxtwin::sim
