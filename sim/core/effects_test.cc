// Each host effect (sim/machine/effects.h) alone, on a machine with free switches: the time it
// adds is exactly the term's stated figure.
#include <algorithm>

#include "gtest/gtest.h"
#include "sim/core/fifo_class.h"
#include "sim/core/simulator.h"
#include "sim/testing/fixtures.h"

namespace scxtwin::sim {
namespace {

// ZeroCost with one effect switched back on by `enable` (a --set cost.KEY=V pair).
SimOptions With(const char* key, const char* value = "on") {
  SimOptions o = ZeroCost();
  EXPECT_TRUE(o.costs.Set(key, value).ok()) << key;
  return o;
}

SimTime EndTime(const WorkloadSpec& spec, const Topology& topo, const SimOptions& o) {
  FifoClass cls;
  Simulator sim(topo, spec, &cls, o);
  EXPECT_TRUE(sim.Run().ok());
  return sim.result().end_time;
}

TEST(IdleExitTest, AWakeAfterALongIdleStartsLaterByTheDeepStatesExitLatency) {
  // Run 1 us, sleep S, run 1 us on one CPU: the CPU idles S, then leaves the idle state the
  // governor chose for S (the deepest whose target residency <= S).
  auto run_sleep = [](int64_t sleep_ns) {
    return Spec(absl::StrCat(R"pb(process { name: "p"
                                            group { name: "g"
                                                    program { run { fixed_ns: 1000 } }
                                                    program { sleep { fixed_ns:)pb",
                             sleep_ns, R"pb(}
                                            } program { run { fixed_ns: 1000 } } } })pb"));
  };
  Topology one = Topology::Make(1, 1, 1, 1);
  const SimOptions on = With("idle_exit");
  const SimOptions off = ZeroCost();
  // 1 ms idle: C6 (residency 600 us), exit 133 us (intel_idle's Skylake-SP table).
  EXPECT_EQ(EndTime(*run_sleep(1000000), one, on) - EndTime(*run_sleep(1000000), one, off), 133000);
  // 50 us: C1E (residency 20 us), exit 10 us. 10 us: C1, exit 2 us. 1 us: no state fits.
  EXPECT_EQ(EndTime(*run_sleep(50000), one, on) - EndTime(*run_sleep(50000), one, off), 10000);
  EXPECT_EQ(EndTime(*run_sleep(10000), one, on) - EndTime(*run_sleep(10000), one, off), 2000);
  EXPECT_EQ(EndTime(*run_sleep(1000), one, on) - EndTime(*run_sleep(1000), one, off), 0);
  // The latency is the CPU's overhead, not the task's run time.
  FifoClass cls;
  auto spec = run_sleep(1000000);
  Simulator sim(one, *spec, &cls, on);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.result().cpus[0].overhead_ns, 133000);
  EXPECT_EQ(sim.tasks()[0].m.run_ns, 2000);
  // Settable: a deeper C6.
  SimOptions deeper = on;
  ASSERT_TRUE(deeper.costs.Set("idle.c6.exit_ns", "290000").ok());
  EXPECT_EQ(EndTime(*spec, one, deeper) - EndTime(*spec, one, off), 290000);
}

TEST(SmtTest, ABusySiblingSlowsATaskByTheStatedFactor) {
  Topology core = Topology::Make(1, 1, 1, 2);  // one core, two hardware threads
  Topology two_cores = Topology::Make(1, 1, 2, 1);
  auto both = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            count: 2
                            program { run { fixed_ns: 1000000 } }
                          }
                        })pb");
  const SimOptions on = With("smt");
  // Two 1 ms tasks on the siblings: each at 65% speed, 1 ms / 0.65 = 1538462 ns (rounded up).
  EXPECT_EQ(EndTime(*both, core, on), 1538462);
  // On two cores, or with the term off, they do not slow each other.
  EXPECT_EQ(EndTime(*both, two_cores, on), 1000000);
  EXPECT_EQ(EndTime(*both, core, ZeroCost()), 1000000);
  // The speed changes when the sibling goes idle: a 0.5 ms task beside a 1 ms one ends at
  // 0.5/0.65 ms; the long one has done 0.5 ms of work by then and does the rest at full speed.
  auto mixed = Spec(R"pb(process {
                           name: "p"
                           group {
                             name: "long"
                             program { run { fixed_ns: 1000000 } }
                           }
                           group {
                             name: "short"
                             program { run { fixed_ns: 500000 } }
                           }
                         })pb");
  FifoClass cls;
  Simulator sim(core, *mixed, &cls, on);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.tasks()[1].exited_at, 769231);
  EXPECT_NEAR(static_cast<double>(sim.tasks()[0].exited_at), 769231 + 500000, 2);
  // Settable: 50% per thread doubles the time.
  SimOptions half = on;
  ASSERT_TRUE(half.costs.Set("smt.speed_pct", "50").ok());
  EXPECT_EQ(EndTime(*both, core, half), 2000000);
}

TEST(FreqTest, ACpuWakingFromALongIdleRunsSlowForTheRampThenAtFullSpeed) {
  auto after_sleep = [](int64_t sleep_ns) {
    return Spec(absl::StrCat(R"pb(process { name: "p"
                                            group { name: "g"
                                                    program { sleep { fixed_ns:)pb",
                             sleep_ns, R"pb(}
                                            } program { run { fixed_ns: 2000000 } } } })pb"));
  };
  Topology one = Topology::Make(1, 1, 1, 1);
  const SimOptions on = With("freq");
  // 40 ms idle (> the 32 ms PELT half-life): 1 ms at 62% does 0.62 ms of work, the remaining
  // 1.38 ms at full speed: the 2 ms burst takes 2.38 ms.
  EXPECT_EQ(EndTime(*after_sleep(40000000), one, on), 40000000 + 2380000);
  // 10 ms idle: no ramp.
  EXPECT_EQ(EndTime(*after_sleep(10000000), one, on), 10000000 + 2000000);
  EXPECT_EQ(EndTime(*after_sleep(40000000), one, ZeroCost()), 40000000 + 2000000);
}

TEST(TimerLateTest, EverySleepEndsLateByADrawAndTheWorkloadsDrawsStayTheSame) {
  // Ten rounds of a random run and a 1 ms sleep on one CPU.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                count: 10
                                body { run { uniform { min_ns: 1000 max_ns: 90000 } } }
                                body { sleep { fixed_ns: 1000000 } }
                              }
                            }
                          }
                        })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  auto run = [&](const SimOptions& o, SimDuration* cpu) {
    FifoClass cls;
    Simulator sim(one, *spec, &cls, o);
    EXPECT_TRUE(sim.Run().ok());
    *cpu = sim.tasks()[0].m.run_ns;
    return sim.result().end_time;
  };
  SimDuration cpu_off = 0, cpu_const = 0, cpu_spread = 0, cpu_again = 0;
  const SimTime off = run(ZeroCost(), &cpu_off);
  // A single quantile: every sleep is exactly that late.
  SimOptions constant = With("timer_late");
  ASSERT_TRUE(constant.costs.Set("timer_late.ns", "250000").ok());
  EXPECT_EQ(run(constant, &cpu_const) - off, 10 * 250000);
  // A spread: between the bounds, not all the same, and the same bytes for the same seed.
  SimOptions spread = With("timer_late");
  ASSERT_TRUE(spread.costs.Set("timer_late.ns", "0:100000:2000000").ok());
  const SimTime late = run(spread, &cpu_spread);
  EXPECT_GT(late - off, 0);
  EXPECT_LT(late - off, 10 * 2000000);
  EXPECT_NE((late - off) % 10, 0);
  EXPECT_EQ(run(spread, &cpu_again), late);
  // The lateness has its own stream: the runs drawn are those of the run without it.
  EXPECT_EQ(cpu_const, cpu_off);
  EXPECT_EQ(cpu_spread, cpu_off);
  // Switched on without a distribution, or off with one: on time.
  SimDuration unused = 0;
  EXPECT_EQ(run(With("timer_late"), &unused), off);
  SimOptions switched_off = spread;
  ASSERT_TRUE(switched_off.costs.Set("timer_late", "off").ok());
  EXPECT_EQ(run(switched_off, &unused), off);
}

TEST(TimerLateTest, TimersOfOneCpuDueBeforeItsLateInterruptAreTakenTogether) {
  // Two tasks sleep on one CPU, until 1 ms and 1.1 ms, then run 1 us. With every interrupt
  // 250 us late, the first timer's interrupt (at 1.25 ms) takes the second's too.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "a"
                            program { sleep { fixed_ns: 1000000 } }
                            program { run { fixed_ns: 1000 } }
                          }
                          group {
                            name: "b"
                            program { sleep { fixed_ns: 1100000 } }
                            program { run { fixed_ns: 1000 } }
                          }
                        })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  SimOptions o = With("timer_late");
  ASSERT_TRUE(o.costs.Set("timer_late.ns", "250000").ok());
  FifoClass cls;
  Simulator sim(one, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.tasks()[0].exited_at, 1251000);
  EXPECT_EQ(sim.tasks()[1].exited_at, 1252000);  // not 1.35 ms: the same interrupt
  // On two CPUs each has its own interrupt: the second sleeper's comes 250 us after its timer.
  Topology two = Topology::Make(1, 1, 2, 1);
  FifoClass cls2;
  Simulator apart(two, *spec, &cls2, o);
  ASSERT_TRUE(apart.Run().ok());
  EXPECT_EQ(apart.tasks()[0].exited_at, 1251000);
  EXPECT_EQ(apart.tasks()[1].exited_at, 1351000);
}

// Records the stalls and a task's sleeps (block to sched_waking) and switch-ins.
struct StallRecorder : SimObserver {
  struct Span {
    int cpu;
    SimTime from, until;
  };
  std::vector<Span> stalls;
  std::vector<SimTime> blocked_at, waking_at, switched_in_at;
  void VcpuStall(SimTime t, int cpu, SimTime until) override { stalls.push_back({cpu, t, until}); }
  void Switch(SimTime t, int cpu, const Task* prev, TaskState prev_state,
              const Task* next) override {
    if (prev && prev_state == TaskState::kBlocked) blocked_at.push_back(t);
    if (next) switched_in_at.push_back(t);
  }
  void Waking(SimTime t, const Task& task, const Task* waker, int cpu) override {
    waking_at.push_back(t);
  }
  // The end of the stall of `cpu` that `t` falls in (from <= t < until), else -1.
  SimTime StalledUntil(int cpu, SimTime t) const {
    for (const Span& s : stalls)
      if (s.cpu == cpu && s.from <= t && t < s.until) return s.until;
    return -1;
  }
};

SimOptions Stalls(const char* ns, const char* permille, uint64_t seed = 1) {
  SimOptions o = With("vcpu_stall");
  EXPECT_TRUE(o.costs.Set("vcpu_stall.ns", ns).ok());
  EXPECT_TRUE(o.costs.Set("vcpu_stall.permille", permille).ok());
  o.seed = seed;
  return o;
}

TEST(VcpuStallTest, AStoppedCpusTaskMakesNoProgressButItsRunTimeCounts) {
  // One 100 ms burst on one CPU stopped 1 ms at a time, a fifth of the time.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program { run { fixed_ns: 100000000 } }
                          }
                        })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  StallRecorder rec;
  SimOptions o = Stalls("1000000", "200");
  o.observer = &rec;
  FifoClass cls;
  Simulator sim(one, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  // The work advances only between stalls: the burst ends 100 ms of running time after 0.
  SimTime t = 0, work = 100000000, end = -1;
  for (const auto& s : rec.stalls) {
    if (t + work <= s.from) break;
    work -= s.from - t;
    t = s.until;
  }
  end = t + work;
  EXPECT_EQ(sim.result().end_time, end);
  EXPECT_GT(rec.stalls.size(), 10u);  // ~25 stalls: the mean gap is 4 ms
  // Stopped about a fifth of the time (25 draws of the gap: loose bounds).
  EXPECT_GT(end, 110000000);
  EXPECT_LT(end, 140000000);
  // The guest's clock runs on through a stall: the task was on its CPU the whole time.
  EXPECT_EQ(sim.tasks()[0].m.run_ns, end);
  // Off (or on with no distribution): no stalls.
  EXPECT_EQ(EndTime(*spec, one, ZeroCost()), 100000000);
  EXPECT_EQ(EndTime(*spec, one, With("vcpu_stall")), 100000000);
}

TEST(VcpuStallTest, ASleepDueWhileItsCpuIsStoppedEndsAndRunsWhenTheCpuResumes) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program {
                              loop {
                                count: 300
                                body { run { fixed_ns: 10000 } }
                                body { sleep { fixed_ns: 1000000 } }
                              }
                            }
                          }
                        })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  auto run = [&](uint64_t seed, StallRecorder* rec) {
    SimOptions o = Stalls("500000:2000000:4000000", "300", seed);
    o.observer = rec;
    FifoClass cls;
    Simulator sim(one, *spec, &cls, o);
    EXPECT_TRUE(sim.Run().ok());
    return sim.result().end_time;
  };
  StallRecorder rec;
  const SimTime end = run(1, &rec);
  ASSERT_EQ(rec.blocked_at.size(), 300u);
  ASSERT_EQ(rec.waking_at.size(), 300u);
  int deferred = 0;
  for (size_t i = 0; i < rec.blocked_at.size(); ++i) {
    const SimTime due = rec.blocked_at[i] + 1000000;
    const SimTime resume = rec.StalledUntil(0, due);
    // On time while the CPU runs; at the resume when it is stopped at the deadline.
    EXPECT_EQ(rec.waking_at[i], resume < 0 ? due : resume) << "sleep " << i;
    deferred += resume >= 0;
  }
  EXPECT_GT(deferred, 20);  // stopped 30% of the time: about 90 of the 300
  // The woken task is switched in on its (idle) CPU only when the CPU runs.
  for (SimTime t : rec.switched_in_at) EXPECT_EQ(rec.StalledUntil(0, t), -1) << t;
  // The same seed, the same run; another seed, other stalls.
  StallRecorder again, other;
  EXPECT_EQ(run(1, &again), end);
  EXPECT_EQ(again.waking_at, rec.waking_at);
  run(2, &other);
  EXPECT_NE(other.waking_at, rec.waking_at);
}

TEST(VcpuStallTest, AWakePlacedOnAStoppedCpuWaitsForItWhileTheOtherCpuRuns) {
  // Two CPUs, FIFO per CPU: task a (CPU 0) sleeps, task b (CPU 1) runs long. Every wake of a
  // goes back to CPU 0; CPU 1 being stopped never delays it, CPU 0 being stopped does.
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "a"
                            affinity: "0"
                            program {
                              loop {
                                count: 200
                                body { run { fixed_ns: 10000 } }
                                body { sleep { fixed_ns: 1000000 } }
                              }
                            }
                          }
                          group {
                            name: "b"
                            affinity: "1"
                            program { run { fixed_ns: 100000000 } }
                          }
                        })pb");
  Topology two = Topology::Make(1, 1, 2, 1);
  StallRecorder rec;
  SimOptions o = Stalls("500000:2000000:4000000", "300");
  o.observer = &rec;
  FifoClass cls;
  Simulator sim(two, *spec, &cls, o);
  ASSERT_TRUE(sim.Run().ok());
  ASSERT_EQ(rec.blocked_at.size(), 200u);
  int on_cpu1_only = 0;
  for (size_t i = 0; i < rec.blocked_at.size(); ++i) {
    const SimTime due = rec.blocked_at[i] + 1000000;
    const SimTime resume = rec.StalledUntil(0, due);
    EXPECT_EQ(rec.waking_at[i], resume < 0 ? due : resume) << "sleep " << i;
    on_cpu1_only += resume < 0 && rec.StalledUntil(1, due) >= 0;
  }
  EXPECT_GT(on_cpu1_only, 10);  // the other CPU's stalls happened, and did not matter
}

TEST(HaltPollTest, APollingVcpuKeepsItsCpuBusyAndResumesWithoutASwitch) {
  // A vCPU halting 50 us at a time on one CPU: its window grows 10, 20, 40, 80 us; from the
  // fifth halt on every halt ends inside the window, so the CPU never idles again and the
  // thread is never switched out.
  auto spec = Spec(R"pb(process {
                          name: "vm"
                          group {
                            name: "vcpu"
                            halt_poll: true
                            program {
                              loop {
                                count: 20
                                body { run { fixed_ns: 10000 } }
                                body { sleep { fixed_ns: 50000 } }
                              }
                            }
                          }
                        })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  FifoClass cls;
  const SimOptions on = With("halt_poll");
  Simulator sim(one, *spec, &cls, on);
  ASSERT_TRUE(sim.Run().ok());
  // 20 x (10 + 50) us whether it polls or sleeps.
  EXPECT_EQ(sim.result().end_time, 20 * 60000);
  const Task& v = sim.tasks()[0];
  // Blocked (switched out) only for the first 5 halts: windows 0, 10, 20, 40 us miss a 50 us
  // halt, then 80 us catches it. Switch-ins: the first run + 4 wakes after blocking.
  EXPECT_EQ(v.m.nr_switches, 1 + 4);
  EXPECT_EQ(v.halt_poll_window, 80000);
  // The CPU looked busy while it polled: idle only in the four missed halts, less their polls.
  EXPECT_EQ(sim.result().cpus[0].idle_ns, 50000 + 40000 + 30000 + 10000);
  // With the term off: 20 blocks, the CPU idle for every halt.
  FifoClass cls2;
  Simulator off(one, *spec, &cls2, ZeroCost());
  ASSERT_TRUE(off.Run().ok());
  EXPECT_EQ(off.tasks()[0].m.nr_switches, 1 + 20);
  EXPECT_EQ(off.result().cpus[0].idle_ns, 20 * 50000);
}

// FIFO that asks every CPU to reschedule when a task arrives (as a preempting wakeup does).
class PreemptingFifo final : public SchedClass {
 public:
  std::string name() const override { return "preempting-fifo"; }
  absl::Status Init(SchedContext* ctx) override {
    ctx_ = ctx;
    return fifo_.Init(ctx);
  }
  void TaskNew(TaskId t, TaskId parent) override {
    fifo_.TaskNew(t, parent);
    for (int c = 0; c < ctx_->topology().nr_cpus(); ++c) ctx_->Resched(c);
  }
  void TaskWakeup(TaskId t, const WakeInfo& w) override { fifo_.TaskWakeup(t, w); }
  void TaskBlock(TaskId t, int cpu) override { fifo_.TaskBlock(t, cpu); }
  void TaskExit(TaskId t, int cpu) override { fifo_.TaskExit(t, cpu); }
  void Tick(int cpu, TaskId curr) override { fifo_.Tick(cpu, curr); }
  TaskId PickNext(int cpu, TaskId prev) override { return fifo_.PickNext(cpu, prev); }
  int64_t nr_queued() const override { return fifo_.nr_queued(); }

 private:
  SchedContext* ctx_ = nullptr;
  FifoClass fifo_;
};

TEST(HaltPollTest, AnotherTaskWantingTheCpuEndsThePoll) {
  // 150 us halts grow the window 0, 10, 20, 40, 80, 160 us: the sixth to eighth halts (from
  // 810 us) are polled through. A task arriving at 850 us on the only CPU finds it busy: unless
  // the CPU is asked to reschedule, which ends the poll at once (KVM stops on need_resched), it
  // waits until the vCPU exits at 1280 us, its CPU never idle in between.
  auto spec = Spec(R"pb(
    process {
      name: "vm"
      group {
        name: "vcpu"
        halt_poll: true
        program {
          loop {
            count: 8
            body { run { fixed_ns: 10000 } }
            body { sleep { fixed_ns: 150000 } }
          }
        }
      }
    }
    process {
      name: "other"
      arrival { at_ns: 850000 }
      group {
        name: "t"
        program { run { fixed_ns: 5000 } }
      }
    })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  FifoClass fifo;
  Simulator plain(one, *spec, &fifo, With("halt_poll"));
  ASSERT_TRUE(plain.Run().ok());
  EXPECT_EQ(plain.tasks()[1].m.wait_ns, 1280000 - 850000);
  PreemptingFifo preempting;
  Simulator sim(one, *spec, &preempting, With("halt_poll"));
  ASSERT_TRUE(sim.Run().ok());
  EXPECT_EQ(sim.tasks()[1].m.wait_ns, 0);
  EXPECT_EQ(sim.tasks()[0].m.nr_switches, plain.tasks()[0].m.nr_switches + 1);
}

TEST(TickCostTest, EachTickOnABusyCpuTakesTheStatedTimeFromTheRunningTask) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program { run { fixed_ns: 10000000 } }
                          }
                        })pb");
  Topology one = Topology::Make(1, 1, 1, 1);
  SimOptions o = With("tick_cost");
  ASSERT_TRUE(o.costs.Set("tick_cost.ns", "2000").ok());
  // HZ=250: ticks at 4 and 8 ms fall in the 10 ms burst: 2 x 2 us more.
  EXPECT_EQ(EndTime(*spec, one, o), 10000000 + 2 * 2000);
  EXPECT_EQ(EndTime(*spec, one, ZeroCost()), 10000000);
}

TEST(BackgroundTest, ABackgroundProcessNeitherKeepsTheRunGoingNorIsMeasured) {
  auto spec = Spec(R"pb(process {
                          name: "p"
                          group {
                            name: "g"
                            program { run { fixed_ns: 1000000 } }
                          }
                        })pb");
  auto bg = Spec(R"pb(process {
                        name: "kthreads"
                        group {
                          name: "kworker"
                          per_cpu: true
                          program {
                            loop {
                              body { run { fixed_ns: 10000 } }
                              body { sleep { fixed_ns: 90000 } }
                            }
                          }
                        }
                      })pb");
  ASSERT_TRUE(AddBackground(spec.get(), std::move(bg)).ok());
  ASSERT_EQ(spec->processes.size(), 2u);
  EXPECT_TRUE(spec->processes[1].background);
  Topology four = Topology::Make(1, 1, 4, 1);
  FifoClass cls;
  Simulator sim(four, *spec, &cls, ZeroCost());
  ASSERT_TRUE(sim.Run().ok());
  // The run ends with the foreground task, though the kworkers loop forever.
  EXPECT_LT(sim.result().end_time, 2000000);
  EXPECT_FALSE(sim.result().hit_max_duration);
  // One kworker per CPU, each pinned to its CPU.
  int kworkers = 0;
  for (const Task& t : sim.tasks()) {
    if (t.process != 1) continue;
    EXPECT_EQ(t.affinity.Count(), 1);
    EXPECT_TRUE(t.affinity.Test(t.index));
    EXPECT_EQ(t.last_ran_cpu, t.index);
    ++kworkers;
  }
  EXPECT_EQ(kworkers, 4);
  // The same process name twice is refused.
  auto again = Spec(R"pb(process {
                           name: "p"
                           group {
                             name: "g"
                             program { run { fixed_ns: 1 } }
                           }
                         })pb");
  EXPECT_FALSE(AddBackground(spec.get(), std::move(again)).ok());
}

}  // namespace
}  // namespace scxtwin::sim
