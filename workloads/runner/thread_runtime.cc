#include "workloads/runner/thread_runtime.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>

#include "sim/engine/rng.h"

namespace scxtwin::runner {
namespace {

using sim::NextRandom;
using sim::NextUnit;
using sim::SeedStream;

constexpr int kIrqSlots = 256;     // interrupts in flight to one task
constexpr int kMaxMembers = 4096;  // tasks of one group in one instance

int64_t MonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t ThreadCpuNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void FutexWait(std::atomic<uint32_t>* word, uint32_t seen) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr,
          0);
}

// As FutexWait, for at most timeout_ns (none when negative; no wait when 0).
void FutexWaitFor(std::atomic<uint32_t>* word, uint32_t seen, int64_t timeout_ns) {
  if (timeout_ns < 0) return FutexWait(word, seen);
  if (timeout_ns == 0) return;
  timespec ts{static_cast<time_t>(timeout_ns / 1000000000),
              static_cast<long>(timeout_ns % 1000000000)};
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, seen, &ts, nullptr, 0);
}

void FutexWake(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
          nullptr, 0);
}

// The simulator's SampleDist (sim/workload/dist.cc) on the plan's form of a Dist: same draws.
int64_t Sample(const PlanDist& d, uint64_t rng[4]) {
  switch (d.kind) {
    case PlanDist::kNone:
      return 0;
    case PlanDist::kFixed:
      return d.a;
    case PlanDist::kUniform: {
      const uint64_t span = static_cast<uint64_t>(d.b - d.a) + 1;
      return d.a + static_cast<int64_t>(NextRandom(rng) % span);
    }
    case PlanDist::kExponential:
      return std::llround(-static_cast<double>(d.a) * std::log(NextUnit(rng)));
    case PlanDist::kLogNormal: {
      const double u1 = NextUnit(rng), u2 = NextUnit(rng);
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      int64_t v = std::llround(static_cast<double>(d.a) * std::exp(d.sigma * z));
      if (d.b > 0) v = std::min(v, d.b);
      return std::max<int64_t>(v, 0);
    }
    case PlanDist::kEmpirical:
      return d.samples[NextRandom(rng) % d.samples.size()];
  }
  return 0;
}

struct Runtime;
struct Instance;

struct Task;
// An interrupt waiting for its target to be on a CPU: 0 free, 1 posted, 2 being acknowledged.
struct IrqSlot {
  std::atomic<int> state{0};
  Task* sender = nullptr;
  int ack = 0;
  const PlanDist* handler = nullptr;
};

struct Task {
  Runtime* rt = nullptr;
  Instance* inst = nullptr;
  int group = 0, index = 0;
  const PlanGroup* g = nullptr;
  std::string name;
  int64_t start_at = 0;            // monotonic ns
  bool delayed = false;            // started after its instance's arrival (a start delay > 0)
  std::atomic<uint32_t> futex{0};  // bumped by every wake; waiters sleep on it
  std::unique_ptr<std::atomic<int64_t>[]> pending;  // per channel
  std::atomic<int> wait_channel{-1};                // blocked in a (blocking) wait on this channel
  std::atomic<bool> started{false};                 // its thread runs (signals can reach it)
  std::atomic<bool> exited{false};
  std::atomic<bool> in_sleep{false};
  std::atomic<int> halt_irqs{0};
  std::atomic<const PlanDist*> halt_handler{nullptr};
  std::vector<int64_t> acks_expected;
  std::vector<int> next_rr;
  uint64_t rng[4], irq_rng[4];
  IrqSlot irqs[kIrqSlots];
  std::atomic<uint32_t> irq_tail{0};
  pthread_t thread{};
  bool joinable = false;
  pid_t tid = 0;
  int64_t created_ns = 0, exited_ns = -1, cpu_ns = 0;
  std::vector<SleepSpan> sleeps;  // written by its own thread only
};

struct Members {
  std::atomic<Task*> slot[kMaxMembers];
  std::atomic<int> size{0};
};

struct Instance {
  int process = 0, instance = 0, global = 0;
  int64_t arrival_ns = 0;
  std::atomic<int> live{0};
  std::atomic<int64_t> completed_ns{-1};
  std::unique_ptr<Members[]> groups;
  std::mutex fork_mu;  // member appends
};

struct Runtime {
  const Plan* plan = nullptr;
  uint64_t seed = 0;
  int64_t t0 = 0;
  std::atomic<bool> stop{false};
  std::atomic<int> live{0};
  // Bumped when the last task finishes or a task stops the run: the main thread sleeps on it.
  std::atomic<uint32_t> main_word{0};
  std::mutex mu;  // tasks
  std::deque<Task> tasks;
  std::deque<Instance> instances;
  std::string error;
};

thread_local Task* self_task = nullptr;

void WakeMain(Runtime* rt) {
  rt->main_word.fetch_add(1);
  FutexWake(&rt->main_word);
}

void Deliver(Task* t, int channel) {
  t->pending[channel].fetch_add(1);
  t->futex.fetch_add(1);
  FutexWake(&t->futex);
}

// Acknowledges every posted interrupt of `t` (in its signal handler, at its start, at its exit;
// or by a sender that finds it exited). Only atomics and futex calls: async-signal-safe.
void AckInterrupts(Task* t, bool halted) {
  for (IrqSlot& s : t->irqs) {
    int posted = 1;
    if (!s.state.compare_exchange_strong(posted, 2)) continue;
    Task* sender = s.sender;
    const int ack = s.ack;
    if (halted && s.handler != nullptr && s.handler->kind != PlanDist::kNone) {
      t->halt_handler.store(s.handler);
      t->halt_irqs.fetch_add(1);
    }
    s.state.store(0);
    Deliver(sender, ack);
  }
}

void OnInterrupt(int) {
  if (Task* t = self_task) AckInterrupts(t, t->in_sleep.load());
}

void OnStop(int) {}

void Burn(Task* t, int64_t ns) {
  const int64_t start = ThreadCpuNs();
  while (ThreadCpuNs() - start < ns && !t->rt->stop.load(std::memory_order_relaxed)) {
    for (volatile int i = 0; i < 64; i = i + 1) {
    }
  }
}

void Sleep(Task* t, int64_t ns) {
  const int64_t start = MonoNs(), until = start + ns;
  timespec ts{static_cast<time_t>(until / 1000000000LL), static_cast<long>(until % 1000000000LL)};
  t->in_sleep.store(true);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    if (t->rt->stop.load()) break;
    // Woken from the halt by an interrupt: its handler's CPU time, then halt again.
    t->in_sleep.store(false);
    while (t->halt_irqs.load() > 0) {
      t->halt_irqs.fetch_sub(1);
      Burn(t, Sample(*t->halt_handler.load(), t->irq_rng));
    }
    t->in_sleep.store(true);
  }
  t->in_sleep.store(false);
  if (!t->rt->stop.load()) t->sleeps.push_back({start, until, MonoNs()});
}

void Wait(Task* t, int channel, int64_t need, bool spin) {
  std::atomic<int64_t>& pending = t->pending[channel];
  while (need > 0 && !t->rt->stop.load()) {
    const uint32_t seen = t->futex.load();
    int64_t p = pending.load();
    if (p > 0) {
      const int64_t take = std::min(p, need);
      if (pending.compare_exchange_strong(p, p - take)) need -= take;
      continue;
    }
    if (spin) {
      for (volatile int i = 0; i < 64; i = i + 1) {
      }
      continue;
    }
    t->wait_channel.store(channel);
    if (pending.load() == 0) FutexWait(&t->futex, seen);
  }
  t->wait_channel.store(-1);
}

void Interrupt(Task* sender, Task* target, const PlanOp& op) {
  ++sender->acks_expected[op.ack];
  if (target->exited.load()) {
    Deliver(sender, op.ack);
    return;
  }
  IrqSlot& s = target->irqs[target->irq_tail.fetch_add(1) % kIrqSlots];
  int free_state = 0;
  while (!s.state.compare_exchange_weak(free_state, 3)) {  // 3: being filled
    free_state = 0;
    sched_yield();
  }
  s.sender = sender;
  s.ack = op.ack;
  s.handler = &op.dist;
  s.state.store(1);
  // Posted first, then checked: a target that starts or exits meanwhile drains the slot itself.
  if (target->exited.load()) {
    AckInterrupts(target, false);
  } else if (target->started.load()) {
    pthread_kill(target->thread, SIGUSR1);
  }
}

Members& MembersOf(Instance* inst, int group) { return inst->groups[group]; }

void WakeOp(Task* w, const PlanOp& op) {
  Members& m = MembersOf(w->inst, op.group);
  const int n = m.size.load();
  if (n == 0) return;
  auto one = [&](Task* target) {
    if (op.ack >= 0) {
      Interrupt(w, target, op);
    } else {
      Deliver(target, op.channel);
    }
  };
  auto at = [&](int i) { return m.slot[i].load(); };
  auto waits_here = [&](Task* t) { return t->wait_channel.load() == op.channel; };
  switch (op.pick) {
    case 0:  // INDEX
      if (op.index < n) one(at(op.index));
      return;
    case 1:  // SAME
      if (w->index < n) one(at(w->index));
      return;
    case 2:  // ALL
      for (int i = 0; i < n; ++i) one(at(i));
      return;
    case 6:  // OTHERS
      for (int i = 0; i < n; ++i)
        if (at(i) != w) one(at(i));
      return;
    case 5:  // WAITING_ONLY
      for (int i = 0; i < n; ++i)
        if (waits_here(at(i))) {
          one(at(i));
          return;
        }
      return;
    case 4:  // WAITING
      for (int i = 0; i < n; ++i)
        if (waits_here(at(i))) {
          one(at(i));
          return;
        }
      [[fallthrough]];
    default: {  // NEXT
      int& rr = w->next_rr[op.group];
      one(at(rr % n));
      rr = (rr + 1) % n;
    }
  }
}

void* TaskMain(void* arg);

Task* NewTask(Runtime* rt, Instance* inst, int group, int index) {
  const PlanGroup& g = rt->plan->processes[inst->process].groups[group];
  std::lock_guard<std::mutex> lock(rt->mu);
  Task& t = rt->tasks.emplace_back();
  t.rt = rt;
  t.inst = inst;
  t.group = group;
  t.index = index;
  t.g = &g;
  t.name = rt->plan->processes[inst->process].name + "." + std::to_string(inst->instance) + "/" +
           g.name + "." + std::to_string(index);
  t.pending.reset(new std::atomic<int64_t>[g.channels]);
  for (int c = 0; c < g.channels; ++c) t.pending[c].store(0);
  t.acks_expected.assign(g.channels, 0);
  t.next_rr.assign(rt->plan->processes[inst->process].groups.size(), 0);
  SeedStream(t.rng, rt->seed,
             (static_cast<uint64_t>(inst->global) << 20) | static_cast<uint64_t>(group), index);
  SeedStream(t.irq_rng, rt->seed,
             (static_cast<uint64_t>(inst->global) << 20) | group | (uint64_t{1} << 63), index);
  return &t;
}

bool Spawn(Task* t) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  const int rc = pthread_create(&t->thread, &attr, TaskMain, t);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    std::lock_guard<std::mutex> lock(t->rt->mu);
    if (t->rt->error.empty())
      t->rt->error = "cannot create thread for " + t->name + ": " + std::to_string(rc);
    return false;
  }
  t->joinable = true;
  return true;
}

void Register(Task* t) {
  std::lock_guard<std::mutex> lock(t->inst->fork_mu);
  Members& m = MembersOf(t->inst, t->group);
  const int n = m.size.load();
  if (n >= kMaxMembers) return;
  m.slot[n].store(t);
  m.size.store(n + 1);
}

void SetAffinity(const std::string& list) {
  if (list.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  size_t i = 0;
  while (i < list.size()) {
    char* end = nullptr;
    long a = std::strtol(list.c_str() + i, &end, 10), b = a;
    i = end - list.c_str();
    if (i < list.size() && list[i] == '-') {
      b = std::strtol(list.c_str() + i + 1, &end, 10);
      i = end - list.c_str();
    }
    for (long c = a; c <= b && c < CPU_SETSIZE; ++c) CPU_SET(c, &set);
    if (i < list.size() && list[i] == ',') ++i;
  }
  sched_setaffinity(0, sizeof set, &set);
}

// The group's policy (sched_setscheduler on the thread): a thread that cannot have it ends the
// run with an error naming it (no silent fallback to SCHED_OTHER).
bool SetPolicy(Task* t) {
  constexpr int kSchedExt = 7;  // SCHED_EXT (include/uapi/linux/sched.h), not in every libc
  static const int kPolicies[] = {SCHED_OTHER, kSchedExt, SCHED_FIFO, SCHED_RR};
  static const char* const kNames[] = {"NORMAL", "EXT", "FIFO", "RR"};
  sched_param param{};
  param.sched_priority = t->g->rt_priority;
  if (sched_setscheduler(t->tid, kPolicies[t->g->policy], &param) == 0) return true;
  const int err = errno;
  std::lock_guard<std::mutex> lock(t->rt->mu);
  if (t->rt->error.empty()) {
    t->rt->error = "cannot set policy " + std::string(kNames[t->g->policy]) + " (rt_priority " +
                   std::to_string(t->g->rt_priority) + ") for " + t->name + ": " +
                   std::strerror(err) +
                   "; expected root (CAP_SYS_NICE) for FIFO/RR and a sched_ext kernel for EXT";
  }
  t->rt->stop.store(true);
  WakeMain(t->rt);
  return false;
}

// Ends task t; from its own thread (ran) or for one whose thread never started (the caller's
// CPU time is not its).
void Finish(Task* t, bool ran = true) {
  t->cpu_ns = ran ? ThreadCpuNs() : 0;
  t->exited_ns = MonoNs() - t->rt->t0;
  t->exited.store(true);
  AckInterrupts(t, false);
  // An instance cut short by the stop is not complete.
  if (t->inst->live.fetch_sub(1) == 1 && !t->rt->stop.load())
    t->inst->completed_ns.store(t->exited_ns);
  if (t->rt->live.fetch_sub(1) == 1) WakeMain(t->rt);
}

void* TaskMain(void* arg) {
  Task* t = static_cast<Task*>(arg);
  Runtime* rt = t->rt;
  t->tid = static_cast<pid_t>(syscall(SYS_gettid));
  self_task = t;
  t->started.store(true);
  prctl(PR_SET_NAME, t->g->name.substr(0, 15).c_str());
  if (t->g->nice != 0) setpriority(PRIO_PROCESS, t->tid, t->g->nice);
  SetAffinity(t->g->affinity);
  if (t->g->policy != 0 && !SetPolicy(t)) {
    Finish(t);
    return nullptr;
  }
  // Its thread was created at its start (RunPlan). A task with a start delay joins its group now
  // (the simulator creates it then); one without was registered at its instance's set-up, so
  // wakes sent to it are kept.
  if (t->delayed) Register(t);
  t->created_ns = MonoNs() - rt->t0;
  AckInterrupts(t, false);
  const std::vector<PlanOp>& prog = t->g->program;
  std::vector<int64_t> loop_left(prog.size(), 0);
  size_t pc = 0;
  while (pc < prog.size() && !rt->stop.load()) {
    const PlanOp& op = prog[pc];
    switch (op.kind) {
      case PlanOp::kRun:
        Burn(t, Sample(op.dist, t->rng));
        ++pc;
        break;
      case PlanOp::kSleep:
        Sleep(t, Sample(op.dist, t->rng));
        ++pc;
        break;
      case PlanOp::kWake:
        ++pc;
        // A wake followed by a blocking wait (a request, then waiting for its answer) is one step
        // in the simulator: the waker is blocked before anyone can answer. Announce the wait
        // first, so an answer sent to a waiting member (WAITING, WAITING_ONLY) cannot miss it.
        if (pc < prog.size() && prog[pc].kind == PlanOp::kWait && !prog[pc].spin) {
          t->wait_channel.store(prog[pc].channel);
        }
        WakeOp(t, op);
        break;
      case PlanOp::kWait: {
        ++pc;
        int64_t need = op.count;
        if (op.acks) {
          need = t->acks_expected[op.channel];
          t->acks_expected[op.channel] = 0;
        }
        Wait(t, op.channel, need, op.spin);
        break;
      }
      case PlanOp::kFork:
        ++pc;
        for (int64_t i = 0; i < op.count && !rt->stop.load(); ++i) {
          Task* child;
          {
            std::lock_guard<std::mutex> lock(t->inst->fork_mu);
            child = NewTask(rt, t->inst, op.group, MembersOf(t->inst, op.group).size.load());
          }
          t->inst->live.fetch_add(1);
          rt->live.fetch_add(1);
          Register(child);
          if (!Spawn(child)) Finish(child, /*ran=*/false);
        }
        break;
      case PlanOp::kExit:
        pc = prog.size();
        break;
      case PlanOp::kLoopBegin:
        loop_left[pc] = op.count;  // 0 = forever
        ++pc;
        break;
      case PlanOp::kLoopEnd: {
        const size_t begin = static_cast<size_t>(op.jump) - 1;  // the kLoopBegin
        if (loop_left[begin] == 0 || --loop_left[begin] > 0) {
          pc = static_cast<size_t>(op.jump);
        } else {
          ++pc;
        }
        break;
      }
    }
  }
  Finish(t);
  return nullptr;
}

}  // namespace

bool RunPlan(const Plan& plan, uint64_t seed, RunResult* result, std::string* error) {
  struct sigaction sa = {};
  sa.sa_handler = OnInterrupt;
  sigaction(SIGUSR1, &sa, nullptr);
  sa.sa_handler = OnStop;
  sigaction(SIGUSR2, &sa, nullptr);

  Runtime rt;
  rt.plan = &plan;
  rt.seed = seed;
  // Arrivals: the simulator's order (by time; ties in process, then instance order).
  struct Arrival {
    int64_t at;
    int process, instance;
  };
  std::vector<Arrival> arrivals;
  std::vector<std::array<uint64_t, 4>> streams(plan.processes.size());
  for (size_t p = 0; p < plan.processes.size(); ++p) {
    const PlanProcess& proc = plan.processes[p];
    SeedStream(streams[p].data(), seed, 0xa771a1, p);
    int64_t t = proc.poisson ? 0 : proc.at_ns;
    for (int i = 0; i < proc.instances; ++i) {
      if (proc.poisson) {
        PlanDist gap;
        gap.kind = PlanDist::kExponential;
        gap.a = proc.poisson_mean_gap_ns;
        t += Sample(gap, streams[p].data());
      }
      arrivals.push_back({t, static_cast<int>(p), i});
    }
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const Arrival& a, const Arrival& b) { return a.at < b.at; });

  std::vector<Task*> initial;
  rt.t0 = MonoNs() + 20000000;  // 20 ms ahead: the set-up below ends before the first arrival
  for (size_t k = 0; k < arrivals.size(); ++k) {
    const Arrival& a = arrivals[k];
    const PlanProcess& proc = plan.processes[a.process];
    Instance& inst = rt.instances.emplace_back();
    inst.process = a.process;
    inst.instance = a.instance;
    inst.global = static_cast<int>(k);
    inst.arrival_ns = a.at;
    inst.groups.reset(new Members[proc.groups.size()]);
    for (size_t g = 0; g < proc.groups.size(); ++g) {
      const PlanGroup& grp = proc.groups[g];
      if (grp.on_fork) continue;
      for (int i = 0; i < grp.count; ++i) {
        const int64_t delay = Sample(grp.start, streams[a.process].data());
        Task* t = NewTask(&rt, &inst, static_cast<int>(g), i);
        t->start_at = rt.t0 + a.at + delay;
        t->delayed = delay > 0;
        if (!t->delayed) Register(t);
        inst.live.fetch_add(1);
        rt.live.fetch_add(1);
        initial.push_back(t);
      }
    }
  }
  // Each task's thread is created at its start (its instance's arrival, plus its start delay), as
  // the simulator creates the task then: threads made up front would each be a new task placed
  // by the scheduler at once, and a sleeper woken at its start, where the simulator has neither.
  std::stable_sort(initial.begin(), initial.end(),
                   [](const Task* a, const Task* b) { return a->start_at < b->start_at; });
  size_t next = 0;
  // The creating thread runs as SCHED_FIFO, its threads reset to SCHED_OTHER at creation: its
  // wakeups at the starts are then no placements of a sched_ext policy under test (in the
  // simulator arrivals come from no task). Without the privilege it stays as it is.
  const int old_policy = sched_getscheduler(0);
  sched_param old_param{};
  sched_getparam(0, &old_param);
  const sched_param fifo{1};
  const bool fifo_spawner = sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &fifo) == 0;
  const int64_t duration = plan.duration_ns;
  bool by_duration = false;
  // The main thread sleeps until the next start, the last task's end, a task stopping the run or
  // the duration's end; it naps 1 ms at a time only while a stop reaches the tasks. (A thread
  // polling through the run would take CPU time and scheduler placements from the workload in
  // the guest; the simulator runs no such thread.)
  while (rt.live.load() > 0) {
    const uint32_t seen = rt.main_word.load();
    while (next < initial.size() && !rt.stop.load() && initial[next]->start_at <= MonoNs()) {
      Task* t = initial[next++];
      if (!Spawn(t)) {
        rt.stop.store(true);
        Finish(t, /*ran=*/false);
      }
    }
    if (rt.stop.load()) {
      while (next < initial.size()) Finish(initial[next++], /*ran=*/false);
    }
    if (rt.live.load() == 0) break;
    int64_t wait_ns = -1;
    if (rt.stop.load()) {
      wait_ns = 1000000;
    } else {
      if (next < initial.size()) wait_ns = std::max<int64_t>(initial[next]->start_at - MonoNs(), 0);
      if (duration > 0) {
        const int64_t left = std::max<int64_t>(rt.t0 + duration - MonoNs(), 0);
        wait_ns = wait_ns < 0 ? left : std::min(wait_ns, left);
      }
    }
    FutexWaitFor(&rt.main_word, seen, wait_ns);
    if (duration > 0 && MonoNs() - rt.t0 >= duration && !rt.stop.load()) {
      by_duration = true;
      rt.stop.store(true);
    }
    if (rt.stop.load()) {
      std::lock_guard<std::mutex> lock(rt.mu);
      for (Task& t : rt.tasks) {
        if (!t.joinable || t.exited.load()) continue;
        t.futex.fetch_add(1);
        FutexWake(&t.futex);
        pthread_kill(t.thread, SIGUSR2);
      }
    }
  }
  const int64_t end = MonoNs() - rt.t0;
  if (fifo_spawner) sched_setscheduler(0, old_policy, &old_param);
  {
    std::lock_guard<std::mutex> lock(rt.mu);
    for (Task& t : rt.tasks)
      if (t.joinable) pthread_join(t.thread, nullptr);
  }
  result->end_ns = end;
  result->stopped_by_duration = by_duration;
  for (const Instance& inst : rt.instances) {
    result->instances.push_back(
        {inst.process, inst.instance, inst.arrival_ns, inst.completed_ns.load()});
  }
  for (const Task& t : rt.tasks)
    result->tasks.push_back({t.name, t.tid, t.cpu_ns, t.created_ns, t.exited_ns, t.sleeps});
  if (!rt.error.empty()) {
    *error = rt.error;
    return false;
  }
  return true;
}

}  // namespace scxtwin::runner
