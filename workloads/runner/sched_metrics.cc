#include "workloads/runner/sched_metrics.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

namespace scxtwin::runner {
namespace {

// Per tracked task: where it last ran and whether it is waiting to run after a wakeup.
struct TaskState {
  int last_cpu = -1;  // CPU of its last switch-out (or switch-in while running)
  bool on_cpu = false;
  int64_t woken_at = -1;  // waking time of a wakeup not yet followed by a switch-in
  int prev_cpu_at_wake = -1;
  int64_t on_since = -1;  // switch-in time while on a CPU
};

void AddBusy(SchedMetrics* m, int cpu, int64_t ns) {
  if (cpu < 0 || ns <= 0) return;
  if (static_cast<size_t>(cpu) >= m->cpu_busy_ns.size()) m->cpu_busy_ns.resize(cpu + 1, 0);
  m->cpu_busy_ns[cpu] += ns;
}

// "key=VALUE" in `s` after `from`: the value's integer, or -1.
int64_t IntField(const std::string& s, const char* key, size_t from = 0) {
  size_t p = s.find(key, from);
  if (p == std::string::npos) return -1;
  return std::strtoll(s.c_str() + p + std::strlen(key), nullptr, 10);
}

// The timestamp "SECONDS.FRACTION:" just before the event name at `ev`, in ns.
int64_t Timestamp(const std::string& s, size_t ev) {
  size_t end = s.rfind(':', ev);
  if (end == std::string::npos) return -1;
  size_t start = s.rfind(' ', end);
  start = start == std::string::npos ? 0 : start + 1;
  size_t dot = s.find('.', start);
  if (dot == std::string::npos || dot > end) return -1;
  int64_t sec = std::strtoll(s.c_str() + start, nullptr, 10);
  int64_t frac = 0;
  int digits = 0;
  for (size_t i = dot + 1; i < end && digits < 9; ++i, ++digits) frac = frac * 10 + (s[i] - '0');
  for (; digits < 9; ++digits) frac *= 10;
  return sec * 1000000000 + frac;
}

// The CPU of a line: "[001]".
int Cpu(const std::string& s) {
  size_t p = s.find('[');
  return p == std::string::npos ? -1 : std::atoi(s.c_str() + p + 1);
}

// The flags column after "[CPU] " ("dNh2."): its third character is 'h' (or 'H', a hardirq
// during a softirq) in a hardware interrupt.
bool InHardirq(const std::string& s) {
  size_t p = s.find("] ");
  if (p == std::string::npos) return false;
  p = s.find_first_not_of(' ', p + 1);
  return p != std::string::npos && p + 2 < s.size() && (s[p + 2] == 'h' || s[p + 2] == 'H');
}

}  // namespace

double SchedMetrics::Quantile(double q) const {
  if (wake_latency_ns.empty()) return 0;
  std::vector<int64_t> v = wake_latency_ns;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(q * static_cast<double>(v.size()));
  if (rank >= v.size()) rank = v.size() - 1;
  return static_cast<double>(v[rank]);
}

SchedMetrics ReadSchedMetrics(std::istream& in, const std::function<bool(int64_t)>& tracked) {
  SchedMetrics m;
  std::unordered_map<int64_t, TaskState> tasks;
  std::vector<int64_t> switches;  // sched_switch lines by CPU
  std::string line;
  while (std::getline(in, line)) {
    ++m.lines;
    if (line.empty() || line[0] == '#') continue;
    size_t ev;
    if ((ev = line.find(" sched_switch: ")) != std::string::npos) {
      const int cpu = Cpu(line);
      if (cpu >= 0) {
        if (static_cast<size_t>(cpu) >= switches.size()) switches.resize(cpu + 1, 0);
        ++switches[cpu];
      }
      const int64_t prev = IntField(line, " prev_pid=", ev);
      const size_t arrow = line.find("==>", ev);
      const int64_t next = IntField(line, " next_pid=", arrow == std::string::npos ? ev : arrow);
      if (prev > 0 && tracked(prev)) {
        ++m.events;
        TaskState& t = tasks[prev];
        if (t.on_cpu && t.on_since >= 0) AddBusy(&m, cpu, Timestamp(line, ev) - t.on_since);
        t.on_cpu = false;
        t.on_since = -1;
        t.last_cpu = cpu;
        size_t st = line.find(" prev_state=", ev);
        if (st != std::string::npos && line[st + 12] == 'R') ++m.preempted;
      }
      if (next > 0 && tracked(next)) {
        ++m.events;
        ++m.switch_ins;
        TaskState& t = tasks[next];
        if (t.woken_at >= 0) {
          const int64_t now = Timestamp(line, ev);
          m.wake_latency_ns.push_back(std::max<int64_t>(0, now - t.woken_at));
          if (t.prev_cpu_at_wake >= 0) {
            ++m.with_prev_cpu;
            m.on_prev_cpu += cpu == t.prev_cpu_at_wake;
          }
          t.woken_at = -1;
        }
        t.on_cpu = true;
        t.on_since = Timestamp(line, ev);
        t.last_cpu = cpu;
      }
    } else if ((ev = line.find(" sched_waking: ")) != std::string::npos) {
      const int64_t pid = IntField(line, " pid=", ev);
      if (pid <= 0 || !tracked(pid)) continue;
      ++m.events;
      TaskState& t = tasks[pid];
      // A wake of a task still on its CPU (it was about to block) or already woken is no wakeup.
      if (t.on_cpu || t.woken_at >= 0) continue;
      ++m.wakeups;
      t.woken_at = Timestamp(line, ev);
      const int cpu = Cpu(line);
      m.wake_events.push_back(
          {pid, t.woken_at, cpu, InHardirq(line),
           cpu >= 0 && static_cast<size_t>(cpu) < switches.size() ? switches[cpu] : 0});
      t.prev_cpu_at_wake = t.last_cpu;
    } else if ((ev = line.find(" sched_migrate_task: ")) != std::string::npos) {
      const int64_t pid = IntField(line, " pid=", ev);
      if (pid <= 0 || !tracked(pid)) continue;
      ++m.events;
      ++m.migrations;
    }
  }
  return m;
}

}  // namespace scxtwin::runner
