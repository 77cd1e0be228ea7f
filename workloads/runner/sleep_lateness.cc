#include "workloads/runner/sleep_lateness.h"

#include <algorithm>

namespace scxtwin::runner {

SleepLateness MeasureSleepLateness(
    const std::unordered_map<int64_t, std::vector<SleepSpan>>& sleeps_by_pid,
    const std::vector<WakeEvent>& wakes) {
  std::unordered_map<int64_t, std::vector<const WakeEvent*>> by_pid;
  for (const WakeEvent& w : wakes)
    if (sleeps_by_pid.count(w.pid)) by_pid[w.pid].push_back(&w);
  SleepLateness out;
  std::vector<const WakeEvent*> ending;  // the wakes that ended a sleep
  for (const auto& [pid, sleeps] : sleeps_by_pid) {
    std::vector<const WakeEvent*>& ws = by_pid[pid];
    std::sort(ws.begin(), ws.end(),
              [](const WakeEvent* a, const WakeEvent* b) { return a->ts_ns < b->ts_ns; });
    for (const SleepSpan& s : sleeps) {
      auto it = std::lower_bound(ws.begin(), ws.end(), s.due_ns,
                                 [](const WakeEvent* w, int64_t t) { return w->ts_ns < t; });
      if (it == ws.end() || (*it)->ts_ns > s.end_ns) {
        ++out.unmatched;
        continue;
      }
      out.late_ns.push_back((*it)->ts_ns - s.due_ns);
      ending.push_back(*it);
    }
  }
  std::vector<WakeEvent> ends;
  for (const WakeEvent* w : ending) ends.push_back(*w);
  for (const std::vector<size_t>& b : Bunches(ends)) {
    out.bunch_sizes.push_back(static_cast<int>(b.size()));
    int64_t late = 0;
    for (size_t i : b) late = std::max(late, out.late_ns[i]);
    out.irq_late_ns.push_back(late);
  }
  return out;
}

std::vector<std::vector<size_t>> Bunches(const std::vector<WakeEvent>& wakes) {
  std::vector<size_t> order(wakes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return wakes[a].cpu != wakes[b].cpu ? wakes[a].cpu < wakes[b].cpu
                                        : wakes[a].ts_ns < wakes[b].ts_ns;
  });
  std::vector<std::vector<size_t>> out;
  for (size_t k = 0; k < order.size(); ++k) {
    const WakeEvent& w = wakes[order[k]];
    const WakeEvent* prev = k > 0 ? &wakes[order[k - 1]] : nullptr;
    const bool joins = prev != nullptr && prev->cpu == w.cpu && prev->in_irq && w.in_irq &&
                       prev->cpu_switches == w.cpu_switches && w.ts_ns - prev->ts_ns <= kBunchGapNs;
    if (!joins) out.emplace_back();
    out.back().push_back(order[k]);
  }
  return out;
}

std::vector<int> BunchSizes(const std::vector<WakeEvent>& wakes) {
  std::vector<int> sizes;
  for (const std::vector<size_t>& b : Bunches(wakes)) sizes.push_back(static_cast<int>(b.size()));
  return sizes;
}

std::vector<int64_t> EvenQuantiles(std::vector<int64_t> v, int n) {
  std::vector<int64_t> q;
  if (v.empty() || n < 1) return q;
  std::sort(v.begin(), v.end());
  for (int i = 0; i <= n; ++i) {
    size_t r = static_cast<size_t>(static_cast<double>(i) / n * static_cast<double>(v.size()));
    q.push_back(v[std::min(r, v.size() - 1)]);
  }
  return q;
}

}  // namespace scxtwin::runner
