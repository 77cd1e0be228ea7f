#include "tools/twin/compare_vm.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/twin/compare_json.h"

namespace scxtwin::twin {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

}  // namespace

absl::StatusOr<RunMetrics> ParseRunnerReport(const std::string& json) {
  auto v = ParseJson(json);
  if (!v.ok()) return v.status();
  RunMetrics m;
  double sum = 0;
  for (const JsonValue& inst : (*v)["instances"].items) {
    ++m.instances;
    const double done = inst["completed_ns"].number;
    if (done < 0) continue;
    ++m.completed;
    sum += (done - inst["arrival_ns"].number) / 1e6;
  }
  m.completion_ms = m.completed ? sum / static_cast<double>(m.completed) : 0;
  const JsonValue& t = (*v)["twin"];
  if (t.kind != JsonValue::kObject)
    return absl::InvalidArgumentError("runner report without a \"twin\" object");
  m.wakeups = static_cast<int64_t>(t["wakeups"].number);
  m.wake_p50_us = t["wake_latency_ns"]["p50"].number / 1000.0;
  m.wake_p99_us = t["wake_latency_ns"]["p99"].number / 1000.0;
  m.migrations = static_cast<int64_t>(t["migrations"].number);
  m.with_prev_cpu = static_cast<int64_t>(t["with_prev_cpu"].number);
  m.on_prev_cpu = static_cast<int64_t>(t["on_prev_cpu"].number);
  const JsonValue& wb = t["wake_bunches"];
  m.wake_bunches = static_cast<int64_t>(wb["count"].number);
  m.bunched_wakeups = static_cast<int64_t>(wb["wakes"].number);
  m.max_bunch = static_cast<int64_t>(wb["max"].number);
  const JsonValue& late = t["sleep_late_ns"];
  m.sleeps_timed = static_cast<int64_t>(late["count"].number);
  m.sleep_late_mean_ns = late["mean"].number;
  for (const JsonValue& q : late["quantiles"].items) m.sleep_late_q_ns.push_back(q.number);
  const JsonValue& irq = t["irq_late_ns"];
  m.irq_late_mean_ns = irq["mean"].number;
  for (const JsonValue& q : irq["quantiles"].items) m.irq_late_q_ns.push_back(q.number);
  const JsonValue& tb = t["timer_bunches"];
  m.timer_bunches = static_cast<int64_t>(tb["count"].number);
  m.timer_bunch_wakes = static_cast<int64_t>(tb["wakes"].number);
  m.timer_bunch_max = static_cast<int64_t>(tb["max"].number);
  if (t["trace_lost"].number > 0) {
    return absl::DataLossError(absl::StrCat("the guest's trace buffer dropped ",
                                            t["trace_lost"].number,
                                            " events; the statistics would be wrong"));
  }
  return m;
}

namespace {

// The NAME=VALUE words after the colon of a loader's "stats ..." or "progs ..." line.
std::vector<std::pair<std::string, std::string>> LoaderValues(const std::string& line) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return out;
  for (absl::string_view kv : absl::StrSplit(line.substr(colon + 1), ' ', absl::SkipEmpty()))
    out.push_back(absl::StrSplit(kv, absl::MaxSplits('=', 1)));
  return out;
}

}  // namespace

void ParseLoaderStats(const std::string& line, RunMetrics* m, int64_t sign) {
  for (const auto& [name, value] : LoaderValues(line)) {
    int64_t n = 0;
    if (absl::SimpleAtoi(value, &n)) m->counters[name] += sign * n;
  }
}

void ParseLoaderPrograms(const std::string& line, RunMetrics* m, int64_t sign) {
  for (const auto& [name, value] : LoaderValues(line)) {
    std::pair<std::string, std::string> rn = absl::StrSplit(value, absl::MaxSplits('/', 1));
    int64_t runs = 0, ns = 0;
    if (!absl::SimpleAtoi(rn.first, &runs) || !absl::SimpleAtoi(rn.second, &ns)) continue;
    m->prog_runs[name] += sign * runs;
    m->prog_ns[name] += sign * ns;
  }
}

absl::StatusOr<VmResult> RunVmSide(const VmSide& side, const std::vector<std::string>& policies) {
  std::vector<std::string> cmd = {side.vm_sh,
                                  "--cpus",
                                  absl::StrCat(side.cpus),
                                  "--timeout",
                                  absl::StrCat(side.timeout_s),
                                  "--add",
                                  side.runner,
                                  "--add",
                                  side.loader,
                                  "--add",
                                  side.guest_sh,
                                  "--add",
                                  side.guest_lib,
                                  "--add",
                                  side.plan + ":/root/plan"};
  if (side.mttcg) cmd.push_back("--mttcg");
  cmd.insert(cmd.end(),
             {"--", "sh", "/bin/compare_guest.sh", "/root/plan", absl::StrCat(side.runs)});
  for (const std::string& p : policies) cmd.push_back(p);
  std::vector<std::string> quoted;
  for (const std::string& w : cmd) quoted.push_back(Quote(w));
  const std::string line_cmd = absl::StrJoin(quoted, " ") + " 2>&1";
  const bool replay = !side.load_from.empty();
  FILE* pipe = replay ? fopen(side.load_from.c_str(), "r") : popen(line_cmd.c_str(), "r");
  if (pipe == nullptr) {
    return replay
               ? absl::NotFoundError(absl::StrCat("--load-vm=", side.load_from, ": cannot read it"))
               : absl::InternalError("cannot start the VM runner");
  }
  FILE* save = side.save_to.empty() ? nullptr : fopen(side.save_to.c_str(), "w");

  VmResult result;
  std::vector<PolicyRuns>& out = result.policies;
  for (const std::string& p : policies) out.push_back({p, {}});
  PolicyRuns* current = nullptr;
  std::string error, tail;
  bool done = false;
  char buf[1 << 16];
  std::string line;
  while (fgets(buf, sizeof buf, pipe) != nullptr) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    if (save != nullptr) {
      fputs(line.c_str(), save);
      fflush(save);
    }
    line.pop_back();
    absl::string_view l = line;
    if (absl::ConsumePrefix(&l, "twin-run ")) {
      std::vector<std::string> w = absl::StrSplit(l, ' ');
      current = nullptr;
      for (PolicyRuns& p : out)
        if (!w.empty() && p.policy == w[0]) current = &p;
      if (current) current->runs.emplace_back();
    } else if (absl::ConsumePrefix(&l, "twin-json ")) {
      auto m = ParseRunnerReport(std::string(l));
      if (!m.ok() && error.empty()) error = absl::StrCat("guest report: ", m.status().message());
      if (m.ok() && current && !current->runs.empty()) {
        // The marks taken before the run (counters, programs) stay.
        RunMetrics& run = current->runs.back();
        auto counters = std::move(run.counters);
        auto prog_runs = std::move(run.prog_runs), prog_ns = std::move(run.prog_ns);
        run = *m;
        run.counters = std::move(counters);
        run.prog_runs = std::move(prog_runs);
        run.prog_ns = std::move(prog_ns);
      }
    } else if (absl::ConsumePrefix(&l, "twin-counters-start ")) {
      // The counters just before the run: subtracted from those just after it.
      if (current && !current->runs.empty())
        ParseLoaderStats(std::string(l), &current->runs.back(), -1);
    } else if (absl::ConsumePrefix(&l, "twin-progs-start ")) {
      if (current && !current->runs.empty())
        ParseLoaderPrograms(std::string(l), &current->runs.back(), -1);
    } else if (absl::ConsumePrefix(&l, "twin-progs ")) {
      if (current && !current->runs.empty())
        ParseLoaderPrograms(std::string(l), &current->runs.back(), +1);
    } else if (absl::ConsumePrefix(&l, "twin-counters ")) {
      if (current && !current->runs.empty())
        ParseLoaderStats(std::string(l), &current->runs.back(), +1);
    } else if (absl::ConsumePrefix(&l, "twin-calibration ")) {
      auto c = ParseJson(l);
      if (c.ok() && (*c)["burn_stretch"].kind == JsonValue::kNumber) {
        VmCalibration& cal = result.calibration;
        ++cal.samples;
        cal.burn_stretch = std::max(cal.burn_stretch, (*c)["burn_stretch"].number);
        cal.sleep_overshoot_us =
            std::max(cal.sleep_overshoot_us, (*c)["sleep_overshoot_us"].number);
      } else if (error.empty()) {
        error = absl::StrCat("bad calibration line: ", l);
      }
    } else if (absl::ConsumePrefix(&l, "twin-error ")) {
      if (error.empty()) error = std::string(l);
    } else if (l == "twin-done") {
      done = true;
    } else {
      if (side.verbose) std::cerr << "vm: " << l << "\n";
      tail = absl::StrCat(tail.size() > 4000 ? tail.substr(tail.size() - 2000) : tail, l, "\n");
    }
    line.clear();
  }
  if (save != nullptr) fclose(save);
  const int status = replay ? (fclose(pipe), 0) : pclose(pipe);
  if (!error.empty())
    return absl::InternalError(absl::StrCat("the VM side failed: ", error, "\n", tail));
  if (!done || status != 0) {
    return absl::InternalError(absl::StrCat("the VM side did not finish (vm.sh status ",
                                            WEXITSTATUS(status), "); its last output:\n", tail));
  }
  return result;
}

}  // namespace scxtwin::twin
