// Cgroups (ext.c's scx_cgroup_* and the cpu controller's hooks): the run's cgroup hierarchy
// as the policy sees it (struct cgroup with its level, ancestors, kernfs id and cpu.weight),
// ops.cgroup_init / cgroup_exit at attach and ejection, a task moving itself between cgroups
// (cgroup_prep_move, then cgroup_move inside the running task's dequeue/enqueue, as
// sched_move_task does), cpu.weight writes (cgroup_set_weight), and the cgroup kfuncs.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {
namespace {

// The core scheduler's flags sched_move_task passes to the dequeue and enqueue around the move
// (kernel/sched/sched.h: DEQUEUE_SAVE | DEQUEUE_MOVE, ENQUEUE_RESTORE | ENQUEUE_MOVE).
constexpr u64 kDequeueSaveMove = 0x02 | 0x04;
constexpr u64 kEnqueueRestoreMove = 0x02 | 0x04;

}  // namespace

void ExtClass::BuildCgroups(const std::vector<Cgroup>& spec) {
  cgroups_.clear();
  for (size_t i = 0; i < spec.size(); ++i) {
    ExtCgroup& c = cgroups_.emplace_back();
    const Cgroup& s = spec[i];
    c.name = s.path == "/" ? "/" : s.path.substr(s.path.rfind('/') + 1);
    c.kn.name = c.name.c_str();
    c.kn.id = i + 1;  // the root's kernfs id is 1, as in the kernel
    c.cg.kn = &c.kn;
    c.cg.kn_id = c.kn.id;
    c.cg.level = s.level;
    if (s.parent >= 0) {
      const struct cgroup& parent = cgroups_[s.parent].cg;
      std::memcpy(c.cg.ancestors, parent.ancestors, sizeof(c.cg.ancestors));
    }
    c.cg.ancestors[s.level] = &c.cg;
    c.tg.css.cgroup = &c.cg;
    c.tg.scx.weight = s.weight;
    c.cg.subsys[cpu_cgrp_id] = &c.tg.css;
  }
}

// scx_cgroup_init(): every cgroup, parents first, with its weight; a failure fails the enable.
void ExtClass::InitCgroups() {
  if (!ops_->cgroup_init) return;
  for (ExtCgroup& c : cgroups_) {
    if (exit_pending_) return;
    scx_cgroup_init_args args{};
    args.weight = c.tg.scx.weight;
    const s32 ret = Callback(
        "cgroup_init", 0, Ctx::kInit, [&] { return ops_->cgroup_init(&c.cg, &args); },
        ",\"cgroup\":%d,\"weight\":%d", c.kn.id, args.weight);
    if (ret != 0 && !exit_pending_) {
      Error(SCX_EXIT_ERROR,
            absl::StrCat("ops.cgroup_init() failed (", ret, ") for cgroup ", Path(c)));
    }
    c.inited = ret == 0;
  }
}

// scx_cgroup_exit(): the initialised cgroups, children first.
void ExtClass::ExitCgroups() {
  for (auto it = cgroups_.rbegin(); it != cgroups_.rend(); ++it) {
    ExtCgroup& c = *it;
    if (!c.inited) continue;
    c.inited = false;
    if (!ops_->cgroup_exit) continue;
    Callback(
        "cgroup_exit", 0, Ctx::kInit, [&] { ops_->cgroup_exit(&c.cg); }, ",\"cgroup\":%d", c.kn.id);
  }
}

std::string ExtClass::Path(const ExtCgroup& c) const {
  return ctx_ ? ctx_->cgroups()[c.kn.id - 1].path : c.name;
}

// cgroup_migrate of one task (the running one, which wrote its pid to cgroup.procs):
// scx_cgroup_can_attach (ops.cgroup_prep_move; an error refuses the write), then
// sched_move_task: the running task is dequeued (stopping, quiescent), moved (ops.cgroup_move),
// enqueued again (runnable) and set as the CPU's task again (running) without going through
// ops.enqueue (the kernel dispatches a restored running task straight to its CPU).
bool ExtClass::TaskCgroupMove(TaskId t, int cpu, int32_t to) {
  if (exited_ || t >= static_cast<TaskId>(et_.size()) || et_[t].state == ExtTaskState::kDisabled) {
    return true;
  }
  ExtTask& e = et_[t];
  const int32_t from = e.cgroup;
  if (from == to) return true;
  task_struct* p = &ts_[t];
  struct cgroup* from_cg = &cgroups_[from].cg;
  struct cgroup* to_cg = &cgroups_[to].cg;
  if (ops_->cgroup_prep_move) {
    const s32 ret = Callback(
        "cgroup_prep_move", cpu, Ctx::kUnlocked,
        [&] { return ops_->cgroup_prep_move(p, from_cg, to_cg); },
        ",\"pid\":%d,\"from\":%d,\"to\":%d", p->pid, from_cg->kn_id, to_cg->kn_id);
    if (exit_pending_) {
      Eject();
      return true;  // the policy is gone; the move goes ahead without it
    }
    if (ret != 0) {
      if (opt_.log) Log("\"note\":\"cgroup_prep_move failed; the move is refused\"", "");
      return false;
    }
  }
  ctx_->UpdateCurr(cpu);
  ChargeSlice(t);
  if (ops_->stopping) {
    Callback(
        "stopping", cpu, Ctx::kOther, [&] { ops_->stopping(p, false); },
        ",\"pid\":%d,\"runnable\":false", p->pid);
  }
  if (ops_->quiescent) {
    Callback(
        "quiescent", cpu, Ctx::kOther, [&] { ops_->quiescent(p, kDequeueSaveMove); },
        ",\"pid\":%d,\"deq_flags\":%d", p->pid, kDequeueSaveMove);
  }
  e.cgroup = to;
  if (ops_->cgroup_move) {
    Callback(
        "cgroup_move", cpu, Ctx::kUnlocked, [&] { ops_->cgroup_move(p, from_cg, to_cg); },
        ",\"pid\":%d,\"from\":%d,\"to\":%d", p->pid, from_cg->kn_id, to_cg->kn_id);
  }
  if (ops_->runnable) {
    Callback(
        "runnable", cpu, Ctx::kOther, [&] { ops_->runnable(p, kEnqueueRestoreMove); },
        ",\"pid\":%d,\"enq_flags\":%d", p->pid, kEnqueueRestoreMove);
  }
  e.charged = ctx_->task(t).sum_exec;
  if (ops_->running) {
    Callback(
        "running", cpu, Ctx::kOther, [&] { ops_->running(p); }, ",\"pid\":%d", p->pid);
  }
  Eject();
  return true;
}

// scx_group_set_weight(): ops.cgroup_set_weight only when the value changes.
void ExtClass::CgroupWeightChanged(int32_t cgroup) {
  ExtCgroup& c = cgroups_[cgroup];
  const u32 weight = ctx_->cgroups()[cgroup].weight;
  if (exited_ || c.tg.scx.weight == weight) {
    c.tg.scx.weight = weight;
    return;
  }
  c.tg.scx.weight = weight;
  if (!c.inited || !ops_->cgroup_set_weight) return;
  Callback(
      "cgroup_set_weight", 0, Ctx::kUnlocked, [&] { ops_->cgroup_set_weight(&c.cg, weight); },
      ",\"cgroup\":%d,\"weight\":%d", c.kn.id, weight);
  Eject();
}

struct cgroup* ExtClass::TaskCgroup(task_struct* p) {
  if (!p) return nullptr;
  const TaskId t = id_of(p);
  if (t < 0 || t >= static_cast<TaskId>(et_.size())) return &cgroups_[0].cg;  // idle tasks
  return &cgroups_[et_[t].cgroup].cg;
}

struct cgroup* ExtClass::CgroupFromId(u64 cgid) {
  if (cgid == 0 || cgid > cgroups_.size()) return nullptr;
  return &cgroups_[cgid - 1].cg;
}

}  // namespace scxtwin::sim
