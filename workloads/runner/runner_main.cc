// workload_runner: runs a workload plan (plan.h) as real threads, in the sched_ext VM guest, and
// prints one JSON object shaped like `//sim --format=json` (processes, instances, wait_ns, tasks)
// plus a "twin" object with the scheduling statistics both twins are compared on, read from the
// kernel's sched tracepoints (sched_metrics.h).
//
//   workload_runner --plan=FILE [--seed=N] [--policy=NAME] [--no-trace] [--trace-out=FILE]
//
// --trace-out keeps a copy of the run's trace text (for reading by hand or trace2workload).
// The trace's clock is set to "mono" (CLOCK_MONOTONIC), so each `sleep`'s deadline can be matched
// with the wake that ended it; the "twin" object then says how the machine's timers behave while
// the workload runs (sleep_lateness.h): sleep_late_ns (each sleep's lateness: count, mean, and
// quantiles at 0, 5%, ..., 100%), unmatched_sleeps (no wake ended them), timer_bunches (those
// wakes taken in one interrupt: bunches, wakes, the largest), irq_late_ns (each such interrupt's
// lateness: its earliest deadline's) and wake_bunches (every wakeup of the workload, bunched the
// same way).
//
//   workload_runner --calibrate
// measures how faithfully this machine keeps time for one thread on an otherwise idle system:
// the wall time 50 ms of thread CPU time takes (burn_stretch = wall / CPU, 1.0 on a healthy
// machine; an emulated CPU whose host thread is often descheduled stretches it), and how late
// 200 sleeps of 500 us end (sleep_overshoot_us, and the lateness's quantiles at 0, 5%, ..., 100%,
// sleep_late_quantiles_ns). Prints one JSON object.
//
// Exit status: 0 run complete, 1 the run failed (threads, tracing), 2 bad input.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "workloads/runner/plan.h"
#include "workloads/runner/sched_metrics.h"
#include "workloads/runner/sleep_lateness.h"
#include "workloads/runner/thread_runtime.h"

namespace {

using namespace scxtwin::runner;

const char kTracing[] = "/sys/kernel/tracing/";
const char* const kEvents[] = {"sched/sched_switch", "sched/sched_waking", "sched/sched_wakeup_new",
                               "sched/sched_migrate_task"};

bool WriteFile(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_TRUNC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

bool StartTracing(std::string* error) {
  const std::string t = kTracing;
  bool ok = WriteFile(t + "tracing_on", "0") && WriteFile(t + "events/enable", "0") &&
            WriteFile(t + "buffer_size_kb", "32768") && WriteFile(t + "trace_clock", "mono") &&
            WriteFile(t + "trace", "");
  for (const char* e : kEvents) ok = ok && WriteFile(t + "events/" + e + "/enable", "1");
  ok = ok && WriteFile(t + "tracing_on", "1");
  if (!ok)
    *error = std::string("cannot set up tracing in ") + kTracing + ": " + std::strerror(errno);
  return ok;
}

std::string Json(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

int64_t Quantile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t r = static_cast<size_t>(q * static_cast<double>(v.size()));
  return v[std::min(r, v.size() - 1)];
}

std::string Hist(const std::vector<int64_t>& v) {
  double sum = 0;
  int64_t max = 0;
  for (int64_t x : v) {
    sum += static_cast<double>(x);
    max = std::max(max, x);
  }
  std::ostringstream os;
  os << "{\"count\":" << v.size()
     << ",\"mean\":" << (v.empty() ? 0 : static_cast<int64_t>(sum / v.size()))
     << ",\"p50\":" << Quantile(v, 0.5) << ",\"p90\":" << Quantile(v, 0.9)
     << ",\"p99\":" << Quantile(v, 0.99) << ",\"max\":" << max << "}";
  return os.str();
}

// {"count":bunches,"wakes":wakes in them,"max":the largest}.
std::string Bunches(const std::vector<int>& sizes) {
  int wakes = 0, max = 0;
  for (int b : sizes) {
    wakes += b;
    max = std::max(max, b);
  }
  return "{\"count\":" + std::to_string(sizes.size()) + ",\"wakes\":" + std::to_string(wakes) +
         ",\"max\":" + std::to_string(max) + "}";
}

constexpr int kLateQuantiles = 20;

// {"count":N,"mean":ns,"quantiles":[at 0, 5%, ..., 100%]}.
std::string Lateness(const std::vector<int64_t>& late) {
  double mean = 0;
  for (int64_t l : late) mean += static_cast<double>(l);
  if (!late.empty()) mean /= static_cast<double>(late.size());
  std::string out = "{\"count\":" + std::to_string(late.size()) +
                    ",\"mean\":" + std::to_string(static_cast<int64_t>(mean)) + ",\"quantiles\":[";
  const std::vector<int64_t> q = EvenQuantiles(late, kLateQuantiles);
  for (size_t i = 0; i < q.size(); ++i) out += (i ? "," : "") + std::to_string(q[i]);
  return out + "]}";
}

int64_t Now(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int Calibrate() {
  const int64_t w0 = Now(CLOCK_MONOTONIC), c0 = Now(CLOCK_THREAD_CPUTIME_ID);
  while (Now(CLOCK_THREAD_CPUTIME_ID) - c0 < 50000000) {
  }
  const double stretch = static_cast<double>(Now(CLOCK_MONOTONIC) - w0) /
                         static_cast<double>(Now(CLOCK_THREAD_CPUTIME_ID) - c0);
  std::vector<int64_t> late;
  for (int i = 0; i < 200; ++i) {
    const int64_t t0 = Now(CLOCK_MONOTONIC);
    timespec ts{0, 500000};
    nanosleep(&ts, nullptr);
    late.push_back(Now(CLOCK_MONOTONIC) - t0 - 500000);
  }
  double mean = 0;
  for (int64_t l : late) mean += static_cast<double>(l);
  mean /= static_cast<double>(late.size());
  // The lateness's distribution, as its quantiles at 0, 5%, ..., 100%. An idle machine's: the
  // late-timer model is fed from the busy run's own measurement (sleep_late_ns above), since an
  // emulated guest's timers come far later while its vCPUs are busy.
  std::string quantiles;
  for (int i = 0; i <= kLateQuantiles; ++i) {
    if (i > 0) quantiles += ',';
    quantiles += std::to_string(
        std::max<int64_t>(0, Quantile(late, static_cast<double>(i) / kLateQuantiles)));
  }
  std::printf(
      "{\"burn_stretch\":%.3f,\"sleep_overshoot_us\":%.1f,\"sleep_overshoot_p90_us\":%.1f,"
      "\"sleep_late_quantiles_ns\":[%s]}\n",
      stretch, mean / 1000.0, static_cast<double>(Quantile(late, 0.9)) / 1000.0, quantiles.c_str());
  return 0;
}

int Usage(const std::string& what) {
  std::cerr << "workload_runner: " << what
            << "\nusage: workload_runner --plan=FILE [--seed=N] [--policy=NAME] [--no-trace] "
               "[--trace-out=FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string plan_path, policy = "eevdf", trace_out;
  uint64_t seed = 1;
  bool trace = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--plan=", 0) == 0)
      plan_path = a.substr(7);
    else if (a.rfind("--seed=", 0) == 0) {
      char* end = nullptr;
      seed = std::strtoull(a.c_str() + 7, &end, 10);
      if (*end != '\0' || a.size() == 7)
        return Usage("--seed expects a whole number, got '" + a.substr(7) + "'");
    } else if (a.rfind("--policy=", 0) == 0)
      policy = a.substr(9);
    else if (a == "--no-trace")
      trace = false;
    else if (a == "--calibrate")
      return Calibrate();
    else if (a.rfind("--trace-out=", 0) == 0)
      trace_out = a.substr(12);
    else
      return Usage("unknown argument '" + a + "'");
  }
  if (plan_path.empty()) return Usage("--plan is required");
  std::ifstream in(plan_path);
  if (!in) return Usage("cannot read plan '" + plan_path + "'");
  Plan plan;
  std::string error;
  if (!ReadPlan(in, &plan, &error)) {
    std::cerr << "workload_runner: " << plan_path << ": " << error << "\n";
    return 2;
  }
  if (trace && !StartTracing(&error)) {
    std::cerr << "workload_runner: " << error << "\n";
    return 1;
  }
  RunResult run;
  const bool ok = RunPlan(plan, seed, &run, &error);
  SchedMetrics m;
  int64_t lost = 0;
  if (trace) {
    WriteFile(std::string(kTracing) + "tracing_on", "0");
    std::unordered_set<int64_t> tids;
    for (const TaskResult& t : run.tasks) tids.insert(t.tid);
    std::ifstream tr(std::string(kTracing) + "trace");
    // "# entries-in-buffer/entries-written: 123/456   #P:2": what the ring buffer dropped.
    std::string head;
    std::streampos start = tr.tellg();
    while (std::getline(tr, head) && !head.empty() && head[0] == '#') {
      long long kept = 0, written = 0;
      if (std::sscanf(head.c_str(), "# entries-in-buffer/entries-written: %lld/%lld", &kept,
                      &written) == 2)
        lost = written - kept;
    }
    tr.clear();
    tr.seekg(start);
    if (!trace_out.empty()) {
      std::ofstream copy(trace_out);
      copy << tr.rdbuf();
      tr.clear();
      tr.seekg(start);
    }
    m = ReadSchedMetrics(tr, [&](int64_t pid) { return tids.count(pid) > 0; });
    WriteFile(std::string(kTracing) + "events/enable", "0");
    WriteFile(std::string(kTracing) + "trace", "");
  }
  if (!ok) {
    std::cerr << "workload_runner: " << error << "\n";
    return 1;
  }

  std::ostringstream os;
  os << "{\"policy\":" << Json(policy) << ",\"workload\":" << Json(plan.workload)
     << ",\"nr_cpus\":" << sysconf(_SC_NPROCESSORS_ONLN) << ",\"seed\":" << seed << ",\"params\":{";
  for (size_t i = 0; i < plan.params.size(); ++i)
    os << (i ? "," : "") << Json(plan.params[i].first) << ":" << plan.params[i].second;
  os << "},\"end_ns\":" << run.end_ns << ",\"context_switches\":" << m.switch_ins
     << ",\"processes\":[";
  for (size_t p = 0; p < plan.processes.size(); ++p) {
    std::vector<int64_t> times;
    int running = 0;
    for (const InstanceResult& r : run.instances) {
      if (r.process != static_cast<int>(p)) continue;
      if (r.completed_ns >= 0)
        times.push_back(r.completed_ns - r.arrival_ns);
      else
        ++running;
    }
    double mean = 0;
    for (int64_t t : times) mean += static_cast<double>(t);
    if (!times.empty()) mean /= static_cast<double>(times.size());
    os << (p ? "," : "") << "{\"name\":" << Json(plan.processes[p].name)
       << ",\"completed\":" << times.size() << ",\"running\":" << running
       << ",\"completion_ns\":{\"mean\":" << static_cast<int64_t>(mean)
       << ",\"p50\":" << Quantile(times, 0.5) << ",\"p99\":" << Quantile(times, 0.99)
       << ",\"max\":" << (times.empty() ? 0 : *std::max_element(times.begin(), times.end()))
       << "}}";
  }
  os << "],\"instances\":[";
  for (size_t i = 0; i < run.instances.size(); ++i) {
    const InstanceResult& r = run.instances[i];
    os << (i ? "," : "") << "{\"process\":" << Json(plan.processes[r.process].name)
       << ",\"instance\":" << r.instance << ",\"arrival_ns\":" << r.arrival_ns
       << ",\"completed_ns\":" << r.completed_ns << "}";
  }
  os << "],\"wait_ns\":{\"wakeup\":" << Hist(m.wake_latency_ns) << "},\"tasks\":[";
  for (size_t i = 0; i < run.tasks.size(); ++i) {
    const TaskResult& t = run.tasks[i];
    os << (i ? "," : "") << "{\"name\":" << Json(t.name) << ",\"pid\":" << t.tid
       << ",\"run_ns\":" << t.cpu_ns << ",\"created_ns\":" << t.created_ns
       << ",\"exited_ns\":" << t.exited_ns << "}";
  }
  os << "],\"twin\":{\"traced\":" << (trace ? "true" : "false") << ",\"trace_lost\":" << lost
     << ",\"wakeups\":" << m.wakeups << ",\"wake_latency_ns\":" << Hist(m.wake_latency_ns)
     << ",\"with_prev_cpu\":" << m.with_prev_cpu << ",\"on_prev_cpu\":" << m.on_prev_cpu
     << ",\"migrations\":" << m.migrations << ",\"switch_ins\":" << m.switch_ins
     << ",\"preempted\":" << m.preempted << ",\"cpu_busy_ns\":[";
  for (size_t c = 0; c < m.cpu_busy_ns.size(); ++c) os << (c ? "," : "") << m.cpu_busy_ns[c];
  os << "]";
  if (trace) {
    std::unordered_map<int64_t, std::vector<SleepSpan>> sleeps;
    for (const TaskResult& t : run.tasks)
      if (!t.sleeps.empty()) sleeps[t.tid] = t.sleeps;
    const SleepLateness sl = MeasureSleepLateness(sleeps, m.wake_events);
    os << ",\"sleep_late_ns\":" << Lateness(sl.late_ns) << ",\"unmatched_sleeps\":" << sl.unmatched
       << ",\"irq_late_ns\":" << Lateness(sl.irq_late_ns);
    os << ",\"timer_bunches\":" << Bunches(sl.bunch_sizes)
       << ",\"wake_bunches\":" << Bunches(BunchSizes(m.wake_events));
  }
  os << "}}\n";
  std::cout << os.str();
  return 0;
}
