// Dispatch queues (kernel/sched/ext.c): the local, global and user DSQs, do_enqueue_task,
// direct dispatch, dispatch_enqueue and the dispatch buffer, with the DSQ kfuncs.
#include <cerrno>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

ExtClass::Dsq* ExtClass::FindUserDsq(u64 dsq_id) {
  if (dsq_id & SCX_DSQ_FLAG_BUILTIN) return nullptr;
  auto it = user_dsqs_.find(dsq_id);
  return it == user_dsqs_.end() ? nullptr : it->second.get();
}

// find_dsq_for_dispatch: LOCAL is the given run queue's; bad ids are errors (global fallback).
ExtClass::Dsq* ExtClass::FindDsqForDispatch(int rq_cpu, u64 dsq_id, TaskId t) {
  if (Dsq* dsq = ResolveDsq(dsq_id, rq_cpu)) return dsq;
  if ((dsq_id & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
    OpsCpuValid(-1, "in SCX_DSQ_LOCAL_ON dispatch verdict");  // a CPU past the last
  } else {
    Error(SCX_EXIT_ERROR,
          absl::StrFormat("non-existent DSQ 0x%x for %s[%d]", dsq_id, ts_[t].comm, ts_[t].pid));
  }
  return &global_;
}

// do_enqueue_task: a pending direct dispatch, else ops.enqueue, else the global DSQ.
void ExtClass::EnqueueTask(TaskId t, u64 enq_flags, int call_cpu) {
  ExtTask& e = et_[t];
  task_struct* p = &ts_[t];
  if (e.has_ddsp) return DirectDispatch(t, enq_flags);
  if (!ops_->enqueue) {
    RefillSliceDfl(p);
    DispatchEnqueue(&global_, t, enq_flags);
    return;
  }
  ddsp_task_ = t;
  ddsp_used_ = false;
  Callback(
      "enqueue", call_cpu, Ctx::kEnqueue, [&] { ops_->enqueue(p, enq_flags); },
      ",\"pid\":%d,\"enq_flags\":%d", p->pid, enq_flags);
  ddsp_task_ = kNoTask;
  if (e.has_ddsp) return DirectDispatch(t, enq_flags);
  SetState(t, ExtTaskState::kBpf);
  ++nr_queued_;
}

void ExtClass::DirectDispatch(TaskId t, u64 enq_flags) {
  ExtTask& e = et_[t];
  e.has_ddsp = false;
  ++counters_.direct_dispatches;
  const u64 flags = enq_flags | e.ddsp_enq_flags;
  const int rq = ctx_->task(t).cpu;
  Dsq* dsq = FindDsqForDispatch(rq, e.ddsp_dsq_id, t);
  ts_[t].scx.ddsp_dsq_id = SCX_DSQ_INVALID;
  if (dsq->local_cpu >= 0 && dsq->local_cpu != rq) {
    DispatchToLocalDsq(dsq, t, flags);
  } else {
    DispatchEnqueue(dsq, t, flags);
  }
}

// dispatch_enqueue: FIFO or vtime insert, the mixing errors, and a local DSQ's resched.
void ExtClass::DispatchEnqueue(Dsq* dsq, TaskId t, u64 enq_flags) {
  if (dsq->builtin()) LeaveCustody(t, *dsq);
  SetState(t, dsq->builtin() ? ExtTaskState::kBuiltinDsq : ExtTaskState::kUserDsq);
  if (dsq->builtin() && (enq_flags & SCX_ENQ_DSQ_PRIQ)) {
    Error(SCX_EXIT_ERROR, "cannot use vtime ordering for built-in DSQs");
    enq_flags &= ~static_cast<u64>(SCX_ENQ_DSQ_PRIQ);
  }
  LinkIntoDsq(dsq, t, enq_flags);
  ++dsq->seq;
  ts_[t].scx.dsq_seq = static_cast<u32>(dsq->seq);
  ++dsq->nr;
  et_[t].dsq = dsq;
  ++nr_queued_;
  if (dsq->local_cpu >= 0) PreemptForLocal(*dsq, t, enq_flags);
}

// A task leaving the policy's custody for a terminal (built-in) DSQ: ops.dequeue(p, 0) first.
void ExtClass::LeaveCustody(TaskId t, const Dsq& dsq) {
  (void)dsq;
  if (!ExtInCustody(et_[t].state) || !ops_->dequeue) return;
  task_struct* p = &ts_[t];
  Callback(
      "dequeue", cur_cpu_, Ctx::kOther, [&] { ops_->dequeue(p, 0); }, ",\"pid\":%d,\"deq_flags\":0",
      p->pid);
}

void ExtClass::LinkIntoDsq(Dsq* dsq, TaskId t, u64 enq_flags) {
  ExtTask& e = et_[t];
  if (enq_flags & SCX_ENQ_DSQ_PRIQ) {
    if (dsq->priq.empty() && dsq->head != kNoTask) {
      Error(SCX_EXIT_ERROR, absl::StrFormat("DSQ 0x%x already had FIFO-enqueued tasks", dsq->id));
    }
    e.priq_vtime = ts_[t].scx.dsq_vtime;
    e.priq_seq = ++seq_;
    e.in_priq = true;
    dsq->priq.insert(PriqKey{e.priq_vtime, e.priq_seq, t});
    return;
  }
  if (!dsq->priq.empty()) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("DSQ 0x%x already had PRIQ-enqueued tasks", dsq->id));
  }
  e.in_priq = false;
  if (enq_flags & (SCX_ENQ_HEAD | SCX_ENQ_PREEMPT)) {
    e.prev_in_dsq = kNoTask;
    e.next_in_dsq = dsq->head;
    if (dsq->head != kNoTask)
      et_[dsq->head].prev_in_dsq = t;
    else
      dsq->tail = t;
    dsq->head = t;
  } else {
    e.next_in_dsq = kNoTask;
    e.prev_in_dsq = dsq->tail;
    if (dsq->tail != kNoTask)
      et_[dsq->tail].next_in_dsq = t;
    else
      dsq->head = t;
    dsq->tail = t;
  }
}

// A local DSQ got a task: its CPU reschedules if idle, or if SCX_ENQ_PREEMPT asks.
void ExtClass::PreemptForLocal(const Dsq& dsq, TaskId t, u64 enq_flags) {
  const int cpu = dsq.local_cpu;
  if (in_balance_[cpu]) return;  // the CPU is already looking for work
  const TaskId curr = ctx_->curr(cpu);
  bool preempt = false;
  if ((enq_flags & SCX_ENQ_PREEMPT) && curr != t && curr != kNoTask) {
    ts_[curr].scx.slice = 0;
    preempt = true;
  }
  if (preempt || curr == kNoTask) ctx_->Resched(cpu);
}

// dispatch_to_local_dsq: moving a task onto another CPU's local DSQ checks its affinity.
void ExtClass::DispatchToLocalDsq(Dsq* dst, TaskId t, u64 enq_flags) {
  const int dst_cpu = dst->local_cpu;
  const Task& task = ctx_->task(t);
  if (!ctx_->cpu_online(dst_cpu)) {
    // task_can_run_on_remote_rq: an offline CPU's rq takes nothing; the global DSQ instead.
    ++events_.SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE;
    DispatchEnqueue(&global_, t, enq_flags);
    return;
  }
  if (dst_cpu != task.cpu && !task.affinity.Test(dst_cpu)) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("SCX_DSQ_LOCAL[_ON] target CPU %d not allowed for %s[%d]",
                                          dst_cpu, ts_[t].comm, ts_[t].pid));
    DispatchEnqueue(&global_, t, enq_flags);
    return;
  }
  ctx_->SetTaskCpu(t, dst_cpu);
  DispatchEnqueue(dst, t, enq_flags);
}

// A dispatch verdict's destination: a local DSQ through dispatch_to_local_dsq, else directly.
void ExtClass::MoveToDsq(Dsq* dst, TaskId t, u64 enq_flags) {
  if (dst->local_cpu >= 0) {
    DispatchToLocalDsq(dst, t, enq_flags);
  } else {
    DispatchEnqueue(dst, t, enq_flags);
  }
}

// Unlinks t from its DSQ. The caller changes its state (the next DSQ, running, or re-enqueued).
void ExtClass::DsqRemove(TaskId t) {
  ExtTask& e = et_[t];
  Dsq* dsq = e.dsq;
  if (!dsq) return;
  if (e.in_priq) {
    // Mostly the first task leaves: erase it by iterator, without a search.
    if (dsq->priq.begin()->task == t) {
      dsq->priq.erase(dsq->priq.begin());
    } else {
      dsq->priq.erase(PriqKey{e.priq_vtime, e.priq_seq, t});
    }
  } else {
    if (e.prev_in_dsq != kNoTask)
      et_[e.prev_in_dsq].next_in_dsq = e.next_in_dsq;
    else
      dsq->head = e.next_in_dsq;
    if (e.next_in_dsq != kNoTask)
      et_[e.next_in_dsq].prev_in_dsq = e.prev_in_dsq;
    else
      dsq->tail = e.prev_in_dsq;
  }
  e.prev_in_dsq = e.next_in_dsq = kNoTask;
  e.dsq = nullptr;
  --dsq->nr;
  --nr_queued_;
}

TaskId ExtClass::DsqFirst(const Dsq& dsq) const {
  if (!dsq.priq.empty()) return dsq.priq.begin()->task;
  return dsq.head;
}

TaskId ExtClass::DsqNextOf(const Dsq& dsq, TaskId t) const {
  const ExtTask& e = et_[t];
  if (e.in_priq) {
    auto it = dsq.priq.upper_bound(PriqKey{e.priq_vtime, e.priq_seq, t});
    return it == dsq.priq.end() ? kNoTask : it->task;
  }
  return e.next_in_dsq;
}

// consume_dispatch_q: the first task of the DSQ that may run on cpu moves to its local DSQ.
bool ExtClass::ConsumeDsq(int cpu, Dsq* dsq) {
  for (TaskId t = DsqFirst(*dsq); t != kNoTask; t = DsqNextOf(*dsq, t)) {
    if (!ctx_->task(t).affinity.Test(cpu)) continue;
    DsqRemove(t);
    ctx_->SetTaskCpu(t, cpu);
    DispatchEnqueue(local_[cpu].get(), t, 0);
    return true;
  }
  return false;
}

void ExtClass::FlushDispatchBuf(int cpu) {
  // Entries may be appended while flushing (an error path never does); index, not iterators.
  for (size_t i = 0; i < dispatch_buf_.size(); ++i) {
    const DispatchBufEntry ent = dispatch_buf_[i];
    if (et_[ent.task].state != ExtTaskState::kBpf)
      continue;  // no longer the policy's (finish_dispatch)
    --nr_queued_;
    MoveToDsq(FindDsqForDispatch(cpu, ent.dsq_id, ent.task), ent.task, ent.enq_flags);
  }
  dispatch_buf_.clear();
}

bool ExtClass::KfAllowed(Ctx a, Ctx b, Ctx c, const char* kfunc) {
  if (ctx_kind_ == a || ctx_kind_ == b || ctx_kind_ == c) return true;
  Error(SCX_EXIT_ERROR, absl::StrCat(kfunc, "() called from a disallowed operation"));
  return false;
}

// ---------------------------------------------------------------------------------------------
// The DSQ kfuncs.

s32 ExtClass::CreateDsq(u64 dsq_id, s32 node) {
  if (dsq_id & SCX_DSQ_FLAG_BUILTIN) return -EINVAL;
  if (node < -1 || node >= ctx_->topology().nr_nodes()) return -EINVAL;
  auto& slot = user_dsqs_[dsq_id];
  if (slot) return -EEXIST;
  slot = std::make_unique<Dsq>();
  slot->id = dsq_id;
  return 0;
}

void ExtClass::DestroyDsq(u64 dsq_id) {
  auto it = user_dsqs_.find(dsq_id);
  if (it == user_dsqs_.end()) return;
  if (it->second->nr > 0) {
    Error(SCX_EXIT_ERROR,
          absl::StrFormat("attempting to destroy in-use DSQ 0x%x (nr=%d)", dsq_id, it->second->nr));
    return;
  }
  user_dsqs_.erase(it);
}

void ExtClass::InsertPreamble(task_struct* p, u64 slice) {
  if (slice) {
    p->scx.slice = slice;
  } else if (!p->scx.slice) {
    p->scx.slice = 1;
  }
}

void ExtClass::DsqInsert(task_struct* p, u64 dsq_id, u64 slice, u64 enq_flags) {
  if (!p) return Error(SCX_EXIT_ERROR, "scx_bpf_dsq_insert() called with NULL task");
  if (!KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kDispatch, "scx_bpf_dsq_insert")) return;
  InsertPreamble(p, slice);
  Commit(p, dsq_id, enq_flags);
}

void ExtClass::DsqInsertVtime(task_struct* p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) {
  if (!p) return Error(SCX_EXIT_ERROR, "scx_bpf_dsq_insert_vtime() called with NULL task");
  if (!KfAllowed(Ctx::kSelectCpu, Ctx::kEnqueue, Ctx::kDispatch, "scx_bpf_dsq_insert_vtime"))
    return;
  InsertPreamble(p, slice);
  p->scx.dsq_vtime = vtime;
  Commit(p, dsq_id, enq_flags | SCX_ENQ_DSQ_PRIQ);
}

// scx_dsq_insert_commit: direct dispatch inside select_cpu/enqueue, else the dispatch buffer.
void ExtClass::Commit(task_struct* p, u64 dsq_id, u64 enq_flags) {
  const TaskId t = id_of(p);
  if (ctx_kind_ == Ctx::kSelectCpu || ctx_kind_ == Ctx::kEnqueue) {
    if (ddsp_used_) {
      return Error(SCX_EXIT_ERROR,
                   absl::StrFormat("%s[%d] already direct-dispatched", p->comm, p->pid));
    }
    if (t != ddsp_task_) {
      const task_struct* q = ddsp_task_ != kNoTask ? &ts_[ddsp_task_] : p;
      return Error(SCX_EXIT_ERROR,
                   absl::StrFormat("scheduling for %s[%d] but trying to direct-dispatch %s[%d]",
                                   q->comm, q->pid, p->comm, p->pid));
    }
    ddsp_used_ = true;
    ExtTask& e = et_[t];
    e.has_ddsp = true;
    e.ddsp_dsq_id = dsq_id;
    e.ddsp_enq_flags = enq_flags;
    p->scx.ddsp_dsq_id = dsq_id;
    p->scx.ddsp_enq_flags = enq_flags;
    return;
  }
  if (dispatch_buf_.size() >= max_batch_) return Error(SCX_EXIT_ERROR, "dispatch buffer overflow");
  dispatch_buf_.push_back(DispatchBufEntry{t, dsq_id, enq_flags});
  ++dispatch_nr_tasks_;
}

bool ExtClass::DsqMoveToLocal(u64 dsq_id, u64 enq_flags) {
  (void)enq_flags;
  if (!KfAllowed(Ctx::kDispatch, Ctx::kDispatch, Ctx::kDispatch, "scx_bpf_dsq_move_to_local"))
    return false;
  const int cpu = dispatch_cpu_;
  FlushDispatchBuf(cpu);
  Dsq* dsq = FindUserDsq(dsq_id);
  if (!dsq) {
    Error(SCX_EXIT_ERROR, absl::StrFormat("invalid DSQ ID 0x%016x", dsq_id));
    return false;
  }
  return ConsumeDsq(cpu, dsq);
}

s32 ExtClass::DsqNrQueued(u64 dsq_id) {
  const Dsq* dsq = ResolveDsq(dsq_id, cur_cpu_);
  return dsq ? dsq->nr : -ENOENT;
}

task_struct* ExtClass::DsqPeek(u64 dsq_id) {
  const Dsq* dsq = ResolveDsq(dsq_id, cur_cpu_);
  if (!dsq) return nullptr;
  const TaskId t = DsqFirst(*dsq);
  return t == kNoTask ? nullptr : &ts_[t];
}

u32 ExtClass::DispatchNrSlots() {
  if (!KfAllowed(Ctx::kDispatch, Ctx::kDispatch, Ctx::kDispatch, "scx_bpf_dispatch_nr_slots"))
    return 0;
  return max_batch_ - static_cast<u32>(dispatch_buf_.size());
}

void ExtClass::DispatchCancel() {
  if (!KfAllowed(Ctx::kDispatch, Ctx::kDispatch, Ctx::kDispatch, "scx_bpf_dispatch_cancel")) return;
  if (dispatch_buf_.empty()) return Error(SCX_EXIT_ERROR, "dispatch buffer underflow");
  dispatch_buf_.pop_back();
  --dispatch_nr_tasks_;
}

u32 ExtClass::ReenqueueLocal() {
  const int cpu = cur_cpu_;
  Dsq* local = local_[cpu].get();
  std::vector<TaskId> tasks;
  for (TaskId t = DsqFirst(*local); t != kNoTask; t = DsqNextOf(*local, t)) tasks.push_back(t);
  for (TaskId t : tasks) {
    DsqRemove(t);
    SetState(t, ExtTaskState::kReady);
    EnqueueTask(t, SCX_ENQ_REENQ, cpu);
  }
  return static_cast<u32>(tasks.size());
}

}  // namespace scxtwin::sim
