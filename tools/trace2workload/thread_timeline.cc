#include "tools/trace2workload/thread_timeline.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace scxtwin::trace2workload {
namespace {

// Where a thread is, as far as the trace has shown.
enum class State {
  kRunning,   // on CPU `cpu` since `oncpu_since`
  kRunnable,  // preempted, or woken and not yet on a CPU: its burst goes on
  kBlocked,   // switched out sleeping since `blocked_since`
  kLostOut,   // left its CPU at `blocked_since` by a switch the trace lost; blocked or preempted
              // is decided by what comes next (a wakeup, or running again)
  kDead,
};

struct Live {
  size_t index = 0;  // into TreeTrace::threads
  State state = State::kRunnable;
  int cpu = -1;
  int64_t oncpu_since = 0;     // CPU time is charged up to here
  int64_t switched_in_at = 0;  // the start of the current stretch on a CPU
  int64_t last_seen = 0;       // the last line that showed it on its CPU
  int64_t blocked_since = 0;
  int64_t runnable_since = 0;  // woken, preempted or forked at
  int64_t pending_run_ns = 0;  // CPU time since the last emitted step
  int64_t burst_run_ns = 0;    // CPU time since the thread last became runnable
  bool exiting = false;        // sched_process_exit seen; the next switch-out is the last
};

// The traces recorded here lose about one sched_switch in ten (a CPU's next switch names a
// prev that is not the task the previous switch put there). So the builder also follows who is
// on each CPU: every line is printed in the context of the task on that CPU, which is evidence
// that the task runs there, and that the task seen there before has left. A stretch whose
// switch-in was lost starts after the last evidence of another task on that CPU; one whose
// switch-out was lost ends at its last evidence. CPU time is so counted only where the trace
// shows it.
class TreeBuilder {
 public:
  explicit TreeBuilder(TreeTrace* tree) : tree_(tree) {}

  void Add(int tid, int parent, std::string comm, int64_t ts, int cpu, State state) {
    Live live;
    live.index = tree_->threads.size();
    live.state = state;
    live.cpu = cpu;
    live.oncpu_since = live.switched_in_at = live.last_seen = live.runnable_since = ts;
    ThreadTrace t;
    t.tid = tid;
    t.parent_tid = parent;
    t.comm = std::move(comm);
    t.start_ns = ts;
    tree_->threads.push_back(std::move(t));
    live_[tid] = live;
    if (state == State::kRunning) cpus_[cpu] = {tid, ts};
  }

  Live* Find(int tid) {
    auto it = live_.find(tid);
    return it == live_.end() || it->second.state == State::kDead ? nullptr : &it->second;
  }

  ThreadTrace& Thread(const Live& l) { return tree_->threads[l.index]; }

  // `pid` is on `cpu` at `ts` (it printed there, or is the prev of a switch there).
  void Evidence(int cpu, int pid, int64_t ts) {
    CpuSeen& c = cpus_[cpu];
    if (c.pid != pid) {
      if (Live* q = Find(c.pid); q != nullptr && q->state == State::kRunning && q->cpu == cpu) {
        LostSwitchOut(*q, q->last_seen);
      }
      if (Live* p = Find(pid); p != nullptr) {
        if (p->state == State::kRunning && p->cpu != cpu) LostSwitchOut(*p, p->last_seen);
        if (p->state != State::kRunning) {
          // A runnable task started after it became runnable and after the last sign of
          // another task there. A blocked one was woken by a lost line at an unknown time: its
          // stretch is counted from this line only, so CPU time is never invented.
          int64_t start =
              p->state == State::kRunnable ? std::min(ts, std::max(p->runnable_since, c.ts)) : ts;
          SwitchIn(*p, cpu, start);
          ++Thread(*p).implied_switch_ins;
        }
      }
    }
    c.pid = pid;
    c.ts = ts;
    if (Live* p = Find(pid); p != nullptr) p->last_seen = ts;
  }

  // Charges CPU time up to `ts` and emits it as a run step, so a following step (a wake, a
  // fork) lands at the point of the burst where the trace had it.
  void FlushRun(Live& l, int64_t ts) {
    if (l.state == State::kRunning) Charge(l, ts);
    if (l.pending_run_ns > 0) Thread(l).program.push_back({Step::kRun, l.pending_run_ns, 0});
    l.pending_run_ns = 0;
  }

  void SwitchOut(Live& l, const FtraceEvent& e) {
    ThreadTrace& t = Thread(l);
    Charge(l, e.ts_ns);
    t.oncpu_ns.push_back(e.ts_ns - l.switched_in_at);
    if (!l.exiting && !e.prev_state.empty() && e.prev_state[0] == 'R') {
      // Preempted: still runnable, the burst goes on.
      l.state = State::kRunnable;
      l.runnable_since = e.ts_ns;
      return;
    }
    bool dead =
        l.exiting || e.prev_state.empty() || e.prev_state[0] == 'X' || e.prev_state[0] == 'Z';
    EndBurst(l);
    if (dead) {
      t.program.push_back({Step::kExit, 0, 0});
      t.exited = true;
      t.end_ns = e.ts_ns;
      l.state = State::kDead;
    } else {
      l.state = State::kBlocked;
      l.blocked_since = e.ts_ns;
    }
  }

  void SwitchIn(Live& l, int cpu, int64_t ts) {
    // Blocked, then running with no wakeup seen: the wakeup was lost; count the block as timed.
    if (l.state == State::kBlocked) Unblock(l, nullptr, ts);
    l.state = State::kRunning;
    l.cpu = cpu;
    l.oncpu_since = l.switched_in_at = l.last_seen = ts;
    cpus_[cpu] = {Thread(l).tid, ts};
  }

  // The switch-in a sched_switch shows. If the trace had it running elsewhere, its switch-out
  // there was lost.
  void SwitchTo(Live& l, int cpu, int64_t ts) {
    if (l.state == State::kRunning && l.cpu != cpu) LostSwitchOut(l, l.last_seen);
    if (l.state != State::kRunning) SwitchIn(l, cpu, ts);
    cpus_[cpu] = {Thread(l).tid, ts};
  }

  void SetCurrent(int cpu, int pid, int64_t ts) { cpus_[cpu] = {pid, ts}; }

  // A wakeup of `l`. `waker` is the tree thread that caused it, or nullptr for a timed block.
  void Wakeup(Live& l, Live* waker, int64_t ts) {
    if (l.state == State::kLostOut) {
      // It had blocked when its switch-out was lost.
      EndBurst(l);
      l.state = State::kBlocked;
    }
    // Only a wake that ends a block matters; a task woken before it could sleep never left.
    if (l.state == State::kBlocked) Unblock(l, waker, ts);
  }

  // Closes the threads still alive when the trace ends: their program ends there.
  void Finish(int64_t last_ts) {
    for (auto& [tid, l] : live_) {
      if (l.state == State::kDead) continue;
      if (l.state == State::kRunning) Thread(l).oncpu_ns.push_back(last_ts - l.switched_in_at);
      FlushRun(l, last_ts);
      Thread(l).end_ns = last_ts;
    }
  }

 private:
  struct CpuSeen {
    int pid = 0;  // the task on the CPU after the last line there
    int64_t ts = 0;
  };

  void Charge(Live& l, int64_t ts) {
    if (l.state != State::kRunning || ts <= l.oncpu_since) return;
    l.pending_run_ns += ts - l.oncpu_since;
    l.burst_run_ns += ts - l.oncpu_since;
    Thread(l).cpu_ns += ts - l.oncpu_since;
    l.oncpu_since = ts;
  }

  void EndBurst(Live& l) {
    FlushRun(l, l.oncpu_since);
    Thread(l).burst_ns.push_back(l.burst_run_ns);
    l.burst_run_ns = 0;
  }

  void LostSwitchOut(Live& l, int64_t at) {
    Charge(l, at);
    Thread(l).oncpu_ns.push_back(std::max<int64_t>(0, at - l.switched_in_at));
    l.state = State::kLostOut;
    l.blocked_since = at;
    l.runnable_since = at;
  }

  void Unblock(Live& l, Live* waker, int64_t ts) {
    ThreadTrace& t = Thread(l);
    if (waker != nullptr) {
      FlushRun(*waker, ts);
      Thread(*waker).program.push_back({Step::kWake, 0, t.tid});
      t.program.push_back({Step::kWait, 0, Thread(*waker).tid});
      ++t.waits;
    } else {
      t.program.push_back({Step::kSleep, std::max<int64_t>(0, ts - l.blocked_since), 0});
      ++t.timed_sleeps;
    }
    l.state = State::kRunnable;
    l.runnable_since = ts;
  }

  TreeTrace* tree_;
  absl::flat_hash_map<int, Live> live_;
  absl::flat_hash_map<int, CpuSeen> cpus_;
};

bool MatchesRoot(const FtraceEvent& e, absl::string_view root) {
  absl::string_view file = e.filename;
  size_t slash = file.rfind('/');
  absl::string_view base = slash == absl::string_view::npos ? file : file.substr(slash + 1);
  return file == root || base == root;
}

}  // namespace

absl::StatusOr<TreeTrace> ExtractTree(const std::vector<FtraceEvent>& events,
                                      absl::string_view root) {
  TreeTrace tree;
  size_t first = events.size();
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].type == EventType::kExec && MatchesRoot(events[i], root)) {
      first = i;
      break;
    }
  }
  if (first == events.size()) {
    std::set<std::string> seen;
    for (const FtraceEvent& e : events) {
      if (e.type == EventType::kExec) seen.insert(e.filename);
    }
    return absl::NotFoundError(absl::StrCat(
        "no sched_process_exec of '", root,
        "' in the trace (execs seen: ", seen.empty() ? "none" : absl::StrJoin(seen, ", "), ")"));
  }
  const FtraceEvent& exec = events[first];
  tree.root_pid = exec.target_pid;
  tree.root_filename = exec.filename;
  tree.start_ns = exec.ts_ns;
  // Real kernels print sched_waking in the waker's context; sched_wakeup may be printed on the
  // wakee's CPU. Use sched_waking for wakers whenever the trace has it.
  for (const FtraceEvent& e : events) {
    if (e.type == EventType::kWaking) {
      tree.wakers_from_waking = true;
      break;
    }
  }
  const EventType wake_type = tree.wakers_from_waking ? EventType::kWaking : EventType::kWakeup;

  TreeBuilder b(&tree);
  // The kernel prints the exec line in the exec'ing task, which is on a CPU at that moment; a
  // simulator may record a process's start before its first task runs.
  const bool root_running = exec.pid == exec.target_pid;
  b.Add(exec.target_pid, 0, exec.comm, exec.ts_ns, exec.cpu,
        root_running ? State::kRunning : State::kRunnable);
  int64_t last_ts = exec.ts_ns;
  int64_t last_exit = -1;
  for (size_t i = first + 1; i < events.size(); ++i) {
    const FtraceEvent& e = events[i];
    last_ts = std::max(last_ts, e.ts_ns);
    // Every line is printed in the context of the task on its CPU (an irq interrupts it).
    b.Evidence(e.cpu, e.type == EventType::kSwitch ? e.prev_pid : e.pid, e.ts_ns);
    switch (e.type) {
      case EventType::kSwitch: {
        if (Live* prev = b.Find(e.prev_pid); prev != nullptr) b.SwitchOut(*prev, e);
        if (Live* next = b.Find(e.next_pid); next != nullptr) {
          b.Thread(*next).comm = e.next_comm;
          b.SwitchTo(*next, e.cpu, e.ts_ns);
        } else {
          b.SetCurrent(e.cpu, e.next_pid, e.ts_ns);
        }
        break;
      }
      case EventType::kFork: {
        Live* parent = b.Find(e.parent_pid != 0 ? e.parent_pid : e.pid);
        if (parent == nullptr || b.Find(e.target_pid) != nullptr) break;
        b.FlushRun(*parent, e.ts_ns);
        b.Thread(*parent).program.push_back({Step::kFork, 0, e.target_pid});
        // A new task starts runnable: the wait before its first run is the scheduler's.
        b.Add(e.target_pid, b.Thread(*parent).tid, e.target_comm, e.ts_ns, -1, State::kRunnable);
        break;
      }
      case EventType::kExit: {
        if (Live* l = b.Find(e.target_pid); l != nullptr) {
          l->exiting = true;
          last_exit = std::max(last_exit, e.ts_ns);
        }
        break;
      }
      default: {
        if (e.type != wake_type) break;
        Live* wakee = b.Find(e.target_pid);
        if (wakee == nullptr) break;
        Live* waker = e.in_irq || e.pid == e.target_pid ? nullptr : b.Find(e.pid);
        b.Wakeup(*wakee, waker, e.ts_ns);
        break;
      }
    }
  }
  b.Finish(last_ts);
  tree.end_ns = last_exit >= 0 ? last_exit : last_ts;
  return tree;
}

}  // namespace scxtwin::trace2workload
