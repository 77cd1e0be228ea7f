// Cgroups (ext.c's scx_cgroup_* and the cpu controller's hooks): the run's cgroup hierarchy
// as the policy sees it (struct cgroup with its level, ancestors, kernfs id and cpu.weight),
// ops.cgroup_init / cgroup_exit at attach and ejection, a task moving between cgroups
// (cgroup_prep_move, then cgroup_move inside the task's dequeue/enqueue, as sched_move_task
// does), cpu.weight writes (cgroup_set_weight), and the cgroup kfuncs.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

void ExtClass::BuildCgroups(const std::vector<Cgroup>& spec) {
  cgroups_.clear();
  // The last child linked under each cgroup's self css and cpu css: a new child goes after it,
  // so children stay in creation (declaration) order, as on the kernel's children list.
  std::vector<cgroup_subsys_state*> last_self(spec.size(), nullptr);
  std::vector<cgroup_subsys_state*> last_cpu(spec.size(), nullptr);
  auto link = [](cgroup_subsys_state* css, cgroup_subsys_state* parent,
                 cgroup_subsys_state*& last) {
    css->parent = parent;
    (last ? last->scxtwin_next_sibling : parent->scxtwin_first_child) = css;
    last = css;
  };
  for (size_t i = 0; i < spec.size(); ++i) {
    ExtCgroup& c = cgroups_.emplace_back();
    const Cgroup& s = spec[i];
    c.name = s.path == "/" ? "/" : s.path.substr(s.path.rfind('/') + 1);
    c.kn.name = c.name.c_str();
    c.kn.id = i + 1;  // the root's kernfs id is 1, as in the kernel
    c.cg.kn = &c.kn;
    c.cg.kn_id = c.kn.id;
    c.cg.level = s.level;
    c.cg.self.cgroup = &c.cg;
    c.cg.dom_cgrp = &c.cg;  // no threaded cgroups: every cgroup is its own domain
    if (s.parent >= 0) {
      ExtCgroup& parent = cgroups_[s.parent];
      std::memcpy(c.cg.ancestors, parent.cg.ancestors, sizeof(c.cg.ancestors));
      link(&c.cg.self, &parent.cg.self, last_self[s.parent]);
      link(&c.tg.css, &parent.tg.css, last_cpu[s.parent]);
    }
    c.cg.ancestors[s.level] = &c.cg;
    c.tg.css.cgroup = &c.cg;
    c.tg.scx.weight = s.weight;
    c.cg.subsys[cpu_cgrp_id] = &c.tg.css;
    c.cset.dfl_cgrp = &c.cg;
    c.cset.subsys[cpu_cgrp_id] = &c.tg.css;
  }
}

void ExtClass::SetTaskCgroup(TaskId t, int32_t cgroup) {
  et_[t].cgroup = cgroup;
  ts_[t].cgroups = &cgroups_[cgroup].cset;
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

// cgroup_migrate of one task: scx_cgroup_can_attach (ops.cgroup_prep_move; an error refuses
// the write), then sched_move_task, a sched_change with DEQUEUE_SAVE | DEQUEUE_MOVE |
// DEQUEUE_NOCLOCK: the task is taken off (BeginChange), moved (ops.cgroup_move) and put back
// with ENQUEUE_RESTORE | ENQUEUE_MOVE | ENQUEUE_NOCLOCK (EndChange: a running task runs on
// without ops.enqueue, a queued one goes through it again, a blocked one only moves). A task
// the policy does not run (another class's, in a class stack) gets cgroup_prep_move and
// cgroup_move alone: the kernel calls them for every task that changes cgroup, whatever its
// class, and only the task's own class takes it off and puts it back.
bool ExtClass::TaskCgroupMove(TaskId t, int cpu, int32_t to) {
  // A task the policy never saw (ops.init_task) has nothing to tell it.
  if (exited_ || t >= static_cast<TaskId>(et_.size()) || ts_[t].scxtwin_task == nullptr) {
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
  const ChangeScope scope = BeginChange(t, kDequeueSave | kDequeueMove | kDequeueNoclock);
  SetTaskCgroup(t, to);
  if (ops_->cgroup_move && !exit_pending_) {
    Callback(
        "cgroup_move", scope.cpu, Ctx::kUnlocked, [&] { ops_->cgroup_move(p, from_cg, to_cg); },
        ",\"pid\":%d,\"from\":%d,\"to\":%d", p->pid, from_cg->kn_id, to_cg->kn_id);
  }
  EndChange(t, scope, kEnqueueRestore | kEnqueueMove | kEnqueueNoclock);
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
