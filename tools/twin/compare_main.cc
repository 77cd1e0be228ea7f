// twin compare: one workload spec run as real threads in the sched_ext VM and in the simulator
// on the same topology, each policy R times on each side; one row per metric with the
// simulator's value, the VM's, their difference, the tolerance and the verdict.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/user_paths.h"
#include "sim/run/runner.h"
#include "sim/workload/spec.h"
#include "tools/twin/compare_metrics.h"
#include "tools/twin/compare_sim.h"
#include "tools/twin/compare_tolerances.h"
#include "tools/twin/compare_vm.h"
#include "tools/twin/twin_main.h"
#include "workloads/runner/plan_writer.h"
#include "workloads/runner/sleep_lateness.h"

namespace scxtwin::twin {

const char kCompareHelp[] =
    "  compare --policy=eevdf,P[,...] --workload=FILE [--cpus=N] [--runs=R] [--param "
    "NAME=VALUE]...\n"
    "          [--sim-set K=V]... [--no-mttcg] [--guest-timers=stall|late|off] "
    "[--stall-threshold-us=U]\n"
    "          [--guest-callbacks=measured|off] [--timeout=S] [--save-vm=FILE | --load-vm=FILE]\n"
    "          [--verbose]\n"
    "    runs each policy R times (default 3) as real threads in the sched_ext VM (N CPUs, default "
    "2;\n"
    "    multi-threaded TCG unless --no-mttcg; eevdf = no scheduler loaded) and in the simulator "
    "on\n"
    "    N CPUs, seeds 1..R on both sides; prints one row per metric (timing or decision "
    "statistic),\n"
    "    and `twin compare: K of N metrics within tolerance`. --sim-set changes the simulator side "
    "only\n"
    "    (POLICY.KNOB=V, KNOB=V or cost.NAME=V), e.g. to check that a wrong model fails. --save-vm "
    "keeps\n"
    "    the guest's output; --load-vm compares against a kept output instead of booting a guest.\n"
    "    The simulator side models the guest's machine as the guest's runs measured it: host\n"
    "    effects off; by default (--guest-timers=stall) its CPUs stop as the guest's vCPUs\n"
    "    did (a vCPU whose host thread is descheduled: cost.vcpu_stall; the share of timer\n"
    "    interrupts later than --stall-threshold-us, default 1000, is the share of time\n"
    "    stopped, their lateness beyond it the stalls' lengths) and its timer interrupts come\n"
    "    as late as the guest's did up to the threshold (the emulated interrupt path:\n"
    "    cost.timer_late), each sleep's deadline matched with its wake in the guest's trace;\n"
    "    =late: every interrupt as late as the guest's whole distribution, no stalls;\n"
    "    =off: timers on time. --guest-callbacks=measured also charges each callback of the\n"
    "    policy its emulated run time in the guest (kernel.bpf_stats_enabled during the runs;\n"
    "    cost.ext_callback_ns.<callback>); by default (=off) they are only printed.\n"
    "    Exit: 0 all within tolerance, 1 some not, 2 bad input, 3 a side failed to run.";

namespace {

int Bad(const std::string& what) {
  std::cerr << "twin compare: " << what << "\n";
  return 2;
}

bool TakeValue(int argc, char** argv, int* i, const std::string& name, std::string* value) {
  const std::string a = argv[*i];
  if (a == name && *i + 1 < argc) {
    *value = argv[++*i];
    return true;
  }
  if (absl::StartsWith(a, name + "=")) {
    *value = a.substr(name.size() + 1);
    return true;
  }
  return false;
}

// "1.23 (14)": the runs' wakeups per bunch and the largest bunch.
std::string BunchText(const PolicyRuns& p) {
  int64_t bunches = 0, wakes = 0, max = 0;
  for (const RunMetrics& r : p.runs) {
    bunches += r.wake_bunches;
    wakes += r.bunched_wakeups;
    max = std::max(max, r.max_bunch);
  }
  return absl::StrFormat("%.2f (%d)", bunches ? static_cast<double>(wakes) / bunches : 0.0, max);
}

}  // namespace

int CompareMain(int argc, char** argv) {
  std::string policies_flag, workload, value;
  int cpus = 2, runs = 3, timeout_s = 900;
  bool mttcg = true, verbose = false;
  std::string guest_timers = "stall";   // "stall", "late" or "off"
  bool guest_timers_given = false;      // an explicit choice: an error if the guest did not measure
  std::string guest_callbacks = "off";  // "measured" or "off"
  bool guest_callbacks_given = false;
  double stall_threshold_us = 1000;
  std::string save_vm, load_vm;
  std::vector<std::pair<std::string, std::string>> params, sim_sets;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto kv = [&](const std::string& flag, std::vector<std::pair<std::string, std::string>>* into) {
      std::vector<std::string> p = absl::StrSplit(value, absl::MaxSplits('=', 1));
      if (p.size() != 2 || p[0].empty())
        return Bad(absl::StrCat(flag, "=", value, ": expected NAME=VALUE"));
      into->emplace_back(p[0], p[1]);
      return 0;
    };
    if (TakeValue(argc, argv, &i, "--policy", &policies_flag)) continue;
    if (TakeValue(argc, argv, &i, "--workload", &workload)) continue;
    if (TakeValue(argc, argv, &i, "--cpus", &value)) {
      if (!absl::SimpleAtoi(value, &cpus) || cpus < 1 || cpus > 64)
        return Bad("--cpus=" + value + ": expected 1..64");
      continue;
    }
    if (TakeValue(argc, argv, &i, "--runs", &value)) {
      if (!absl::SimpleAtoi(value, &runs) || runs < 1 || runs > 100)
        return Bad("--runs=" + value + ": expected 1..100");
      continue;
    }
    if (TakeValue(argc, argv, &i, "--timeout", &value)) {
      if (!absl::SimpleAtoi(value, &timeout_s) || timeout_s < 1)
        return Bad("--timeout=" + value + ": expected seconds >= 1");
      continue;
    }
    if (TakeValue(argc, argv, &i, "--param", &value)) {
      if (int rc = kv("--param", &params)) return rc;
      continue;
    }
    if (TakeValue(argc, argv, &i, "--sim-set", &value)) {
      if (int rc = kv("--sim-set", &sim_sets)) return rc;
      continue;
    }
    if (TakeValue(argc, argv, &i, "--save-vm", &save_vm)) continue;
    if (TakeValue(argc, argv, &i, "--load-vm", &load_vm)) continue;
    if (a == "--no-mttcg") {
      mttcg = false;
      continue;
    }
    if (a == "--guest-timers") {
      guest_timers = "stall";
      guest_timers_given = true;
      continue;
    }
    if (TakeValue(argc, argv, &i, "--guest-timers", &guest_timers)) {
      if (guest_timers != "stall" && guest_timers != "late" && guest_timers != "off")
        return Bad("--guest-timers=" + guest_timers + ": expected stall, late or off");
      guest_timers_given = true;
      continue;
    }
    if (TakeValue(argc, argv, &i, "--guest-callbacks", &guest_callbacks)) {
      if (guest_callbacks != "measured" && guest_callbacks != "off")
        return Bad("--guest-callbacks=" + guest_callbacks + ": expected measured or off");
      guest_callbacks_given = true;
      continue;
    }
    if (TakeValue(argc, argv, &i, "--stall-threshold-us", &value)) {
      if (!absl::SimpleAtod(value, &stall_threshold_us) || !(stall_threshold_us > 0))
        return Bad("--stall-threshold-us=" + value + ": expected microseconds > 0");
      continue;
    }
    if (a == "--verbose") {
      verbose = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      std::cout << "usage: twin\n" << kCompareHelp << "\n";
      return 0;
    }
    return Bad("unknown flag '" + a + "'; see twin --help");
  }
  std::vector<std::string> policies = absl::StrSplit(policies_flag, ',', absl::SkipEmpty());
  if (policies.size() < 2 || policies[0] != sim::kFairPolicyName) {
    return Bad("--policy=" + policies_flag +
               ": expected eevdf first, then at least one sched_ext policy (eevdf,homing)");
  }
  if (workload.empty())
    return Bad("--workload: required (a .textpb spec, e.g. workloads/bursty_boot.textpb)");
  workload = ::scxtwin::UserPath(workload);

  sim::ParamOverrides overrides;
  for (const auto& [k, v] : params) overrides.emplace_back(k, v);
  auto spec = sim::LoadWorkloadFile(workload, overrides);
  if (!spec.ok()) return Bad(std::string(spec.status().message()));
  if (absl::Status s = runner::CheckRunnable(**spec); !s.ok()) return Bad(std::string(s.message()));

  char tmpl[] = "/tmp/scxtwin-twin.XXXXXX";
  const char* tmp = mkdtemp(tmpl);
  if (tmp == nullptr) {
    std::cerr << "twin compare: cannot create a temporary directory\n";
    return 3;
  }
  const std::string plan_path = absl::StrCat(tmp, "/plan");
  {
    std::ofstream plan(plan_path);
    plan << runner::FormatPlan(runner::PlanFromSpec(**spec));
  }

  VmSide vs;
  vs.vm_sh = ::scxtwin::RunfilePath(argv[0], "tools/vm.sh");
  vs.runner = ::scxtwin::RunfilePath(argv[0], "workloads/runner/workload_runner");
  vs.loader = ::scxtwin::RunfilePath(argv[0], "kernel/load");
  vs.guest_sh = ::scxtwin::RunfilePath(argv[0], "tools/twin/compare_guest.sh");
  vs.guest_lib = ::scxtwin::RunfilePath(argv[0], "tests/kernel/guest_lib.sh");
  for (const std::string* f : {&vs.vm_sh, &vs.runner, &vs.loader, &vs.guest_sh, &vs.guest_lib}) {
    if (f->empty()) {
      std::cerr << "twin compare: a runfile is missing (run it through bazel run //tools:twin)\n";
      return 3;
    }
  }
  vs.plan = plan_path;
  vs.cpus = cpus;
  vs.runs = runs;
  vs.mttcg = mttcg;
  vs.timeout_s = timeout_s;
  vs.verbose = verbose;
  vs.save_to = save_vm.empty() ? "" : ::scxtwin::UserPath(save_vm);
  vs.load_from = load_vm.empty() ? "" : ::scxtwin::UserPath(load_vm);
  if (!save_vm.empty() && save_vm[0] != '/' && std::getenv("BUILD_WORKING_DIRECTORY") != nullptr) {
    vs.save_to = absl::StrCat(std::getenv("BUILD_WORKING_DIRECTORY"), "/", save_vm);
  }
  auto vm_runs = RunVmSide(vs, policies);
  std::remove(plan_path.c_str());
  if (!vm_runs.ok()) {
    rmdir(tmp);
    std::cerr << "twin compare: " << vm_runs.status().message() << "\n";
    return vm_runs.status().code() == absl::StatusCode::kNotFound ? 2 : 3;
  }
  for (const PolicyRuns& p : vm_runs->policies) {
    if (static_cast<int>(p.runs.size()) != runs) {
      std::cerr << "twin compare: the VM side has " << p.runs.size() << " runs of " << p.policy
                << ", expected " << runs
                << (load_vm.empty() ? "" : " (--load-vm from another --policy/--runs?)") << "\n";
      rmdir(tmp);
      return load_vm.empty() ? 3 : 2;
    }
  }

  SimSide ss;
  ss.workload = workload;
  ss.params = params;
  ss.cpus = cpus;
  ss.runs = runs;
  // The guest's machine, measured in the guest's own runs independently of the compared
  // statistics: how late its timers ended the workload's sleeps while the workload ran, drawn by
  // every timer interrupt on the simulator side (cost.timer_late).
  const VmCalibration& cal = vm_runs->calibration;
  const GuestTimers timers = PoolGuestTimers(vm_runs->policies);
  std::string late_ns, machine_text = "timers on time";
  if (guest_timers != "off" && timers.runs == 0 && !guest_timers_given) {
    guest_timers = "off";  // a kept output of a runner that did not measure them
    machine_text = "timers on time (the guest's runs did not measure theirs)";
  }
  if (guest_timers != "off") {
    if (timers.runs == 0) {
      rmdir(tmp);
      return Bad(
          "--guest-timers: the guest's runs did not measure their sleeps' lateness (a runner "
          "without it, or --load-vm of its output)");
    }
    if (guest_timers == "late") {
      for (double q : timers.irq_quantiles_ns)
        absl::StrAppend(&late_ns, late_ns.empty() ? "" : ":", std::llround(std::max(0.0, q)));
      ss.sets = {{"cost.timer_late", "on"}, {"cost.timer_late.ns", late_ns}};
      machine_text = absl::StrCat("timers late as the guest's (cost.timer_late.ns=", late_ns,
                                  ", measured in the guest's runs)");
    } else {
      // The stalls the late interrupts imply (StallsFromLateness): a stopped CPU's timers come
      // late by themselves; the interrupts up to the threshold late are the emulated interrupt
      // path's delay on a running vCPU, drawn by each timer interrupt (cost.timer_late).
      const GuestStalls st = StallsFromLateness(timers.irq_quantiles_ns, stall_threshold_us * 1000);
      const std::string q = absl::StrJoin(st.quantiles_ns, ":");
      const std::string path = absl::StrJoin(st.path_quantiles_ns, ":");
      ss.sets = {{"cost.vcpu_stall", st.permille > 0 ? "on" : "off"},
                 {"cost.vcpu_stall.ns", q.empty() ? "0" : q},
                 {"cost.vcpu_stall.permille", absl::StrCat(st.permille)}};
      if (st.path_quantiles_ns.size() >= 2) {
        ss.sets.push_back({"cost.timer_late", "on"});
        ss.sets.push_back({"cost.timer_late.ns", path});
      }
      machine_text = absl::StrFormat(
          "CPUs stopped as the guest's vCPUs were (cost.vcpu_stall: %d permille of the time, "
          "the timer interrupts later than %.0f us; stall lengths their lateness beyond it, "
          "cost.vcpu_stall.ns=%s) and timer interrupts late by the rest (cost.timer_late.ns=%s); "
          "measured in the guest's runs",
          st.permille, stall_threshold_us, q.empty() ? "0" : q, path.empty() ? "0" : path);
    }
  }
  // The emulated cost of each policy's callbacks, measured in the guest's runs (the kernel's
  // per-program run time over run count): charged to the simulated CPU that runs each callback.
  std::string callbacks_text;
  for (const PolicyRuns& p : vm_runs->policies) {
    if (p.policy == sim::kFairPolicyName) continue;
    const std::map<std::string, int64_t> costs = CallbackCostsNs(p);
    if (costs.empty()) {
      if (!guest_callbacks_given || guest_callbacks == "off") continue;  // not measured
      rmdir(tmp);
      return Bad("--guest-callbacks=measured: the guest's runs of " + p.policy +
                 " did not measure its programs (a loader without it, or --load-vm of its output)");
    }
    std::vector<std::string> listed;
    for (const auto& [op, ns] : costs) {
      if (guest_callbacks == "measured") {
        ss.sets.emplace_back(absl::StrCat(p.policy, ".cost.ext_callback_ns.", op),
                             absl::StrCat(ns));
      }
      listed.push_back(absl::StrCat(op, " ", ns));
    }
    absl::StrAppend(&callbacks_text, "\n  ", p.policy,
                    "'s callbacks as the guest ran them, ns per call",
                    guest_callbacks == "measured" ? " (charged)" : " (not charged)", ": ",
                    absl::StrJoin(listed, ", "));
  }
  ss.sets.insert(ss.sets.end(), sim_sets.begin(), sim_sets.end());
  ss.policy_dirs = sim::DefaultPolicyDirs(argv[0]);
  ss.tmpdir = tmp;
  std::vector<PolicyRuns> sim_runs;
  for (const std::string& p : policies) {
    auto r = RunSimSide(ss, p);
    if (!r.ok()) {
      rmdir(tmp);
      std::cerr << "twin compare: simulator, policy " << p << ": " << r.status().message() << "\n";
      return r.status().code() == absl::StatusCode::kInvalidArgument ||
                     r.status().code() == absl::StatusCode::kNotFound
                 ? 2
                 : 3;
    }
    sim_runs.push_back(*std::move(r));
  }
  rmdir(tmp);

  std::cout << absl::StrFormat(
      "twin compare: workload %s (%s), %d CPUs, %d runs per policy on each side (seeds 1..%d)\n",
      (*spec)->proto.name(), workload, cpus, runs, runs);
  std::cout << absl::StrFormat(
      "VM: sched_ext kernel under QEMU TCG, %s; simulator: topology %d, host effects off, %s%s\n",
      mttcg ? "multi-threaded (one host thread per guest CPU)"
            : "single-threaded (timing not meaningful)",
      cpus, machine_text + callbacks_text,
      sim_sets.empty() ? "" : " with --sim-set (the simulator side only):");
  for (const auto& [k, v] : sim_sets) std::cout << "  " << k << "=" << v << "\n";
  std::cout << "VM run-to-run spread of the completion time (stdev/mean):";
  for (const PolicyRuns& p : vm_runs->policies)
    std::cout << absl::StrFormat(" %s %.1f%%", p.policy, 100 * RelativeSpread(p));
  const bool timing_trusted = cal.samples > 0 && cal.burn_stretch <= kMaxBurnStretch &&
                              cal.sleep_overshoot_us <= kMaxSleepOvershootUs;
  std::cout << absl::StrFormat(
      "\nguest timekeeping (workload_runner --calibrate, worst of %d): busy thread wall/CPU %.2f "
      "(limit %.2f), "
      "500 us sleeps %.0f us late (limit %.0f)\n",
      cal.samples, cal.burn_stretch, kMaxBurnStretch, cal.sleep_overshoot_us, kMaxSleepOvershootUs);
  if (timers.runs > 0) {
    std::cout << absl::StrFormat(
        "guest timers while the workload ran (%d runs, %d sleeps): a sleep ended %.0f us late on "
        "average\n(run-to-run stdev %.0f us; p50 %.0f us, p90 %.0f us); a timer interrupt came "
        "%.0f us late on average (p50 %.0f us, p90 %.0f us)\nand woke %.2f sleepers (max %d)\n",
        timers.runs, timers.sleeps, timers.mean_ns / 1000, timers.mean_stdev_ns / 1000,
        timers.quantiles_ns[timers.quantiles_ns.size() / 2] / 1000,
        timers.quantiles_ns[timers.quantiles_ns.size() * 9 / 10] / 1000, timers.irq_mean_ns / 1000,
        timers.irq_quantiles_ns[timers.irq_quantiles_ns.size() / 2] / 1000,
        timers.irq_quantiles_ns[timers.irq_quantiles_ns.size() * 9 / 10] / 1000,
        timers.wakes_per_bunch, timers.max_bunch);
  }
  std::cout << absl::StrFormat(
      "wakeups per interrupt (one CPU, hardirq, no switch between, each within %d us of the "
      "last), mean (max), simulator / VM:",
      static_cast<int>(runner::kBunchGapNs / 1000));
  for (const PolicyRuns& s : sim_runs) {
    for (const PolicyRuns& v : vm_runs->policies) {
      if (v.policy != s.policy) continue;
      std::cout << absl::StrFormat(" %s %s / %s", s.policy, BunchText(s), BunchText(v));
    }
  }
  std::cout << "\n";
  std::cout << (timing_trusted
                    ? "timing metrics are checked: the guest keeps time\n"
                    : "timing metrics are NOT checked (printed only): the guest does not keep "
                      "time, so the\n"
                      "emulator and the host's load set them; decision statistics are checked\n");
  std::cout << "decision statistics (where wakeups ran, migrations, policy counters) are always "
               "checked;\n"
               "a policy counter one twin takes and the other never takes differs whatever its "
               "tolerance.\n\n";
  const std::vector<Row> rows = CompareRows(sim_runs, vm_runs->policies);
  std::cout << absl::StrFormat("%-48s %-8s %10s %10s %10s %10s %-24s %s\n", "metric", "kind",
                               "simulator", "VM", "VM stdev", "difference", "tolerance", "verdict");
  int within = 0, checked = 0;
  for (const Row& r : rows) {
    const bool check = r.kind == MetricKind::kDecision || timing_trusted;
    checked += check;
    within += check && r.within();
    std::cout << absl::StrFormat("%-48s %-8s %10.3f %10.3f %10.3f %+10.3f %-24s %s\n", r.metric,
                                 r.kind == MetricKind::kTiming ? "timing" : "decision", r.sim, r.vm,
                                 r.vm_stdev, r.sim - r.vm, r.tolerance_text,
                                 !check       ? "not checked"
                                 : r.within() ? "ok"
                                              : "DIFFERS");
  }
  if (checked < static_cast<int>(rows.size())) {
    std::cout << absl::StrFormat("(%d timing metrics not checked: the guest did not keep time)\n",
                                 static_cast<int>(rows.size()) - checked);
  }
  std::cout << absl::StrFormat("twin compare: %d of %d metrics within tolerance\n", within,
                               checked);
  return within == checked ? 0 : 1;
}

}  // namespace scxtwin::twin
