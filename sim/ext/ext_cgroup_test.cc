// The ext class's cgroups: ops.cgroup_init for every cgroup (parents first) before any task's
// ops.init_task, each task's cgroup as init_task and scx_bpf_task_cgroup see it, a task moving
// itself (cgroup_prep_move, then cgroup_move inside stopping/quiescent and runnable/running,
// with sched_move_task's flags), a queued task moved (through ops.dequeue and ops.enqueue),
// cpu.weight writes (cgroup_set_weight, only on a change) and ops.cgroup_exit children first.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "sim/ext/ext_test_policy.h"

namespace scxtwin::sim {
namespace {

using namespace ext_test;  // NOLINT: the shared test policy

u64 CgroupOf(task_struct* p) { return api->task_cgroup(api->sim, p)->kn->id; }

s32 prep_move_ret = 0;
bool record_flags = false;  // runnable/quiescent/dequeue/enqueue also write their flags
std::string Flags(u64 f) { return record_flags ? absl::StrCat(" 0x", absl::Hex(f)) : ""; }

s32 c_cgroup_init(struct cgroup* cgrp, scx_cgroup_init_args* args) {
  std::string ancestors;
  for (int l = 0; l <= cgrp->level; ++l)
    absl::StrAppend(&ancestors, l ? "," : "", cgrp->ancestors[l]->kn->id);
  const auto* tg = reinterpret_cast<task_group*>(cgrp->subsys[cpu_cgrp_id]);
  Rec(absl::StrCat("cgroup_init ", cgrp->kn->id, " ", cgrp->kn->name, " w", args->weight, " tg",
                   tg->scx.weight, " [", ancestors, "]"));
  return 0;
}
void c_cgroup_exit(struct cgroup* cgrp) { Rec(absl::StrCat("cgroup_exit ", cgrp->kn->id)); }
s32 c_prep_move(task_struct* p, struct cgroup* from, struct cgroup* to) {
  Rec(absl::StrCat("cgroup_prep_move ", p->pid, " ", from->kn->id, "->", to->kn->id));
  return prep_move_ret;
}
void c_move(task_struct* p, struct cgroup* from, struct cgroup* to) {
  Rec(absl::StrCat("cgroup_move ", p->pid, " ", from->kn->id, "->", to->kn->id, " in ",
                   CgroupOf(p)));
}
void c_set_weight(struct cgroup* cgrp, u32 weight) {
  Rec(absl::StrCat("cgroup_set_weight ", cgrp->kn->id, " ", weight));
}
s32 c_init_task(task_struct* p, scx_init_task_args* args) {
  Rec(absl::StrCat("init_task ", p->pid, " in ", args->cgroup->kn->id));
  return 0;
}
void c_runnable(task_struct* p, u64 f) {
  Rec(absl::StrCat("runnable ", p->pid, " in ", CgroupOf(p), Flags(f)));
}
void c_quiescent(task_struct* p, u64 f) {
  Rec(absl::StrCat("quiescent ", p->pid, " in ", CgroupOf(p), Flags(f)));
}
void c_dequeue(task_struct* p, u64 f) { Rec(absl::StrCat("dequeue ", p->pid, Flags(f))); }
void c_enqueue(task_struct* p, u64 f) {
  Rec(absl::StrCat("enqueue ", p->pid, Flags(f)));
  api->dsq_insert(api->sim, p, kShared, SCX_SLICE_DFL, f);
}

sched_ext_ops CgroupOps() {
  sched_ext_ops ops = MakeOps();
  ops.cgroup_init = c_cgroup_init;
  ops.cgroup_exit = c_cgroup_exit;
  ops.cgroup_prep_move = c_prep_move;
  ops.cgroup_move = c_move;
  ops.cgroup_set_weight = c_set_weight;
  ops.init_task = c_init_task;
  ops.runnable = c_runnable;
  ops.quiescent = c_quiescent;
  ops.enable = nullptr;
  ops.disable = nullptr;
  ops.select_cpu = nullptr;
  return ops;
}

constexpr char kMover[] = R"pb(
  cgroup { path: "/a" weight: 300 }
  cgroup { path: "/a/b" }
  process {
    name: "p"
    group {
      name: "m"
      cgroup: "/a/b"
      program { run { fixed_ns: 1000000 } }
      program { move_to_cgroup: "/a" }
      program { set_cgroup_weight { path: "/a" weight: 500 } }
      program { set_cgroup_weight { path: "/a" weight: 500 } }
      program { run { fixed_ns: 1000000 } }
    }
  })pb";

class ExtCgroupTest : public ExtTest {
 protected:
  void SetUp() override {
    ExtTest::SetUp();
    prep_move_ret = 0;
    record_flags = false;
  }
};

TEST_F(ExtCgroupTest, CallbacksComeInTheKernelsOrder) {
  auto r = Start(kMover, "1", CgroupOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  const std::vector<std::string> want = {
      // Parents first, each with its weight, level and ancestors, before any task.
      "cgroup_init 1 / w100 tg100 [1]", "cgroup_init 2 a w300 tg300 [1,2]",
      "cgroup_init 3 b w100 tg100 [1,2,3]",
      // The task starts in its group's cgroup.
      "init_task 1 in 3", "runnable 1 in 3", "enqueue 1", "running 1",
      // It moves itself: prep, then the move inside its dequeue and enqueue.
      "cgroup_prep_move 1 3->2", "stopping 1", "quiescent 1 in 3", "cgroup_move 1 3->2 in 2",
      "runnable 1 in 2", "running 1",
      // Only the write that changes the weight is passed on.
      "cgroup_set_weight 2 500",
      // Its exit, then the cgroups children first, then the policy.
      "stopping 1", "quiescent 1 in 2", "exit_task 1", "cgroup_exit 3", "cgroup_exit 2",
      "cgroup_exit 1", absl::StrCat("exit ", SCX_EXIT_UNREG)};
  EXPECT_EQ(r->calls, want);
  EXPECT_EQ(r->sim->tasks()[0].cgroup, 1) << "the core's record: /a (index 1, kernfs id 2)";
  EXPECT_EQ(r->sim->cgroups()[1].weight, 500u);
}

TEST_F(ExtCgroupTest, APrepMoveErrorRefusesTheMove) {
  prep_move_ret = -EBUSY;
  auto r = Start(kMover, "1", CgroupOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  auto it = std::find(r->calls.begin(), r->calls.end(), "cgroup_prep_move 1 3->2");
  ASSERT_NE(it, r->calls.end());
  EXPECT_EQ(*(it + 1), "cgroup_set_weight 2 500") << "no move, no dequeue around it";
  EXPECT_EQ(r->sim->tasks()[0].cgroup, 2) << "the task stays in /a/b (index 2)";
  EXPECT_NE(std::find(r->calls.begin(), r->calls.end(), "quiescent 1 in 3"), r->calls.end());
  EXPECT_EQ(r->cls->exit_info().kind, SCX_EXIT_UNREG) << "a refused move is no error";
}

// sched_move_task's sched_change: DEQUEUE_SAVE | DEQUEUE_MOVE (0x6) with the NOCLOCK (0x8)
// sched_change_begin adds, and SCX_DEQ_SCHED_CHANGE from dequeue_task_scx (not a sleep); back
// with ENQUEUE_RESTORE | ENQUEUE_MOVE | ENQUEUE_NOCLOCK. Written from the kernel, not the code.
const std::string kMoveDeq = absl::StrCat(" 0x", absl::Hex(0x2 | 0x4 | 0x8 | (1ULL << 33)));
const std::string kMoveEnq = absl::StrCat(" 0x", absl::Hex(0x2 | 0x4 | 0x8));

// The calls from `first` on, n of them.
std::vector<std::string> From(const std::vector<std::string>& calls, const std::string& first,
                              size_t n) {
  auto it = std::find(calls.begin(), calls.end(), first);
  if (it == calls.end()) return {};
  return std::vector<std::string>(it, it + std::min<ptrdiff_t>(n, calls.end() - it));
}

TEST_F(ExtCgroupTest, TheRunningTasksMovePassesTheSchedChangeFlags) {
  record_flags = true;
  auto r = Start(kMover, "1", CgroupOps());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(From(r->calls, "cgroup_prep_move 1 3->2", 6),
            (std::vector<std::string>{"cgroup_prep_move 1 3->2", "stopping 1",
                                      "quiescent 1 in 3" + kMoveDeq, "cgroup_move 1 3->2 in 2",
                                      "runnable 1 in 2" + kMoveEnq, "running 1"}));
  // Its exit is a sleep: DEQUEUE_SLEEP, no SCX_DEQ_SCHED_CHANGE.
  EXPECT_NE(std::find(r->calls.begin(), r->calls.end(),
                      absl::StrCat("quiescent 1 in 2 0x", absl::Hex(SCX_DEQ_SLEEP))),
            r->calls.end());
}

// The core moves only the running task (a task writing its own pid to cgroup.procs); the class
// moves a queued one as sched_move_task does: out of the policy's custody and back through
// ops.enqueue. Driven from user space here, as the workload cannot name another task to move.
TEST_F(ExtCgroupTest, AQueuedTasksMoveGoesThroughDequeueAndEnqueue) {
  record_flags = true;
  sched_ext_ops ops = CgroupOps();
  ops.dequeue = c_dequeue;
  ops.enqueue = c_enqueue;
  auto r = Prepare(R"pb(
                     cgroup { path: "/a" }
                     process {
                       name: "p"
                       group {
                         name: "w"
                         count: 2
                         program { run { fixed_ns: 5000000 } }
                       }
                     })pb",
                   "1", ops);
  ExtClass* cls = r->cls.get();
  // At 1 ms the second worker waits in the policy's DSQ behind the first (one CPU).
  cls->CallFromUserSpace(kNsPerMs, [cls] { EXPECT_TRUE(cls->TaskCgroupMove(1, 0, 1)); });
  Finish(r.get());
  ASSERT_TRUE(r->status.ok()) << r->status;
  EXPECT_EQ(From(r->calls, "cgroup_prep_move 2 1->2", 6),
            (std::vector<std::string>{"cgroup_prep_move 2 1->2", "dequeue 2" + kMoveDeq,
                                      "quiescent 2 in 1" + kMoveDeq, "cgroup_move 2 1->2 in 2",
                                      "runnable 2 in 2" + kMoveEnq, "enqueue 2" + kMoveEnq}))
      << absl::StrJoin(r->calls, ", ");
  EXPECT_EQ(std::count(r->calls.begin(), r->calls.end(), "stopping 2"), 1) << "only at its exit";
}

TEST_F(ExtCgroupTest, CgroupFromIdFindsEveryCgroup) {
  auto r = Prepare(kMover, "1", CgroupOps());
  Finish(r.get());
  ASSERT_TRUE(r->status.ok()) << r->status;
  for (u64 id = 1; id <= 3; ++id) {
    struct cgroup* cg = api->cgroup_from_id(api->sim, id);
    ASSERT_NE(cg, nullptr) << id;
    EXPECT_EQ(cg->kn->id, id);
    EXPECT_EQ(cg->level, static_cast<int>(id) - 1);
  }
  EXPECT_EQ(api->cgroup_from_id(api->sim, 0), nullptr);
  EXPECT_EQ(api->cgroup_from_id(api->sim, 4), nullptr);
}

// The hierarchy as the kernel links it, which the css iterator (bpf_iter_css_*) walks and the
// scx library's cgroup_bw reads: each cgroup's self css and cpu controller css with its parent
// and its children in creation order, dom_cgrp (itself: no threaded cgroups).
TEST_F(ExtCgroupTest, CgroupsAreLinkedAsTheKernelsTree) {
  constexpr char kTree[] = R"pb(
    cgroup { path: "/a" }
    cgroup { path: "/a/b" }
    cgroup { path: "/c" }
    cgroup { path: "/a/d" }
    process {
      name: "p"
      group {
        name: "g"
        program { run { fixed_ns: 1000000 } }
      }
    })pb";
  auto r = Prepare(kTree, "1", CgroupOps());
  Finish(r.get());
  ASSERT_TRUE(r->status.ok()) << r->status;
  struct cgroup* cg[6] = {};
  for (u64 id = 1; id <= 5; ++id) cg[id] = api->cgroup_from_id(api->sim, id);
  const int kRoot = 1, kA = 2, kB = 3, kC = 4, kD = 5;
  struct cgroup_subsys_state* none = nullptr;
  auto self = [&](int i) { return &cg[i]->self; };
  auto cpu = [&](int i) { return cg[i]->subsys[cpu_cgrp_id]; };
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(cg[i]->self.cgroup, cg[i]) << i;
    EXPECT_EQ(cg[i]->dom_cgrp, cg[i]) << i;
    EXPECT_EQ(cpu(i)->cgroup, cg[i]) << i;
  }
  // root { a { b, d }, c }: a's children in creation order, c after a under the root.
  const struct {
    int css, parent, first_child, next_sibling;
  } want[] = {
      {kRoot, 0, kA, 0}, {kA, kRoot, kB, kC}, {kB, kA, 0, kD}, {kC, kRoot, 0, 0}, {kD, kA, 0, 0}};
  for (const auto& w : want) {
    for (auto css : {+[](struct cgroup* c) { return &c->self; },
                     +[](struct cgroup* c) { return c->subsys[cpu_cgrp_id]; }}) {
      auto at = [&](int i) { return i ? css(cg[i]) : none; };
      EXPECT_EQ(css(cg[w.css])->parent, at(w.parent)) << w.css;
      EXPECT_EQ(css(cg[w.css])->scxtwin_first_child, at(w.first_child)) << w.css;
      EXPECT_EQ(css(cg[w.css])->scxtwin_next_sibling, at(w.next_sibling)) << w.css;
    }
  }
  EXPECT_NE(self(kA), cpu(kA)) << "the cgroup's own css and its cpu controller's are two";
}

// task_struct.cgroups: the css_set of the task's cgroup (dfl_cgrp, the cpu controller's css),
// from init_task on and after each move.
std::string CsetOf(task_struct* p) {
  return absl::StrCat(p->cgroups->dfl_cgrp->kn->id, "/",
                      p->cgroups->subsys[cpu_cgrp_id] == p->cgroups->dfl_cgrp->subsys[cpu_cgrp_id]);
}
s32 cs_init_task(task_struct* p, scx_init_task_args* args) {
  Rec(absl::StrCat("init_task ", args->cgroup->kn->id, " cset ", CsetOf(p)));
  return 0;
}
void cs_move(task_struct* p, struct cgroup*, struct cgroup* to) {
  Rec(absl::StrCat("cgroup_move to ", to->kn->id, " cset ", CsetOf(p)));
}

TEST_F(ExtCgroupTest, TasksCssSetIsItsCgroups) {
  sched_ext_ops ops = CgroupOps();
  ops.init_task = cs_init_task;
  ops.cgroup_move = cs_move;
  auto r = Start(kMover, "1", ops);
  ASSERT_TRUE(r->status.ok()) << r->status;
  std::vector<std::string> got;
  for (const std::string& c : r->calls)
    if (c.find("cset") != std::string::npos) got.push_back(c);
  EXPECT_EQ(got, (std::vector<std::string>{"init_task 3 cset 3/1", "cgroup_move to 2 cset 2/1"}));
}

}  // namespace
}  // namespace scxtwin::sim
