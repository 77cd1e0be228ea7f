// DSQ iterators (bpf_iter_scx_dsq_*) and the moves from them (scx_bpf_dsq_move*). An iterator
// sees the tasks queued when it was created (the kernel compares dsq_seq), in queue order or
// reversed; tasks that left the DSQ since are skipped.
#include <algorithm>
#include <cerrno>

#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

int ExtClass::DsqIterNew(bpf_iter_scx_dsq* it, u64 dsq_id, u64 flags) {
  IterState& st = iters_[it];
  st = IterState{};
  if (flags & ~static_cast<u64>(SCX_DSQ_ITER_REV)) return -EINVAL;
  Dsq* dsq = ResolveDsq(dsq_id, cur_cpu_);
  if (!dsq) return -ENOENT;
  st.dsq = dsq;
  for (TaskId t = DsqFirst(*dsq); t != kNoTask; t = DsqNextOf(*dsq, t)) st.tasks.push_back(t);
  if (flags & SCX_DSQ_ITER_REV) std::reverse(st.tasks.begin(), st.tasks.end());
  return 0;
}

task_struct* ExtClass::DsqIterNext(bpf_iter_scx_dsq* it) {
  auto found = iters_.find(it);
  if (found == iters_.end()) return nullptr;
  IterState& st = found->second;
  while (st.pos < st.tasks.size()) {
    const TaskId t = st.tasks[st.pos++];
    if (et_[t].dsq == st.dsq) {
      st.current = t;
      return &ts_[t];
    }
  }
  st.current = kNoTask;
  return nullptr;
}

void ExtClass::DsqIterDestroy(bpf_iter_scx_dsq* it) { iters_.erase(it); }

void ExtClass::DsqMoveSetSlice(bpf_iter_scx_dsq* it, u64 slice) {
  IterState& st = iters_[it];
  st.slice = slice;
  st.set_slice = true;
}

void ExtClass::DsqMoveSetVtime(bpf_iter_scx_dsq* it, u64 vtime) {
  IterState& st = iters_[it];
  st.vtime = vtime;
  st.set_vtime = true;
}

bool ExtClass::DsqMove(bpf_iter_scx_dsq* it, task_struct* p, u64 dsq_id, u64 enq_flags) {
  auto found = iters_.find(it);
  if (found == iters_.end() || !p) return false;
  IterState& st = found->second;
  const TaskId t = id_of(p);
  // Only a task the iterator has seen and that is still where it was can move.
  if (std::find(st.tasks.begin(), st.tasks.begin() + st.pos, t) == st.tasks.begin() + st.pos)
    return false;
  if (et_[t].dsq != st.dsq) return false;
  if (ctx_kind_ == Ctx::kDispatch) FlushDispatchBuf(dispatch_cpu_);
  if (st.set_slice) p->scx.slice = st.slice;
  if (st.set_vtime) p->scx.dsq_vtime = st.vtime;
  st.set_slice = st.set_vtime = false;
  const int rq = ctx_kind_ == Ctx::kDispatch ? dispatch_cpu_ : cur_cpu_;
  DsqRemove(t);
  MoveToDsq(FindDsqForDispatch(rq, dsq_id, t), t, enq_flags);
  return true;
}

}  // namespace scxtwin::sim
