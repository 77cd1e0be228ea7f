// The simulator's half of `struct scxtwin_host_api`: one trampoline per kfunc/helper, from the
// policy's C call to the ExtClass method, counting (and, with a log, recording) each call.
#include <cerrno>

#include "absl/strings/str_format.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {

namespace {
inline ExtClass* S(void* sim) { return static_cast<ExtClass*>(sim); }
}  // namespace

void ExtClass::FillApi(scxtwin_host_api* a) {
  *a = scxtwin_host_api{};
  a->version = SCXTWIN_HOST_API_VERSION;
  a->size = sizeof(scxtwin_host_api);
  a->sim = this;

#define KF(name, fmt, ...)                                                                    \
  do {                                                                                         \
    ExtClass* c = S(sim);                                                                      \
    ++c->counters_.kfuncs;                                                                     \
    if (c->opt_.log) c->Log("\"kfunc\":\"" name "\"", absl::StrFormat(fmt, ##__VA_ARGS__));     \
  } while (0)

  a->create_dsq = [](void* sim, u64 id, s32 node) -> s32 {
    s32 r = S(sim)->CreateDsq(id, node);
    KF("scx_bpf_create_dsq", ",\"dsq\":\"0x%x\",\"node\":%d,\"ret\":%d", id, node, r);
    return r;
  };
  a->destroy_dsq = [](void* sim, u64 id) {
    KF("scx_bpf_destroy_dsq", ",\"dsq\":\"0x%x\"", id);
    S(sim)->DestroyDsq(id);
  };
  a->dsq_insert = [](void* sim, task_struct* p, u64 dsq, u64 slice, u64 flags) {
    KF("scx_bpf_dsq_insert", ",\"pid\":%d,\"dsq\":\"0x%x\",\"slice\":%d,\"enq_flags\":%d", p ? p->pid : -1, dsq, slice, flags);
    S(sim)->DsqInsert(p, dsq, slice, flags);
  };
  a->dsq_insert_vtime = [](void* sim, task_struct* p, u64 dsq, u64 slice, u64 vtime, u64 flags) {
    KF("scx_bpf_dsq_insert_vtime", ",\"pid\":%d,\"dsq\":\"0x%x\",\"slice\":%d,\"vtime\":%d,\"enq_flags\":%d",
       p ? p->pid : -1, dsq, slice, vtime, flags);
    S(sim)->DsqInsertVtime(p, dsq, slice, vtime, flags);
  };
  a->dsq_move_to_local = [](void* sim, u64 dsq, u64 flags) -> bool {
    bool r = S(sim)->DsqMoveToLocal(dsq, flags);
    KF("scx_bpf_dsq_move_to_local", ",\"dsq\":\"0x%x\",\"ret\":%s", dsq, r ? "true" : "false");
    return r;
  };
  a->dsq_nr_queued = [](void* sim, u64 dsq) -> s32 {
    s32 r = S(sim)->DsqNrQueued(dsq);
    KF("scx_bpf_dsq_nr_queued", ",\"dsq\":\"0x%x\",\"ret\":%d", dsq, r);
    return r;
  };
  a->dsq_peek = [](void* sim, u64 dsq) -> task_struct* {
    task_struct* r = S(sim)->DsqPeek(dsq);
    KF("scx_bpf_dsq_peek", ",\"dsq\":\"0x%x\",\"ret\":%d", dsq, r ? r->pid : -1);
    return r;
  };
  a->dispatch_nr_slots = [](void* sim) -> u32 {
    u32 r = S(sim)->DispatchNrSlots();
    KF("scx_bpf_dispatch_nr_slots", ",\"ret\":%d", r);
    return r;
  };
  a->dispatch_cancel = [](void* sim) {
    KF("scx_bpf_dispatch_cancel", "");
    S(sim)->DispatchCancel();
  };
  a->reenqueue_local = [](void* sim) -> u32 {
    KF("scx_bpf_reenqueue_local", "");
    return S(sim)->ReenqueueLocal();
  };
  a->select_cpu_dfl = [](void* sim, task_struct* p, s32 prev, u64 wake_flags, bool* is_idle) -> s32 {
    s32 r = S(sim)->SelectCpuDfl(p, prev, wake_flags, is_idle);
    KF("scx_bpf_select_cpu_dfl", ",\"pid\":%d,\"prev_cpu\":%d,\"wake_flags\":%d,\"ret\":%d,\"is_idle\":%s", p->pid, prev,
       wake_flags, r, *is_idle ? "true" : "false");
    return r;
  };
  a->select_cpu_and = [](void* sim, task_struct* p, s32 prev, u64 wake_flags, const cpumask* allowed, u64 flags) -> s32 {
    s32 r = S(sim)->SelectCpuAnd(p, prev, wake_flags, allowed, flags);
    KF("scx_bpf_select_cpu_and", ",\"pid\":%d,\"prev_cpu\":%d,\"ret\":%d", p->pid, prev, r);
    return r;
  };
  a->test_and_clear_cpu_idle = [](void* sim, s32 cpu) -> bool {
    bool r = S(sim)->TestAndClearCpuIdle(cpu);
    KF("scx_bpf_test_and_clear_cpu_idle", ",\"target\":%d,\"ret\":%s", cpu, r ? "true" : "false");
    return r;
  };
  a->pick_idle_cpu = [](void* sim, const cpumask* allowed, int node, u64 flags) -> s32 {
    s32 r = S(sim)->PickIdleCpu(allowed, node, flags);
    KF("scx_bpf_pick_idle_cpu", ",\"flags\":%d,\"ret\":%d", flags, r);
    return r;
  };
  a->pick_any_cpu = [](void* sim, const cpumask* allowed, int node, u64 flags) -> s32 {
    s32 r = S(sim)->PickAnyCpu(allowed, node, flags);
    KF("scx_bpf_pick_any_cpu", ",\"flags\":%d,\"ret\":%d", flags, r);
    return r;
  };
  a->get_idle_cpumask = [](void* sim, int node) -> const cpumask* {
    KF("scx_bpf_get_idle_cpumask", "");
    return S(sim)->GetIdleCpumask(node);
  };
  a->get_idle_smtmask = [](void* sim, int node) -> const cpumask* {
    KF("scx_bpf_get_idle_smtmask", "");
    return S(sim)->GetIdleSmtmask(node);
  };
  a->put_idle_cpumask = [](void* sim, const cpumask*) { KF("scx_bpf_put_idle_cpumask", ""); };
  a->get_possible_cpumask = [](void* sim) -> const cpumask* {
    KF("scx_bpf_get_possible_cpumask", "");
    return S(sim)->PossibleCpumask();
  };
  a->get_online_cpumask = [](void* sim) -> const cpumask* {
    KF("scx_bpf_get_online_cpumask", "");
    return S(sim)->PossibleCpumask();
  };
  a->put_cpumask = [](void* sim, const cpumask*) { KF("scx_bpf_put_cpumask", ""); };
  a->kick_cpu = [](void* sim, s32 cpu, u64 flags) {
    KF("scx_bpf_kick_cpu", ",\"target\":%d,\"flags\":%d", cpu, flags);
    S(sim)->KickCpu(cpu, flags);
  };
  a->nr_cpu_ids = [](void* sim) -> u32 {
    u32 r = S(sim)->NrCpuIds();
    KF("scx_bpf_nr_cpu_ids", ",\"ret\":%d", r);
    return r;
  };
  a->nr_node_ids = [](void* sim) -> u32 {
    u32 r = S(sim)->NrNodeIds();
    KF("scx_bpf_nr_node_ids", ",\"ret\":%d", r);
    return r;
  };
  a->cpu_node = [](void* sim, s32 cpu) -> int {
    int r = S(sim)->CpuNode(cpu);
    KF("scx_bpf_cpu_node", ",\"target\":%d,\"ret\":%d", cpu, r);
    return r;
  };
  a->now = [](void* sim) -> u64 {
    u64 r = S(sim)->Now();
    KF("scx_bpf_now", ",\"ret\":%d", r);
    return r;
  };
  a->ktime_get_ns = [](void* sim) -> u64 {
    u64 r = S(sim)->Now();
    KF("bpf_ktime_get_ns", ",\"ret\":%d", r);
    return r;
  };
  a->smp_processor_id = [](void* sim) -> s32 {
    s32 r = S(sim)->CurrentCpu();
    KF("bpf_get_smp_processor_id", ",\"ret\":%d", r);
    return r;
  };
  // SCX_CPUPERF_ONE: every CPU has the same capacity and runs at full speed.
  a->cpuperf_cap = [](void* sim, s32 cpu) -> u32 {
    KF("scx_bpf_cpuperf_cap", ",\"target\":%d,\"ret\":1024", cpu);
    return 1024;
  };
  a->cpuperf_cur = [](void* sim, s32 cpu) -> u32 {
    KF("scx_bpf_cpuperf_cur", ",\"target\":%d,\"ret\":1024", cpu);
    return 1024;
  };
  a->cpuperf_set = [](void* sim, s32 cpu, u32 perf) { KF("scx_bpf_cpuperf_set", ",\"target\":%d,\"perf\":%d", cpu, perf); };
  a->task_cpu = [](void* sim, const task_struct* p) -> s32 {
    s32 r = S(sim)->TaskCpu(p);
    KF("scx_bpf_task_cpu", ",\"pid\":%d,\"ret\":%d", p->pid, r);
    return r;
  };
  a->task_running = [](void* sim, const task_struct* p) -> bool {
    bool r = S(sim)->TaskRunning(p);
    KF("scx_bpf_task_running", ",\"pid\":%d,\"ret\":%s", p->pid, r ? "true" : "false");
    return r;
  };
  a->task_from_pid = [](void* sim, s32 pid) -> task_struct* {
    task_struct* r = S(sim)->TaskFromPid(pid);
    KF("bpf_task_from_pid", ",\"pid\":%d,\"ret\":%d", pid, r ? r->pid : -1);
    return r;
  };
  a->cpu_curr = [](void* sim, s32 cpu) -> task_struct* {
    task_struct* r = S(sim)->CpuCurr(cpu);
    KF("scx_bpf_cpu_curr", ",\"target\":%d,\"ret\":%d", cpu, r ? r->pid : -1);
    return r;
  };
  a->task_set_slice = [](void* sim, task_struct* p, u64 slice) {
    KF("scx_bpf_task_set_slice", ",\"pid\":%d,\"slice\":%d", p->pid, slice);
    S(sim)->TaskSetSlice(p, slice);
  };
  a->task_set_dsq_vtime = [](void* sim, task_struct* p, u64 vtime) {
    KF("scx_bpf_task_set_dsq_vtime", ",\"pid\":%d,\"vtime\":%d", p->pid, vtime);
    S(sim)->TaskSetDsqVtime(p, vtime);
  };
  a->timer_start = [](void* sim, bpf_timer* timer, u64 nsecs, u64 flags) -> long {
    KF("bpf_timer_start", ",\"nsecs\":%d,\"flags\":%d", nsecs, flags);
    return S(sim)->TimerStart(timer, nsecs, flags);
  };
  a->timer_cancel = [](void* sim, bpf_timer* timer) -> long {
    KF("bpf_timer_cancel", "");
    return S(sim)->TimerCancel(timer);
  };
  a->dsq_iter_new = [](void* sim, bpf_iter_scx_dsq* it, u64 dsq, u64 flags) -> int {
    KF("bpf_iter_scx_dsq_new", ",\"dsq\":\"0x%x\",\"flags\":%d", dsq, flags);
    return S(sim)->DsqIterNew(it, dsq, flags);
  };
  a->dsq_iter_next = [](void* sim, bpf_iter_scx_dsq* it) -> task_struct* {
    task_struct* r = S(sim)->DsqIterNext(it);
    KF("bpf_iter_scx_dsq_next", ",\"ret\":%d", r ? r->pid : -1);
    return r;
  };
  a->dsq_iter_destroy = [](void* sim, bpf_iter_scx_dsq* it) {
    KF("bpf_iter_scx_dsq_destroy", "");
    S(sim)->DsqIterDestroy(it);
  };
  a->dsq_move_set_slice = [](void* sim, bpf_iter_scx_dsq* it, u64 slice) {
    KF("scx_bpf_dsq_move_set_slice", ",\"slice\":%d", slice);
    S(sim)->DsqMoveSetSlice(it, slice);
  };
  a->dsq_move_set_vtime = [](void* sim, bpf_iter_scx_dsq* it, u64 vtime) {
    KF("scx_bpf_dsq_move_set_vtime", ",\"vtime\":%d", vtime);
    S(sim)->DsqMoveSetVtime(it, vtime);
  };
  a->dsq_move = [](void* sim, bpf_iter_scx_dsq* it, task_struct* p, u64 dsq, u64 flags) -> bool {
    bool r = S(sim)->DsqMove(it, p, dsq, flags);
    KF("scx_bpf_dsq_move", ",\"pid\":%d,\"dsq\":\"0x%x\",\"enq_flags\":%d,\"ret\":%s", p ? p->pid : -1, dsq, flags, r ? "true" : "false");
    return r;
  };
  a->dsq_move_vtime = [](void* sim, bpf_iter_scx_dsq* it, task_struct* p, u64 dsq, u64 flags) -> bool {
    bool r = S(sim)->DsqMove(it, p, dsq, flags | SCX_ENQ_DSQ_PRIQ);
    KF("scx_bpf_dsq_move_vtime", ",\"pid\":%d,\"dsq\":\"0x%x\",\"ret\":%s", p ? p->pid : -1, dsq, r ? "true" : "false");
    return r;
  };
  a->exit = [](void* sim, s64 code, const char* msg) {
    KF("scx_bpf_exit_bstr", ",\"code\":%d", code);
    S(sim)->ExitBpf(code, msg);
  };
  a->error = [](void* sim, const char* msg) {
    KF("scx_bpf_error_bstr", "");
    S(sim)->ErrorBpf(msg);
  };
  a->dump = [](void*, const char*) {};
  a->printk = [](void* sim, const char* msg) {
    KF("bpf_printk", "");
    S(sim)->Printk(msg);
  };
  a->prandom_u32 = [](void* sim) -> u32 {
    u32 r = S(sim)->PrandomU32();
    KF("bpf_get_prandom_u32", ",\"ret\":%d", r);
    return r;
  };
#undef KF
}

}  // namespace scxtwin::sim
