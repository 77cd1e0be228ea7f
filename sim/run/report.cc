#include "sim/run/report.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/core/json.h"

namespace scxtwin::sim {
namespace {

std::string Us(int64_t ns) { return absl::StrFormat("%.1f", static_cast<double>(ns) / 1000.0); }
std::string Ms(int64_t ns) { return absl::StrFormat("%.3f", static_cast<double>(ns) / 1e6); }
std::string Pct(int64_t part, int64_t whole) {
  return absl::StrFormat(
      "%.1f", whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
}
std::string J(const std::string& s) { return JsonString(s); }

// The names of run.sched->stats() (the policy's NAME_STATS rows), or nullptr when it has no counter table
// or the table does not match the `stats` map.
const std::vector<StatSpec>* StatNames(const RunOutput& run) {
  if (run.sched->policy() == nullptr) return nullptr;
  const std::vector<StatSpec>& t = run.sched->policy()->stat_table();
  return !t.empty() && t.size() == run.sched->stats().size() ? &t : nullptr;
}

struct InstanceStats {
  std::string process;
  int64_t completed = 0, running = 0;
  Histogram times;
};

std::vector<InstanceStats> ByProcess(const RunOutput& run) {
  std::vector<InstanceStats> out(run.spec->processes.size());
  for (size_t p = 0; p < out.size(); ++p) out[p].process = run.spec->processes[p].name;
  for (const InstanceMetrics& im : run.sim->result().instances) {
    InstanceStats& s = out[im.process];
    if (im.completed >= 0) {
      ++s.completed;
      s.times.Add(im.completed - im.arrival);
    } else {
      ++s.running;
    }
  }
  return out;
}

// Why the run ended, in the table's words.
std::string EndedHow(const RunResult& r) {
  if (!r.failure.empty()) return "run stopped: " + r.failure;
  if (r.stopped_by_duration) return "duration reached";
  if (r.hit_max_duration) return "max duration reached";
  if (!r.stuck.empty())
    return absl::StrCat("nothing left to happen, ", r.stuck.size(), " tasks stuck in a wait");
  return "all tasks exited";
}

// Warnings about the run's result (table lines after "warning: ", JSON "warnings").
std::vector<std::string> Warnings(const RunConfig& config, const RunResult& r) {
  std::vector<std::string> w;
  if (r.hit_max_duration) {
    w.push_back(
        absl::StrCat("the run did not end by itself and was stopped at the simulated-time cap of ",
                     Ms(config.max_sim_time),
                     " ms (--max_sim_time raises it; duration_ns or --duration "
                     "sets a planned end)"));
  }
  if (!r.stuck.empty()) {
    w.push_back(absl::StrCat(
        r.stuck.size(),
        " tasks were still blocked in a wait nobody answers at the end "
        "(listed under \"stuck tasks\"): the workload's wakes and waits do not match"));
  }
  return w;
}

// Stuck tasks listed in the table (the JSON lists all).
constexpr size_t kStuckListed = 20;

std::string ExitKindName(int64_t kind) {
  switch (kind) {
    case 0:
      return "none";
    case 64:
      return "SCX_EXIT_UNREG";
    case 65:
      return "SCX_EXIT_UNREG_BPF";
    case 1024:
      return "SCX_EXIT_ERROR";
    case 1025:
      return "SCX_EXIT_ERROR_BPF";
    case 1026:
      return "SCX_EXIT_ERROR_STALL";
    default:
      return absl::StrCat(kind);
  }
}

const ExtExit kNoExit;
const ExtCounters kNoCounters;

}  // namespace

void WriteTable(std::ostream& os, const RunConfig& config, const RunOutput& run) {
  const RunResult& r = run.sim->result();
  const ExtExit& ex = run.sched->ext() ? run.sched->ext()->exit_info() : kNoExit;
  const ExtCounters& cn = run.sched->ext() ? run.sched->ext()->counters() : kNoCounters;
  os << absl::StrFormat(
      "scxtwin sim: policy %s, workload %s (%s), topology %s (%d CPUs), seed %d\n",
      run.sched->name(), run.spec->proto.name(), config.workload, run.topology.spec(),
      run.topology.nr_cpus(), config.seed);
  if (!run.spec->params.empty())
    os << "workload params: " << FormatParams(run.spec->params) << "\n";
  os << absl::StrFormat(
      "simulated %s ms, %d events, %d context switches, %d callbacks, %d kfunc calls\n",
      Ms(r.end_time), r.events, r.context_switches, cn.callbacks, cn.kfuncs);
  os << absl::StrFormat("ended: %s; policy exit: %s (%s)%s%s\n", EndedHow(r), ExitKindName(ex.kind),
                        ex.reason, ex.msg.empty() ? "" : ": ", ex.msg);
  if (run.sched->fair() != nullptr) {
    const fair::BalanceStats& f = run.sched->fair()->stats();
    os << absl::StrFormat(
        "eevdf: base slice %s ms; preemptions: %d at wakeup, %d at the tick, %d left to the next "
        "tick (lazy); balancing moved %d (periodic), %d (nohz idle), %d (newidle); %d cache-hot "
        "tasks left in place; %d delayed dequeues\n",
        Ms(run.sched->fair()->base_slice()), f.wakeup_preemptions, f.tick_preemptions,
        f.lazy_deferrals, f.periodic_moves, f.nohz_moves, f.newidle_moves, f.hot_skips,
        f.delayed_dequeues);
  }
  for (const std::string& w : Warnings(config, r)) os << "warning: " << w << "\n";
  if (!r.stuck.empty()) {
    os << "stuck tasks (blocked in a wait nobody answers):\n";
    for (size_t i = 0; i < r.stuck.size() && i < kStuckListed; ++i) {
      const StuckTask& st = r.stuck[i];
      os << absl::StrFormat("  %s at %s, channel %s, %d wakes missing, since %s ms\n", st.name,
                            st.op_path, st.channel.empty() ? "(default)" : st.channel,
                            st.wakes_missing, Ms(st.since));
    }
    if (r.stuck.size() > kStuckListed)
      os << "  ... and " << r.stuck.size() - kStuckListed << " more (--format=json lists all)\n";
  }
  if (!run.detached().empty()) {
    const SchedClass* fallback = run.stacked.stack ? run.stacked.fair.get() : run.sched->fallback();
    os << absl::StrFormat(
        "policy ejected at %s ms; the fallback class (%s) ran the rest, as the kernel's fair class "
        "does\n",
        Ms(run.detached_at()), fallback ? fallback->name() : "none");
  }
  if (!ex.dump.empty()) {
    // The error exit's debug dump (the kernel's scx_dump_state, which its loaders print).
    os << "policy exit dump:\n" << ex.dump;
    if (ex.dump.back() != '\n') os << "\n";
  }
  if (!run.sched->stats().empty()) {
    std::vector<std::string> s;
    // Named as the policy's NAME_STATS lists them (as the kernel loader's stats line does); by
    // index for a scheduler without a counter table.
    const std::vector<StatSpec>* names = StatNames(run);
    for (size_t i = 0; i < run.sched->stats().size(); ++i) {
      s.push_back(absl::StrCat(names ? (*names)[i].name : absl::StrCat("[", i, "]"), "=",
                               run.sched->stats()[i]));
    }
    os << "policy stats: " << absl::StrJoin(s, " ") << "\n";
  }
  if (run.user_half != nullptr) {
    // The policy's user-space half, run as a task (sim/host/user_half.h): its own counters.
    std::vector<std::string> s;
    for (const auto& [name, value] : run.user_half->Counters())
      s.push_back(absl::StrCat(name, "=", value));
    os << "user-space half " << run.user_half->name()
       << " (pass_ns=" << run.user_half->costs().pass_ns
       << " task_ns=" << run.user_half->costs().task_ns << "): " << absl::StrJoin(s, " ") << "\n";
  }

  os << "\nprocess instances (completion = arrival to last exit, the \"boot time\"), ms\n";
  os << absl::StrFormat("%-24s %9s %8s %10s %10s %10s %10s\n", "process", "completed", "running",
                        "mean", "p50", "p99", "max");
  for (const InstanceStats& s : ByProcess(run)) {
    os << absl::StrFormat("%-24s %9d %8d %10s %10s %10s %10s\n", s.process, s.completed, s.running,
                          Ms(s.times.mean()), Ms(s.times.Quantile(0.5)), Ms(s.times.Quantile(0.99)),
                          Ms(s.times.max()));
  }

  os << "\nwait time (runnable to running) by task group, us\n";
  os << absl::StrFormat("%-32s %9s %10s %10s %10s %10s %10s\n", "group", "waits", "mean", "p50",
                        "p90", "p99", "max");
  auto row = [&](const std::string& name, const Histogram& h) {
    os << absl::StrFormat("%-32s %9d %10s %10s %10s %10s %10s\n", name, h.count(), Us(h.mean()),
                          Us(h.Quantile(0.5)), Us(h.Quantile(0.9)), Us(h.Quantile(0.99)),
                          Us(h.max()));
  };
  for (size_t g = 0; g < r.group_wait.size(); ++g) row(r.group_names[g], r.group_wait[g]);
  row("(all)", r.wait_all);

  os << "\ntasks (times in ms; migrations by distance: smt/llc/xllc/node)\n";
  os << absl::StrFormat("%-32s %6s %9s %9s %9s %8s %7s %18s %7s\n", "task", "pid", "run", "wait",
                        "wait_max", "switches", "preempt", "migrations", "state");
  for (const Task& t : run.sim->tasks()) {
    const auto& m = t.m.migrations;
    os << absl::StrFormat("%-32s %6d %9s %9s %9s %8d %7d %18s %7s\n", t.name, t.pid, Ms(t.m.run_ns),
                          Ms(t.m.wait_ns), Ms(t.m.wait_max_ns), t.m.nr_switches, t.m.nr_preempted,
                          absl::StrCat(m[1], "/", m[2], "/", m[3], "/", m[4]),
                          t.state == TaskState::kExited    ? "exited"
                          : t.state == TaskState::kBlocked ? "blocked"
                          : t.state == TaskState::kRunning ? "running"
                                                           : "runnable");
  }

  os << "\ncpus\n";
  os << absl::StrFormat("%4s %5s %5s %4s %8s %9s %9s\n", "cpu", "node", "llc", "core", "busy%",
                        "overhead", "switches");
  for (int c = 0; c < run.topology.nr_cpus(); ++c) {
    const CpuMetrics& m = r.cpus[c];
    const CpuPlace& pl = run.topology.place(c);
    os << absl::StrFormat("%4d %5d %5d %4d %8s %9s %9d\n", c, pl.node, pl.llc, pl.core,
                          Pct(m.busy_ns, r.end_time), Ms(m.overhead_ns), m.nr_switches);
  }
  int64_t busy = 0;
  for (const CpuMetrics& m : r.cpus) busy += m.busy_ns;
  os << absl::StrFormat("utilisation %s%% of %d CPUs\n",
                        Pct(busy, r.end_time * run.topology.nr_cpus()), run.topology.nr_cpus());
  os << "\ncosts (migration refill values are estimates; set with --set cost.NAME=V; host effects "
        "from idle_exit on, sources in sim/machine/effects.h): "
     << absl::StrJoin(run.costs.Describe(), " ") << "\n";
  if (!config.background.empty())
    os << "background: " << absl::StrJoin(config.background, ", ") << "\n";
}

void WriteJson(std::ostream& os, const RunConfig& config, const RunOutput& run) {
  const RunResult& r = run.sim->result();
  const ExtExit& ex = run.sched->ext() ? run.sched->ext()->exit_info() : kNoExit;
  const ExtCounters& cn = run.sched->ext() ? run.sched->ext()->counters() : kNoCounters;
  os << "{";
  os << "\"policy\":" << J(run.sched->name()) << ",\"workload\":" << J(run.spec->proto.name())
     << ",\"workload_file\":" << J(config.workload) << ",\"topology\":" << J(run.topology.spec())
     << ",\"nr_cpus\":" << run.topology.nr_cpus() << ",\"seed\":" << config.seed;
  os << ",\"params\":{";
  for (size_t i = 0; i < run.spec->params.size(); ++i) {
    os << (i ? "," : "") << J(run.spec->params[i].name) << ":" << run.spec->params[i].value;
  }
  os << "}";
  os << ",\"end_ns\":" << r.end_time << ",\"events\":" << r.events
     << ",\"context_switches\":" << r.context_switches << ",\"callbacks\":" << cn.callbacks
     << ",\"kfuncs\":" << cn.kfuncs;
  os << ",\"ejected\":" << (r.failure.empty() && run.detached().empty() ? "false" : "true")
     << ",\"ejected_at_ns\":" << run.detached_at() << ",\"failure\":" << J(r.failure);
  os << ",\"exit\":{\"kind\":" << ex.kind << ",\"name\":" << J(ExitKindName(ex.kind))
     << ",\"code\":" << ex.exit_code << ",\"reason\":" << J(ex.reason) << ",\"msg\":" << J(ex.msg)
     << ",\"time_ns\":" << ex.time;
  if (!ex.dump.empty()) os << ",\"dump\":" << J(ex.dump);  // only an error exit writes one
  os << "}";
  os << ",\"warnings\":[";
  const std::vector<std::string> warnings = Warnings(config, r);
  for (size_t i = 0; i < warnings.size(); ++i) os << (i ? "," : "") << J(warnings[i]);
  os << "],\"stuck_tasks\":[";
  for (size_t i = 0; i < r.stuck.size(); ++i) {
    const StuckTask& st = r.stuck[i];
    os << (i ? "," : "") << "{\"name\":" << J(st.name) << ",\"at\":" << J(st.op_path)
       << ",\"channel\":" << J(st.channel) << ",\"wakes_missing\":" << st.wakes_missing
       << ",\"since_ns\":" << st.since << "}";
  }
  os << "]";
  os << ",\"stats\":[" << absl::StrJoin(run.sched->stats(), ",") << "]";
  if (const std::vector<StatSpec>* names = StatNames(run)) {
    os << ",\"counters\":{";
    for (size_t i = 0; i < run.sched->stats().size(); ++i)
      os << (i ? "," : "") << J((*names)[i].name) << ":" << run.sched->stats()[i];
    os << "}";
  }
  if (run.user_half != nullptr) {
    os << ",\"user_half\":{\"name\":" << J(run.user_half->name()) << ",\"counters\":{";
    bool first_counter = true;
    for (const auto& [name, value] : run.user_half->Counters()) {
      os << (first_counter ? "" : ",") << J(name) << ":" << value;
      first_counter = false;
    }
    os << "}}";
  }
  os << ",\"processes\":[";
  bool first = true;
  for (const InstanceStats& s : ByProcess(run)) {
    os << (first ? "" : ",") << "{\"name\":" << J(s.process) << ",\"completed\":" << s.completed
       << ",\"running\":" << s.running << ",\"completion_ns\":{\"mean\":" << s.times.mean()
       << ",\"p50\":" << s.times.Quantile(0.5) << ",\"p99\":" << s.times.Quantile(0.99)
       << ",\"max\":" << s.times.max() << "}}";
    first = false;
  }
  os << "],\"instances\":[";
  first = true;
  for (const InstanceMetrics& im : r.instances) {
    os << (first ? "" : ",") << "{\"process\":" << J(run.spec->processes[im.process].name)
       << ",\"instance\":" << im.instance << ",\"arrival_ns\":" << im.arrival
       << ",\"completed_ns\":" << im.completed << "}";
    first = false;
  }
  auto hist = [&](const Histogram& h) {
    return absl::StrCat("{\"count\":", h.count(), ",\"mean\":", h.mean(),
                        ",\"p50\":", h.Quantile(0.5), ",\"p90\":", h.Quantile(0.9),
                        ",\"p99\":", h.Quantile(0.99), ",\"max\":", h.max(), "}");
  };
  os << "],\"wait_ns\":{\"all\":" << hist(r.wait_all) << ",\"groups\":{";
  for (size_t g = 0; g < r.group_wait.size(); ++g)
    os << (g ? "," : "") << J(r.group_names[g]) << ":" << hist(r.group_wait[g]);
  os << "}},\"tasks\":[";
  first = true;
  for (const Task& t : run.sim->tasks()) {
    const auto& m = t.m.migrations;
    os << (first ? "" : ",") << "{\"name\":" << J(t.name) << ",\"pid\":" << t.pid
       << ",\"run_ns\":" << t.m.run_ns << ",\"refill_ns\":" << t.m.refill_ns
       << ",\"wait_ns\":" << t.m.wait_ns << ",\"wait_max_ns\":" << t.m.wait_max_ns
       << ",\"waits\":" << t.m.waits << ",\"switches\":" << t.m.nr_switches
       << ",\"preempted\":" << t.m.nr_preempted << ",\"migrations\":{\"smt_sibling\":" << m[1]
       << ",\"same_llc\":" << m[2] << ",\"other_llc\":" << m[3] << ",\"other_node\":" << m[4]
       << "},\"created_ns\":" << t.created_at << ",\"exited_ns\":" << t.exited_at << "}";
    first = false;
  }
  os << "],\"cpus\":[";
  for (int c = 0; c < run.topology.nr_cpus(); ++c) {
    const CpuMetrics& m = r.cpus[c];
    os << (c ? "," : "") << "{\"cpu\":" << c << ",\"busy_ns\":" << m.busy_ns
       << ",\"overhead_ns\":" << m.overhead_ns << ",\"idle_ns\":" << m.idle_ns
       << ",\"switches\":" << m.nr_switches << "}";
  }
  os << "],\"costs\":[";
  first = true;
  for (const std::string& c : run.costs.Describe()) {
    os << (first ? "" : ",") << J(c);
    first = false;
  }
  os << "]}\n";
}

}  // namespace scxtwin::sim
