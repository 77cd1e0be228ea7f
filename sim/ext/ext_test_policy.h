// The test policy the ExtClass tests share: small callbacks written against the host API
// exactly as a host-compiled .bpf.c sees it (a table of kfuncs installed before the first
// call), configured per test through `mode`, and the run set-up around it. Test-only.
#ifndef SCXTWIN_SIM_EXT_EXT_TEST_POLICY_H_
#define SCXTWIN_SIM_EXT_EXT_TEST_POLICY_H_

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim::ext_test {

// ---- a configurable test policy -------------------------------------------------------------
// Test-only globals: one policy instance per test (gtest runs tests one after another).
inline const scxtwin_host_api* api = nullptr;
inline std::vector<std::string>* trace = nullptr;
constexpr u64 kShared = 7;
struct Mode {
  bool vtime = false;                // enqueue by vtime into kShared
  bool direct_idle = true;           // select_cpu: insert into LOCAL when select_cpu_dfl found idle
  u64 enqueue_dsq = kShared;         // where enqueue inserts (e.g. a bogus id, or SCX_DSQ_LOCAL)
  bool enqueue_vtime_local = false;  // enqueue: insert_vtime into SCX_DSQ_LOCAL (must eject)
  bool hold_forever = false;         // enqueue keeps the task (never inserts): a stall
  bool mix_fifo_vtime = false;       // enqueue alternates FIFO and vtime inserts into kShared
  int error_after_enqueues = -1;     // call scx_bpf_error after N enqueues
  int exit_after_enqueues = -1;      // call scx_bpf_exit after N enqueues
  u64 slice = SCX_SLICE_DFL;
  int enqueues = 0;
  // stopping: appends the task's (utime, se.sum_exec_runtime) as it stops.
  std::vector<std::pair<u64, u64>>* cpu_times = nullptr;
};
inline Mode mode;

inline void Rec(const std::string& s) {
  if (trace) trace->push_back(s);
}

inline s32 t_select_cpu(task_struct* p, s32 prev_cpu, u64 wake_flags) {
  Rec(absl::StrCat("select_cpu ", p->pid, (wake_flags & SCX_WAKE_FORK) ? " fork" : "",
                   (wake_flags & SCX_WAKE_TTWU) ? " ttwu" : "",
                   (wake_flags & SCX_WAKE_SYNC) ? " sync" : ""));
  bool idle = false;
  s32 cpu = api->select_cpu_dfl(api->sim, p, prev_cpu, wake_flags, &idle);
  if (idle && mode.direct_idle) api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL, mode.slice, 0);
  return cpu;
}
inline void t_enqueue(task_struct* p, u64 enq_flags) {
  Rec(absl::StrCat("enqueue ", p->pid, (enq_flags & SCX_ENQ_WAKEUP) ? " wakeup" : "",
                   (enq_flags & SCX_ENQ_LAST) ? " last" : ""));
  ++mode.enqueues;
  if (mode.error_after_enqueues >= 0 && mode.enqueues > mode.error_after_enqueues) {
    api->error(api->sim, "test error");
    return;
  }
  if (mode.exit_after_enqueues >= 0 && mode.enqueues > mode.exit_after_enqueues) {
    api->exit(api->sim, 42, "test exit");
    return;
  }
  if (mode.hold_forever) return;
  if (mode.enqueue_vtime_local) {
    api->dsq_insert_vtime(api->sim, p, SCX_DSQ_LOCAL, mode.slice, 0, enq_flags);
    return;
  }
  const bool vtime = mode.mix_fifo_vtime ? (mode.enqueues % 2 == 0) : mode.vtime;
  if (vtime) {
    api->dsq_insert_vtime(api->sim, p, mode.enqueue_dsq, mode.slice, p->scx.dsq_vtime, enq_flags);
  } else {
    api->dsq_insert(api->sim, p, mode.enqueue_dsq, mode.slice, enq_flags);
  }
}
inline void t_dispatch(s32 cpu, task_struct* prev) { api->dsq_move_to_local(api->sim, kShared, 0); }
inline void t_runnable(task_struct* p, u64 f) {
  Rec(absl::StrCat("runnable ", p->pid, (f & SCX_ENQ_WAKEUP) ? " wakeup" : ""));
}
inline void t_running(task_struct* p) { Rec(absl::StrCat("running ", p->pid)); }
inline void t_stopping(task_struct* p, bool runnable) {
  Rec(absl::StrCat("stopping ", p->pid, runnable ? " runnable" : ""));
  if (mode.cpu_times) mode.cpu_times->push_back({p->utime, p->se.sum_exec_runtime});
  // Charge used time to vtime, as scx_simple does.
  p->scx.dsq_vtime += mode.slice - p->scx.slice;
}
inline void t_quiescent(task_struct* p, u64 f) {
  Rec(absl::StrCat("quiescent ", p->pid, (f & SCX_DEQ_SLEEP) ? " sleep" : ""));
}
inline s32 t_init_task(task_struct* p, scx_init_task_args* args) {
  Rec(absl::StrCat("init_task ", p->pid, args->fork ? " fork" : ""));
  return 0;
}
inline void t_exit_task(task_struct* p, scx_exit_task_args*) {
  Rec(absl::StrCat("exit_task ", p->pid));
}
inline void t_set_cpumask(task_struct* p, const cpumask* mask) {
  Rec(absl::StrCat("set_cpumask ", p->pid));
}
inline void t_enable(task_struct* p) { Rec(absl::StrCat("enable ", p->pid)); }
inline void t_disable(task_struct* p) { Rec(absl::StrCat("disable ", p->pid)); }
inline s32 t_init() { return api->create_dsq(api->sim, kShared, -1); }
inline int64_t exit_kind_seen = -1;
inline void t_exit(scx_exit_info* ei) {
  exit_kind_seen = ei->kind;
  Rec(absl::StrCat("exit ", ei->kind));
}

inline sched_ext_ops MakeOps() {
  sched_ext_ops ops{};
  ops.select_cpu = t_select_cpu;
  ops.enqueue = t_enqueue;
  ops.dispatch = t_dispatch;
  ops.runnable = t_runnable;
  ops.running = t_running;
  ops.stopping = t_stopping;
  ops.quiescent = t_quiescent;
  ops.init_task = t_init_task;
  ops.exit_task = t_exit_task;
  ops.set_cpumask = t_set_cpumask;
  ops.enable = t_enable;
  ops.disable = t_disable;
  ops.init = t_init;
  ops.exit = t_exit;
  snprintf(ops.name, sizeof(ops.name), "test");
  return ops;
}

struct Run {
  std::unique_ptr<WorkloadSpec> spec;
  Topology topo;
  sched_ext_ops ops;
  std::unique_ptr<ExtClass> cls;
  std::unique_ptr<Simulator> sim;
  std::vector<std::string> calls;
  absl::Status status;
};

// The machine without host effects (sim/machine/effects.h): these tests check sched_ext's
// semantics and the costs' times.
inline SimOptions NoHostEffects() {
  SimOptions o;
  o.costs.effects.idle_exit = o.costs.effects.smt = o.costs.effects.freq = false;
  o.costs.effects.halt_poll = o.costs.effects.tick_cost = false;
  return o;
}

// A run set up but not started, for tests that act on the class (or change r->ops) first;
// Finish runs it.
inline std::unique_ptr<Run> Prepare(const char* workload, const char* topo, sched_ext_ops ops,
                                    SimOptions o = NoHostEffects(), ExtOptions ext = {}) {
  auto r = std::make_unique<Run>();
  auto spec = ParseWorkload(workload, "t.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  r->spec = *std::move(spec);
  r->topo = *Topology::Parse(topo);
  r->ops = ops;
  trace = &r->calls;
  exit_kind_seen = -1;
  ExtPolicyBinding b;
  b.ops = &r->ops;
  b.install_api = [](const scxtwin_host_api& a) { api = &a; };
  r->cls = std::make_unique<ExtClass>(b, ext);
  r->sim = std::make_unique<Simulator>(r->topo, *r->spec, r->cls.get(), o);
  return r;
}

inline void Finish(Run* r) {
  r->status = r->sim->Run();
  trace = nullptr;
}

inline std::unique_ptr<Run> Start(const char* workload, const char* topo, sched_ext_ops ops,
                                  SimOptions o = NoHostEffects()) {
  auto r = Prepare(workload, topo, ops, o);
  Finish(r.get());
  return r;
}

class ExtTest : public ::testing::Test {
 protected:
  void SetUp() override { mode = Mode{}; }
};

constexpr char kOneSleeper[] = R"pb(process {
                                      name: "p"
                                      group {
                                        name: "a"
                                        program { run { fixed_ns: 1000000 } }
                                        program { sleep { fixed_ns: 1000000 } }
                                        program { run { fixed_ns: 1000000 } }
                                      }
                                    })pb";

}  // namespace scxtwin::sim::ext_test

#endif  // SCXTWIN_SIM_EXT_EXT_TEST_POLICY_H_
